package at.telco.hub.deadletter;

import at.telco.hub.canonical.Json;
import at.telco.hub.failure.Refused;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays many dead letters by filter: a dry run says how many and which; a job fixes the set of
 * dead letters when it starts and replays them in batches of a bounded size, each batch the way a
 * sink applies a batch from Kafka ({@link BatchReplay}: claimed in one statement, applied by the
 * sink's writer in one target transaction with its version guard, the changes it could not take
 * replayed alone like a single replay, every dead letter audited and removed from its queue only
 * when its outcome is recorded). Its progress is recorded with each batch's outcomes, and it stops
 * between two batches when asked to (from any hub instance) or when the target is away. A job of a
 * hub that crashed is marked INTERRUPTED when a hub starts; its dead letters are safe where they
 * were and can be replayed by a new job.
 */
public final class BulkReplays {

  public static final int MAX_BATCH = 1000;
  public static final int MAX_JOB = 100_000;

  /** A dry run's statement is cancelled after this (its connection goes back to the pool). */
  static final int QUERY_TIMEOUT_S = 30;

  /**
   * Dry runs at the same time: each holds one connection of the hub pool while its statement runs,
   * so however many are asked for at once, they never take more than these from the pool.
   */
  static final int CONCURRENT_DRY_RUNS = 2;

  private final java.util.concurrent.Semaphore dryRuns =
      new java.util.concurrent.Semaphore(CONCURRENT_DRY_RUNS, true);

  private static final Logger LOG = LoggerFactory.getLogger(BulkReplays.class);

  private final DataSource hub;
  private final DeadLetterWorkbench workbench;
  private final BatchReplay batches;
  private final ExecutorService executor;
  private final String instance;

  public BulkReplays(
      DataSource hub, DeadLetterWorkbench workbench, ExecutorService executor, String instance) {
    this.hub = hub;
    this.workbench = workbench;
    this.batches = new BatchReplay(hub, workbench);
    this.executor = executor;
    this.instance = instance;
  }

