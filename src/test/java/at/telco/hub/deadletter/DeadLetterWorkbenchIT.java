package at.telco.hub.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.Probes;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Support's work on dead letters through the management API, against the real flow: find one by
 * business key, read it, replay it (as it is, edited, stale, already applied, failing again),
 * resync it from the master, discard it; every action audited, the queue message removed only when
 * the outcome is recorded.
 */
class DeadLetterWorkbenchIT {

  static TestServers servers;
  static Crm crm;
  static DataSource billing;
  static DataSource hub;
  static int port;
  static Api support;
  static Api viewer;

  @BeforeAll
  static void start() {
    servers = TestServers.get();
    port = Api.port(SharedHub.get());
    crm = new Crm(servers);
    billing = servers.owner("billing");
    hub = servers.owner("hub");
    support = Api.as(port, Api.SUPPORT);
    viewer = Api.as(port, Api.VIEWER);
    // billing refuses the accounts listed here (a test-only stand-in for a billing-side rule)
    servers.execute(
        "billing",
        "CREATE TABLE public.hub_test_refused (account_id text PRIMARY KEY)",
        """
        CREATE FUNCTION public.hub_test_refuse() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM public.hub_test_refused WHERE account_id = NEW.crm_account_id) THEN
            RAISE EXCEPTION 'billing refuses customer: credit check pending' USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END $$""",
        "CREATE TRIGGER hub_test_refuse BEFORE INSERT OR UPDATE ON billing.customer FOR EACH ROW"
            + " EXECUTE FUNCTION public.hub_test_refuse()");
  }

  @AfterAll
  static void removeFault() {
    servers.execute(
        "billing",
        "DROP TRIGGER hub_test_refuse ON billing.customer",
        "DROP FUNCTION public.hub_test_refuse()",
        "DROP TABLE public.hub_test_refused");
  }

  /**
   * A B2C customer created in one CRM transaction: one canonical event, so the test's dead letter
   * is the only version of the record (no second version still in redelivery).
   */
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

  static void refuse(String account) {
    servers.execute("billing", "INSERT INTO public.hub_test_refused VALUES ('" + account + "')");
  }

  static void accept(String account) {
    servers.execute(
        "billing", "DELETE FROM public.hub_test_refused WHERE account_id = '" + account + "'");
  }

