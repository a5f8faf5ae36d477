package at.telco.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.embedded.EmbeddedInfrastructure;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.TestServers;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.UUID;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Artemis with security (the shared test servers' broker is the embedded default's): the hub's user
 * may use the hub's own addresses (dead letters, parking) and the broker's management only for
 * them; another application's address and the broker's own management are refused, as are a wrong
 * password and no credentials. The rest of the suite runs the hub against this broker too.
 */
class ArtemisSecurityIT {

  static final String FOREIGN = "other.app.queue";
  static final String MANAGED = "DLQ.s01-managed";
  static TestServers servers;
  static int port;

  @BeforeAll
  static void foreignApplication() throws Exception {
    servers = TestServers.get();
    port = servers.artemisPort();
    // another application's queue, with a message, made by the broker's administrator
    try (ActiveMQConnectionFactory admin = Queues.admin(port);
        Connection c = admin.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      s.createProducer(s.createQueue(FOREIGN)).send(s.createTextMessage("not the hub's"));
    }
    // and a dead-letter queue of the hub's, with a message
    try (ActiveMQConnectionFactory hub = Queues.hub(port);
        Connection c = hub.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      s.createProducer(s.createQueue(MANAGED)).send(s.createTextMessage("{}"));
    }
  }

  @Test
  void theEmbeddedDefaultGeneratedTheHubsPasswordIntoItsDataDirectory() throws Exception {
    Path file = servers.directory().resolve(EmbeddedInfrastructure.ARTEMIS_PASSWORD_FILE);
    assertThat(file).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file).strip()).hasSizeGreaterThanOrEqualTo(32);
    // the hub is told where the file is, never the password itself
    Properties p = servers.hubProperties();
    assertThat(p.getProperty("hub.artemis.username")).isEqualTo("hub");
    assertThat(p.getProperty("hub.artemis.password-file")).isEqualTo(file.toString());
    assertThat(p.getProperty("hub.artemis.password")).isNull();
    assertThat(String.valueOf(p)).doesNotContain(servers.artemisPassword());
  }

  @Test
  void theHubsUserSendsToAndReadsFromItsDeadLetterAndParkingQueues() throws Exception {
    // a target's dead-letter queue may have two words (DLQ.customerdb.service): purge and erasure
    // remove its messages as well
    for (String queue :
        new String[] {"DLQ.s01-security", "DLQ.s01.security-two-words", "PARK.s01-security"}) {
      String body = "{\"s01\":\"" + UUID.randomUUID() + "\"}";
      try (ActiveMQConnectionFactory hub = Queues.hub(port);
          Connection c = hub.createConnection();
          Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
        c.start();
        s.createProducer(s.createQueue(queue)).send(s.createTextMessage(body));
        assertThat(Queues.browse(hub, queue, null))
            .extracting(m -> ((TextMessage) m).getText())
            .contains(body);
        // the broker's management, for the hub's own queue: count the parked (metrics), remove
        // (as purge and erasure do)
        if (queue.startsWith("PARK.")) {
          Object count =
              ArtemisManagement.attribute(s, 10_000, ResourceNames.QUEUE + queue, "messageCount");
          assertThat(((Number) count).longValue()).isEqualTo(1);
        }
        try (MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
          Message m = consumer.receive(5_000);
          assertThat(m).isNotNull();
          assertThat(((TextMessage) m).getText()).isEqualTo(body);
        }
        Object removed =
            ArtemisManagement.invoke(
                s, 10_000, ResourceNames.QUEUE + queue, "removeMessages", "hubDeadLetterId = 'x'");
        assertThat(((Number) removed).intValue()).isZero();
        Object names = ArtemisManagement.invoke(s, 10_000, ResourceNames.BROKER, "getQueueNames");
        assertThat((Object[]) names).contains(queue, FOREIGN);
      }
    }
    // parked events released now (Parking.release)
    try (ActiveMQConnectionFactory hub = Queues.hub(port);
        Connection c = hub.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      c.start();
      Object delivered =
          ArtemisManagement.invoke(
              s,
              10_000,
              ResourceNames.QUEUE + "PARK.s01-security",
              "deliverScheduledMessages",
              "hubBillingAccount = 'BA0000000000'");
      assertThat(delivered).isNull(); // void: succeeded
    }
  }

  @Test
  void theHubsUserCannotTouchAnotherApplicationsAddress() throws Exception {
    try (ActiveMQConnectionFactory hub = Queues.hub(port);
        Connection c = hub.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      c.start();
      MessageProducer producer = s.createProducer(s.createQueue(FOREIGN));
      assertThatThrownBy(() -> producer.send(s.createTextMessage("from the hub")))
          .isInstanceOf(JMSSecurityException.class)
          .hasCauseInstanceOf(ActiveMQSecurityException.class)
          .hasMessageContaining("SEND");
      assertThatThrownBy(() -> s.createConsumer(s.createQueue(FOREIGN)))
          .isInstanceOf(JMSSecurityException.class)
          .hasCauseInstanceOf(ActiveMQSecurityException.class);
      assertThatThrownBy(() -> s.createBrowser(s.createQueue(FOREIGN)).getEnumeration())
          .isInstanceOf(JMSSecurityException.class);
      // nor a new address of its own outside its namespace
      assertThatThrownBy(
              () -> s.createProducer(s.createQueue("hub.elsewhere")).send(s.createMessage()))
          .isInstanceOf(JMSSecurityException.class);
      // nor a JMS temporary queue (a random name: outside every namespace of the hub)
      assertThatThrownBy(s::createTemporaryQueue).isInstanceOf(JMSSecurityException.class);
    }
    // the other application's message is untouched
    assertThat(Queues.browse(port, FOREIGN, null))
        .extracting(m -> ((TextMessage) m).getText())
        .containsExactly("not the hub's");
  }

  @Test
  void theHubsUserCannotManageTheBroker() throws Exception {
    try (ActiveMQConnectionFactory hub = Queues.hub(port);
        Connection c = hub.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      c.start();
      // remove the other application's messages, delete its queue, create addresses, read the
      // broker's connections: each refused by the broker (management-message RBAC)
      for (Object[] op :
          new Object[][] {
            {ResourceNames.QUEUE + FOREIGN, "removeMessages", new Object[] {null}},
            {ResourceNames.BROKER, "destroyQueue", new Object[] {FOREIGN}},
            {ResourceNames.BROKER, "createAddress", new Object[] {"hub.new", "ANYCAST"}},
            {ResourceNames.BROKER, "listConnectionsAsJSON", new Object[0]},
            {ResourceNames.QUEUE + MANAGED, "pause", new Object[0]},
            {ResourceNames.QUEUE + MANAGED, "removeAllMessages", new Object[0]},
            {ResourceNames.QUEUE + MANAGED, "countMessages", new Object[0]}
          }) {
        assertThatThrownBy(
                () ->
                    ArtemisManagement.invoke(
                        s, 10_000, (String) op[0], (String) op[1], (Object[]) op[2]))
            .as(op[0] + " " + op[1])
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("Artemis refused")
            .hasMessageContaining("does not have permission");
      }
    }
    assertThat(Queues.messageCount(port, FOREIGN)).isEqualTo(1);
    assertThat(Queues.messageCount(port, MANAGED)).isEqualTo(1);
  }

  @Test
  void aWrongPasswordAndNoCredentialsAreRefused() {
    String url = "tcp://127.0.0.1:" + port;
    for (ActiveMQConnectionFactory cf :
        new ActiveMQConnectionFactory[] {
          new ActiveMQConnectionFactory(url, servers.artemisUser(), "wrong-" + UUID.randomUUID()),
          new ActiveMQConnectionFactory(url),
          new ActiveMQConnectionFactory(url, "admin", servers.artemisPassword())
        }) {
      try (cf) {
        assertThatThrownBy(() -> cf.createConnection().close())
            .isInstanceOf(JMSSecurityException.class)
            .hasCauseInstanceOf(ActiveMQSecurityException.class);
      }
    }
  }
}
