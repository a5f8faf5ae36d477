package at.telco.hub.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.deploy.DeployFiles;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.Installation;
import at.telco.hub.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    try (Installation hub = Installation.unpack(TestServers.get(), "o07")) {
      Path home = hub.home();
      for (String part :
          List.of(
              "bin/telco-hub",
              "lib/telco-integration-hub.jar",
              "config/hub.properties",
              "routes/_config/error-handling.yaml",
              "routes/crm-customer.camel.yaml",
              "sinks/customerdb.yaml",
              "transformers/crm-to-canonical-customer.jslt",
              "systemd/telco-hub.service",
              "systemd/telco-hub-migrate.service",
              "systemd/telco-hub-audit-maintenance.timer")) {
        assertThat(home.resolve(part)).as(part).exists();
      }
      assertThat(Files.isExecutable(home.resolve("bin/telco-hub"))).isTrue();

      // a route that exists only in the installation's routes/
      hub.write(
          "routes/zz-distribution-probe.camel.yaml",
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
      List<Path> before = hub.files();

      hub.start();
      String base = "http://127.0.0.1:" + hub.managementPort();
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

      // SIGTERM, as systemd and Kubernetes stop it
      assertThat(hub.stop()).as(hub.log()).isIn(0, 143);
      assertThat(hub.files()).as("nothing is written into the installation").isEqualTo(before);
    }
  }
}
