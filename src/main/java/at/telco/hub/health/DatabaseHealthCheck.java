package at.telco.hub.health;

import java.sql.Connection;
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

  public DatabaseHealthCheck(String database, DataSource dataSource) {
    super("hub", "database-" + database);
    this.database = database;
    this.dataSource = dataSource;
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
      builder.up();
    } catch (Exception e) {
      builder.message(database + " database is not reachable").error(e).down();
    }
  }
}
