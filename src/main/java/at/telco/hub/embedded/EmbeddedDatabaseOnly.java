package at.telco.hub.embedded;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * The embedded default's PostgreSQL alone, for maintenance while the hub is stopped (backup,
 * restore): it takes the data directory's lock, so it refuses to run beside a hub, and leaves
 * Artemis and Kafka stopped, so their files can be copied.
 */
public final class EmbeddedDatabaseOnly implements AutoCloseable {

  private final Path dataDirectory;
  private final DataDirectoryLock lock;
  private final EmbeddedPostgresServer postgres;

  private EmbeddedDatabaseOnly(
      Path dataDirectory, DataDirectoryLock lock, EmbeddedPostgresServer postgres) {
    this.dataDirectory = dataDirectory;
    this.lock = lock;
    this.postgres = postgres;
  }

  public static EmbeddedDatabaseOnly start(Settings settings) throws IOException {
    Path dir = Path.of(settings.get(HubSettings.EMBEDDED_DATA_DIR)).toAbsolutePath();
    if (!Files.isDirectory(dir.resolve("postgres"))) {
      throw new IllegalStateException(dir + " holds no embedded hub state (no postgres directory)");
    }
    DataDirectoryLock lock = DataDirectoryLock.acquire(dir);
    try {
      int port = settings.get(HubSettings.EMBEDDED_POSTGRES_PORT);
      EmbeddedPostgresServer pg =
          EmbeddedPostgresServer.start(
              dir.resolve("postgres"),
              port,
              settings.get(HubSettings.EMBEDDED_POSTGRES_SHARED_BUFFERS));
      try {
        // the owner role of the hub's tables (restore recreates them as it), also in a data
        // directory of an earlier version
        SystemDatabases.prepare(pg, SystemDatabases.ownerPassword(dir));
      } catch (java.sql.SQLException | RuntimeException e) {
        pg.close();
        throw new IllegalStateException("cannot prepare the hub database: " + e.getMessage(), e);
      }
      return new EmbeddedDatabaseOnly(dir, lock, pg);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** The Artemis journal's directory. */
  public Path artemis() {
    return dataDirectory.resolve("artemis");
  }

  /** The Kafka broker's log directory. */
  public Path kafka() {
    return dataDirectory.resolve("kafka");
  }

  /** A database as the given role. */
  public DataSource database(String role, String database) {
    return postgres.postgres().getDatabase(role, database);
  }

  @Override
  public void close() throws IOException {
    try {
      postgres.close();
    } finally {
      lock.close();
    }
  }
}
