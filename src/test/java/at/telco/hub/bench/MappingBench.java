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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JSLT transformers of flow 1 against {@link HandMapping}, the same mappings written by hand
 * with Jackson, on the same payloads (B2C and B2B accounts as the CRM stores them): first checked
 * to give the same documents, then measured with JMH ({@link MappingJmh}: {@code
 * bench.mapping.forks} forked JVMs, {@code bench.mapping.warmup-s} warm-up iterations and {@code
 * bench.mapping.iterations} measured iterations of one second each, throughput mode).
 */
class MappingBench {

  static final boolean QUICK = Boolean.getBoolean("bench.quick");
  static final int WARMUP_S = Integer.getInteger("bench.mapping.warmup-s", QUICK ? 3 : 5);
  static final int ITERATIONS = Integer.getInteger("bench.mapping.iterations", QUICK ? 3 : 7);
  static final int FORKS = Integer.getInteger("bench.mapping.forks", 1);

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

    Collection<RunResult> runs =
        new Runner(
                new OptionsBuilder()
                    .include(MappingJmh.class.getName() + ".")
                    .mode(Mode.Throughput)
                    .forks(FORKS)
                    .warmupIterations(WARMUP_S)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(ITERATIONS)
                    .measurementTime(TimeValue.seconds(1))
                    .threads(1)
                    .shouldFailOnError(true)
                    .build())
            .run();
    Map<String, Double> perSecond = new HashMap<>();
    for (RunResult r : runs) {
      String method = r.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      // one benchmark call maps every payload once
      perSecond.put(method, r.getPrimaryResult().getScore() * snapshots.size());
    }
    List<String[]> cases =
        List.of(
            new String[] {"crm -> canonical customer", "CrmToCanonical"},
            new String[] {"canonical -> customerdb", "ToCustomerDb"},
            new String[] {"canonical -> billing", "ToBilling"},
            new String[] {"all three (one change)", "AllThree"});
    System.out.printf(
        "%nMappingBench (JMH): %d fork(s), %d warm-up and %d measured iterations of 1 s; %d"
            + " payloads per call%n",
        FORKS, WARMUP_S, ITERATIONS, snapshots.size());
    System.out.printf("%-26s %14s %14s %8s%n", "mapping", "JSLT calls/s", "hand calls/s", "ratio");
    ObjectNode doc = Json.object();
    var results = doc.putArray("cases");
    double all = Double.NaN;
    for (String[] c : cases) {
      Double j = perSecond.get("jslt" + c[1]);
      Double h = perSecond.get("hand" + c[1]);
      assertThat(j).as("JMH measured jslt" + c[1]).isNotNull().isPositive();
      assertThat(h).as("JMH measured hand" + c[1]).isNotNull().isPositive();
      System.out.printf("%-26s %,14.0f %,14.0f %8.2f%n", c[0], j, h, j / h);
      ObjectNode r = results.addObject();
      r.put("mapping", c[0]).put("jslt_per_s", j).put("hand_per_s", h).put("ratio", j / h);
      all = j / h;
    }
    Path out = Path.of("target", "bench", "mapping-bench.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, Json.write(doc));
    System.out.printf("RESULT mapping jslt_to_hand_ratio=%.2f%n", all);
    assertThat(all).isPositive();
  }
}
