package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.Json;
import at.telco.hub.consistency.SchemaDrift;
import at.telco.hub.observe.ChangeRates;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.observe.Observations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What GET /api/v1/overview answers, from gauges and stores set up by hand. */
class OverviewApiTest {

  final MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final Clock clock = Clock.fixed(Instant.parse("2026-12-06T23:00:00Z"), ZoneOffset.UTC);
  final ChangeRates rates = new ChangeRates(registry, clock);
  final OverviewRules rules =
      new OverviewRules(
          OverviewRules.Thresholds.of(
              new at.telco.hub.config.Settings(
                  k -> Optional.ofNullable(new Properties().getProperty(k)))));
  final Map<String, String> flows =
      OverviewApi.flowsOf(
          Map.of("canonical.customer.v1", "customer", "canonical.billing.v1", "billing"));

  List<Observations.Readiness> readiness = List.of(new Observations.Readiness("kafka", true, null));
  Map<String, List<SchemaDrift.Finding>> drift = Map.of("billing", List.of(), "crm", List.of());
  Supplier<ObjectNode> lastRun = () -> null;
  ArrayNode newestRuns = Json.MAPPER.createArrayNode();

  void gauge(String name, double value, String... tags) {
    Gauge.builder(name, () -> value).tags(tags).register(registry);
  }

  ObjectNode overview() {
    return new OverviewApi(
            registry,
            rates,
            () -> newestRuns,
            () -> lastRun.get(),
            () -> drift,
            () -> readiness,
            rules,
            flows,
            5,
            clock)
        .build();
  }

