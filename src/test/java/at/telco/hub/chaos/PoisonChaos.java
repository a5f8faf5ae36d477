package at.telco.hub.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.Probes;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestNetwork;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Poison on every input channel, each followed by a good record that must not be blocked by it: CRM
 * values that look like SQL injection and odd Unicode (stored in customerdb exactly as sent), null
 * and empty fields; billing XML that is malformed, schema-invalid, empty and 5 MB large (no
 * out-of-memory, a clear reason); network inventory events that are malformed JSON, schema-invalid,
 * empty, JSON null and an empty object. Every poison message is either applied or dead-lettered
 * with its reason; none disappears.
 */
class PoisonChaos {

  static final String[][] ODD = {
    // account, given name, family name, street
    {"ACC-X05-0001", "Robert'); DROP TABLE customer;--", "O'Brien\" OR 1=1 --", "x' OR 'a'='a"},
    {"ACC-X05-0002", "Zoë\u200B 𝔊𝔬𝔱𝔥", "Öztürk-Nguyễn 中文 🙂 \u202Eevil", "Ŝtraße 𝟡 \\N ;"},
  };

  @Test
  void poisonOnEveryChannelIsDeadLetteredWithItsReasonAndBlocksNothing() throws Exception {
    BillingFixture f = new BillingFixture();
    HubInstance hub = SharedHub.get();
    await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(hub.managementPort()));
    Instant since = Instant.now().minusSeconds(1);
    List<String> lost = new ArrayList<>();
    long sent = 0;
    long applied = 0;

