package at.telco.hub.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.Probes;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestNetwork;
import at.telco.hub.testing.TestServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Duplicates and reordering on every input channel, and a sequence-gap race on each polled table:
 * the CRM's whole change log of 50 accounts handed out again, a lower change id committed after a
 * higher one was processed; billing events delivered twice and a lower event_seq committed after a
 * higher one was picked up; inventory events delivered twice and out of sequence. Every target ends
 * at the newest state, nothing is written twice.
 */
class DuplicatesChaos {

  @Test
  void crmChangeLogReplayedAndAGapRace() throws Exception {
    TestServers servers = TestServers.get();
    SharedHub.get();
    Crm crm = new Crm(servers);
    ChangeLoad load = new ChangeLoad(servers, "ACC-X08", 50);
    String racer = "ACC-X08R-0001";
    load.createAccounts();
    crm.person(racer, "Kundin", "Spaet", "ACTIVE");
    load.round();
    load.round();
    awaitConverged(load);
    // duplicates: the CRM hands out every change of these accounts again
    servers.execute(
        "crm", "UPDATE crm.change_log SET processed_at = NULL WHERE account_id LIKE 'ACC-X08-%'");
    // a sequence-gap race: the racer's change takes its change id first but commits last
    try (Connection slow = servers.owner("crm").getConnection()) {
      slow.setAutoCommit(false);
      try (PreparedStatement ps =
          slow.prepareStatement("UPDATE crm.contact SET email = ? WHERE contact_id = ?")) {
        ps.setString(1, "late.x08@example.at");
        ps.setString(2, racer + "-C1");
        ps.executeUpdate();
      }
      load.round(); // higher change ids, committed and processed while the racer's is open
      awaitConverged(load);
      slow.commit();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "late.x08@example.at".equals(email(servers, "customerdb", racer))
                    && "late.x08@example.at".equals(email(servers, "billing", racer)));
    ChaosTally tally = ChaosTally.of("crm-replayed-and-gap-race", servers, load);
    ChaosTally.counted(
            tally.scenario(),
            tally.sent() + ChaosTally.sentChanges(servers, racer),
            tally.applied() + Probes.writes(servers, "customerdb", racer),
            tally.duplicates()
                + Probes.customerDbDuplicates(servers, racer)
                + Probes.billingDuplicates(servers, racer),
            tally.lostKeys(),
            tally.deadLettered())
        .check();
  }

  static String email(TestServers servers, String target, String account) {
    String sql =
        target.equals("billing")
            ? "SELECT email_invoice AS email FROM billing.customer WHERE crm_account_id = ?"
            : "SELECT m.email FROM customerdb.contact_medium m JOIN customerdb.customer c"
                + " USING (customer_id) WHERE c.crm_account_id = ? AND m.medium_type = 'EMAIL'";
    var row = Crm.row(servers.owner(target), sql, account);
    return row == null ? null : (String) row.get("email");
  }

