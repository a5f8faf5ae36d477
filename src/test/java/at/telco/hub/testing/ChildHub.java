package at.telco.hub.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The hub as operations run it - the built jar in its own JVM - pointed at the test servers. Can be
 * killed with SIGKILL.
 */
public final class ChildHub implements AutoCloseable {

  private final Process process;
  private final Path log;

  private ChildHub(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static Path jar() {
    Path jar = Path.of(System.getProperty("hub.jar", "target/telco-integration-hub.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar + " is missing: run the ITs with mvn verify (after package)");
    }
    return jar;
  }

  public static ChildHub start(String name, Properties properties) throws IOException {
    return start(name, properties, java.util.Map.of());
  }

  /** The jar with extra environment variables (e.g. HUB_LOG_FORMAT=json). */
  public static ChildHub start(
      String name, Properties properties, java.util.Map<String, String> env) throws IOException {
    return start(name, properties, env, List.of("-Xmx384m", "-XX:+UseSerialGC"));
  }

  /** The jar with these JVM options (a bounded heap among them) instead of the default ones. */
  public static ChildHub start(
      String name,
      Properties properties,
      java.util.Map<String, String> env,
      List<String> jvmOptions)
      throws IOException {
    Path dir = TestServers.get().directory().resolve("child-" + name);
    Files.createDirectories(dir);
    Path config = dir.resolve("hub.properties");
    try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      properties.store(w, "child hub " + name);
    }
    Path log = dir.resolve("hub-" + System.nanoTime() + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toAbsolutePath().toString());
    command.add("--config=" + config.toAbsolutePath());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Process process =
        builder
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new ChildHub(process, log);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no graceful stop, no last commit. */
  public void kill() {
    process.destroyForcibly();
    waitFor(30);
  }

  private boolean waitFor(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Path logFile() {
    return log;
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      if (!waitFor(45)) {
        kill();
      }
    }
  }
}
