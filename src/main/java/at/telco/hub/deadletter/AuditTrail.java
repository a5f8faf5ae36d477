package at.telco.hub.deadletter;

import at.telco.hub.canonical.Json;
import at.telco.hub.target.SqlFailures;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The audit trail of what people did with dead letters (hub.audit_entry): who, when, which dead
 * letter, the body's SHA-256 before and after, and the outcome. Bodies themselves are never written
 * here (they may hold personal data).
 */
public final class AuditTrail {

  /** One entry. */
  public record Entry(
      String actor,
      String action,
      UUID deadLetterId,
      String target,
      String beforeSha256,
      String afterSha256,
      String outcome,
      String detail,
      UUID jobId) {}

  private static final String INSERT =
      "INSERT INTO hub.audit_entry (actor, action, dead_letter_id, target, before_sha256,"
          + " after_sha256, outcome, detail, job_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final DataSource hub;

  public AuditTrail(DataSource hub) {
    this.hub = hub;
  }

  /** Records an entry in the caller's transaction. */
  public static void record(Connection c, Entry e) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      bind(ps, e);
      ps.executeUpdate();
    }
  }

  public void record(Entry e) {
    try (Connection c = hub.getConnection()) {
      record(c, e);
    } catch (SQLException ex) {
      throw SqlFailures.translate("hub database", ex);
    }
  }

  private static void bind(PreparedStatement ps, Entry e) throws SQLException {
    ps.setString(1, e.actor());
    ps.setString(2, e.action());
    ps.setObject(3, e.deadLetterId());
    ps.setString(4, e.target());
    ps.setString(5, e.beforeSha256());
    ps.setString(6, e.afterSha256());
    ps.setString(7, e.outcome());
    ps.setString(8, e.detail());
    ps.setObject(9, e.jobId());
  }

  /** Entries, newest first, by dead letter, actor, action and time; at most {@code limit}. */
  public ArrayNode search(
      UUID deadLetterId, String actor, String action, Instant since, Long before, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, at, actor, action, dead_letter_id, target, before_sha256, after_sha256,"
                + " outcome, detail, job_id FROM hub.audit_entry WHERE true");
    List<Object> params = new ArrayList<>();
    if (deadLetterId != null) {
      sql.append(" AND dead_letter_id = ?");
      params.add(deadLetterId);
    }
    if (actor != null) {
      sql.append(" AND actor = ?");
      params.add(actor);
    }
    if (action != null) {
      sql.append(" AND action = ?");
      params.add(action);
    }
    if (since != null) {
      sql.append(" AND at >= ?");
      params.add(Timestamp.from(since));
    }
    if (before != null) {
      sql.append(" AND id < ?");
      params.add(before);
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    params.add(limit);
    ArrayNode entries = Json.MAPPER.createArrayNode();
    try (Connection c = hub.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ObjectNode n = entries.addObject();
          n.put("id", rs.getLong(1));
          n.put("at", rs.getTimestamp(2).toInstant().toString());
          n.put("actor", rs.getString(3));
          n.put("action", rs.getString(4));
          n.put("deadLetterId", rs.getString(5));
          n.put("target", rs.getString(6));
          n.put("beforeSha256", rs.getString(7));
          n.put("afterSha256", rs.getString(8));
          n.put("outcome", rs.getString(9));
          n.put("detail", rs.getString(10));
          n.put("jobId", rs.getString(11));
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    return entries;
  }
}