  @Test
  void billingEventsTwiceAndAGapRace() throws Exception {
    BillingFixture f = new BillingFixture();
    SharedHub.get();
    String ba = f.account("ACC-X09-0001", "Paul", "Gruber");
    String late = f.account("ACC-X09-0002", "Marie", "Binder");
    Instant since = Instant.now().minusSeconds(1);
    f.billing.dunning(ba, 2);
    await().atMost(Duration.ofSeconds(30)).until(() -> dunningLevel(f, ba) == 2);
    // the same event delivered twice: billing writes its last event row again
    f.servers.execute(
        "billing",
        "INSERT INTO billing.event_out (event_type, ref_key, payload) SELECT event_type, ref_key,"
            + " payload FROM billing.event_out WHERE ref_key = '"
            + ba
            + "' ORDER BY event_seq DESC LIMIT 1");
    // a gap race: a dunning change of the other account takes its event_seq first and commits
    // after an invoice that was picked up in the meantime
    String invoice;
    try (Connection slow = f.servers.owner("billing").getConnection()) {
      slow.setAutoCommit(false);
      try (PreparedStatement ps =
          slow.prepareStatement(
              "UPDATE billing.billing_account SET dunning_level = 1 WHERE ba_no = ?")) {
        ps.setString(1, late);
        ps.executeUpdate();
      }
      try (PreparedStatement ps =
          slow.prepareStatement(
              "INSERT INTO billing.event_out (event_type, ref_key, payload) VALUES"
                  + " ('DUNNING_LEVEL_CHANGED', ?, ?)")) {
        ps.setString(1, late);
        ps.setString(
            2,
            "<BillingEvent type=\"DUNNING_LEVEL_CHANGED\"><BaNo>"
                + late
                + "</BaNo><OldLevel>0</OldLevel><NewLevel>1</NewLevel><OpenAmount"
                + " currency=\"EUR\">100</OpenAmount><ChangedAt>2026-11-20T02:00:00</ChangedAt>"
                + "</BillingEvent>");
        ps.executeUpdate();
      }
      invoice = f.billing.invoice(ba, 1999);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> invoice.equals(f.billingAccount(ba).get("last_invoice_no")));
      slow.commit();
    }
    List<String> lost = new ArrayList<>();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> dunningLevel(f, late) == 1);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      lost.add(late + " dunning level 1");
    }
    if (dunningLevel(f, ba) != 2) {
      lost.add(ba + " dunning level 2");
    }
    long unpicked =
        (long)
            Crm.row(
                    f.billingDb,
                    "SELECT count(*) AS n FROM billing.event_out WHERE ref_key IN (?, ?) AND"
                        + " picked_up_at IS NULL",
                    ba,
                    late)
                .get("n");
    if (unpicked > 0) {
      lost.add(unpicked + " billing events not picked up");
    }
    // a note written twice for the same cause would carry the same external_ref
    long notesTwice =
        (long)
            Crm.row(
                    f.crmDb,
                    "SELECT count(*) - count(DISTINCT external_ref) AS n FROM crm.activity"
                        + " WHERE account_id IN ('ACC-X09-0001', 'ACC-X09-0002')")
                .get("n");
    ChaosTally.counted(
            "billing-events-twice-and-gap-race",
            6, // two accounts opened, dunning 2, the same event again, the invoice, dunning 1 late
            3, // customerdb.billing_account: dunning 2, the invoice, dunning 1 of the other account
            notesTwice,
            lost,
            ChaosTally.deadLettersSince(f.servers, since))
        .check();
  }

  static int dunningLevel(BillingFixture f, String ba) {
    var row = f.billingAccount(ba);
    return row == null ? -1 : ((Number) row.get("dunning_level")).intValue();
  }

  @Test
  void inventoryEventsTwiceAndOutOfSequence() throws Exception {
    BillingFixture f = new BillingFixture();
    SharedHub.get();
    Probes.installServiceProbe(f.servers);
    String ba = f.account("ACC-X13-0001", "Jakob", "Fuchs");
    Instant since = Instant.now().minusSeconds(1);
    KafkaTopic inventory = new KafkaTopic(f.servers, "network.inventory.events");
    String msisdn = "+436641910001";
    String first = UUID.randomUUID().toString();
    String second = UUID.randomUUID().toString();
    String third = UUID.randomUUID().toString();
    String s1 =
        TestNetwork.inventoryEvent(
            first, "SERVICE_ACTIVATED", 1, "SRV-X13-000001", msisdn, ba, "ACTIVE", "");
    String s2 =
        TestNetwork.inventoryEvent(
            second, "SERVICE_BARRED", 2, "SRV-X13-000001", msisdn, ba, "BARRED", "");
    String s3 =
        TestNetwork.inventoryEvent(
            third, "SERVICE_UNBARRED", 3, "SRV-X13-000001", msisdn, ba, "ACTIVE", "");
    // sequence 1, then 3, then 2 late, then 1 and 3 again
    inventory.publish(msisdn, s1);
    inventory.publish(msisdn, s3);
    inventory.publish(msisdn, s2);
    inventory.publish(msisdn, s1);
    inventory.publish(msisdn, s3);
    await().atMost(Duration.ofSeconds(30)).until(() -> f.service("SRV-X13-000001") != null);
    // a marker behind them: once it is in, all five were consumed
    String marker = UUID.randomUUID().toString();
    inventory.publish(
        "+436641910002",
        TestNetwork.inventoryEvent(
            marker, "SERVICE_ACTIVATED", 1, "SRV-X13-000002", "+436641910002", ba, "ACTIVE", ""));
    await().atMost(Duration.ofSeconds(30)).until(() -> f.service("SRV-X13-000002") != null);
    List<String> lost = new ArrayList<>();
    if (!"ACTIVE".equals(f.serviceStatus("SRV-X13-000001"))) {
      lost.add("SRV-X13-000001 sequence 3 (status " + f.serviceStatus("SRV-X13-000001") + ")");
    }
    assertThat(f.serviceStatus("SRV-X13-000001")).isEqualTo("ACTIVE");
    // writes the service rows got; the expected ones: sequence 1 and the newest, and the marker
    long writes = Probes.serviceWrites(f.servers, "SRV-X13-%");
    ChaosTally.counted(
            "inventory-twice-and-out-of-sequence",
            6,
            writes,
            Math.max(0, writes - 3),
            lost,
            ChaosTally.deadLettersSince(f.servers, since))
        .check();
  }

  static void awaitConverged(ChangeLoad load) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> load.unprocessed() == 0 && load.lost().isEmpty());
  }
}
