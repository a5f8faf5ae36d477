package at.telco.hub.embedded;

import at.telco.hub.platform.ArtemisManagement;
import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real ActiveMQ Artemis broker in this JVM with a persistent journal: dead letters and parked
 * messages survive a restart. A full address pages to disk; it never drops messages. Security is
 * on: the hub's user may use the hub's own addresses only ({@link ArtemisSecurity}).
 */
public final class EmbeddedArtemisBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedArtemisBroker.class);

  private final EmbeddedActiveMQ server;
  private final String url;

  private EmbeddedArtemisBroker(EmbeddedActiveMQ server, String url) {
    this.server = server;
    this.url = url;
  }

  /** Every address pages to disk beyond {@link #ADDRESS_MEMORY_BYTES} in memory. */
  public static final long ADDRESS_MEMORY_BYTES = 64L * 1024 * 1024;

  /**
   * Who may connect: the hub's user (its password) with the role of {@link ArtemisSecurity}, for
   * the hub's dead-letter prefix and parking queue, and optionally an administrator ({@value
   * ArtemisSecurity#ADMIN_USER}; null: none).
   */
  public record Users(
      String hubUser,
      String hubPassword,
      String adminPassword,
      String deadLetterPrefix,
      String parkingQueue) {

    public Users {
      if (hubUser == null || hubUser.isBlank() || hubPassword == null || hubPassword.isBlank()) {
        throw new IllegalArgumentException(
            "the embedded Artemis needs the hub's user and password");
      }
    }

    /** With the default dead-letter prefix and parking queue. */
    public Users(String hubUser, String hubPassword, String adminPassword) {
      this(hubUser, hubPassword, adminPassword, "DLQ.", "PARK.network-inventory");
    }

    @Override
    public String toString() {
      return "Users[" + hubUser + (adminPassword != null ? ", admin" : "") + "]"; // no secrets
    }
  }

  public static EmbeddedArtemisBroker start(Path directory, int port, Users users)
      throws Exception {
    return start(directory, port, ADDRESS_MEMORY_BYTES, users);
  }

  /**
   * The same broker with {@code maxSizeBytes} in memory per address instead of 64 MB (the
   * reliability suite fills addresses with it; the policy stays PAGE).
   */
  public static EmbeddedArtemisBroker start(
      Path directory, int port, long maxSizeBytes, Users users) throws Exception {
    String url = "tcp://127.0.0.1:" + port;
    Configuration config =
        new ConfigurationImpl()
            .setName("telco-hub-embedded")
            .setPersistenceEnabled(true)
            .setJournalType(JournalType.NIO)
            .setJournalDirectory(directory.resolve("journal").toString())
            .setBindingsDirectory(directory.resolve("bindings").toString())
            .setLargeMessagesDirectory(directory.resolve("large-messages").toString())
            .setPagingDirectory(directory.resolve("paging").toString())
            .setNodeManagerLockDirectory(directory.toString())
            // every connection authenticates; the hub's user has rights on its own addresses only
            .setSecurityEnabled(true)
            .setJMXManagementEnabled(false)
            .setGracefulShutdownEnabled(true)
            .setGracefulShutdownTimeout(10_000);
    // management messages are checked per resource and method (view/edit on mops.<resource>.<m>)
    config.setManagementMessageRbac(true);
    config.setManagementRbacPrefix(ArtemisSecurity.MANAGEMENT_RBAC_PREFIX);
    config.addAcceptorConfiguration("tcp", url + "?protocols=CORE");
    config.addAddressSetting(
        "#",
        new AddressSettings()
            .setAutoCreateAddresses(true)
            .setAutoCreateQueues(true)
            .setAutoDeleteQueues(false)
            .setAutoDeleteAddresses(false)
            .setDeadLetterAddress(SimpleString.of("DLQ.broker"))
            .setExpiryAddress(SimpleString.of("ExpiryQueue"))
            .setMaxDeliveryAttempts(10)
            .setMaxSizeBytes(maxSizeBytes)
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
    // parked messages wait as long as it takes (the hub dead-letters them itself, after its own
    // maximum time); a failed delivery is tried again with backoff, never moved aside by the
    // broker;
    // management lists a parked event in full (its copy in a property, Parking.EVENT)
    config.addAddressSetting(
        "PARK.#",
        new AddressSettings()
            .setManagementMessageAttributeSizeLimit(65536)
            .setAutoCreateAddresses(true)
            .setAutoCreateQueues(true)
            .setAutoDeleteQueues(false)
            .setAutoDeleteAddresses(false)
            .setMaxDeliveryAttempts(-1)
            .setRedeliveryDelay(5000)
            .setRedeliveryMultiplier(2)
            .setMaxRedeliveryDelay(300_000)
            .setMaxSizeBytes(maxSizeBytes)
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
    // the replies to the hub's management requests: a queue per hub process, gone a minute after
    // its last use (with whatever late answer it still holds)
    config.addAddressSetting(
        ArtemisManagement.REPLY_PREFIX + "#",
        new AddressSettings()
            .setAutoCreateAddresses(true)
            .setAutoCreateQueues(true)
            .setAutoDeleteQueues(true)
            .setAutoDeleteQueuesDelay(60_000)
            .setAutoDeleteQueuesMessageCount(-1L)
            .setAutoDeleteAddresses(true)
            .setAutoDeleteAddressesDelay(60_000));
    ArtemisSecurity.settings(users.deadLetterPrefix(), users.parkingQueue())
        .forEach(config::putSecurityRoles);
    SecurityConfiguration accounts = new SecurityConfiguration();
    accounts.addUser(users.hubUser(), users.hubPassword());
    accounts.addRole(users.hubUser(), ArtemisSecurity.HUB_ROLE);
    if (users.adminPassword() != null && !users.adminPassword().isBlank()) {
      accounts.addUser(ArtemisSecurity.ADMIN_USER, users.adminPassword());
      accounts.addRole(ArtemisSecurity.ADMIN_USER, ArtemisSecurity.ADMIN_ROLE);
    }
    EmbeddedActiveMQ server = new EmbeddedActiveMQ();
    server.setConfiguration(config);
    server.setSecurityManager(
        new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), accounts));
    server.start();
    if (!server.getActiveMQServer().isActive()) {
      server.stop();
      throw new IllegalStateException("Artemis did not start on " + url + " (see the log above)");
    }
    LOG.info(
        "Artemis listening on {}, journal in {}, security on (user {}{})",
        url,
        directory,
        users.hubUser(),
        users.adminPassword() != null && !users.adminPassword().isBlank() ? " and admin" : "");
    return new EmbeddedArtemisBroker(server, url);
  }

  public String url() {
    return url;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping Artemis: {}", e.toString());
    }
  }
}
