package at.telco.hub.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.testing.ChildHub;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The jar with {@code HUB_LOG_FORMAT=json}: every line on stdout is one JSON object; the line about
 * a dead letter carries the route, the target, the correlation id and the business key as a keyed
 * hash, and neither the key nor the customer's name appears anywhere in the log.
 */
class JsonLogsIT {

  @Test
  void jsonLinesCarryRouteTargetCorrelationIdAndHashedKeyButNoPersonalData() throws Exception {
    TestServers servers = TestServers.get();
    SharedHub.stop(); // this hub polls the CRM alone
    Properties p = servers.hubProperties();
    try (ChildHub hub = ChildHub.start("json-logs", p, Map.of("HUB_LOG_FORMAT", "json"))) {
      int port = Integer.parseInt(p.getProperty("camel.management.port"));
      await().atMost(Duration.ofSeconds(90)).until(() -> Http.ready(port));

      // a name billing cannot take (more than two lines of 60): dead-lettered at once
      String account = "ACC-O02-0001";
      String name =
          "Gemeinnützige Privatstiftung zur Förderung der Telekommunikationsinfrastruktur im"
              + " ländlichen Raum Niederösterreichs und des nördlichen Burgenlandes Zwettl";
      Crm crm = new Crm(servers);
      crm.update(
          "INSERT INTO crm.account (account_id, account_type, name, status) VALUES (?, 'B2B', ?,"
              + " 'ACTIVE')",
          account,
          name);
      crm.contact(account + "-C1", account, true, "Theresia", "Pichler", "tp@example.at", null);
      crm.address(account + "-A1", account, "BILLING", "Hauptplatz", "4", "3910", "Zwettl");

      // the secret the embedded servers keep in their data directory (hub.log.key-hash-secret-file)
      String secret = KeyHash.secretInFile(servers.directory().resolve("log-key-hash.secret"));
      String hash = KeyHash.of(secret).hash(account);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> hub.log().contains("name is " + name.length() + " characters"));
      List<JsonNode> lines = new ArrayList<>();
      for (String line : hub.log().split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        assertThat(line).as("a JSON line").startsWith("{");
        lines.add(Json.parse(line));
      }
      JsonNode deadLetter =
          lines.stream()
              .filter(
                  l ->
                      l.path("message").asText().startsWith("dead letter ")
                          && l.path("message").asText().contains(" on billing from route ")
                          && l.path("message")
                              .asText()
                              .contains("name is " + name.length() + " characters"))
              .findFirst()
              .orElseThrow();
      System.out.println("dead-letter log line: " + deadLetter);
      assertThat(deadLetter.path("level").asText()).isEqualTo("WARN");
      assertThat(deadLetter.path("route").asText()).isEqualTo("dead-letter");
      assertThat(deadLetter.path("message").asText()).contains("from route sink-one");
      assertThat(deadLetter.path("target").asText()).isEqualTo("billing");
      assertThat(deadLetter.path("correlationId").asText()).isNotBlank();
      assertThat(deadLetter.path("keyHash").asText()).isEqualTo(hash);
      assertThat(deadLetter.path("@timestamp").asText()).isNotBlank();

      String log = hub.log();
      assertThat(log).doesNotContain(account).doesNotContain("Pichler").doesNotContain("Zwettl");
    }
  }

  @Test
  void databaseErrorsCarryNoValuesOfTheFailingRow() throws Exception {
    // the hub's own connection pool, as a target writer uses it
    javax.sql.DataSource billing =
        SharedHub.get().bean("billingDataSource", javax.sql.DataSource.class);
    try (var c = billing.getConnection();
        var ps =
            c.prepareStatement(
                "INSERT INTO billing.customer (crm_account_id, cust_type, name_line1, street_line,"
                    + " zip, city, country_iso3) VALUES ('ACC-O02-0002', 'X', 'Rosalinde Mayerhofer',"
                    + " 'Kärntner Straße 1', '1010', 'Wien', 'AUT')")) {
      ps.executeUpdate();
      org.assertj.core.api.Assertions.fail("the check constraint should refuse cust_type X");
    } catch (java.sql.SQLException e) {
      System.out.println("database error as logged: " + e);
      assertThat(e.getSQLState()).isEqualTo("23514");
      assertThat(e.toString()).doesNotContain("Mayerhofer").doesNotContain("Kärntner");
    }
  }
}
