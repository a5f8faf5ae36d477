package at.telco.hub.source.crm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.Crm;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flow 1 end to end against the real servers: what a CRM change becomes in customerdb and billing.
 */
class CustomerSyncIT {

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
  }

  static Map<String, Object> customer(String account) {
    return Crm.row(
        customerdb, "SELECT * FROM customerdb.customer WHERE crm_account_id = ?", account);
  }

  static List<Map<String, Object>> media(String account) {
    return Crm.rows(
        customerdb,
        "SELECT m.medium_type, m.role, m.email, m.phone_e164, m.street, m.house_number,"
            + " m.postal_code, m.city, m.country FROM customerdb.contact_medium m"
            + " JOIN customerdb.customer c USING (customer_id) WHERE c.crm_account_id = ?"
            + " ORDER BY 1, 2",
        account);
  }

  static Map<String, Object> billingCustomer(String account) {
    return Crm.row(billing, "SELECT * FROM billing.customer WHERE crm_account_id = ?", account);
  }

  static Duration within() {
    return Duration.ofSeconds(20);
  }

  @Test
  void aNewPersonReachesBothTargetsWithTheExactMappingAndOneCustomerId() {
    String a = "ACC-T01-0001";
    crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, status, segment)"
            + " VALUES (?, 'B2C', 'Siobhán O''Brien-Đorđević', 'ACTIVE', 'CONSUMER')",
        a);
    crm.contact(
        a + "-C1",
        a,
        true,
        "Siobhán",
        "O'Brien-Đorđević",
        "siobhan@example.at",
        "+43 (664) 123 45 67");
    crm.address(a + "-A1", a, "POSTAL", "Mariahilfer Straße", "12a", "1060", "Wien");
    crm.address(a + "-A2", a, "SERVICE", "Am Graben", null, "1010", "Wien");

    await()
        .atMost(within())
        .until(
            () ->
                billingCustomer(a) != null
                    && customer(a) != null
                    && customer(a).get("billing_cust_no") != null
                    && media(a).size() == 4);

    Map<String, Object> c = customer(a);
    assertThat(c)
        .containsEntry("party_type", "INDIVIDUAL")
        .containsEntry("given_name", "Siobhán")
        .containsEntry("family_name", "O'Brien-Đorđević")
        .containsEntry("language", "de-AT")
        .containsEntry("segment", "CONSUMER")
        .containsEntry("status", "ACTIVE")
        .containsEntry("marketing_opt_in", false);
    assertThat(c.get("birth_date").toString()).isEqualTo("1980-02-29");
    Object customerId =
        Crm.row(hub, "SELECT customer_id FROM hub.customer_identity WHERE crm_account_id = ?", a)
            .get("customer_id");
    assertThat(c.get("customer_id")).isEqualTo(customerId);
    assertThat(media(a))
        .extracting(
            m ->
                m.get("medium_type")
                    + "/"
                    + m.get("role")
                    + "/"
                    + m.get("email")
                    + "/"
                    + m.get("phone_e164")
                    + "/"
                    + m.get("street")
                    + "/"
                    + m.get("house_number")
                    + "/"
                    + m.get("postal_code")
                    + "/"
                    + m.get("city")
                    + "/"
                    + m.get("country"))
        .containsExactly(
            "EMAIL/PRIMARY/siobhan@example.at/null/null/null/null/null/null",
            "PHONE/PRIMARY/null/+436641234567/null/null/null/null/null",
            "POSTAL/POSTAL/null/null/Mariahilfer Straße/12a/1060/Wien/AT",
            "POSTAL/SERVICE/null/null/Am Graben/null/1010/Wien/AT");

    Map<String, Object> b = billingCustomer(a);
    assertThat(b)
        .containsEntry("cust_type", "P")
        .containsEntry("name_line1", "Siobhán O'Brien-Đorđević")
        .containsEntry("name_line2", null)
        .containsEntry("street_line", "Mariahilfer Straße 12a")
        .containsEntry("zip", "1060")
        .containsEntry("city", "Wien")
        .containsEntry("country_iso3", "AUT")
        .containsEntry("email_invoice", "siobhan@example.at")
        .containsEntry("language_code", "de_AT")
        .containsEntry("status", "ACTIVE")
        .containsEntry("anonymized", false);
    // billing's own number, written back to customerdb and recorded in the identity registry
    assertThat(c.get("billing_cust_no")).isEqualTo(b.get("cust_no"));
    assertThat(
            Crm.row(
                    hub,
                    "SELECT billing_cust_no FROM hub.customer_identity WHERE crm_account_id = ?",
                    a)
                .get("billing_cust_no"))
        .isEqualTo(b.get("cust_no"));
    // billing keeps Vienna local time: within a minute of Vienna's wall clock now
    assertThat(
            Crm.row(
                    billing,
                    "SELECT abs(extract(epoch FROM (updated_at - (now() AT TIME ZONE 'Europe/Vienna')))) < 60 AS vienna"
                        + " FROM billing.customer WHERE crm_account_id = ?",
                    a)
                .get("vienna"))
        .isEqualTo(true);
  }

  @Test
  void anOrganizationGetsItsVatIdAndALongNameSplitAtAWordBoundary() {
    String a = "ACC-T01-0002";
    crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, vat_id, status, segment) VALUES"
            + " (?, 'B2B', 'Österreichische Telekommunikations- und Infrastrukturberatungsgesellschaft mbH',"
            + " 'ATU12345678', 'ACTIVE', 'ENTERPRISE')",
        a);
    crm.contact(a + "-C1", a, true, "Mehmet", "Öztürk", "office@example.at", "0043 1 588 88");
    crm.address(a + "-A1", a, "BILLING", "Getreidegasse", "9", "5020", "Salzburg");

    await().atMost(within()).until(() -> billingCustomer(a) != null && customer(a) != null);
    assertThat(customer(a))
        .containsEntry("party_type", "ORGANIZATION")
        .containsEntry(
            "organization_name",
            "Österreichische Telekommunikations- und Infrastrukturberatungsgesellschaft mbH")
        .containsEntry("vat_id", "ATU12345678")
        .containsEntry("given_name", null);
    assertThat(billingCustomer(a))
        .containsEntry("cust_type", "B")
        .containsEntry("name_line1", "Österreichische Telekommunikations- und")
        .containsEntry("name_line2", "Infrastrukturberatungsgesellschaft mbH")
        .containsEntry("vat_id", "ATU12345678")
        .containsEntry("street_line", "Getreidegasse 9");
  }

  @Test
  void updatesOfContactsAndAddressesFollow() {
    String a = "ACC-T01-0003";
    crm.person(a, "Anna", "Gruber", "ACTIVE");
    await().atMost(within()).until(() -> billingCustomer(a) != null);

    crm.update(
        "UPDATE crm.contact SET email = 'anna.neu@example.at', phone = '+43 660 7654321' WHERE contact_id = ?",
        a + "-C1");
    crm.update(
        "UPDATE crm.address SET street = 'Praterstraße', house_number = '40/2' WHERE address_id = ?",
        a + "-A1");

    await()
        .atMost(within())
        .until(
            () ->
                "Praterstraße 40/2".equals(billingCustomer(a).get("street_line"))
                    && "anna.neu@example.at".equals(billingCustomer(a).get("email_invoice")));
    await()
        .atMost(within())
        .until(
            () ->
                media(a).stream().anyMatch(m -> "+436607654321".equals(m.get("phone_e164")))
                    && media(a).stream().anyMatch(m -> "Praterstraße".equals(m.get("street"))));
  }

  @Test
  void aDeletedContactOrAddressRemovesItsContactMedium() {
    String a = "ACC-T01-0004";
    crm.person(a, "Lukas", "Huber", "ACTIVE");
    crm.address(a + "-A2", a, "SERVICE", "Am Graben", "1", "1010", "Wien");
    await().atMost(within()).until(() -> media(a).size() == 4);

    crm.update("DELETE FROM crm.address WHERE address_id = ?", a + "-A2");
    await().atMost(within()).until(() -> media(a).size() == 3);
    assertThat(media(a)).noneMatch(m -> "SERVICE".equals(m.get("role")));

    // the only contact goes: its email and phone go with it, the account stays
    crm.update("DELETE FROM crm.contact WHERE contact_id = ?", a + "-C1");
    await().atMost(within()).until(() -> media(a).size() == 1);
    assertThat(media(a)).extracting(m -> m.get("medium_type")).containsExactly("POSTAL");
    assertThat(customer(a)).containsEntry("given_name", null);
  }

  @Test
  void inactiveBecomesInactiveAndClosedAndBillingsOwnSuspensionIsLeftAlone() {
    String a = "ACC-T01-0005";
    crm.person(a, "Sophie", "Bauer", "ACTIVE");
    await().atMost(within()).until(() -> billingCustomer(a) != null);

    // billing suspends the customer on its own; a later CRM change of the name leaves that alone
    servers.execute(
        "billing",
        "UPDATE billing.customer SET status = 'SUSPENDED' WHERE crm_account_id = '" + a + "'");
    crm.update("UPDATE crm.account SET name = 'Sophie Bauer-Wagner' WHERE account_id = ?", a);
    await()
        .atMost(within())
        .until(() -> "Sophie Bauer-Wagner".equals(billingCustomer(a).get("name_line1")));
    assertThat(billingCustomer(a)).containsEntry("status", "SUSPENDED");

    crm.update("UPDATE crm.account SET status = 'INACTIVE' WHERE account_id = ?", a);
    await()
        .atMost(within())
        .until(
            () ->
                "CLOSED".equals(billingCustomer(a).get("status"))
                    && "INACTIVE".equals(customer(a).get("status")));

    crm.update("UPDATE crm.account SET status = 'ACTIVE' WHERE account_id = ?", a);
    await()
        .atMost(within())
        .until(
            () ->
                "ACTIVE".equals(billingCustomer(a).get("status"))
                    && "ACTIVE".equals(customer(a).get("status")));
  }

  @Test
  void aDeletedAccountIsErasedInCustomerdbAndAnonymisedInBilling() {
    String a = "ACC-T01-0006";
    crm.person(a, "Felix", "Wagner", "ACTIVE");
    await().atMost(within()).until(() -> billingCustomer(a) != null && customer(a) != null);

    // a deleted account is an erasure request (flow 5; ErasureIT has the whole of it)
    crm.update("UPDATE crm.account SET gdpr_erasure_requested = true WHERE account_id = ?", a);
    crm.update("DELETE FROM crm.account WHERE account_id = ?", a);
    await()
        .atMost(within())
        .until(
            () ->
                "CLOSED".equals(billingCustomer(a).get("status"))
                    && Boolean.TRUE.equals(billingCustomer(a).get("anonymized"))
                    && "ERASED".equals(customer(a).get("status")));
    assertThat(customer(a)).containsEntry("family_name", null);
    assertThat(billingCustomer(a)).containsEntry("name_line1", "ANONYMISED");
  }

  @Test
  void aProspectIsNotSentToBillingUntilItQualifies() {
    String a = "ACC-T01-0007";
    crm.person(a, "Lena", "Moser", "PROSPECT");
    await().atMost(within()).until(() -> customer(a) != null);
    assertThat(customer(a)).containsEntry("status", "PROSPECT");
    assertThat(billingCustomer(a)).isNull();
    assertThat(Crm.rows(hub, "SELECT 1 FROM hub.dead_letter WHERE crm_account_id = ?", a))
        .isEmpty();

    crm.update("UPDATE crm.account SET status = 'ACTIVE' WHERE account_id = ?", a);
    await().atMost(within()).until(() -> billingCustomer(a) != null);
    assertThat(billingCustomer(a)).containsEntry("status", "ACTIVE");
    await().atMost(within()).until(() -> customer(a).get("billing_cust_no") != null);
  }

  @Test
  void aContactMovedToAnotherAccountLeavesTheOneAndJoinsTheOther() {
    String from = "ACC-T01-0008";
    String to = "ACC-T01-0009";
    crm.person(from, "Paul", "Eder", "ACTIVE");
    crm.person(to, "Marie", "Fuchs", "ACTIVE");
    crm.contact(from + "-C2", from, false, "Theo", "Eder", "theo@example.at", "+436641111111");
    await().atMost(within()).until(() -> customer(from) != null && customer(to) != null);

    // Marie's own contact goes, Theo moves over and is the only contact left there
    crm.update("DELETE FROM crm.contact WHERE contact_id = ?", to + "-C1");
    crm.update("UPDATE crm.contact SET account_id = ? WHERE contact_id = ?", to, from + "-C2");
    // billing and customerdb are independent consumers: wait for both
    await()
        .atMost(within())
        .until(
            () ->
                "theo@example.at".equals(billingCustomer(to).get("email_invoice"))
                    && "Theo".equals(customer(to).get("given_name")));
    assertThat(customer(to)).containsEntry("given_name", "Theo");
    assertThat(billingCustomer(from)).containsEntry("email_invoice", "paul@example.at");
  }

  @Test
  void aPhoneNumberThatCannotBeNormalisedIsKeptOutAndReportedWhileTheRestFlows() {
    String a = "ACC-T01-0010";
    crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, status) VALUES (?, 'B2C', 'Eva Wolf', 'ACTIVE')",
        a);
    crm.contact(a + "-C1", a, true, "Eva", "Wolf", "eva.wolf@example.at", "bitte nicht anrufen");
    crm.address(a + "-A1", a, "BILLING", "Dorfstraße", "1", "9963", "St. Jakob");
    await()
        .atMost(within())
        .until(() -> billingCustomer(a) != null && customer(a) != null && media(a).size() == 2);
    assertThat(media(a)).extracting(m -> m.get("medium_type")).containsExactly("EMAIL", "POSTAL");
    Map<String, Object> issue =
        Crm.row(hub, "SELECT * FROM hub.data_quality_issue WHERE entity_key = ?", a);
    assertThat(issue)
        .isNotNull()
        .containsEntry("field", "primaryContact.phone")
        .containsEntry("resolved_at", null);
    assertThat(issue.get("reason").toString())
        .contains("cannot be normalised")
        .doesNotContain("anrufen");

    crm.update("UPDATE crm.contact SET phone = '0676 5555555' WHERE contact_id = ?", a + "-C1");
    await().atMost(within()).until(() -> media(a).size() == 3);
    await()
        .atMost(within())
        .until(
            () ->
                Crm.row(
                            hub,
                            "SELECT resolved_at FROM hub.data_quality_issue WHERE entity_key = ?",
                            a)
                        .get("resolved_at")
                    != null);
  }
}
