package at.telco.hub.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.Api;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.EmbeddedHub;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.Queues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
    DataSource billing = e.db("billing");
    Path backup = e.dir.resolve("backup");
    StringBuilder oldDeadLetter = new StringBuilder();

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
      // a customer in billing, and a later change of it billing cannot take (a city of more than
      // 40 characters): a dead letter with the person's data, which the backup will hold
      insertAccount(crm, ERASED, "Erika Vergessen");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  count(
                          billing,
                          "SELECT count(*) AS n FROM billing.customer WHERE crm_account_id = '"
                              + ERASED
                              + "'")
                      == 1);
      try (var c = crm.getConnection();
          var s = c.createStatement()) {
        s.executeUpdate(
            "UPDATE crm.address SET city = 'Vergessenstadt an der sehr langen Donau Oberland'"
                + " WHERE address_id = '"
                + ERASED
                + "-A1'");
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Crm.row(
                          hub,
                          "SELECT id FROM hub.dead_letter WHERE target = 'billing'"
                              + " AND crm_account_id = ?",
                          ERASED)
                      != null);
      oldDeadLetter.append(
          Crm.row(
                  hub,
                  "SELECT id FROM hub.dead_letter WHERE target = 'billing' AND crm_account_id = ?",
                  ERASED)
              .get("id"));
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
      // the person of the dead letter is erased (the CRM's erasure job) after the backup
      try (var c = crm.getConnection()) {
        c.setAutoCommit(false);
        try (var s = c.createStatement()) {
          s.executeUpdate(
              "UPDATE crm.account SET gdpr_erasure_requested = true WHERE account_id = '"
                  + ERASED
                  + "'");
          s.executeUpdate("DELETE FROM crm.account WHERE account_id = '" + ERASED + "'");
        }
        c.commit();
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  "DONE"
                      .equals(
                          Crm.row(
                                  hub,
                                  "SELECT status FROM hub.erasure_request WHERE crm_account_id = ?",
                                  ERASED)
                              .get("status")));
      assertAnonymised(billing, customerdb);
    } finally {
      EmbeddedHub.stop(second);
    }
    // the backup's files and directories are the owner's only
    assertThat(Files.getPosixFilePermissions(backup))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(backup.resolve("manifest.json")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (var walk = Files.walk(backup)) {
      walk.forEach(
          f -> {
            try {
              assertThat(Files.getPosixFilePermissions(f))
                  .as(f.toString())
                  .isEqualTo(
                      PosixFilePermissions.fromString(
                          Files.isDirectory(f) ? "rwx------" : "rw-------"));
            } catch (java.io.IOException x) {
              throw new java.io.UncheckedIOException(x);
            }
          });
    }

    // 4. restored: the hub's state goes back to the backup; the systems stay as they are
    assertThat(e.run("restore.log", "restore", "--from=" + backup))
        .as(e.log("restore.log"))
        .isZero();
    assertThat(e.log("restore.log")).contains("taken back from the systems: 5 customer ids");
    // the erasure since the backup is derived again from the systems, and reported
    assertThat(e.log("restore.log"))
        .contains("erasures derived again from customerdb and billing: 1 erased customer(s)")
        .contains("1 erasure request(s) the backup did not have")
        .contains("1 restored dead letter(s) of erased customers purged");

    // 5. started again
    long requestsBefore;
    String[] withUsers = java.util.Arrays.copyOf(SETTINGS, SETTINGS.length + 1);
    withUsers[SETTINGS.length] = "hub.auth.users=" + Api.configuredUsers();
    Process third = e.start("third.log", withUsers);
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> Http.ready(e.mgmt));
      // the erased person stays erased: marked in the registry, the restored dead letter gone
      // from the index and its queue, the erasure worked off again
      assertThat(
              Crm.row(
                      hub,
                      "SELECT erased_at IS NOT NULL AS erased FROM hub.customer_identity"
                          + " WHERE crm_account_id = ?",
                      ERASED)
                  .get("erased"))
          .isEqualTo(true);
      assertThat(
              count(
                  hub,
                  "SELECT count(*) AS n FROM hub.dead_letter WHERE crm_account_id = '"
                      + ERASED
                      + "'"))
          .isZero();
      // support replays the old dead letter (its id from before the erasure): there is nothing
      // to replay any more, and billing stays anonymised
      // (once the restored hub's routes run: until then the API answers 503)
      Api.Answer replay =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      Api.as(e.http, Api.SUPPORT)
                          .post("/api/v1/dead-letters/" + oldDeadLetter + "/replay", "{}"),
                  a -> a.status() != 503);
      assertThat(replay.status()).as(replay.body()).isEqualTo(404);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  "DONE"
                      .equals(
                          Crm.row(
                                  hub,
                                  "SELECT status FROM hub.erasure_request WHERE crm_account_id = ?",
                                  ERASED)
                              .get("status")));
      assertAnonymised(billing, customerdb);
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
        assertThat(Queues.browse(cf, "DLQ.billing", "hubCrmAccountId = '" + ERASED + "'"))
            .as("the erased person's restored dead letter")
            .isEmpty();
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
      // (the erased customer stays in customerdb as ERASED)
      assertThat(
              count(
                  customerdb,
                  "SELECT count(*) AS n FROM customerdb.customer WHERE status <> 'ERASED'"))
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

  static final String ERASED = "ACC-BK-ER";

  /** The erased customer: billing anonymised, customerdb ERASED. */
  static void assertAnonymised(DataSource billing, DataSource customerdb) {
    assertThat(
            Crm.row(
                billing,
                "SELECT anonymized, name_line1, city, status FROM billing.customer"
                    + " WHERE crm_account_id = ?",
                ERASED))
        .containsEntry("anonymized", true)
        .containsEntry("name_line1", "ANONYMISED")
        .containsEntry("city", "ANONYMISED")
        .containsEntry("status", "CLOSED");
    assertThat(
            Crm.row(
                    customerdb,
                    "SELECT status FROM customerdb.customer WHERE crm_account_id = ?",
                    ERASED)
                .get("status"))
        .isEqualTo("ERASED");
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
