package at.telco.hub.testing;

import at.telco.hub.config.Settings;
import at.telco.hub.embedded.ArtemisSecurity;
import at.telco.hub.embedded.EmbeddedArtemisBroker;
import at.telco.hub.embedded.EmbeddedInfrastructure;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The real servers of the integration tests - PostgreSQL with the four databases, Kafka (KRaft) and
 * Artemis - started once per test run (the same embedded classes as the embedded default, on free
 * ports, in a temporary directory) and shared by every IT.
 */
public final class TestServers {

  private static TestServers instance;

  private final Path directory;
  private final EmbeddedInfrastructure infrastructure;
  private final int postgresPort;
  private final int kafkaPort;
  private final int artemisPort;
  private final String artemisAdminPassword;

  /** Databases that a scenario moved to a primary/standby pair ({@link #withDatabasesOn}). */
  private final Map<String, PostgresPair> moved;

  private TestServers() throws Exception {
    moved = Map.of();
    directory = Files.createTempDirectory("hub-it-");
    postgresPort = freePort();
    kafkaPort = freePort();
    artemisPort = freePort();
    Map<String, String> settings = new HashMap<>();
    settings.put("hub.embedded.data-dir", directory.toString());
    settings.put("hub.embedded.postgres.port", Integer.toString(postgresPort));
    settings.put("hub.embedded.kafka.port", Integer.toString(kafkaPort));
    settings.put("hub.embedded.kafka.controller-port", Integer.toString(freePort()));
    settings.put("hub.embedded.artemis.port", Integer.toString(artemisPort));
    // the benchmarks' million customers in the cache, as a database of that size would be set up
    // (-Pbench sets it; the tests keep the setting's default)
    String sharedBuffers = System.getProperty("test.postgres.shared-buffers");
    if (sharedBuffers != null && !sharedBuffers.isBlank()) {
      settings.put("hub.embedded.postgres.shared-buffers", sharedBuffers);
    }
    settings.put("hub.embedded.sample.accounts", "0");
    settings.put("hub.embedded.trickle.changes-per-minute", "0");
    settings.put("hub.kafka.topics.partitions", "3");
    // the broker's administrator, for tests that look behind the hub's back (Queues); the hub's
    // own user gets the password the embedded default generates into the data directory
    artemisAdminPassword = UUID.randomUUID().toString();
    settings.put("hub.embedded.artemis.admin-password", artemisAdminPassword);
    infrastructure =
        EmbeddedInfrastructure.start(
            new at.telco.hub.config.Settings(k -> Optional.ofNullable(settings.get(k))), false);
    Probes.install(this);
  }

  private TestServers(TestServers base, Map<String, PostgresPair> moved) {
    this.directory = base.directory;
    this.infrastructure = base.infrastructure;
    this.postgresPort = base.postgresPort;
    this.kafkaPort = base.kafkaPort;
    this.artemisPort = base.artemisPort;
    this.artemisAdminPassword = base.artemisAdminPassword;
    this.moved = moved;
  }

  /**
   * The same servers, but {@code databases} on {@code pair} ({@link #owner}, {@link #as} and {@link
   * #execute} reach them there, on whichever of the two is the primary): for the scenarios whose
   * hub has those databases on a primary/standby pair. {@link #hubProperties()} still points at the
   * shared server; the scenario sets the moved databases' URLs itself.
   */
  public TestServers withDatabasesOn(PostgresPair pair, String... databases) {
    Map<String, PostgresPair> m = new HashMap<>(moved);
    for (String db : databases) {
      m.put(db, pair);
    }
    return new TestServers(this, Map.copyOf(m));
  }

