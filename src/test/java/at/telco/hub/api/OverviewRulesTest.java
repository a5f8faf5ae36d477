package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.api.OverviewRules.Rag;
import at.telco.hub.api.OverviewRules.Thresholds;
import at.telco.hub.api.OverviewRules.Verdict;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** When the overview turns amber or red, and what it says. */
class OverviewRulesTest {

  /** The defaults of the hub.overview.* settings. */
  final OverviewRules rules = new OverviewRules(Thresholds.of(defaults()));

  static at.telco.hub.config.Settings defaults() {
    return settings(new Properties());
  }

  static at.telco.hub.config.Settings settings(Properties p) {
    return new at.telco.hub.config.Settings(k -> Optional.ofNullable(p.getProperty(k)));
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    assertThat(Thresholds.of(defaults()))
        .isEqualTo(new Thresholds(1000, 10000, 60, 300, 0, 10, 60, 100, 1000, 0, 10, 0, 100));
  }

  @Test
  void aConsumerFallingBehindTurnsAmberThenRed() {
    assertThat(rules.lag("billing", 0)).isEqualTo(new Verdict(Rag.GREEN, null));
    assertThat(rules.lag("billing", 1000).rag()).isEqualTo(Rag.GREEN);
    assertThat(rules.lag("crm-customer", 5200))
        .isEqualTo(new Verdict(Rag.AMBER, "crm-customer: lag 5,200 changes, behind"));
    assertThat(rules.lag("billing", 10001))
        .isEqualTo(new Verdict(Rag.RED, "billing: lag 10,001 changes, far behind"));
  }

  @Test
  void whatCouldNotBeSampledIsAmberNeverGreen() {
    assertThat(rules.lag("billing", Double.NaN))
        .isEqualTo(new Verdict(Rag.AMBER, "billing: lag unknown (Kafka not answering)"));
    assertThat(rules.deadLetters("billing", Double.NaN, Double.NaN).rag()).isEqualTo(Rag.AMBER);
    assertThat(rules.parked("PARK", Double.NaN).rag()).isEqualTo(Rag.AMBER);
    assertThat(rules.overdue(Double.NaN).rag()).isEqualTo(Rag.AMBER);
    assertThat(rules.backlog("crm.change_log", Double.NaN, Double.NaN).rag()).isEqualTo(Rag.AMBER);
  }

  @Test
  void oneDeadLetterIsAmberManyOrAnOldOneRed() {
    assertThat(rules.deadLetters("billing", 0, 0)).isEqualTo(new Verdict(Rag.GREEN, null));
    assertThat(rules.deadLetters("billing", 1, 30))
        .isEqualTo(new Verdict(Rag.AMBER, "billing: 1 open dead letter, oldest 30 s"));
    assertThat(rules.deadLetters("billing", 4, 12 * 60))
        .isEqualTo(new Verdict(Rag.AMBER, "billing: 4 open dead letters, oldest 12 min"));
    assertThat(rules.deadLetters("billing", 11, 60))
        .isEqualTo(new Verdict(Rag.RED, "billing: 11 open dead letters, oldest 60 s"));
    assertThat(rules.deadLetters("customerdb", 2, 3 * 3600))
        .isEqualTo(new Verdict(Rag.RED, "customerdb: 2 open dead letters, oldest 3 h"));
  }

  @Test
  void aSourceBacklogCountsAsLag() {
    assertThat(rules.backlog("crm.change_log", 12, 3).rag()).isEqualTo(Rag.GREEN);
    assertThat(rules.backlog("crm.change_log", 2500, 600))
        .isEqualTo(
            new Verdict(
                Rag.AMBER, "crm.change_log: 2,500 changes not taken yet, oldest 10 min, behind"));
  }

  @Test
  void latencyNeedsSomethingAppliedAndIsSlowAboveItsThresholds() {
    assertThat(rules.latency("billing", Double.NaN).rag()).isEqualTo(Rag.GREEN);
    assertThat(rules.latency("billing", 0.4).rag()).isEqualTo(Rag.GREEN);
    assertThat(rules.latency("billing", 90))
        .isEqualTo(new Verdict(Rag.AMBER, "billing: end-to-end latency p95 90 s, slow"));
    assertThat(rules.latency("billing", 301).rag()).isEqualTo(Rag.RED);
  }

  @Test
  void parkedOverdueDifferencesDriftAndReadiness() {
    assertThat(rules.parked("PARK.network", 3).rag()).isEqualTo(Rag.GREEN);
    assertThat(rules.parked("PARK.network", 150))
        .isEqualTo(new Verdict(Rag.AMBER, "PARK.network: 150 parked messages"));
    assertThat(rules.parked("PARK.network", 1001).rag()).isEqualTo(Rag.RED);
    assertThat(rules.overdue(0).rag()).isEqualTo(Rag.GREEN);
    assertThat(rules.overdue(1))
        .isEqualTo(new Verdict(Rag.AMBER, "provisioning: 1 command overdue"));
    assertThat(rules.overdue(11).rag()).isEqualTo(Rag.RED);
    assertThat(rules.reconciliation(null, false).rag()).isEqualTo(Rag.GREEN);
    assertThat(rules.reconciliation(0L, true))
        .isEqualTo(new Verdict(Rag.AMBER, "reconciliation: the last run failed"));
    assertThat(rules.reconciliation(3L, false))
        .isEqualTo(
            new Verdict(Rag.AMBER, "reconciliation: 3 records differ between master and copy"));
    assertThat(rules.reconciliation(101L, false).rag()).isEqualTo(Rag.RED);
    assertThat(rules.drift("billing", 0, null).rag()).isEqualTo(Rag.GREEN);
    assertThat(rules.drift("billing", 1, "billing.customer.name_line1: is 20 long, needs 40"))
        .isEqualTo(
            new Verdict(
                Rag.RED,
                "billing: schema drift, 1 finding (billing.customer.name_line1: is 20 long, needs"
                    + " 40)"));
    assertThat(rules.readiness("kafka", true, null).rag()).isEqualTo(Rag.GREEN);
    assertThat(rules.readiness("crm-database", false, "connection refused"))
        .isEqualTo(new Verdict(Rag.RED, "crm-database: not ready (connection refused)"));
  }

  @Test
  void theThresholdsAreSettings() {
    Properties p = new Properties();
    p.setProperty("hub.overview.lag.amber-above", "10");
    p.setProperty("hub.overview.lag.red-above", "20");
    p.setProperty("hub.overview.dead-letters.amber-above", "5");
    OverviewRules strict = new OverviewRules(Thresholds.of(settings(p)));
    assertThat(strict.lag("billing", 11).rag()).isEqualTo(Rag.AMBER);
    assertThat(strict.lag("billing", 21).rag()).isEqualTo(Rag.RED);
    assertThat(strict.deadLetters("billing", 4, 30).rag()).isEqualTo(Rag.GREEN);
  }

  @Test
  void thePartIsAsBadAsItsWorstFigure() {
    assertThat(OverviewRules.worst(List.of())).isEqualTo(Rag.GREEN);
    assertThat(
            OverviewRules.worst(
                List.of(
                    rules.lag("billing", 5000),
                    rules.deadLetters("billing", 0, 0),
                    rules.latency("billing", 400))))
        .isEqualTo(Rag.RED);
  }
}
