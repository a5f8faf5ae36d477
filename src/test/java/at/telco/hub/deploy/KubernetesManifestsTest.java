package at.telco.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.config.HubSettings;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests, the Dockerfile and the compose file cannot be run on the build machines
 * (no container engine, no cluster). This test reads them and checks that what they point at is
 * what the application serves and reads: probe paths and ports, the metrics annotation, the mounts
 * of routes/, transformers/, configuration and secrets, the settings' names, the ConfigMaps'
 * content, non-root and read-only root filesystem, resources, the disruption budget.
 * (DistributionIT requests the probe paths from a running hub.)
 */
@SuppressWarnings("unchecked")
class KubernetesManifestsTest {

  /** What the hub runs with when nothing is configured: the catalogue's defaults, Camel's own. */
  static Properties defaults() throws IOException {
    Properties p = new Properties();
    p.putAll(HubSettings.defaults());
    try (var in = KubernetesManifestsTest.class.getResourceAsStream("/application.properties")) {
      p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return p;
  }

  static Map<String, Object> kind(String file, String kind) {
    return DeployFiles.yaml("kubernetes/" + file).stream()
        .map(d -> (Map<String, Object>) d)
        .filter(d -> kind.equals(d.get("kind")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(file + " has no " + kind));
  }

  static Object at(Object node, String... path) {
    Object n = node;
    for (String p : path) {
      n =
          p.matches("\\d+")
              ? ((List<Object>) n).get(Integer.parseInt(p))
              : ((Map<String, Object>) n).get(p);
      if (n == null) {
        throw new AssertionError("no " + String.join(".", path));
      }
    }
    return n;
  }

  static Map<String, Object> container() {
    return (Map<String, Object>)
        at(kind("deployment.yaml", "Deployment"), "spec", "template", "spec", "containers", "0");
  }

  static Properties hubProperties() throws IOException {
    Properties p = new Properties();
    p.load(
        new StringReader(
            (String) at(kind("configmap-config.yaml", "ConfigMap"), "data", "hub.properties")));
    return p;
  }

  static int port(String name) {
    for (Object o : (List<Object>) container().get("ports")) {
      Map<String, Object> p = (Map<String, Object>) o;
      if (name.equals(p.get("name"))) {
        return ((Number) p.get("containerPort")).intValue();
      }
    }
    throw new AssertionError("no container port " + name);
  }

  static String mountPath(String volume) {
    for (Object o : (List<Object>) container().get("volumeMounts")) {
      Map<String, Object> m = (Map<String, Object>) o;
      if (volume.equals(m.get("name"))) {
        return (String) m.get("mountPath");
      }
    }
    throw new AssertionError("no mount of volume " + volume);
  }

  static Map<String, Object> volume(String name) {
    for (Object o :
        (List<Object>)
            at(kind("deployment.yaml", "Deployment"), "spec", "template", "spec", "volumes")) {
      Map<String, Object> v = (Map<String, Object>) o;
      if (name.equals(v.get("name"))) {
        return v;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  static String env(String name) {
    for (Object o : (List<Object>) container().get("env")) {
      Map<String, Object> e = (Map<String, Object>) o;
      if (name.equals(e.get("name"))) {
        return (String) e.get("value");
      }
    }
    return null;
  }

  @Test
  void probesAndTheMetricsAnnotationPointAtTheManagementServer() throws IOException {
    Properties app = defaults();
    Properties hub = hubProperties();
    String health = app.getProperty("camel.management.health-path");
    assertThat(health).isEqualTo("/observe/health");
    Map<String, Object> c = container();
    assertThat(at(c, "livenessProbe", "httpGet", "path")).isEqualTo(health + "/live");
    assertThat(at(c, "readinessProbe", "httpGet", "path")).isEqualTo(health + "/ready");
    assertThat(at(c, "startupProbe", "httpGet", "path")).isEqualTo(health + "/live");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(port((String) at(c, probe, "httpGet", "port")))
          .as(probe + " port")
          .isEqualTo(Integer.parseInt(hub.getProperty("camel.management.port")))
          .isEqualTo(Integer.parseInt(app.getProperty("camel.management.port")));
    }
    assertThat(port("http")).isEqualTo(Integer.parseInt(hub.getProperty("camel.server.port")));
    Map<String, Object> annotations =
        (Map<String, Object>)
            at(
                kind("deployment.yaml", "Deployment"),
                "spec",
                "template",
                "metadata",
                "annotations");
    assertThat(annotations.get("prometheus.io/path"))
        .isEqualTo(app.getProperty("camel.metrics.path"));
    assertThat(annotations.get("prometheus.io/port"))
        .isEqualTo(Integer.toString(port("management")));
    // readiness takes longer than liveness may (it asks every server); liveness tolerates a minute
    assertThat(
            ((Number) at(c, "livenessProbe", "failureThreshold")).intValue()
                * ((Number) at(c, "livenessProbe", "periodSeconds")).intValue())
        .isGreaterThanOrEqualTo(60);
    // the Service routes to named ports that exist
    for (Object o : (List<Object>) at(kind("service.yaml", "Service"), "spec", "ports")) {
      port((String) ((Map<String, Object>) o).get("targetPort"));
    }
  }

  @Test
  void routesTransformersConfigurationAndSecretsAreMountedWhereTheHubReadsThem()
      throws IOException {
    String dockerfile = DeployFiles.read("containers/Dockerfile");
    assertThat(dockerfile).contains("COPY --from=build /dist /opt/telco-hub");
    assertThat(dockerfile).contains("ENTRYPOINT [\"/opt/telco-hub/bin/telco-hub\"]");
    // bin/telco-hub reads routes and transformers beside itself
    String script = DeployFiles.read("standalone/bin/telco-hub");
    assertThat(script).contains("HUB_ROUTES_LOCATION:=file:$HUB_HOME/routes");
    assertThat(script).contains("HUB_TRANSFORMERS_LOCATION:=file:$HUB_HOME/transformers");
    assertThat(mountPath("routes")).isEqualTo("/opt/telco-hub/routes");
    assertThat(mountPath("transformers")).isEqualTo("/opt/telco-hub/transformers");
    assertThat(env("HUB_ROUTES_LOCATION")).isNull();

    // the configuration file is the ConfigMap's key, where HUB_CONFIG says
    String config = env("HUB_CONFIG");
    assertThat(Path.of(config).getParent().toString()).isEqualTo(mountPath("config"));
    assertThat(at(volume("config"), "configMap", "name")).isEqualTo("telco-hub-config");
    assertThat((Map<String, Object>) at(kind("configmap-config.yaml", "ConfigMap"), "data"))
        .containsKey(Path.of(config).getFileName().toString());

    // every secret file the configuration names is a key of the mounted Secret
    Map<String, Object> secret =
        (Map<String, Object>) at(kind("secret.yaml", "Secret"), "stringData");
    assertThat(at(volume("credentials"), "secret", "secretName"))
        .isEqualTo(at(kind("secret.yaml", "Secret"), "metadata", "name"));
    Properties hub = hubProperties();
    Set<String> named = new TreeSet<>();
    for (String key : hub.stringPropertyNames()) {
      if (key.endsWith("-file")) {
        Path file = Path.of(hub.getProperty(key));
        assertThat(file.getParent().toString()).as(key).isEqualTo(mountPath("credentials"));
        named.add(file.getFileName().toString());
      }
    }
    assertThat(secret.keySet()).containsExactlyInAnyOrderElementsOf(named);
    assertThat(secret.values()).as("no secret values in the repository").allMatch(""::equals);
  }

  @Test
  void theConfigMapsHoldExactlyTheRepositorysRoutesSinksAndTransformers() throws IOException {
    Map<String, String> expected = new HashMap<>();
    try (Stream<Path> files = Files.list(Path.of("routes"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
        expected.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    try (Stream<Path> files = Files.list(Path.of("routes/_config"))) {
      for (Path f : files.toList()) {
        expected.put("_config." + f.getFileName(), Files.readString(f));
      }
    }
    assertThat((Map<String, Object>) at(kind("configmap-routes.yaml", "ConfigMap"), "data"))
        .as("run deploy/kubernetes/generate-configmaps.py")
        .isEqualTo(expected);
    // mounted back into the layout the hub reads (routes/*.camel.yaml, routes/_config/*.yaml)
    List<String> paths = new ArrayList<>();
    for (Object o : (List<Object>) at(volume("routes"), "configMap", "items")) {
      Map<String, Object> item = (Map<String, Object>) o;
      assertThat(expected).containsKey((String) item.get("key"));
      paths.add((String) item.get("path"));
    }
    assertThat(paths)
        .containsExactlyInAnyOrderElementsOf(
            expected.keySet().stream().map(k -> k.replace("_config.", "_config/")).toList());

    // the sink declarations, mounted where the hub reads them (sinks/ of the installation)
    Map<String, String> sinks = new HashMap<>();
    try (Stream<Path> files = Files.list(Path.of("sinks"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        sinks.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    assertThat((Map<String, Object>) at(kind("configmap-sinks.yaml", "ConfigMap"), "data"))
        .as("run deploy/kubernetes/generate-configmaps.py")
        .isEqualTo(sinks);
    assertThat(at(volume("sinks"), "configMap", "name")).isEqualTo("telco-hub-sinks");
    assertThat(container().toString()).contains("mountPath=/opt/telco-hub/sinks");

    Map<String, String> mappings = new HashMap<>();
    try (Stream<Path> files = Files.list(Path.of("transformers"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".jslt")).toList()) {
        mappings.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    assertThat((Map<String, Object>) at(kind("configmap-transformers.yaml", "ConfigMap"), "data"))
        .as("run deploy/kubernetes/generate-configmaps.py")
        .isEqualTo(mappings);
  }

  @Test
  void everySettingTheManifestsAndExamplesUseIsOneTheHubKnows() throws IOException {
    Set<String> known = new TreeSet<>(defaults().stringPropertyNames());
    HubSettings.all().forEach(s -> known.add(s.key()));
    for (String k : Set.copyOf(known)) {
      if (HubSettings.isKnown(k + "-file")) {
        known.add(k + "-file");
      }
    }
    List<Properties> configs = new ArrayList<>();
    configs.add(hubProperties());
    for (String file : List.of("containers/hub.properties", "standalone/hub.properties.example")) {
      Properties p = new Properties();
      p.load(new StringReader(DeployFiles.read(file)));
      configs.add(p);
    }
    for (Properties p : configs) {
      assertThat(known).containsAll(p.stringPropertyNames());
      assertThat(p.getProperty("hub.embedded.enabled")).isEqualTo("false");
      assertThat(p.stringPropertyNames())
          .as("secrets come from files or the environment")
          .noneMatch(k -> k.endsWith("password") || k.endsWith("secret"));
    }
  }

  static Map<String, Object> named(String file, String kind, String name) {
    return DeployFiles.yaml("kubernetes/" + file).stream()
        .map(d -> (Map<String, Object>) d)
        .filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata", "name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(file + " has no " + kind + " " + name));
  }

  static String envOf(Map<String, Object> container, String name) {
    for (Object o : (List<Object>) container.get("env")) {
      Map<String, Object> e = (Map<String, Object>) o;
      if (name.equals(e.get("name"))) {
        return (String) e.get("value");
      }
    }
    return null;
  }

  static String mountOf(Map<String, Object> container, String volume) {
    for (Object o : (List<Object>) container.get("volumeMounts")) {
      Map<String, Object> m = (Map<String, Object>) o;
      if (volume.equals(m.get("name"))) {
        return (String) m.get("mountPath");
      }
    }
    return null;
  }

  /**
   * The long-running hub holds neither the hub database owner's secret (the owner can switch the
   * audit trail's triggers off and recompute its hashes) nor the audit maintenance role's (it
   * deletes audit segments): Kubernetes migrates in an init container and maintains the audit trail
   * in a CronJob, systemd in oneshot units before the hub and on a timer, compose in a one-shot
   * service; the hub itself runs with hub.hubdb.migrate=false.
   */
  @Test
  void theHubHoldsNeitherTheOwnersNorTheAuditMaintenanceSecret() throws IOException {
    List<String> privileged =
        List.of(
            "hubdb-migration-password",
            "audit-maintenance-password",
            "hub-owner-password",
            "MIGRATION",
            "AUDIT_MAINTENANCE",
            "owner-credentials");
    // Kubernetes: the hub's container, its configuration and its Secret
    String hubContainer = container().toString();
    for (String p : privileged) {
      assertThat(hubContainer).as(p).doesNotContain(p);
    }
    Properties hub = hubProperties();
    assertThat(hub.getProperty("hub.hubdb.migrate")).isEqualTo("false");
    assertThat(hub.stringPropertyNames())
        .noneMatch(
            k -> k.startsWith("hub.hubdb.migration.") || k.startsWith("hub.audit.maintenance."));
    Map<String, Object> hubSecret =
        (Map<String, Object>)
            at(named("secret.yaml", "Secret", "telco-hub-credentials"), "stringData");
    assertThat(hubSecret)
        .doesNotContainKeys("hubdb-migration-password", "audit-maintenance-password");
    assertThat(at(volume("credentials"), "secret", "secretName"))
        .isEqualTo("telco-hub-credentials");
    Map<String, Object> ownerSecret =
        (Map<String, Object>)
            at(named("secret.yaml", "Secret", "telco-hub-owner-credentials"), "stringData");
    assertThat(ownerSecret)
        .containsOnlyKeys("hubdb-migration-password", "audit-maintenance-password");
    assertThat(ownerSecret.values()).as("no secret values in the repository").allMatch(""::equals);

    // the init container migrates as the owner, with the owner's secret only
    Map<String, Object> init =
        (Map<String, Object>)
            at(
                kind("deployment.yaml", "Deployment"),
                "spec",
                "template",
                "spec",
                "initContainers",
                "0");
    assertThat(init.get("image")).isEqualTo(container().get("image"));
    assertThat((List<Object>) init.get("args")).containsExactly("migrate");
    assertThat(envOf(init, "HUB_HUBDB_MIGRATION_USERNAME")).isEqualTo("hub_owner");
    assertThat(Path.of(envOf(init, "HUB_HUBDB_MIGRATION_PASSWORD_FILE")).getParent().toString())
        .isEqualTo(mountOf(init, "owner-credentials"));
    assertThat(mountOf(init, "credentials")).isNull();
    assertThat(at(volume("owner-credentials"), "secret", "secretName"))
        .isEqualTo("telco-hub-owner-credentials");
    assertThat(at(volume("owner-credentials"), "secret", "items").toString())
        .contains("hubdb-migration-password")
        .doesNotContain("audit-maintenance-password");
    assertThat(at(init, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);

    // the CronJob maintains the audit trail as the maintenance role
    Map<String, Object> cron = kind("cronjob-audit-maintenance.yaml", "CronJob");
    Map<String, Object> job =
        (Map<String, Object>)
            at(cron, "spec", "jobTemplate", "spec", "template", "spec", "containers", "0");
    assertThat((List<Object>) job.get("args")).containsExactly("audit-maintenance");
    assertThat(envOf(job, "HUB_AUDIT_MAINTENANCE_USERNAME")).isEqualTo("hub_audit_maintenance");
    assertThat(Path.of(envOf(job, "HUB_AUDIT_MAINTENANCE_PASSWORD_FILE")).getParent().toString())
        .isEqualTo(mountOf(job, "owner-credentials"));
    assertThat(job.toString()).doesNotContain("MIGRATION");
    assertThat(DeployFiles.read("kubernetes/kustomization.yaml"))
        .contains("cronjob-audit-maintenance.yaml");

    // systemd: the owner's secret is the oneshot migrate unit's, which runs before every start
    String unit = DeployFiles.read("standalone/telco-hub.service");
    for (String p :
        List.of("hubdb-migration-password", "MIGRATION_PASSWORD", "AUDIT_MAINTENANCE")) {
      assertThat(unit).as(p).doesNotContain(p);
    }
    assertThat(unit)
        .contains("Requires=telco-hub-migrate.service")
        .containsPattern("(?m)^After=.*telco-hub-migrate\\.service")
        .contains("Environment=HUB_HUBDB_MIGRATE=false");
    String migrate = DeployFiles.read("standalone/telco-hub-migrate.service");
    assertThat(migrate)
        .contains("Type=oneshot")
        .contains("ExecStart=/opt/telco-hub/bin/telco-hub migrate")
        .contains("LoadCredential=hubdb-migration-password:")
        .contains("Environment=HUB_HUBDB_MIGRATION_PASSWORD_FILE=%d/hubdb-migration-password");
    assertThat(DeployFiles.read("standalone/telco-hub-audit-maintenance.service"))
        .contains("Type=oneshot")
        .contains("ExecStart=/opt/telco-hub/bin/telco-hub audit-maintenance")
        .contains("LoadCredential=audit-maintenance-password:");
    assertThat(DeployFiles.read("standalone/telco-hub-audit-maintenance.timer"))
        .contains("OnCalendar=");
    Properties example = new Properties();
    example.load(new StringReader(DeployFiles.read("standalone/hub.properties.example")));
    assertThat(example.stringPropertyNames()).noneMatch(k -> k.startsWith("hub.hubdb.migration."));

    // compose: a one-shot service migrates, the hub waits for it and has no owner secret
    Map<String, Object> services =
        (Map<String, Object>) at(DeployFiles.yaml("containers/compose.yaml").get(0), "services");
    Map<String, Object> hubService = (Map<String, Object>) services.get("telco-hub");
    assertThat((List<Object>) hubService.get("secrets"))
        .doesNotContain("hub-owner-password", "hub-audit-maintenance-password");
    assertThat(at(hubService, "depends_on", "telco-hub-migrate", "condition"))
        .isEqualTo("service_completed_successfully");
    Map<String, Object> migrateService = (Map<String, Object>) services.get("telco-hub-migrate");
    assertThat((List<Object>) migrateService.get("command")).containsExactly("migrate");
    assertThat((List<Object>) migrateService.get("secrets")).containsExactly("hub-owner-password");
    Properties compose = new Properties();
    compose.load(new StringReader(DeployFiles.read("containers/hub.properties")));
    assertThat(compose.getProperty("hub.hubdb.migrate")).isEqualTo("false");
    assertThat(compose.stringPropertyNames()).noneMatch(k -> k.startsWith("hub.hubdb.migration."));
  }

  @Test
  void severalReplicasShareTheScheduleThroughTheClusteredJobStore() throws IOException {
    Object replicas = at(kind("deployment.yaml", "Deployment"), "spec", "replicas");
    int n = replicas == null ? 1 : ((Number) replicas).intValue();
    if (n > 1) {
      // without it each replica fires every schedule: two reconciliations at once, twice the work
      assertThat(hubProperties().getProperty("hub.schedule.clustered"))
          .as("%d replicas need hub.schedule.clustered=true", n)
          .isEqualTo("true");
    }
    assertThat(hubProperties().getProperty("hub.instance.id"))
        .as("each replica names itself (host name and port) unless told otherwise")
        .isNull();
  }

  @Test
  void nonRootReadOnlyBoundedAndAtMostOneInstanceAwayAtATime() {
    Map<String, Object> c = container();
    assertThat(at(c, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(at(c, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
    Map<String, Object> pod =
        (Map<String, Object>) at(kind("deployment.yaml", "Deployment"), "spec", "template", "spec");
    assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
    assertThat(at(pod, "securityContext", "runAsUser")).isEqualTo(10001);
    assertThat(DeployFiles.read("containers/Dockerfile")).contains("USER 10001:10001");
    assertThat(mountPath("tmp")).isEqualTo("/tmp");
    assertThat((Map<String, Object>) at(c, "resources", "limits")).containsKeys("cpu", "memory");
    assertThat((Map<String, Object>) at(c, "resources", "requests")).containsKeys("cpu", "memory");
    Object labels =
        at(kind("deployment.yaml", "Deployment"), "spec", "template", "metadata", "labels");
    assertThat(
            at(
                kind("poddisruptionbudget.yaml", "PodDisruptionBudget"),
                "spec",
                "selector",
                "matchLabels"))
        .isEqualTo(labels);
    assertThat(at(kind("service.yaml", "Service"), "spec", "selector")).isEqualTo(labels);
    assertThat(at(kind("poddisruptionbudget.yaml", "PodDisruptionBudget"), "spec", "minAvailable"))
        .isEqualTo(1);
    // the compose file runs the same image the same way
    Map<String, Object> compose =
        (Map<String, Object>)
            at(DeployFiles.yaml("containers/compose.yaml").get(0), "services", "telco-hub");
    assertThat(compose.get("read_only")).isEqualTo(true);
    assertThat((List<Object>) compose.get("volumes"))
        .contains(
            "../../routes:/opt/telco-hub/routes:ro",
            "../../transformers:/opt/telco-hub/transformers:ro");
    assertThat(at(DeployFiles.yaml("containers/compose.yaml").get(0), "services"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsKeys("postgres", "kafka", "artemis");
  }
}
