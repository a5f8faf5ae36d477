package at.telco.hub.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drift made behind the hub's back (rows edited, deleted and inserted in billing and customerdb) is
 * found by reconciliation with the names of the attributes that differ, and repaired from the
 * master through the normal target routes.
 */
class ReconciliationIT {

  static BillingFixture fx;
  static DataSource customerdb;
  static DataSource billing;
  static Reconciler reconciler;
  static ReconciliationStore store;

  @BeforeAll
  static void start() {
    HubInstance hub = SharedHub.get();
    fx = new BillingFixture();
    customerdb = fx.customerdb;
    billing = fx.billingDb;
    reconciler = hub.bean("reconciler", Reconciler.class);
    store = hub.bean("reconciliationStore", ReconciliationStore.class);
  }

  /** The run's records of the keys that start with {@code prefix}: "pair key" -> record. */
  static Map<String, JsonNode> records(UUID run, String prefix) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    String after = prefix.substring(0, prefix.length() - 1);
    while (true) {
      ObjectNode page = store.run(run, null, null, after, 500);
      for (JsonNode r : page.path("records")) {
        if (r.path("key").asText().startsWith(prefix)) {
          out.put(r.path("pair").asText() + " " + r.path("key").asText(), r);
        }
      }
      if (!page.hasNonNull("next") || !page.path("next").asText().startsWith(prefix)) {
        return out;
      }
      after = page.path("next").asText();
    }
  }

  static String summary(JsonNode r) {
    return r.path("kind").asText() + " " + r.path("attributes").toString();
  }

  static void synced(String account) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Map<String, Object> c =
                  Crm.row(
                      customerdb,
                      "SELECT billing_cust_no FROM customerdb.customer WHERE crm_account_id = ?",
                      account);
              return c != null
                  && c.get("billing_cust_no") != null
                  && Crm.lastChangeApplied(TestServers.get(), account);
            });
  }

  @Test
  void driftBehindTheHubsBackIsFoundPreciselyAndRepairedThroughTheTargetRoutes() {
    String p = "ACC-R5-";
    String ba1 = fx.account(p + "01", "Renate", "Abel");
    String ba2 = fx.account(p + "02", "Rudolf", "Bauer");
    for (String n : new String[] {"03", "04", "05", "06", "07"}) {
      fx.crm.person(p + n, "Rita", "Cerny" + n, "ACTIVE");
    }
    for (String n : new String[] {"01", "02", "03", "04", "05", "06", "07"}) {
      synced(p + n);
    }
    // 07 is deleted in the CRM (an erasure): customerdb shows it ERASED, billing CLOSED
    fx.crm.update("DELETE FROM crm.account WHERE account_id = ?", p + "07");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "CLOSED"
                    .equals(
                        Crm.row(
                                billing,
                                "SELECT status FROM billing.customer WHERE crm_account_id = ?",
                                p + "07")
                            .get("status")));

    // behind the hub's back
    exec(
        billing,
        "UPDATE billing.customer SET name_line1 = 'Hand Edited' WHERE crm_account_id = ?",
        p + "01");
    exec(
        billing,
        "UPDATE billing.customer SET status = 'CLOSED' WHERE crm_account_id = ?",
        p + "02");
    exec(
        customerdb,
        "UPDATE customerdb.contact_medium SET city = 'Graz' WHERE medium_type = 'POSTAL' AND"
            + " customer_id = (SELECT customer_id FROM customerdb.customer WHERE crm_account_id = ?)",
        p + "03");
    exec(customerdb, "DELETE FROM customerdb.customer WHERE crm_account_id = ?", p + "04");
    exec(billing, "DELETE FROM billing.customer WHERE crm_account_id = ?", p + "05");
    exec(
        customerdb,
        "UPDATE customerdb.customer SET status = 'ACTIVE' WHERE crm_account_id = ?",
        p + "07");
    exec(
        billing,
        "UPDATE billing.customer SET status = 'ACTIVE' WHERE crm_account_id = ?",
        p + "07");
    exec(
        customerdb,
        "INSERT INTO customerdb.customer (customer_id, crm_account_id, party_type, family_name,"
            + " status, updated_at) VALUES (?, ?, 'INDIVIDUAL', 'Ghost', 'ACTIVE', now())",
        UUID.randomUUID(),
        p + "98");
    exec(
        billing,
        "INSERT INTO billing.customer (crm_account_id, cust_type, name_line1, street_line, zip,"
            + " city, country_iso3) VALUES (?, 'P', 'Ghost', 'Gasse 1', '1010', 'Wien', 'AUT')",
        p + "99");
    exec(
        customerdb,
        "UPDATE customerdb.billing_account SET balance_cents = 4711 WHERE ba_no = ?",
        ba1);
    exec(customerdb, "DELETE FROM customerdb.billing_account WHERE ba_no = ?", ba2);

    Reconciler.Outcome report =
        reconciler.run("test", "ReconciliationIT", Set.copyOf(reconciler.pairs()), false);
    Map<String, String> found = new LinkedHashMap<>();
    records(report.id(), p).forEach((k, r) -> found.put(k, summary(r)));
    records(report.id(), "BA")
        .forEach(
            (k, r) -> {
              if (k.endsWith(ba1) || k.endsWith(ba2)) {
                found.put(k, summary(r));
              }
            });
    assertThat(found)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("crm->billing " + p + "01", "DIFFERENT [\"name_line1\"]"),
                Map.entry("crm->billing " + p + "02", "DIFFERENT [\"status\"]"),
                Map.entry(
                    "crm->customerdb " + p + "03",
                    "DIFFERENT [\"contactMedia[POSTAL/BILLING].city\"]"),
                Map.entry("crm->customerdb " + p + "04", "MISSING []"),
                Map.entry("crm->billing " + p + "05", "MISSING []"),
                // customerdb still has the number of the billing customer that is gone
                Map.entry("crm->customerdb " + p + "05", "DIFFERENT [\"billing_cust_no\"]"),
                Map.entry("crm->customerdb " + p + "07", "EXTRA [\"status\"]"),
                Map.entry("crm->billing " + p + "07", "EXTRA [\"status\"]"),
                Map.entry("crm->customerdb " + p + "98", "EXTRA [\"status\"]"),
                Map.entry("crm->billing " + p + "99", "EXTRA [\"status\"]"),
                Map.entry("billing->customerdb " + ba1, "DIFFERENT [\"balance_cents\"]"),
                Map.entry("billing->customerdb " + ba2, "MISSING []")));
    // keys and attribute names only: no personal value is in the report
    String stored = Json.write(store.run(report.id(), null, null, "", 100_000));
    assertThat(stored).doesNotContain("Hand Edited", "Graz", "Ghost", "Abel", "Cerny", "4711");
    assertThat(report.compared().get(reconciler.pair("crm->customerdb"))).isGreaterThanOrEqualTo(8);

    Reconciler.Outcome repaired =
        reconciler.run("test", "ReconciliationIT", Set.copyOf(reconciler.pairs()), true);
    Map<String, String> repairs = new LinkedHashMap<>();
    records(repaired.id(), p).forEach((k, r) -> repairs.put(k, r.path("repair").asText()));
    assertThat(repairs)
        .containsEntry("crm->billing " + p + "01", "REPAIRED")
        .containsEntry("crm->billing " + p + "02", "REPAIRED")
        .containsEntry("crm->customerdb " + p + "03", "REPAIRED")
        .containsEntry("crm->customerdb " + p + "04", "REPAIRED")
        .containsEntry("crm->billing " + p + "05", "REPAIRED")
        .containsEntry("crm->customerdb " + p + "05", "REPAIRED")
        .containsEntry("crm->customerdb " + p + "07", "REPAIRED")
        .containsEntry("crm->billing " + p + "07", "REPAIRED")
        .containsEntry("crm->billing " + p + "99", "REPAIRED")
        // a row the hub never wrote is reported, not deleted: a person decides
        .containsEntry("crm->customerdb " + p + "98", "NOT_REPAIRABLE");

    Reconciler.Outcome after =
        reconciler.run("test", "ReconciliationIT", Set.copyOf(reconciler.pairs()), false);
    Map<String, String> left = new LinkedHashMap<>();
    records(after.id(), p).forEach((k, r) -> left.put(k, summary(r)));
    records(after.id(), "BA")
        .forEach(
            (k, r) -> {
              if (k.endsWith(ba1) || k.endsWith(ba2)) {
                left.put(k, summary(r));
              }
            });
    assertThat(left).containsOnlyKeys("crm->customerdb " + p + "98");

    // repaired with the master's values, and billing's new customer number written back
    assertThat(
            Crm.row(
                billing,
                "SELECT name_line1, status FROM billing.customer WHERE crm_account_id = ?",
                p + "01"))
        .containsEntry("name_line1", "Renate Abel")
        .containsEntry("status", "ACTIVE");
    Map<String, Object> newCustNo =
        Crm.row(billing, "SELECT cust_no FROM billing.customer WHERE crm_account_id = ?", p + "05");
    assertThat(
            Crm.row(
                customerdb,
                "SELECT billing_cust_no FROM customerdb.customer WHERE crm_account_id = ?",
                p + "05"))
        .containsEntry("billing_cust_no", newCustNo.get("cust_no"));
    assertThat(
            Crm.row(
                customerdb,
                "SELECT status FROM customerdb.customer WHERE crm_account_id = ?",
                p + "07"))
        .containsEntry("status", "ERASED");
    assertThat(fx.billingAccount(ba2)).isNotNull();
  }

  static void exec(DataSource ds, String sql, Object... params) {
    try (var c = ds.getConnection();
        var ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.execute();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
