package at.telco.hub.platform;

import at.telco.hub.config.Database;
import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Connection pools for the system databases and the hub's own. Each system is reached as the role
 * its contract names ({@code hub_integration}); timeouts are set so a database that hangs makes the
 * hub wait and retry, not freeze.
 */
public final class DataSources {

  private DataSources() {}

  /** A pool for a database of the catalogue ({@link HubSettings}). */
  public static HikariDataSource create(Settings settings, Database database, String initSql) {
    return create(settings, database, 6, initSql);
  }

  /**
   * A pool for a database of the catalogue: its URL, user, password (or password file) and pool
   * size ({@code poolSize}, when the database declares none).
   */
  public static HikariDataSource create(
      Settings settings, Database database, int poolSize, String initSql) {
    return create(
        settings,
        database.name(),
        database.url(settings),
        settings.get(database.username()),
        settings.secret(database.password()),
        database.poolSize() == null ? poolSize : settings.get(database.poolSize()),
        initSql);
  }

  /**
   * A pool for a database given by its URL, user and password (empty: none): e.g. a sink's own
   * database of its declaration.
   */
  public static HikariDataSource create(
      Settings settings,
      String name,
      String jdbcUrl,
      String username,
      String password,
      int poolSize,
      String initSql) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("hub-" + name);
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(username);
    if (!password.isEmpty()) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(settings.get(HubSettings.DB_CONNECTION_TIMEOUT_MS));
    config.setValidationTimeout(3000);
    // start even while a database is down; routes and health report it and retry
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("connectTimeout", settings.get(HubSettings.DB_CONNECT_TIMEOUT_S));
    config.addDataSourceProperty("socketTimeout", settings.get(HubSettings.DB_SOCKET_TIMEOUT_S));
    config.addDataSourceProperty("tcpKeepAlive", true);
    config.addDataSourceProperty("ApplicationName", "telco-integration-hub");
    config.addDataSourceProperty("reWriteBatchedInserts", true);
    // exception messages without the server's detail ("Failing row contains (...)" and other
    // values of the statement): whatever logs an exception logs no personal data
    config.addDataSourceProperty("logServerErrorDetail", false);
    if (initSql != null) {
      config.setConnectionInitSql(initSql);
    }
    return new HikariDataSource(config);
  }
}
