package at.telco.hub.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.deploy.DeployFiles;
import at.telco.hub.deploy.Promtool;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.Scrape;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drives traffic through flow 1 and reads {@code /observe/metrics} as Prometheus does: the series
 * operations alert on exist, carry the right labels and move as they should, and promtool accepts
 * the whole scrape.
 */
class MetricsIT {

  static TestServers servers;
  static HubInstance hub;
  static Crm crm;

  @BeforeAll
  static void start() {
    servers = TestServers.get();
    hub = SharedHub.get();
    crm = new Crm(servers);
    servers.execute(
        "billing",
        """
        CREATE FUNCTION public.refuse_o01() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.crm_account_id LIKE 'ACC-O01-BAD%' THEN
            RAISE EXCEPTION 'billing refuses customer: blocked for the metrics test' USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END $$""",
        "CREATE TRIGGER refuse_o01 BEFORE INSERT OR UPDATE ON billing.customer FOR EACH ROW"
            + " EXECUTE FUNCTION public.refuse_o01()");
  }

  @AfterAll
  static void removeFault() {
    servers.execute(
        "billing",
        "DROP TRIGGER refuse_o01 ON billing.customer",
        "DROP FUNCTION public.refuse_o01()");
  }

  static Scrape scrape() {
    return Scrape.of(hub.managementPort());
  }

  static Http.Response health(String path) {
    return Http.get("http://127.0.0.1:" + hub.managementPort() + "/observe/health" + path);
  }

