package at.telco.hub.deadletter;

import at.telco.hub.canonical.Json;
import at.telco.hub.jdbc.SqlFailures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Finds dead letters in the hub's index (never by browsing queues): pages of summaries by filter,
 * newest failure first, with a cursor; counts and the oldest per target; one dead letter in full.
 */
public final class DeadLetterSearch {

  static final String SUMMARY_COLUMNS =
      "d.id, d.target, d.status, d.reason, d.attempts, d.failures, d.first_failed_at,"
          + " d.last_failed_at, d.customer_id, d.crm_account_id, d.billing_account, d.msisdn,"
          + " d.event_type, d.entity_version, d.resolution, d.superseded_by_version,"
          + " d.body IS DISTINCT FROM d.original_body, d.exception_class, d.route_id, d.event_id,"
          + " d.correlation_id, d.resolved_at, d.resolved_by, d.replay_by";

  private final DataSource hub;
  private final Clock clock;

  public DeadLetterSearch(DataSource hub, Clock clock) {
    this.hub = hub;
    this.clock = clock;
  }

  /** A page of summaries, newest failure first, and the cursor of the next page (or null). */
  public ObjectNode page(DeadLetterFilter filter, int limit, String cursor) {
    StringBuilder sql = new StringBuilder("SELECT " + SUMMARY_COLUMNS + " FROM hub.dead_letter d");
    List<Object> params = new ArrayList<>();
    filter.where(sql, params);
    if (cursor != null) {
      Object[] c = decodeCursor(cursor);
      sql.append(" AND (d.last_failed_at, d.id) < (?, ?)");
      params.add(c[0]);
      params.add(c[1]);
    }
    sql.append(" ORDER BY d.last_failed_at DESC, d.id DESC LIMIT ?");
    params.add(limit + 1);
    ObjectNode page = Json.object();
    ArrayNode items = page.putArray("items");
    String next = null;
    Set<String> accounts = new LinkedHashSet<>();
    try (Connection c = hub.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      bind(c, ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        int n = 0;
        Timestamp lastAt = null;
        String lastId = null;
        while (rs.next()) {
          if (n++ == limit) {
            next = encodeCursor(lastAt, lastId);
            break;
          }
          ObjectNode item = summary(rs);
          items.add(item);
          lastAt = rs.getTimestamp(8);
          lastId = rs.getString(1);
          if (rs.getString(10) != null) {
            accounts.add(rs.getString(10));
          }
        }
      }
      addRecordCounts(c, items, accounts);
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    page.put("nextCursor", next);
    page.set("filter", filter.toJson());
    return page;
  }

  /**
   * For each summary: how many open dead letters its record (CRM account) has, in which targets,
   * and whether this is the newest of them in its target (the one whose replay matters).
   */
  private static void addRecordCounts(Connection c, ArrayNode items, Set<String> accounts)
      throws SQLException {
    if (accounts.isEmpty()) {
      return;
    }
    java.util.Map<String, ObjectNode> byAccount = new java.util.HashMap<>();
    java.util.Map<String, String> newestPerAccountTarget = new java.util.HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT crm_account_id, target, count(*),"
                + " (array_agg(id ORDER BY last_failed_at DESC, id DESC))[1]"
                + " FROM hub.dead_letter WHERE crm_account_id = ANY(?::text[])"
                + " AND status IN ('QUEUED', 'REPLAYING', 'SUPERSEDED')"
                + " GROUP BY crm_account_id, target")) {
      ps.setArray(1, c.createArrayOf("text", accounts.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ObjectNode r =
              byAccount.computeIfAbsent(
                  rs.getString(1),
                  k -> {
                    ObjectNode o = Json.object();
                    o.put("open", 0);
                    o.putObject("byTarget");
                    return o;
                  });
          r.put("open", r.get("open").asInt() + rs.getInt(3));
          ((ObjectNode) r.get("byTarget")).put(rs.getString(2), rs.getInt(3));
          newestPerAccountTarget.put(rs.getString(1) + "|" + rs.getString(2), rs.getString(4));
        }
      }
    }
    for (JsonNode item : items) {
      String account = Json.text(item, "crmAccountId");
      if (account != null && byAccount.containsKey(account)) {
        ObjectNode o = (ObjectNode) item;
        o.set("record", byAccount.get(account));
        o.put(
            "newestOfRecord",
            Json.text(item, "id")
                .equals(newestPerAccountTarget.get(account + "|" + Json.text(item, "target"))));
      }
    }
  }

  /** Counts and the oldest open failure per target. */
  public ObjectNode summary() {
    ObjectNode s = Json.object();
    ArrayNode targets = s.putArray("targets");
    Instant now = clock.instant();
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT target,
                  count(*) FILTER (WHERE status IN ('QUEUED', 'REPLAYING', 'SUPERSEDED')),
                  count(*) FILTER (WHERE status = 'QUEUED'),
                  count(*) FILTER (WHERE status = 'REPLAYING'),
                  count(*) FILTER (WHERE status = 'SUPERSEDED'),
                  min(first_failed_at) FILTER (WHERE status IN ('QUEUED', 'REPLAYING', 'SUPERSEDED')),
                  count(*) FILTER (WHERE status IN ('REPLAYED', 'RESOLVED')),
                  count(*) FILTER (WHERE status = 'DISCARDED'),
                  count(*) FILTER (WHERE status = 'REPLACED')
                FROM hub.dead_letter GROUP BY target ORDER BY target
                """);
        ResultSet rs = ps.executeQuery()) {
      int open = 0;
      while (rs.next()) {
        ObjectNode t = targets.addObject();
        t.put("target", rs.getString(1));
        t.put("open", rs.getInt(2));
        t.put("queued", rs.getInt(3));
        t.put("replaying", rs.getInt(4));
        t.put("superseded", rs.getInt(5));
        Timestamp oldest = rs.getTimestamp(6);
        t.put("oldestFailedAt", oldest == null ? null : oldest.toInstant().toString());
        if (oldest == null) {
          t.putNull("oldestAgeSeconds");
        } else {
          t.put("oldestAgeSeconds", Duration.between(oldest.toInstant(), now).toSeconds());
        }
        t.put("resolved", rs.getInt(7));
        t.put("discarded", rs.getInt(8));
        // closed: replaced by a newer dead letter of their record (in that one's history)
        t.put("replaced", rs.getInt(9));
        open += rs.getInt(2);
      }
      s.put("open", open);
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    return s;
  }

  /** One dead letter as stored (for the workbench), or null. */
  public record Stored(
      UUID id,
      String target,
      String status,
      String body,
      String originalBody,
      String messageId,
      String crmAccountId,
      String entityVersion,
      String replayBy,
      Instant replayStartedAt,
      String resolution,
      Instant firstFailedAt) {}

  public Stored stored(UUID id) {
    try (Connection c = hub.getConnection()) {
      return stored(c, id, false);
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  static Stored stored(Connection c, UUID id, boolean lock) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, target, status, body, original_body, message_id, crm_account_id,"
                + " entity_version, replay_by, replay_started_at, resolution, first_failed_at"
                + " FROM hub.dead_letter WHERE id = ?"
                + (lock ? " FOR UPDATE" : ""))) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Timestamp started = rs.getTimestamp(10);
        return new Stored(
            rs.getObject(1, UUID.class),
            rs.getString(2),
            rs.getString(3),
            rs.getString(4),
            rs.getString(5),
            rs.getString(6),
            rs.getString(7),
            rs.getString(8),
            rs.getString(9),
            started == null ? null : started.toInstant(),
            rs.getString(11),
            rs.getTimestamp(12).toInstant());
      }
    }
  }

  /**
   * One dead letter in full: its summary, headers, body (only when {@code withBody}: bodies hold
   * personal data), the failure history, and what an edit changed against the body as received.
   */
  public ObjectNode detail(UUID id, boolean withBody) {
    try (Connection c = hub.getConnection()) {
      ObjectNode d;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + SUMMARY_COLUMNS
                  + ", d.headers::text, d.body, d.original_body, d.message_id, d.replay_started_at,"
                  + " d.superseded_at, d.replaced_by, d.replaced_at"
                  + " FROM hub.dead_letter d WHERE d.id = ?")) {
        ps.setObject(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return null;
          }
          d = summary(rs);
          d.set("headers", rs.getString(25) == null ? null : Json.parse(rs.getString(25)));
          String body = rs.getString(26);
          String original = rs.getString(27);
          d.put("messageId", rs.getString(28));
          Timestamp started = rs.getTimestamp(29);
          d.put("replayStartedAt", started == null ? null : started.toInstant().toString());
          Timestamp superseded = rs.getTimestamp(30);
          d.put("supersededAt", superseded == null ? null : superseded.toInstant().toString());
          d.put("replacedBy", rs.getString(31));
          Timestamp replaced = rs.getTimestamp(32);
          d.put("replacedAt", replaced == null ? null : replaced.toInstant().toString());
          d.put("bodySha256", body == null ? null : DeadLetters.sha256(body));
          d.put("originalBodySha256", original == null ? null : DeadLetters.sha256(original));
          d.put("bodyVisible", withBody);
          if (withBody) {
            d.put("body", body);
            d.put("originalBody", original);
            d.set(
                "changes",
                body == null || original == null || body.equals(original)
                    ? Json.MAPPER.createArrayNode()
                    : JsonDiff.between(original, body));
          }
        }
      }
      ArrayNode failures = d.putArray("failureHistory");
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT failed_at, reason, exception_class, route_id, attempts, replayed_by"
                  + " FROM hub.dead_letter_failure WHERE dead_letter_id = ? ORDER BY id")) {
        ps.setObject(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ObjectNode f = failures.addObject();
            f.put("failedAt", rs.getTimestamp(1).toInstant().toString());
            f.put("reason", rs.getString(2));
            f.put("exceptionClass", rs.getString(3));
            f.put("routeId", rs.getString(4));
            f.put("attempts", rs.getInt(5));
            f.put("replayedBy", rs.getString(6));
          }
        }
      }
      // the older dead letters of its record and target it replaced (replayable from here)
      ArrayNode replaces = d.putArray("replaces");
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + SUMMARY_COLUMNS
                  + " FROM hub.dead_letter d WHERE d.replaced_by = ?"
                  + " ORDER BY d.last_failed_at DESC, d.id DESC LIMIT 100")) {
        ps.setObject(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            replaces.add(summary(rs));
          }
        }
      }
      return d;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  private static ObjectNode summary(ResultSet rs) throws SQLException {
    ObjectNode n = Json.object();
    n.put("id", rs.getString(1));
    n.put("target", rs.getString(2));
    n.put("status", rs.getString(3));
    n.put("reason", rs.getString(4));
    n.put("attempts", rs.getInt(5));
    n.put("failures", rs.getInt(6));
    n.put("firstFailedAt", rs.getTimestamp(7).toInstant().toString());
    n.put("lastFailedAt", rs.getTimestamp(8).toInstant().toString());
    n.put("customerId", rs.getString(9));
    n.put("crmAccountId", rs.getString(10));
    n.put("billingAccount", rs.getString(11));
    n.put("msisdn", rs.getString(12));
    n.put("eventType", rs.getString(13));
    n.put("entityVersion", rs.getString(14));
    n.put("resolution", rs.getString(15));
    n.put("supersededByVersion", rs.getString(16));
    n.put("edited", rs.getBoolean(17));
    n.put("exceptionClass", rs.getString(18));
    n.put("routeId", rs.getString(19));
    n.put("eventId", rs.getString(20));
    n.put("correlationId", rs.getString(21));
    Timestamp resolved = rs.getTimestamp(22);
    n.put("resolvedAt", resolved == null ? null : resolved.toInstant().toString());
    n.put("resolvedBy", rs.getString(23));
    n.put("replayBy", rs.getString(24));
    return n;
  }

  static void bind(Connection c, PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof String[] array) {
        Array a = c.createArrayOf("text", array);
        ps.setArray(i + 1, a);
      } else {
        ps.setObject(i + 1, p);
      }
    }
  }

  private static String encodeCursor(Timestamp at, String id) {
    Instant i = at.toInstant();
    String raw = i.getEpochSecond() + ":" + i.getNano() + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static Object[] decodeCursor(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] p = raw.split(":");
      Instant at = Instant.ofEpochSecond(Long.parseLong(p[0]), Long.parseLong(p[1]));
      return new Object[] {Timestamp.from(at), UUID.fromString(p[2])};
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cursor is not one this API gave out");
    }
  }
}