    // the CRM: values stored exactly as sent, null and empty fields, then a plain customer
    for (String[] odd : ODD) {
      f.crm.update(
          "INSERT INTO crm.account (account_id, account_type, name, status, segment)"
              + " VALUES (?, 'B2C', ?, 'ACTIVE', 'CONSUMER')",
          odd[0],
          odd[1] + " " + odd[2]);
      f.crm.contact(odd[0] + "-C1", odd[0], true, odd[1], odd[2], "x05@example.at", "0664 1234567");
      f.crm.address(odd[0] + "-A1", odd[0], "BILLING", odd[3], "9", "1020", "Wien");
    }
    f.crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, status, segment)"
            + " VALUES ('ACC-X05-0003', 'B2C', 'Nulla', 'ACTIVE', 'CONSUMER')");
    f.crm.contact("ACC-X05-0003-C1", "ACC-X05-0003", true, null, "Nulla", null, null);
    // (an address each: without one billing does not take a customer yet, by design)
    f.crm.address("ACC-X05-0003-A1", "ACC-X05-0003", "BILLING", "Gasse", "1", "1020", "Wien");
    f.crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, status, segment)"
            + " VALUES ('ACC-X05-0004', 'B2C', 'Leer', 'ACTIVE', 'CONSUMER')");
    f.crm.contact("ACC-X05-0004-C1", "ACC-X05-0004", true, "", "Leer", "", "");
    f.crm.address("ACC-X05-0004-A1", "ACC-X05-0004", "BILLING", "Gasse", "2", "1020", "Wien");
    f.crm.person("ACC-X05-0009", "Hannah", "Berger", "ACTIVE");
    List<String> crmAccounts =
        List.of("ACC-X05-0001", "ACC-X05-0002", "ACC-X05-0003", "ACC-X05-0004", "ACC-X05-0009");
    sent += crmAccounts.size();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                crmAccounts.stream()
                    .allMatch(
                        a ->
                            (customer(f, a) != null && billed(f, a))
                                || deadLetters(f, "crm_account_id = '" + a + "'") > 0));

    // billing: malformed, schema-invalid, empty and oversized XML, then an invoice
    String ba = f.account("ACC-X05-0010", "Paul", "Gruber");
    String bad = "<BillingEvent type=\"INVOICE_ISSUED\"><BaNo>" + ba + "</BaNo><Amount>12";
    f.billing.rawEvent("INVOICE_ISSUED", ba, bad);
    f.billing.rawEvent(
        "DUNNING_LEVEL_CHANGED",
        ba,
        "<BillingEvent type=\"DUNNING_LEVEL_CHANGED\"><BaNo>"
            + ba
            + "</BaNo><OldLevel>0</OldLevel><OpenAmount currency=\"EUR\">1</OpenAmount>"
            + "<ChangedAt>2026-11-20T02:00:00</ChangedAt></BillingEvent>");
    f.billing.rawEvent("INVOICE_ISSUED", ba, "");
    f.billing.rawEvent(
        "INVOICE_ISSUED",
        ba,
        "<BillingEvent type=\"INVOICE_ISSUED\"><BaNo>"
            + ba
            + "</BaNo><!-- "
            + "x".repeat(5_000_000)
            + " --></BillingEvent>");
    String invoice = f.billing.invoice(ba, 1999);
    sent += 5;
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> invoice.equals(f.billingAccount(ba).get("last_invoice_no")));
    applied++;
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> deadLetters(f, "billing_account = '" + ba + "'") >= 4);
    long billingDead = deadLetters(f, "billing_account = '" + ba + "'");
    if (billingDead < 4) {
      lost.add((4 - billingDead) + " billing events");
    }

    // the network: malformed, schema-invalid, empty, null and empty inventory events, then a good
    // one
    KafkaTopic inventory = new KafkaTopic(f.servers, "network.inventory.events");
    String msisdn = "+436641905001";
    List<String> poison =
        List.of(
            "{\"eventId\":\"x05-1\",\"service\":",
            "{\"eventId\":\"" + UUID.randomUUID() + "\",\"eventType\":\"SERVICE_ACTIVATED\"}",
            "",
            "null",
            "{}");
    for (String p : poison) {
      inventory.publish(msisdn, p);
    }
    inventory.publish(
        msisdn,
        TestNetwork.inventoryEvent(
            UUID.randomUUID().toString(),
            "SERVICE_ACTIVATED",
            1,
            "SRV-X05-000001",
            msisdn,
            ba,
            "ACTIVE",
            ""));
    sent += poison.size() + 1;
    await().atMost(Duration.ofSeconds(60)).until(() -> f.service("SRV-X05-000001") != null);
    applied++;
    String network = "target IN ('network-inventory', 'canonical-service')";
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> deadLetters(f, network, since) >= poison.size());
    long networkDead = deadLetters(f, network, since);
    if (networkDead < poison.size()) {
      lost.add((poison.size() - networkDead) + " inventory events");
    }

    // CRM outcome: each account applied as sent, or dead-lettered with its reason
    for (String account : crmAccounts) {
      Map<String, Object> c = customer(f, account);
      long dead = deadLetters(f, "crm_account_id = '" + account + "'");
      if (c != null && billed(f, account)) {
        applied++;
      } else if (dead == 0) {
        lost.add(account);
      }
    }
    for (String[] odd : ODD) {
      Map<String, Object> c = customer(f, odd[0]);
      assertThat(c).as(odd[0]).isNotNull();
      assertThat(c.get("given_name")).as("stored exactly as sent").isEqualTo(odd[1]);
      assertThat(c.get("family_name")).as("stored exactly as sent").isEqualTo(odd[2]);
      assertThat(
              Crm.row(
                      f.customerdb,
                      "SELECT m.street FROM customerdb.contact_medium m JOIN customerdb.customer c"
                          + " USING (customer_id) WHERE c.crm_account_id = ? AND m.medium_type ="
                          + " 'POSTAL'",
                      odd[0])
                  .get("street"))
          .as("stored exactly as sent")
          .isEqualTo(odd[3]);
    }
    // the oversized payload did not bring the hub down
    assertThat(Http.ready(hub.managementPort())).isTrue();
    ChaosTally.counted(
            "poison-messages",
            sent,
            applied,
            Probes.customerDbDuplicates(f.servers, "ACC-X05-%")
                + Probes.billingDuplicates(f.servers, "ACC-X05-%"),
            lost,
            ChaosTally.deadLettersSince(f.servers, since))
        .check(billingDead + networkDead + crmDeadLetters(f));
  }

  static Map<String, Object> customer(BillingFixture f, String account) {
    return Crm.row(
        f.customerdb, "SELECT * FROM customerdb.customer WHERE crm_account_id = ?", account);
  }

  static boolean billed(BillingFixture f, String account) {
    return Crm.row(f.billingDb, "SELECT 1 FROM billing.customer WHERE crm_account_id = ?", account)
        != null;
  }

  static long crmDeadLetters(BillingFixture f) {
    return deadLetters(f, "crm_account_id LIKE 'ACC-X05-%'");
  }

  static long deadLetters(BillingFixture f, String where) {
    return (long)
        Crm.row(f.hub, "SELECT count(*) AS n FROM hub.dead_letter WHERE " + where).get("n");
  }

  static long deadLetters(BillingFixture f, String where, Instant since) {
    return (long)
        Crm.row(
                f.hub,
                "SELECT count(*) AS n FROM hub.dead_letter WHERE " + where + " AND created_at >= ?",
                java.sql.Timestamp.from(since))
            .get("n");
  }
}
