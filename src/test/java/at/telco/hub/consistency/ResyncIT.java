package at.telco.hub.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestNetwork;
import at.telco.hub.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Resync of what changed since a time, and customerdb rebuilt from nothing, by the masters. */
class ResyncIT {

  static TestServers servers;
  static Resync resync;
  static BillingFixture fx;
  static DataSource customerdb;

  @BeforeAll
  static void start() {
    servers = TestServers.get();
    resync = SharedHub.get().bean("resync", Resync.class);
    fx = new BillingFixture();
    customerdb = fx.customerdb;
  }

  static String familyName(String account) {
    Map<String, Object> r =
        Crm.row(
            customerdb,
            "SELECT family_name FROM customerdb.customer WHERE crm_account_id = ?",
            account);
    return r == null ? null : (String) r.get("family_name");
  }

  static void synced(String account) {
    Crm.awaitPersonSynced(servers, account);
  }

  @Test
  void aResyncOfWhatChangedSinceATimeSendsThoseAndNothingElse() throws Exception {
    String old = "ACC-RS-OLD";
    fx.crm.person(old, "Olga", "Alt", "ACTIVE");
    synced(old);
    Thread.sleep(50);
    Instant since = Instant.now();
    fx.crm.person("ACC-RS-NEW1", "Nora", "Neu", "ACTIVE");
    fx.crm.person("ACC-RS-NEW2", "Nina", "Neu", "ACTIVE");
    synced("ACC-RS-NEW1");
    synced("ACC-RS-NEW2");
    for (String a : List.of(old, "ACC-RS-NEW1", "ACC-RS-NEW2")) {
      servers.execute(
          "customerdb",
          "UPDATE customerdb.customer SET family_name = 'X' WHERE crm_account_id = '" + a + "'");
    }

    Resync.Result result =
        resync.customersChangedSince(since, Set.of("customerdb"), "resync:ResyncIT");

    assertThat(result.read()).isEqualTo(2);
    assertThat(result.count("customerdb", "applied")).isEqualTo(2);
    assertThat(familyName("ACC-RS-NEW1")).isEqualTo("Neu");
    assertThat(familyName("ACC-RS-NEW2")).isEqualTo("Neu");
    assertThat(familyName(old)).isEqualTo("X"); // changed before: not sent
    resync.customers(List.of(old), Set.of("customerdb"), "resync:ResyncIT");
    assertThat(familyName(old)).isEqualTo("Alt");
  }

  /** customerdb's rows of the CRM accounts that exist, without what a rewrite changes. */
  static Map<String, Map<String, Object>> customerDbState() {
    Map<String, Map<String, Object>> state = new TreeMap<>();
    for (Map<String, Object> r :
        Crm.rows(
            customerdb,
            "SELECT c.*, (SELECT string_agg(concat_ws('|', m.medium_type, m.role, m.email,"
                + " m.phone_e164, m.street, m.house_number, m.postal_code, m.city, m.country),"
                + " ';' ORDER BY m.medium_type, m.role) FROM customerdb.contact_medium m"
                + " WHERE m.customer_id = c.customer_id) AS media"
                + " FROM customerdb.customer c")) {
      r.remove("updated_at");
      r.remove("source_versions");
      state.put("customer " + r.get("crm_account_id"), r);
    }
    for (Map<String, Object> r : Crm.rows(customerdb, "SELECT * FROM customerdb.billing_account")) {
      r.remove("updated_at");
      state.put("billing_account " + r.get("ba_no"), r);
    }
    for (Map<String, Object> r : Crm.rows(customerdb, "SELECT * FROM customerdb.service")) {
      r.remove("updated_at");
      state.put("service " + r.get("service_id"), r);
    }
    return state;
  }

  @Test
  void customerdbIsRebuiltFromNothingWithTheSameIdsAndValues() {
    // a customer with a billing account, and one with a service, so every table has rows
    String ba = fx.account("ACC-RS-REB1", "Rebekka", "Bau");
    KafkaTopic inventory = new KafkaTopic(servers, "network.inventory.events");
    String msisdn = "+436641977001";
    inventory.publish(
        msisdn,
        TestNetwork.inventoryEvent(
            java.util.UUID.randomUUID().toString(),
            "SERVICE_ACTIVATED",
            1,
            "SRV-RS-000001",
            msisdn,
            ba,
            "ACTIVE",
            ""));
    inventory.publish(
        msisdn,
        TestNetwork.inventoryEvent(
            java.util.UUID.randomUUID().toString(),
            "SERVICE_SUSPENDED",
            2,
            "SRV-RS-000001",
            msisdn,
            ba,
            "SUSPENDED",
            ""));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "SUSPENDED".equals(fx.serviceStatus("SRV-RS-000001")));
    fx.crm.person("ACC-RS-REB2", "Robert", "Bau", "ACTIVE");
    synced("ACC-RS-REB2");
    Set<String> crmAccounts = new java.util.HashSet<>();
    Crm.rows(fx.crmDb, "SELECT account_id FROM crm.account")
        .forEach(r -> crmAccounts.add((String) r.get("account_id")));
    Map<String, Map<String, Object>> before = customerDbState();
    assertThat(before).containsKey("billing_account " + ba);

    servers.execute("customerdb", "TRUNCATE customerdb.customer CASCADE");
    assertThat(customerDbState()).isEmpty();

    Map<String, Resync.Result> results = resync.rebuild("customerdb", "rebuild:ResyncIT");

    Map<String, Map<String, Object>> after = customerDbState();
    Set<String> unmappable = results.get("customers").unmappable();
    // the customers of CRM accounts (other tests leave customers the CRM no longer has, e.g.
    // erased ones: neither they nor their billing accounts and services come back from the CRM)
    Set<Object> crmCustomers = new java.util.HashSet<>();
    before.forEach(
        (key, row) -> {
          if (key.startsWith("customer ")
              && crmAccounts.contains((String) row.get("crm_account_id"))) {
            crmCustomers.add(row.get("customer_id"));
          }
        });
    Map<String, Object> lost = new HashMap<>();
    before.forEach(
        (key, row) -> {
          boolean ofAnExistingCustomer =
              key.startsWith("customer ")
                  ? crmAccounts.contains((String) row.get("crm_account_id"))
                  : crmCustomers.contains(row.get("customer_id"));
          boolean mappable =
              !key.startsWith("customer ")
                  || !unmappable.contains((String) row.get("crm_account_id"));
          if (ofAnExistingCustomer && mappable && !row.equals(after.get(key))) {
            lost.put(key, after.get(key));
          }
        });
    assertThat(lost).as("rows not rebuilt as they were").isEmpty();
    assertThat(after.get("customer ACC-RS-REB1")).isEqualTo(before.get("customer ACC-RS-REB1"));
    assertThat(after.get("service SRV-RS-000001"))
        .isEqualTo(before.get("service SRV-RS-000001"))
        .containsEntry("status", "SUSPENDED");
    assertThat(results.get("customers").count("customerdb", "applied")).isGreaterThan(0);
    assertThat(results.get("billingAccounts").count("customerdb.billing_account", "applied"))
        .isGreaterThan(0);
  }
}
