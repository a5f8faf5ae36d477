package at.telco.hub.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Installation;
import at.telco.hub.testing.Scrape;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Integration engineers extend the hub with files of the installation, not Java: on the unpacked
 * distribution, with nothing compiled for it, (a) a column a DBA added to customerdb is filled from
 * the CRM and compared by reconciliation, after the mapping, the sink declaration and its contract
 * are edited; (b) a fourth target system, a database of its own, is added with a declaration and a
 * mapping: it receives customers, its bad records go to {@code DLQ.selfcare} and are found and
 * replayed through the API, and its lag, dead-letter depth and latency are on {@code
 * /observe/metrics}.
 */
class DeclaredTargetsIT {

  static TestServers servers;
  static Crm crm;
  static Installation hub;

  @BeforeAll
  static void installation() throws Exception {
    servers = TestServers.get();
    crm = new Crm(servers);
    SharedHub.stop(); // this installation alone takes the CRM's changes
    hub = Installation.unpack(servers, "o09");
  }

  @AfterAll
  static void stop() throws Exception {
    if (hub != null) {
      hub.stop();
      hub.close();
    }
    servers.execute(
        "customerdb", "ALTER TABLE customerdb.customer DROP COLUMN IF EXISTS salutation");
  }

  @Test
  void aColumnAndATargetSystemAreAddedWithFilesOnly() throws Exception {
    // (a) a DBA adds a column customerdb does not have yet
    servers.execute(
        "customerdb", "ALTER TABLE customerdb.customer ADD COLUMN salutation varchar(20)");
    hub.edit(
        "transformers/canonical-customer-to-customerdb.jslt",
        "\"customer_id\": .id,",
        "\"customer_id\": .id,\n    \"salutation\": .engagedParty.title,");
    hub.edit(
        "sinks/customerdb.yaml",
        "columns: [crm_account_id, party_type,",
        "columns: [salutation, crm_account_id, party_type,");
    hub.edit(
        "sinks/customerdb.yaml",
        "      crm_account_id: {\"type\": \"string\"",
        "      salutation: {\"type\": \"string\", \"length\": 10, \"nulls\": true, \"write\": true}\n"
            + "      crm_account_id: {\"type\": \"string\"");

    // (b) a fourth target: the self-care portal's own database
    servers.execute("postgres", "DROP DATABASE IF EXISTS selfcare", "CREATE DATABASE selfcare");
    servers.execute(
        "selfcare",
        "CREATE SCHEMA selfcare",
        "CREATE TABLE selfcare.user_profile (customer_id uuid PRIMARY KEY, display_name"
            + " varchar(120), email varchar(254), language varchar(5), updated_at timestamptz)",
        "GRANT USAGE ON SCHEMA selfcare TO hub_integration",
        "GRANT SELECT, INSERT, UPDATE ON selfcare.user_profile TO hub_integration");
    hub.write(
        "transformers/canonical-customer-to-selfcare.jslt",
        """
        // canonical customer -> selfcare.user_profile: the portal's name, e-mail and language
        let emails = [for (.contactMedium) .emailAddress
                      if (."@type" == "EmailContactMedium" and .contactType == "PRIMARY")]
        let languages = [for (.engagedParty.languageAbility) .languageCode if (.isFavouriteLanguage)]
        {
          "customer_id": .id,
          "display_name": .name,
          "email": $emails[0],
          "language": if ($languages[0]) bcp47($languages[0]) else null
        }
        """);
    hub.write(
        "sinks/selfcare.yaml",
        """
        # customers into the self-care portal's user profiles
        name: selfcare
        entity: customer
        topic: "{{hub.kafka.topic.customer}}"
        group: o09-hub-selfcare
        database:
          name: selfcare
          jdbcUrl: jdbc:postgresql://127.0.0.1:%d/selfcare
          username: hub_integration
        mapping: canonical-customer-to-selfcare
        reconcile: crm
        tables:
          - name: selfcare.user_profile
            key: customer_id
            columns: [display_name, email, language]
            touch: updated_at
        contract:
          selfcare.user_profile:
            insert: true
            columns:
              customer_id: {"type": "uuid", "write": true}
              display_name: {"type": "string", "length": 120, "nulls": true, "write": true}
              email: {"type": "string", "length": 254, "nulls": true, "write": true}
              language: {"type": "string", "length": 5, "nulls": true, "write": true}
        """
            .formatted(servers.postgresPort()));

    hub.start();
    int port = hub.businessPort();
    assertThat(hub.log()).contains("sink selfcare: o09.hub.kafka.topic.customer");

    // a new CRM account and a changed one carry the primary contact's salutation
    String a = "ACC-O09-0001";
    crm.person(a, "Hanna", "Gruber", "ACTIVE");
    crm.update("UPDATE crm.contact SET salutation = 'Frau' WHERE account_id = ?", a);
    DataSource customerdb = servers.owner("customerdb");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "Frau".equals(column(customerdb, a, "salutation")));
    crm.update("UPDATE crm.contact SET salutation = 'Divers' WHERE account_id = ?", a);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "Divers".equals(column(customerdb, a, "salutation")));

    // ... and reconciliation compares it
    servers.execute(
        "customerdb",
        "UPDATE customerdb.customer SET salutation = 'Herr' WHERE crm_account_id = '" + a + "'");
    Api operator = Api.as(port, Api.OPERATOR);
    JsonNode report = reconcile(operator, "crm->customerdb", a);
    assertThat(report.toString()).contains(a).contains("salutation");

    // the selfcare target receives customers
    DataSource selfcare = servers.owner("selfcare");
    String id = column(customerdb, a, "customer_id");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Map<String, Object> row =
                  Crm.row(
                      selfcare,
                      "SELECT * FROM selfcare.user_profile WHERE customer_id = ?::uuid",
                      id);
              return row != null && "Hanna Gruber".equals(row.get("display_name"));
            });

    // a record selfcare cannot take goes to DLQ.selfcare, with its reason
    String b = "ACC-O09-0002";
    String longName = "Gesellschaft " + "für Datenverarbeitung und Netzwerkplanung ".repeat(4);
    crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, status) VALUES (?, 'B2B', ?,"
            + " 'ACTIVE')",
        b,
        longName);
    crm.contact(b + "-C1", b, true, "Petra", "Novák", "petra@example.at", null);
    Api support = Api.as(port, Api.SUPPORT);
    // (the account and its contact are two CRM changes: when they reach selfcare in two batches,
    // both are dead-lettered, both may carry the contact (each event is the account as read), and
    // only the newer is the record's state: a letter replayed while the newer one is still on its
    // way is rightly refused as stale, and then the newer one is replayed)
    Api.Answer replayed = null;
    String refused = "";
    for (int attempt = 0; attempt < 3; attempt++) {
      String previous = refused;
      JsonNode letter =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> {
                    JsonNode newest = support.awaitDeadLetter("selfcare", b);
                    return support.get("/api/v1/dead-letters/" + newest.path("id").asText()).json();
                  },
                  l ->
                      l.path("body").asText().contains("petra@example.at")
                          && !l.path("id").asText().equals(previous));
      assertThat(letter.path("reason").asText()).containsIgnoringCase("too long");
      // ... and is replayed through the API with the name the portal can hold
      ObjectNode edited = (ObjectNode) Json.parse(letter.path("body").asText());
      ((ObjectNode) edited.path("data")).put("name", "Gesellschaft für Datenverarbeitung");
      ObjectNode request = Json.object();
      request.set("body", edited);
      replayed =
          support.post(
              "/api/v1/dead-letters/" + letter.path("id").asText() + "/replay",
              Json.write(request));
      assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
      if (!replayed.json().path("outcome").asText().equals("skipped-stale")) {
        break;
      }
      refused = letter.path("id").asText();
    }
    assertThat(replayed.json().path("outcome").asText()).isEqualTo("applied");
    String idB = column(customerdb, b, "customer_id");
    assertThat(
            Crm.row(
                    selfcare,
                    "SELECT display_name FROM selfcare.user_profile WHERE customer_id = ?::uuid",
                    idB)
                .get("display_name"))
        .isEqualTo("Gesellschaft für Datenverarbeitung");

    // selfcare has its place in reconciliation: a profile edited behind the hub's back is found
    servers.execute(
        "selfcare",
        "UPDATE selfcare.user_profile SET display_name = 'Edited' WHERE customer_id = '"
            + id
            + "'");
    JsonNode selfcareReport = reconcile(operator, "crm->selfcare", a);
    assertThat(selfcareReport.toString()).contains(a).contains("display_name");

    // its lag, dead-letter depth and latency on /observe/metrics
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Scrape metrics = Scrape.of(hub.managementPort());
              assertThat(metrics.has("hub_consumer_lag_records", "target", "selfcare")).isTrue();
              assertThat(metrics.has("hub_dead_letters_queued", "target", "selfcare")).isTrue();
              assertThat(metrics.has("hub_end_to_end_latency_seconds_count", "target", "selfcare"))
                  .isTrue();
              // applied ones (a replayed letter can add a series of another outcome, e.g. stale)
              assertThat(
                      metrics.value(
                          "hub_target_changes_total", "target", "selfcare", "outcome", "applied"))
                  .isPositive();
              assertThat(
                      metrics.value(
                          "hub_reconciliation_compared", "reconciliation", "crm->selfcare"))
                  .isPositive();
            });
  }

  /**
   * Runs a reconciliation of one pair through the API; its report from {@code key} on (the shared
   * servers hold other tests' records too, and a report comes in pages).
   */
  private static JsonNode reconcile(Api operator, String pair, String key) {
    Api.Answer started =
        operator.post("/api/v1/reconciliations", "{\"pairs\": [\"" + pair + "\"]}");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String job = started.json().path("id").asText();
    JsonNode[] done = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              done[0] = operator.get("/api/v1/consistency-jobs/" + job).json();
              return !"RUNNING".equals(done[0].path("state").asText());
            });
    String run = done[0].path("result").path("id").asText();
    assertThat(run).as(done[0].toString()).isNotEmpty();
    // the records after the key just before this one: this key's first
    String before = key.substring(0, key.length() - 1) + (char) (key.charAt(key.length() - 1) - 1);
    return operator
        .get(
            "/api/v1/reconciliations/"
                + run
                + "?pair="
                + URLEncoder.encode(pair, StandardCharsets.UTF_8)
                + "&limit=10&after="
                + before)
        .json();
  }

  private static String column(DataSource customerdb, String account, String column) {
    Map<String, Object> row =
        Crm.row(
            customerdb,
            "SELECT " + column + "::text AS v FROM customerdb.customer WHERE crm_account_id = ?",
            account);
    return row == null ? null : (String) row.get("v");
  }
}
