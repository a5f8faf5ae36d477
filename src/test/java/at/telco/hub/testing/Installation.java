package at.telco.hub.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The standalone distribution as operations install it: unpacked into a temporary folder, its
 * {@code config/hub.properties} pointing at the test servers, {@code bin/telco-hub} started as its
 * own process and stopped with SIGTERM. A test edits the installation's files (routes, sinks,
 * mappings, contracts) as an integration engineer would, without compiling anything.
 */
public final class Installation implements AutoCloseable {

  private final Path root;
  private final Path home;
  private final Properties properties;
  private Process process;
  private Path log;

  private Installation(Path root, Path home, Properties properties) {
    this.root = root;
    this.home = home;
    this.properties = properties;
  }

  /**
   * Unpacks the built distribution ({@code hub.distribution}) and writes its configuration: the
   * test servers, every topic and consumer group under {@code prefix}.
   */
  public static Installation unpack(TestServers servers, String prefix) throws Exception {
    Path root =
        untar(
            Path.of(System.getProperty("hub.distribution")),
            Files.createTempDirectory(servers.directory(), "dist-"));
    Path home;
    try (Stream<Path> s = Files.list(root)) {
      home = s.findFirst().orElseThrow();
    }
    Properties p = servers.hubProperties();
    Isolated.topicsAndGroups(p, prefix);
    Installation installation = new Installation(root, home, p);
    installation.writeConfiguration();
    return installation;
  }

  /**
   * Unpacks a {@code .tar.gz} into {@code into} (with {@code tar}, as operations would); {@code
   * into}.
   */
  public static Path untar(Path archive, Path into) throws Exception {
    Process tar =
        new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString())
            .inheritIO()
            .start();
    assertThat(tar.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).isZero();
    return into;
  }

  public Path home() {
    return home;
  }

  public Path root() {
    return root;
  }

  /**
   * The settings in {@code config/hub.properties}; change them, then {@link #writeConfiguration}.
   */
  public Properties properties() {
    return properties;
  }

  public void writeConfiguration() throws IOException {
    try (Writer w = Files.newBufferedWriter(home.resolve("config/hub.properties"))) {
      properties.store(w, "Installation (tests)");
    }
  }

  /** A file of the installation, as text. */
  public String read(String path) throws IOException {
    return Files.readString(home.resolve(path), StandardCharsets.UTF_8);
  }

  /** Writes a file of the installation. */
  public void write(String path, String text) throws IOException {
    Path file = home.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** Replaces text in a file of the installation; the text must be there. */
  public void edit(String path, String what, String with) throws IOException {
    String text = read(path);
    assertThat(text).as(path).contains(what);
    write(path, text.replace(what, with));
  }

  public int managementPort() {
    return Integer.parseInt(properties.getProperty("camel.management.port"));
  }

  public int businessPort() {
    return Integer.parseInt(properties.getProperty("camel.server.port"));
  }

  /** Starts {@code bin/telco-hub} and waits until the hub is ready. */
  public void start(Map<String, String> environment) throws Exception {
    Path tmp = Files.createTempDirectory(root, "tmp-");
    log = Files.createTempFile(root, "hub-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(home.resolve("bin/telco-hub").toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC");
    pb.environment()
        .put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    pb.environment().put("TMPDIR", tmp.toString());
    pb.environment().putAll(environment);
    process = pb.start();
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> Http.ready(managementPort()) || !process.isAlive());
    assertThat(process.isAlive()).as(log()).isTrue();
  }

  public void start() throws Exception {
    start(Map.of());
  }

  /** What the hub logged so far. */
  public String log() throws IOException {
    return log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Stops the hub with SIGTERM, as systemd and Kubernetes do; returns its exit code. */
  public int stop() throws Exception {
    if (process == null) {
      return 0;
    }
    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    int code = process.exitValue();
    process = null;
    return code;
  }

  @Override
  public void close() throws Exception {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Every file of the installation (to show that the hub writes none). */
  public List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(home)) {
      return s.sorted().toList();
    }
  }
}
