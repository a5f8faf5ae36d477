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
      Transactions.run(dataSource, this::translate, c -> write(c, batch, judged, known));
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
        states.markApplied(sink.name(), applied);
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
      Map<String, TargetStates.State> known)
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
      for (Write w : batch.applied()) {
        pending.put(w.key(), w.event().entityVersion());
      }
      states.markPending(sink.name(), pending);
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

  /** The existing main rows: the declared reads, the versions, whether never to write them. */
  private Map<String, Map<String, String>> current(Connection c, Set<String> keys)
      throws SQLException {
    Table main = sink.main();
    String key = main.key().get(0);
    List<String> select = new ArrayList<>();
    select.add("t." + key + "::text");
    select.add(main.never() == null ? "false" : "(" + main.never() + ")");
    select.add(sink.versions().inHub() ? "NULL" : "t." + sink.versions().column() + "::text");
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
          for (int i = 0; i < main.reads().size(); i++) {
            row.put(main.reads().get(i), rs.getString(4 + i));
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
    for (Write w : writes) {
      (w.onlyColumns() == null && w.insertAllowed() ? full : partial).add(w);
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

  private Set<String> columnsOf(Table table) {
    Set<String> columns = new LinkedHashSet<>(table.columns());
    columns.addAll(table.keep());
    if (!sink.versions().inHub() && table == sink.main()) {
      columns.add(sink.versions().column());
    }
    return columns;
  }

  private void upsert(
      Connection c, Table table, List<Write> writes, Set<String> columns, boolean insert)
      throws SQLException {
    String key = table.key().get(0);
    List<String> all = new ArrayList<>();
    all.add(key);
    for (String column : columns) {
      if (!column.equals(key)) {
        all.add(column);
      }
    }
    List<String> cast = new ArrayList<>();
    List<String> unnest = new ArrayList<>();
    for (String column : all) {
      cast.add("u." + column + "::" + type(c, table, column));
      unnest.add("?::text[]");
    }
    List<String> sets = new ArrayList<>();
    List<String> olds = new ArrayList<>();
    List<String> news = new ArrayList<>();
    for (String column : all.subList(1, all.size())) {
      String value =
          table.keep().contains(column)
              ? "COALESCE(EXCLUDED." + column + ", t." + column + ")"
              : "EXCLUDED." + column;
      sets.add(column + " = " + value);
      olds.add("t." + column);
      news.add(value);
    }
    if (table.touch() != null) {
      sets.add(table.touch() + " = now()");
    }
    String returning = "t." + key + "::text";
    for (String column : table.returning()) {
      returning += ", t." + column + "::text";
    }
    String guard =
        (table.never() == null ? "" : "NOT (" + table.never() + ") AND ")
            + "("
            + String.join(", ", olds)
            + ") IS DISTINCT FROM ("
            + String.join(", ", news)
            + ")";
    String sql;
    if (insert) {
      sql =
          "INSERT INTO "
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
              + key
              + ") DO "
              + (sets.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", sets))
              + (sets.isEmpty() ? "" : " WHERE " + guard)
              + " RETURNING "
              + returning;
    } else {
      List<String> updates = new ArrayList<>();
      List<String> excluded = new ArrayList<>();
      for (String column : all.subList(1, all.size())) {
        String value =
            table.keep().contains(column)
                ? "COALESCE(u." + column + "::" + type(c, table, column) + ", t." + column + ")"
                : "u." + column + "::" + type(c, table, column);
        updates.add(column + " = " + value);
        excluded.add(value);
      }
      if (table.touch() != null) {
        updates.add(table.touch() + " = now()");
      }
      sql =
          "UPDATE "
              + table.name()
              + " AS t SET "
              + String.join(", ", updates)
              + " FROM unnest("
              + String.join(", ", unnest)
              + ") AS u("
              + String.join(", ", all)
              + ") WHERE t."
              + key
              + " = u."
              + key
              + "::"
              + type(c, table, key)
              + (table.never() == null ? "" : " AND NOT (" + table.never() + ")")
              + " AND ("
              + String.join(", ", olds)
              + ") IS DISTINCT FROM ("
              + String.join(", ", excluded)
              + ") RETURNING "
              + returning;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < all.size(); i++) {
        String column = all.get(i);
        String[] values = new String[writes.size()];
        for (int j = 0; j < writes.size(); j++) {
          values[j] = writes.get(j).values().get(column);
        }
        ps.setArray(i + 1, c.createArrayOf("text", values));
      }
      Map<String, Write> byKey = new HashMap<>();
      writes.forEach(w -> byKey.put(w.key(), w));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
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
  }

  /**
   * The child rows of the written parents become the mapping's: the others are deleted, these
   * inserted or updated (left alone when nothing changed).
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
    List<String[]> rows = new ArrayList<>();
    List<String> parentKeys = new ArrayList<>();
    List<String> keep = new ArrayList<>();
    for (Write parent : parents) {
      parentKeys.add(parent.key());
      for (JsonNode r : parent.change().row().path(child.row())) {
        String[] values = new String[all.size()];
        values[0] = parent.key();
        for (int i = 1; i < all.size(); i++) {
          values[i] = text(r.get(all.get(i)));
        }
        rows.add(values);
        StringBuilder k = new StringBuilder(parent.key());
        for (int i = 1; i < keys.size(); i++) {
          k.append(SEP).append(values[i]);
        }
        keep.add(k.toString());
      }
    }
    StringBuilder keyText = new StringBuilder("t." + child.parent() + "::text");
    for (String k : child.key()) {
      keyText.append(" || chr(31) || t.").append(k).append("::text");
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM "
                + child.name()
                + " t WHERE t."
                + child.parent()
                + " = ANY(?::"
                + type(c, child, child.parent())
                + "[]) AND ("
                + keyText
                + ") <> ALL(?::text[])")) {
      ps.setArray(1, c.createArrayOf("text", parentKeys.toArray()));
      ps.setArray(2, c.createArrayOf("text", keep.toArray()));
      ps.executeUpdate();
    }
    if (rows.isEmpty()) {
      return;
    }
    List<String> cast = new ArrayList<>();
    List<String> unnest = new ArrayList<>();
    for (String column : all) {
      cast.add("u." + column + "::" + type(c, child, column));
      unnest.add("?::text[]");
    }
    List<String> sets = new ArrayList<>();
    List<String> olds = new ArrayList<>();
    List<String> news = new ArrayList<>();
    for (String column : child.columns()) {
      sets.add(column + " = EXCLUDED." + column);
      olds.add("t." + column);
      news.add("EXCLUDED." + column);
    }
    if (child.touch() != null) {
      sets.add(child.touch() + " = now()");
    }
    String sql =
        "INSERT INTO "
            + child.name()
            + " AS t ("
            + String.join(", ", all)
            + (child.touch() == null ? "" : ", " + child.touch())
            + ") SELECT "
            + String.join(", ", cast)
            + (child.touch() == null ? "" : ", now()")
            + " FROM unnest("
            + String.join(", ", unnest)
            + ") AS u("
            + String.join(", ", all)
            + ") ON CONFLICT ("
            + String.join(", ", keys)
            + ") DO "
            + (child.columns().isEmpty()
                ? "NOTHING"
                : "UPDATE SET "
                    + String.join(", ", sets)
                    + " WHERE ("
                    + String.join(", ", olds)
                    + ") IS DISTINCT FROM ("
                    + String.join(", ", news)
                    + ")");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < all.size(); i++) {
        String[] values = new String[rows.size()];
        for (int j = 0; j < rows.size(); j++) {
          values[j] = rows.get(j)[i];
        }
        ps.setArray(i + 1, c.createArrayOf("text", values));
      }
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
