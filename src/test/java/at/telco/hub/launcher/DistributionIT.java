package at.telco.hub.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.deploy.DeployFiles;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.Isolated;
import at.telco.hub.testing.TestServers;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The standalone distribution as operations install it: unpacked, {@code bin/telco-hub} started
 * with the configuration in {@code config/}, routes and transformers read from the directories
 * beside it (a route added there runs), every probe path of the Kubernetes Deployment and the
 * Prometheus annotation answered by the running hub, SIGTERM a clean stop, and nothing written into
 * the installation (so a read-only root filesystem holds it).
 */
class DistributionIT {

  @Test
  @SuppressWarnings("unchecked")
  void theUnpackedDistributionRunsWithRoutesAndConfigurationOutsideTheJar() throws Exception {
    TestServers servers = TestServers.get();
    Path archive = Path.of(System.getProperty("hub.distribution"));
    Path root = Files.createTempDirectory(servers.directory(), "dist-");
    Process tar =
        new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", root.toString())
            .inheritIO()
            .start();
    assertThat(tar.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).isZero();
    Path home;
    try (Stream<Path> s = Files.list(root)) {
      home = s.findFirst().orElseThrow();
    }
    for (String part :
        List.of(
            "bin/telco-hub",
            "lib/telco-integration-hub.jar",
            "config/hub.properties",
            "routes/_config/error-handling.yaml",
            "routes/crm-customer.camel.yaml",
            "transformers/crm-to-canonical-customer.jslt",
            "systemd/telco-hub.service")) {
      assertThat(home.resolve(part)).as(part).exists();
    }
    assertThat(Files.isExecutable(home.resolve("bin/telco-hub"))).isTrue();

    // configuration for the test servers; a route that exists only in the installation's routes/
    Properties p = servers.hubProperties();
    Isolated.topicsAndGroups(p, "o07");
    try (Writer w = Files.newBufferedWriter(home.resolve("config/hub.properties"))) {
      p.store(w, "DistributionIT");
    }
    Files.writeString(
        home.resolve("routes/zz-distribution-probe.camel.yaml"),
        """
        - route:
            id: distribution-probe
            from:
              uri: timer:distribution-probe
              parameters:
                period: 3600000
              steps:
                - log: "routes are read from the installation"
        """);
    List<Path> before = files(home);

    Path tmp = Files.createTempDirectory(servers.directory(), "dist-tmp-");
    Path log = root.resolve("hub.log");
    ProcessBuilder pb =
        new ProcessBuilder(home.resolve("bin/telco-hub").toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC");
    pb.environment()
        .put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    pb.environment().put("TMPDIR", tmp.toString());
    Process hub = pb.start();
    int port = Integer.parseInt(p.getProperty("camel.management.port"));
    String base = "http://127.0.0.1:" + port;
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> Http.ready(port) || !hub.isAlive());
      assertThat(hub.isAlive()).as(Files.readString(log)).isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> Http.get(base + "/observe/health").body().contains("route:distribution-probe"));

      // what the Kubernetes Deployment asks of the hub, asked of the running hub
      Map<String, Object> deployment =
          (Map<String, Object>)
              DeployFiles.yaml("kubernetes/deployment.yaml").stream()
                  .filter(d -> "Deployment".equals(((Map<String, Object>) d).get("kind")))
                  .findFirst()
                  .orElseThrow();
      Map<String, Object> template =
          (Map<String, Object>) ((Map<String, Object>) deployment.get("spec")).get("template");
      Map<String, Object> container =
          (Map<String, Object>)
              ((List<Object>) ((Map<String, Object>) template.get("spec")).get("containers"))
                  .get(0);
      for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
        String path =
            (String)
                ((Map<String, Object>) ((Map<String, Object>) container.get(probe)).get("httpGet"))
                    .get("path");
        // a check may be down for a moment (a consumer rejoining its group): the probe waits too
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  Http.Response answer = Http.get(base + path);
                  assertThat(answer.status())
                      .as(probe + " " + path + ": " + answer.body())
                      .isEqualTo(200);
                });
      }
      String metricsPath =
          (String)
              ((Map<String, Object>)
                      ((Map<String, Object>) template.get("metadata")).get("annotations"))
                  .get("prometheus.io/path");
      assertThat(Http.get(base + metricsPath).body()).contains("hub_dead_letters_queued");
    } finally {
      hub.destroy(); // SIGTERM, as systemd and Kubernetes stop it
      assertThat(hub.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
    assertThat(hub.exitValue()).as(Files.readString(log)).isIn(0, 143);
    assertThat(files(home)).as("nothing is written into the installation").isEqualTo(before);
  }

  static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.sorted().toList();
    }
  }
}
