package at.telco.hub.erasure;

import at.telco.hub.deadletter.DeadLetters;
import at.telco.hub.platform.ArtemisManagement;
import at.telco.hub.source.Parking;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes one customer's messages from the hub's Artemis queues (every dead-letter queue and the
 * parking queue) through the broker's management address: {@code removeMessages} with a filter on
 * the hub's headers (customer id, CRM account, billing accounts), which also reaches messages paged
 * to disk.
 */
public final class ErasureQueues {

  private static final Logger LOG = LoggerFactory.getLogger(ErasureQueues.class);

  private final ConnectionFactory artemis;
  private final String deadLetterPrefix;
  private final String parkingQueue;

  public ErasureQueues(ConnectionFactory artemis, String deadLetterPrefix, String parkingQueue) {
    this.artemis = artemis;
    this.deadLetterPrefix = deadLetterPrefix;
    this.parkingQueue = parkingQueue;
  }

  /** Removes the customer's messages; returns how many the broker removed. */
  public int remove(UUID customerId, String crmAccountId, List<String> billingAccounts) {
    String filter = filter(customerId, crmAccountId, billingAccounts);
    try (Connection connection = artemis.createConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      connection.start();
      int removed = 0;
      for (String queue : queues(session)) {
        Object n = invoke(session, ResourceNames.QUEUE + queue, "removeMessages", filter);
        removed += n instanceof Number number ? number.intValue() : 0;
      }
      LOG.debug("removed {} message(s) of one erased customer from the queues", removed);
      return removed;
    } catch (JMSException e) {
      throw new IllegalStateException("Artemis: " + e.getMessage(), e);
    }
  }

  /** The dead-letter queues and the parking queue that exist on the broker now. */
  private List<String> queues(Session session) throws JMSException {
    Object names = invoke(session, ResourceNames.BROKER, "getQueueNames");
    List<String> queues = new ArrayList<>();
    if (names instanceof Object[] array) {
      for (Object o : array) {
        String q = String.valueOf(o);
        if (q.startsWith(deadLetterPrefix) || q.equals(parkingQueue)) {
          queues.add(q);
        }
      }
    }
    return queues;
  }

  static String filter(UUID customerId, String crmAccountId, List<String> billingAccounts) {
    StringBuilder f =
        new StringBuilder(DeadLetters.CUSTOMER_ID)
            .append(" = ")
            .append(literal(customerId.toString()))
            .append(" OR ")
            .append(DeadLetters.CRM_ACCOUNT)
            .append(" = ")
            .append(literal(crmAccountId));
    if (!billingAccounts.isEmpty()) {
      // dead letters and parked network events carry the billing account under the same name
      f.append(" OR ").append(Parking.BILLING_ACCOUNT).append(" IN (");
      for (int i = 0; i < billingAccounts.size(); i++) {
        f.append(i == 0 ? "" : ",").append(literal(billingAccounts.get(i)));
      }
      f.append(')');
    }
    return f.toString();
  }

  /** A selector string literal (a quote is doubled). */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static Object invoke(Session session, String resource, String operation, Object... args)
      throws JMSException {
    return ArtemisManagement.invoke(session, 30_000, resource, operation, args);
  }
}
