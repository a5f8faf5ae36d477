package at.telco.hub.consistency;

import at.telco.hub.canonical.Json;
import at.telco.hub.jdbc.SqlFailures;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/** Reconciliation reports in the hub database (hub.reconciliation_run, _difference). */
public final class ReconciliationStore {

  private final DataSource hub;

  public ReconciliationStore(DataSource hub) {
    this.hub = hub;
  }

  void start(
      UUID id,
      String trigger,
      String requestedBy,
      Collection<Pair> pairs,
      boolean repair,
      Instant at) {
    update(
        "INSERT INTO hub.reconciliation_run (id, trigger, requested_by, pairs, repair, started_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        (c, ps) -> {
          ps.setObject(1, id);
          ps.setString(2, trigger);
          ps.setString(3, requestedBy);
          ps.setArray(4, c.createArrayOf("text", pairs.stream().map(Pair::label).toArray()));
          ps.setBoolean(5, repair);
          ps.setTimestamp(6, Timestamp.from(at));
        });
  }

  void differences(UUID run, List<Difference> differences) {
    if (differences.isEmpty()) {
      return;
    }
    batch(
        "INSERT INTO hub.reconciliation_difference (run_id, pair, record_key, kind, attributes,"
            + " reason) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (c, ps) -> {
          for (Difference d : differences) {
            ps.setObject(1, run);
            ps.setString(2, d.pair().label());
            ps.setString(3, d.key());
            ps.setString(4, d.kind().name());
            ps.setArray(5, c.createArrayOf("text", d.attributes().toArray()));
            ps.setString(6, d.reason());
            ps.addBatch();
          }
        });
  }

  void repair(UUID run, Difference d, String outcome, Instant at) {
    update(
        "UPDATE hub.reconciliation_difference SET repair = ?, repaired_at = ?"
            + " WHERE run_id = ? AND pair = ? AND record_key = ?",
        (c, ps) -> {
          ps.setString(1, outcome);
          ps.setTimestamp(2, "REPAIRED".equals(outcome) ? Timestamp.from(at) : null);
          ps.setObject(3, run);
          ps.setString(4, d.pair().label());
          ps.setString(5, d.key());
        });
  }

  void finish(
      UUID run,
      String status,
      String error,
      Map<String, Long> compared,
      Map<String, Map<String, Long>> counts,
      int notListed,
      int repaired,
      Instant at) {
    update(
        "UPDATE hub.reconciliation_run SET status = ?, error = ?, compared = ?::jsonb,"
            + " differences = ?::jsonb, not_listed = ?, repaired = ?, finished_at = ? WHERE id = ?",
        (c, ps) -> {
          ps.setString(1, status);
          ps.setString(2, error);
          ps.setString(3, Json.write(Json.MAPPER.valueToTree(compared)));
          ps.setString(4, Json.write(Json.MAPPER.valueToTree(counts)));
          ps.setInt(5, notListed);
          ps.setInt(6, repaired);
          ps.setTimestamp(7, Timestamp.from(at));
          ps.setObject(8, run);
        });
  }

  /** Marks runs left RUNNING by an instance that died as FAILED. */
  void abandon(String reason) {
    update(
        "UPDATE hub.reconciliation_run SET status = 'FAILED', error = ?, finished_at = now()"
            + " WHERE status = 'RUNNING'",
        (c, ps) -> ps.setString(1, reason));
  }

  private static final String RUN_COLUMNS =
      "id, trigger, requested_by, pairs, repair, started_at, finished_at, status, error,"
          + " compared::text, differences::text, not_listed, repaired";

  /** The newest runs, newest first. */
  public ArrayNode runs(int limit) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    query(
        "SELECT " + RUN_COLUMNS + " FROM hub.reconciliation_run ORDER BY started_at DESC LIMIT ?",
        ps -> ps.setInt(1, limit),
        rs -> out.add(run(rs)));
    return out;
  }

  /** The newest finished run, or null. */
  public ObjectNode latestFinished() {
    ObjectNode[] found = new ObjectNode[1];
    query(
        "SELECT "
            + RUN_COLUMNS
            + " FROM hub.reconciliation_run WHERE status = 'DONE'"
            + " ORDER BY started_at DESC LIMIT 1",
        ps -> {},
        rs -> found[0] = run(rs));
    return found[0];
  }

  /**
   * One run with its differences (at most {@code limit}, after {@code afterKey} in key order, of
   * one pair and kind when given), or null when there is no such run.
   */
  public ObjectNode run(UUID id, String pair, String kind, String afterKey, int limit) {
    ObjectNode[] found = new ObjectNode[1];
    query(
        "SELECT " + RUN_COLUMNS + " FROM hub.reconciliation_run WHERE id = ?",
        ps -> ps.setObject(1, id),
        rs -> found[0] = run(rs));
    if (found[0] == null) {
      return null;
    }
    ArrayNode diffs = found[0].putArray("records");
    query(
        "SELECT pair, record_key, kind, attributes, reason, repair, repaired_at"
            + " FROM hub.reconciliation_difference WHERE run_id = ?"
            + " AND (?::text IS NULL OR pair = ?) AND (?::text IS NULL OR kind = ?)"
            + " AND record_key > ? ORDER BY record_key, pair LIMIT ?",
        ps -> {
          ps.setObject(1, id);
          ps.setString(2, pair);
          ps.setString(3, pair);
          ps.setString(4, kind);
          ps.setString(5, kind);
          ps.setString(6, afterKey == null ? "" : afterKey);
          ps.setInt(7, limit);
        },
        rs -> {
          ObjectNode d = diffs.addObject();
          d.put("pair", rs.getString(1));
          d.put("key", rs.getString(2));
          d.put("kind", rs.getString(3));
          ArrayNode attrs = d.putArray("attributes");
          for (String a : (String[]) rs.getArray(4).getArray()) {
            attrs.add(a);
          }
          d.put("reason", rs.getString(5));
          d.put("repair", rs.getString(6));
          Timestamp repairedAt = rs.getTimestamp(7);
          d.put("repairedAt", repairedAt == null ? null : repairedAt.toInstant().toString());
        });
    if (diffs.size() == limit) {
      found[0].put("next", diffs.get(diffs.size() - 1).path("key").asText());
    }
    return found[0];
  }

  private static ObjectNode run(ResultSet rs) throws SQLException {
    ObjectNode r = Json.object();
    r.put("id", rs.getString(1));
    r.put("trigger", rs.getString(2));
    r.put("requestedBy", rs.getString(3));
    ArrayNode pairs = r.putArray("pairs");
    for (String p : (String[]) rs.getArray(4).getArray()) {
      pairs.add(p);
    }
    r.put("repair", rs.getBoolean(5));
    r.put("startedAt", rs.getTimestamp(6).toInstant().toString());
    Timestamp finished = rs.getTimestamp(7);
    r.put("finishedAt", finished == null ? null : finished.toInstant().toString());
    r.put("status", rs.getString(8));
    r.put("error", rs.getString(9));
    r.set("compared", Json.parse(rs.getString(10)));
    r.set("differences", Json.parse(rs.getString(11)));
    r.put("notListed", rs.getInt(12));
    r.put("repaired", rs.getInt(13));
    return r;
  }

  // --- JDBC plumbing

  interface Statement {
    void prepare(Connection c, PreparedStatement ps) throws SQLException;
  }

  interface Params {
    void set(PreparedStatement ps) throws SQLException;
  }

  interface Rows {
    void row(ResultSet rs) throws SQLException;
  }

  private void update(String sql, Statement statement) {
    try (Connection c = hub.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      statement.prepare(c, ps);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  private void batch(String sql, Statement statement) {
    try (Connection c = hub.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      statement.prepare(c, ps);
      ps.executeBatch();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  private void query(String sql, Params params, Rows rows) {
    try (Connection c = hub.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      params.set(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.row(rs);
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }
}
