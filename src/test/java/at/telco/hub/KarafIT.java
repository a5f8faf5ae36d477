package at.telco.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.config.HubSettings;
import at.telco.hub.deploy.DeployFiles;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.Isolated;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What can be verified of the Karaf deployment without a Karaf that has Camel 4 bundles: the
 * bundle's manifest and content, the Blueprint context's references, the features file against the
 * Karaf features schema with every bundle it names resolvable, and the Config Admin file driving
 * the hub's core in a CamelContext that Camel Main does not run (as Blueprint would).
 */
class KarafIT {

  static final String VERSION = System.getProperty("project.version");

  static Manifest manifest() throws Exception {
    try (JarFile jar = new JarFile(System.getProperty("hub.bundle"))) {
      return jar.getManifest();
    }
  }

  static List<String> entries() throws Exception {
    try (JarFile jar = new JarFile(System.getProperty("hub.bundle"))) {
      return jar.stream().map(e -> e.getName()).toList();
    }
  }

  /** Package names of an OSGi header (attributes and directives dropped). */
  static List<String> packages(String header) {
    List<String> names = new ArrayList<>();
    // split at commas outside quotes
    Matcher m = Pattern.compile("([^,\"]|\"[^\"]*\")+").matcher(header);
    while (m.find()) {
      names.add(m.group().split(";")[0].strip());
    }
    return names;
  }

  @Test
  void theBundleExportsTheCoreAndLeavesTheLauncherAndTheEmbeddedServersOut() throws Exception {
    var attributes = manifest().getMainAttributes();
    assertThat(attributes.getValue("Bundle-SymbolicName")).isEqualTo("at.telco.hub");
    assertThat(attributes.getValue("Bundle-ManifestVersion")).isEqualTo("2");
    assertThat(attributes.getValue("Bundle-Version")).isEqualTo(VERSION.replace("-", "."));
    assertThat(attributes.getValue("Bundle-Blueprint"))
        .isEqualTo("OSGI-INF/blueprint/telco-hub.xml");
    List<String> exports = packages(attributes.getValue("Export-Package"));
    assertThat(exports)
        .contains(
            "at.telco.hub",
            "at.telco.hub.observe",
            "at.telco.hub.platform",
            "at.telco.hub.deadletter")
        .noneMatch(
            p -> p.startsWith("at.telco.hub.launcher") || p.startsWith("at.telco.hub.embedded"));
    List<String> imports = packages(attributes.getValue("Import-Package"));
    System.out.println("bundle imports " + imports.size() + " packages: " + imports);
    assertThat(imports)
        .as("nothing of the embedded default or of Camel Main's logging is needed under Karaf")
        .noneMatch(
            p ->
                p.startsWith("io.zonky")
                    || p.startsWith("kafka.")
                    || p.startsWith("org.apache.kafka.server")
                    || p.startsWith("org.apache.activemq.artemis.core.server")
                    || p.startsWith("ch.qos.logback")
                    || p.startsWith("net.logstash")
                    || p.startsWith("org.apache.camel.main"));
    assertThat(imports)
        .contains(
            "org.apache.camel", "org.apache.kafka.clients.admin", "jakarta.jms", "org.postgresql");
    List<String> entries = entries();
    assertThat(entries)
        .contains(
            "application.properties",
            "routes/_config/error-handling.yaml",
            "routes/crm-customer.camel.yaml",
            "transformers/crm-to-canonical-customer.jslt",
            "db/hub/V1__identity_sync_state_dead_letters.sql",
            "schemas/canonical/customer.v1.schema.json",
            "at/telco/hub/HubRoutes.class")
        .noneMatch(
            e -> e.startsWith("at/telco/hub/launcher/") || e.startsWith("at/telco/hub/embedded/"));
  }

  @Test
  void theBlueprintContextReferencesClassesOfTheBundleAndTheConfigAdminPid() throws Exception {
    Document blueprint;
    try (JarFile jar = new JarFile(System.getProperty("hub.bundle"));
        InputStream in = jar.getInputStream(jar.getEntry("OSGI-INF/blueprint/telco-hub.xml"))) {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      blueprint = f.newDocumentBuilder().parse(in);
    }
    NodeList beans =
        blueprint.getElementsByTagNameNS("http://www.osgi.org/xmlns/blueprint/v1.0.0", "bean");
    assertThat(beans.getLength()).isPositive();
    for (int i = 0; i < beans.getLength(); i++) {
      String cls = ((Element) beans.item(i)).getAttribute("class");
      assertThat(entries()).contains(cls.replace('.', '/') + ".class");
    }
    Element placeholder =
        (Element)
            blueprint
                .getElementsByTagNameNS(
                    "http://aries.apache.org/blueprint/xmlns/blueprint-cm/v1.1.0",
                    "property-placeholder")
                .item(0);
    assertThat(placeholder.getAttribute("persistent-id")).isEqualTo("at.telco.hub");
    assertThat(Path.of("deploy/karaf/etc/at.telco.hub.cfg")).exists();
  }

