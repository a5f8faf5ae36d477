package at.telco.hub.source.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalTypes;
import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.SharedHub;
import jakarta.jms.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Flow 2: billing's XML events keep customerdb.billing_account current and write CRM notes. */
class BillingFlowIT {

  static BillingFixture f;
  static KafkaTopic billingTopic;

  @BeforeAll
  static void start() {
    f = new BillingFixture();
    SharedHub.get();
    billingTopic = new KafkaTopic(f.servers, "canonical.billing.v1");
  }

  static Duration within() {
    return Duration.ofSeconds(30);
  }

  static List<CanonicalEvent> events(String ba) {
    return billingTopic.values(ba).stream().map(CanonicalEvent::parse).toList();
  }

  @Test
  void accountInvoiceAndPaymentKeepCustomerDbCurrent() {
    String ba = f.account("ACC-T08-0001", "Felix", "Schwarz");
    Map<String, Object> opened = f.billingAccount(ba);
    assertThat(opened)
        .containsEntry("status", "ACTIVE")
        .containsEntry("dunning_level", 0)
        .containsEntry("balance_cents", 0L)
        .containsEntry("currency", "EUR")
        .containsEntry("last_invoice_no", null);
    Object customerId =
        Crm.row(
                f.customerdb,
                "SELECT customer_id FROM customerdb.customer WHERE crm_account_id = 'ACC-T08-0001'")
            .get("customer_id");
    assertThat(opened.get("customer_id")).isEqualTo(customerId);

    String invoice = f.billing.invoice(ba, 2499);
    await()
        .atMost(within())
        .until(() -> invoice.equals(f.billingAccount(ba).get("last_invoice_no")));
    assertThat(f.billingAccount(ba)).containsEntry("balance_cents", 2499L);
    assertThat(f.billingAccount(ba).get("last_invoice_due")).isNotNull();
    // the bill itself is a canonical TMF678 CustomerBill, exact to the cent
    await()
        .atMost(within())
        .until(
            () ->
                events(ba).stream()
                    .anyMatch(e -> CanonicalTypes.CUSTOMER_BILL_CREATE.equals(e.type())));
    CanonicalEvent bill =
        events(ba).stream()
            .filter(e -> CanonicalTypes.CUSTOMER_BILL_CREATE.equals(e.type()))
            .findFirst()
            .orElseThrow();
    assertThat(bill.data().path("amountDue").path("value").decimalValue())
        .isEqualByComparingTo("24.99");
    assertThat(
            bill.data()
                .path("taxIncludedAmount")
                .path("value")
                .decimalValue()
                .subtract(bill.data().path("taxExcludedAmount").path("value").decimalValue()))
        .isEqualByComparingTo("4.17");

    f.billing.payment(ba, 2499);
    await().atMost(within()).until(() -> f.billingAccount(ba).get("balance_cents").equals(0L));
    assertThat(f.billingAccount(ba)).containsEntry("last_invoice_no", invoice);
  }