  /** Marks the jobs this instance ran before it stopped (or crashed) as INTERRUPTED. */
  public void interruptLeftovers() {
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.replay_job SET state = 'INTERRUPTED', finished_at = now(),"
                    + " last_error = 'the hub that ran it stopped' WHERE state = 'RUNNING'"
                    + " AND instance = ?")) {
      ps.setString(1, instance);
      int n = ps.executeUpdate();
      if (n > 0) {
        LOG.warn("{} bulk replay(s) of an earlier run of this hub marked INTERRUPTED", n);
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /** What a bulk replay would do: how many, by target and reason, and the first few ids. */
  public ObjectNode dryRun(DeadLetterFilter filter, int limit) {
    try {
      if (!dryRuns.tryAcquire(QUERY_TIMEOUT_S, java.util.concurrent.TimeUnit.SECONDS)) {
        throw Refused.busy("too many dry runs at once: try again in a moment");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Refused.unavailable("interrupted");
    }
    try {
      return runDry(filter, limit);
    } finally {
      dryRuns.release();
    }
  }

  private ObjectNode runDry(DeadLetterFilter filter, int limit) {
    List<Object> params = new ArrayList<>();
    // the filter's conditions straight on the table (no IN over a subquery of the same table)
    StringBuilder sql = new StringBuilder("SELECT d.target, d.reason, d.id FROM hub.dead_letter d");
    replayable(filter).where(sql, params);
    sql.append(" ORDER BY d.last_failed_at, d.id LIMIT ?");
    ObjectNode r = Json.object();
    r.put("dryRun", true);
    r.set("filter", filter.toJson());
    // one connection, for this one statement; the rows are read into the driver at once
    try (Connection c = hub.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setQueryTimeout(QUERY_TIMEOUT_S);
      List<Object> all = new ArrayList<>(params);
      all.add(limit);
      DeadLetterSearch.bind(c, ps, all);
      Map<String, Integer> byTarget = new TreeMap<>();
      Map<String, Integer> byReason = new TreeMap<>();
      ArrayNode sample = Json.MAPPER.createArrayNode();
      int n = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          n++;
          byTarget.merge(rs.getString(1), 1, Integer::sum);
          String reason = rs.getString(2);
          byReason.merge(
              reason.length() > 120 ? reason.substring(0, 120) + "..." : reason, 1, Integer::sum);
          if (sample.size() < 20) {
            sample.add(rs.getString(3));
          }
        }
      }
      r.put("wouldReplay", n);
      ObjectNode t = r.putObject("byTarget");
      byTarget.forEach(t::put);
      ObjectNode reasons = r.putObject("byReason");
      byReason.forEach(reasons::put);
      r.set("sampleIds", sample);
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    return r;
  }

  /** Only dead letters that can be replayed into a target (canonical ones need a resync). */
  private DeadLetterFilter replayable(DeadLetterFilter filter) {
    if (filter.target() != null && !workbench.replayable(filter.target())) {
      throw Refused.invalid(
          "dead letters of " + filter.target() + " are not replayed in bulk: resync them");
    }
    return new DeadLetterFilter(
        filter.target(),
        filter.businessKey(),
        filter.reason(),
        filter.since(),
        filter.statuses().stream()
            // REPLACED only when asked for (status=REPLACED or all): the history of records
            .filter(s -> s.equals("QUEUED") || s.equals("SUPERSEDED") || s.equals("REPLACED"))
            .collect(java.util.stream.Collectors.toSet()));
  }

  /** Starts a job over the open dead letters the filter selects (at most {@code limit}). */
  public ObjectNode start(DeadLetterFilter filter, int batchSize, int limit, String actor) {
    DeadLetterFilter f = replayable(filter);
    if (f.statuses().isEmpty()) {
      throw Refused.invalid("only QUEUED, SUPERSEDED or REPLACED dead letters are replayed");
    }
    UUID job = UUID.randomUUID();
    List<Object> params = new ArrayList<>();
    StringBuilder where = new StringBuilder();
    f.where(where, params);
    int total =
        Transactions.call(
            hub,
            "hub database",
            c -> {
              int count;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO hub.replay_job (id, created_by, filter, batch_size, state, total,"
                          + " instance) VALUES (?, ?, ?::jsonb, ?, 'RUNNING', 0, ?)")) {
                ps.setObject(1, job);
                ps.setString(2, actor);
                ps.setString(3, Json.write(filter.toJson()));
                ps.setInt(4, batchSize);
                ps.setString(5, instance);
                ps.executeUpdate();
              }
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO hub.replay_job_item (job_id, seq, dead_letter_id)"
                          + " SELECT ?, row_number() OVER (ORDER BY d.target, d.last_failed_at, d.id), d.id"
                          + " FROM hub.dead_letter d"
                          + where
                          + " ORDER BY d.target, d.last_failed_at, d.id LIMIT ?")) {
                List<Object> all = new ArrayList<>();
                all.add(job);
                all.addAll(params);
                all.add(limit);
                DeadLetterSearch.bind(c, ps, all);
                count = ps.executeUpdate();
              }
              try (PreparedStatement ps =
                  c.prepareStatement("UPDATE hub.replay_job SET total = ? WHERE id = ?")) {
                ps.setInt(1, count);
                ps.setObject(2, job);
                ps.executeUpdate();
              }
              return count;
            });
    LOG.info("bulk replay {} of {} dead letter(s) started by {}", job, total, actor);
    executor.submit(() -> run(job, batchSize, actor));
    return get(job);
  }

  private void run(UUID job, int batchSize, String actor) {
    int lastSeq = 0;
    String error = null;
    String state = "FINISHED";
    try {
      while (true) {
        if (stopRequested(job)) {
          state = "STOPPED";
          break;
        }
        List<UUID> batch = new ArrayList<>();
        Map<UUID, Integer> seqs = new java.util.HashMap<>();
        try (Connection c = hub.getConnection();
            PreparedStatement ps =
                c.prepareStatement(
                    "SELECT seq, dead_letter_id FROM hub.replay_job_item WHERE job_id = ?"
                        + " AND seq > ? ORDER BY seq LIMIT ?")) {
          ps.setObject(1, job);
          ps.setInt(2, lastSeq);
          ps.setInt(3, batchSize);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              lastSeq = rs.getInt(1);
              UUID id = rs.getObject(2, UUID.class);
              batch.add(id);
              seqs.put(id, lastSeq);
            }
          }
        }
        if (batch.isEmpty()) {
          break;
        }
        BatchReplay.Done done =
            batches.replay(batch, actor, job, (c, outcomes) -> record(c, job, seqs, outcomes));
        if (done.targetUnavailable()) {
          state = "STOPPED";
          error = "the target is not reachable: stopped, the rest is untouched";
          break;
        }
      }
    } catch (RuntimeException | SQLException e) {
      state = "FAILED";
      error = e.getMessage();
      LOG.error("bulk replay {} failed: {}", job, e.toString());
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.replay_job SET state = ?, finished_at = now(), last_error = ?"
                    + " WHERE id = ?")) {
      ps.setString(1, state);
      ps.setString(2, error);
      ps.setObject(3, job);
      ps.executeUpdate();
    } catch (SQLException e) {
      LOG.error("bulk replay {}: could not record its end: {}", job, e.getMessage());
    }
    ObjectNode end = get(job);
    LOG.info(
        "bulk replay {} {}: {} of {} done ({} applied, {} skipped, {} failed) at {} per second",
        job,
        state,
        end.get("done").asInt(),
        end.get("total").asInt(),
        end.get("applied").asInt(),
        end.get("skipped").asInt(),
        end.get("failed").asInt(),
        end.get("ratePerSecond").asText());
  }

  /**
   * A batch's outcomes on its job items and the job's counts, in the batch's hub transaction (with
   * the dead letters' outcomes and audit entries): progress never runs ahead of or behind them.
   */
  private static void record(
      Connection c, UUID job, Map<UUID, Integer> seqs, Map<UUID, String> outcomes)
      throws SQLException {
    if (outcomes.isEmpty()) {
      return;
    }
    Integer[] seq = new Integer[outcomes.size()];
    String[] outcome = new String[outcomes.size()];
    int applied = 0;
    int skipped = 0;
    int failed = 0;
    int i = 0;
    for (Map.Entry<UUID, String> e : outcomes.entrySet()) {
      seq[i] = seqs.get(e.getKey());
      outcome[i++] = e.getValue();
      switch (e.getValue()) {
        case "applied" -> applied++;
        case "failed" -> failed++;
        case "target-unavailable" -> {}
        default -> skipped++;
      }
    }
    try (PreparedStatement items =
            c.prepareStatement(
                "UPDATE hub.replay_job_item i SET outcome = u.outcome"
                    + " FROM unnest(?::int[], ?::text[]) AS u(seq, outcome)"
                    + " WHERE i.job_id = ? AND i.seq = u.seq");
        PreparedStatement counts =
            c.prepareStatement(
                "UPDATE hub.replay_job SET done = done + ?, applied = applied + ?,"
                    + " skipped = skipped + ?, failed = failed + ? WHERE id = ?")) {
      items.setArray(1, c.createArrayOf("int4", seq));
      items.setArray(2, c.createArrayOf("text", outcome));
      items.setObject(3, job);
      items.executeUpdate();
      counts.setInt(1, outcomes.size());
      counts.setInt(2, applied);
      counts.setInt(3, skipped);
      counts.setInt(4, failed);
      counts.setObject(5, job);
      counts.executeUpdate();
    }
  }

  private boolean stopRequested(UUID job) throws SQLException {
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT stop_requested_by FROM hub.replay_job WHERE id = ?")) {
      ps.setObject(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getString(1) != null;
      }
    }
  }

  /** Asks a running job to stop after its current batch. */
  public ObjectNode stop(UUID job, String actor) {
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.replay_job SET stop_requested_by = ? WHERE id = ? AND state = 'RUNNING'"
                    + " AND stop_requested_by IS NULL")) {
      ps.setString(1, actor);
      ps.setObject(2, job);
      if (ps.executeUpdate() == 0 && get(job) == null) {
        throw Refused.notFound("no bulk replay " + job);
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    return get(job);
  }

  /** A job with its progress and rate, or null. */
  public ObjectNode get(UUID job) {
    ArrayNode list = list(job, 1);
    return list.isEmpty() ? null : (ObjectNode) list.get(0);
  }

  public ArrayNode list(UUID only, int limit) {
    ArrayNode jobs = Json.MAPPER.createArrayNode();
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, created_by, filter::text, batch_size, state, total, done, applied,"
                    + " skipped, failed, stop_requested_by, started_at, finished_at, last_error, now()"
                    + " FROM hub.replay_job"
                    + (only != null ? " WHERE id = ?" : "")
                    + " ORDER BY started_at DESC LIMIT ?")) {
      int i = 1;
      if (only != null) {
        ps.setObject(i++, only);
      }
      ps.setInt(i, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ObjectNode j = jobs.addObject();
          j.put("id", rs.getString(1));
          j.put("createdBy", rs.getString(2));
          j.set("filter", Json.parse(rs.getString(3)));
          j.put("batchSize", rs.getInt(4));
          j.put("state", rs.getString(5));
          j.put("total", rs.getInt(6));
          j.put("done", rs.getInt(7));
          j.put("applied", rs.getInt(8));
          j.put("skipped", rs.getInt(9));
          j.put("failed", rs.getInt(10));
          j.put("stopRequestedBy", rs.getString(11));
          Instant started = rs.getTimestamp(12).toInstant();
          Timestamp finished = rs.getTimestamp(13);
          Instant end = finished != null ? finished.toInstant() : rs.getTimestamp(15).toInstant();
          j.put("startedAt", started.toString());
          j.put("finishedAt", finished == null ? null : finished.toInstant().toString());
          j.put("lastError", rs.getString(14));
          double seconds = Math.max(Duration.between(started, end).toMillis(), 1) / 1000.0;
          j.put("elapsedSeconds", Math.round(seconds * 10) / 10.0);
          j.put("ratePerSecond", Math.round(rs.getInt(7) / seconds * 10) / 10.0);
          j.put(
              "percent",
              rs.getInt(6) == 0 ? 100 : Math.round(rs.getInt(7) * 1000.0 / rs.getInt(6)) / 10.0);
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    return jobs;
  }
}
