package at.telco.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules are valid ({@code promtool check rules}), their unit tests pass
 * ({@code promtool test rules}), and every alert has a test.
 */
class AlertRulesTest {

  static String promtool(String... args) throws Exception {
    Process p = Promtool.start(args);
    // promtool resolves rule_files relative to the test file
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", args) + "\n" + out).isZero();
    return out;
  }

  @Test
  void rulesAreValidAndTheirUnitTestsPass() throws Exception {
    String check = promtool("check", "rules", "deploy/prometheus/telco-hub-alerts.yml");
    assertThat(check).contains("SUCCESS");
    String test = promtool("test", "rules", "deploy/prometheus/telco-hub-alerts.test.yml");
    System.out.println(check + test);
    assertThat(test).contains("SUCCESS");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertHasAUnitTest() {
    Set<String> alerts = new TreeSet<>();
    Map<String, Object> rules =
        (Map<String, Object>) DeployFiles.yaml("prometheus/telco-hub-alerts.yml").get(0);
    for (Object g : (List<Object>) rules.get("groups")) {
      for (Object r : (List<Object>) ((Map<String, Object>) g).get("rules")) {
        alerts.add((String) ((Map<String, Object>) r).get("alert"));
      }
    }
    Set<String> firingInTests = new TreeSet<>();
    Map<String, Object> tests =
        (Map<String, Object>) DeployFiles.yaml("prometheus/telco-hub-alerts.test.yml").get(0);
    for (Object t : (List<Object>) tests.get("tests")) {
      for (Object a : (List<Object>) ((Map<String, Object>) t).get("alert_rule_test")) {
        Map<String, Object> art = (Map<String, Object>) a;
        if (!((List<Object>) art.get("exp_alerts")).isEmpty()) {
          firingInTests.add((String) art.get("alertname"));
        }
      }
    }
    assertThat(alerts).hasSize(13);
    assertThat(firingInTests)
        .as("alerts tested firing")
        .containsExactlyInAnyOrderElementsOf(alerts);
  }

  @Test
  void theDashboardIsGrafanaJsonThatQueriesOnlyHubAndCamelSeries() throws Exception {
    var dashboard =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(DeployFiles.read("grafana/telco-hub-dashboard.json"));
    assertThat(dashboard.path("uid").asText()).isEqualTo("telco-integration-hub");
    assertThat(dashboard.path("panels")).hasSizeGreaterThan(10);
    dashboard
        .path("panels")
        .forEach(
            p -> {
              assertThat(p.path("targets")).as(p.path("title").asText()).isNotEmpty();
              p.path("targets").forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
            });
    assertThat(DeployFiles.metricsUsed())
        .contains(
            "hub_dead_letters_queued",
            "hub_consumer_lag_records",
            "hub_source_backlog_oldest_age_seconds",
            "hub_end_to_end_latency_seconds",
            "camel_exchanges_total");
  }
}
