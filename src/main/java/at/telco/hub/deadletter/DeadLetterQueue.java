package at.telco.hub.deadletter;

import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.platform.ArtemisManagement;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes dead letters from their Artemis queue once their outcome is recorded. The removal is
 * requested in the hub database in the same transaction as the outcome (replayed, discarded,
 * replaced by the message of a failed replay) and carried out here, in batches, through the
 * broker's management address: {@code removeMessages} also reaches messages paged to disk, which a
 * selector consumer would not. A crash leaves the request, never a message without its record.
 */
public final class DeadLetterQueue {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterQueue.class);

  private final DataSource hub;
  private final ConnectionFactory artemis;
  private final String queuePrefix;
  private final int batchSize;

  public DeadLetterQueue(
      DataSource hub, ConnectionFactory artemis, String queuePrefix, int batchSize) {
    this.hub = hub;
    this.artemis = artemis;
    this.queuePrefix = queuePrefix;
    this.batchSize = batchSize;
  }

  /** Asks for {@code messageId} to be removed from its queue (in the caller's transaction). */
  public static void requestPurge(java.sql.Connection c, String messageId, String target)
      throws SQLException {
    if (messageId == null) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO hub.dead_letter_queue_purge (message_id, target) VALUES (?, ?)"
                + " ON CONFLICT (message_id) DO NOTHING")) {
      ps.setString(1, messageId);
      ps.setString(2, target);
      ps.executeUpdate();
    }
  }

  /**
   * {@link #requestPurge} for many messages (each of the target at the same index), one statement.
   */
  public static void requestPurges(
      java.sql.Connection c, List<String> messageIds, List<String> targets) throws SQLException {
    if (messageIds.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO hub.dead_letter_queue_purge (message_id, target)"
                + " SELECT * FROM unnest(?::text[], ?::text[]) ON CONFLICT (message_id) DO NOTHING")) {
      ps.setArray(1, c.createArrayOf("text", messageIds.toArray()));
      ps.setArray(2, c.createArrayOf("text", targets.toArray()));
      ps.executeUpdate();
    }
  }

  /**
   * Carries out the pending removals; returns how many messages the broker removed. A broker or
   * database that is away is retried at the next run.
   */
  public int purge() {
    try {
      return purgeAll();
    } catch (RuntimeException e) {
      LOG.warn("dead-letter queue purge postponed: {}", e.getMessage());
      return 0;
    }
  }

  private int purgeAll() {
    int removed = 0;
    while (true) {
      Map<String, List<String>> byTarget = pending();
      if (byTarget.isEmpty()) {
        return removed;
      }
      int requests = 0;
      for (Map.Entry<String, List<String>> e : byTarget.entrySet()) {
        removed += remove(queuePrefix + e.getKey(), e.getValue());
        forget(e.getValue());
        requests += e.getValue().size();
      }
      if (requests < batchSize) {
        return removed;
      }
    }
  }

  /** The oldest removal requests, by target. */
  private Map<String, List<String>> pending() {
    Map<String, List<String>> byTarget = new LinkedHashMap<>();
    try (java.sql.Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT message_id, target FROM hub.dead_letter_queue_purge"
                    + " ORDER BY requested_at LIMIT ?")) {
      ps.setInt(1, batchSize);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byTarget.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    return byTarget;
  }

  private void forget(List<String> messageIds) {
    try (java.sql.Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM hub.dead_letter_queue_purge WHERE message_id = ANY(?::text[])")) {
      ps.setArray(1, c.createArrayOf("text", messageIds.toArray()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  private int remove(String queue, List<String> messageIds) {
    StringJoiner filter = new StringJoiner(",", DeadLetters.MESSAGE_ID + " IN (", ")");
    for (String id : messageIds) {
      // the ids are the hub's own UUIDs; anything else never reaches the broker's filter
      filter.add("'" + UUID.fromString(id) + "'");
    }
    try (Connection connection = artemis.createConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      connection.start();
      Object result =
          ArtemisManagement.invoke(
              session, 30_000, ResourceNames.QUEUE + queue, "removeMessages", filter.toString());
      int n = result instanceof Number number ? number.intValue() : 0;
      LOG.debug("removed {} of {} dead letters from {}", n, messageIds.size(), queue);
      return n;
    } catch (JMSException e) {
      throw new IllegalStateException("Artemis: " + e.getMessage(), e);
    } catch (Exception e) {
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e);
    }
  }
}
