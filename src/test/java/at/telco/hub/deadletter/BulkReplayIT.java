package at.telco.hub.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.DeadLetterFactory;
import at.telco.hub.testing.Probes;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bulk replay by filter: a dry run, 10,000 dead letters replayed in bounded batches with progress
 * and rate (each once, each removed from its queue), and a job stopped between two batches.
 */
class BulkReplayIT {

  static TestServers servers;
  static DataSource hub;
  static int port;
  static Api support;

  @BeforeAll
  static void start() {
    servers = TestServers.get();
    port = Api.port(SharedHub.get());
    hub = servers.owner("hub");
    support = Api.as(port, Api.SUPPORT);
  }

  static long count(DataSource ds, String sql) {
    return (Long) Crm.row(ds, sql).get("n");
  }

  static JsonNode awaitJob(String id, Duration atMost) {
    AtomicReference<JsonNode> job = new AtomicReference<>();
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              job.set(support.get("/api/v1/replay-jobs/" + id).json());
              return !job.get().get("state").asText().equals("RUNNING");
            });
    return job.get();
  }

  @Test
  void tenThousandDeadLettersAreReplayedInBatchesWithProgressAndRate() throws Exception {
    int n = 10_000;
    long made = System.nanoTime();
    DeadLetterFactory.deadLetters("ACC-T21-B", n, "bulk test: billing maintenance window");
    System.out.printf(
        "made %,d dead letters through the dead-letter route in %.1f s%n",
        n, (System.nanoTime() - made) / 1e9);
    assertThat(
            count(
                hub,
                "SELECT count(*) AS n FROM hub.dead_letter WHERE crm_account_id LIKE 'ACC-T21-B%' AND status = 'QUEUED'"))
        .isEqualTo(n);

    // search by business key stays an index lookup with this many
    long searched = System.nanoTime();
    JsonNode one = support.get("/api/v1/dead-letters?businessKey=ACC-T21-B04711").json();
    System.out.printf(
        "search by business key among %,d dead letters: %.1f ms%n",
        n, (System.nanoTime() - searched) / 1e6);
    assertThat(one.get("items")).hasSize(1);

    ObjectNode request = Json.object();
    request.put("target", "billing");
    request.put("reason", "bulk test: billing maintenance");
    request.put("dryRun", true);
    long dryStarted = System.nanoTime();
    Api.Answer dry = support.post("/api/v1/dead-letters/replay", Json.write(request));
    System.out.printf(
        "dry run of a bulk replay over %,d dead letters: answered %d in %.1f ms%n",
        n, dry.status(), (System.nanoTime() - dryStarted) / 1e6);
    assertThat(dry.status()).as(dry.body()).isEqualTo(200);
    assertThat(dry.json().get("wouldReplay").asInt()).isEqualTo(n);
    assertThat(dry.json().get("byTarget").get("billing").asInt()).isEqualTo(n);
    assertThat(dry.json().get("sampleIds")).hasSize(20);
    // a dry run changes nothing
    assertThat(
            count(
                servers.owner("billing"),
                "SELECT count(*) AS n FROM billing.customer WHERE crm_account_id LIKE 'ACC-T21-B%'"))
        .isZero();

    request.put("dryRun", false);
    request.put("batchSize", 500);
    Api.Answer started = support.post("/api/v1/dead-letters/replay", Json.write(request));
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    assertThat(started.header("Location")).startsWith("/api/v1/replay-jobs/");
    String id = started.json().get("id").asText();
    assertThat(started.json().get("total").asInt()).isEqualTo(n);

    JsonNode job = awaitJob(id, Duration.ofMinutes(8));
    System.out.printf(
        "bulk replay of %,d dead letters: %s in %.1f s, %.1f dead letters per second"
            + " (%d applied, %d skipped, %d failed)%n",
        n,
        job.get("state").asText(),
        job.get("elapsedSeconds").asDouble(),
        job.get("ratePerSecond").asDouble(),
        job.get("applied").asInt(),
        job.get("skipped").asInt(),
        job.get("failed").asInt());
    assertThat(job.get("state").asText()).isEqualTo("FINISHED");
    assertThat(job.get("done").asInt()).isEqualTo(n);
    assertThat(job.get("applied").asInt()).isEqualTo(n);
    assertThat(job.get("failed").asInt()).isZero();
    // each applied exactly once, each recorded, each audited, each gone from its queue
    assertThat(
            count(
                servers.owner("billing"),
                "SELECT count(*) AS n FROM billing.customer WHERE crm_account_id LIKE 'ACC-T21-B%'"))
        .isEqualTo(n);
    assertThat(Probes.writes(servers, "billing", "ACC-T21-B%")).isEqualTo(n);
    assertThat(
            count(
                hub,
                "SELECT count(*) AS n FROM hub.dead_letter WHERE crm_account_id LIKE 'ACC-T21-B%' AND status = 'REPLAYED'"))
        .isEqualTo(n);
    assertThat(count(hub, "SELECT count(*) AS n FROM hub.audit_entry WHERE job_id = '" + id + "'"))
        .isEqualTo(n);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Queues.browse("DLQ.billing", "hubReason LIKE 'bulk test:%'").isEmpty());
  }

  @Test
  void aBulkReplayStopsBetweenTwoBatchesAndLeavesTheRestQueued() throws Exception {
    int n = 600;
    DeadLetterFactory.deadLetters("ACC-T21-S", n, "stop test: billing maintenance window");
    ObjectNode request = Json.object();
    request.put("reason", "stop test:");
    request.put("batchSize", 5);
    Api.Answer started = support.post("/api/v1/dead-letters/replay", Json.write(request));
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().get("id").asText();
    Api.Answer stop = support.post("/api/v1/replay-jobs/" + id + "/stop", null);
    assertThat(stop.status()).isEqualTo(200);
    assertThat(stop.json().get("stopRequestedBy").asText()).isEqualTo(Api.SUPPORT);
    JsonNode job = awaitJob(id, Duration.ofSeconds(60));
    assertThat(job.get("state").asText()).isEqualTo("STOPPED");
    int done = job.get("done").asInt();
    assertThat(done).isLessThan(n);
    assertThat(
            count(
                hub,
                "SELECT count(*) AS n FROM hub.dead_letter WHERE crm_account_id LIKE 'ACC-T21-S%' AND status = 'QUEUED'"))
        .isEqualTo(n - done);
    // a viewer may not start one
    assertThat(
            Api.as(port, Api.VIEWER)
                .post("/api/v1/dead-letters/replay", Json.write(request))
                .status())
        .isEqualTo(403);
    // bounded batch size
    request.put("batchSize", 5000);
    assertThat(support.post("/api/v1/dead-letters/replay", Json.write(request)).status())
        .isEqualTo(400);
  }
}
