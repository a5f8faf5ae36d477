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
import java.util.List;
import java.util.Map;
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

  /**
   * The rate the 10,000 dead letters must beat (they are replayed at 1,000 and more per second on
   * the build machine alone; one exchange per dead letter managed 200-275).
   */
  static final double MIN_RATE = 600;

  static long count(DataSource ds, String sql) {
    return (Long) Crm.row(ds, sql).get("n");
  }

  static String outcome(String job, String deadLetter) {
    return (String)
        Crm.row(
                hub,
                "SELECT i.outcome FROM hub.replay_job_item i WHERE i.job_id = ?::uuid"
                    + " AND i.dead_letter_id = ?::uuid",
                job,
                deadLetter)
            .get("outcome");
  }

  static String deadLetterId(String event) {
    String eventId = Json.text(Json.parse(event), "id");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Crm.row(hub, "SELECT id FROM hub.dead_letter WHERE event_id = ?", eventId) != null);
    return Crm.row(hub, "SELECT id::text AS id FROM hub.dead_letter WHERE event_id = ?", eventId)
        .get("id")
        .toString();
  }

  /** The same change as a newer read of the source (its version {@code ahead} transactions on). */
  static String withVersion(String event, long ahead) {
    ObjectNode e = (ObjectNode) Json.parse(event);
    String version = e.get("entityversion").asText();
    long xmax = Long.parseLong(version.split(":")[1]);
    e.put("entityversion", (xmax + ahead) + ":" + (xmax + ahead) + ":");
    e.put("id", java.util.UUID.randomUUID().toString());
    return Json.write(e);
  }

  /** The same change delivered again (a new event id, the same version). */
  static String withNewId(String event) {
    ObjectNode e = (ObjectNode) Json.parse(event);
    e.put("id", java.util.UUID.randomUUID().toString());
    return Json.write(e);
  }

  static String rename(String event, String name) {
    ObjectNode e = (ObjectNode) Json.parse(event);
    ((ObjectNode) e.get("data")).put("name", name);
    return Json.write(e);
  }

  /** The name billing refused the template's change for (too long for its name lines). */
  static String longName() {
    return Json.text(Json.parse(DeadLetterFactory.template()).get("data"), "name");
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
    // applied in batches through the sink's writer: 10,000 in at most 10 s here (36-50 s, 200-275
    // per second, one exchange per dead letter); the bound asserted leaves room for a machine
    // busy with other work
    assertThat(job.get("ratePerSecond").asDouble())
        .as("dead letters replayed per second")
        .isGreaterThan(MIN_RATE);
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
    assertThat(
            count(
                hub,
                "SELECT count(DISTINCT dead_letter_id) AS n FROM hub.audit_entry WHERE job_id = '"
                    + id
                    + "' AND action = 'replay' AND outcome = 'applied'"))
        .isEqualTo(n);
    assertThat(
            count(
                hub,
                "SELECT count(*) AS n FROM hub.replay_job_item WHERE job_id = '"
                    + id
                    + "' AND outcome = 'applied'"))
        .isEqualTo(n);
    // the entries written a batch at a time are chained one by one, as the trail's trigger does
    // for an entry alone: each its own sequence number, each hash over its predecessor's
    assertThat(
            count(
                hub,
                "SELECT count(DISTINCT (segment_id, seq)) AS n FROM hub.audit_entry WHERE job_id = '"
                    + id
                    + "'"))
        .isEqualTo(n);
    assertThat(
            count(
                hub,
                "SELECT count(*) AS n FROM hub.audit_entry e WHERE e.job_id = '"
                    + id
                    + "' AND (e.hash IS DISTINCT FROM hub.audit_entry_hash(e.prev_hash, e)"
                    + " OR e.prev_hash IS DISTINCT FROM (SELECT p.hash FROM hub.audit_entry p"
                    + " WHERE p.segment_id = e.segment_id AND p.seq = e.seq - 1))"))
        .isZero();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Queues.browse("DLQ.billing", "hubReason LIKE 'bulk test:%'").isEmpty());
  }

  /**
   * One batch, every outcome: of two versions of one record the newer is applied and the older
   * skipped as stale, a second copy of a version is a duplicate, a change billing still refuses
   * goes back to its queue with its reason (one more failure in its history, the new message on the
   * queue, the old one removed); each has its outcome on the job and its own audit entry.
   */
  @Test
  void aBulkReplayGivesEachDeadLetterOfABatchItsOwnOutcome() throws Exception {
    String older = DeadLetterFactory.eventFor("ACC-T21-M00001");
    String newer = withVersion(rename(older, "Netzwerkplanung Neu GmbH"), 1000);
    String twice = DeadLetterFactory.eventFor("ACC-T21-M00002");
    String twiceAgain = withNewId(twice);
    String refused = rename(DeadLetterFactory.eventFor("ACC-T21-M00003"), longName());
    var producer = SharedHub.get().context().createProducerTemplate();
    try {
      for (String event : new String[] {older, newer, twice, twiceAgain, refused}) {
        DeadLetterFactory.deadLetter(producer, event, "mixed test: billing maintenance window");
      }
    } finally {
      producer.stop();
    }
    String olderId = deadLetterId(older);
    String newerId = deadLetterId(newer);
    String twiceId = deadLetterId(twice);
    String twiceAgainId = deadLetterId(twiceAgain);
    String refusedId = deadLetterId(refused);
    String refusedMessage =
        (String)
            Crm.row(hub, "SELECT message_id FROM hub.dead_letter WHERE id = ?::uuid", refusedId)
                .get("message_id");
    // one open dead letter per record and target (issue 23): the older version, and the first of
    // the two copies of one version, were replaced by the later dead letter of their record
    assertThat(
            Crm.row(
                hub,
                "SELECT status, replaced_by::text AS replaced FROM hub.dead_letter WHERE id = ?::uuid",
                olderId))
        .containsEntry("status", "REPLACED")
        .containsEntry("replaced", newerId);
    assertThat(
            Crm.row(
                hub,
                "SELECT status, replaced_by::text AS replaced FROM hub.dead_letter WHERE id = ?::uuid",
                twiceId))
        .containsEntry("status", "REPLACED")
        .containsEntry("replaced", twiceAgainId);

    // the job replays the open ones and, asked for, their history (the replaced ones)
    ObjectNode request = Json.object();
    request.put("reason", "mixed test:");
    request.put("status", "QUEUED,SUPERSEDED,REPLACED");
    request.put("batchSize", 100);
    Api.Answer started = support.post("/api/v1/dead-letters/replay", Json.write(request));
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().get("id").asText();
    JsonNode job = awaitJob(id, Duration.ofSeconds(90));
    assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("FINISHED");
    assertThat(job.get("total").asInt()).isEqualTo(5);
    assertThat(job.get("applied").asInt()).as(job.toString()).isEqualTo(2);
    assertThat(job.get("skipped").asInt()).as(job.toString()).isEqualTo(2);
    assertThat(job.get("failed").asInt()).as(job.toString()).isEqualTo(1);

    assertThat(outcome(id, newerId)).isEqualTo("applied");
    assertThat(outcome(id, olderId)).isEqualTo("skipped-stale");
    // the two copies of one version: the first in the job's order applied, the other a duplicate
    assertThat(List.of(outcome(id, twiceId), outcome(id, twiceAgainId)))
        .containsExactlyInAnyOrder("applied", "skipped-duplicate");
    assertThat(outcome(id, refusedId)).isEqualTo("failed");
    // billing has the newer name, and each record once
    assertThat(
            Crm.row(
                    servers.owner("billing"),
                    "SELECT name_line1 FROM billing.customer WHERE crm_account_id = ?",
                    "ACC-T21-M00001")
                .get("name_line1"))
        .isEqualTo("Netzwerkplanung Neu GmbH");
    assertThat(Probes.writes(servers, "billing", "ACC-T21-M00002")).isEqualTo(1);
    assertThat(
            count(
                servers.owner("billing"),
                "SELECT count(*) AS n FROM billing.customer WHERE crm_account_id = 'ACC-T21-M00003'"))
        .isZero();
    // the resolved ones are REPLAYED with their outcome, the refused one is back in its queue
    for (String resolved : new String[] {newerId, olderId, twiceId, twiceAgainId}) {
      Map<String, Object> dl =
          Crm.row(
              hub, "SELECT status, resolution FROM hub.dead_letter WHERE id = ?::uuid", resolved);
      assertThat(dl.get("status")).isEqualTo("REPLAYED");
      assertThat(dl.get("resolution")).isEqualTo(outcome(id, resolved));
    }
    Map<String, Object> again =
        Crm.row(
            hub,
            "SELECT status, reason, failures, message_id FROM hub.dead_letter WHERE id = ?::uuid",
            refusedId);
    assertThat(again.get("status")).isEqualTo("QUEUED");
    assertThat((String) again.get("reason")).doesNotStartWith("mixed test:");
    assertThat(((Number) again.get("failures")).intValue()).isEqualTo(2);
    assertThat(again.get("message_id")).isNotEqualTo(refusedMessage);
    // one audit entry per replayed dead letter, with its outcome
    for (String replayed : new String[] {newerId, olderId, twiceId, twiceAgainId, refusedId}) {
      assertThat(
              Crm.rows(
                  hub,
                  "SELECT outcome FROM hub.audit_entry WHERE job_id = ?::uuid"
                      + " AND dead_letter_id = ?::uuid",
                  id,
                  replayed))
          .singleElement()
          .satisfies(e -> assertThat(e.get("outcome")).isEqualTo(outcome(id, replayed)));
    }
    // each message of a resolved dead letter leaves its queue, the refused one's new message stays
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Queues.browse("DLQ.billing", "hubCrmAccountId LIKE 'ACC-T21-M%'").size() == 1
                    && Queues.browse(
                                "DLQ.billing", "hubMessageId = '" + again.get("message_id") + "'")
                            .size()
                        == 1);
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
