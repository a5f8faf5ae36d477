package at.telco.hub.platform;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.util.UUID;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/**
 * Requests to Artemis' management address, as the hub's own broker user. The answers come back on a
 * reply queue in the hub's own namespace ({@value #REPLY_PREFIX}{@code <process>}, matched by a
 * correlation id), not on a JMS temporary queue: a temporary queue has a random name, so a broker
 * with security could only allow it by giving the hub rights on every address. The broker grants
 * the hub {@code manage} on {@value #ADDRESS} and, with management-message RBAC, {@code view} and
 * {@code edit} only on its own queues ({@code mops.queue.DLQ.#}, {@code mops.queue.PARK.#}) and
 * {@code view} on {@code mops.broker.getQueueNames} (see README, Security and audit).
 */
public final class ArtemisManagement {

  /** The broker's management address. */
  public static final String ADDRESS = "activemq.management";

  /** Where answers to the hub's management requests arrive (one queue per hub process). */
  public static final String REPLY_PREFIX = "hub.management.replies.";

  private static final String REPLY_QUEUE = REPLY_PREFIX + UUID.randomUUID();

  private ArtemisManagement() {}

  /** Invokes {@code operation} on {@code resource} and returns its result. */
  public static Object invoke(
      Session session, long timeoutMs, String resource, String operation, Object... args)
      throws JMSException {
    return request(session, timeoutMs, resource, operation, null, args);
  }

  /** Reads {@code attribute} of {@code resource}. */
  public static Object attribute(Session session, long timeoutMs, String resource, String attribute)
      throws JMSException {
    return request(session, timeoutMs, resource, null, attribute);
  }

  /** Invokes {@code operation} without waiting for its result (best effort). */
  public static void send(Session session, String resource, String operation, Object... args)
      throws JMSException {
    try (MessageProducer producer = session.createProducer(session.createQueue(ADDRESS))) {
      Message m = session.createMessage();
      put(m, resource, operation, null, args);
      producer.send(m);
    }
  }

  private static Object request(
      Session session,
      long timeoutMs,
      String resource,
      String operation,
      String attribute,
      Object... args)
      throws JMSException {
    String correlation = UUID.randomUUID().toString();
    Queue replies = session.createQueue(REPLY_QUEUE);
    try (MessageConsumer consumer =
            session.createConsumer(replies, "JMSCorrelationID = '" + correlation + "'");
        MessageProducer producer = session.createProducer(session.createQueue(ADDRESS))) {
      Message request = session.createMessage();
      put(request, resource, operation, attribute, args);
      request.setJMSCorrelationID(correlation);
      request.setJMSReplyTo(replies);
      producer.send(request);
      Message answer = consumer.receive(timeoutMs);
      String what = (operation != null ? operation : attribute) + " on " + resource;
      if (answer == null) {
        throw new IllegalStateException("Artemis management did not answer " + what);
      }
      Object result;
      boolean succeeded;
      try {
        result = JMSManagementHelper.getResult(answer);
        succeeded = JMSManagementHelper.hasOperationSucceeded(answer);
      } catch (Exception e) {
        throw new IllegalStateException("Artemis management answer: " + e.getMessage(), e);
      }
      if (!succeeded) {
        throw new IllegalStateException("Artemis refused " + what + ": " + result);
      }
      return result;
    }
  }

  private static void put(
      Message m, String resource, String operation, String attribute, Object... args)
      throws JMSException {
    try {
      if (operation != null) {
        JMSManagementHelper.putOperationInvocation(m, resource, operation, args);
      } else {
        JMSManagementHelper.putAttribute(m, resource, attribute);
      }
    } catch (JMSException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("Artemis management request: " + e.getMessage(), e);
    }
  }
}
