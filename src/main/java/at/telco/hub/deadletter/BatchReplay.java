package at.telco.hub.deadletter;

import at.telco.hub.audit.AuditTrail;
import at.telco.hub.deadletter.DeadLetterWorkbench.Outcome;
import at.telco.hub.failure.TargetUnavailableException;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.sink.SinkWriter;
import at.telco.hub.sink.TargetChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch of a bulk replay, applied the way a sink applies a batch from Kafka: the dead letters
 * are claimed in one statement, each target's changes go through its sink's writer as one batch
 * (one target transaction, the same version guard, steps and erasure guard as the sink's own
 * route), and only the changes that batch could not take are replayed one at a time through {@code
 * direct:sink-replay} like a single replay (a failure goes back to its queue with its new reason).
 * The outcomes are then recorded in one hub transaction for the whole batch: the resolved dead
 * letters, their queue-removal requests, the released ones, one audit entry per dead letter (one
 * statement: the trail's trigger chains each row) and whatever the caller adds (the job's
 * progress).
 *
 * <p>A hub that crashes between a target's commit and that transaction leaves the batch's dead
 * letters {@code REPLAYING} on their queue, claimable again after the replay timeout; replaying
 * them then is skipped as duplicate by the version guard, as for a single replay.
 */
final class BatchReplay {

  private static final Logger LOG = LoggerFactory.getLogger(BatchReplay.class);

  /** Not claimed: replayed or discarded meanwhile, being replayed, without a body, or no sink's. */
  static final String NOT_OPEN = "not-open";

  /** What the caller records in the batch's hub transaction (e.g. the job's progress). */
  @FunctionalInterface
  interface Bookkeeping {
    void record(Connection c, Map<UUID, String> outcomes) throws SQLException;
  }

  /** A claimed dead letter. */
  private record Claimed(
      UUID id, String target, String body, String messageId, java.time.Instant firstFailedAt) {

    DeadLetterSearch.Stored stored() {
      return new DeadLetterSearch.Stored(
          id,
          target,
          "REPLAYING",
          body,
          null,
          messageId,
          null,
          null,
          null,
          null,
          null,
          firstFailedAt);
    }
  }

  /** A dead letter's outcome in this batch (null: nothing could be done, see the detail). */
  private record Result(Claimed dl, Outcome outcome, String detail) {}

  private final DataSource hub;
  private final DeadLetterWorkbench workbench;

  BatchReplay(DataSource hub, DeadLetterWorkbench workbench) {
    this.hub = hub;
    this.workbench = workbench;
  }

  /** What became of a batch: each dead letter's outcome, and whether a target was away. */
  record Done(Map<UUID, String> outcomes, boolean targetUnavailable) {}

