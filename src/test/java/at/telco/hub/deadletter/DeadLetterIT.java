package at.telco.hub.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A change a target cannot take goes to that target's dead-letter queue on Artemis, with its reason
 * and the headers support needs, after bounded redelivery; the changes behind it keep flowing.
 */
class DeadLetterIT {

  static TestServers servers;
  static Crm crm;
  static DataSource customerdb;
  static DataSource billing;
  static DataSource hub;

  @BeforeAll
  static void start() {
    servers = TestServers.get();
    SharedHub.get();
    crm = new Crm(servers);
    customerdb = servers.owner("customerdb");
    billing = servers.owner("billing");
    hub = servers.owner("hub");
    // a fault forced in billing for one account only (a test-only trigger, as a real constraint
    // or a billing-side rule would refuse it)
    servers.execute(
        "billing",
        """
        CREATE FUNCTION public.refuse_t03() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.crm_account_id LIKE 'ACC-T03-BAD%' THEN
            RAISE EXCEPTION 'billing refuses customer: credit check pending' USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END $$""",
        "CREATE TRIGGER refuse_t03 BEFORE INSERT OR UPDATE ON billing.customer FOR EACH ROW"
            + " EXECUTE FUNCTION public.refuse_t03()");
  }

  @AfterAll
  static void removeFault() {
    servers.execute(
        "billing",
        "DROP TRIGGER refuse_t03 ON billing.customer",
        "DROP FUNCTION public.refuse_t03()");
  }

  static List<Message> deadLetters(String queue, String selector) throws Exception {
    return Queues.browse(queue, selector);
  }

  static Map<String, Object> billingCustomer(String account) {
    return Crm.row(billing, "SELECT * FROM billing.customer WHERE crm_account_id = ?", account);
  }

  static Map<String, Object> customer(String account) {
    return Crm.row(
        customerdb, "SELECT * FROM customerdb.customer WHERE crm_account_id = ?", account);
  }

  @Test
  void aChangeBillingRefusesIsDeadLetteredWithItsReasonWhileTheOthersArrive() throws Exception {
    String bad = "ACC-T03-BAD1";
    String good = "ACC-T03-0001";
    crm.person(bad, "Maximilian", "Leitner", "ACTIVE");
    crm.person(good, "Hannah", "Berger", "ACTIVE");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !deadLetters("DLQ.billing", "hubCrmAccountId = '" + bad + "'").isEmpty());
    await().atMost(Duration.ofSeconds(20)).until(() -> billingCustomer(good) != null);
    // the fault is billing's: customerdb (its own consumer) has the customer all the same
    await().atMost(Duration.ofSeconds(20)).until(() -> customer(bad) != null);
    assertThat(billingCustomer(bad)).isNull();

    TextMessage m =
        (TextMessage) deadLetters("DLQ.billing", "hubCrmAccountId = '" + bad + "'").get(0);
    assertThat(m.getStringProperty("hubReason"))
        .contains("billing rejected the change")
        .contains("credit check pending")
        .doesNotContain("Leitner");
    assertThat(m.getStringProperty("hubTarget")).isEqualTo("billing");
    assertThat(m.getStringProperty("hubRouteId")).isEqualTo("sink-one");
    assertThat(m.getIntProperty("hubAttempts")).isEqualTo(4); // first try + 3 redeliveries
    assertThat(Instant.parse(m.getStringProperty("hubFirstFailedAt")))
        .isBeforeOrEqualTo(Instant.parse(m.getStringProperty("hubLastFailedAt")));
    assertThat(m.getStringProperty("hubCustomerId"))
        .isEqualTo(customer(bad).get("customer_id").toString());
    // the body is the canonical message as received, ready to be replayed
    CanonicalEvent event = CanonicalEvent.parse(m.getText());
    assertThat(event.subject()).isEqualTo(bad);
    assertThat(m.getStringProperty("hubCorrelationId")).isEqualTo(event.correlationId());
    assertThat(m.getStringProperty("hubEventId")).isEqualTo(event.id());

