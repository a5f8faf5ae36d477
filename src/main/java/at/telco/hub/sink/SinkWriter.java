package at.telco.hub.sink;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.Json;
import at.telco.hub.canonical.SnapshotVersion;
import at.telco.hub.failure.NotYetKnownException;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.sink.SinkBatch.Action;
import at.telco.hub.sink.SinkBatch.Write;
import at.telco.hub.sink.SinkDeclaration.Table;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of every declared sink ({@link SinkDeclaration}): maps each canonical event with
 * the sink's mapping, keeps the newest change per key, and applies a batch in one transaction of
 * the target with the version guard - never older over newer, never the same version twice, and a
 * crash between the target's commit and the hub's record re-applies the same state harmlessly.
 * Versions live in a jsonb column of the target or in the hub ({@code hub.target_state}: pending
 * before the target's commit, applied after it). A batch the target refuses as a whole is applied
 * one change at a time, so only the bad one is dead-lettered with its reason.
 *
 * <p>Per batch and table it runs one statement (upserts from arrays, {@code unnest}), child tables
 * are replaced by the mapping's rows, a canonical delete does what the declaration says, a row the
 * declaration says is {@code never} written again is not, and the declared {@link SinkStep steps}
 * add what is truly specific to a target.
 */
public final class SinkWriter {

  private static final Logger LOG = LoggerFactory.getLogger(SinkWriter.class);
  private static final String SEP = "\u001f";

  /** Where a row read by this transaction is ({@code ctid}), in {@link Write#current()}. */
  static final String CTID = "$ctid";

  private final SinkDeclaration sink;
  private final DataSource dataSource;
  private final TargetStates states;
  private final Mappings mappings;
  private final HubMetrics metrics;
  private final Clock clock;
  private final AppliedChanges listener;
  private final List<SinkStep> steps;
  private final Map<String, Map<String, String>> types = new ConcurrentHashMap<>();

  public SinkWriter(
      SinkDeclaration sink,
      DataSource dataSource,
      TargetStates states,
      Mappings mappings,
      HubMetrics metrics,
      Clock clock,
      AppliedChanges listener,
      List<SinkStep> steps) {
    this.sink = sink;
    this.dataSource = dataSource;
    this.states = states;
    this.mappings = mappings;
    this.metrics = metrics;
    this.clock = clock;
    this.listener = listener;
    this.steps = List.copyOf(steps);
  }

  public SinkDeclaration sink() {
    return sink;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Applies a batch; returns the changes to be tried on their own (their mapping failed, or the
   * batch was refused as a whole). Throws while the target is away.
   */
  public List<TargetChange> applyBatch(List<TargetChange> changes) {
    for (TargetChange change : changes) {
      try {
        map(change);
      } catch (RuntimeException e) {
        change.failed(e);
      }
    }
    return TargetChange.applyBatch(sink.name(), changes, this::apply);
  }

  /** Applies one change; throws why it cannot be applied. */
  public void applyOne(TargetChange change) {
    if (!change.hasFailed()) {
      map(change); // a mapping failure is thrown: the error handler sees why
    }
    TargetChange.applyOne(change, this::apply, this::forgetPending);
  }

  /** The row document of one change, by the sink's mapping (none for an event not for it). */
  private void map(TargetChange change) {
    if (change.hasFailed() || change.row() != null) {
      return;
    }
    CanonicalEvent event = change.event();
    if (sink.only() != null && !sink.only().equals(event.type())) {
      return;
    }
    change.mapped(mappings.apply(sink.mapping(), event.data()));
  }

  /** The main table's key of a mapped change. */
  public String keyOf(TargetChange change) {
    Table main = sink.main();
    JsonNode row = rowOf(change.row(), main);
    String key = Json.text(row, main.key().get(0));
    if (key == null) {
      throw new at.telco.hub.canonical.MalformedMessageException(
          "event "
              + change.event().id()
              + " maps to no "
              + main.key().get(0)
              + " for "
              + sink.name());
    }
    return key;
  }

  private void forgetPending(TargetChange change) {
    if (!sink.versions().inHub() || change.row() == null) {
      return;
    }
    try {
      states.clearPending(sink.name(), keyOf(change), change.event().entityVersion());
    } catch (RuntimeException e) {
      // the pending mark only fences off older versions; leaving it is safe
      LOG.debug("could not clear pending {} version: {}", sink.name(), e.getMessage());
    }
  }

  private boolean eligible(TargetChange change) {
    if (change.row() == null) {
      return false;
    }
    JsonNode row = rowOf(change.row(), sink.main());
    for (String field : sink.requires()) {
      if (Json.text(row, field) == null) {
        return false;
      }
    }
    return true;
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
    Map<String, TargetChange> newest = Versions.newestPerKey(candidates, this::keyOf);
    Map<String, TargetStates.State> known =
        sink.versions().inHub() ? states.read(sink.name(), newest.keySet()) : Map.of();
    Map<String, TargetChange> judged = new LinkedHashMap<>();
    for (Map.Entry<String, TargetChange> e : newest.entrySet()) {
      if (sink.versions().inHub()) {
        ApplyOutcome verdict = TargetStates.verdict(e.getValue(), known.get(e.getKey()));
        if (verdict != null) {
          e.getValue().outcome(verdict);
          if (!steps.isEmpty()) {
            judged.put(e.getKey(), e.getValue()); // the steps see it (e.g. to repair)
          }
          continue;
        }
      }
      judged.put(e.getKey(), e.getValue());
    }
    SinkBatch batch = new SinkBatch(sink, changes);
    if (!judged.isEmpty()) {
      Map<String, String> marked = new HashMap<>(); // where the pending marks are
      Transactions.run(dataSource, this::translate, c -> write(c, batch, judged, known, marked));
      List<Write> written = batch.applied();
      if (sink.versions().inHub() && !written.isEmpty()) {
        List<TargetStates.Applied> applied = new ArrayList<>();
        for (Write w : written) {
          applied.add(
              new TargetStates.Applied(
                  w.key(),
                  w.event().entityVersion(),
                  sink.versions().record() == null
                      ? null
                      : Json.text(w.change().row(), sink.versions().record())));
        }
        states.markApplied(sink.name(), applied, marked);
      }
      Instant committed = clock.instant();
      for (Write w : written) {
        if (w.change().outcome() == null) {
          w.change().outcome(ApplyOutcome.APPLIED);
        }
      }
      for (SinkStep step : steps) {
        step.afterCommit(batch);
      }
      for (TargetChange change : changes) {
        if (change.outcome() == ApplyOutcome.APPLIED) {
          metrics.endToEnd(sink.flow(), sink.name(), change.event().sourceChangedAt(), committed);
        }
      }
    }
    return Outcomes.report(sink.name(), changes, metrics, listener);
  }

  /** The batch in the target's open transaction. */
  private void write(
      Connection c,
      SinkBatch batch,
      Map<String, TargetChange> judged,
      Map<String, TargetStates.State> known,
      Map<String, String> marked)
      throws SQLException {
    Table main = sink.main();
    if (sink.lock()) {
      lock(c, judged.keySet());
    }
    Map<String, Map<String, String>> current = readsCurrent() ? current(c, judged.keySet()) : null;
    for (Map.Entry<String, TargetChange> e : judged.entrySet()) {
      TargetChange change = e.getValue();
      Map<String, String> row = current == null ? null : current.get(e.getKey());
      Write w =
          new Write(
              change,
              e.getKey(),
              row,
              known.get(e.getKey()),
              values(change, main),
              change.event().isDelete() && main.delete() != null ? Action.DELETE : Action.UPSERT);
      batch.add(w);
      if (change.outcome() != null) {
        w.skip(change.outcome()); // judged by the hub's versions; seen by the steps only
        continue;
      }
      if (row != null && "t".equals(row.get("$never"))) {
        w.skip(ApplyOutcome.NOT_ELIGIBLE); // e.g. erased: the hub never writes it again
        continue;
      }
      if (!sink.versions().inHub()) {
        ApplyOutcome verdict = columnVerdict(change, row);
        if (verdict != null) {
          if (verdict != ApplyOutcome.FAILED) {
            w.skip(verdict);
          } else {
            w.skip(null);
          }
          continue;
        }
        w.values().put(sink.versions().column(), Json.write(versionsOf(change.event())));
      }
      if (w.action() == Action.DELETE && row == null && current != null) {
        w.skip(ApplyOutcome.NOT_ELIGIBLE); // a delete of a row the target never had
      }
    }
    for (SinkStep step : steps) {
      step.decide(batch, c);
    }
    if (sink.versions().inHub() && !batch.applied().isEmpty()) {
      Map<String, String> pending = new LinkedHashMap<>();
      Map<String, String> located = new HashMap<>();
      for (Write w : batch.applied()) {
        pending.put(w.key(), w.event().entityVersion());
        TargetStates.State state = known.get(w.key());
        if (state != null && state.ctid() != null) {
          located.put(w.key(), state.ctid());
        }
      }
      marked.putAll(states.markPending(sink.name(), pending, located));
    }
    List<Write> writes = batch.toWrite();
    if (writes.isEmpty()) {
      return;
    }
    List<Write> upserts = new ArrayList<>();
    List<Write> deletes = new ArrayList<>();
    for (Write w : writes) {
      (w.action() == Action.DELETE ? deletes : upserts).add(w);
    }
    upsert(c, main, upserts);
    for (Table child : sink.children()) {
      replaceChildren(c, child, upserts);
    }
    delete(c, main, deletes);
  }

  private boolean readsCurrent() {
    Table main = sink.main();
    return !sink.versions().inHub()
        || !main.reads().isEmpty()
        || main.never() != null
        || main.delete() != null;
  }

  /** The text values of the main table's mapped columns (and its key). */
  private Map<String, String> values(TargetChange change, Table table) {
    JsonNode row = rowOf(change.row(), table);
    Map<String, String> values = new LinkedHashMap<>();
    values.put(table.key().get(0), Json.text(row, table.key().get(0)));
    for (String column : table.columns()) {
      values.put(column, text(row.get(column)));
    }
    for (String column : table.keep()) {
      if (!values.containsKey(column)) {
        values.put(column, text(row.get(column)));
      }
    }
    return values;
  }

  private static JsonNode rowOf(JsonNode doc, Table table) {
    return table.row() == null ? doc : doc.path(table.row());
  }

  private static String text(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    return v.isContainerNode() ? Json.write(v) : v.asText();
  }

  // ---- versions kept in a column of the target

  private JsonNode versionsOf(CanonicalEvent event) {
    return Versions.sourceVersions(event, sink.versions().snapshotKey());
  }

  /** Null when the change is written, else why not (a failure is set on the change). */
  private ApplyOutcome columnVerdict(TargetChange change, Map<String, String> row) {
    String stored = row == null ? null : row.get("$versions");
    if (stored == null) {
      return null;
    }
    JsonNode applied = Json.parse(stored);
    String appliedSnapshot = Json.text(applied, sink.versions().snapshotKey());
    SnapshotVersion appliedVersion = SnapshotVersion.tryParse(appliedSnapshot);
    if (appliedVersion == null) {
      return null;
    }
    CanonicalEvent event = change.event();
    switch (Versions.of(event).comparedTo(appliedVersion)) {
      case NEWER -> {
        if (!event.isResync()
            && Versions.rowVersions(versionsOf(event), sink.versions().snapshotKey())
                .equals(Versions.rowVersions(applied, sink.versions().snapshotKey()))) {
          // a newer read of the very same rows (e.g. republished after a crash): the target
          // already has this state, nothing is written
          return ApplyOutcome.DUPLICATE;
        }
        return null;
      }
      case SAME -> {
        // a resync writes the master's state again: the row may have been changed behind the
        // hub's back
        return event.isResync() ? null : ApplyOutcome.DUPLICATE;
      }
      case OLDER -> {
        return ApplyOutcome.STALE;
      }
      default -> {
        change.failed(Versions.incomparable(change, appliedSnapshot));
        return ApplyOutcome.FAILED;
      }
    }
  }

  // ---- SQL

  /** Each key's advisory lock (the erasure takes the same: {@link #lockKey}). */
  private void lock(Connection c, Set<String> keys) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT pg_advisory_xact_lock(hashtextextended(? || k, 0))"
                + " FROM unnest(?::text[]) AS k ORDER BY k")) {
      ps.setString(1, lockPrefix(sink.main().name()));
      ps.setArray(2, c.createArrayOf("text", keys.toArray()));
      ps.executeQuery().close();
    }
  }

  private static String lockPrefix(String table) {
    return "hub:" + table + ":";
  }

  /** The key's advisory lock of a table's writer, for whoever must not write beside it. */
  public static void lockKey(Connection c, String table, String key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
      ps.setString(1, lockPrefix(table) + key);
      ps.executeQuery().close();
    }
  }

  /**
   * The existing main rows: the declared reads, the versions, whether never to write them, and
   * where the row is ({@link #CTID}): it is locked until the commit, so it is updated there without
   * looking it up by its key again.
   */
  private Map<String, Map<String, String>> current(Connection c, Set<String> keys)
      throws SQLException {
    Table main = sink.main();
    String key = main.key().get(0);
    List<String> select = new ArrayList<>();
    select.add("t." + key + "::text");
    select.add(main.never() == null ? "false" : "(" + main.never() + ")");
    select.add(sink.versions().inHub() ? "NULL" : "t." + sink.versions().column() + "::text");
    select.add("t.ctid::text");
    for (String column : main.reads()) {
      select.add("t." + column + "::text");
    }
    String sql =
        "SELECT "
            + String.join(", ", select)
            + " FROM "
            + main.name()
            + " t WHERE t."
            + key
            + " = ANY(?::"
            + type(c, main, key)
            + "[]) FOR UPDATE";
    Map<String, Map<String, String>> rows = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", keys.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, String> row = new HashMap<>();
          row.put("$never", rs.getBoolean(2) ? "t" : "f");
          row.put("$versions", rs.getString(3));
          row.put(CTID, rs.getString(4));
          for (int i = 0; i < main.reads().size(); i++) {
            row.put(main.reads().get(i), rs.getString(5 + i));
          }
          rows.put(rs.getString(1), row);
        }
      }
    }
    return rows;
  }

  /**
   * Inserts or updates the main rows in one statement: an update leaves the row alone when nothing
   * changed, when the declaration says never, and a write not allowed to insert only updates.
   */
  private void upsert(Connection c, Table table, List<Write> writes) throws SQLException {
    if (writes.isEmpty()) {
      return;
    }
    List<Write> full = new ArrayList<>();
    List<Write> partial = new ArrayList<>();
    Map<Set<String>, List<Write>> located = new LinkedHashMap<>();
    for (Write w : writes) {
      String ctid = w.current() == null ? null : w.current().get(CTID);
      if (ctid != null) {
        // read and locked by this transaction: updated where it is
        located
            .computeIfAbsent(
                w.onlyColumns() == null ? columnsOf(table) : w.onlyColumns(),
                k -> new ArrayList<>())
            .add(w);
      } else {
        (w.onlyColumns() == null && w.insertAllowed() ? full : partial).add(w);
      }
    }
    for (Map.Entry<Set<String>, List<Write>> e : located.entrySet()) {
      Set<String> updated = update(c, table, e.getValue(), e.getKey(), true);
      // a row not updated where it was read is unchanged - or was moved by a step in this
      // transaction: those go by their key (the statement's guard leaves unchanged ones alone)
      for (Write w : e.getValue()) {
        if (!updated.contains(w.key())) {
          partial.add(w);
        }
      }
    }
    if (!full.isEmpty()) {
      upsert(c, table, full, columnsOf(table), true);
    }
    // a write restricted to some columns, or to an existing row: an update of those columns
    Map<Set<String>, List<Write>> byColumns = new LinkedHashMap<>();
    for (Write w : partial) {
      Set<String> columns = w.onlyColumns() == null ? columnsOf(table) : w.onlyColumns();
      byColumns.computeIfAbsent(columns, k -> new ArrayList<>()).add(w);
    }
    for (Map.Entry<Set<String>, List<Write>> e : byColumns.entrySet()) {
      upsert(c, table, e.getValue(), e.getKey(), false);
    }
  }

  private Set<String> upsert(
      Connection c, Table table, List<Write> writes, Set<String> columns, boolean insert)
      throws SQLException {
    return insert ? insert(c, table, writes, columns) : update(c, table, writes, columns, false);
  }

  private Set<String> columnsOf(Table table) {
    Set<String> columns = new LinkedHashSet<>(table.columns());
    columns.addAll(table.keep());
    if (!sink.versions().inHub() && table == sink.main()) {
      columns.add(sink.versions().column());
    }
    return columns;
  }

  /** The key and the other columns of a write to {@code table}, the key first. */
  private static List<String> keyAndColumns(Table table, Set<String> columns) {
    String key = table.key().get(0);
    List<String> all = new ArrayList<>();
    all.add(key);
    for (String column : columns) {
      if (!column.equals(key)) {
        all.add(column);
      }
    }
    return all;
  }

  /** A column's new value in an update: a {@code keep} column keeps what it has for a null. */
  private static String newValue(Table table, String column, String value) {
    return table.keep().contains(column) ? "COALESCE(" + value + ", t." + column + ")" : value;
  }

  /** Inserts the rows, or updates those that exist (an update only when something changed). */
  private Set<String> insert(Connection c, Table table, List<Write> writes, Set<String> columns)
      throws SQLException {
    List<String> all = keyAndColumns(table, columns);
    String sql =
        upsertSql(c, table, all, table.key().subList(0, 1), all.subList(1, all.size()))
            + " RETURNING "
            + returning(table);
    return execute(c, table, writes, all, false, sql);
  }

  /**
   * {@code INSERT INTO table ... SELECT FROM unnest(one text array per column of all) ON CONFLICT
   * (conflict) DO UPDATE} the {@code updated} columns where one of them changed ({@code keep}
   * columns keep what they have for a null, the {@code never} guard holds, the {@code touch} column
   * is set) - or {@code DO NOTHING} when no column is updated.
   */
  private String upsertSql(
      Connection c, Table table, List<String> all, List<String> conflict, List<String> updated)
      throws SQLException {
    List<String> cast = new ArrayList<>();
    List<String> unnest = new ArrayList<>();
    for (String column : all) {
      cast.add("u." + column + "::" + type(c, table, column));
      unnest.add("?::text[]");
    }
    List<String> sets = new ArrayList<>();
    List<String> olds = new ArrayList<>();
    List<String> news = new ArrayList<>();
    for (String column : updated) {
      String value = newValue(table, column, "EXCLUDED." + column);
      sets.add(column + " = " + value);
      olds.add("t." + column);
      news.add(value);
    }
    if (table.touch() != null && !sets.isEmpty()) {
      sets.add(table.touch() + " = now()");
    }
    String guard =
        (table.never() == null ? "" : "NOT (" + table.never() + ") AND ")
            + "("
            + String.join(", ", olds)
            + ") IS DISTINCT FROM ("
            + String.join(", ", news)
            + ")";
    return "INSERT INTO "
        + table.name()
        + " AS t ("
        + String.join(", ", all)
        + (table.touch() == null ? "" : ", " + table.touch())
        + ") SELECT "
        + String.join(", ", cast)
        + (table.touch() == null ? "" : ", now()")
        + " FROM unnest("
        + String.join(", ", unnest)
        + ") AS u("
        + String.join(", ", all)
        + ") ON CONFLICT ("
        + String.join(", ", conflict)
        + ") DO "
        + (sets.isEmpty()
            ? "NOTHING"
            : "UPDATE SET " + String.join(", ", sets) + " WHERE " + guard);
  }

  /**
   * Updates existing rows where something changed: found by their key, or ({@code located}) where
   * this transaction read and locked them ({@link #CTID}), which costs no index look-up.
   */
  private Set<String> update(
      Connection c, Table table, List<Write> writes, Set<String> columns, boolean located)
      throws SQLException {
    String key = table.key().get(0);
    List<String> all = keyAndColumns(table, columns);
    List<String> unnest = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      unnest.add("?::text[]");
    }
    List<String> updates = new ArrayList<>();
    List<String> olds = new ArrayList<>();
    List<String> news = new ArrayList<>();
    for (String column : all.subList(1, all.size())) {
      String value = newValue(table, column, "u." + column + "::" + type(c, table, column));
      updates.add(column + " = " + value);
      olds.add("t." + column);
      news.add(value);
    }
    if (table.touch() != null) {
      updates.add(table.touch() + " = now()");
    }
    String where =
        located
            ? "t.ctid = ANY(?::tid[]) AND t.ctid = u.hub_ctid::tid AND t."
                + key
                + " = u."
                + key
                + "::"
                + type(c, table, key)
            : "t." + key + " = u." + key + "::" + type(c, table, key);
    String sql =
        "UPDATE "
            + table.name()
            + " AS t SET "
            + String.join(", ", updates)
            + " FROM unnest("
            + String.join(", ", unnest)
            + (located ? ", ?::text[]" : "")
            + ") AS u("
            + String.join(", ", all)
            + (located ? ", hub_ctid" : "")
            + ") WHERE "
            + where
            + (table.never() == null ? "" : " AND NOT (" + table.never() + ")")
            + " AND ("
            + String.join(", ", olds)
            + ") IS DISTINCT FROM ("
            + String.join(", ", news)
            + ") RETURNING "
            + returning(table);
    return execute(c, table, writes, all, located, sql);
  }

  private static String returning(Table table) {
    String returning = "t." + table.key().get(0) + "::text";
    for (String column : table.returning()) {
      returning += ", t." + column + "::text";
    }
    return returning;
  }

  /** Runs an insert or update of {@code writes}; returns the keys of the rows it wrote. */
  private Set<String> execute(
      Connection c, Table table, List<Write> writes, List<String> all, boolean located, String sql)
      throws SQLException {
    Set<String> written = new java.util.HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int p = 1;
      for (String column : all) {
        String[] values = new String[writes.size()];
        for (int j = 0; j < writes.size(); j++) {
          values[j] = writes.get(j).values().get(column);
        }
        ps.setArray(p++, c.createArrayOf("text", values));
      }
      if (located) {
        String[] ctids = new String[writes.size()];
        for (int j = 0; j < writes.size(); j++) {
          ctids[j] = writes.get(j).current().get(CTID);
        }
        setLocations(c, ps, p, ctids);
      }
      Map<String, Write> byKey = new HashMap<>();
      writes.forEach(w -> byKey.put(w.key(), w));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          written.add(rs.getString(1));
          Write w = byKey.get(rs.getString(1));
          if (w != null && !table.returning().isEmpty()) {
            Map<String, String> returned = new HashMap<>();
            for (int i = 0; i < table.returning().size(); i++) {
              returned.put(table.returning().get(i), rs.getString(2 + i));
            }
            w.returned(returned);
          }
        }
      }
    }
    return written;
  }

  /**
   * The child rows of the written parents become the mapping's: the others are deleted, new ones
   * inserted, changed ones updated, unchanged ones left alone. One statement reads (and locks) the
   * parents' children and judges each against the mapping's rows; the deletes and updates then go
   * to where those rows are, without looking them up again.
   */
  private void replaceChildren(Connection c, Table child, List<Write> parents) throws SQLException {
    if (parents.isEmpty()) {
      return;
    }
    List<String> keys = new ArrayList<>();
    keys.add(child.parent());
    keys.addAll(child.key());
    List<String> all = new ArrayList<>(keys);
    all.addAll(child.columns());
    Map<String, String[]> wanted = new LinkedHashMap<>();
    List<String> parentKeys = new ArrayList<>();
    for (Write parent : parents) {
      parentKeys.add(parent.key());
      for (JsonNode r : parent.change().row().path(child.row())) {
        String[] values = new String[all.size()];
        values[0] = parent.key();
        for (int i = 1; i < all.size(); i++) {
          values[i] = text(r.get(all.get(i)));
        }
        StringBuilder k = new StringBuilder(parent.key());
        for (int i = 1; i < keys.size(); i++) {
          k.append(SEP).append(values[i]);
        }
        if (wanted.put(k.toString(), values) != null) {
          throw new SQLException(
              sink.name() + ": the mapping gives two " + child.name() + " rows of one key",
              "21000");
        }
      }
    }
    List<String[]> rows = new ArrayList<>(wanted.values());
    // the existing children, each: where it is, its key, gone from the mapping, changed
    StringBuilder keyText = new StringBuilder("cur." + child.parent() + "::text");
    for (String k : child.key()) {
      keyText.append(" || chr(31) || cur.").append(k).append("::text");
    }
    List<String> typed = new ArrayList<>();
    List<String> unnest = new ArrayList<>();
    for (String column : all) {
      typed.add("u." + column + "::" + type(c, child, column) + " AS " + column);
      unnest.add("?::text[]");
    }
    List<String> joins = new ArrayList<>();
    for (String k : keys) {
      joins.add("cur." + k + " = u." + k);
    }
    List<String> olds = new ArrayList<>();
    List<String> news = new ArrayList<>();
    for (String column : child.columns()) {
      olds.add("cur." + column);
      news.add("u." + column);
    }
    String judge =
        "WITH cur AS MATERIALIZED (SELECT t.ctid AS hub_ctid, t.* FROM "
            + child.name()
            + " t WHERE t."
            + child.parent()
            + " = ANY(?::"
            + type(c, child, child.parent())
            + "[]) FOR UPDATE), u AS (SELECT "
            + String.join(", ", typed)
            + " FROM unnest("
            + String.join(", ", unnest)
            + ") AS u("
            + String.join(", ", all)
            + ")) SELECT cur.hub_ctid::text, "
            + keyText
            + ", u."
            + child.parent()
            + " IS NULL, "
            + (olds.isEmpty()
                ? "false"
                : "(" + String.join(", ", olds) + ") IS DISTINCT FROM (" + String.join(", ", news))
            + (olds.isEmpty() ? "" : ")")
            + " FROM cur LEFT JOIN u ON "
            + String.join(" AND ", joins);
    List<String> gone = new ArrayList<>();
    Map<String, String> changed = new LinkedHashMap<>(); // key -> where
    Set<String> existing = new java.util.HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(judge)) {
      ps.setArray(1, c.createArrayOf("text", parentKeys.toArray()));
      setColumns(c, ps, 2, all, rows);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          existing.add(rs.getString(2));
          if (rs.getBoolean(3)) {
            gone.add(rs.getString(1));
          } else if (rs.getBoolean(4)) {
            changed.put(rs.getString(2), rs.getString(1));
          }
        }
      }
    }
    if (!gone.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM " + child.name() + " WHERE ctid = ANY(?::tid[])")) {
        ps.setArray(1, c.createArrayOf("text", gone.toArray()));
        ps.executeUpdate();
      }
    }
    List<String[]> upserts = new ArrayList<>();
    for (Map.Entry<String, String[]> e : wanted.entrySet()) {
      if (!existing.contains(e.getKey())) {
        upserts.add(e.getValue());
      }
    }
    if (!changed.isEmpty() && !child.columns().isEmpty()) {
      upserts.addAll(updateChildren(c, child, all, changed, wanted));
    }
    insertChildren(c, child, keys, all, upserts);
  }

  /** Binds each column's values of {@code rows} as a text array, from parameter {@code first}. */
  private static void setColumns(
      Connection c, PreparedStatement ps, int first, List<String> all, List<String[]> rows)
      throws SQLException {
    for (int i = 0; i < all.size(); i++) {
      String[] values = new String[rows.size()];
      for (int j = 0; j < rows.size(); j++) {
        values[j] = rows.get(j)[i];
      }
      ps.setArray(first + i, c.createArrayOf("text", values));
    }
  }

  /**
   * Binds the rows' {@code ctid}s of a located update twice, from parameter {@code first}: as the
   * unnest's column that pairs each row with its values and as the TID scan's list.
   */
  private static void setLocations(Connection c, PreparedStatement ps, int first, Object[] ctids)
      throws SQLException {
    ps.setArray(first, c.createArrayOf("text", ctids));
    ps.setArray(first + 1, c.createArrayOf("text", ctids));
  }

  /**
   * Updates the changed children where they are (read and locked by this transaction); returns the
   * rows it did not find there, for the keyed statement.
   */
  private List<String[]> updateChildren(
      Connection c,
      Table child,
      List<String> all,
      Map<String, String> changed,
      Map<String, String[]> wanted)
      throws SQLException {
    List<String[]> rows = new ArrayList<>();
    List<String> ctids = new ArrayList<>();
    for (Map.Entry<String, String> e : changed.entrySet()) {
      rows.add(wanted.get(e.getKey()));
      ctids.add(e.getValue());
    }
    List<String> sets = new ArrayList<>();
    List<String> unnest = new ArrayList<>();
    for (String column : all) {
      unnest.add("?::text[]");
    }
    for (String column : child.columns()) {
      sets.add(column + " = u." + column + "::" + type(c, child, column));
    }
    if (child.touch() != null) {
      sets.add(child.touch() + " = now()");
    }
    String sql =
        "UPDATE "
            + child.name()
            + " AS t SET "
            + String.join(", ", sets)
            + " FROM unnest("
            + String.join(", ", unnest)
            + ", ?::text[]) AS u("
            + String.join(", ", all)
            + ", hub_ctid) WHERE t.ctid = ANY(?::tid[]) AND t.ctid = u.hub_ctid::tid"
            + " RETURNING u.hub_ctid";
    Set<String> updated = new java.util.HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      setColumns(c, ps, 1, all, rows);
      setLocations(c, ps, all.size() + 1, ctids.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          updated.add(rs.getString(1));
        }
      }
    }
    List<String[]> missed = new ArrayList<>();
    for (int i = 0; i < ctids.size(); i++) {
      if (!updated.contains(ctids.get(i))) {
        missed.add(rows.get(i));
      }
    }
    return missed;
  }

  /** Inserts children, or updates those that exist (when something changed). */
  private void insertChildren(
      Connection c, Table child, List<String> keys, List<String> all, List<String[]> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(upsertSql(c, child, all, keys, child.columns()))) {
      setColumns(c, ps, 1, all, rows);
      ps.executeUpdate();
    }
  }

  /** A canonical delete: the main row updated as declared (or deleted, with its children). */
  private void delete(Connection c, Table table, List<Write> deletes) throws SQLException {
    if (deletes.isEmpty()) {
      return;
    }
    String key = table.key().get(0);
    String[] keys = deletes.stream().map(Write::key).toArray(String[]::new);
    if (table.deletesRows()) {
      for (Table child : sink.children()) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM "
                    + child.name()
                    + " WHERE "
                    + child.parent()
                    + " = ANY(?::"
                    + type(c, child, child.parent())
                    + "[])")) {
          ps.setArray(1, c.createArrayOf("text", keys));
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "DELETE FROM "
                  + table.name()
                  + " t WHERE t."
                  + key
                  + " = ANY(?::"
                  + type(c, table, key)
                  + "[])"
                  + (table.never() == null ? "" : " AND NOT (" + table.never() + ")"))) {
        ps.setArray(1, c.createArrayOf("text", keys));
        ps.executeUpdate();
      }
      return;
    }
    List<String> sets = new ArrayList<>();
    for (String column : table.delete().keySet()) {
      sets.add(column + " = ?::" + type(c, table, column));
    }
    boolean versions = !sink.versions().inHub();
    if (versions) {
      sets.add(sink.versions().column() + " = u.v::" + type(c, table, sink.versions().column()));
    }
    if (table.touch() != null) {
      sets.add(table.touch() + " = now()");
    }
    String sql =
        "UPDATE "
            + table.name()
            + " AS t SET "
            + String.join(", ", sets)
            + " FROM unnest(?::text[], ?::text[]) AS u(k, v) WHERE t."
            + key
            + " = u.k::"
            + type(c, table, key)
            + (table.never() == null ? "" : " AND NOT (" + table.never() + ")");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (String value : table.delete().values()) {
        ps.setString(i++, value);
      }
      String[] versionValues = new String[deletes.size()];
      for (int j = 0; j < deletes.size(); j++) {
        versionValues[j] = versions ? deletes.get(j).values().get(sink.versions().column()) : null;
      }
      ps.setArray(i++, c.createArrayOf("text", keys));
      ps.setArray(i, c.createArrayOf("text", versionValues));
      ps.executeUpdate();
    }
  }

  /** A column's type as the database has it (its udt name, for the casts from text). */
  public String type(Connection c, Table table, String column) throws SQLException {
    Map<String, String> columns = types.get(table.name());
    if (columns == null) {
      columns = new HashMap<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT column_name, udt_name FROM information_schema.columns"
                  + " WHERE table_schema = ? AND table_name = ?")) {
        ps.setString(1, table.schema());
        ps.setString(2, table.simpleName());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            columns.put(rs.getString(1), rs.getString(2));
          }
        }
      }
      if (columns.isEmpty()) {
        throw new SQLException(
            sink.name() + ": the table " + table.name() + " does not exist", "42P01");
      }
      types.put(table.name(), columns);
    }
    String type = columns.get(column);
    if (type == null) {
      throw new SQLException(
          sink.name() + ": " + table.name() + " has no column " + column, "42703");
    }
    return type;
  }

  /** Forgets the column types read (after the target's schema changed). */
  public void forgetTypes() {
    types.clear();
  }

  /** Maps a database failure; a missing referenced record means "not yet". */
  private RuntimeException translate(SQLException e) {
    if ("23503".equals(e.getSQLState())
        || (e.getNextException() != null && "23503".equals(e.getNextException().getSQLState()))) {
      return new NotYetKnownException(
          sink.name()
              + " does not have a record this change refers to yet: "
              + SqlFailures.describe(e));
    }
    return SqlFailures.translate(sink.name(), e);
  }
}
