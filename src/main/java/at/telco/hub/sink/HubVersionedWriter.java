package at.telco.hub.sink;

import at.telco.hub.failure.NotYetKnownException;
import at.telco.hub.failure.TargetUnavailableException;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.observe.HubMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A target table without a place for versions: the hub keeps what it applied per key in
 * hub.target_state (pending before the target's commit, applied after it) and writes only what is
 * newer, in one transaction per batch. Subclasses say what the key is and how a batch is written
 * (idempotently: a write that would change nothing is not made).
 */
public abstract class HubVersionedWriter {

  private static final Logger LOG = LoggerFactory.getLogger(HubVersionedWriter.class);

  private final String target;
  private final String flow;
  private final DataSource dataSource;
  private final TargetStates states;
  private final HubMetrics metrics;
  private final Clock clock;

  protected HubVersionedWriter(
      String target,
      String flow,
      DataSource dataSource,
      TargetStates states,
      HubMetrics metrics,
      Clock clock) {
    this.target = target;
    this.flow = flow;
    this.dataSource = dataSource;
    this.states = states;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The record's key in the target (e.g. ba_no, service_id). */
  protected abstract String key(TargetChange change);

  /** Whether the target takes this change at all (e.g. a bill is not a billing account). */
  protected boolean eligible(TargetChange change) {
    return true;
  }

  /** Writes the changes (all newer than what the target has) in the open transaction. */
  protected abstract void write(Connection c, List<TargetChange> changes) throws SQLException;

  /** Maps a database failure; a missing referenced record means "not yet". */
  protected RuntimeException translate(SQLException e) {
    if ("23503".equals(e.getSQLState())
        || (e.getNextException() != null && "23503".equals(e.getNextException().getSQLState()))) {
      return new NotYetKnownException(
          target + " does not have a record this change refers to yet: " + SqlFailures.describe(e));
    }
    return SqlFailures.translate(target, e);
  }

  public List<TargetChange> applyBatch(List<TargetChange> changes) {
    return TargetChange.applyBatch(target, changes, this::apply);
  }

  public void applyOne(TargetChange change) {
    if (change.hasFailed()) {
      throw change.failure();
    }
    List<TargetChange> failed;
    try {
      failed = apply(List.of(change));
    } catch (TargetUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      forgetPending(change);
      throw e;
    }
    if (!failed.isEmpty()) {
      forgetPending(change);
      throw failed.get(0).failure();
    }
  }

  private void forgetPending(TargetChange change) {
    try {
      states.clearPending(target, key(change), change.event().entityVersion());
    } catch (RuntimeException e) {
      LOG.debug("could not clear pending {} version: {}", target, e.getMessage());
    }
  }

  private List<TargetChange> apply(List<TargetChange> changes) {
    List<TargetChange> candidates = new ArrayList<>();
    for (TargetChange change : changes) {
      if (eligible(change)) {
        candidates.add(change);
      } else {
        change.outcome(ApplyOutcome.NOT_ELIGIBLE);
      }
    }
    Map<String, TargetChange> newest = Versions.newestPerKey(candidates, this::key);
    Map<String, TargetStates.State> known = states.read(target, newest.keySet());
    Map<String, TargetChange> proceed = new LinkedHashMap<>();
    for (Map.Entry<String, TargetChange> e : newest.entrySet()) {
      ApplyOutcome verdict = TargetStates.verdict(e.getValue(), known.get(e.getKey()));
      if (verdict == null) {
        proceed.put(e.getKey(), e.getValue());
      } else {
        e.getValue().outcome(verdict);
      }
    }
    if (!proceed.isEmpty()) {
      Map<String, String> pending = new LinkedHashMap<>();
      proceed.forEach((k, c) -> pending.put(k, c.event().entityVersion()));
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          states.markPending(target, pending);
          write(c, new ArrayList<>(proceed.values()));
          c.commit();
        } catch (SQLException | RuntimeException e) {
          SqlFailures.rollback(c, e);
          throw e;
        }
      } catch (SQLException e) {
        throw translate(e);
      }
      List<TargetStates.Applied> applied = new ArrayList<>();
      proceed.forEach(
          (k, c) -> applied.add(new TargetStates.Applied(k, c.event().entityVersion(), null)));
      states.markApplied(target, applied);
      Instant committed = clock.instant();
      for (TargetChange change : proceed.values()) {
        if (change.outcome() == null) {
          change.outcome(ApplyOutcome.APPLIED);
        }
        if (change.outcome() == ApplyOutcome.APPLIED) {
          metrics.endToEnd(flow, target, change.event().sourceChangedAt(), committed);
        }
      }
    }
    for (TargetChange change : changes) {
      if (change.outcome() != null) {
        metrics.applied(target, change.outcome());
      }
    }
    return Versions.failed(changes);
  }
}