    Map<String, Object> index =
        Crm.row(
            hub,
            "SELECT * FROM hub.dead_letter WHERE id = ?::uuid",
            m.getStringProperty("hubDeadLetterId"));
    assertThat(index)
        .containsEntry("target", "billing")
        .containsEntry("status", "QUEUED")
        .containsEntry("crm_account_id", bad)
        .containsEntry("attempts", 4);
  }

  @Test
  void dataThatBreaksABillingRuleIsDeadLetteredAtOnceWithTheRuleNamed() throws Exception {
    String a = "ACC-T03-0002";
    String name =
        "Internationale Gesellschaft für angewandte Datenverarbeitung, Netzwerkplanung,"
            + " Systemintegration und Telekommunikationsdienstleistungen Mitteleuropa GmbH";
    crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, status) VALUES (?, 'B2B', ?, 'ACTIVE')",
        a,
        name);
    crm.contact(a + "-C1", a, true, "Petra", "Novák", "petra@example.at", null);
    crm.address(a + "-A1", a, "BILLING", "Hauptstraße", "1", "1010", "Wien");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !deadLetters("DLQ.billing", "hubCrmAccountId = '" + a + "'").isEmpty());
    Message m = deadLetters("DLQ.billing", "hubCrmAccountId = '" + a + "'").get(0);
    assertThat(m.getStringProperty("hubReason"))
        .startsWith("name is " + name.length() + " characters")
        .contains("at a word boundary");
    assertThat(m.getIntProperty("hubAttempts"))
        .isEqualTo(1); // waiting cannot make the name shorter
    assertThat(customer(a)).isNotNull();
  }

  @Test
  void aMessageThatIsNotACanonicalEventIsDeadLetteredByEveryTargetAndTheNextOneStillArrives()
      throws Exception {
    KafkaTopic topic = new KafkaTopic(servers, "canonical.customer.v1");
    topic.publish("ACC-T03-JUNK", "{\"this is\": not json");
    String after = "ACC-T03-0003";
    crm.person(after, "Elias", "Brunner", "ACTIVE");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> billingCustomer(after) != null && customer(after) != null);
    // this message, once in each customer target's queue (other tests publish junk of their own)
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> junk("DLQ.customerdb").size() == 1 && junk("DLQ.billing").size() == 1);
    assertThat(junk("DLQ.customerdb").get(0).getStringProperty("hubReason"))
        .contains("not well-formed JSON");
  }

  private static List<TextMessage> junk(String queue) throws Exception {
    List<TextMessage> mine = new java.util.ArrayList<>();
    for (Message m : deadLetters(queue, "hubReason LIKE '%not well-formed JSON%'")) {
      if ("{\"this is\": not json".equals(((TextMessage) m).getText())) {
        mine.add((TextMessage) m);
      }
    }
    return mine;
  }

  @Test
  void aCrmAccountThatCannotBecomeAValidCanonicalCustomerIsDeadLetteredAtTheSource()
      throws Exception {
    String a = "ACC-T03-0004";
    crm.inOneTransaction(
        "INSERT INTO crm.account (account_id, account_type, name, status) VALUES ('"
            + a
            + "', 'B2C', 'Ivana Horváth', 'ACTIVE')",
        "INSERT INTO crm.contact (contact_id, account_id, is_primary, last_name, language)"
            + " VALUES ('"
            + a
            + "-C1', '"
            + a
            + "', true, 'Horváth', '1x')");
    String next = "ACC-T03-0005";
    crm.person(next, "Zoltán", "Szabó", "ACTIVE");
    await().atMost(Duration.ofSeconds(20)).until(() -> customer(next) != null);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                !deadLetters("DLQ.canonical-customer", "hubCrmAccountId = '" + a + "'").isEmpty());
    Message m = deadLetters("DLQ.canonical-customer", "hubCrmAccountId = '" + a + "'").get(0);
    assertThat(m.getStringProperty("hubReason")).contains("languageCode");
    assertThat(customer(a)).isNull();
    // the claimed rows were marked: the account waits in the dead-letter queue, not in the change
    // log
    assertThat(
            Crm.row(
                    servers.owner("crm"),
                    "SELECT count(*) AS n FROM crm.change_log WHERE account_id = ?"
                        + " AND processed_at IS NULL",
                    a)
                .get("n"))
        .isEqualTo(0L);
  }
}
