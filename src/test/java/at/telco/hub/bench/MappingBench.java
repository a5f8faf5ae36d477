package at.telco.hub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.Json;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Languages;
import at.telco.hub.mapping.Mappings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The JSLT transformers of flow 1 against {@link HandMapping}, the same mappings written by hand
 * with Jackson, on the same payloads (B2C and B2B accounts as the CRM stores them). JMH is not in
 * the offline Maven repository of this build, so this is a plain harness in JMH's manner: a warm-up
 * of {@code bench.mapping.warmup-s} seconds per case, then {@code bench.mapping.iterations}
 * measured iterations of one second each, the median reported, results consumed so the JIT cannot
 * drop the work. It runs in the failsafe JVM beside the idle test servers; compare the ratios.
 */
class MappingBench {

  static final boolean QUICK = Boolean.getBoolean("bench.quick");
  static final int WARMUP_S = Integer.getInteger("bench.mapping.warmup-s", QUICK ? 2 : 5);
  static final int ITERATIONS = Integer.getInteger("bench.mapping.iterations", QUICK ? 3 : 7);

  static volatile int sink;

  static List<JsonNode> payloads() {
    List<JsonNode> docs = new ArrayList<>();
    for (int i = 1; i <= 64; i++) {
      String id = String.format("ACC-%012d", i);
      boolean b2b = i % 4 == 0;
      ObjectNode doc = Json.object();
      doc.put("accountId", id);
      doc.put("customerId", UUID.nameUUIDFromBytes(id.getBytes()).toString());
      ObjectNode a = doc.putObject("account");
      a.put("account_id", id).put("account_type", b2b ? "B2B" : "B2C");
      a.put(
          "name",
          b2b ? "Huber Handels- und Beteiligungsgesellschaft m.b.H. Nr. " + i : "Anna Huber");
      a.put("vat_id", b2b ? String.format("ATU%08d", i) : null);
      a.put("status", i % 10 == 0 ? "INACTIVE" : "ACTIVE")
          .put("segment", b2b ? "SOHO" : "CONSUMER");
      a.put("row_version", 3);
      var contacts = doc.putArray("contacts");
      var addresses = doc.putArray("addresses");
      for (int k = 1; k <= (i % 3) + 1; k++) {
        ObjectNode c = contacts.addObject();
        c.put("contact_id", id + "-C" + k).put("account_id", id).put("is_primary", k == 1);
        c.put("salutation", "Frau").put("first_name", "Anna").put("last_name", "Huber" + k);
        c.put("birth_date", "1980-02-29").put("email", "anna" + i + "@example.at");
        c.put("phone", i % 5 == 0 ? "0664 1234567" : "+43664" + (1000000 + i));
        c.put("language", i % 7 == 0 ? "en" : "de").put("marketing_opt_in", i % 2 == 0);
        c.put("row_version", 2);
      }
      String[] types = i % 3 == 0 ? new String[] {"BILLING", "SERVICE"} : new String[] {"BILLING"};
      for (String type : types) {
        ObjectNode d = addresses.addObject();
        d.put("address_id", id + "-" + type.charAt(0)).put("account_id", id);
        d.put("address_type", type).put("street", "Lassallestraße");
        d.put("house_number", i % 6 == 0 ? null : String.valueOf(i));
        d.put("postal_code", "1020").put("city", "Wien").put("country", "AT");
        d.put("last_modified", "2026-01-01T00:00:00+00:00").put("row_version", 1);
      }
      docs.add(doc);
    }
    return docs;
  }

  /** Calls per second: the median of the measured iterations, after the warm-up. */
  static double measure(List<JsonNode> inputs, Function<JsonNode, JsonNode> f) {
    long end = System.nanoTime() + WARMUP_S * 1_000_000_000L;
    int h = 0;
    while (System.nanoTime() < end) {
      for (JsonNode in : inputs) {
        h += f.apply(in).size();
      }
    }
    double[] rates = new double[ITERATIONS];
    for (int it = 0; it < ITERATIONS; it++) {
      long calls = 0;
      long t0 = System.nanoTime();
      long stop = t0 + 1_000_000_000L;
      long now;
      do {
        for (JsonNode in : inputs) {
          h += f.apply(in).size();
        }
        calls += inputs.size();
        now = System.nanoTime();
      } while (now < stop);
      rates[it] = calls / ((now - t0) / 1e9);
    }
    sink = h;
    Arrays.sort(rates);
    return rates[ITERATIONS / 2];
  }

  @Test
  void transformersAgainstHandWrittenMapping() throws Exception {
    Mappings mappings = HubBench.mappings();
    HandMapping hand = new HandMapping(Languages.defaults());
    List<JsonNode> snapshots = payloads();
    List<JsonNode> canonical = new ArrayList<>();
    for (JsonNode s : snapshots) {
      JsonNode jslt = mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, s);
      assertThat(hand.crmToCanonical(s)).as("the same canonical customer").isEqualTo(jslt);
      canonical.add(jslt);
    }
    for (JsonNode c : canonical) {
      assertThat(hand.toCustomerDb(c))
          .isEqualTo(mappings.apply(HubTransformers.CUSTOMER_TO_CUSTOMERDB, c));
      assertThat(hand.toBilling(c))
          .isEqualTo(mappings.apply(HubTransformers.CUSTOMER_TO_BILLING, c));
    }

    record Case(
        String name,
        List<JsonNode> in,
        Function<JsonNode, JsonNode> jslt,
        Function<JsonNode, JsonNode> hand) {}
    List<Case> cases =
        List.of(
            new Case(
                "crm -> canonical customer",
                snapshots,
                s -> mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, s),
                hand::crmToCanonical),
            new Case(
                "canonical -> customerdb",
                canonical,
                c -> mappings.apply(HubTransformers.CUSTOMER_TO_CUSTOMERDB, c),
                hand::toCustomerDb),
            new Case(
                "canonical -> billing",
                canonical,
                c -> mappings.apply(HubTransformers.CUSTOMER_TO_BILLING, c),
                hand::toBilling),
            new Case(
                "all three (one change)",
                snapshots,
                s -> {
                  JsonNode c = mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, s);
                  mappings.apply(HubTransformers.CUSTOMER_TO_CUSTOMERDB, c);
                  return mappings.apply(HubTransformers.CUSTOMER_TO_BILLING, c);
                },
                s -> {
                  JsonNode c = hand.crmToCanonical(s);
                  hand.toCustomerDb(c);
                  return hand.toBilling(c);
                }));
    System.out.printf(
        "%nMappingBench: warm-up %d s, %d iterations of 1 s, median; %d payloads%n",
        WARMUP_S, ITERATIONS, snapshots.size());
    System.out.printf("%-26s %14s %14s %8s%n", "mapping", "JSLT calls/s", "hand calls/s", "ratio");
    ObjectNode doc = Json.object();
    var results = doc.putArray("cases");
    double all = Double.NaN;
    for (Case c : cases) {
      double j = measure(c.in(), c.jslt());
      double h = measure(c.in(), c.hand());
      System.out.printf("%-26s %,14.0f %,14.0f %8.2f%n", c.name(), j, h, j / h);
      ObjectNode r = results.addObject();
      r.put("mapping", c.name()).put("jslt_per_s", j).put("hand_per_s", h).put("ratio", j / h);
      all = j / h;
    }
    Path out = Path.of("target", "bench", "mapping-bench.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, Json.write(doc));
    System.out.printf("RESULT mapping jslt_to_hand_ratio=%.2f%n", all);
    assertThat(all).isPositive();
  }
}
