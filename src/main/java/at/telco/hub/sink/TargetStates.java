package at.telco.hub.sink;

import at.telco.hub.jdbc.SqlFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The hub's record of what it applied to a target that has no place for versions
 * (hub.target_state). The pending version is committed before the target's commit and the applied
 * version after it, so after a crash in between the record still fences off anything older than
 * what may have landed.
 */
public final class TargetStates {

  /**
   * What the hub knows it applied (or may have applied) for one key, and where its row was when
   * read ({@code ctid}, to mark it without looking it up again).
   */
  public record State(String applied, String pending, String appliedStatus, String ctid) {
    public State(String applied, String pending, String appliedStatus) {
      this(applied, pending, appliedStatus, null);
    }
  }

  /** A version that landed in the target. */
  public record Applied(String key, String version, String status) {}

  /**
   * One kind of mark: what it sets on a row found where it was read ({@code u} the unnested
   * values), the columns and values it inserts for a new key, and what it sets on a conflict.
   */
  private record Mark(String set, String insert, String conflict) {}

  private static final Mark PENDING =
      new Mark(
          "pending_version = u.pending",
          "(target, entity_key, pending_version) SELECT ?, u.k, u.pending",
          "pending_version = EXCLUDED.pending_version");

  private static final Mark APPLIED =
      new Mark(
          "applied_version = u.applied, applied_status = u.status, applied_at = now(),"
              + " pending_version = CASE WHEN t.pending_version = u.applied THEN NULL"
              + " ELSE t.pending_version END",
          "(target, entity_key, applied_version, applied_status, applied_at)"
              + " SELECT ?, u.k, u.applied, u.status, now()",
          "applied_version = EXCLUDED.applied_version, applied_status = EXCLUDED.applied_status,"
              + " applied_at = now(), pending_version = CASE WHEN t.pending_version"
              + " = EXCLUDED.applied_version THEN NULL ELSE t.pending_version END");

  private final DataSource hub;

  public TargetStates(DataSource hub) {
    this.hub = hub;
  }

