package at.telco.hub.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.Api;
import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.CapturedLogs;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.Scrape;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestNetwork;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Right to erasure (flow 5) end to end, and canary personal data in the logs. A customer with
 * canary personal data (names, email, phone, street, city, VAT id, IBAN) goes through every flow -
 * customerdb and billing, a dead letter in billing (a city billing cannot take) and its fix, a
 * billing account with an invoice and its payment, dunning notes, a network service - and is then
 * deleted in the CRM (its erasure job). Afterwards every store is searched for the canaries: every
 * table of every database as text, every Artemis queue (bodies and properties), every Kafka topic
 * as a consumer reads it (keys, values, headers), and everything the hub logged; none is found.
 * Also: an open balance holds the billing part as a recorded legal hold until it is settled.
 */
class ErasureIT {

  private static final Duration WITHIN = Duration.ofSeconds(60);
  private static final String CUSTOMER_TOPIC = "canonical.customer.v1";
  private static final String SERVICE_TOPIC = "canonical.service.v1";

  private static TestServers servers;
  private static BillingFixture fx;
  private static Api viewer;
  private static CapturedLogs logs;
  private static int management;
  private static int apiPort;

  @BeforeAll
  static void start() {
    servers = TestServers.get();
    fx = new BillingFixture();
    HubInstance hub = SharedHub.get();
    viewer = Api.as(Api.port(hub), Api.VIEWER);
    management = hub.managementPort();
    apiPort = Api.port(hub);
    // every line logged from here on, the hub's own loggers at DEBUG (stricter than production)
    logs = CapturedLogs.install();
  }

  @AfterAll
  static void stop() {
    logs.uninstall();
    // the topics as the hub configures them (compaction within a day)
    compactionLag(86_400_000L);
  }

  /** Canary personal data of one person: unique strings no other test uses. */
  record Canary(
      String account,
      String given,
      String family,
      String email,
      String phoneE164,
      String street,
      String city,
      String iban,
      String msisdn) {

    static Canary make(String account) {
      Random r = new Random();
      String tag = "";
      for (int i = 0; i < 8; i++) {
        tag += (char) ('a' + r.nextInt(26));
      }
      String digits = String.format("%07d", r.nextInt(10_000_000));
      return new Canary(
          account,
          "Kanarius" + tag,
          "Vogelsang" + tag,
          "kanari." + tag + "@example.at",
          "+43699" + digits,
          "Kanariengasse" + tag,
          "Kanarienstadt" + tag,
          "AT61" + String.format("%016d", Math.abs(r.nextLong()) % 10_000_000_000_000_000L),
          "+43676" + String.format("%07d", r.nextInt(10_000_000)));
    }

    /**
     * The person's service number as any store could hold it (E.164 without its plus, so also a
     * "43676..." form). FLOWS.md keeps it where it is the network's: the detached {@code
     * customerdb.service} row and the network's own topics.
     */
    String serviceNumber() {
      return msisdn.substring(1);
    }

    /** What must be found nowhere: each value, also as the CRM's national phone format. */
    List<String> values() {
      return List.of(
          given, family, email, phoneE164, "0699" + phoneE164.substring(6), street, city, iban);
    }
  }

  /** The canary's service id. */
  private static String serviceId(Canary p) {
    return "SRV-" + p.account().substring(4);
  }

