package at.telco.hub.chaos;

import static org.awaitility.Awaitility.await;

import at.telco.hub.config.HubSettings;
import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.ChildHub;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.KafkaCluster;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The setting of the Kafka HA scenarios: three broker processes and three controller-only processes
 * ({@link KafkaCluster}), the canonical topics with replication factor 3 and {@code
 * min.insync.replicas=2} (the customer topic created here so that broker 1 leads all its
 * partitions; the billing and service topics created by the hub with {@code
 * hub.kafka.topics.replication-factor=3}), the hub as its jar in its own JVM with the producer of
 * application.properties ({@code acks=all}, idempotence), and CRM change load on it.
 */
final class KafkaHa implements AutoCloseable {

  static final int ACCOUNTS = 100;

  final TestServers servers;
  final KafkaCluster cluster;
  final String customerTopic;
  final ChangeLoad load;
  private final ChildHub hub;
  private final AtomicBoolean done = new AtomicBoolean();
  private Thread writer;

  private KafkaHa(
      TestServers servers,
      KafkaCluster cluster,
      String customerTopic,
      ChangeLoad load,
      ChildHub hub) {
    this.servers = servers;
    this.cluster = cluster;
    this.customerTopic = customerTopic;
    this.load = load;
    this.hub = hub;
  }

  static KafkaHa start(String name, String prefix) throws Exception {
    TestServers servers = TestServers.get();
    SharedHub.stop(); // the child hub polls the CRM alone
    Path dir = Files.createTempDirectory(servers.directory(), name + "-");
    KafkaCluster cluster = KafkaCluster.start(dir, 3, 3);
    ChildHub hub = null;
    try {
      Properties p = servers.hubProperties();
      p.setProperty(HubSettings.KAFKA_BROKERS.key(), cluster.bootstrapServers());
      p.setProperty(HubSettings.KAFKA_TOPICS_REPLICATION_FACTOR.key(), "3");
      String customer = setting(p, HubSettings.KAFKA_TOPIC_CUSTOMER.key(), "canonical.customer.v1");
      // broker 1 the preferred leader of every partition: killing it takes all of them
      cluster.createTopic(
          customer,
          3,
          List.of(1, 2, 3),
          Map.of("min.insync.replicas", "2", "cleanup.policy", "compact"));
      try (Admin admin = cluster.admin()) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(
                        setting(
                            p,
                            HubSettings.NETWORK_TOPIC_INVENTORY.key(),
                            HubSettings.NETWORK_TOPIC_INVENTORY.defaultValue()),
                        3,
                        (short) 3),
                    new NewTopic(
                        setting(
                            p,
                            HubSettings.NETWORK_TOPIC_COMMANDS.key(),
                            HubSettings.NETWORK_TOPIC_COMMANDS.defaultValue()),
                        3,
                        (short) 3),
                    new NewTopic(
                        setting(
                            p,
                            HubSettings.NETWORK_TOPIC_RESULTS.key(),
                            HubSettings.NETWORK_TOPIC_RESULTS.defaultValue()),
                        3,
                        (short) 3)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      int port = Integer.parseInt(p.getProperty("camel.management.port"));
      hub = ChildHub.start(name, p);
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Http.ready(port));
      ChangeLoad load = new ChangeLoad(servers, prefix, ACCOUNTS);
      load.createAccounts();
      DatabaseOutageChaos.awaitConverged(load, Duration.ofMinutes(2));
      System.out.printf(
          "chaos: Kafka brokers %s (controllers apart), customer topic %s: %s%n",
          cluster.bootstrapServers(), customer, cluster.partitions(customer));
      return new KafkaHa(servers, cluster, customer, load, hub);
    } catch (Exception | Error e) {
      if (hub != null) {
        hub.kill();
      }
      cluster.close();
      throw e;
    }
  }

  private static String setting(Properties p, String key, String fallback) {
    return p.getProperty(key, fallback);
  }

  /** CRM changes: a round (every account's email) each second. */
  void startWriter() {
    writer = DatabaseOutageChaos.writer(load, done, Duration.ofSeconds(1));
  }

  void stopWriter() throws InterruptedException {
    done.set(true);
    if (writer != null) {
      writer.join();
    }
  }

  /** The rounds the writer has begun (a round's changes are made after its number is counted). */
  int roundsBegun() {
    return load.roundsBegun();
  }

  /** The newest round customerdb and billing both hold for at least one account. */
  int appliedRound() {
    return load.appliedRound(servers);
  }

  /**
   * Seconds from {@code since} (System.nanoTime) until a change the CRM made after it is applied in
   * customerdb and billing: the first round begun after {@code since} ({@code afterRound} is the
   * round begun at that moment).
   */
  double secondsUntilApplied(long since, int afterRound, Duration atMost) {
    return load.secondsUntilApplied(servers, since, afterRound, atMost);
  }

  /** Seconds from {@code since} until the targets hold more writes than {@code appliedBefore}. */
  double secondsUntilMoreApplied(long since, long appliedBefore, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> load.applied() > appliedBefore);
    return (System.nanoTime() - since) / 1e9;
  }

  /** Seconds from {@code since} until every partition of the customer topic has 3 in sync. */
  double secondsUntilAllInSync(long since, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () ->
                cluster.partitions(customerTopic).values().stream()
                    .allMatch(x -> x.isr().size() == 3));
    return (System.nanoTime() - since) / 1e9;
  }

  /** The broker leading every partition of the customer topic (fails when they differ). */
  int customerLeader() throws Exception {
    Map<Integer, KafkaCluster.Partition> parts = cluster.partitions(customerTopic);
    List<Integer> leaders = parts.values().stream().map(KafkaCluster.Partition::leader).toList();
    if (leaders.stream().distinct().count() != 1) {
      throw new IllegalStateException("the customer topic's partitions have leaders " + parts);
    }
    return leaders.get(0);
  }

  /** Every change processed, every target at the CRM's last state. */
  void awaitConverged() {
    DatabaseOutageChaos.awaitConverged(load, Duration.ofMinutes(4));
  }

  boolean hubAlive() {
    return hub.isAlive();
  }

  @Override
  public void close() throws Exception {
    try {
      stopWriter();
      hub.close();
    } finally {
      cluster.close();
    }
  }
}
