package at.telco.hub.erasure;

import at.telco.hub.audit.AuditTrail;
import at.telco.hub.deadletter.DeadLetterQueue;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letter bodies are personal data: after {@code hub.dead-letter.retention} (counted from a
 * dead letter's last failure) the body, the edited body and the headers of a closed dead letter
 * (replayed, discarded, resolved) are removed from hub.dead_letter and its Artemis message from its
 * queue (through the queue purge). What stays is the metadata (target, reason, keys, times, failure
 * history) and the audit entry. The master still has the record: a resync brings it again.
 *
 * <p>A dead letter still open is a change nobody has decided about yet: it is not discarded by the
 * clock unless {@code hub.dead-letter.retention.discard-open} says so explicitly. Before and after
 * its retention it is counted in {@code hub_dead_letters_retention_due{target}}, and the alert
 * {@code TelcoHubDeadLettersAtRetention} asks support to decide.
 */
public final class DeadLetterRetention {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRetention.class);

  private final DataSource hub;
  private final Duration retention;
  private final int batchSize;
  private final Clock clock;
  private final boolean discardOpen;

  /**
   * @param discardOpen whether open dead letters past the retention are discarded too (off by
   *     default: they wait for a person, and an alert says so)
   */
  public DeadLetterRetention(
      DataSource hub, Duration retention, int batchSize, Clock clock, boolean discardOpen) {
    this.hub = hub;
    this.retention = retention;
    this.batchSize = batchSize;
    this.clock = clock;
    this.discardOpen = discardOpen;
  }

  /** Purges one batch of expired dead letters; returns how many. */
  public int purge() {
    Timestamp before = Timestamp.from(clock.instant().minus(retention));
    int purged;
    try {
      purged =
          Transactions.untranslated(
              hub,
              c -> {
                int n = 0;
                try (PreparedStatement select =
                        c.prepareStatement(
                            "SELECT id, target, message_id, status FROM hub.dead_letter"
                                + " WHERE last_failed_at < ? AND (body IS NOT NULL OR"
                                + " original_body IS NOT NULL OR headers IS NOT NULL OR status IN"
                                + " ('QUEUED', 'REPLAYING', 'SUPERSEDED'))"
                                + (discardOpen
                                    ? ""
                                    : " AND status NOT IN ('QUEUED', 'REPLAYING', 'SUPERSEDED')")
                                + " ORDER BY last_failed_at LIMIT ? FOR UPDATE SKIP LOCKED");
                    PreparedStatement update =
                        c.prepareStatement(
                            "UPDATE hub.dead_letter SET body = NULL, original_body = NULL,"
                                + " headers = NULL, status = CASE WHEN status IN ('QUEUED',"
                                + " 'REPLAYING', 'SUPERSEDED') THEN 'DISCARDED' ELSE status END,"
                                + " resolution = CASE WHEN status IN ('QUEUED', 'REPLAYING',"
                                + " 'SUPERSEDED') THEN ? ELSE resolution END,"
                                + " resolved_at = CASE WHEN status IN ('QUEUED', 'REPLAYING',"
                                + " 'SUPERSEDED') THEN now() ELSE resolved_at END,"
                                + " resolved_by = CASE WHEN status IN ('QUEUED', 'REPLAYING',"
                                + " 'SUPERSEDED') THEN 'hub' ELSE resolved_by END WHERE id = ?")) {
                  select.setTimestamp(1, before);
                  select.setInt(2, batchSize);
                  String reason = "retention: body purged after " + retention;
                  try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                      UUID id = rs.getObject(1, UUID.class);
                      String target = rs.getString(2);
                      update.setString(1, reason);
                      update.setObject(2, id);
                      update.executeUpdate();
                      // its message leaves the queue through the queue purge (the open ones', and
                      // any leftover of a closed one: removing a message that is gone removes
                      // nothing)
                      DeadLetterQueue.requestPurge(c, rs.getString(3), target);
                      AuditTrail.record(
                          c,
                          new AuditTrail.Entry(
                              "hub",
                              "retention-purge",
                              id,
                              target,
                              null,
                              null,
                              "purged",
                              reason + " (status was " + rs.getString(4) + ")",
                              null));
                      n++;
                    }
                  }
                }
                return n;
              });
    } catch (SQLException e) {
      LOG.warn(
          "dead-letter retention postponed: {}",
          SqlFailures.translate("hub database", e).getMessage());
      return 0;
    }
    if (purged > 0) {
      LOG.info("dead-letter retention: {} dead letter(s) past {} purged", purged, retention);
    }
    return purged;
  }
}