  /** Creates the canary customer and drives it through every flow; returns its billing account. */
  private String throughEveryFlow(Canary p, boolean settle) throws Exception {
    String a = p.account();
    fx.crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, status, segment)"
            + " VALUES (?, 'B2C', ?, 'ACTIVE', 'CONSUMER')",
        a,
        p.given() + " " + p.family());
    fx.crm.contact(
        a + "-C1", a, true, p.given(), p.family(), p.email(), "0699 " + p.phoneE164().substring(6));
    // a city billing cannot take (more than 40 characters): a dead letter in billing with the
    // customer's data in its body, on Artemis and in hub.dead_letter
    fx.crm.address(
        a + "-A1",
        a,
        "BILLING",
        p.street(),
        "7",
        "1070",
        p.city() + " an der sehr langen Donau Oberland");
    await()
        .atMost(WITHIN)
        .until(
            () ->
                !Crm.rows(
                        fx.hub,
                        "SELECT 1 FROM hub.dead_letter WHERE crm_account_id = ? AND target ="
                            + " 'billing'",
                        a)
                    .isEmpty());
    assertThat(Queues.browse(servers.artemisPort(), "DLQ.billing", "hubCrmAccountId = '" + a + "'"))
        .isNotEmpty();
    // the CRM corrects the city: billing takes the customer
    fx.crm.update("UPDATE crm.address SET city = ? WHERE address_id = ?", p.city(), a + "-A1");
    await()
        .atMost(WITHIN)
        .until(
            () ->
                Crm.row(
                        fx.billingDb,
                        "SELECT cust_no FROM billing.customer WHERE crm_account_id = ?",
                        a)
                    != null);
    long custNo =
        (long)
            Crm.row(
                    fx.billingDb,
                    "SELECT cust_no FROM billing.customer WHERE crm_account_id = ?",
                    a)
                .get("cust_no");
    // billing: a billing account paid by direct debit from the canary IBAN, an invoice, dunning
    String ba = fx.billing.openAccount(custNo);
    servers.execute(
        "billing",
        "UPDATE billing.billing_account SET payment_method = 'SEPA_DD', iban = '"
            + p.iban()
            + "' WHERE ba_no = '"
            + ba
            + "'");
    await().atMost(WITHIN).until(() -> fx.billingAccount(ba) != null);
    fx.billing.invoice(ba, 2499);
    // the network: a service of the billing account (the canary service number)
    String msisdn = p.msisdn();
    String serviceId = serviceId(p);
    new KafkaTopic(servers, "network.inventory.events")
        .publish(
            msisdn,
            TestNetwork.inventoryEvent(
                UUID.randomUUID().toString(),
                "SERVICE_ACTIVATED",
                1,
                serviceId,
                msisdn,
                ba,
                "ACTIVE",
                ""));
    await().atMost(WITHIN).until(() -> fx.service(serviceId) != null);
    // dunning to barring: a provisioning command for the service number (hub.provisioning_command)
    fx.billing.dunning(ba, 3);
    await()
        .atMost(WITHIN)
        .until(
            () ->
                !Crm.rows(
                        fx.hub,
                        "SELECT 1 FROM hub.provisioning_command WHERE ba_no = ? AND msisdn = ?",
                        ba,
                        msisdn)
                    .isEmpty());
    await().atMost(WITHIN).until(() -> !fx.notes(a).isEmpty());
    if (settle) {
      fx.billing.payment(ba, 2499);
      fx.billing.dunning(ba, 0);
      await()
          .atMost(WITHIN)
          .until(() -> ((Number) fx.billingAccount(ba).get("balance_cents")).longValue() == 0);
    }
    // the person is everywhere the flows take it
    assertThat(found(p.values())).as("the canaries before the erasure").isNotEmpty();
    return ba;
  }

  private static void erase(String account) {
    // the CRM's erasure job
    fx.crm.inOneTransaction(
        "UPDATE crm.account SET gdpr_erasure_requested = true WHERE account_id = '" + account + "'",
        "DELETE FROM crm.account WHERE account_id = '" + account + "'");
  }

  private static String erasureStatus(String account) {
    Map<String, Object> r =
        Crm.row(fx.hub, "SELECT status FROM hub.erasure_request WHERE crm_account_id = ?", account);
    return r == null ? null : (String) r.get("status");
  }

  @Test
  void anErasedCustomerIsFoundInNoStoreAndNoLogAndTheDpoReportNamesEverySystem() throws Exception {
    Canary p = Canary.make("ACC-E01-0001");
    String ba = throughEveryFlow(p, true);
    UUID customerId =
        (UUID)
            Crm.row(
                    fx.hub,
                    "SELECT customer_id FROM hub.customer_identity WHERE crm_account_id = ?",
                    p.account())
                .get("customer_id");

    // support looks for the person by business key before the erasure: a bulk replay by the
    // service number, and a resync of the CRM account into billing
    Api support = Api.as(apiPort, Api.SUPPORT);
    Api.Answer bulk =
        support.post("/api/v1/dead-letters/replay", "{\"businessKey\": \"" + p.msisdn() + "\"}");
    assertThat(bulk.status()).as(bulk.body()).isEqualTo(202);
    assertThat(
            Crm.rows(
                fx.hub,
                "SELECT 1 FROM hub.replay_job WHERE filter->>'businessKey' = ?",
                p.msisdn()))
        .as("the bulk replay's filter before the erasure")
        .isNotEmpty();
    Api.Answer resync =
        Api.as(apiPort, Api.OPERATOR)
            .post(
                "/api/v1/resync", "{\"target\": \"billing\", \"keys\": [\"" + p.account() + "\"]}");
    assertThat(resync.status()).as(resync.body()).isEqualTo(202);
    String resyncJob = resync.json().path("id").asText();
    await()
        .atMost(WITHIN)
        .until(
            () ->
                !Crm.rows(
                        fx.hub,
                        "SELECT 1 FROM hub.audit_entry WHERE action = 'resync' AND outcome = 'done'"
                            + " AND job_id = ?::uuid",
                        resyncJob)
                    .isEmpty());

    // faster compaction than production's day, so the test sees it (customer and service topic)
    compactionLag(1000L);
    erase(p.account());
    await().atMost(WITHIN).until(() -> "DONE".equals(erasureStatus(p.account())));

    // customerdb: ids, status ERASED and timestamps only; no contact media; the service detached
    Map<String, Object> c =
        Crm.row(
            fx.customerdb,
            "SELECT * FROM customerdb.customer WHERE crm_account_id = ?",
            p.account());
    assertThat(c)
        .containsEntry("status", "ERASED")
        .containsEntry("given_name", null)
        .containsEntry("family_name", null)
        .containsEntry("birth_date", null)
        .containsEntry("billing_cust_no", null);
    assertThat(
            Crm.rows(
                fx.customerdb,
                "SELECT 1 FROM customerdb.contact_medium WHERE customer_id = ?",
                customerId))
        .isEmpty();
    assertThat(
            Crm.rows(
                fx.customerdb,
                "SELECT 1 FROM customerdb.service WHERE customer_id = ?",
                customerId))
        .isEmpty();
    // billing: anonymised and CLOSED, the billing account and its invoices kept
    Map<String, Object> b =
        Crm.row(
            fx.billingDb, "SELECT * FROM billing.customer WHERE crm_account_id = ?", p.account());
    assertThat(b)
        .containsEntry("anonymized", true)
        .containsEntry("status", "CLOSED")
        .containsEntry("name_line1", "ANONYMISED")
        .containsEntry("email_invoice", null);
    assertThat(Crm.rows(fx.billingDb, "SELECT 1 FROM billing.invoice WHERE ba_no = ?", ba))
        .isNotEmpty();
    // the IBAN is billing's to clear (FLOWS.md, flow 5): it is nowhere but there; billing's own
    // erasure job clears it (played here), then nothing at all is left
    assertThat(found(List.of(p.iban()))).containsExactly("billing.billing_account");
    servers.execute(
        "billing", "UPDATE billing.billing_account SET iban = NULL WHERE ba_no = '" + ba + "'");

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              fillEveryPartition(); // segments roll and are compacted
              assertThat(found(p.values())).as("stores holding a canary").isEmpty();
            });
    // the service number: only where it is the network's (FLOWS.md: the detached customerdb
    // service row, the network's own topics); not in the hub's tables (dead letters, provisioning
    // commands, the bulk replay's filter), queues or log
    List<String> holding = new ArrayList<>(found(List.of(p.serviceNumber())));
    // canonical.service.v1 is the history a rebuild of customerdb.service replays (ADR 0019): it
    // keeps the service's newest state, detached like the customerdb row - and, once the broker
    // has compacted it, nothing else: no record of the service links it to the customer any more
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              fillEveryPartition();
              List<ConsumerRecord<String, String>> records = serviceRecords(p.serviceNumber());
              assertThat(records).as("the service's records on " + SERVICE_TOPIC).hasSize(1);
              ConsumerRecord<String, String> only = records.get(0);
              assertThat(only.key()).as("keyed by service id").isEqualTo(serviceId(p));
              JsonNode event = at.telco.hub.canonical.Json.parse(only.value());
              assertThat(event.has("customerid")).as("detached: no customer id").isFalse();
              assertThat(only.value()).doesNotContain(customerId.toString());
              assertThat(event.path("data").path("relatedParty").findValues("id")).isEmpty();
            });
    assertThat(inTopics(List.of(customerId.toString())))
        .as("topics naming the erased customer's id")
        .doesNotContain("topic " + SERVICE_TOPIC);
    holding.remove("topic " + SERVICE_TOPIC); // its one record: detached, asserted just above
    assertThat(holding)
        .as("stores holding the canary service number")
        .isSubsetOf(
            "customerdb.service",
            "topic network.inventory.events",
            "topic network.provisioning.commands");

    // a rebuild of customerdb.service from the (compacted) topic still finds every service, the
    // erased customer's detached
    DataSource customerdbDs = fx.customerdb;
    List<Object> servicesBefore = new ArrayList<>();
    Crm.rows(customerdbDs, "SELECT service_id FROM customerdb.service ORDER BY service_id")
        .forEach(row -> servicesBefore.add(row.get("service_id")));
    servers.execute(
        "customerdb", "DELETE FROM customerdb.service WHERE service_id = '" + serviceId(p) + "'");
    at.telco.hub.consistency.Resync.Result rebuilt =
        SharedHub.get()
            .bean("resync", at.telco.hub.consistency.Resync.class)
            .replayServices("rebuild:ErasureIT");
    assertThat(rebuilt.unmappable()).as("unreadable records replayed").isEmpty();
    List<Object> servicesAfter = new ArrayList<>();
    Crm.rows(customerdbDs, "SELECT service_id FROM customerdb.service ORDER BY service_id")
        .forEach(row -> servicesAfter.add(row.get("service_id")));
    assertThat(servicesAfter).as("every service after the rebuild").containsAll(servicesBefore);
    assertThat(
            Crm.row(
                customerdbDs,
                "SELECT customer_id, msisdn, ba_no FROM customerdb.service WHERE service_id = ?",
                serviceId(p)))
        .as("the erased customer's service, rebuilt from the topic")
        .containsEntry("customer_id", null)
        .containsEntry("msisdn", p.msisdn())
        .containsEntry("ba_no", ba);
    assertThat(
            Crm.row(
                    fx.customerdb,
                    "SELECT customer_id FROM customerdb.service WHERE msisdn = ?",
                    p.msisdn())
                .get("customer_id"))
        .as("the service row is detached")
        .isNull();
    // the resync's key is in the audit trail only as a keyed hash
    List<Map<String, Object>> resyncAudit =
        Crm.rows(
            fx.hub,
            "SELECT detail FROM hub.audit_entry WHERE action = 'resync' AND job_id = ?::uuid",
            resyncJob);
    assertThat(resyncAudit).isNotEmpty();
    assertThat(resyncAudit.toString()).contains("key#").doesNotContain(p.account());
    assertThat(new KafkaTopic(servers, CUSTOMER_TOPIC).values(p.account()))
        .as("what a consumer reads of the customer's key")
        .allMatch(v -> v == null);

    // the evidence in the audit trail and the DPO's report: every system, with its time
    List<Map<String, Object>> audit =
        Crm.rows(
            fx.hub,
            "SELECT action, outcome, detail FROM hub.audit_entry WHERE action = 'erasure'"
                + " AND job_id = (SELECT id FROM hub.erasure_request WHERE crm_account_id = ?)",
            p.account());
    assertThat(audit).hasSize(1);
    String evidence = (String) audit.get(0).get("detail");
    System.out.println("erasure evidence: " + evidence);
    assertThat(evidence)
        .contains("customerdb erased", "artemis removed", "hub purged", "kafka tombstone")
        .contains("billing anonymised")
        .contains(customerId.toString());
    Api.Answer report = viewer.get("/api/v1/erasures/" + p.account());
    assertThat(report.status()).isEqualTo(200);
    System.out.println("DPO report: " + report.body());
    JsonNode r = report.json();
    assertThat(r.path("status").asText()).isEqualTo("DONE");
    assertThat(r.path("systems")).hasSize(5).allMatch(s -> s.path("reached").asBoolean());
    JsonNode kafkaPart = r.path("systems").get(3);
    assertThat(kafkaPart.path("system").asText()).isEqualTo("kafka");
    assertThat(kafkaPart.path("servicesDetached").asInt())
        .as("the service published detached on " + SERVICE_TOPIC)
        .isEqualTo(1);
    assertThat(r.path("systems"))
        .allMatch(s -> s.hasNonNull("at") && !s.path("at").asText().isBlank());
    assertThat(viewer.get("/api/v1/erasures?status=DONE").json().path("items").toString())
        .contains(p.account());
    for (String v : p.values()) {
      assertThat(evidence).doesNotContain(v);
      assertThat(report.body()).doesNotContain(v);
    }
    assertThat(logs.text()).as("the hub's log").isNotEmpty();
    for (String v : p.values()) {
      assertThat(logs.text()).as("the hub's log").doesNotContain(v);
    }
    assertThat(logs.text()).as("the hub's log").doesNotContain(p.serviceNumber());
  }

  @Test
  void anOpenBalanceHoldsTheBillingPartUntilItIsSettled() throws Exception {
    Canary p = Canary.make("ACC-E01-0002");
    String ba = throughEveryFlow(p, false);
    assertThat(((Number) fx.billingAccount(ba).get("balance_cents")).longValue()).isPositive();

    erase(p.account());
    await().atMost(WITHIN).until(() -> "HELD".equals(erasureStatus(p.account())));
    // everything but billing is done: customerdb erased, billing untouched and recorded as held
    assertThat(
            Crm.row(
                    fx.customerdb,
                    "SELECT status FROM customerdb.customer WHERE crm_account_id = ?",
                    p.account())
                .get("status"))
        .isEqualTo("ERASED");
    Map<String, Object> b =
        Crm.row(
            fx.billingDb, "SELECT * FROM billing.customer WHERE crm_account_id = ?", p.account());
    assertThat(b)
        .containsEntry("anonymized", false)
        .containsEntry("name_line1", p.given() + " " + p.family());
    assertThat(
            Crm.rows(
                fx.hub,
                "SELECT detail FROM hub.audit_entry WHERE action = 'erasure-legal-hold'"
                    + " AND job_id = (SELECT id FROM hub.erasure_request WHERE crm_account_id = ?)",
                p.account()))
        .hasSize(1)
        .allMatch(e -> e.get("detail").toString().contains("open balance on 1 billing account"));
    JsonNode held = viewer.get("/api/v1/erasures/" + p.account()).json();
    assertThat(held.path("status").asText()).isEqualTo("HELD");
    assertThat(held.path("legalHold").path("active").asBoolean()).isTrue();
    assertThat(held.path("legalHold").path("reason").asText()).contains("open balance");
    // still held at the next runs of the erasure
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(4))
        .until(() -> "HELD".equals(erasureStatus(p.account())));

    // billing books the payment: the erasure completes
    fx.billing.payment(ba, ((Number) fx.billingAccount(ba).get("balance_cents")).longValue());
    await().atMost(WITHIN).until(() -> "DONE".equals(erasureStatus(p.account())));
    assertThat(
            Crm.row(
                fx.billingDb,
                "SELECT anonymized, name_line1, email_invoice FROM billing.customer"
                    + " WHERE crm_account_id = ?",
                p.account()))
        .containsEntry("anonymized", true)
        .containsEntry("name_line1", "ANONYMISED")
        .containsEntry("email_invoice", null);
    JsonNode done = viewer.get("/api/v1/erasures/" + p.account()).json();
    assertThat(done.path("status").asText()).isEqualTo("DONE");
    assertThat(done.path("legalHold").path("active").asBoolean()).isFalse();
    assertThat(
            Crm.rows(
                fx.hub,
                "SELECT 1 FROM hub.audit_entry WHERE action = 'erasure' AND outcome = 'completed'"
                    + " AND job_id = (SELECT id FROM hub.erasure_request WHERE crm_account_id = ?)",
                p.account()))
        .hasSize(1);
    for (String v : p.values()) {
      assertThat(logs.text()).as("the hub's log").doesNotContain(v);
    }
  }

  @Test
  void aCustomerTopicThatIsNotCompactedKeepsTheErasuresKafkaPartOpenAndTheHubNotReady()
      throws Exception {
    String a = "ACC-E01-0003";
    fx.crm.person(a, "Offen", "Kafkateil", "ACTIVE");
    await()
        .atMost(WITHIN)
        .until(
            () ->
                Crm.row(
                        fx.customerdb,
                        "SELECT 1 FROM customerdb.customer WHERE crm_account_id = ?",
                        a)
                    != null);
    String ready = "http://127.0.0.1:" + management + "/observe/health/ready";
    assertThat(Http.get(ready).status()).isEqualTo(200);
    try {
      // someone (a topic created by hand, a broker default) makes the topic delete old segments
      // instead of compacting them: a tombstone would remove nothing
      cleanupPolicy("delete");
      await()
          .atMost(WITHIN)
          .untilAsserted(
              () -> {
                Http.Response r = Http.get(ready);
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.body())
                    .contains("erasure-kafka")
                    .contains("erasure cannot be honoured on Kafka")
                    .contains("cleanup.policy=delete");
              });
      erase(a);
      await()
          .atMost(WITHIN)
          .untilAsserted(
              () -> {
                Map<String, Object> r =
                    Crm.row(
                        fx.hub,
                        "SELECT status, last_error, steps::text AS steps FROM hub.erasure_request"
                            + " WHERE crm_account_id = ?",
                        a);
                assertThat(r).isNotNull();
                // every other system reached, the Kafka part open with its reason
                assertThat((String) r.get("steps")).contains("\"customerdb\"", "\"billing\"");
                assertThat(r.get("status")).isEqualTo("PENDING");
                assertThat((String) r.get("last_error"))
                    .contains("kafka part open")
                    .contains("not compacted");
              });
      JsonNode report = viewer.get("/api/v1/erasures/" + a).json();
      System.out.println("DPO report with the Kafka part open: " + report);
      assertThat(report.path("status").asText()).isEqualTo("PENDING");
      JsonNode kafka = null;
      for (JsonNode s : report.path("systems")) {
        if (s.path("system").asText().equals("kafka")) {
          kafka = s;
        }
      }
      assertThat(kafka.path("reached").asBoolean()).isFalse();
      assertThat(kafka.path("open").asText()).contains("cleanup.policy=delete");
      assertThat(
              Crm.rows(
                  fx.hub,
                  "SELECT 1 FROM hub.audit_entry WHERE action = 'erasure'"
                      + " AND job_id = (SELECT id FROM hub.erasure_request WHERE crm_account_id = ?)",
                  a))
          .as("no evidence of a completed erasure")
          .isEmpty();
      await()
          .atMost(WITHIN)
          .until(() -> Scrape.of(management).value("hub_erasure_kafka_honoured") == 0.0);
    } finally {
      cleanupPolicy("compact");
    }
    // compacted again: the erasure completes, the hub is ready
    await().atMost(WITHIN).until(() -> "DONE".equals(erasureStatus(a)));
    await().atMost(WITHIN).until(() -> Http.get(ready).status() == 200);
    assertThat(Scrape.of(management).value("hub_erasure_kafka_honoured")).isEqualTo(1.0);
  }

  private static void cleanupPolicy(String policy) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafkaBootstrap());
    try (Admin admin = Admin.create(p)) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, CUSTOMER_TOPIC),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("cleanup.policy", policy), AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- searching every store
  // ---------------------------------------------------------------------

  /** Where any of the values is found: "db.schema.table", "queue Q", "topic T", "log". */
  static List<String> found(Collection<String> values) throws Exception {
    List<String> where = new ArrayList<>();
    where.addAll(inDatabases(values));
    where.addAll(inQueues(values));
    where.addAll(inTopics(values));
    return where;
  }

  private static List<String> inDatabases(Collection<String> values) throws Exception {
    List<String> where = new ArrayList<>();
    List<String> databases = new ArrayList<>();
    try (Connection c = servers.owner("postgres").getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT datname FROM pg_database WHERE NOT datistemplate"
                        + " AND datname <> 'postgres'")) {
      while (rs.next()) {
        databases.add(rs.getString(1));
      }
    }
    String[] patterns = values.stream().map(v -> "%" + v + "%").toArray(String[]::new);
    for (String db : databases) {
      DataSource ds = servers.owner(db);
      try (Connection c = ds.getConnection()) {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name)"
                        + " FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
                        + " AND table_schema NOT IN ('pg_catalog', 'information_schema')")) {
          while (rs.next()) {
            tables.add(rs.getString(1));
          }
        }
        for (String t : tables) {
          if (t.equals("public.hub_probe")) {
            // the tests' own write probes (Probes: a trigger copies every row the hub writes);
            // not a store of the systems or the hub, absent in production
            continue;
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM " + t + " x WHERE x::text ILIKE ANY (?::text[])")) {
            ps.setArray(1, c.createArrayOf("text", patterns));
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              if (rs.getLong(1) > 0) {
                where.add(
                    db.equals("billing") || db.equals("crm") || db.equals("customerdb")
                        ? t.replace("\"", "")
                        : db + ":" + t);
              }
            }
          }
        }
      }
    }
    return where;
  }

  private static List<String> inQueues(Collection<String> values) throws Exception {
    List<String> where = new ArrayList<>();
    for (String queue : Queues.names(servers.artemisPort())) {
      for (Message m : Queues.browse(servers.artemisPort(), queue, null)) {
        StringBuilder text = new StringBuilder();
        if (m instanceof TextMessage t && t.getText() != null) {
          text.append(t.getText());
        } else if (m instanceof BytesMessage bm) {
          byte[] bytes = new byte[(int) bm.getBodyLength()];
          bm.readBytes(bytes);
          text.append(new String(bytes, StandardCharsets.UTF_8));
        }
        Enumeration<?> names = m.getPropertyNames();
        while (names.hasMoreElements()) {
          String name = (String) names.nextElement();
          text.append(' ').append(m.getObjectProperty(name));
        }
        if (containsAny(text.toString(), values)) {
          where.add("queue " + queue);
          break;
        }
      }
    }
    return where;
  }

  private static List<String> inTopics(Collection<String> values) throws Exception {
    List<String> where = new ArrayList<>();
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafkaBootstrap());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      for (String topic : consumer.listTopics().keySet()) {
        if (topic.startsWith("__")) {
          continue; // the broker's own (offsets, transactions): no records of the hub's
        }
        List<TopicPartition> partitions = new ArrayList<>();
        consumer
            .partitionsFor(topic)
            .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        boolean hit = false;
        while (!hit && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            StringBuilder text = new StringBuilder();
            text.append(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8));
            text.append(' ')
                .append(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
            for (Header h : r.headers()) {
              text.append(' ')
                  .append(h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
            }
            if (containsAny(text.toString(), values)) {
              hit = true;
            }
          }
        }
        if (hit) {
          where.add("topic " + topic);
        }
      }
    }
    return where;
  }

  private static boolean containsAny(String text, Collection<String> values) {
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    return values.stream().anyMatch(v -> lower.contains(v.toLowerCase(java.util.Locale.ROOT)));
  }

  // ---- Kafka compaction
  // --------------------------------------------------------------------------

  private static void compactionLag(long ms) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafkaBootstrap());
    try (Admin admin = Admin.create(p)) {
      List<AlterConfigOp> ops = new ArrayList<>();
      for (String key : List.of("max.compaction.lag.ms", "segment.ms", "delete.retention.ms")) {
        ops.add(
            new AlterConfigOp(new ConfigEntry(key, Long.toString(ms)), AlterConfigOp.OpType.SET));
      }
      ops.add(
          ms < 60_000
              ? new AlterConfigOp(
                  new ConfigEntry("min.cleanable.dirty.ratio", "0.01"), AlterConfigOp.OpType.SET)
              : new AlterConfigOp(
                  new ConfigEntry("min.cleanable.dirty.ratio", ""), AlterConfigOp.OpType.DELETE));
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, CUSTOMER_TOPIC),
                  ops,
                  new ConfigResource(ConfigResource.Type.TOPIC, SERVICE_TOPIC),
                  ops))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A tombstone of a key no one has on every partition of the customer and service topics: the
   * active segment is never compacted, a record after the segment time rolls it (production traffic
   * does this).
   */
  private static void fillEveryPartition() throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafkaBootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (String topic : List.of(CUSTOMER_TOPIC, SERVICE_TOPIC)) {
        int partitions = producer.partitionsFor(topic).size();
        for (int i = 0; i < partitions; i++) {
          producer
              .send(new ProducerRecord<>(topic, i, "ACC-E01-FILLER", null))
              .get(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** The records of the canonical service topic that contain {@code text} (key or value). */
  private static List<ConsumerRecord<String, String>> serviceRecords(String text) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafkaBootstrap());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(SERVICE_TOPIC)
          .forEach(i -> partitions.add(new TopicPartition(SERVICE_TOPIC, i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if ((r.key() != null && r.key().contains(text))
              || (r.value() != null && r.value().contains(text))) {
            found.add(r);
          }
        }
      }
    }
    return found;
  }
}