  @Test
  void theFeaturesFileIsValidAgainstTheKarafSchemaAndNamesResolvableBundles() throws Exception {
    URL xsd = getClass().getResource("/org/apache/karaf/features/karaf-features-1.6.0.xsd");
    assertThat(xsd).as("karaf-features-1.6.0.xsd from org.apache.karaf.features.core").isNotNull();
    SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
        .newSchema(xsd)
        .newValidator()
        .validate(new StreamSource(Path.of("deploy/karaf/features.xml").toFile()));

    String features = DeployFiles.read("karaf/features.xml");
    assertThat(features)
        .contains(
            "<repository>mvn:org.apache.camel.karaf/apache-camel/4.14.5/xml/features</repository>")
        .contains("mvn:at.telco/telco-integration-hub/" + VERSION + "/jar/osgi")
        .contains("mvn:at.telco/telco-integration-hub/" + VERSION + "/cfg/karaf")
        .contains("finalname=\"${karaf.etc}/at.telco.hub.cfg\"");
    // every third-party bundle is one the build itself uses (in the local Maven repository)
    Path repository = Path.of(System.getProperty("user.home"), ".m2", "repository");
    Matcher m = Pattern.compile("mvn:([^/]+)/([^/]+)/([^/<]+)</bundle>").matcher(features);
    int checked = 0;
    while (m.find()) {
      if (m.group(1).equals("at.telco")) {
        continue;
      }
      Path jar =
          repository
              .resolve(m.group(1).replace('.', '/'))
              .resolve(m.group(2))
              .resolve(m.group(3))
              .resolve(m.group(2) + "-" + m.group(3) + ".jar");
      assertThat(jar).as(m.group()).exists();
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(10);
  }

  @Test
  void theConfigAdminSettingsDriveTheCoreInACamelContextWithoutCamelMain() throws Exception {
    TestServers servers = TestServers.get();
    // ${karaf.etc} with the secret files the configuration names
    Path etc = Files.createTempDirectory(servers.directory(), "karaf-etc-");
    Files.createDirectories(etc.resolve("secrets"));
    for (String s :
        List.of(
            "crm-password",
            "billing-password",
            "customerdb-password",
            "hubdb-password",
            "hubdb-migration-password",
            "artemis-password")) {
      Files.writeString(etc.resolve("secrets").resolve(s), "");
    }
    // the hub's user of the test servers' Artemis (security on): the password from the file
    Files.writeString(etc.resolve("secrets/artemis-password"), servers.artemisPassword());
    Files.writeString(
        etc.resolve("secrets/log-key-hash-secret"), "karaf-test-secret-0123456789abcdef");
    Properties cfg = new Properties();
    cfg.load(
        new StringReader(
            DeployFiles.read("karaf/etc/at.telco.hub.cfg")
                .replace("${karaf.etc}", etc.toString())));
    Properties known = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
      known.load(in);
    }
    for (String key : cfg.stringPropertyNames()) {
      assertThat(known.containsKey(key) || HubSettings.isKnown(key))
          .as("a setting the hub knows: " + key)
          .isTrue();
    }

    // the addresses of the test servers instead of the example hosts; own topic and groups
    Properties p = new Properties();
    p.putAll(cfg);
    Properties test = servers.hubProperties();
    for (String key : test.stringPropertyNames()) {
      if (key.endsWith("jdbc-url")
          || key.equals("hub.kafka.brokers")
          || key.equals("hub.artemis.url")
          || key.endsWith(".username")
          || key.startsWith("camel.management.")
          || key.startsWith("camel.server.")) {
        p.setProperty(key, test.getProperty(key));
      }
    }
    p.setProperty("hub.kafka.topics.create", "true");
    p.setProperty("hub.kafka.topics.partitions", "3");
    Isolated.topicsAndGroups(p, "o05");
    p.setProperty("hub.crm.poll.idle-interval-ms", "50");
    // the API's users as every test hub has them: the first hub to start on the shared hub
    // database creates the admin, with the tests' password
    p.setProperty("hub.admin.password", Api.PASSWORD);
    p.setProperty("hub.auth.users", Api.configuredUsers());

    SharedHub.stop(); // this context alone takes the CRM changes
    DefaultCamelContext context = new DefaultCamelContext();
    // the catalogue's defaults come from HubRoutes itself, as under Karaf
    context.getPropertiesComponent().setLocation("classpath:application.properties");
    context.getPropertiesComponent().setOverrideProperties(p);
    context.addRoutes(new HubRoutes());
    context.start();
    try {
      assertThat(context.getRoutes())
          .extracting(r -> r.getRouteId())
          .contains("crm-customer-source", "sink-customerdb", "sink-billing", "dead-letter");
      // the canonical topic it created carries min.insync.replicas (1 with one broker here)
      var topicConfig =
          context
              .getRegistry()
              .lookupByNameAndType("kafkaAdmin", org.apache.kafka.clients.admin.Admin.class)
              .describeConfigs(
                  List.of(
                      new org.apache.kafka.common.config.ConfigResource(
                          org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                          "o05.hub.kafka.topic.customer")))
              .all()
              .get(10, java.util.concurrent.TimeUnit.SECONDS)
              .values()
              .iterator()
              .next()
              .get("min.insync.replicas");
      assertThat(topicConfig.value()).isEqualTo("1");
      assertThat(topicConfig.source())
          .isEqualTo(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
      // the management server the Blueprint context would start, with the hub's health and metrics
      String observe = "http://127.0.0.1:" + p.getProperty("camel.management.port") + "/observe";
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Http.get(observe + "/health/ready").status() == 200);
      assertThat(Http.get(observe + "/health").body())
          .contains("\"database-hub\"", "\"dead-letters\"");
      assertThat(Http.get(observe + "/metrics").body())
          .contains("hub_dead_letters_queued", "hub_consumer_lag_records", "camel_exchanges_total");
      String account = "ACC-O05-0001";
      new Crm(servers).person(account, "Leopold", "Eder", "ACTIVE");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !Crm.rows(
                          servers.owner("customerdb"),
                          "SELECT 1 FROM customerdb.customer WHERE crm_account_id = ?",
                          account)
                      .isEmpty());
    } finally {
      context.stop();
    }
  }
}