  public Map<String, State> read(String target, Collection<String> keys) {
    Map<String, State> states = new HashMap<>();
    if (keys.isEmpty()) {
      return states;
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT entity_key, applied_version, pending_version, applied_status, ctid::text"
                    + " FROM hub.target_state WHERE target = ? AND entity_key = ANY(?::text[])")) {
      ps.setString(1, target);
      ps.setArray(2, c.createArrayOf("text", keys.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          states.put(
              rs.getString(1),
              new State(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
        }
      }
      return states;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  public void markPending(String target, Map<String, String> versions) {
    markPending(target, versions, Map.of());
  }

  /**
   * Marks these versions pending, in one statement for the rows found where {@code located} says
   * they were read (no index look-up) and one for the others (new keys, or rows moved since);
   * returns where each key's row is now.
   */
  public Map<String, String> markPending(
      String target, Map<String, String> versions, Map<String, String> located) {
    if (versions.isEmpty()) {
      return Map.of();
    }
    List<String[]> rows = new ArrayList<>();
    versions.forEach((k, v) -> rows.add(new String[] {k, v, null, null}));
    return mark(target, rows, located, PENDING);
  }

  public void markApplied(String target, List<Applied> applied) {
    markApplied(target, applied, Map.of());
  }

  /** Marks these versions applied (as {@link #markPending}, where {@code located} says). */
  public Map<String, String> markApplied(
      String target, List<Applied> applied, Map<String, String> located) {
    if (applied.isEmpty()) {
      return Map.of();
    }
    Map<String, String[]> byKey = new java.util.LinkedHashMap<>(); // the last of a key counts
    applied.forEach(a -> byKey.put(a.key(), new String[] {a.key(), null, a.version(), a.status()}));
    return mark(target, new ArrayList<>(byKey.values()), located, APPLIED);
  }

  /**
   * rows: {key, pending, applied, status}. The located ones are updated where they are; a row that
   * is not there any more (updated by another writer meanwhile) and the keys without a location go
   * by the key, inserted when new.
   */
  private Map<String, String> mark(
      String target, List<String[]> rows, Map<String, String> located, Mark mark) {
    Map<String, String> where = new HashMap<>();
    try (Connection c = hub.getConnection()) {
      c.setAutoCommit(true);
      List<String[]> there = new ArrayList<>();
      List<String[]> keyed = new ArrayList<>();
      for (String[] r : rows) {
        (located.get(r[0]) != null ? there : keyed).add(r);
      }
      if (!there.isEmpty()) {
        String[] ctids = new String[there.size()];
        for (int i = 0; i < ctids.length; i++) {
          ctids[i] = located.get(there.get(i)[0]);
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.target_state t SET "
                    + mark.set()
                    + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
                    + " AS u(k, pending, applied, status, c) WHERE t.ctid = ANY(?::tid[])"
                    + " AND t.ctid = u.c::tid AND t.target = ? AND t.entity_key = u.k"
                    + " RETURNING t.entity_key, t.ctid::text")) {
          bind(c, ps, there);
          ps.setArray(5, c.createArrayOf("text", ctids));
          ps.setArray(6, c.createArrayOf("text", ctids));
          ps.setString(7, target);
          collect(ps, where);
        }
        for (String[] r : there) {
          if (!where.containsKey(r[0])) {
            keyed.add(r);
          }
        }
      }
      if (!keyed.isEmpty()) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO hub.target_state AS t "
                    + mark.insert()
                    + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])"
                    + " AS u(k, pending, applied, status) ORDER BY u.k"
                    + " ON CONFLICT (target, entity_key) DO UPDATE SET "
                    + mark.conflict()
                    + " RETURNING t.entity_key, t.ctid::text")) {
          ps.setString(1, target);
          bindFrom(c, ps, 2, keyed);
          collect(ps, where);
        }
      }
      return where;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  private static void bind(Connection c, PreparedStatement ps, List<String[]> rows)
      throws SQLException {
    bindFrom(c, ps, 1, rows);
  }

  private static void bindFrom(Connection c, PreparedStatement ps, int first, List<String[]> rows)
      throws SQLException {
    for (int i = 0; i < 4; i++) {
      String[] values = new String[rows.size()];
      for (int j = 0; j < rows.size(); j++) {
        values[j] = rows.get(j)[i];
      }
      ps.setArray(first + i, c.createArrayOf("text", values));
    }
  }

  private static void collect(PreparedStatement ps, Map<String, String> where) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        where.put(rs.getString(1), rs.getString(2));
      }
    }
  }

  /**
   * Whether a change must be written, given what the hub knows it applied: null when it must be
   * written, else why not. A pending version (a write that may or may not have landed before a
   * crash) lets the same or a newer version through and fences off older ones; an applied version
   * lets only newer ones through.
   */
  public static ApplyOutcome verdict(TargetChange change, State state) {
    if (state == null) {
      return null;
    }
    String incoming = Versions.versionOf(change.event());
    if (state.pending() != null) {
      switch (Versions.compare(incoming, state.pending())) {
        case SAME, NEWER -> {
          return null;
        }
        case OLDER -> {
          return ApplyOutcome.STALE;
        }
        case INCOMPARABLE -> {
          change.failed(Versions.incomparable(change, state.pending()));
          return ApplyOutcome.FAILED;
        }
      }
    }
    if (state.applied() != null) {
      switch (Versions.compare(incoming, state.applied())) {
        case NEWER -> {
          return null;
        }
        case SAME -> {
          // a resync writes the master's state again: the target may have been changed behind
          // the hub's back or restored from a backup
          return change.event().isResync() ? null : ApplyOutcome.DUPLICATE;
        }
        case OLDER -> {
          return ApplyOutcome.STALE;
        }
        case INCOMPARABLE -> {
          change.failed(Versions.incomparable(change, state.applied()));
          return ApplyOutcome.FAILED;
        }
      }
    }
    return null;
  }

  /** Whether this change rewrites a pending version (a retry after a crash). */
  public static boolean isRetry(TargetChange change, State state) {
    return state != null
        && state.pending() != null
        && state.pending().equals(change.event().entityVersion());
  }

  /** Forgets a pending version that did not land (its change was dead-lettered). */
  public void clearPending(String target, String key, String version) {
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.target_state SET pending_version = NULL"
                    + " WHERE target = ? AND entity_key = ? AND pending_version = ?")) {
      ps.setString(1, target);
      ps.setString(2, key);
      ps.setString(3, version);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /** Forgets what was applied, so a resync re-applies everything (after a target restore). */
  public int reset(String target) {
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement("DELETE FROM hub.target_state WHERE target = ?")) {
      ps.setString(1, target);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }
}
