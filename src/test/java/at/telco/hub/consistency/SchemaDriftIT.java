package at.telco.hub.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A system's schema changed behind the hub's back (a column shrunk by a vendor upgrade, a column
 * the mapping needs dropped) is found exactly, shown in health and metrics, and stops the routes
 * that depend on it instead of failing row by row; they run again once the schema fits.
 */
class SchemaDriftIT {

  static TestServers servers;
  static HubInstance hub;
  static CamelContext context;
  static SchemaDrift drift;
  static DriftGuard guard;
  static Crm crm;
  static DataSource customerdb;
  static DataSource billing;
  static DataSource hubDb;

  @BeforeAll
  static void start() {
    servers = TestServers.get();
    hub = SharedHub.get();
    context = hub.context();
    drift = hub.bean("schemaDrift", SchemaDrift.class);
    guard = hub.bean("driftGuard", DriftGuard.class);
    crm = new Crm(servers);
    customerdb = servers.owner("customerdb");
    billing = servers.owner("billing");
    hubDb = servers.owner("hub");
  }

  static boolean started(String routeId) {
    return context.getRouteController().getRouteStatus(routeId).isStarted();
  }

  static List<String> findings(String system) {
    return drift.findings().get(system).stream().map(Object::toString).toList();
  }

  @Test
  void theSystemsAsTheirSchemaFilesDefineThemFitTheContract() {
    drift.check();
    assertThat(drift.findings()).containsOnlyKeys("crm", "billing", "customerdb");
    drift.findings().values().forEach(f -> assertThat(f).isEmpty());
  }