  @Test
  void namespacesWhitespaceAndElementOrderAreReadAlike() {
    String ba = f.account("ACC-T08-0002", "Sarah", "Lang");
    f.servers.execute(
        "billing",
        "UPDATE billing.billing_account SET dunning_level = 1, balance_cents = 1234 WHERE ba_no = '"
            + ba
            + "'");
    long s1 =
        f.billing.rawEvent(
            "DUNNING_LEVEL_CHANGED",
            ba,
            "<ev:BillingEvent xmlns:ev=\"urn:example:billing\" type=\"DUNNING_LEVEL_CHANGED\"><ev:BaNo>"
                + ba
                + "</ev:BaNo>"
                + "<ev:OldLevel>0</ev:OldLevel><ev:NewLevel>1</ev:NewLevel><ev:OpenAmount currency=\"EUR\">1234</ev:OpenAmount>"
                + "<ev:ChangedAt>2026-11-20T02:00:00</ev:ChangedAt></ev:BillingEvent>");
    long s2 =
        f.billing.rawEvent(
            "DUNNING_LEVEL_CHANGED",
            ba,
            "<?xml version=\"1.0\"?>\n<BillingEvent xmlns=\"urn:example:billing:v2\" type=\"DUNNING_LEVEL_CHANGED\">\n"
                + "   <ChangedAt> 2026-11-20T02:00:00 </ChangedAt>\n   <NewLevel>1</NewLevel>\n   <OpenAmount currency=\"EUR\">1234</OpenAmount>\n"
                + "   <OldLevel>0</OldLevel>\n   <BaNo>\n "
                + ba
                + "\n   </BaNo>\n</BillingEvent>\n");
    await()
        .atMost(within())
        .until(
            () ->
                events(ba).stream()
                    .filter(e -> e.envelope().has("dunningto"))
                    .map(e -> e.envelope().path("billingeventseq").asLong())
                    .toList()
                    .containsAll(List.of(s1, s2)));
    for (CanonicalEvent e : events(ba)) {
      if (e.envelope().path("billingeventseq").asLong() == s1
          || e.envelope().path("billingeventseq").asLong() == s2) {
        assertThat(e.envelope().path("dunningfrom").asInt()).isZero();
        assertThat(e.envelope().path("dunningto").asInt()).isEqualTo(1);
        assertThat(e.sourceChangedAt().toString()).isEqualTo("2026-11-20T01:00:00Z");
      }
    }
    await().atMost(within()).until(() -> f.billingAccount(ba).get("dunning_level").equals(1));
    assertThat(Crm.rows(f.hub, "SELECT 1 FROM hub.dead_letter WHERE billing_account = ?", ba))
        .isEmpty();
  }

  @Test
  void malformedXmlGoesToTheDeadLetterQueueWithItsReasonWhileLaterEventsFlow() throws Exception {
    String ba = f.account("ACC-T08-0003", "Paul", "Gruber");
    long bad =
        f.billing.rawEvent(
            "INVOICE_ISSUED",
            ba,
            "<BillingEvent type=\"INVOICE_ISSUED\"><BaNo>" + ba + "</BaNo><Amount>12");
    long missing =
        f.billing.rawEvent(
            "DUNNING_LEVEL_CHANGED",
            ba,
            "<BillingEvent type=\"DUNNING_LEVEL_CHANGED\"><BaNo>"
                + ba
                + "</BaNo><OldLevel>0</OldLevel><OpenAmount currency=\"EUR\">1</OpenAmount>"
                + "<ChangedAt>2026-11-20T02:00:00</ChangedAt></BillingEvent>");
    String invoice = f.billing.invoice(ba, 1999);
    await()
        .atMost(within())
        .until(() -> invoice.equals(f.billingAccount(ba).get("last_invoice_no")));
    await()
        .atMost(within())
        .until(
            () ->
                Queues.browse("DLQ.canonical-billing", "hubBillingAccount = '" + ba + "'").size()
                    == 2);
    List<Message> dead = Queues.browse("DLQ.canonical-billing", "hubBillingAccount = '" + ba + "'");
    assertThat(dead)
        .extracting(m -> m.getStringProperty("hubReason"))
        .containsExactlyInAnyOrder(
            "billing event "
                + bad
                + ": payload is not well-formed XML (XML document structures must start and end within the same entity.)",
            "billing event " + missing + ": required element NewLevel is missing");
    assertThat(
            Crm.row(
                    f.billingDb,
                    "SELECT count(*) AS n FROM billing.event_out WHERE picked_up_at IS NULL AND ref_key = ?",
                    ba)
                .get("n"))
        .isEqualTo(0L);
  }

