package at.telco.hub.sink;

import at.telco.hub.failure.NotYetKnownException;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
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
 * (idempotently: a write that would change nothing is not made); the hooks let a writer add its own
 * rules (eligibility, locks and guards in the transaction, a status kept with the version, work
 * after the commit).
 */
public abstract class HubVersionedWriter {

  private static final Logger LOG = LoggerFactory.getLogger(HubVersionedWriter.class);

  private final String target;
  private final String flow;
  private final DataSource dataSource;
  private final TargetStates states;
  private final HubMetrics metrics;
  private final Clock clock;
  private final AppliedChanges listener;

  /**
   * @param listener told what was applied, after the target committed ({@link AppliedChanges#NONE})
   */
  protected HubVersionedWriter(
      String target,
      String flow,
      DataSource dataSource,
      TargetStates states,
      HubMetrics metrics,
      Clock clock,
      AppliedChanges listener) {
    this.target = target;
    this.flow = flow;
    this.dataSource = dataSource;
    this.states = states;
    this.metrics = metrics;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * The changes of one transaction: the newest change per key that the target must get, with what
   * the hub knows it applied for each key.
   */
  protected static final class Batch {
    private final List<TargetChange> received;
    private final Map<String, TargetChange> byKey;
    private final Map<String, TargetStates.State> known;
    private final List<Runnable> afterCommit = new ArrayList<>();

    Batch(
        List<TargetChange> received,
        Map<String, TargetChange> byKey,
        Map<String, TargetStates.State> known) {
      this.received = received;
      this.byKey = byKey;
      this.known = known;
    }

    /** Every change the writer was given, as given (the older ones of a key included). */
    public List<TargetChange> received() {
      return received;
    }

    /**
     * The changes to write by key, in order. {@link #prepare} may take changes out (giving them
     * their outcome): those are neither marked pending nor written.
     */
    public Map<String, TargetChange> byKey() {
      return byKey;
    }

    public List<TargetChange> changes() {
      return new ArrayList<>(byKey.values());
    }

    /** What the hub knows it applied (or may have applied) for {@code key}; null for nothing. */
    public TargetStates.State known(String key) {
      return known.get(key);
    }

    /** Runs {@code action} after the target's commit, once the applied versions are recorded. */
    public void afterCommit(Runnable action) {
      afterCommit.add(action);
    }
  }

  /** The record's key in the target (e.g. ba_no, service_id). */
  protected abstract String key(TargetChange change);

  /**
   * Whether the target takes this change at all (e.g. a bill is not a billing account); asked of
   * every change, before the newest per key is chosen.
   */
  protected boolean eligible(TargetChange change) {
    return true;
  }

  /**
   * Whether the newest change of a key is written, given what the hub knows it applied: null when
   * it is, else why not (see {@link TargetStates#verdict}).
   */
  protected ApplyOutcome verdict(TargetChange change, TargetStates.State state) {
    return TargetStates.verdict(change, state);
  }

  /**
   * First in the target's transaction, before the pending versions are recorded: e.g. takes the
   * keys' locks and takes out of {@link Batch#byKey} what the target must not get. Nothing by
   * default.
   */
  protected void prepare(Connection c, Batch batch) throws SQLException {}

  /** Writes the batch (every change newer than what the target has) in the open transaction. */
  protected abstract void write(Connection c, Batch batch) throws SQLException;

  /** The status recorded with a change's applied version ({@link TargetStates.State}); none. */
  protected String appliedStatus(TargetChange change) {
    return null;
  }

  /** Maps a database failure; a missing referenced record means "not yet". */
  protected RuntimeException translate(SQLException e) {
    if ("23503".equals(e.getSQLState())
        || (e.getNextException() != null && "23503".equals(e.getNextException().getSQLState()))) {
      return new NotYetKnownException(
          target + " does not have a record this change refers to yet: " + SqlFailures.describe(e));
    }
    return SqlFailures.translate(target, e);
  }

  /** See {@link TargetChange#applyBatch}. */
  public List<TargetChange> applyBatch(List<TargetChange> changes) {
    return TargetChange.applyBatch(target, changes, this::apply);
  }

  /** Applies one change; throws why it cannot be applied. */
  public void applyOne(TargetChange change) {
    TargetChange.applyOne(change, this::apply, this::forgetPending);
  }

  private void forgetPending(TargetChange change) {
    try {
      states.clearPending(target, key(change), change.event().entityVersion());
    } catch (RuntimeException e) {
      // the pending mark only fences off older versions; leaving it is safe
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
      ApplyOutcome verdict = verdict(e.getValue(), known.get(e.getKey()));
      if (verdict == null) {
        proceed.put(e.getKey(), e.getValue());
      } else {
        e.getValue().outcome(verdict);
      }
    }
    if (!proceed.isEmpty()) {
      Batch batch = new Batch(changes, proceed, known);
      Transactions.run(
          dataSource,
          this::translate,
          c -> {
            prepare(c, batch);
            Map<String, String> pending = new LinkedHashMap<>();
            proceed.forEach((k, change) -> pending.put(k, change.event().entityVersion()));
            states.markPending(target, pending);
            write(c, batch);
          });
      List<TargetStates.Applied> applied = new ArrayList<>();
      proceed.forEach(
          (k, change) ->
              applied.add(
                  new TargetStates.Applied(
                      k, change.event().entityVersion(), appliedStatus(change))));
      states.markApplied(target, applied);
      Instant committed = clock.instant();
      batch.afterCommit.forEach(Runnable::run);
      for (TargetChange change : proceed.values()) {
        if (change.outcome() == null) {
          change.outcome(ApplyOutcome.APPLIED);
        }
      }
      for (TargetChange change : changes) {
        if (change.outcome() == ApplyOutcome.APPLIED) {
          metrics.endToEnd(flow, target, change.event().sourceChangedAt(), committed);
        }
      }
    }
    return Outcomes.report(target, changes, metrics, listener);
  }
}
