package at.telco.hub.sink;

import at.telco.hub.canonical.SnapshotVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a target applies a version of a record, the open dead letters of that record in that target
 * with an older version are marked SUPERSEDED: support sees that replaying them would change
 * nothing (the replay would be skipped as stale). They stay in the queue until someone replays or
 * discards them. Best effort: a failure here never fails the target's batch.
 */
public final class DeadLetterSupersession implements AppliedChanges {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSupersession.class);

  private final DataSource hub;

  public DeadLetterSupersession(DataSource hub) {
    this.hub = hub;
  }

  @Override
  public void applied(String target, List<TargetChange> changes) {
    Map<String, SnapshotVersion> applied = new HashMap<>();
    Map<String, String> tokens = new HashMap<>();
    for (TargetChange change : changes) {
      if (change.outcome() == ApplyOutcome.APPLIED && change.readable()) {
        String version = change.event().entityVersion();
        SnapshotVersion parsed = SnapshotVersion.tryParse(version);
        if (parsed != null) {
          applied.put(change.event().subject(), parsed);
          tokens.put(change.event().subject(), version);
        }
      }
    }
    if (applied.isEmpty()) {
      return;
    }
    try (Connection c = hub.getConnection()) {
      Map<UUID, String> superseded = new HashMap<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, crm_account_id, entity_version FROM hub.dead_letter"
                  + " WHERE target = ? AND crm_account_id = ANY(?::text[]) AND status = 'QUEUED'")) {
        ps.setString(1, target);
        ps.setArray(2, c.createArrayOf("text", applied.keySet().toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String v = rs.getString(3);
            SnapshotVersion newer = applied.get(rs.getString(2));
            SnapshotVersion dead = SnapshotVersion.tryParse(v);
            if (dead != null && dead.comparedTo(newer) == SnapshotVersion.Order.OLDER) {
              superseded.put(rs.getObject(1, UUID.class), tokens.get(rs.getString(2)));
            }
          }
        }
      }
      if (superseded.isEmpty()) {
        return;
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE hub.dead_letter SET status = 'SUPERSEDED', superseded_by_version = ?,"
                  + " superseded_at = now() WHERE id = ? AND status = 'QUEUED'")) {
        for (Map.Entry<UUID, String> e : superseded.entrySet()) {
          ps.setString(1, e.getValue());
          ps.setObject(2, e.getKey());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      LOG.info("{} dead letter(s) of {} superseded by newer versions", superseded.size(), target);
    } catch (SQLException | RuntimeException e) {
      LOG.debug("could not mark superseded dead letters of {}: {}", target, e.getMessage());
    }
  }
}
