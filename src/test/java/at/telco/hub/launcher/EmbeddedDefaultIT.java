package at.telco.hub.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalTypes;
import at.telco.hub.canonical.TmfSchemas;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.EmbeddedHub;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.KafkaTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The jar as a newcomer runs it: {@code java -jar telco-integration-hub.jar} with nothing but a
 * data directory and (so it can run beside a hub someone already has up) its own ports. It starts
 * real PostgreSQL, Kafka and Artemis, seeds the CRM and is UP in under 30 s; a CRM change reaches
 * customerdb and billing in under 2 s; every canonical event it published is valid against the
 * official TM Forum v5 schema of its entity; killed hard it starts again on the same data.
 */
class EmbeddedDefaultIT {

  static final List<String> TOPICS =
      List.of("canonical.customer.v1", "canonical.billing.v1", "canonical.service.v1");

  /**
   * Every canonical event on the hub's topics (customers, billing accounts, bills from the billing
   * simulator, services from the network simulator) validated by {@link TmfSchemas}, as {@code
   * TmfConformanceTest} validates the golden fixtures.
   */
  static void tmfValid(EmbeddedHub e) {
    Map<String, Integer> seen = new TreeMap<>();
    List<CanonicalEvent> events = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              seen.clear();
              events.clear();
              for (String topic : TOPICS) {
                for (String value : new KafkaTopic(e.kafkaBootstrap(), topic).all()) {
                  if (value != null) { // a tombstone is no event
                    CanonicalEvent event = CanonicalEvent.parse(value);
                    events.add(event);
                    seen.merge(event.type(), 1, Integer::sum);
                  }
                }
              }
              return seen.keySet()
                  .containsAll(
                      List.of(
                          CanonicalTypes.CUSTOMER_CHANGE,
                          CanonicalTypes.BILLING_ACCOUNT_CHANGE,
                          CanonicalTypes.CUSTOMER_BILL_CREATE,
                          CanonicalTypes.SERVICE_CHANGE));
            });
    TmfSchemas tmf = new TmfSchemas();
    // the problems by kind (without the record's key), how often each
    Map<String, Integer> problems = new TreeMap<>();
    for (CanonicalEvent event : events) {
      for (String p : tmf.problems(event.data())) {
        problems.merge(event.type() + ": " + p, 1, Integer::sum);
      }
    }
    System.out.printf("canonical events checked against TM Forum v5: %s%n", seen);
    assertThat(problems).as("TMF problems (count) of the events %s", seen).isEmpty();
  }

  @Test
  void startsFromNothingSyncsWithinTwoSecondsAndSurvivesAHardKill() throws Exception {
    EmbeddedHub e = new EmbeddedHub("embedded");
    Path dir = e.dir;
    Path dataDir = e.dataDir;
    int mgmt = e.mgmt;

    long started = System.nanoTime();
    Process hub = e.start("first.log", "hub.embedded.trickle.changes-per-minute=0");
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> Http.ready(mgmt));
      double upSeconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("embedded default UP (ready) after %.1f s%n", upSeconds);
      assertThat(upSeconds)
          .as("time to UP\n" + Files.readString(dir.resolve("first.log")))
          .isLessThan(30);

      DataSource crm = e.db("crm");
      DataSource customerdb = e.db("customerdb");
      DataSource billing = e.db("billing");
      assertThat(Crm.row(crm, "SELECT count(*) AS n FROM crm.account").get("n")).isEqualTo(1200L);
      // the seeded backlog is worked off first
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  (long)
                              Crm.row(
                                      crm,
                                      "SELECT count(*) AS n FROM crm.change_log WHERE processed_at"
                                          + " IS NULL")
                                  .get("n")
                          == 0
                      && (long)
                              Crm.row(customerdb, "SELECT count(*) AS n FROM customerdb.customer")
                                  .get("n")
                          == 1200);

      // a change as someone would make it with psql
      Crm.rows(crm, "SELECT 1");
      try (var c = crm.getConnection();
          var s = c.createStatement()) {
        s.executeUpdate(
            "UPDATE crm.contact SET email = 'neue.adresse@example.at' WHERE contact_id = (SELECT"
                + " min(contact_id) FROM crm.contact WHERE account_id = 'ACC-000000000001' AND"
                + " is_primary)");
      }
      long changed = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () ->
                  "neue.adresse@example.at"
                          .equals(
                              Crm.row(
                                      billing,
                                      "SELECT email_invoice FROM billing.customer WHERE"
                                          + " crm_account_id = 'ACC-000000000001'")
                                  .get("email_invoice"))
                      && !Crm.rows(
                              customerdb,
                              "SELECT 1 FROM customerdb.contact_medium m JOIN customerdb.customer c"
                                  + " USING (customer_id) WHERE c.crm_account_id ="
                                  + " 'ACC-000000000001' AND m.email = 'neue.adresse@example.at'")
                          .isEmpty());
      double seconds = (System.nanoTime() - changed) / 1e9;
      System.out.printf("CRM change visible in customerdb and billing after %.3f s%n", seconds);
      assertThat(seconds).isLessThan(2.0);

      tmfValid(e);

      hub.destroyForcibly();
      hub.waitFor(30, TimeUnit.SECONDS);
    } finally {
      hub.destroyForcibly();
    }

    // killed hard: its PostgreSQL is still running; the next start stops it and reuses the data
    Process again = e.start("second.log", "hub.embedded.trickle.changes-per-minute=0");
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(mgmt));
      DataSource crm = e.db("crm");
      assertThat(Crm.row(crm, "SELECT count(*) AS n FROM crm.account").get("n")).isEqualTo(1200L);
      Map<String, Object> kept =
          Crm.row(
              e.db("customerdb"),
              "SELECT count(*) AS n FROM customerdb.contact_medium WHERE email ="
                  + " 'neue.adresse@example.at'");
      assertThat(kept.get("n")).isEqualTo(1L);
      assertThat(Files.readString(dir.resolve("second.log")))
          .contains("from an earlier run is still running");
    } finally {
      again.destroy(); // SIGTERM: a graceful stop that stops PostgreSQL too
      assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")))
        .as("PostgreSQL stopped with the hub")
        .isFalse();
  }
}
