package at.telco.hub.sink;

import at.telco.hub.jdbc.SqlFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

  /** What the hub knows it applied (or may have applied) for one key. */
  public record State(String applied, String pending, String appliedStatus) {}

  /** A version that landed in the target. */
  public record Applied(String key, String version, String status) {}

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
                "SELECT entity_key, applied_version, pending_version, applied_status"
                    + " FROM hub.target_state WHERE target = ? AND entity_key = ANY(?::text[])")) {
      ps.setString(1, target);
      ps.setArray(2, c.createArrayOf("text", keys.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          states.put(rs.getString(1), new State(rs.getString(2), rs.getString(3), rs.getString(4)));
        }
      }
      return states;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  public void markPending(String target, Map<String, String> versions) {
    if (versions.isEmpty()) {
      return;
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO hub.target_state (target, entity_key, pending_version)"
                    + " VALUES (?, ?, ?) ON CONFLICT (target, entity_key)"
                    + " DO UPDATE SET pending_version = EXCLUDED.pending_version")) {
      c.setAutoCommit(true);
      for (Map.Entry<String, String> e : versions.entrySet()) {
        ps.setString(1, target);
        ps.setString(2, e.getKey());
        ps.setString(3, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  public void markApplied(String target, List<Applied> applied) {
    if (applied.isEmpty()) {
      return;
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO hub.target_state AS s (target, entity_key, applied_version,"
                    + " applied_status, applied_at) VALUES (?, ?, ?, ?, now())"
                    + " ON CONFLICT (target, entity_key) DO UPDATE SET"
                    + " applied_version = EXCLUDED.applied_version,"
                    + " applied_status = EXCLUDED.applied_status, applied_at = now(),"
                    + " pending_version = CASE WHEN s.pending_version = EXCLUDED.applied_version"
                    + " THEN NULL ELSE s.pending_version END")) {
      c.setAutoCommit(true);
      for (Applied a : applied) {
        ps.setString(1, target);
        ps.setString(2, a.key());
        ps.setString(3, a.version());
        ps.setString(4, a.status());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
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