  static JsonNode target(ObjectNode o, String name) {
    List<JsonNode> all = new ArrayList<>();
    o.path("flows").forEach(f -> f.path("targets").forEach(all::add));
    return all.stream()
        .filter(t -> t.path("target").asText().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aQuietHubIsGreen() {
    gauge(
        "hub.consumer.lag.records",
        0,
        "target",
        "billing",
        "group",
        "g",
        "topic",
        "canonical.customer.v1");
    gauge("hub.dead.letters.queued", 0, "target", "billing");
    gauge("hub.dead.letters.oldest.age", 0, "target", "billing");
    gauge("hub.source.backlog.changes", 0, "source", "crm.change_log");
    gauge("hub.source.backlog.oldest.age", 0, "source", "crm.change_log");
    ObjectNode o = overview();
    assertThat(o.path("status").asText()).isEqualTo("green");
    assertThat(o.path("reasons")).isEmpty();
    assertThat(o.path("refreshSeconds").asInt()).isEqualTo(5);
    JsonNode customer = o.path("flows").get(0);
    assertThat(customer.path("flow").asText()).isEqualTo("customer");
    assertThat(customer.path("sources").get(0).path("source").asText()).isEqualTo("crm.change_log");
    assertThat(customer.path("sources").get(0).path("changesPerMinute")).hasSize(60);
    JsonNode billing = target(o, "billing");
    assertThat(billing.path("lag").asLong()).isZero();
    assertThat(billing.path("latencyP95Seconds").isNull()).isTrue();
    assertThat(billing.path("deadLetters").path("open").asLong()).isZero();
    assertThat(o.path("reconciliation").path("last").isNull()).isTrue();
    assertThat(o.path("reconciliation").path("status").asText()).isEqualTo("green");
  }

  @Test
  void eachPartSaysWhyItIsNotGreenAndTheWorstReasonsComeFirst() {
    gauge(
        "hub.consumer.lag.records",
        1500,
        "target",
        "billing",
        "group",
        "g",
        "topic",
        "canonical.customer.v1");
    gauge(
        "hub.consumer.lag.records",
        0,
        "target",
        "customerdb",
        "group",
        "c",
        "topic",
        "canonical.customer.v1");
    gauge(
        "hub.consumer.lag.records",
        Double.NaN,
        "target",
        "crm.activity",
        "group",
        "a",
        "topic",
        "canonical.billing.v1");
    gauge(
        "hub.consumer.lag.records",
        0,
        "target",
        "provisioning-results",
        "group",
        "r",
        "topic",
        "network.results");
    gauge("hub.dead.letters.queued", 3, "target", "billing");
    gauge("hub.dead.letters.oldest.age", 540, "target", "billing");
    gauge("hub.dead.letters.queued", 0, "target", "customerdb");
    gauge("hub.dead.letters.oldest.age", 0, "target", "customerdb");
    gauge("hub.parked.messages", 2, "queue", "PARK.network-inventory");
    gauge("hub.provisioning.commands.pending", 4);
    gauge("hub.provisioning.commands.overdue", 1);
    new HubMetrics(registry)
        .endToEnd("customer", "customerdb", Instant.parse("2026-12-06T22:59:59Z"), clock.instant());
    ObjectNode run = Json.object();
    run.put("id", "r1");
    run.put("startedAt", "2026-12-06T22:00:00Z");
    run.put("finishedAt", "2026-12-06T22:01:00Z");
    run.set("differences", Json.parse("{\"crm->billing\": {\"DIFFERENT\": 2, \"MISSING\": 1}}"));
    lastRun = () -> run;
    drift =
        Map.of(
            "billing",
            List.of(
                new SchemaDrift.Finding(
                    "billing",
                    "billing.customer.city",
                    "is 20 long, needs 40",
                    List.of("sink-billing"))));
    readiness =
        List.of(
            new Observations.Readiness("kafka", true, null),
            new Observations.Readiness("crm-database", false, "connection refused"));

    ObjectNode o = overview();
    assertThat(o.path("status").asText()).isEqualTo("red");
    List<String> reasons = new ArrayList<>();
    o.path("reasons")
        .forEach(r -> reasons.add(r.path("status").asText() + " " + r.path("reason").asText()));
    assertThat(reasons)
        .containsExactlyInAnyOrder(
            "red billing: schema drift, 1 finding (billing.customer.city: is 20 long, needs 40)",
            "red crm-database: not ready (connection refused)",
            "amber billing: lag 1,500 changes, behind",
            "amber billing: 3 open dead letters, oldest 9 min",
            "amber crm.activity: lag unknown (Kafka not answering)",
            "amber provisioning: 1 command overdue",
            "amber reconciliation: 3 records differ between master and copy");
    assertThat(reasons.subList(0, 2)).allMatch(r -> r.startsWith("red "));

    JsonNode billing = target(o, "billing");
    assertThat(billing.path("status").asText()).isEqualTo("amber");
    assertThat(billing.path("lag").asLong()).isEqualTo(1500);
    assertThat(billing.path("deadLetters").path("open").asLong()).isEqualTo(3);
    assertThat(billing.path("deadLetters").path("oldestAgeSeconds").asLong()).isEqualTo(540);
    assertThat(billing.path("topics").get(0).asText()).isEqualTo("canonical.customer.v1");
    JsonNode activity = target(o, "crm.activity");
    assertThat(activity.path("lag").isNull()).as("unknown, not 0").isTrue();
    assertThat(activity.path("status").asText()).isEqualTo("amber");
    assertThat(activity.path("deadLetters").isNull())
        .as("no dead-letter queue of its own")
        .isTrue();
    JsonNode customerdb = target(o, "customerdb");
    assertThat(customerdb.path("status").asText()).isEqualTo("green");
    assertThat(customerdb.path("latencyP95Seconds").isNull())
        .as("one sample, no window yet")
        .isTrue();
    assertThat(target(o, "provisioning-results").path("status").asText()).isEqualTo("green");

    List<String> flowNames = new ArrayList<>();
    o.path("flows")
        .forEach(f -> flowNames.add(f.path("flow").asText() + "=" + f.path("status").asText()));
    assertThat(flowNames).containsExactly("customer=amber", "billing=amber", "other=green");

    assertThat(o.path("parked").get(0).path("messages").asLong()).isEqualTo(2);
    assertThat(o.path("parked").get(0).path("status").asText()).isEqualTo("green");
    assertThat(o.path("provisioning").path("pending").asLong()).isEqualTo(4);
    assertThat(o.path("reconciliation").path("last").path("differences").asLong()).isEqualTo(3);
    assertThat(o.path("schemaDrift").path("systems").path("billing").asInt()).isEqualTo(1);
    assertThat(o.path("schemaDrift").path("status").asText()).isEqualTo("red");
    assertThat(o.path("readiness").path("checks")).hasSize(2);
    assertThat(o.path("readiness").path("checks").get(1).path("message").asText())
        .isEqualTo("connection refused");
  }

  @Test
  void aStoreThatDoesNotAnswerIsAmberAndTheRestIsStillShown() {
    gauge("hub.dead.letters.queued", 0, "target", "billing");
    lastRun =
        () -> {
          throw new IllegalStateException("hub database down");
        };
    ObjectNode o = overview();
    assertThat(o.path("reconciliation").path("status").asText()).isEqualTo("amber");
    assertThat(o.path("reasons").get(0).path("reason").asText())
        .isEqualTo("reconciliation: runs unknown (hub database not answering)");
    assertThat(target(o, "billing").path("status").asText()).isEqualTo("green");
  }
}
