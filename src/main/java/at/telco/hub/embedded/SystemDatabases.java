package at.telco.hub.embedded;

import at.telco.hub.observe.KeyHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the four databases of the embedded default: {@code crm}, {@code billing} and {@code
 * customerdb} from the project's copies of the system schemas (with the role {@code
 * hub_integration} and exactly the grants those files give it), and {@code hub}, owned by the
 * schema-owner role {@code hub_owner}, which runs the hub's versioned migrations and owns every hub
 * table; the hub's runtime role {@code hub_app} gets only the privileges the migrations grant it
 * (on the audit trail: read and append), so it cannot alter the audit trail with DDL or GRANT.
 */
public final class SystemDatabases {

  public static final List<String> SYSTEMS = List.of("crm", "billing", "customerdb");
  public static final String HUB_DATABASE = "hub";
  public static final String HUB_ROLE = "hub_app";

  /** The owner of the hub database, its schema and tables: runs the migrations, not the hub. */
  public static final String OWNER_ROLE = "hub_owner";

  /** The owner role's generated password, kept in the embedded data directory. */
  public static final String OWNER_SECRET_FILE = "hub-owner.secret";

  /** The role that alone may drop expired sealed audit segments (retention). */
  public static final String AUDIT_MAINTENANCE_ROLE = "hub_audit_maintenance";

  /** The network simulator's own inventory (embedded default only; the real network is Kafka). */
  public static final String NETWORK_DATABASE = "network";

  private static final Logger LOG = LoggerFactory.getLogger(SystemDatabases.class);

  private SystemDatabases() {}

  /** The owner role's password of an embedded data directory (made once, then kept there). */
  public static String ownerPassword(Path dataDirectory) {
    return KeyHash.secretInFile(dataDirectory.resolve(OWNER_SECRET_FILE));
  }

  /** {@link #prepare(EmbeddedPostgresServer, String)} with the owner role's password left alone. */
  public static void prepare(EmbeddedPostgresServer pg) throws SQLException {
    prepare(pg, null);
  }

  /**
   * Idempotent: creates what is missing, leaves what exists. The owner role gets {@code
   * ownerPassword} (unless null). A hub database of an earlier version, owned with its tables by
   * the runtime role, is handed to the owner role ({@code REASSIGN OWNED}); the hub's next
   * migration then grants the runtime role what it needs.
   */
  public static void prepare(EmbeddedPostgresServer pg, String ownerPassword) throws SQLException {
    DataSource admin = pg.postgres().getPostgresDatabase();
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      if (!exists(s, "SELECT 1 FROM pg_roles WHERE rolname = '" + HUB_ROLE + "'")) {
        s.execute("CREATE ROLE " + HUB_ROLE + " LOGIN");
      }
      if (!exists(s, "SELECT 1 FROM pg_roles WHERE rolname = '" + OWNER_ROLE + "'")) {
        s.execute("CREATE ROLE " + OWNER_ROLE + " LOGIN");
      }
      if (ownerPassword != null) {
        // hashed (SCRAM) by the driver: the password is in no statement the server could log
        c.unwrap(PGConnection.class)
            .alterUserPassword(OWNER_ROLE, ownerPassword.toCharArray(), "scram-sha-256");
      }
      if (!exists(s, "SELECT 1 FROM pg_roles WHERE rolname = '" + AUDIT_MAINTENANCE_ROLE + "'")) {
        s.execute("CREATE ROLE " + AUDIT_MAINTENANCE_ROLE + " LOGIN");
      }
      for (String db : SYSTEMS) {
        if (!exists(s, "SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
          s.execute("CREATE DATABASE " + db);
        }
      }
      if (!exists(s, "SELECT 1 FROM pg_database WHERE datname = '" + HUB_DATABASE + "'")) {
        s.execute("CREATE DATABASE " + HUB_DATABASE + " OWNER " + OWNER_ROLE);
      }
      if (!exists(s, "SELECT 1 FROM pg_database WHERE datname = '" + NETWORK_DATABASE + "'")) {
        s.execute("CREATE DATABASE " + NETWORK_DATABASE);
      }
    }
    handHubDatabaseToOwner(pg);
    for (String db : SYSTEMS) {
      DataSource ds = pg.postgres().getDatabase("postgres", db);
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        if (!exists(s, "SELECT 1 FROM pg_namespace WHERE nspname = '" + db + "'")) {
          // as PostgreSQL 15 and later do by default: nobody creates objects in public
          s.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
          s.execute(schema(db));
          LOG.info("created the {} database from systems/{}.sql", db, db);
        }
      }
    }
  }

  /**
   * The hub database of a data directory made before the owner role existed belongs, with its
   * schema, tables, sequences and functions, to the runtime role: everything it owns there goes to
   * the owner role (its privileges with it: the runtime role has none left until the migration that
   * grants them runs, at the hub's next start). Nobody may create objects in schema public either.
   */
  static void handHubDatabaseToOwner(EmbeddedPostgresServer pg) throws SQLException {
    DataSource hub = pg.postgres().getDatabase("postgres", HUB_DATABASE);
    try (Connection c = hub.getConnection();
        Statement s = c.createStatement()) {
      boolean runtimeOwns =
          exists(
              s,
              "SELECT 1 FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba"
                  + " WHERE d.datname = '"
                  + HUB_DATABASE
                  + "' AND r.rolname = '"
                  + HUB_ROLE
                  + "' UNION ALL SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid ="
                  + " k.relnamespace JOIN pg_roles r ON r.oid = k.relowner WHERE n.nspname = 'hub'"
                  + " AND r.rolname = '"
                  + HUB_ROLE
                  + "' UNION ALL SELECT 1 FROM pg_namespace n JOIN pg_roles r ON r.oid ="
                  + " n.nspowner WHERE n.nspname = 'hub' AND r.rolname = '"
                  + HUB_ROLE
                  + "'");
      if (runtimeOwns) {
        s.execute("REASSIGN OWNED BY " + HUB_ROLE + " TO " + OWNER_ROLE);
        LOG.warn(
            "the hub database and its tables belonged to the hub's runtime role {}: handed to"
                + " the owner role {} (the runtime role keeps only the privileges the migrations"
                + " grant it)",
            HUB_ROLE,
            OWNER_ROLE);
      }
      s.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    }
  }

  private static boolean exists(Statement s, String query) throws SQLException {
    try (ResultSet rs = s.executeQuery(query)) {
      return rs.next();
    }
  }

  /** The project's copy of a system's schema (src/main/resources/systems). */
  public static String schema(String system) {
    try (InputStream in =
        SystemDatabases.class.getResourceAsStream("/systems/" + system + ".sql")) {
      if (in == null) {
        throw new IllegalStateException("systems/" + system + ".sql is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
