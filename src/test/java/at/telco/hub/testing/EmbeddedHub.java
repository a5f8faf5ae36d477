package at.telco.hub.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The built jar in its embedded default (its own PostgreSQL, Kafka and Artemis in a data directory
 * of its own, on free ports), as someone would run it: started, stopped, and its maintenance
 * commands run.
 */
public final class EmbeddedHub {

  public final Path dir;
  public final Path dataDir;
  final int pg = TestServers.freePort();
  final int kafka = TestServers.freePort();
  final int controller = TestServers.freePort();
  public final int artemis = TestServers.freePort();
  public final int mgmt = TestServers.freePort();
  public final int http = TestServers.freePort();

  public EmbeddedHub(String name) throws IOException {
    this.dir = Files.createTempDirectory("hub-" + name + "-");
    this.dataDir = dir.resolve("data");
    // a hub's data directory holds ~150 MB of databases and journals: runs left them behind
    Runtime.getRuntime().addShutdownHook(new Thread(() -> TestServers.deleteRecursively(dir)));
  }

  private List<String> command(List<String> properties) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx768m");
    command.add("-Dhub.embedded.postgres.port=" + pg);
    command.add("-Dhub.embedded.kafka.port=" + kafka);
    command.add("-Dhub.embedded.kafka.controller-port=" + controller);
    command.add("-Dhub.embedded.artemis.port=" + artemis);
    command.add("-Dcamel.management.port=" + mgmt);
    command.add("-Dcamel.server.port=" + http);
    for (String p : properties) {
      command.add("-D" + p);
    }
    command.add("-jar");
    command.add(ChildHub.jar().toAbsolutePath().toString());
    command.add("--data-dir=" + dataDir);
    return command;
  }

  /** Starts the hub; {@code properties} are key=value settings. */
  public Process start(String log, String... properties) throws IOException {
    return new ProcessBuilder(command(List.of(properties)))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(log).toFile())
        .start();
  }

  /** Runs a maintenance command (e.g. backup --to=DIR) to its end; returns its exit code. */
  public int run(String log, String... args) throws Exception {
    List<String> command = command(List.of());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(log).toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(log + " did not finish:\n" + log(log));
    }
    return p.exitValue();
  }

  /** Its Kafka's bootstrap address (the embedded default's broker, plain text). */
  public String kafkaBootstrap() {
    return "127.0.0.1:" + kafka;
  }

  public String log(String name) throws IOException {
    Path file = dir.resolve(name);
    return Files.exists(file) ? Files.readString(file) : "";
  }

  public DataSource db(String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {pg});
    ds.setDatabaseName(database);
    ds.setUser("postgres");
    return ds;
  }

  /** SIGTERM and wait: a graceful stop that stops the embedded servers too. */
  public static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
