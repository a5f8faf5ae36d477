package at.telco.hub.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A Kafka cluster as production runs it (deploy/ha): KRaft controllers apart from the brokers, each
 * node its own JVM ({@code java -cp <test classpath> kafka.Kafka server.properties}, the kafka_2.13
 * of the build), so that {@link #kill(int)} is a crash (SIGKILL: no controlled shutdown, no
 * leadership handed over) and {@link #start(int)} a restart on the same data and port. Brokers have
 * ids 1..n, controllers 101..; brokers as deploy/ha/README.md says: {@code
 * default.replication.factor=3}, {@code min.insync.replicas=2}, {@code
 * unclean.leader.election.enable=false}, the offsets and transaction topics with 3 replicas. Every
 * process is killed on {@link #close()} and, should the test JVM end first, by a shutdown hook.
 */
public final class KafkaCluster implements AutoCloseable {

  private static final int CONTROLLER_BASE = 100;

  private final Path dir;
  private final String clusterId = Uuid.randomUuid().toString();
  private final Map<Integer, Integer> ports = new TreeMap<>();
  private final Map<Integer, Process> processes = new TreeMap<>();
  private final List<Integer> brokers = new ArrayList<>();
  private final List<Integer> controllers = new ArrayList<>();
  private final Thread hook = new Thread(this::killAll, "kafka-cluster-kill");

  private KafkaCluster(Path dir) {
    this.dir = dir;
  }

  /**
   * {@code brokers} broker processes and {@code controllers} controller-only processes, all
   * started, waited for until every broker has registered.
   */
  public static KafkaCluster start(Path dir, int brokers, int controllers) throws Exception {
    KafkaCluster c = new KafkaCluster(dir);
    Runtime.getRuntime().addShutdownHook(c.hook);
    try {
      for (int i = 1; i <= controllers; i++) {
        c.controllers.add(CONTROLLER_BASE + i);
        c.ports.put(CONTROLLER_BASE + i, TestServers.freePort());
      }
      for (int i = 1; i <= brokers; i++) {
        c.brokers.add(i);
        c.ports.put(i, TestServers.freePort());
      }
      for (int id : c.ports.keySet()) {
        c.configure(id);
        c.start(id);
      }
      c.awaitBrokers(Set.copyOf(c.brokers), Duration.ofMinutes(2));
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  private Path nodeDir(int id) {
    return dir.resolve((id > CONTROLLER_BASE ? "controller-" : "broker-") + id);
  }

  private String voters() {
    return controllers.stream()
        .map(id -> id + "@127.0.0.1:" + ports.get(id))
        .collect(Collectors.joining(","));
  }

  private void configure(int id) throws IOException {
    Path node = nodeDir(id);
    Path data = node.resolve("data");
    Files.createDirectories(data);
    Properties p = new Properties();
    p.put("node.id", Integer.toString(id));
    p.put("controller.quorum.voters", voters());
    p.put("controller.listener.names", "CONTROLLER");
    p.put("log.dirs", data.toAbsolutePath().toString());
    if (id > CONTROLLER_BASE) {
      p.put("process.roles", "controller");
      p.put("listeners", "CONTROLLER://127.0.0.1:" + ports.get(id));
      p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT");
    } else {
      p.put("process.roles", "broker");
      p.put("listeners", "PLAINTEXT://127.0.0.1:" + ports.get(id));
      p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + ports.get(id));
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("num.partitions", "3");
      p.put("default.replication.factor", "3");
      p.put("min.insync.replicas", "2");
      p.put("unclean.leader.election.enable", "false");
      p.put("offsets.topic.replication.factor", "3");
      p.put("offsets.topic.num.partitions", "6");
      p.put("transaction.state.log.replication.factor", "3");
      p.put("transaction.state.log.min.isr", "2");
      p.put("group.initial.rebalance.delay.ms", "0");
      p.put("auto.create.topics.enable", "true");
      // the compacted customer topic (erasure) is looked at every few seconds, not 15
      p.put("log.cleaner.backoff.ms", "2000");
      p.put("num.network.threads", "2");
      p.put("num.io.threads", "2");
      p.put("num.replica.fetchers", "1");
      p.put("background.threads", "2");
    }
    try (Writer w =
        Files.newBufferedWriter(node.resolve("server.properties"), StandardCharsets.UTF_8)) {
      p.store(w, "Kafka node " + id);
    }
    // kafka-storage.sh format: the cluster id and the node id in meta.properties
    try {
      new Formatter()
          .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
          .setNodeId(id)
          .setClusterId(clusterId)
          .setControllerListenerName("CONTROLLER")
          .setMetadataLogDirectory(data.toAbsolutePath().toString())
          .addDirectory(data.toAbsolutePath().toString())
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setIgnoreFormatted(true)
          .run();
    } catch (Exception e) {
      throw new IOException("could not format the storage of Kafka node " + id, e);
    }
  }

  /** Starts node {@code id} (again): same configuration, data and port. */
  public synchronized void start(int id) throws IOException {
    Process running = processes.get(id);
    if (running != null && running.isAlive()) {
      throw new IllegalStateException("Kafka node " + id + " runs already");
    }
    Path node = nodeDir(id);
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            id > CONTROLLER_BASE ? "-Xmx192m" : "-Xmx256m",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            "kafka.Kafka",
            node.resolve("server.properties").toAbsolutePath().toString());
    Process p =
        new ProcessBuilder(command)
            .directory(node.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(node.resolve("node.log").toFile()))
            .start();
    processes.put(id, p);
  }

  /** SIGKILL: the node crashes, as a machine that loses power. */
  public synchronized void kill(int id) {
    Process p = processes.get(id);
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public synchronized boolean isAlive(int id) {
    Process p = processes.get(id);
    return p != null && p.isAlive();
  }

  public List<Integer> brokers() {
    return List.copyOf(brokers);
  }

  public String bootstrapServers() {
    return brokers.stream()
        .map(id -> "127.0.0.1:" + ports.get(id))
        .collect(Collectors.joining(","));
  }

  public Path log(int id) {
    return nodeDir(id).resolve("node.log");
  }

  /**
   * A new admin client on the brokers whose processes run (short timeouts: a test asks while
   * brokers are down); the caller closes it. A new one each time: a long-lived client keeps asking
   * a killed broker it knew.
   */
  public Admin admin() {
    List<String> running = new ArrayList<>();
    for (int id : brokers) {
      if (isAlive(id)) {
        running.add("127.0.0.1:" + ports.get(id));
      }
    }
    Properties p = new Properties();
    p.put(
        "bootstrap.servers",
        String.join(",", running.isEmpty() ? List.of(bootstrapServers()) : running));
    p.put("request.timeout.ms", "5000");
    p.put("default.api.timeout.ms", "10000");
    return Admin.create(p);
  }

  /** The brokers registered and not fenced, as the cluster's metadata has them. */
  public Set<Integer> liveBrokers() {
    try (Admin admin = admin()) {
      return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream()
          .map(Node::id)
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (Exception e) {
      return Set.of();
    }
  }

  public void awaitBrokers(Set<Integer> expected, Duration atMost) throws InterruptedException {
    long end = System.nanoTime() + atMost.toNanos();
    while (!liveBrokers().containsAll(expected)) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException(
            "Kafka brokers " + expected + " not registered after " + atMost + "; see " + dir);
      }
      Thread.sleep(500);
    }
  }

  /**
   * Creates a topic whose partitions all have {@code replicas} in this order: the first is each
   * partition's preferred leader.
   */
  public void createTopic(
      String topic, int partitions, List<Integer> replicas, Map<String, String> config)
      throws Exception {
    Map<Integer, List<Integer>> assignment = new LinkedHashMap<>();
    for (int i = 0; i < partitions; i++) {
      assignment.put(i, replicas);
    }
    admin()
        .createTopics(List.of(new NewTopic(topic, assignment).configs(config)))
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  /** Each partition of {@code topic}: its leader (-1 when none) and its in-sync replicas. */
  public Map<Integer, Partition> partitions(String topic) throws Exception {
    TopicDescription d;
    try (Admin admin = admin()) {
      d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
    }
    Map<Integer, Partition> out = new TreeMap<>();
    for (TopicPartitionInfo i : d.partitions()) {
      out.put(
          i.partition(),
          new Partition(
              i.leader() == null || i.leader().isEmpty() ? -1 : i.leader().id(),
              i.isr().stream().map(Node::id).collect(Collectors.toCollection(TreeSet::new))));
    }
    return out;
  }

  /** A partition's leader and in-sync replicas. */
  public record Partition(int leader, Set<Integer> isr) {}

  private void killAll() {
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
  }

  /** Kills every node (SIGKILL: nothing of the cluster is needed afterwards). */
  @Override
  public synchronized void close() {
    killAll();
    for (Process p : processes.values()) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already: the hook runs
    }
  }
}