  @Test
  void aShrunkColumnStopsBillingUntilItFitsAgainAndNothingIsDeadLettered() throws Exception {
    String a = "ACC-DRIFT-01";
    servers.execute("billing", "ALTER TABLE billing.customer ALTER COLUMN city TYPE varchar(30)");
    try {
      guard.check(context);
      assertThat(findings("billing"))
          .containsExactly(
              "billing.customer.city: is varchar(30): shorter than the 40 the hub writes");
      assertThat(started("sink-billing")).isFalse();
      assertThat(started("sink-customerdb")).isTrue();
      assertThat(started("billing-event-source")).isTrue();
      // in health, with the exact finding, and in the metrics
      String health =
          Http.get("http://127.0.0.1:" + hub.managementPort() + "/observe/health").body();
      assertThat(health)
          .contains("schema-drift")
          .contains("billing.customer.city: is varchar(30): shorter than the 40 the hub writes");
      assertThat(driftMetric("billing")).isEqualTo(1.0);
      // a hub that starts meanwhile does not start the routes that need the drifted table
      try (HubInstance other = HubInstance.start(servers.hubProperties())) {
        assertThat(other.context().getRouteController().getRouteStatus("sink-billing").isStarted())
            .isFalse();
        assertThat(
                other.context().getRouteController().getRouteStatus("sink-customerdb").isStarted())
            .isTrue();
      }

      // a change meanwhile reaches customerdb; billing waits for it, nothing is dead-lettered
      crm.person(a, "Dora", "Drift", "ACTIVE");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  Crm.row(
                          customerdb,
                          "SELECT 1 FROM customerdb.customer WHERE crm_account_id = ?",
                          a)
                      != null);
      // and billing stays without it for a while after customerdb has it
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(3))
          .until(() -> billingRow(a) == null);
      assertThat(
              Crm.rows(
                  hubDb,
                  "SELECT 1 FROM hub.dead_letter WHERE target = 'billing' AND crm_account_id = ?",
                  a))
          .isEmpty();
    } finally {
      servers.execute("billing", "ALTER TABLE billing.customer ALTER COLUMN city TYPE varchar(40)");
    }
    guard.check(context);
    assertThat(findings("billing")).isEmpty();
    await().atMost(Duration.ofSeconds(20)).until(() -> started("sink-billing"));
    await().atMost(Duration.ofSeconds(30)).until(() -> billingRow(a) != null);
    assertThat(driftMetric("billing")).isEqualTo(0.0);
  }

  @Test
  void aDroppedColumnTheMappingNeedsStopsCustomerdbAndAResyncRestoresItsValues() {
    String a = "ACC-DRIFT-02";
    crm.person(a, "Erich", "Entfall", "ACTIVE");
    await().atMost(Duration.ofSeconds(20)).until(() -> segment(a) != null);
    servers.execute("customerdb", "ALTER TABLE customerdb.customer DROP COLUMN segment");
    try {
      guard.check(context);
      assertThat(findings("customerdb"))
          .containsExactly("customerdb.customer.segment: column is missing");
      assertThat(started("sink-customerdb")).isFalse();
      assertThat(started("sink-customerdb.billing_account")).isFalse();
      assertThat(started("sink-billing")).isTrue();
    } finally {
      // the column comes back empty: its values are gone
      servers.execute(
          "customerdb", "ALTER TABLE customerdb.customer ADD COLUMN segment varchar(20)");
    }
    guard.check(context);
    assertThat(findings("customerdb")).isEmpty();
    await().atMost(Duration.ofSeconds(20)).until(() -> started("sink-customerdb"));
    assertThat(segment(a)).isNull();

    // reconciliation sees the lost values; a resync of everything restores them
    Reconciler reconciler = hub.bean("reconciler", Reconciler.class);
    Reconciler.Outcome before =
        reconciler.run("test", "SchemaDriftIT", Set.of(reconciler.pair("crm->customerdb")), false);
    assertThat(before.differences())
        .anySatisfy(
            d -> {
              assertThat(d.key()).isEqualTo(a);
              assertThat(d.attributes()).containsExactly("segment");
            });
    Resync.Result result =
        hub.bean("resync", Resync.class).allCustomers(Set.of("customerdb"), "resync:SchemaDriftIT");
    assertThat(result.count("customerdb", "applied")).isGreaterThan(0);
    assertThat(segment(a)).isEqualTo("CONSUMER");
    Reconciler.Outcome after =
        reconciler.run("test", "SchemaDriftIT", Set.of(reconciler.pair("crm->customerdb")), false);
    assertThat(after.differences()).noneMatch(d -> d.attributes().contains("segment"));
    // idempotent: the same state again writes the same rows
    Map<String, Object> row =
        Crm.row(customerdb, "SELECT * FROM customerdb.customer WHERE crm_account_id = ?", a);
    hub.bean("resync", Resync.class).customers(List.of(a), Set.of("customerdb"), "again");
    Map<String, Object> again =
        Crm.row(customerdb, "SELECT * FROM customerdb.customer WHERE crm_account_id = ?", a);
    // only the snapshot it was read in is newer
    for (String column : new String[] {"updated_at", "source_versions"}) {
      row.remove(column);
      again.remove(column);
    }
    assertThat(again).isEqualTo(row);
  }

  static double driftMetric(String system) {
    String metrics =
        Http.get("http://127.0.0.1:" + hub.managementPort() + "/observe/metrics").body();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?m)^hub_schema_drift_findings\\{[^}]*system=\""
                    + system
                    + "\"[^}]*\\} ([0-9.E]+)$")
            .matcher(metrics);
    assertThat(m.find()).as("hub_schema_drift_findings in %s", metrics).isTrue();
    return Double.parseDouble(m.group(1));
  }

  static Map<String, Object> billingRow(String account) {
    return Crm.row(billing, "SELECT * FROM billing.customer WHERE crm_account_id = ?", account);
  }

  static String segment(String account) {
    Map<String, Object> r =
        Crm.row(
            customerdb,
            "SELECT segment FROM customerdb.customer WHERE crm_account_id = ?",
            account);
    return r == null ? null : (String) r.get("segment");
  }
}
