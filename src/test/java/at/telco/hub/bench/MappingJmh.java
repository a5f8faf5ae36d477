package at.telco.hub.bench;

import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Languages;
import at.telco.hub.mapping.Mappings;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The JMH benchmarks MappingBench runs: each call maps all {@link MappingBench#payloads()} once,
 * with the JSLT transformers or with {@link HandMapping}, so calls per second are its score times
 * the number of payloads.
 */
@State(Scope.Benchmark)
public class MappingJmh {

  Mappings mappings;
  HandMapping hand;
  List<JsonNode> snapshots;
  List<JsonNode> canonical;

  @Setup
  public void setUp() {
    mappings = HubBench.mappings();
    hand = new HandMapping(Languages.defaults());
    snapshots = MappingBench.payloads();
    canonical = new ArrayList<>();
    for (JsonNode s : snapshots) {
      canonical.add(mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, s));
    }
  }

  /** Maps every input once, each result consumed so the JIT cannot drop the work. */
  private static void each(List<JsonNode> inputs, UnaryOperator<JsonNode> map, Blackhole b) {
    for (JsonNode in : inputs) {
      b.consume(map.apply(in));
    }
  }

  @Benchmark
  public void jsltCrmToCanonical(Blackhole b) {
    each(snapshots, s -> mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, s), b);
  }

  @Benchmark
  public void handCrmToCanonical(Blackhole b) {
    each(snapshots, hand::crmToCanonical, b);
  }

  @Benchmark
  public void jsltToCustomerDb(Blackhole b) {
    each(canonical, c -> mappings.apply(HubTransformers.CUSTOMER_TO_CUSTOMERDB, c), b);
  }

  @Benchmark
  public void handToCustomerDb(Blackhole b) {
    each(canonical, hand::toCustomerDb, b);
  }

  @Benchmark
  public void jsltToBilling(Blackhole b) {
    each(canonical, c -> mappings.apply(HubTransformers.CUSTOMER_TO_BILLING, c), b);
  }

  @Benchmark
  public void handToBilling(Blackhole b) {
    each(canonical, hand::toBilling, b);
  }

  /** One change through all three mappings. */
  @Benchmark
  public void jsltAllThree(Blackhole b) {
    for (JsonNode s : snapshots) {
      JsonNode c = mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, s);
      b.consume(mappings.apply(HubTransformers.CUSTOMER_TO_CUSTOMERDB, c));
      b.consume(mappings.apply(HubTransformers.CUSTOMER_TO_BILLING, c));
    }
  }

  @Benchmark
  public void handAllThree(Blackhole b) {
    for (JsonNode s : snapshots) {
      JsonNode c = hand.crmToCanonical(s);
      b.consume(hand.toCustomerDb(c));
      b.consume(hand.toBilling(c));
    }
  }
}
