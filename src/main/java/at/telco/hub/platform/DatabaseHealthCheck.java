package at.telco.hub.platform;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the database answers a query. Never a liveness check: an outage is not a reason to
 * restart the hub.
 */
public final class DatabaseHealthCheck extends AbstractHealthCheck {

  private final DataSource dataSource;
  private final String database;
  private final boolean auditTrail;

  public DatabaseHealthCheck(String database, DataSource dataSource) {
    this(database, dataSource, false);
  }

  /**
   * @param auditTrail also report whether the audit trail is protected from the connecting role
   *     (the hub database: it must not own {@code hub.audit_entry})
   */
  public DatabaseHealthCheck(String database, DataSource dataSource, boolean auditTrail) {
    super("hub", "database-" + database);
    this.database = database;
    this.dataSource = dataSource;
    this.auditTrail = auditTrail;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    builder.detail("database", database);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(3);
      s.execute("SELECT 1");
      if (auditTrail) {
        // whether the hub's own role owns the audit trail (and so could switch its triggers off)
        try (ResultSet rs =
            s.executeQuery(
                "SELECT pg_get_userbyid(c.relowner) = current_user FROM pg_class c"
                    + " WHERE c.oid = to_regclass('hub.audit_entry')")) {
          if (rs.next()) {
            boolean owns = rs.getBoolean(1);
            builder.detail("audit.trail.protected", !owns);
            if (owns) {
              builder.detail(
                  "audit.trail",
                  "not protected from the hub's own role: it owns hub.audit_entry"
                      + " (configure hub.hubdb.migration.username)");
            }
          }
        }
      }
      builder.up();
    } catch (Exception e) {
      builder.message(database + " database is not reachable").error(e).down();
    }
  }
}
