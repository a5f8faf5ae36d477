package at.telco.hub.embedded;

import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real ActiveMQ Artemis broker in this JVM with a persistent journal: dead letters and parked
 * messages survive a restart. A full address pages to disk; it never drops messages.
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

  public static EmbeddedArtemisBroker start(Path directory, int port) throws Exception {
    return start(directory, port, ADDRESS_MEMORY_BYTES);
  }

  /**
   * The same broker with {@code maxSizeBytes} in memory per address instead of 64 MB (the
   * reliability suite fills addresses with it; the policy stays PAGE).
   */
  public static EmbeddedArtemisBroker start(Path directory, int port, long maxSizeBytes)
      throws Exception {
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
            .setSecurityEnabled(false)
            .setJMXManagementEnabled(false)
            .setGracefulShutdownEnabled(true)
            .setGracefulShutdownTimeout(10_000);
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
    // maximum time); a failed delivery is tried again with backoff, never moved aside by the broker
    config.addAddressSetting(
        "PARK.#",
        new AddressSettings()
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
    EmbeddedActiveMQ server = new EmbeddedActiveMQ();
    server.setConfiguration(config);
    server.start();
    if (!server.getActiveMQServer().isActive()) {
      server.stop();
      throw new IllegalStateException("Artemis did not start on " + url + " (see the log above)");
    }
    LOG.info("Artemis listening on {}, journal in {}", url, directory);
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
