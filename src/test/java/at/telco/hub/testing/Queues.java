package at.telco.hub.testing;

import at.telco.hub.embedded.ArtemisSecurity;
import at.telco.hub.platform.ArtemisManagement;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Looks into the Artemis queues of the test servers without taking anything off them, and is the
 * one place where tests get broker credentials: {@link #admin} (the broker's administrator: a test
 * looking behind the hub's back, as {@code TestServers.owner} does for PostgreSQL) and {@link #hub}
 * (the hub's own restricted user).
 */
public final class Queues {

  private Queues() {}

  /** The broker's administrator on the Artemis broker at {@code port} (every permission). */
  public static ActiveMQConnectionFactory admin(int port) {
    return new ActiveMQConnectionFactory(
        "tcp://127.0.0.1:" + port,
        ArtemisSecurity.ADMIN_USER,
        TestServers.get().artemisAdminPassword());
  }

  /** The hub's own user (rights on the hub's addresses only) on the broker at {@code port}. */
  public static ActiveMQConnectionFactory hub(int port) {
    TestServers servers = TestServers.get();
    return new ActiveMQConnectionFactory(
        "tcp://127.0.0.1:" + port, servers.artemisUser(), servers.artemisPassword());
  }

  public static List<Message> browse(String queue, String selector) {
    return browse(TestServers.get().artemisPort(), queue, selector);
  }

  /** The same, on the Artemis broker at {@code port}. */
  public static List<Message> browse(int port, String queue, String selector) {
    try (ActiveMQConnectionFactory cf = admin(port)) {
      return browse(cf, queue, selector);
    }
  }

  /** The same, through {@code cf} (its credentials). */
  public static List<Message> browse(ConnectionFactory cf, String queue, String selector) {
    try (Connection c = cf.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      c.start();
      QueueBrowser browser = s.createBrowser(s.createQueue(queue), selector);
      List<Message> messages = new ArrayList<>();
      Enumeration<?> e = browser.getEnumeration();
      while (e.hasMoreElements()) {
        messages.add((Message) e.nextElement());
      }
      return messages;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The messages of a dead letter on its queue. */
  public static List<Message> ofDeadLetter(String target, String deadLetterId) {
    return browse("DLQ." + target, "hubDeadLetterId = '" + deadLetterId + "'");
  }

  /** The number of messages on a queue of the broker at {@code port} (through its management). */
  public static long messageCount(int port, String queue) {
    try (ActiveMQConnectionFactory cf = admin(port);
        Connection c = cf.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      c.start();
      return ((Number)
              ArtemisManagement.attribute(s, 10_000, ResourceNames.QUEUE + queue, "messageCount"))
          .longValue();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The names of every queue on the Artemis broker at {@code port} (through its management). */
  public static List<String> names(int port) {
    try (ActiveMQConnectionFactory cf = admin(port);
        Connection c = cf.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      c.start();
      jakarta.jms.TemporaryQueue reply = s.createTemporaryQueue();
      try (var producer = s.createProducer(s.createQueue("activemq.management"));
          var consumer = s.createConsumer(reply)) {
        Message request = s.createMessage();
        JMSManagementHelper.putOperationInvocation(request, ResourceNames.BROKER, "getQueueNames");
        request.setJMSReplyTo(reply);
        producer.send(request);
        Message answer = consumer.receive(10_000);
        Object result = JMSManagementHelper.getResult(answer);
        List<String> names = new ArrayList<>();
        for (Object o : (Object[]) result) {
          String name = String.valueOf(o);
          // not the broker's own, nor the reply queues of management requests
          if (!name.startsWith("activemq.")
              && !name.startsWith("$")
              && !name.startsWith(ArtemisManagement.REPLY_PREFIX)
              && !name.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
            names.add(name);
          }
        }
        return names;
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