  /** Deletes a directory tree, best effort (at exit). */
  static void deleteRecursively(java.nio.file.Path dir) {
    try (java.util.stream.Stream<java.nio.file.Path> paths = Files.walk(dir)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (java.io.IOException ignored) {
                  // best effort at exit
                }
              });
    } catch (java.io.IOException | RuntimeException ignored) {
      // best effort at exit
    }
  }

  public static synchronized TestServers get() {
    if (instance == null) {
      try {
        instance = new TestServers();
      } catch (Exception e) {
        throw new IllegalStateException("test servers did not start", e);
      }
      TestServers servers = instance;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    servers.infrastructure.close();
                    // a run leaves 1-3 GB of databases, logs and journals: left behind run after
                    // run they filled the disk to Artemis's limit, which then blocks producers
                    deleteRecursively(servers.directory);
                  }));
    }
    return instance;
  }

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * A port nothing listens on, never the same twice in one JVM, below the kernel's range of
   * ephemeral ports (32768 and up on Linux). {@code new ServerSocket(0)} gave ports from that
   * range, and could give a port it had just given again (once PostgreSQL and Kafka got the same
   * one: Kafka failed to start with "Address already in use"); a port from that range can also
   * become an outgoing connection's local port before the server binds it.
   */
  public static int freePort() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = random.nextInt(20_000, 32_000);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port)) {
        return port;
      } catch (IOException e) {
        // in use: another
      }
    }
    throw new IllegalStateException("no free port between 20000 and 32000");
  }

  /** Settings that point a hub at these servers (the hub's own ports are free ones). */
  public Properties hubProperties() {
    Properties p = infrastructure.connectionProperties();
    p.setProperty("hub.embedded.enabled", "false");
    p.setProperty("camel.management.port", Integer.toString(freePort()));
    p.setProperty("camel.server.port", Integer.toString(freePort()));
    p.setProperty("camel.management.host", "127.0.0.1");
    p.setProperty("camel.server.host", "127.0.0.1");
    p.setProperty("hub.kafka.topics.partitions", "3");
    testPace().forEach(p::setProperty);
    // short enough for tests to see: a parked event delivered again after 10 s and dead-lettered
    // after 15 s (a release when the account becomes known is immediate, so it is told apart from
    // the schedule)
    p.setProperty("hub.parking.first-delay", "PT10S");
    p.setProperty("hub.parking.max-delay", "PT10S");
    p.setProperty("hub.parking.max-time", "PT15S");
    // reconciliation: on demand in the tests (the schedule has its own test), repair allowed, a
    // short settle time
    p.setProperty("hub.reconciliation.schedule.enabled", "false");
    p.setProperty("hub.reconciliation.repair.enabled", "true");
    p.setProperty("hub.reconciliation.settle", "PT2S");
    p.setProperty("hub.reconciliation.chunk-size", "200");
    // a killed instance's partitions move on after 10 s, not the default 45 s
    p.setProperty("camel.component.kafka.session-timeout-ms", "10000");
    p.setProperty("camel.component.kafka.heartbeat-interval-ms", "2000");
    // the management API's users: the bootstrap admin and one user per role (Api.java)
    p.setProperty("hub.admin.password", Api.PASSWORD);
    p.setProperty("hub.auth.users", Api.configuredUsers());
    TestIdentityProvider.get().configure(p);
    // the other tests replay and reconcile as fast as they like; hasty1 is the one limited
    p.setProperty("hub.rate-limit.replay-per-minute", "0");
    p.setProperty("hub.rate-limit.bulk-per-minute", "0");
    p.setProperty("hub.rate-limit.users", Api.HASTY + "=3/1");
    // failed sign-ins: the suite sends wrong credentials from 127.0.0.1 on purpose, so the
    // address ceiling is out of reach; the (user, address) back-off stays at its defaults and
    // waits at most 4 s (guessed1 is the user a test guesses; the others are not slowed)
    p.setProperty("hub.auth.throttle.address-free-failures", "1000000");
    p.setProperty("hub.auth.throttle.max-delay-seconds", "4");
    return p;
  }

  /**
   * What the tests speed up: sources, checks and purges run many times as often as the product's
   * defaults, so that tests see them move (the bench takes these out again and runs at the
   * defaults).
   */
  public static Map<String, String> testPace() {
    Map<String, String> pace = new LinkedHashMap<>();
    // polls 10 ms apart while busy (the default), idle sources at least every 50 ms
    pace.put("hub.crm.poll.idle-interval-ms", "50");
    pace.put("hub.billing.poll.idle-interval-ms", "50");
    pace.put("hub.redelivery.delay-ms", "50");
    pace.put("hub.redelivery.max-delay-ms", "200");
    // backlogs, lag and dead letters sampled every second
    pace.put("hub.observe.interval-ms", "1000");
    // an overdue provisioning command after 6 s
    pace.put("hub.provisioning.overdue-after", "PT6S");
    pace.put("hub.provisioning.overdue-check-ms", "1000");
    pace.put("hub.schema-drift.check-interval-ms", "2000");
    pace.put("hub.dead-letter.purge-interval-ms", "200");
    // erasure requests and legal holds looked at twice a second
    pace.put("hub.erasure.interval-ms", "500");
    return pace;
  }

  public int postgresPort() {
    return postgresPort;
  }

  public int kafkaPort() {
    return kafkaPort;
  }

  public String kafkaBootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  public int artemisPort() {
    return artemisPort;
  }

  /** The hub's broker user (the embedded default's, with its generated password). */
  public String artemisUser() {
    return EmbeddedInfrastructure.DEFAULT_ARTEMIS_USER;
  }

  public String artemisPassword() {
    return Settings.secretInFile(directory.resolve(EmbeddedInfrastructure.ARTEMIS_PASSWORD_FILE));
  }

  /** The password of the broker's administrator ({@value ArtemisSecurity#ADMIN_USER}). */
  public String artemisAdminPassword() {
    return artemisAdminPassword;
  }

  /**
   * The same users for a test's own Artemis broker, so that {@link #hubProperties()} (the hub's
   * user and password file) and {@link Queues} (the administrator) work with it too.
   */
  public EmbeddedArtemisBroker.Users artemisUsers() {
    return new EmbeddedArtemisBroker.Users(artemisUser(), artemisPassword(), artemisAdminPassword);
  }

  public Path directory() {
    return directory;
  }

  /** A database as its owner (the system itself, or a test looking behind the hub's back). */
  public DataSource owner(String database) {
    return as("postgres", database);
  }

  public DataSource as(String user, String database) {
    PostgresPair pair = moved.get(database);
    if (pair != null) {
      return pair.as(user, database);
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {postgresPort});
    ds.setDatabaseName(database);
    ds.setUser(user);
    return ds;
  }

  public void execute(String database, String... sql) {
    try (Connection c = owner(database).getConnection();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
