package at.telco.hub.chaos;

import static org.awaitility.Awaitility.await;

import at.telco.hub.config.HubSettings;
import at.telco.hub.embedded.SystemDatabases;
import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.PostgresPair;
import at.telco.hub.testing.Probes;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The setting of the PostgreSQL failover scenarios: one database the hub uses (its own, or the
 * billing target) on a primary with a streaming standby ({@link PostgresPair}), the hub (in this
 * JVM, the settings of the tests) given the pair's multi-host URL with {@code
 * targetServerType=primary}, the other databases on the shared test server, and CRM change load on
 * it: a round (every account's e-mail) each second.
 */
final class PostgresHa implements AutoCloseable {

  static final int ACCOUNTS = 100;

  /** The billing customer-number ranges handed to pairs so far in this JVM. */
  private static final AtomicLong BILLING_RANGES = new AtomicLong();

  /** What the pair holds. */
  enum Moved {
    HUB_DATABASE,
    BILLING
  }

  final TestServers servers;
  final PostgresPair pair;
  final ChangeLoad load;
  final HubInstance hub;
  private final AtomicBoolean done = new AtomicBoolean();
  private Thread writer;

  private PostgresHa(TestServers servers, PostgresPair pair, ChangeLoad load, HubInstance hub) {
    this.servers = servers;
    this.pair = pair;
    this.load = load;
    this.hub = hub;
  }

  static PostgresHa start(
      String name, String prefix, Moved moved, PostgresPair.Replication replication)
      throws Exception {
    TestServers shared = TestServers.get();
    SharedHub.stop(); // this hub polls the CRM alone
    Path dir = Files.createTempDirectory(shared.directory(), name + "-");
    PostgresPair pair = PostgresPair.start(dir, replication);
    HubInstance hub = null;
    try {
      Properties p = shared.hubProperties();
      TestServers servers;
      if (moved == Moved.HUB_DATABASE) {
        prepareHubDatabase(pair);
        servers = shared.withDatabasesOn(pair, SystemDatabases.HUB_DATABASE);
        String url = pair.jdbcUrl(SystemDatabases.HUB_DATABASE);
        p.setProperty(HubSettings.HUBDB_JDBC_URL.key(), url);
        p.setProperty(HubSettings.AUDIT_MAINTENANCE_JDBC_URL.key(), url);
      } else {
        servers = shared.withDatabasesOn(pair, "billing");
        prepareBilling(shared, pair, servers);
        p.setProperty(HubSettings.BILLING.jdbcUrl().key(), pair.jdbcUrl("billing"));
      }
      // a dead server's connection noticed in seconds (its sockets are reset by the crash, but a
      // connection attempt to a host that is gone waits for connectTimeout)
      p.setProperty("hub.db.connection-timeout-ms", "2000");
      p.setProperty("hub.db.connect-timeout-s", "2");
      p.setProperty("hub.db.socket-timeout-s", "10");
      hub = HubInstance.start(p);
      int port = hub.managementPort();
      await().atMost(Duration.ofMinutes(2)).until(() -> Http.ready(port));
      ChangeLoad load = new ChangeLoad(servers, prefix, ACCOUNTS);
      load.createAccounts();
      DatabaseOutageChaos.awaitConverged(load, Duration.ofMinutes(2));
      System.out.printf(
          "chaos: %s on a PostgreSQL primary (port %d) with its standby (port %d, %s): %s%n",
          moved == Moved.HUB_DATABASE ? "the hub database" : "billing",
          pair.primaryPort(),
          pair.standbyPort(),
          replication.name().toLowerCase(java.util.Locale.ROOT),
          pair.replicationState());
      return new PostgresHa(servers, pair, load, hub);
    } catch (Exception | Error e) {
      if (hub != null) {
        hub.close();
      }
      pair.close();
      throw e;
    }
  }

  /** The hub database as SystemDatabases makes it: owned by the owner role, no CREATE on public. */
  private static void prepareHubDatabase(PostgresPair pair) {
    pair.execute(
        "postgres",
        "CREATE ROLE " + SystemDatabases.HUB_ROLE + " LOGIN",
        "CREATE ROLE " + SystemDatabases.OWNER_ROLE + " LOGIN",
        "CREATE ROLE " + SystemDatabases.AUDIT_MAINTENANCE_ROLE + " LOGIN",
        "CREATE DATABASE " + SystemDatabases.HUB_DATABASE + " OWNER " + SystemDatabases.OWNER_ROLE);
    pair.execute(SystemDatabases.HUB_DATABASE, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
  }

  /**
   * Billing from its schema, with a copy of the shared billing's customers (so that a
   * reconciliation compares the CRM's other accounts as it would on the shared server), its
   * customer numbers continued far above the shared server's and any other pair's (the hub's
   * identity registry, on the shared server, holds them unique), and the write probe.
   */
  private static void prepareBilling(TestServers shared, PostgresPair pair, TestServers servers)
      throws Exception {
    pair.execute("postgres", "CREATE ROLE hub_integration LOGIN", "CREATE DATABASE billing");
    pair.execute(
        "billing", "REVOKE CREATE ON SCHEMA public FROM PUBLIC", SystemDatabases.schema("billing"));
    try (Connection from = shared.owner("billing").getConnection();
        Connection to = pair.as("postgres", "billing").getConnection();
        Statement read = from.createStatement();
        PreparedStatement write =
            to.prepareStatement(
                "INSERT INTO billing.customer SELECT * FROM"
                    + " json_populate_record(NULL::billing.customer, ?::json)")) {
      to.setAutoCommit(false);
      try (ResultSet rs =
          read.executeQuery("SELECT row_to_json(c)::text FROM billing.customer c")) {
        while (rs.next()) {
          write.setString(1, rs.getString(1));
          write.addBatch();
        }
      }
      write.executeBatch();
      // a range of its own per pair: the identity registry (shared) outlives the pair
      long next =
          (long)
                  Crm.row(
                          shared.owner("billing"),
                          "SELECT last_value AS n FROM billing.cust_no_seq")
                      .get("n")
              + 10_000_000L * BILLING_RANGES.incrementAndGet();
      try (Statement s = to.createStatement()) {
        s.execute("SELECT setval('billing.cust_no_seq', " + next + ")");
      }
      to.commit();
    }
    Probes.installBilling(servers);
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

  /** The rounds the writer has begun. */
  int roundsBegun() {
    return load.roundsBegun();
  }

  /**
   * Seconds from {@code since} (System.nanoTime) until a change the CRM made after it is applied in
   * customerdb and billing ({@code afterRound}: the round begun at that moment).
   */
  double secondsUntilApplied(long since, int afterRound, Duration atMost) {
    return load.secondsUntilApplied(servers, since, afterRound, atMost);
  }

  /** Every change processed, every target at the CRM's last state. */
  void awaitConverged() {
    DatabaseOutageChaos.awaitConverged(load, Duration.ofMinutes(4));
  }

  @Override
  public void close() {
    try {
      stopWriter();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        hub.close();
      } finally {
        pair.close();
      }
    }
  }
}
