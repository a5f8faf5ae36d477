package at.telco.hub.embedded;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft mode (broker and controller in one node), in this JVM, from the
 * kafka_2.13 artifact of the same release as the clients Camel brings. Its log directory survives
 * restarts.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final KafkaRaftServer server;
  private final int port;

  private EmbeddedKafkaBroker(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  public static EmbeddedKafkaBroker start(
      Path logDirectory, int port, int controllerPort, int partitions) throws Exception {
    return start(logDirectory, port, controllerPort, partitions, "PLAINTEXT", Map.of());
  }

  /**
   * The same broker with its client listener (also the inter-broker one) on {@code protocol}, e.g.
   * SASL_PLAINTEXT, and {@code extra} broker settings (its SASL mechanisms and JAAS users).
   */
  public static EmbeddedKafkaBroker start(
      Path logDirectory,
      int port,
      int controllerPort,
      int partitions,
      String protocol,
      Map<String, String> extra)
      throws Exception {
    Files.createDirectories(logDirectory);
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        protocol + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", protocol + "://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", protocol);
    p.put("listener.security.protocol.map", protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDirectory.toAbsolutePath().toString());
    p.put("num.partitions", Integer.toString(partitions));
    p.put("default.replication.factor", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "6");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "true");
    p.put("log.retention.hours", "168");
    // the compacted customer topic (erasure, flow 5) is looked at every few seconds, not 15
    p.put("log.cleaner.backoff.ms", "2000");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.putAll(extra);
    KafkaConfig config = new KafkaConfig(p);

    Path meta = logDirectory.resolve("meta.properties");
    if (!Files.exists(meta)) {
      new Formatter()
          .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
          .setNodeId(1)
          .setClusterId(clusterId())
          .setControllerListenerName("CONTROLLER")
          .setMetadataLogDirectory(config.metadataLogDir())
          .addDirectory(logDirectory.toAbsolutePath().toString())
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setIgnoreFormatted(true)
          .run();
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    LOG.info("Kafka (KRaft) listening on 127.0.0.1:{}, data in {}", port, logDirectory);
    return new EmbeddedKafkaBroker(server, port);
  }

  private static String clusterId() {
    return Uuid.randomUuid().toString();
  }

  /** Creates topics that do not exist yet. */
  public void createTopics(java.util.List<String> topics, int partitions) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers());
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(p)) {
      java.util.Set<String> existing = admin.listTopics().names().get();
      java.util.List<org.apache.kafka.clients.admin.NewTopic> missing = new java.util.ArrayList<>();
      for (String t : topics) {
        if (!existing.contains(t)) {
          missing.add(new org.apache.kafka.clients.admin.NewTopic(t, partitions, (short) 1));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
      }
    } catch (Exception e) {
      LOG.warn("could not create topics {}: {}", topics, e.toString());
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
