package at.telco.hub.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the four databases of the embedded default: {@code crm}, {@code billing} and {@code
 * customerdb} from the project's copies of the system schemas (with the role {@code
 * hub_integration} and exactly the grants those files give it), and {@code hub}, owned by the hub's
 * role {@code hub_app}, whose tables the hub creates itself by versioned migrations.
 */
public final class SystemDatabases {

  public static final List<String> SYSTEMS = List.of("crm", "billing", "customerdb");
  public static final String HUB_DATABASE = "hub";
  public static final String HUB_ROLE = "hub_app";

  /** The role that alone may drop expired sealed audit segments (retention). */
  public static final String AUDIT_MAINTENANCE_ROLE = "hub_audit_maintenance";

  /** The network simulator's own inventory (embedded default only; the real network is Kafka). */
  public static final String NETWORK_DATABASE = "network";

  private static final Logger LOG = LoggerFactory.getLogger(SystemDatabases.class);

  private SystemDatabases() {}

  /** Idempotent: creates what is missing, leaves what exists. */
  public static void prepare(EmbeddedPostgresServer pg) throws SQLException {
    DataSource admin = pg.postgres().getPostgresDatabase();
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      if (!exists(s, "SELECT 1 FROM pg_roles WHERE rolname = '" + HUB_ROLE + "'")) {
        s.execute("CREATE ROLE " + HUB_ROLE + " LOGIN");
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
        s.execute("CREATE DATABASE " + HUB_DATABASE + " OWNER " + HUB_ROLE);
      }
      if (!exists(s, "SELECT 1 FROM pg_database WHERE datname = '" + NETWORK_DATABASE + "'")) {
        s.execute("CREATE DATABASE " + NETWORK_DATABASE);
      }
    }
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
