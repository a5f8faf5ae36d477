package at.telco.hub.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ha.ReplicaPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicatedPolicyConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * One broker of an Artemis primary/backup pair with replication (the HA topology of the README), in
 * its own JVM so a test can kill it with SIGKILL. Writes its state (active, replica in sync) to a
 * status file every 100 ms.
 *
 * <pre>ArtemisHaNode primary|backup DIR PORT OTHER_PORT</pre>
 */
public final class ArtemisHaNode {

  private ArtemisHaNode() {}

  public static void main(String[] args) throws Exception {
    boolean primary = args[0].equals("primary");
    Path dir = Path.of(args[1]);
    int port = Integer.parseInt(args[2]);
    int other = Integer.parseInt(args[3]);
    Configuration config =
        new ConfigurationImpl()
            .setName(args[0])
            .setPersistenceEnabled(true)
            .setJournalType(JournalType.NIO)
            .setJournalDirectory(dir.resolve("journal").toString())
            .setBindingsDirectory(dir.resolve("bindings").toString())
            .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
            .setPagingDirectory(dir.resolve("paging").toString())
            .setNodeManagerLockDirectory(dir.toString())
            .setSecurityEnabled(false)
            .setJMXManagementEnabled(false)
            .setClusterUser("hub-cluster")
            .setClusterPassword("hub-cluster-test-only");
    config.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port + "?protocols=CORE");
    config.addConnectorConfiguration("self", "tcp://127.0.0.1:" + port);
    config.addConnectorConfiguration("other", "tcp://127.0.0.1:" + other);
    config.addClusterConfiguration(
        new ClusterConnectionConfiguration()
            .setName("hub-ha")
            .setConnectorName("self")
            .setStaticConnectors(List.of("other"))
            .setRetryInterval(200)
            .setReconnectAttempts(-1));
    if (primary) {
      ReplicatedPolicyConfiguration ha = new ReplicatedPolicyConfiguration();
      ha.setCheckForActiveServer(true);
      ha.setClusterName("hub-ha");
      config.setHAPolicyConfiguration(ha);
    } else {
      ReplicaPolicyConfiguration ha = new ReplicaPolicyConfiguration().setClusterName("hub-ha");
      ha.setAllowFailBack(false);
      config.setHAPolicyConfiguration(ha);
    }
    config.addAddressSetting(
        "#",
        new AddressSettings()
            .setAutoCreateAddresses(true)
            .setAutoCreateQueues(true)
            .setAutoDeleteQueues(false)
            .setAutoDeleteAddresses(false)
            .setDeadLetterAddress(SimpleString.of("DLQ.broker"))
            .setMaxSizeBytes(64L * 1024 * 1024)
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
    EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
    broker.setConfiguration(config);
    broker.start();
    ActiveMQServer server = broker.getActiveMQServer();
    Path status = dir.resolve("status");
    Path next = dir.resolve("status.next");
    java.util.concurrent.Executors.newSingleThreadScheduledExecutor()
        .scheduleWithFixedDelay(
            () -> {
              try {
                Files.writeString(
                    next,
                    "active=" + server.isActive() + " replicaSync=" + server.isReplicaSync() + "\n",
                    StandardCharsets.UTF_8);
                Files.move(
                    next,
                    status,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
              } catch (java.io.IOException e) {
                e.printStackTrace();
              }
            },
            0,
            100,
            java.util.concurrent.TimeUnit.MILLISECONDS);
    new java.util.concurrent.CountDownLatch(1).await(); // until killed
  }
}
