package at.telco.hub.bench;

import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Languages;
import at.telco.hub.mapping.Mappings;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
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

  @Benchmark
  public void jsltCrmToCanonical(Blackhole b) {
    for (JsonNode s : snapshots) {
      b.consume(mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, s));
    }
  }

  @Benchmark
  public void handCrmToCanonical(Blackhole b) {
    for (JsonNode s : snapshots) {
      b.consume(hand.crmToCanonical(s));
    }
  }

  @Benchmark
  public void jsltToCustomerDb(Blackhole b) {
    for (JsonNode c : canonical) {
      b.consume(mappings.apply(HubTransformers.CUSTOMER_TO_CUSTOMERDB, c));
    }
  }

  @Benchmark
  public void handToCustomerDb(Blackhole b) {
    for (JsonNode c : canonical) {
      b.consume(hand.toCustomerDb(c));
    }
  }

  @Benchmark
  public void jsltToBilling(Blackhole b) {
    for (JsonNode c : canonical) {
      b.consume(mappings.apply(HubTransformers.CUSTOMER_TO_BILLING, c));
    }
  }

  @Benchmark
  public void handToBilling(Blackhole b) {
    for (JsonNode c : canonical) {
      b.consume(hand.toBilling(c));
    }
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