  /** Waits until the account has an open dead letter in the target, found by business key. */
  static JsonNode deadLetterOf(String target, String account) {
    AtomicReference<JsonNode> found = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonNode items =
                  support
                      .get("/api/v1/dead-letters?target=" + target + "&businessKey=" + account)
                      .json()
                      .get("items");
              if (items.isEmpty()) {
                return false;
              }
              found.set(items.get(0));
              return true;
            });
    return found.get();
  }

  static JsonNode detail(Api api, String id) {
    Api.Answer a = api.get("/api/v1/dead-letters/" + id);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json();
  }

  static Map<String, Object> billingCustomer(String account) {
    return Crm.row(billing, "SELECT * FROM billing.customer WHERE crm_account_id = ?", account);
  }

  static long billingWrites(String account) {
    return Probes.writes(servers, "billing", account);
  }

  static void awaitQueued(String target, String id, int messages) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Queues.ofDeadLetter(target, id).size() == messages);
  }

  @Test
  void aDeadLetterIsFoundByBusinessKeyReadInFullReplayedOnceAndAudited() {
    String account = "ACC-T20-R0001";
    refuse(account);
    person(account, "Theresa", "Gruber");
    JsonNode summary = deadLetterOf("billing", account);
    String id = summary.get("id").asText();
    assertThat(summary.get("status").asText()).isEqualTo("QUEUED");
    assertThat(summary.get("reason").asText()).contains("credit check pending");
    assertThat(summary.get("record").get("open").asInt()).isEqualTo(1);
    // by customer id too
    String customerId = summary.get("customerId").asText();
    assertThat(support.get("/api/v1/dead-letters?businessKey=" + customerId).json().get("items"))
        .extracting(n -> n.get("id").asText())
        .containsExactly(id);

    JsonNode full = detail(support, id);
    assertThat(full.get("body").asText()).contains(account);
    assertThat(full.get("headers").get("hubReason").asText()).contains("credit check");
    assertThat(full.get("failureHistory")).hasSize(1);
    // a viewer sees everything but the body (personal data)
    JsonNode forViewer = detail(viewer, id);
    assertThat(forViewer.get("bodyVisible").asBoolean()).isFalse();
    assertThat(forViewer.has("body")).isFalse();
    assertThat(forViewer.get("failureHistory")).hasSize(1);
    awaitQueued("billing", id, 1);

    accept(account);
    Api.Answer replay = support.post("/api/v1/dead-letters/" + id + "/replay", null);
    assertThat(replay.status()).as(replay.body()).isEqualTo(200);
    assertThat(replay.json().get("outcome").asText()).isEqualTo("applied");
    assertThat(replay.json().get("status").asText()).isEqualTo("REPLAYED");
    assertThat(billingCustomer(account)).isNotNull();
    long writes = billingWrites(account);
    assertThat(writes).isEqualTo(1);
    // the message left its queue once the outcome was recorded
    awaitQueued("billing", id, 0);

    // an applied dead letter is not applied twice
    Api.Answer again = support.post("/api/v1/dead-letters/" + id + "/replay", null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("detail").asText()).contains("REPLAYED");
    assertThat(billingWrites(account)).isEqualTo(writes);

    JsonNode audit = support.get("/api/v1/dead-letters/" + id + "/audit").json().get("items");
    assertThat(audit).hasSize(1);
    JsonNode entry = audit.get(0);
    assertThat(entry.get("actor").asText()).isEqualTo(Api.SUPPORT);
    assertThat(entry.get("action").asText()).isEqualTo("replay");
    assertThat(entry.get("outcome").asText()).isEqualTo("applied");
    assertThat(entry.get("beforeSha256").asText())
        .hasSize(64)
        .isEqualTo(entry.get("afterSha256").asText());
    assertThat(detail(support, id).get("resolvedBy").asText()).isEqualTo(Api.SUPPORT);
    assertThat(
            Http.get("http://127.0.0.1:" + SharedHub.get().managementPort() + "/observe/metrics")
                .body())
        .containsPattern(
            "hub_dead_letter_actions_total\\{[^}]*action=\"replay\"[^}]*outcome=\"applied\"");
    // and it is no longer open
    assertThat(support.get("/api/v1/dead-letters?businessKey=" + account).json().get("items"))
        .isEmpty();
    assertThat(
            support
                .get("/api/v1/dead-letters?status=all&businessKey=" + account)
                .json()
                .get("items"))
        .hasSize(1);
  }

  @Test
  void theReplayOfAStaleDeadLetterIsReportedAsStaleAndNotApplied() {
    String account = "ACC-T20-S0001";
    refuse(account);
    person(account, "Lukas", "Huber");
    String id = deadLetterOf("billing", account).get("id").asText();
    accept(account);
    // the master changes again: the newer version reaches billing through the normal flow
    crm.update("UPDATE crm.account SET name = 'Lukas Huber-Berger' WHERE account_id = ?", account);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                billingCustomer(account) != null
                    && "Lukas Huber-Berger".equals(billingCustomer(account).get("name_line1")));
    // the dead letter is marked superseded by the newer version
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> detail(support, id).get("status").asText().equals("SUPERSEDED"));
    long writes = billingWrites(account);

    Api.Answer replay = support.post("/api/v1/dead-letters/" + id + "/replay", null);
    assertThat(replay.status()).as(replay.body()).isEqualTo(200);
    assertThat(replay.json().get("outcome").asText()).isEqualTo("skipped-stale");
    assertThat(billingWrites(account)).isEqualTo(writes);
    assertThat(billingCustomer(account).get("name_line1")).isEqualTo("Lukas Huber-Berger");
    assertThat(detail(support, id).get("resolution").asText()).isEqualTo("skipped-stale");
  }

  @Test
  void aReplayThatFailsAgainKeepsTheDeadLetterWithTheNewError() {
    String account = "ACC-T20-F0001";
    refuse(account);
    person(account, "Anna", "Wagner");
    JsonNode before = deadLetterOf("billing", account);
    String id = before.get("id").asText();
    awaitQueued("billing", id, 1);
    String firstMessage = detail(support, id).get("messageId").asText();

    Api.Answer replay = support.post("/api/v1/dead-letters/" + id + "/replay", null);
    assertThat(replay.status()).as(replay.body()).isEqualTo(200);
    assertThat(replay.json().get("outcome").asText()).isEqualTo("failed");
    assertThat(replay.json().get("reason").asText()).contains("credit check pending");
    assertThat(replay.json().get("status").asText()).isEqualTo("QUEUED");

    JsonNode after = detail(support, id);
    assertThat(after.get("status").asText()).isEqualTo("QUEUED");
    assertThat(after.get("failureHistory")).hasSize(2);
    assertThat(after.get("failureHistory").get(1).get("replayedBy").asText())
        .isEqualTo(Api.SUPPORT);
    assertThat(after.get("firstFailedAt").asText()).isEqualTo(before.get("firstFailedAt").asText());
    String newMessage = after.get("messageId").asText();
    assertThat(newMessage).isNotEqualTo(firstMessage);
    // nothing lost: exactly one message of this dead letter is on the queue, the new one
    awaitQueued("billing", id, 1);
    assertThat(Queues.browse("DLQ.billing", "hubMessageId = '" + newMessage + "'")).hasSize(1);
    assertThat(billingCustomer(account)).isNull();
    JsonNode audit = support.get("/api/v1/dead-letters/" + id + "/audit").json().get("items");
    assertThat(audit.get(0).get("outcome").asText()).isEqualTo("failed");
  }

  @Test
  void anEditedBodyThatFailsValidationIsRejectedWithTheFieldNamed() {
    String account = "ACC-T20-V0001";
    refuse(account);
    person(account, "Sarah", "Bauer");
    String id = deadLetterOf("billing", account).get("id").asText();
    ObjectNode body = (ObjectNode) Json.parse(detail(support, id).get("body").asText());
    ((ObjectNode) body.get("data")).put("status", "ACTIV");
    body.put("subject", "ACC-T20-V9999");
    ObjectNode request = Json.object();
    request.set("body", body);

    Api.Answer a = support.post("/api/v1/dead-letters/" + id + "/replay", Json.write(request));
    assertThat(a.status()).as(a.body()).isEqualTo(400);
    List<String> problems = new java.util.ArrayList<>();
    a.json().get("problems").forEach(p -> problems.add(p.asText()));
    assertThat(problems).anyMatch(p -> p.startsWith("$.data.status"));
    assertThat(problems).anyMatch(p -> p.startsWith("$.subject"));
    assertThat(a.body()).doesNotContain("Bauer");
    // nothing happened to the dead letter
    JsonNode after = detail(support, id);
    assertThat(after.get("status").asText()).isEqualTo("QUEUED");
    assertThat(after.get("edited").asBoolean()).isFalse();
    assertThat(support.get("/api/v1/dead-letters/" + id + "/audit").json().get("items")).isEmpty();
  }

  /**
   * A dead letter whose stored body is not a canonical event (not JSON) gives an edit nothing to
   * hold the identifying fields to: the edited replay is refused, not replayed as whatever change
   * of whichever customer the edit says.
   */
  @Test
  void anEditedReplayOfADeadLetterWhoseStoredBodyIsNotJsonIsRefused() throws Exception {
    String account = "ACC-T20-N0001";
    refuse(account);
    person(account, "Sarah", "Bauer");
    String id = deadLetterOf("billing", account).get("id").asText();
    ObjectNode body = (ObjectNode) Json.parse(detail(support, id).get("body").asText());
    body.put("subject", "ACC-T20-N9999");
    try (java.sql.Connection c = hub.getConnection();
        java.sql.PreparedStatement ps =
            c.prepareStatement("UPDATE hub.dead_letter SET body = ? WHERE id = ?::uuid")) {
      ps.setString(1, "<customer account=\"" + account + "\"/>");
      ps.setString(2, id);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    accept(account);
    ObjectNode request = Json.object();
    request.set("body", body);

    Api.Answer a = support.post("/api/v1/dead-letters/" + id + "/replay", Json.write(request));
    assertThat(a.status()).as(a.body()).isEqualTo(400);
    assertThat(a.body()).contains("cannot be checked").doesNotContain("Bauer");
    // nothing happened: still open, its stored body as it was, nothing written to billing
    JsonNode after = detail(support, id);
    assertThat(after.get("status").asText()).isEqualTo("QUEUED");
    assertThat(after.get("body").asText()).isEqualTo("<customer account=\"" + account + "\"/>");
    assertThat(billingCustomer("ACC-T20-N9999")).isNull();
  }

  @Test
  void anEditedBodyIsReplayedAndTheChangeIsShown() {
    String account = "ACC-T20-E0001";
    String longName =
        "Internationale Gesellschaft für angewandte Datenverarbeitung, Netzwerkplanung,"
            + " Systemintegration und Telekommunikationsdienstleistungen Mitteleuropa GmbH";
    crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, status) VALUES (?, 'B2B', ?,"
            + " 'ACTIVE')",
        account,
        longName);
    crm.contact(account + "-C1", account, true, "Petra", "Novák", "petra@example.at", null);
    crm.address(account + "-A1", account, "BILLING", "Hauptstraße", "1", "1010", "Wien");
    String id = deadLetterOf("billing", account).get("id").asText();
    ObjectNode body = (ObjectNode) Json.parse(detail(support, id).get("body").asText());
    ((ObjectNode) body.get("data")).put("name", "IGAD Netzwerkplanung GmbH");
    ObjectNode request = Json.object();
    request.set("body", body);

    Api.Answer a = support.post("/api/v1/dead-letters/" + id + "/replay", Json.write(request));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.json().get("outcome").asText()).isEqualTo("applied");
    assertThat(billingCustomer(account).get("name_line1")).isEqualTo("IGAD Netzwerkplanung GmbH");

    JsonNode after = detail(support, id);
    assertThat(after.get("edited").asBoolean()).isTrue();
    assertThat(after.get("changes")).hasSize(1);
    assertThat(after.get("changes").get(0).get("path").asText()).isEqualTo("$.data.name");
    assertThat(after.get("changes").get(0).get("after").asText())
        .isEqualTo("IGAD Netzwerkplanung GmbH");
    JsonNode entry = after.get("audit").get(0);
    assertThat(entry.get("action").asText()).isEqualTo("replay-edited");
    assertThat(entry.get("beforeSha256").asText()).isNotEqualTo(entry.get("afterSha256").asText());
    assertThat(entry.get("afterSha256").asText()).isEqualTo(after.get("bodySha256").asText());
  }

  @Test
  void theReplayOfAChangeTheTargetAlreadyHasWritesNothing() {
    String account = "ACC-T20-D0001";
    refuse(account);
    person(account, "Jakob", "Steiner");
    String id = deadLetterOf("billing", account).get("id").asText();
    String body = detail(support, id).get("body").asText();
    // the same change reaches billing by another way (e.g. a second dead letter replayed first)
    accept(account);
    ObjectNode request = Json.object();
    request.set("body", Json.parse(body));
    String first = id;
    Api.Answer applied = support.post("/api/v1/dead-letters/" + first + "/replay", null);
    assertThat(applied.json().get("outcome").asText()).isEqualTo("applied");
    long writes = billingWrites(account);
    // a copy of the very same change, dead-lettered again, is skipped as a duplicate
    SharedHub.get()
        .context()
        .createProducerTemplate()
        .send(
            "direct:dead-letter",
            e -> {
              e.getMessage().setBody(body);
              e.setProperty("hubTarget", "billing");
              e.setProperty(
                  org.apache.camel.Exchange.EXCEPTION_CAUGHT,
                  new IllegalStateException("copy for the test"));
            });
    String copy =
        support
            .get("/api/v1/dead-letters?target=billing&reason=copy+for+the+test")
            .json()
            .get("items")
            .get(0)
            .get("id")
            .asText();
    Api.Answer dup = support.post("/api/v1/dead-letters/" + copy + "/replay", null);
    assertThat(dup.json().get("outcome").asText()).isEqualTo("skipped-duplicate");
    assertThat(billingWrites(account)).isEqualTo(writes);
  }

  @Test
  void aDiscardNeedsAReasonAndIsAudited() {
    String account = "ACC-T20-X0001";
    refuse(account);
    person(account, "Emma", "Hofer");
    String id = deadLetterOf("billing", account).get("id").asText();
    awaitQueued("billing", id, 1);
    assertThat(support.delete("/api/v1/dead-letters/" + id).status()).isEqualTo(400);
    assertThat(viewer.delete("/api/v1/dead-letters/" + id + "?reason=nope").status())
        .isEqualTo(403);
    Api.Answer a =
        support.delete("/api/v1/dead-letters/" + id + "?reason=" + Api.q("test account, closed"));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.json().get("status").asText()).isEqualTo("DISCARDED");
    awaitQueued("billing", id, 0);
    JsonNode entry =
        support.get("/api/v1/dead-letters/" + id + "/audit").json().get("items").get(0);
    assertThat(entry.get("action").asText()).isEqualTo("discard");
    assertThat(entry.get("detail").asText()).isEqualTo("test account, closed");
    assertThat(support.delete("/api/v1/dead-letters/" + id + "?reason=again").status())
        .isEqualTo(409);
    accept(account);
  }

  @Test
  void aSourceRecordIsResyncedFromTheMasterOnceItIsCorrected() {
    String account = "ACC-T20-C0001";
    crm.inOneTransaction(
        "INSERT INTO crm.account (account_id, account_type, name, status) VALUES ('"
            + account
            + "', 'B2C', 'Ivana Horvat', 'ACTIVE')",
        "INSERT INTO crm.contact (contact_id, account_id, is_primary, last_name, language)"
            + " VALUES ('"
            + account
            + "-C1', '"
            + account
            + "', true, 'Horvat', '1x')");
    String id = deadLetterOf("canonical-customer", account).get("id").asText();
    // replay is not the fix for a source record
    assertThat(support.post("/api/v1/dead-letters/" + id + "/replay", null).status())
        .isEqualTo(409);
    // a resync while the master is still wrong fails again and keeps it, with the new reason
    Api.Answer still = support.post("/api/v1/dead-letters/" + id + "/resync", null);
    assertThat(still.status()).as(still.body()).isEqualTo(200);
    assertThat(still.json().get("outcome").asText()).isEqualTo("failed");
    assertThat(detail(support, id).get("failureHistory")).hasSize(2);
    awaitQueued("canonical-customer", id, 1);

    crm.update("UPDATE crm.contact SET language = 'hr' WHERE contact_id = ?", account + "-C1");
    Api.Answer fixed = support.post("/api/v1/dead-letters/" + id + "/resync", null);
    assertThat(fixed.status()).as(fixed.body()).isEqualTo(200);
    assertThat(fixed.json().get("outcome").asText()).isEqualTo("published");
    assertThat(fixed.json().get("status").asText()).isEqualTo("RESOLVED");
    awaitQueued("canonical-customer", id, 0);
    // the corrected record went to every target (customerdb; billing takes no account without
    // an address)
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Crm.row(
                        servers.owner("customerdb"),
                        "SELECT 1 FROM customerdb.customer WHERE crm_account_id = ?",
                        account)
                    != null);
  }

  @Test
  void aTargetDeadLetterIsResyncedFromTheMaster() {
    String account = "ACC-T20-Y0001";
    refuse(account);
    person(account, "Valentina", "Pichler");
    JsonNode dl = deadLetterOf("billing", account);
    String id = dl.get("id").asText();
    accept(account);
    Api.Answer resync = support.post("/api/v1/dead-letters/" + id + "/resync", null);
    assertThat(resync.status()).as(resync.body()).isEqualTo(200);
    assertThat(resync.json().get("outcome").asText()).isEqualTo("applied");
    assertThat(resync.json().get("status").asText()).isEqualTo("RESOLVED");
    assertThat(billingCustomer(account)).isNotNull();
    JsonNode after = detail(support, id);
    assertThat(after.get("resolution").asText()).isEqualTo("resynced: applied");
    JsonNode entry = after.get("audit").get(0);
    assertThat(entry.get("action").asText()).isEqualTo("resync");
    // the current state was read again: a newer version than the dead letter's
    assertThat(entry.get("afterSha256").asText()).isNotEqualTo(entry.get("beforeSha256").asText());
    awaitQueued("billing", id, 0);
  }

  @Test
  void aReplayInterruptedByACrashIsClaimableAgainAfterTheTimeout() {
    String account = "ACC-T20-K0001";
    refuse(account);
    person(account, "Moritz", "Lang");
    String id = deadLetterOf("billing", account).get("id").asText();
    accept(account);
    // as a hub leaves it when it dies mid-replay: claimed, outcome never recorded, still queued
    servers.execute(
        "hub",
        "UPDATE hub.dead_letter SET status = 'REPLAYING', replay_by = 'operator1',"
            + " replay_started_at = now() WHERE id = '"
            + id
            + "'");
    Api.Answer busy = support.post("/api/v1/dead-letters/" + id + "/replay", null);
    assertThat(busy.status()).isEqualTo(409);
    assertThat(busy.json().get("detail").asText()).contains("being replayed by operator1");
    awaitQueued("billing", id, 1);
    servers.execute(
        "hub",
        "UPDATE hub.dead_letter SET replay_started_at = now() - interval '10 minutes'"
            + " WHERE id = '"
            + id
            + "'");
    Api.Answer again = support.post("/api/v1/dead-letters/" + id + "/replay", null);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().get("outcome").asText()).isEqualTo("applied");
    awaitQueued("billing", id, 0);
  }
}
