package at.telco.hub.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.sink.TargetChange;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One open dead letter per record and target (issue 23): a newer dead letter of a record replaces
 * the older open ones of that record in that target; they stay in its history, replayable from
 * there, and support replays the one open letter, which applies the newest state. Against the real
 * flow (CRM, Kafka, billing, Artemis, the hub database).
 */
class DeadLetterPerRecordIT {

  static TestServers servers;
  static Crm crm;
  static DataSource billing;
  static int port;
  static Api support;

  @BeforeAll
  static void start() {
    servers = TestServers.get();
    port = Api.port(SharedHub.get());
    crm = new Crm(servers);
    billing = servers.owner("billing");
    support = Api.as(port, Api.SUPPORT);
    // billing refuses the accounts listed here (a test-only stand-in for a billing-side rule)
    servers.execute(
        "billing",
        "CREATE TABLE public.hub_t23_refused (account_id text PRIMARY KEY)",
        """
        CREATE FUNCTION public.hub_t23_refuse() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM public.hub_t23_refused WHERE account_id = NEW.crm_account_id) THEN
            RAISE EXCEPTION 'billing refuses customer: credit check pending' USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END $$""",
        "CREATE TRIGGER hub_t23_refuse BEFORE INSERT OR UPDATE ON billing.customer FOR EACH ROW"
            + " EXECUTE FUNCTION public.hub_t23_refuse()");
  }

  @AfterAll
  static void removeFault() {
    servers.execute(
        "billing",
        "DROP TRIGGER hub_t23_refuse ON billing.customer",
        "DROP FUNCTION public.hub_t23_refuse()",
        "DROP TABLE public.hub_t23_refused");
  }

  static void refuse(String account) {
    servers.execute("billing", "INSERT INTO public.hub_t23_refused VALUES ('" + account + "')");
  }

  static void accept(String account) {
    servers.execute(
        "billing", "DELETE FROM public.hub_t23_refused WHERE account_id = '" + account + "'");
  }

  /** A B2C customer created in one CRM transaction: one canonical event. */
  static void person(String account, String first, String last) {
    crm.inOneTransaction(
        "INSERT INTO crm.account (account_id, account_type, name, status, segment) VALUES ('"
            + account
            + "', 'B2C', '"
            + first
            + " "
            + last
            + "', 'ACTIVE', 'CONSUMER')",
        "INSERT INTO crm.contact (contact_id, account_id, is_primary, salutation, first_name,"
            + " last_name, birth_date, email, phone, language) VALUES ('"
            + account
            + "-C1', '"
            + account
            + "', true, 'Frau', '"
            + first
            + "', '"
            + last
            + "', DATE '1980-02-29', 'x@example.at', '0664 1234567', 'de')",
        "INSERT INTO crm.address (address_id, account_id, address_type, street, house_number,"
            + " postal_code, city) VALUES ('"
            + account
            + "-A1', '"
            + account
            + "', 'BILLING', 'Lassallestraße', '9', '1020', 'Wien')");
  }

  static JsonNode letters(String account, String status) {
    return support
        .get(
            "/api/v1/dead-letters?target=billing&status="
                + status
                + "&businessKey="
                + Api.q(account))
        .json()
        .get("items");
  }

  /** Waits until the account has {@code n} dead letters in billing, open or not. */
  static void awaitLetters(String account, int n) {
    await().atMost(Duration.ofSeconds(30)).until(() -> letters(account, "all").size() >= n);
  }

  static JsonNode detail(String id) {
    Api.Answer a = support.get("/api/v1/dead-letters/" + id);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json();
  }

  static Map<String, Object> billingCustomer(String account) {
    return Crm.row(billing, "SELECT * FROM billing.customer WHERE crm_account_id = ?", account);
  }