  @Test
  void throughputLatencyFailuresAndDeadLettersMove() {
    await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(hub.managementPort()));
    Scrape before = scrape();
    String good = "ACC-O01-0001";
    String bad = "ACC-O01-BAD1";
    crm.person(good, "Lena", "Wimmer", "ACTIVE");
    crm.person(bad, "Jonas", "Huber", "ACTIVE");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                scrape().valueOrZero("hub_dead_letters_total", "target", "billing")
                        > before.valueOrZero("hub_dead_letters_total", "target", "billing")
                    && scrape().valueOrZero("hub_dead_letters_queued", "target", "billing")
                        > before.valueOrZero("hub_dead_letters_queued", "target", "billing"));
    Scrape after = scrape();

    // per-route throughput and failures (Camel's route metrics)
    for (String route : List.of("crm-customer-source", "sink-customerdb", "sink-one")) {
      assertThat(after.value("camel_exchanges_total", "route_id", route))
          .as("exchanges of " + route)
          .isGreaterThan(before.valueOrZero("camel_exchanges_total", "route_id", route));
    }
    assertThat(after.value("camel_exchanges_failures_handled_total", "route_id", "sink-one"))
        .as(
            "the refused change failed in sink-one and was dead-lettered\n"
                + after.find("camel_exchanges_failures_handled_total"))
        .isGreaterThan(
            before.valueOrZero("camel_exchanges_failures_handled_total", "route_id", "sink-one"));

    // end-to-end latency, CRM commit to target commit, per flow and target
    for (String target : List.of("customerdb", "billing")) {
      assertThat(
              after.value(
                  "hub_end_to_end_latency_seconds_count", "flow", "customer", "target", target))
          .isGreaterThan(
              before.valueOrZero(
                  "hub_end_to_end_latency_seconds_count", "flow", "customer", "target", target));
      assertThat(
              after.find(
                  "hub_end_to_end_latency_seconds_bucket", "flow", "customer", "target", target))
          .hasSizeGreaterThan(5);
    }
    assertThat(
            after.value("hub_target_changes_total", "target", "customerdb", "outcome", "applied"))
        .isGreaterThan(
            before.valueOrZero(
                "hub_target_changes_total", "target", "customerdb", "outcome", "applied"));
    assertThat(after.value("hub_source_changes_total", "source", "crm.change_log"))
        .isGreaterThan(before.valueOrZero("hub_source_changes_total", "source", "crm.change_log"));

    // dead letters: depth and age per target, zero for targets that have none
    assertThat(after.value("hub_dead_letters_oldest_age_seconds", "target", "billing"))
        .isGreaterThanOrEqualTo(0);
    assertThat(after.has("hub_dead_letters_queued", "target", "customerdb")).isTrue();
    assertThat(after.has("hub_dead_letters_queued", "target", "canonical-customer")).isTrue();
    Http.Response ready = health("/ready?data=true");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body()).contains("\"dead-letters\"").contains("billing.queued");
  }

  @Test
  void backlogAndLagGrowWhileARouteIsStoppedAndDrainWhenItRuns() throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(hub.managementPort()));
    var routes = hub.context().getRouteController();
    routes.stopRoute("crm-customer-source");
    try {
      for (int i = 1; i <= 5; i++) {
        crm.person("ACC-O01-B0" + i, "Sophie", "Gruber", "ACTIVE");
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  scrape().valueOrZero("hub_source_backlog_changes", "source", "crm.change_log")
                      >= 15); // 5 accounts, each with a contact and an address
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  scrape()
                          .valueOrZero(
                              "hub_source_backlog_oldest_age_seconds", "source", "crm.change_log")
                      >= 1);
    } finally {
      routes.startRoute("crm-customer-source");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                scrape().value("hub_source_backlog_changes", "source", "crm.change_log") == 0
                    && scrape()
                            .value(
                                "hub_source_backlog_oldest_age_seconds", "source", "crm.change_log")
                        == 0);

    String lagOf = "hub_consumer_lag_records";
    routes.stopRoute("sink-billing");
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> scrape().value(lagOf, "target", "billing") == 0);
      crm.person("ACC-O01-L01", "Felix", "Bauer", "ACTIVE");
      crm.person("ACC-O01-L02", "Anna", "Steiner", "ACTIVE");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> scrape().value(lagOf, "target", "billing") >= 2);
      assertThat(
              scrape()
                  .value(
                      lagOf,
                      "target",
                      "customerdb",
                      "group",
                      "hub-customerdb",
                      "topic",
                      "canonical.customer.v1"))
          .as("the other target keeps up")
          .isLessThan(2);
    } finally {
      routes.startRoute("sink-billing");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> scrape().value(lagOf, "target", "billing") == 0);
  }

  @Test
  void parkedMessagesAndProvisioningCommandsAreWatched() throws Exception {
    Observations observations = hub.bean("hubObservations", Observations.class);
    // a parking queue (flow 4 will park network events whose billing account is not known yet)
    String queue = "PARK.o01";
    observations.parkingQueue(queue, Queues.hub(servers.artemisPort()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> scrape().value("hub_parked_messages", "queue", queue) == 0);
    try (Connection c = Queues.hub(servers.artemisPort()).createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      MessageProducer p = s.createProducer(s.createQueue(queue));
      for (int i = 0; i < 3; i++) {
        p.send(s.createTextMessage("{\"parked\": " + i + "}"));
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> scrape().value("hub_parked_messages", "queue", queue) == 3);

    // provisioning commands: the gauges follow the command store of flow 3
    at.telco.hub.provisioning.Barring barring =
        hub.bean("barring", at.telco.hub.provisioning.Barring.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              java.util.Map<String, Long> counts = barring.counts();
              Scrape now = scrape();
              assertThat(now.value("hub_provisioning_commands_overdue"))
                  .isEqualTo(counts.get("OVERDUE").doubleValue());
              assertThat(now.value("hub_provisioning_commands_pending"))
                  .isEqualTo((double) counts.get("PENDING") + counts.get("OVERDUE"));
            });
    // the parking queue of flow 4 and both polled source tables are watched
    Scrape s = scrape();
    assertThat(s.has("hub_parked_messages", "queue", "PARK.network-inventory")).isTrue();
    assertThat(s.value("hub_source_backlog_changes", "source", "billing.event_out"))
        .isGreaterThanOrEqualTo(0);
    assertThat(s.value("hub_consumer_lag_records", "target", "network-provisioning"))
        .isGreaterThanOrEqualTo(0);
    assertThat(health("/ready").status())
        .as("details need attention, they do not take the hub out of service")
        .isEqualTo(200);

    // with every kind of observation registered: each series the alert rules and the Grafana
    // dashboard query is served
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              java.util.Set<String> served = new java.util.TreeSet<>();
              scrape()
                  .samples()
                  .forEach(x -> served.add(x.name().replaceAll("_(bucket|count|sum)$", "")));
              assertThat(served).containsAll(DeployFiles.metricsUsed());
            });
  }

  @Test
  void promtoolAcceptsTheScrape() throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(hub.managementPort()));
    String text = scrape().text();
    Process p = Promtool.start("check", "metrics");
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    System.out.println("promtool check metrics: exit " + p.exitValue() + "\n" + out);
    assertThat(p.exitValue()).as(out).isZero();
  }
}
