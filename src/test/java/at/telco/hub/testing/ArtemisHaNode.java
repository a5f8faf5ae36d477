package at.telco.hub.testing;

import at.telco.hub.embedded.ArtemisSecurity;
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
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

/**
 * One broker of an Artemis primary/backup pair with replication (the HA topology of the README), in
 * its own JVM so a test can kill it with SIGKILL. Writes its state (active, replica in sync) to a
 * status file every 100 ms. Security as in deploy/ha: the hub's user (users.properties in DIR, from
 * the test) on the hub's addresses only, and an administrator.
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
            // the security of deploy/ha's broker.xml: the hub's user on the hub's addresses only
            .setSecurityEnabled(true)
            .setJMXManagementEnabled(false)
            .setClusterUser("hub-cluster")
            .setClusterPassword("hub-cluster-test-only");
    // management messages are checked per resource and method (view/edit on mops.<resource>.<m>)
    config.setManagementMessageRbac(true);
    config.setManagementRbacPrefix(ArtemisSecurity.MANAGEMENT_RBAC_PREFIX);
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
    ArtemisSecurity.settings("DLQ.", "PARK.network-inventory").forEach(config::putSecurityRoles);
    // users.properties (written by the test): hub user, its password, the administrator's
    java.util.Properties users = new java.util.Properties();
    try (var in = Files.newBufferedReader(dir.resolve("users.properties"))) {
      users.load(in);
    }
    SecurityConfiguration accounts = new SecurityConfiguration();
    accounts.addUser(users.getProperty("hub.user"), users.getProperty("hub.password"));
    accounts.addRole(users.getProperty("hub.user"), ArtemisSecurity.HUB_ROLE);
    accounts.addUser(ArtemisSecurity.ADMIN_USER, users.getProperty("admin.password"));
    accounts.addRole(ArtemisSecurity.ADMIN_USER, ArtemisSecurity.ADMIN_ROLE);
    EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
    broker.setConfiguration(config);
    broker.setSecurityManager(
        new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), accounts));
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