  @Test
  void threeFailingChangesOfOneAccountLeaveOneOpenDeadLetterThatAppliesTheNewestState() {
    String account = "ACC-T23-R0001";
    refuse(account);
    // three changes of one account, each its own version, each refused by billing (the next one
    // made once the previous is dead-lettered, so no batch folds them into one)
    person(account, "Maria", "Gruber");
    awaitLetters(account, 1);
    crm.update("UPDATE crm.account SET name = 'Maria Lang' WHERE account_id = ?", account);
    awaitLetters(account, 2);
    crm.update("UPDATE crm.account SET name = 'Maria Gruber-Lang' WHERE account_id = ?", account);
    awaitLetters(account, 3);

    // one open dead letter for billing: the newest; the two older ones are in its history
    JsonNode open = letters(account, "open");
    assertThat(open).as(open.toString()).hasSize(1);
    String id = open.get(0).get("id").asText();
    JsonNode all = letters(account, "all");
    assertThat(all).hasSize(3);
    JsonNode d = detail(id);
    assertThat(d.get("status").asText()).isEqualTo("QUEUED");
    assertThat(d.get("replaces")).hasSize(2);
    List<String> older = new ArrayList<>();
    for (JsonNode r : d.get("replaces")) {
      assertThat(r.get("status").asText()).isEqualTo("REPLACED");
      older.add(r.get("id").asText());
      JsonNode rd = detail(r.get("id").asText());
      assertThat(rd.get("replacedBy").asText()).isEqualTo(id);
      assertThat(rd.get("replacedAt").asText()).isNotBlank();
    }
    assertThat(letters(account, "REPLACED")).hasSize(2);
    // the console's record badge: one open for this record
    assertThat(open.get(0).get("record").get("open").asInt()).isEqualTo(1);
    // its queue holds the open one only (the replaced ones' bodies stay in the index)
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Queues.ofDeadLetter("billing", id).size() == 1
                    && older.stream().allMatch(o -> Queues.ofDeadLetter("billing", o).isEmpty()));
    assertThat(
            Http.get("http://127.0.0.1:" + SharedHub.get().managementPort() + "/observe/metrics")
                .body())
        .containsPattern("hub_dead_letters_superseded_total\\{[^}]*target=\"billing\"[^}]*} [1-9]");

    // replaying the one open letter applies the newest state
    accept(account);
    Api.Answer replay = support.post("/api/v1/dead-letters/" + id + "/replay", null);
    assertThat(replay.status()).as(replay.body()).isEqualTo(200);
    assertThat(replay.json().get("outcome").asText()).isEqualTo("applied");
    Map<String, Object> row = billingCustomer(account);
    assertThat(row).isNotNull();
    assertThat(row.get("name_line1")).isEqualTo("Maria Gruber-Lang");
    assertThat(letters(account, "open")).isEmpty();

    // an older one is still replayable from the history: skipped, the target has something newer
    Api.Answer fromHistory = support.post("/api/v1/dead-letters/" + older.get(0) + "/replay", null);
    assertThat(fromHistory.status()).as(fromHistory.body()).isEqualTo(200);
    assertThat(fromHistory.json().get("outcome").asText()).isEqualTo("skipped-stale");
    assertThat(billingCustomer(account).get("name_line1")).isEqualTo("Maria Gruber-Lang");
  }

  @Test
  void deadLettersOfOneRecordArrivingAtOnceLeaveExactlyOneOpen() throws Exception {
    // a template: a real canonical customer event for billing, dead-lettered by the flow
    String template = "ACC-T23-C0000";
    refuse(template);
    person(template, "Karl", "Bauer");
    awaitLetters(template, 1);
    String body = detail(letters(template, "open").get(0).get("id").asText()).get("body").asText();

    // six versions of another record, dead-lettered at once from six threads (as two consumers
    // would): exactly one stays open, the newest
    String account = "ACC-T23-C0001";
    int versions = 6;
    ProducerTemplate producer = SharedHub.get().context().createProducerTemplate();
    ExecutorService pool = Executors.newFixedThreadPool(versions);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Exchange>> sent = new ArrayList<>();
    try {
      for (int i = 1; i <= versions; i++) {
        ObjectNode event = (ObjectNode) Json.parse(body);
        event.put("id", java.util.UUID.randomUUID().toString());
        event.put("subject", account);
        event.put("entityversion", "900000:90000" + i + ":");
        String change = Json.write(event);
        sent.add(
            pool.submit(
                () -> {
                  go.await();
                  return producer.send(
                      "direct:dead-letter",
                      e -> {
                        e.getMessage().setBody(TargetChange.read("billing", change, null));
                        e.setProperty("hubTarget", "billing");
                        e.setProperty(
                            Exchange.EXCEPTION_CAUGHT,
                            new IllegalStateException("concurrent copy for the test"));
                      });
                }));
      }
      go.countDown();
      for (Future<Exchange> f : sent) {
        assertThat(f.get(60, TimeUnit.SECONDS).getException()).isNull();
      }
    } finally {
      pool.shutdownNow();
    }
    awaitLetters(account, versions);
    JsonNode open = letters(account, "open");
    assertThat(open).as(open.toString()).hasSize(1);
    assertThat(open.get(0).get("entityVersion").asText())
        .isEqualTo("900000:90000" + versions + ":");
    JsonNode d = detail(open.get(0).get("id").asText());
    assertThat(d.get("replaces")).hasSize(versions - 1);
    assertThat(letters(account, "REPLACED")).hasSize(versions - 1);

    // tidy up: nothing of this test left open
    for (String a : List.of(account, template)) {
      for (JsonNode l : letters(a, "open")) {
        assertThat(
                support
                    .delete(
                        "/api/v1/dead-letters/"
                            + l.get("id").asText()
                            + "?reason="
                            + Api.q("test letters"))
                    .status())
            .isEqualTo(200);
      }
    }
    accept(template);
  }
}
