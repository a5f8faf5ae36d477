package at.telco.hub.platform;

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

  /**
   * A pool for {@code hub.<name>.*}: jdbc-url, username, password (or password-file), pool-size.
   */
  public static HikariDataSource create(Settings settings, String name, String initSql) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("hub-" + name);
    config.setJdbcUrl(settings.get("hub." + name + ".jdbc-url"));
    config.setUsername(settings.get("hub." + name + ".username"));
    String password = settings.secret("hub." + name + ".password");
    if (!password.isEmpty()) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(settings.getInt("hub." + name + ".pool-size", 6));
    config.setMinimumIdle(1);
    config.setConnectionTimeout(settings.getInt("hub.db.connection-timeout-ms", 5000));
    config.setValidationTimeout(3000);
    // start even while a database is down; routes and health report it and retry
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("connectTimeout", settings.getInt("hub.db.connect-timeout-s", 5));
    config.addDataSourceProperty("socketTimeout", settings.getInt("hub.db.socket-timeout-s", 60));
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