  /**
   * Replays these dead letters (in this order) as {@code actor} for {@code jobId}; a dead letter
   * after a target that was away is left as it was and has no outcome.
   */
  Done replay(List<UUID> ids, String actor, UUID jobId, Bookkeeping bookkeeping) {
    List<Claimed> claimed = claim(ids, actor);
    Map<UUID, Claimed> byId = new LinkedHashMap<>();
    claimed.forEach(c -> byId.put(c.id(), c));
    // each target's dead letters, in the job's order
    Map<String, List<Claimed>> byTarget = new LinkedHashMap<>();
    for (UUID id : ids) {
      Claimed c = byId.get(id);
      if (c != null) {
        byTarget.computeIfAbsent(c.target(), k -> new ArrayList<>()).add(c);
      }
    }
    Map<UUID, Result> results = new LinkedHashMap<>();
    List<Claimed> untouched = new ArrayList<>();
    boolean unavailable = false;
    Map<UUID, String> outcomes = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, List<Claimed>> e : byTarget.entrySet()) {
        if (unavailable) {
          untouched.addAll(e.getValue());
        } else {
          unavailable = applyBatch(e.getKey(), e.getValue(), actor, results, untouched);
        }
      }
      for (UUID id : ids) {
        Result r = results.get(id);
        if (r != null) {
          outcomes.put(id, r.outcome() == null ? r.detail() : r.outcome().id());
        } else if (!byId.containsKey(id)) {
          outcomes.put(id, NOT_OPEN);
        }
      }
      record(results.values(), untouched, actor, jobId, bookkeeping, outcomes);
    } catch (RuntimeException e) {
      // the job fails; its claimed dead letters go back as they were where that is still possible
      // (what a target applied is skipped as a duplicate by the next replay), else they are
      // claimable again after the replay timeout
      try {
        at.telco.hub.jdbc.Transactions.untranslated(
            hub,
            c -> {
              release(c, new ArrayList<>(byId.keySet()));
              return null;
            });
      } catch (SQLException | RuntimeException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    for (Result r : results.values()) {
      if (r.outcome() != null) {
        workbench.metrics().deadLetterAction(r.dl().target(), "replay", r.outcome().id());
      }
    }
    return new Done(outcomes, unavailable);
  }

  /** Claims the open dead letters of {@code ids} that a sink can replay, in one statement. */
  private List<Claimed> claim(List<UUID> ids, String actor) {
    List<Claimed> claimed = new ArrayList<>();
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                // the rows locked in one order (two bulk replays never deadlock), then claimed
                // where still open: two replays never claim one dead letter both
                "WITH l AS (SELECT id FROM hub.dead_letter WHERE id = ANY(?::uuid[])"
                    + " ORDER BY id FOR UPDATE)"
                    + " UPDATE hub.dead_letter d SET status = 'REPLAYING',"
                    + " replay_started_at = now(), replay_by = ? FROM l WHERE d.id = l.id"
                    + " AND d.body IS NOT NULL AND d.target = ANY(?::text[])"
                    + " AND (d.status IN ('QUEUED', 'SUPERSEDED', 'REPLACED')"
                    + " OR (d.status = 'REPLAYING'"
                    + " AND d.replay_started_at < now() - make_interval(secs => ?)))"
                    + " RETURNING d.id, d.target, d.body, d.message_id, d.first_failed_at")) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray(new UUID[0])));
      ps.setString(2, actor);
      ps.setArray(3, c.createArrayOf("text", workbench.replayableTargets().toArray()));
      ps.setDouble(4, workbench.replayTimeout().toMillis() / 1000.0);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          claimed.add(
              new Claimed(
                  rs.getObject(1, UUID.class),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getTimestamp(5).toInstant()));
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    return claimed;
  }

  /**
   * One target's dead letters through its sink's writer as one batch, then the ones it could not
   * take one by one. Returns whether the target was away (then the rest is untouched).
   */
  private boolean applyBatch(
      String target,
      List<Claimed> letters,
      String actor,
      Map<UUID, Result> results,
      List<Claimed> untouched) {
    SinkWriter writer = workbench.sinks().writer(target);
    Map<TargetChange, Claimed> of = new IdentityHashMap<>();
    List<TargetChange> changes = new ArrayList<>(letters.size());
    for (Claimed dl : letters) {
      TargetChange change = TargetChange.read(target, dl.body(), null);
      of.put(change, dl);
      changes.add(change);
    }
    List<TargetChange> alone;
    try {
      alone = writer.applyBatch(changes);
    } catch (TargetUnavailableException e) {
      for (Claimed dl : letters) {
        results.put(dl.id(), unavailable(dl, e));
      }
      return true;
    }
    Map<TargetChange, Boolean> single = new IdentityHashMap<>();
    alone.forEach(c -> single.put(c, Boolean.TRUE));
    List<Claimed> one = new ArrayList<>();
    for (TargetChange change : changes) {
      Claimed dl = of.get(change);
      if (single.containsKey(change) || change.outcome() == null) {
        one.add(dl);
      } else {
        results.put(dl.id(), judged(dl, change));
      }
    }
    boolean away = false;
    for (Claimed dl : one) {
      if (away) {
        untouched.add(dl);
        continue;
      }
      Result r = alone(dl, actor);
      results.put(dl.id(), r);
      away = r.outcome() == Outcome.TARGET_UNAVAILABLE;
    }
    return away;
  }

  /** A change the batch could not take, replayed alone the way a single replay is. */
  private Result alone(Claimed dl, String actor) {
    // read afresh: the single path maps and judges it by itself
    TargetChange change = TargetChange.read(dl.target(), dl.body(), null);
    Exchange ex = workbench.send(dl.stored(), change, actor);
    if (Boolean.TRUE.equals(
        ex.getProperty(DeadLetterWorkbench.TARGET_UNAVAILABLE, Boolean.class))) {
      return unavailable(dl, ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }
    if (ex.getException() != null) {
      // not even the dead-letter route could take the failure: released unchanged, no outcome
      LOG.warn(
          "the dead-letter queue is not available for dead letter {}: {}",
          dl.id(),
          ex.getException().toString());
      return new Result(
          dl, null, "error: the dead-letter queue is not available: nothing was changed");
    }
    Throwable failure = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    if (failure != null) {
      // the dead-letter route has queued the new message and asked for the old one's removal
      return new Result(dl, Outcome.FAILED, DeadLetters.reason(failure));
    }
    return judged(dl, change);
  }

  private static Result unavailable(Claimed dl, Throwable cause) {
    return new Result(
        dl, Outcome.TARGET_UNAVAILABLE, cause == null ? dl.target() : cause.getMessage());
  }

  private static Result judged(Claimed dl, TargetChange change) {
    Outcome outcome = DeadLetterWorkbench.outcomeOf(change);
    return new Result(dl, outcome, DeadLetterWorkbench.detail(dl.target(), outcome, change));
  }

  /**
   * The batch's outcomes in one hub transaction: resolved dead letters with their queue-removal
   * requests, released ones, one audit entry each, and the caller's bookkeeping.
   */
  private void record(
      java.util.Collection<Result> results,
      List<Claimed> untouched,
      String actor,
      UUID jobId,
      Bookkeeping bookkeeping,
      Map<UUID, String> outcomes) {
    List<Result> resolved = new ArrayList<>();
    List<UUID> release = new ArrayList<>();
    List<AuditTrail.Entry> audit = new ArrayList<>();
    for (Result r : results) {
      if (r.outcome() == null) {
        release.add(r.dl().id());
        continue;
      }
      String sha = r.dl().body() == null ? null : DeadLetters.sha256(r.dl().body());
      audit.add(
          new AuditTrail.Entry(
              actor,
              "replay",
              r.dl().id(),
              r.dl().target(),
              sha,
              sha,
              r.outcome().id(),
              r.detail(),
              jobId));
      if (r.outcome().resolves()) {
        resolved.add(r);
      } else if (r.outcome() == Outcome.TARGET_UNAVAILABLE) {
        release.add(r.dl().id());
      }
      // FAILED: the dead-letter route has already put it back (QUEUED, its new message)
    }
    untouched.forEach(dl -> release.add(dl.id()));
    try {
      at.telco.hub.jdbc.Transactions.untranslated(
          hub,
          c -> {
            resolve(c, resolved, actor);
            release(c, release);
            AuditTrail.recordAll(c, audit);
            bookkeeping.record(c, outcomes);
            return null;
          });
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    if (LOG.isDebugEnabled()) {
      for (Result r : results) {
        LOG.debug(
            "dead letter {} of {} replay by {}: {}",
            r.dl().id(),
            r.dl().target(),
            actor,
            r.outcome() == null ? r.detail() : r.outcome().id());
      }
    }
  }

  private static void resolve(Connection c, List<Result> resolved, String actor)
      throws SQLException {
    if (resolved.isEmpty()) {
      return;
    }
    int n = resolved.size();
    UUID[] ids = new UUID[n];
    String[] outcomes = new String[n];
    List<String> messages = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Result r = resolved.get(i);
      ids[i] = r.dl().id();
      outcomes[i] = r.outcome().id();
      if (r.dl().messageId() != null) {
        messages.add(r.dl().messageId());
        targets.add(r.dl().target());
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE hub.dead_letter d SET status = 'REPLAYED', resolution = u.outcome,"
                + " resolved_at = now(), resolved_by = ?, replay_started_at = NULL"
                + " FROM unnest(?::uuid[], ?::text[]) AS u(id, outcome) WHERE d.id = u.id")) {
      ps.setString(1, actor);
      ps.setArray(2, c.createArrayOf("uuid", ids));
      ps.setArray(3, c.createArrayOf("text", outcomes));
      ps.executeUpdate();
    }
    DeadLetterQueue.requestPurges(c, messages, targets);
  }

  /** Gives claimed dead letters back unchanged (nothing was tried, or nothing could be done). */
  private static void release(Connection c, List<UUID> ids) throws SQLException {
    DeadLetterWorkbench.release(c, ids);
  }
}