  @Test
  void localTimesAtBothDaylightSavingChangesBecomeTheRightInstants() {
    String ba = f.account("ACC-T08-0004", "Lena", "Pichler");
    f.servers.execute(
        "billing",
        "INSERT INTO billing.invoice (invoice_no, ba_no, period_from, period_to, amount_cents, tax_cents, issued_at, due_date, status)"
            + " VALUES ('INV9000000000001', '"
            + ba
            + "', '2026-10-01', '2026-10-31', 1200, 200, '2026-10-25 02:30:00', '2026-11-08', 'OPEN'),"
            + " ('INV9000000000002', '"
            + ba
            + "', '2026-03-01', '2026-03-31', 1200, 200, '2026-03-29 02:30:00', '2026-04-12', 'PAID')");
    f.billing.rawEvent(
        "INVOICE_ISSUED",
        "INV9000000000001",
        "<BillingEvent type=\"INVOICE_ISSUED\"><BaNo>"
            + ba
            + "</BaNo><InvoiceNo>INV9000000000001</InvoiceNo><Period from=\"2026-10-01\" to=\"2026-10-31\"/>"
            + "<Amount currency=\"EUR\" tax=\"200\">1200</Amount><DueDate>2026-11-08</DueDate><IssuedAt>2026-10-25T02:30:00</IssuedAt></BillingEvent>");
    f.billing.rawEvent(
        "INVOICE_ISSUED",
        "INV9000000000002",
        "<BillingEvent type=\"INVOICE_ISSUED\"><BaNo>"
            + ba
            + "</BaNo><InvoiceNo>INV9000000000002</InvoiceNo><Period from=\"2026-03-01\" to=\"2026-03-31\"/>"
            + "<Amount currency=\"EUR\" tax=\"200\">1200</Amount><DueDate>2026-04-12</DueDate><IssuedAt>2026-03-29T02:30:00</IssuedAt></BillingEvent>");
    await()
        .atMost(within())
        .until(
            () ->
                events(ba).stream()
                        .filter(e -> CanonicalTypes.CUSTOMER_BILL_CREATE.equals(e.type()))
                        .count()
                    == 2);
    Map<String, String> billDates = new java.util.HashMap<>();
    for (CanonicalEvent e : events(ba)) {
      if (CanonicalTypes.CUSTOMER_BILL_CREATE.equals(e.type())) {
        billDates.put(e.data().path("id").asText(), e.data().path("billDate").asText());
      }
    }
    // the autumn overlap hour is read as summer time; the spring gap is shifted forward by the gap
    assertThat(billDates)
        .containsEntry("INV9000000000001", "2026-10-25T00:30:00Z")
        .containsEntry("INV9000000000002", "2026-03-29T01:30:00Z");
    // the account's last invoice is the latest period's, not the latest event's
    await()
        .atMost(within())
        .until(() -> "INV9000000000001".equals(f.billingAccount(ba).get("last_invoice_no")));
  }

  @Test
  void aDunningNoteIsWrittenOnceEvenWhenItsEventIsDeliveredAgain() {
    String crm = "ACC-T08-0005";
    String ba = f.account(crm, "Ivana", "Kovačević");
    f.billing.invoice(ba, 5000);
    f.billing.dunning(ba, 1);
    f.billing.dunning(ba, 2);
    await().atMost(within()).until(() -> f.notes(crm).size() == 1);
    assertThat(f.notes(crm).get(0))
        .containsEntry("activity_type", "BILLING")
        .containsEntry("subject", "Dunning level 2: payment reminder");
    assertThat((String) f.notes(crm).get(0).get("body"))
        .contains("dunning level 1 -> 2")
        .contains("EUR 50.00");

    String dunning =
        billingTopic.values(ba).stream()
            .filter(v -> v.contains("\"dunningto\":2"))
            .findFirst()
            .orElseThrow();
    billingTopic.publish(ba, dunning);
    billingTopic.publish(ba, dunning);
    await().atMost(within()).until(() -> billingTopic.consumedBy("hub-crm-notes"));
    assertThat(f.notes(crm)).hasSize(1);
  }
}
