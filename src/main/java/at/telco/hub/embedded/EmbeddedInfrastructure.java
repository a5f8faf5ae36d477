package at.telco.hub.embedded;

import at.telco.hub.config.Database;
import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import at.telco.hub.simulator.BillingSimulator;
import at.telco.hub.simulator.CrmChangeTrickle;
import at.telco.hub.simulator.NetworkSimulator;
import at.telco.hub.simulator.SampleData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: PostgreSQL (crm, billing, customerdb, hub), Kafka and Artemis, started from
 * Maven artifacts with their state under one data directory, plus sample data and the CRM change
 * trickle. Kept apart from the hub's core: production points the same core at real servers.
 *
 * <p>Settings: {@code hub.embedded.data-dir} (./data), {@code hub.embedded.postgres.port} (54320),
 * {@code hub.embedded.kafka.port} (19092), {@code hub.embedded.kafka.controller-port} (19093),
 * {@code hub.embedded.artemis.port} (61616), {@code hub.embedded.sample.accounts} (1200), {@code
 * hub.embedded.trickle.changes-per-minute} (30; 0 switches it off), {@code
 * hub.embedded.artemis.admin-password(-file)} (none: the broker has only the hub's user).
 */
public final class EmbeddedInfrastructure implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedInfrastructure.class);
  private static final String MARKER = ".telco-hub-data";

  /** The embedded broker's user of the hub when hub.artemis.username is not set. */
  public static final String DEFAULT_ARTEMIS_USER = "hub";

  /** The generated password of the hub's broker user, in the data directory. */
  public static final String ARTEMIS_PASSWORD_FILE = "artemis-hub-password.secret";

  private final Path dataDirectory;
  private final DataDirectoryLock lock;
  private final EmbeddedPostgresServer postgres;
  private final EmbeddedKafkaBroker kafka;
  private final EmbeddedArtemisBroker artemis;
  private final String artemisUser;
  private final Path artemisPasswordFile;
  private final int seeded;
  private final double trickleRate;
  private final Settings settings;
  private CrmChangeTrickle trickle;
  private BillingSimulator billingSimulator;
  private NetworkSimulator networkSimulator;

  private EmbeddedInfrastructure(
      Path dataDirectory,
      DataDirectoryLock lock,
      EmbeddedPostgresServer postgres,
      EmbeddedKafkaBroker kafka,
      EmbeddedArtemisBroker artemis,
      String artemisUser,
      Path artemisPasswordFile,
      int seeded,
      double trickleRate,
      Settings settings) {
    this.dataDirectory = dataDirectory;
    this.lock = lock;
    this.postgres = postgres;
    this.kafka = kafka;
    this.artemis = artemis;
    this.artemisUser = artemisUser;
    this.artemisPasswordFile = artemisPasswordFile;
    this.seeded = seeded;
    this.trickleRate = trickleRate;
    this.settings = settings;
  }

  public static EmbeddedInfrastructure start(Settings settings, boolean clean) throws Exception {
    Path dir = Path.of(settings.get(HubSettings.EMBEDDED_DATA_DIR)).toAbsolutePath();
    DataDirectoryLock lock = DataDirectoryLock.acquire(dir);
    if (clean) {
      wipe(dir);
    }
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve(MARKER), "state of the Telco Integration Hub's embedded default\n");
    int pgPort = settings.get(HubSettings.EMBEDDED_POSTGRES_PORT);
    int kafkaPort = settings.get(HubSettings.EMBEDDED_KAFKA_PORT);
    int controllerPort = settings.get(HubSettings.EMBEDDED_KAFKA_CONTROLLER_PORT);
    int artemisPort = settings.get(HubSettings.EMBEDDED_ARTEMIS_PORT);
    Ports.requireFree(HubSettings.EMBEDDED_KAFKA_PORT.key(), kafkaPort);
    Ports.requireFree(HubSettings.EMBEDDED_KAFKA_CONTROLLER_PORT.key(), controllerPort);
    Ports.requireFree(HubSettings.EMBEDDED_ARTEMIS_PORT.key(), artemisPort);
    // PostgreSQL's port may still be held by a server of an earlier run of this data directory
    if (!Files.exists(dir.resolve("postgres").resolve("postmaster.pid"))) {
      Ports.requireFree(HubSettings.EMBEDDED_POSTGRES_PORT.key(), pgPort);
    }
    int partitions = settings.get(HubSettings.KAFKA_TOPICS_PARTITIONS);

    // Kafka and Artemis start while PostgreSQL starts and is prepared
    CompletableFuture<EmbeddedKafkaBroker> kafka =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return EmbeddedKafkaBroker.start(
                    dir.resolve("kafka"), kafkaPort, controllerPort, partitions);
              } catch (Exception e) {
                throw new IllegalStateException(
                    "embedded Kafka did not start: " + e.getMessage(), e);
              }
            });
    // the hub's broker user: hub.artemis.username (default hub) with hub.artemis.password(-file),
    // or else a password generated once and kept in the data directory
    String artemisUser =
        settings.optional(HubSettings.ARTEMIS_USERNAME).orElse(DEFAULT_ARTEMIS_USER);
    String configured = settings.secret(HubSettings.ARTEMIS_PASSWORD).strip();
    Path generated = configured.isEmpty() ? dir.resolve(ARTEMIS_PASSWORD_FILE) : null;
    EmbeddedArtemisBroker.Users users =
        new EmbeddedArtemisBroker.Users(
            artemisUser,
            generated != null ? Settings.secretInFile(generated) : configured,
            emptyToNull(settings.secret(HubSettings.EMBEDDED_ARTEMIS_ADMIN_PASSWORD).strip()),
            settings.get(HubSettings.DEAD_LETTER_QUEUE_PREFIX),
            settings.get(HubSettings.PARKING_QUEUE));
    CompletableFuture<EmbeddedArtemisBroker> artemis =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return EmbeddedArtemisBroker.start(dir.resolve("artemis"), artemisPort, users);
              } catch (Exception e) {
                throw new IllegalStateException(
                    "embedded Artemis did not start: " + e.getMessage(), e);
              }
            });
    EmbeddedPostgresServer pg =
        EmbeddedPostgresServer.start(
            dir.resolve("postgres"),
            pgPort,
            settings.get(HubSettings.EMBEDDED_POSTGRES_SHARED_BUFFERS));
    SystemDatabases.prepare(pg, SystemDatabases.ownerPassword(dir));
    int seeded = 0;
    int accounts = settings.get(HubSettings.EMBEDDED_SAMPLE_ACCOUNTS);
    if (accounts > 0) {
      seeded =
          SampleData.seedIfEmpty(pg.postgres().getDatabase("postgres", "crm"), accounts, 20261127L);
      if (seeded > 0) {
        LOG.info("seeded the CRM with {} sample accounts", seeded);
      }
    }
    double rate = settings.get(HubSettings.EMBEDDED_TRICKLE_CHANGES_PER_MINUTE);
    EmbeddedKafkaBroker broker = kafka.join();
    broker.createTopics(
        List.of(
            settings.get(HubSettings.NETWORK_TOPIC_INVENTORY),
            settings.get(HubSettings.NETWORK_TOPIC_COMMANDS),
            settings.get(HubSettings.NETWORK_TOPIC_RESULTS)),
        partitions);
    return new EmbeddedInfrastructure(
        dir, lock, pg, broker, artemis.join(), artemisUser, generated, seeded, rate, settings);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Deletes a data directory, but only one that is the hub's (or empty). */
  static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    boolean empty;
    try (Stream<Path> s = Files.list(dir)) {
      empty = s.allMatch(p -> p.getFileName().toString().equals(DataDirectoryLock.FILE));
    }
    if (!empty && !Files.exists(dir.resolve(MARKER))) {
      throw new IllegalStateException(
          dir + " is not a data directory of the hub (no " + MARKER + "): not deleting it");
    }
    EmbeddedPostgresServer.stopLeftover(dir.resolve("postgres"));
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir) && !p.equals(dir.resolve(DataDirectoryLock.FILE))) {
          Files.delete(p);
        }
      }
    }
    LOG.info("started clean: deleted {}", dir);
  }

  /** Properties that point the hub's core at these servers. */
  public Properties connectionProperties() {
    Properties p = new Properties();
    for (Database db : List.of(HubSettings.CRM, HubSettings.BILLING, HubSettings.CUSTOMERDB)) {
      p.setProperty(db.jdbcUrl().key(), postgres.jdbcUrl(db.name()));
      p.setProperty(db.username().key(), "hub_integration");
    }
    p.setProperty(HubSettings.HUBDB_JDBC_URL.key(), postgres.jdbcUrl(SystemDatabases.HUB_DATABASE));
    p.setProperty(HubSettings.HUBDB_USERNAME.key(), SystemDatabases.HUB_ROLE);
    // the migrations run as the owner of the hub's tables, the hub as a role that does not own them
    p.setProperty(HubSettings.HUBDB_MIGRATION_USERNAME.key(), SystemDatabases.OWNER_ROLE);
    p.setProperty(
        HubSettings.HUBDB_MIGRATION_PASSWORD.key() + "-file",
        dataDirectory.resolve(SystemDatabases.OWNER_SECRET_FILE).toString());
    p.setProperty(
        HubSettings.AUDIT_MAINTENANCE_JDBC_URL.key(),
        postgres.jdbcUrl(SystemDatabases.HUB_DATABASE));
    p.setProperty(
        HubSettings.AUDIT_MAINTENANCE_USERNAME.key(), SystemDatabases.AUDIT_MAINTENANCE_ROLE);
    p.setProperty(HubSettings.AUDIT_MAINTENANCE_POOL_SIZE.key(), "1");
    p.setProperty(HubSettings.KAFKA_BROKERS.key(), kafka.bootstrapServers());
    p.setProperty(HubSettings.ARTEMIS_URL.key(), artemis.url());
    p.setProperty(HubSettings.ARTEMIS_USERNAME.key(), artemisUser);
    if (artemisPasswordFile != null) {
      // generated (none configured): the hub reads it from the file, it is never in a property
      p.setProperty(HubSettings.ARTEMIS_PASSWORD.key() + "-file", artemisPasswordFile.toString());
    }
    // the secret of the business-key hashes in the logs, made once and kept with the data
    Path secret = dataDirectory.resolve("log-key-hash.secret");
    at.telco.hub.observe.KeyHash.secretInFile(secret);
    p.setProperty(HubSettings.LOG_KEY_HASH_SECRET.key() + "-file", secret.toString());
    return p;
  }

  /** The CRM database as the CRM's own user (for the simulators and for people trying the hub). */
  public DataSource crmAsOwner() {
    return postgres.postgres().getDatabase("postgres", "crm");
  }

  /** The billing database as billing's own user. */
  public DataSource billingAsOwner() {
    return postgres.postgres().getDatabase("postgres", "billing");
  }

  /** The network simulator's own database. */
  public DataSource networkDatabase() {
    return postgres.postgres().getDatabase("postgres", SystemDatabases.NETWORK_DATABASE);
  }

  /** The simulated CRM, billing and network (hub.embedded.simulators.enabled). */
  public void startSimulators() {
    if (!settings.get(HubSettings.EMBEDDED_SIMULATORS_ENABLED)) {
      return;
    }
    if (trickleRate > 0 && trickle == null) {
      trickle = new CrmChangeTrickle(crmAsOwner(), trickleRate);
    }
    if (billingSimulator == null) {
      billingSimulator = new BillingSimulator(billingAsOwner());
      billingSimulator.start(
          settings.get(HubSettings.EMBEDDED_SIMULATORS_BILLING_EVENTS_PER_MINUTE));
    }
    if (networkSimulator == null) {
      NetworkSimulator.prepare(networkDatabase());
      networkSimulator =
          new NetworkSimulator(
              networkDatabase(),
              kafka.bootstrapServers(),
              settings.get(HubSettings.NETWORK_TOPIC_INVENTORY),
              settings.get(HubSettings.NETWORK_TOPIC_COMMANDS),
              settings.get(HubSettings.NETWORK_TOPIC_RESULTS));
      networkSimulator.start();
      networkSimulator.startActivations(
          billingAsOwner(),
          settings.get(HubSettings.EMBEDDED_SIMULATORS_NETWORK_ACTIVATIONS_PER_TICK));
    }
  }

  public void stopSimulators() {
    if (trickle != null) {
      trickle.close();
      trickle = null;
    }
    if (billingSimulator != null) {
      billingSimulator.close();
      billingSimulator = null;
    }
    if (networkSimulator != null) {
      networkSimulator.close();
      networkSimulator = null;
    }
  }

  public String describe() {
    int port = postgres.port();
    return "  PostgreSQL 127.0.0.1:"
        + port
        + "  databases crm, billing, customerdb, hub   psql -h 127.0.0.1 -p "
        + port
        + " -U postgres crm\n"
        + "  Kafka      "
        + kafka.bootstrapServers()
        + "  topic canonical.customer.v1\n"
        + "  Artemis    "
        + artemis.url()
        + "  dead letters on queues DLQ.<target>\n"
        + "  Data       "
        + dataDirectory
        + (seeded > 0 ? "  (seeded " + seeded + " CRM accounts)" : "")
        + "  start empty with --clean\n"
        + "  Simulators CRM ("
        + (trickleRate > 0 ? trickleRate + " changes/min" : "no trickle")
        + "), billing (accounts, invoices, payments, dunning), network (services, commands)"
        + "  (hub.embedded.simulators.enabled)\n";
  }

  @Override
  public void close() {
    stopSimulators();
    for (AutoCloseable c : new AutoCloseable[] {artemis, kafka, postgres, lock}) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("stopping {}: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
