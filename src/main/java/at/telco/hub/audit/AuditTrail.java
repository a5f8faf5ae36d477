package at.telco.hub.audit;

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

  /**
   * One entry: who (actor, and the role they acted in when known), what (action), on what (object:
   * e.g. {@code user:night-shift}, {@code route:billing}; or the dead letter and target), and the
   * result (outcome). No personal data: bodies and keys only as hashes.
   */
  public record Entry(
      String actor,
      String role,
      String action,
      String object,
      UUID deadLetterId,
      String target,
      String beforeSha256,
      String afterSha256,
      String outcome,
      String detail,
      UUID jobId) {

    /** An entry without role and object (what the dead-letter workbench has recorded since V20). */
    public Entry(
        String actor,
        String action,
        UUID deadLetterId,
        String target,
        String beforeSha256,
        String afterSha256,
        String outcome,
        String detail,
        UUID jobId) {
      this(
          actor,
          null,
          action,
          null,
          deadLetterId,
          target,
          beforeSha256,
          afterSha256,
          outcome,
          detail,
          jobId);
    }

    /** An operator action: user, role, action, object, result. */
    public static Entry action(
        String actor, String role, String action, String object, String outcome, String detail) {
      return new Entry(actor, role, action, object, null, null, null, null, outcome, detail, null);
    }
  }

  /** The search filters of {@link #search(Filter)}; null means any. */
  public record Filter(
      UUID deadLetterId,
      String actor,
      String action,
      String object,
      Instant from,
      Instant to,
      Long before,
      int limit) {}

  private static final String INSERT =
      "INSERT INTO hub.audit_entry (actor, action, dead_letter_id, target, before_sha256,"
          + " after_sha256, outcome, detail, job_id, role, object)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

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

  /**
   * Records entries in the caller's transaction, in this order, with one statement: the trail's
   * trigger chains every row as it would a row inserted alone (each has its own sequence number and
   * hash), so a batch of entries is the same trail as the entries one by one.
   */
  public static void recordAll(Connection c, List<Entry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    if (entries.size() == 1) {
      record(c, entries.get(0));
      return;
    }
    int n = entries.size();
    String[][] text = new String[9][n];
    UUID[] deadLetters = new UUID[n];
    UUID[] jobs = new UUID[n];
    for (int i = 0; i < n; i++) {
      Entry e = entries.get(i);
      text[0][i] = e.actor();
      text[1][i] = e.action();
      text[2][i] = e.target();
      text[3][i] = e.beforeSha256();
      text[4][i] = e.afterSha256();
      text[5][i] = e.outcome();
      text[6][i] = e.detail();
      text[7][i] = e.role();
      text[8][i] = e.object();
      deadLetters[i] = e.deadLetterId();
      jobs[i] = e.jobId();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO hub.audit_entry (actor, action, dead_letter_id, target, before_sha256,"
                + " after_sha256, outcome, detail, job_id, role, object)"
                + " SELECT u.actor, u.action, u.dead_letter_id, u.target, u.before_sha256,"
                + " u.after_sha256, u.outcome, u.detail, u.job_id, u.role, u.object"
                + " FROM unnest(?::text[], ?::text[], ?::uuid[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[], ?::text[], ?::uuid[], ?::text[], ?::text[]) WITH ORDINALITY"
                + " AS u(actor, action, dead_letter_id, target, before_sha256, after_sha256,"
                + " outcome, detail, job_id, role, object, n) ORDER BY u.n")) {
      ps.setArray(1, c.createArrayOf("text", text[0]));
      ps.setArray(2, c.createArrayOf("text", text[1]));
      ps.setArray(3, c.createArrayOf("uuid", deadLetters));
      ps.setArray(4, c.createArrayOf("text", text[2]));
      ps.setArray(5, c.createArrayOf("text", text[3]));
      ps.setArray(6, c.createArrayOf("text", text[4]));
      ps.setArray(7, c.createArrayOf("text", text[5]));
      ps.setArray(8, c.createArrayOf("text", text[6]));
      ps.setArray(9, c.createArrayOf("uuid", jobs));
      ps.setArray(10, c.createArrayOf("text", text[7]));
      ps.setArray(11, c.createArrayOf("text", text[8]));
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
    ps.setString(10, e.role());
    ps.setString(11, e.object());
  }

  /** Entries, newest first, by dead letter, actor, action and time; at most {@code limit}. */
  public ArrayNode search(
      UUID deadLetterId, String actor, String action, Instant since, Long before, int limit) {
    return search(new Filter(deadLetterId, actor, action, null, since, null, before, limit));
  }

  /** Entries, newest first, matching every filter that is set; at most {@code limit}. */
  public ArrayNode search(Filter f) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, at, actor, action, dead_letter_id, target, before_sha256, after_sha256,"
                + " outcome, detail, job_id, role, object, writer, segment_id, seq, hash"
                + " FROM hub.audit_entry WHERE true");
    List<Object> params = new ArrayList<>();
    if (f.deadLetterId() != null) {
      sql.append(" AND dead_letter_id = ?");
      params.add(f.deadLetterId());
    }
    if (f.actor() != null) {
      sql.append(" AND actor = ?");
      params.add(f.actor());
    }
    if (f.action() != null) {
      sql.append(" AND action = ?");
      params.add(f.action());
    }
    if (f.object() != null) {
      sql.append(" AND object = ?");
      params.add(f.object());
    }
    if (f.from() != null) {
      sql.append(" AND at >= ?");
      params.add(Timestamp.from(f.from()));
    }
    if (f.to() != null) {
      sql.append(" AND at < ?");
      params.add(Timestamp.from(f.to()));
    }
    if (f.before() != null) {
      sql.append(" AND id < ?");
      params.add(f.before());
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    params.add(f.limit());
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
          n.put("role", rs.getString(12));
          n.put("object", rs.getString(13));
          n.put("writer", rs.getString(14));
          n.put("segment", rs.getLong(15));
          n.put("seq", rs.getLong(16));
          n.put("hash", rs.getString(17));
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    return entries;
  }
}
