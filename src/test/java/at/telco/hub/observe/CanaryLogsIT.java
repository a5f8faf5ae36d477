package at.telco.hub.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.CapturedLogs;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.SharedHub;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Canary personal data (names, emails, phone numbers, IBANs) driven through the bad-input paths of
 * every flow, each ending in a dead letter or a data-quality record: a customer billing refuses, a
 * phone number that cannot be normalised, a CRM account that cannot become a canonical customer, a
 * canonical event that is not JSON, billing XML that is not well-formed, an unreadable network
 * event. Everything logged meanwhile (the hub's loggers at DEBUG) holds none of the canaries.
 * (ErasureIT drives canaries through the flows that succeed and checks the same.)
 */
class CanaryLogsIT {

  private static final Duration WITHIN = Duration.ofSeconds(60);

  private static BillingFixture fx;
  private static CapturedLogs logs;

  @BeforeAll
  static void start() {
    fx = new BillingFixture();
    SharedHub.get();
    logs = CapturedLogs.install();
  }

  @AfterAll
  static void stop() {
    logs.uninstall();
  }

  private static String tag() {
    Random r = new Random();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      s.append((char) ('a' + r.nextInt(26)));
    }
    return s.toString();
  }

  private static String digits(int n) {
    Random r = new Random();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(r.nextInt(10));
    }
    return s.toString();
  }

  private static long deadLetters(String target, Instant since) {
    return ((Number)
            Crm.row(
                    fx.hub,
                    "SELECT count(*) AS n FROM hub.dead_letter WHERE target = ? AND created_at >= ?",
                    target,
                    java.sql.Timestamp.from(since))
                .get("n"))
        .longValue();
  }

  @Test
  void noCanaryOfAnyBadInputPathAppearsInTheLogs() {
    Instant start = Instant.now().minusSeconds(1);
    String tag = tag();
    String given = "Kanarina" + tag;
    String family = "Piepmatz" + tag;
    String email = "piep." + tag + "@example.at";
    String phone = "+43699" + digits(7);
    String badPhone = "0699 " + digits(4) + " " + digits(4) + " " + digits(4) + " x" + tag;
    String iban = "AT61" + digits(16);
    String street = "Vogelweide" + tag;
    String city = "Kanarienhof" + tag;
    List<String> canaries =
        List.of(
            given,
            family,
            email,
            phone,
            badPhone,
            iban,
            street,
            city,
            "0699 " + phone.substring(6));

    // flow 1: a name billing cannot take (more than two lines of 60), and a phone number that
    // cannot be normalised: a dead letter in billing, a data-quality record
    String a1 = "ACC-C01-0001";
    String longName =
        given
            + " "
            + family
            + " Gemeinnützige Privatstiftung zur Förderung der Telekommunikation im ländlichen"
            + " Raum Niederösterreichs und des nördlichen Burgenlandes";
    fx.crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, status) VALUES (?, 'B2B', ?,"
            + " 'ACTIVE')",
        a1,
        longName);
    fx.crm.contact(a1 + "-C1", a1, true, given, family, email, badPhone);
    fx.crm.address(a1 + "-A1", a1, "BILLING", street, "1", "3910", city);

    // flow 1, source side: a CRM account that cannot become a canonical customer (language '1x')
    String a2 = "ACC-C01-0002";
    fx.crm.inOneTransaction(
        "INSERT INTO crm.account (account_id, account_type, name, status) VALUES ('"
            + a2
            + "', 'B2C', '"
            + given
            + " "
            + family
            + "', 'ACTIVE')",
        "INSERT INTO crm.contact (contact_id, account_id, is_primary, first_name, last_name, email,"
            + " phone, language) VALUES ('"
            + a2
            + "-C1', '"
            + a2
            + "', true, '"
            + given
            + "', '"
            + family
            + "', '"
            + email
            + "', '"
            + phone
            + "', '1x')");

    // a canonical event that is not JSON, with personal data in it: every customer target
    new KafkaTopic(fx.servers, "canonical.customer.v1")
        .publish(
            "ACC-C01-JUNK",
            "{\"name\": \""
                + given
                + " "
                + family
                + "\", \"email\": \""
                + email
                + "\", \"iban\": \""
                + iban
                + "\", \"phone\": \""
                + phone
                + "\" broken");

    // flow 2: billing XML that is not well-formed, with an IBAN and a name in it
    fx.billing.rawEvent(
        "INVOICE_ISSUED",
        "BA9" + digits(9),
        "<BillingEvent type=\"INVOICE_ISSUED\"><BaNo>BA9000000001</BaNo><Holder>"
            + given
            + " "
            + family
            + "</Holder><Iban>"
            + iban
            + "</Iban><Amount>12");

    // flow 4: a network event that is not JSON, with a phone number, an email and an IBAN in it
    new KafkaTopic(fx.servers, "network.inventory.events")
        .publish(
            phone,
            "{\"eventId\":\""
                + UUID.randomUUID()
                + "\",\"service\":{\"msisdn\":\""
                + phone
                + "\",\"holder\":\""
                + email
                + "\",\"iban\":\""
                + iban
                + "\"");

    await()
        .atMost(WITHIN)
        .until(
            () ->
                deadLetters("billing", start) >= 2 // the long name and the junk event
                    && deadLetters("customerdb", start) >= 1 // the junk event
                    && deadLetters("canonical-customer", start) >= 1
                    && deadLetters("canonical-billing", start) >= 1
                    && deadLetters("network-inventory", start) >= 1
                    && Crm.row(
                            fx.hub, "SELECT 1 FROM hub.data_quality_issue WHERE entity_key = ?", a1)
                        != null);
    // whatever follows a dead letter (its log line, metrics, purge) has happened
    await().pollDelay(Duration.ofSeconds(2)).until(() -> true);

    String text = logs.text();
    assertThat(logs.size()).as("lines captured").isPositive();
    assertThat(text).as("the dead-letter lines are there").contains("dead letter ");
    for (String canary : canaries) {
      assertThat(text).as("the log").doesNotContain(canary);
    }
  }
}
