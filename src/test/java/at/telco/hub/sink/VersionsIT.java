package at.telco.hub.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.Probes;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Never older over newer, never the same change twice: duplicates and late older versions on the
 * topic change nothing, and a change whose lower id became visible late is not lost.
 */
class VersionsIT {

  static TestServers servers;
  static Crm crm;
  static KafkaTopic topic;
  static DataSource customerdb;
  static DataSource billing;

  @BeforeAll
  static void start() {
    servers = TestServers.get();
    HubInstance hub = SharedHub.get();
    crm = new Crm(servers);
    topic =
        new KafkaTopic(
            servers,
            hub.property("hub.kafka.topic.customer") == null
                ? "canonical.customer.v1"
                : hub.property("hub.kafka.topic.customer"));
    customerdb = servers.owner("customerdb");
    billing = servers.owner("billing");
  }

  static Map<String, Object> customer(String account) {
    return Crm.row(
        customerdb, "SELECT * FROM customerdb.customer WHERE crm_account_id = ?", account);
  }

  static Map<String, Object> billingCustomer(String account) {
    return Crm.row(billing, "SELECT * FROM billing.customer WHERE crm_account_id = ?", account);
  }

  static void awaitTargetsCaughtUp() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> topic.consumedBy("hub-customerdb", "hub-billing"));
  }

  @Test
  void aDuplicateDeliveryChangesNothing() {
    String a = "ACC-T02-0001";
    crm.person(a, "Jakob", "Steiner", "ACTIVE");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                billingCustomer(a) != null
                    && customer(a) != null
                    && customer(a).get("billing_cust_no") != null);
    awaitTargetsCaughtUp();
    long customerDbWrites = Probes.writes(servers, "customerdb", a);
    long billingWrites = Probes.writes(servers, "billing", a);
    List<String> events = topic.values(a);
    assertThat(events).isNotEmpty();

    // the newest event once more, and every event of the account again, in order
    topic.publish(a, events.get(events.size() - 1));
    for (String e : events) {
      topic.publish(a, e);
    }
    awaitTargetsCaughtUp();

    assertThat(Probes.writes(servers, "customerdb", a)).isEqualTo(customerDbWrites);
    assertThat(Probes.writes(servers, "billing", a)).isEqualTo(billingWrites);
    assertThat(Probes.customerDbDuplicates(servers, a)).isZero();
    assertThat(Probes.billingDuplicates(servers, a)).isZero();
  }

  @Test
  void anOlderVersionDeliveredLateChangesNothing() {
    String a = "ACC-T02-0002";
    crm.person(a, "Laura", "Mayer", "ACTIVE");
    await().atMost(Duration.ofSeconds(20)).until(() -> billingCustomer(a) != null);
    awaitTargetsCaughtUp();
    List<String> before = topic.values(a);
    String older = before.get(before.size() - 1);

    crm.update("UPDATE crm.account SET name = 'Laura Mayer-Lang' WHERE account_id = ?", a);
    crm.update(
        "UPDATE crm.contact SET email = 'laura.neu@example.at' WHERE contact_id = ?", a + "-C1");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "Laura Mayer-Lang".equals(billingCustomer(a).get("name_line1"))
                    && "laura.neu@example.at".equals(billingCustomer(a).get("email_invoice")));
    awaitTargetsCaughtUp();
    long customerDbWrites = Probes.writes(servers, "customerdb", a);
    long billingWrites = Probes.writes(servers, "billing", a);

    topic.publish(a, older);
    awaitTargetsCaughtUp();

    assertThat(billingCustomer(a))
        .containsEntry("name_line1", "Laura Mayer-Lang")
        .containsEntry("email_invoice", "laura.neu@example.at");
    assertThat(
            Crm.rows(
                customerdb,
                "SELECT m.email FROM customerdb.contact_medium m JOIN customerdb.customer c"
                    + " USING (customer_id) WHERE c.crm_account_id = ? AND m.medium_type = 'EMAIL'",
                a))
        .extracting(r -> r.get("email"))
        .containsExactly("laura.neu@example.at");
    assertThat(Probes.writes(servers, "customerdb", a)).isEqualTo(customerDbWrites);
    assertThat(Probes.writes(servers, "billing", a)).isEqualTo(billingWrites);
    // and the older event was the older one indeed
    assertThat(CanonicalEvent.parse(older).data().path("name").asText()).isEqualTo("Laura Mayer");
  }

  @Test
  void aLowerChangeIdCommittedAfterAHigherOneWasProcessedIsNotLost() throws Exception {
    String a = "ACC-T02-0003";
    crm.person(a, "David", "Pichler", "ACTIVE");
    await().atMost(Duration.ofSeconds(20)).until(() -> billingCustomer(a) != null);

    DataSource crmDb = servers.owner("crm");
    try (Connection slow = crmDb.getConnection()) {
      slow.setAutoCommit(false);
      // takes the lower change_id now, becomes visible only at its commit
      try (PreparedStatement ps =
          slow.prepareStatement(
              "UPDATE crm.contact SET email = 'david.spaet@example.at' WHERE contact_id = ?")) {
        ps.setString(1, a + "-C1");
        ps.executeUpdate();
      }
      long slowId;
      try (PreparedStatement ps =
              slow.prepareStatement("SELECT currval('crm.change_log_change_id_seq')");
          java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        slowId = rs.getLong(1);
      }
      crm.update("UPDATE crm.account SET segment = 'SOHO' WHERE account_id = ?", a);
      await().atMost(Duration.ofSeconds(20)).until(() -> "SOHO".equals(customer(a).get("segment")));
      long processedId =
          (long)
              Crm.row(
                      crmDb,
                      "SELECT max(change_id) AS id FROM crm.change_log"
                          + " WHERE account_id = ? AND processed_at IS NOT NULL",
                      a)
                  .get("id");
      assertThat(processedId).as("a higher change id was processed first").isGreaterThan(slowId);
      slow.commit();
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> "david.spaet@example.at".equals(billingCustomer(a).get("email_invoice")));
    assertThat(
            Crm.row(
                    crmDb,
                    "SELECT count(*) AS n FROM crm.change_log WHERE account_id = ? AND processed_at IS NULL",
                    a)
                .get("n"))
        .isEqualTo(0L);
  }
}
