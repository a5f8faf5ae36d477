package at.telco.hub.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.Crm;
import at.telco.hub.testing.EmbeddedHub;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.Queues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The hub's own state backed up, changed, and restored (the embedded default: hub database, Artemis
 * journal, Kafka data), while the systems go on: nothing the hub knew is lost - customer ids
 * assigned after the backup are taken back from customerdb, not assigned anew; the dead letter of
 * the backup is back in its queue and its index; what the targets missed is repaired.
 */
class RestoreIT {

  static final String[] SETTINGS = {
    "hub.embedded.sample.accounts=200",
    "hub.embedded.trickle.changes-per-minute=0",
    "hub.reconciliation.repair.enabled=true",
    "hub.reconciliation.settle=PT2S",
    "hub.recovery.reconcile-delay-ms=3000"
  };

  static long count(DataSource ds, String sql) {
    return (long) Crm.row(ds, sql).get("n");
  }

  @Test
  void aRestoredHubLosesNothingAndTakesBackWhatItLearntSince() throws Exception {
    EmbeddedHub e = new EmbeddedHub("restore");
    DataSource crm = e.db("crm");
    DataSource customerdb = e.db("customerdb");
    DataSource hub = e.db("hub");
    Path backup = e.dir.resolve("backup");

    // 1. running, with a dead letter: a name billing cannot take
    Process first = e.start("first.log", SETTINGS);
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> Http.ready(e.mgmt));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(customerdb, "SELECT count(*) AS n FROM customerdb.customer") == 200);
      insertAccount(crm, "ACC-BK-DQ", "Ab".repeat(40));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  count(
                          hub,
                          "SELECT count(*) AS n FROM hub.dead_letter WHERE target = 'billing'"
                              + " AND crm_account_id = 'ACC-BK-DQ'")
                      == 1);
    } finally {
      EmbeddedHub.stop(first);
    }

    // 2. backed up with the hub stopped
    assertThat(e.run("backup.log", "backup", "--to=" + backup)).as(e.log("backup.log")).isZero();
    assertThat(e.log("backup.log")).contains("backup of the hub's state in");
    assertThat(backup.resolve("manifest.json")).exists();
    assertThat(backup.resolve("artemis")).isDirectory();
    assertThat(backup.resolve("kafka")).isDirectory();

    // 3. life goes on: new customers get their ids
    Map<String, Object> idsBefore = new HashMap<>();
    Process second = e.start("second.log", SETTINGS);
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> Http.ready(e.mgmt));
      for (int i = 1; i <= 5; i++) {
        insertAccount(crm, "ACC-BK-NEW-0" + i, "Neu Kunde" + i);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  count(
                          customerdb,
                          "SELECT count(*) AS n FROM customerdb.customer"
                              + " WHERE crm_account_id LIKE 'ACC-BK-NEW-%'")
                      == 5);
      for (Map<String, Object> r :
          Crm.rows(
              customerdb,
              "SELECT crm_account_id, customer_id FROM customerdb.customer"
                  + " WHERE crm_account_id LIKE 'ACC-BK-NEW-%'")) {
        idsBefore.put((String) r.get("crm_account_id"), r.get("customer_id"));
      }
    } finally {
      EmbeddedHub.stop(second);
    }

    // 4. restored: the hub's state goes back to the backup; the systems stay as they are
    assertThat(e.run("restore.log", "restore", "--from=" + backup))
        .as(e.log("restore.log"))
        .isZero();
    assertThat(e.log("restore.log")).contains("taken back from the systems: 5 customer ids");

    // 5. started again
    long requestsBefore;
    Process third = e.start("third.log", SETTINGS);
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> Http.ready(e.mgmt));
      // the ids assigned after the backup are the registry's again, not new ones
      assertIdsAre(hub, idsBefore);
      // the dead letter of the backup is back: indexed, and its message in its queue
      assertThat(
              count(
                  hub,
                  "SELECT count(*) AS n FROM hub.dead_letter WHERE crm_account_id = 'ACC-BK-DQ'"))
          .isEqualTo(1);
      // as the hub's broker user, with the password the embedded default generated
      try (var cf =
          new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
              "tcp://127.0.0.1:" + e.artemis,
              at.telco.hub.embedded.EmbeddedInfrastructure.DEFAULT_ARTEMIS_USER,
              at.telco.hub.config.Settings.secretInFile(
                  e.dataDir.resolve(
                      at.telco.hub.embedded.EmbeddedInfrastructure.ARTEMIS_PASSWORD_FILE)))) {
        assertThat(Queues.browse(cf, "DLQ.billing", null)).isNotEmpty();
      }
      // the repairing reconciliation the restore asked for ran
      awaitRestoreReconciliations(hub, 1);
      // and the flow goes on with the same ids: a change to a customer created after the backup
      try (var c = crm.getConnection();
          var s = c.createStatement()) {
        s.executeUpdate(
            "UPDATE crm.account SET segment = 'SOHO' WHERE account_id = 'ACC-BK-NEW-03'");
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  "SOHO"
                      .equals(
                          Crm.row(
                                  customerdb,
                                  "SELECT segment FROM customerdb.customer"
                                      + " WHERE crm_account_id = 'ACC-BK-NEW-03'")
                              .get("segment")));
      // nothing lost: every CRM account is in customerdb under the registry's id
      assertThat(count(customerdb, "SELECT count(*) AS n FROM customerdb.customer"))
          .isEqualTo(count(crm, "SELECT count(*) AS n FROM crm.account"));
      assertThat(
              count(
                  hub,
                  "SELECT count(*) AS n FROM hub.customer_identity i"
                      + " WHERE i.crm_account_id LIKE 'ACC-BK-NEW-%'"))
          .isEqualTo(5);
      assertThat(e.log("third.log")).doesNotContain("duplicate key");

      // for step 6: the hub database as a restore by PostgreSQL's own means to a point before the
      // new customers would leave it (the repair the restore asked for is done, nothing is pending)
      try (var c = hub.getConnection();
          var s = c.createStatement()) {
        assertThat(
                s.executeUpdate(
                    "DELETE FROM hub.customer_identity WHERE crm_account_id LIKE 'ACC-BK-NEW-%'"))
            .isEqualTo(5);
      }
      requestsBefore = repairRequests(hub);
    } finally {
      EmbeddedHub.stop(third);
    }
    assertThat(Files.exists(e.dataDir.resolve("postgres").resolve("postmaster.pid"))).isFalse();

    // 6. `recover` alone (the second half of restore), for a hub database restored by
    // PostgreSQL's own means to a point before the new customers (their identities deleted above)
    assertThat(e.run("recover.log", "recover")).as(e.log("recover.log")).isZero();
    assertThat(e.log("recover.log")).contains("taken back from the systems: 5 customer ids");
    Process fifth = e.start("fifth.log", SETTINGS);
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> Http.ready(e.mgmt));
      assertIdsAre(hub, idsBefore);
      // it asked for one repairing reconciliation, which ran at this start
      assertThat(repairRequests(hub)).isEqualTo(requestsBefore + 1);
      awaitRestoreReconciliations(hub, 2);
    } finally {
      EmbeddedHub.stop(fifth);
    }
  }

  /** The customer ids the hub's registry holds for these CRM accounts are exactly these. */
  static void assertIdsAre(DataSource hub, Map<String, Object> ids) {
    for (Map.Entry<String, Object> id : ids.entrySet()) {
      assertThat(
              Crm.row(
                      hub,
                      "SELECT customer_id FROM hub.customer_identity WHERE crm_account_id = ?",
                      id.getKey())
                  .get("customer_id"))
          .as(id.getKey())
          .isEqualTo(id.getValue());
    }
  }

  /** Waits until {@code n} reconciliations a restore (or recover) asked for have run. */
  static void awaitRestoreReconciliations(DataSource hub, long n) {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                count(
                        hub,
                        "SELECT count(*) AS n FROM hub.reconciliation_run"
                            + " WHERE trigger = 'restore' AND status = 'DONE'")
                    == n);
  }

  /** Repairing reconciliations requested by restore or recover, done or not. */
  static long repairRequests(DataSource hub) {
    return count(
        hub, "SELECT count(*) AS n FROM hub.maintenance_request WHERE kind = 'RECONCILE_REPAIR'");
  }

  static void insertAccount(DataSource crm, String account, String name) throws Exception {
    try (var c = crm.getConnection()) {
      c.setAutoCommit(false);
      try (var ps =
          c.prepareStatement(
              "INSERT INTO crm.account (account_id, account_type, name, status, segment)"
                  + " VALUES (?, 'B2C', ?, 'ACTIVE', 'CONSUMER')")) {
        ps.setString(1, account);
        ps.setString(2, name);
        ps.executeUpdate();
      }
      try (var ps =
          c.prepareStatement(
              "INSERT INTO crm.contact (contact_id, account_id, is_primary, first_name, last_name,"
                  + " email, language) VALUES (?, ?, true, 'Test', ?, 'test@example.at', 'de')")) {
        ps.setString(1, account + "-C1");
        ps.setString(2, account);
        ps.setString(3, name);
        ps.executeUpdate();
      }
      try (var ps =
          c.prepareStatement(
              "INSERT INTO crm.address (address_id, account_id, address_type, street,"
                  + " house_number, postal_code, city) VALUES (?, ?, 'BILLING', 'Ring', '1',"
                  + " '1010', 'Wien')")) {
        ps.setString(1, account + "-A1");
        ps.setString(2, account);
        ps.executeUpdate();
      }
      c.commit();
    }
  }
}
