package at.telco.hub.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;

/**
 * Quartz's JDBC job store on the hub database's connection pool (Quartz creates its connection
 * provider by class name, so the pool is handed over here before the scheduler starts).
 */
public final class QuartzConnections implements ConnectionProvider {

  private static volatile DataSource hub;

  static void use(DataSource dataSource) {
    hub = dataSource;
  }

  @Override
  public Connection getConnection() throws SQLException {
    DataSource ds = hub;
    if (ds == null) {
      throw new SQLException("the hub database pool is not set up yet");
    }
    return ds.getConnection();
  }

  @Override
  public void shutdown() {
    // the pool belongs to the hub
  }

  @Override
  public void initialize() {
    // nothing: the pool is the hub's
  }
}
