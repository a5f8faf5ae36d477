package at.telco.hub.it;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** Looks into the Artemis queues of the test servers without taking anything off them. */
public final class Queues {

  private Queues() {}

  public static List<Message> browse(String queue, String selector) {
    return browse(TestServers.get().artemisPort(), queue, selector);
  }

  /** The same, on the Artemis broker at {@code port}. */
  public static List<Message> browse(int port, String queue, String selector) {
    ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
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
    } finally {
      cf.close();
    }
  }

  /** The messages of a dead letter on its queue. */
  public static List<Message> ofDeadLetter(String target, String deadLetterId) {
    return browse("DLQ." + target, "hubDeadLetterId = '" + deadLetterId + "'");
  }

  /** The names of every queue on the Artemis broker at {@code port} (through its management). */
  public static List<String> names(int port) {
    ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
    try (Connection c = cf.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      c.start();
      jakarta.jms.TemporaryQueue reply = s.createTemporaryQueue();
      try (var producer = s.createProducer(s.createQueue("activemq.management"));
          var consumer = s.createConsumer(reply)) {
        Message request = s.createMessage();
        org.apache.activemq.artemis.api.jms.management.JMSManagementHelper.putOperationInvocation(
            request,
            org.apache.activemq.artemis.api.core.management.ResourceNames.BROKER,
            "getQueueNames");
        request.setJMSReplyTo(reply);
        producer.send(request);
        Message answer = consumer.receive(10_000);
        Object result =
            org.apache.activemq.artemis.api.jms.management.JMSManagementHelper.getResult(answer);
        List<String> names = new ArrayList<>();
        for (Object o : (Object[]) result) {
          String name = String.valueOf(o);
          // not the broker's own, nor the temporary reply queues of management requests
          if (!name.startsWith("activemq.")
              && !name.startsWith("$")
              && !name.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
            names.add(name);
          }
        }
        return names;
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      cf.close();
    }
  }
}
