package at.telco.hub.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.Json;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With 100,000 open dead letters in the index, finding one by business key, paging, the summary and
 * sizing a bulk replay by reason stay fast (index lookups, never a queue browse). The rows are
 * written straight into the index (no queue messages) and removed afterwards.
 */
class DeadLetterScaleIT {

  static TestServers servers;
  static Api viewer;
  static Api support;

  @BeforeAll
  static void fill() {
    servers = TestServers.get();
    int port = Api.port(SharedHub.get());
    viewer = Api.as(port, Api.VIEWER);
    support = Api.as(port, Api.SUPPORT);
    servers.execute(
        "hub",
        """
        INSERT INTO hub.dead_letter (id, target, reason, attempts, first_failed_at, last_failed_at,
          customer_id, crm_account_id, msisdn, entity_version, body, original_body, message_id)
        SELECT gen_random_uuid(), CASE WHEN n % 2 = 0 THEN 'billing' ELSE 'customerdb' END,
          CASE WHEN n % 10 = 0 THEN 'scale test: rule ' || (n % 7) ELSE 'scale test: target refused' END,
          4, now() - (n || ' seconds')::interval, now() - (n || ' seconds')::interval,
          gen_random_uuid(), 'ACC-T24-' || lpad(n::text, 6, '0'),
          '+43664' || lpad(n::text, 7, '0'), '1:1:', '{}', '{}', gen_random_uuid()::text
        FROM generate_series(1, 100000) AS n
        """,
        "ANALYZE hub.dead_letter");
  }

  @AfterAll
  static void clean() {
    servers.execute("hub", "DELETE FROM hub.dead_letter WHERE crm_account_id LIKE 'ACC-T24-%'");
  }

  static <T> T timed(String what, long maxMillis, Supplier<T> call) {
    call.get(); // warm
    long started = System.nanoTime();
    T result = call.get();
    double ms = (System.nanoTime() - started) / 1e6;
    System.out.printf("with 100,000 dead letters: %s in %.1f ms%n", what, ms);
    assertThat(ms).as(what).isLessThan(maxMillis);
    return result;
  }

  @Test
  void searchesStayFastWithOneHundredThousandDeadLetters() {
    JsonNode byAccount =
        timed(
            "search by CRM account",
            500,
            () -> viewer.get("/api/v1/dead-letters?businessKey=ACC-T24-054321").json());
    assertThat(byAccount.get("items")).hasSize(1);
    JsonNode byMsisdn =
        timed(
            "search by MSISDN",
            500,
            () -> viewer.get("/api/v1/dead-letters?businessKey=%2B436640054321").json());
    assertThat(byMsisdn.get("items")).hasSize(1);
    String customerId = byAccount.get("items").get(0).get("customerId").asText();
    assertThat(
            timed(
                    "search by customer id",
                    500,
                    () -> viewer.get("/api/v1/dead-letters?businessKey=" + customerId).json())
                .get("items"))
        .hasSize(1);

    JsonNode first =
        timed(
            "first page of open billing dead letters",
            500,
            () -> viewer.get("/api/v1/dead-letters?target=billing&limit=100").json());
    assertThat(first.get("items")).hasSize(100);
    String cursor = first.get("nextCursor").asText();
    JsonNode second =
        timed(
            "next page by cursor",
            500,
            () ->
                viewer
                    .get("/api/v1/dead-letters?target=billing&limit=100&cursor=" + cursor)
                    .json());
    assertThat(second.get("items").get(0).get("lastFailedAt").asText())
        .isLessThanOrEqualTo(first.get("items").get(99).get("lastFailedAt").asText());

    JsonNode summary =
        timed("summary", 1000, () -> viewer.get("/api/v1/dead-letters/summary").json());
    assertThat(summary.get("open").asInt()).isGreaterThanOrEqualTo(100_000);

    ObjectNode request = Json.object();
    request.put("reason", "scale test: rule 3");
    request.put("dryRun", true);
    JsonNode dry =
        timed(
            "dry run of a bulk replay by reason",
            2000,
            () -> support.post("/api/v1/dead-letters/replay", Json.write(request)).json());
    assertThat(dry.get("wouldReplay").asInt()).isEqualTo(10_000 / 7 + 1);
  }
}
