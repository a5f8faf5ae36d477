package at.telco.hub.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;

/**
 * Quartz's JDBC job store on the hub database's connection pool (Quartz creates its connection
 * provider by class name, so the pool is handed over here before the scheduler starts).
 */
public final class QuartzConnections implements ConnectionProvider {

  private static final Map<String, DataSource> POOLS = new ConcurrentHashMap<>();

  private String pool;

  /** Registers a pool; its key goes into Quartz's properties as the provider's {@code pool}. */
  static String register(DataSource dataSource) {
    String key = UUID.randomUUID().toString();
    POOLS.put(key, dataSource);
    return key;
  }

  /** Set by Quartz from {@code org.quartz.dataSource.hub.pool}. */
  public void setPool(String pool) {
    this.pool = pool;
  }

  @Override
  public Connection getConnection() throws SQLException {
    DataSource ds = pool == null ? null : POOLS.get(pool);
    if (ds == null) {
      throw new SQLException("the hub database pool is not set up");
    }
    return ds.getConnection();
  }

  @Override
  public void shutdown() {
    // the pool belongs to the hub
    if (pool != null) {
      POOLS.remove(pool);
    }
  }

  @Override
  public void initialize() {
    // nothing: the pool is the hub's
  }
}
