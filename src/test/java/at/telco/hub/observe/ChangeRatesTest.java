package at.telco.hub.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The overview's last hour: changes per minute and the latency p95 of the last minutes. */
class ChangeRatesTest {

  static final class Ticking extends Clock {
    Instant now = Instant.parse("2026-12-06T22:00:05Z");

    void plus(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final Ticking clock = new Ticking();
  // the registry the hub serves (its histograms are what the percentile is read from)
  final MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final HubMetrics metrics = new HubMetrics(registry);
  final ChangeRates rates = new ChangeRates(registry, clock);

  enum Outcome {
    APPLIED,
    STALE
  }

  @Test
  void changesBeforeTheFirstSampleAreTheBaselineAndEachMinuteCountsItsOwn() {
    for (int i = 0; i < 7; i++) {
      metrics.applied("billing", Outcome.APPLIED);
    }
    rates.sample();
    assertThat(rates.perMinute("target:billing")).containsOnly(0L).hasSize(60);

    metrics.applied("billing", Outcome.APPLIED);
    metrics.applied("billing", Outcome.STALE); // every outcome is a change handled
    metrics.claimed("crm.change_log", 5);
    rates.sample();
    clock.plus(Duration.ofSeconds(30));
    metrics.applied("billing", Outcome.APPLIED);
    rates.sample();
    long[] billing = rates.perMinute("target:billing");
    assertThat(billing[59]).as("this minute so far").isEqualTo(3);

    clock.plus(Duration.ofMinutes(1));
    for (int i = 0; i < 4; i++) {
      metrics.applied("billing", Outcome.APPLIED);
    }
    rates.sample();
    billing = rates.perMinute("target:billing");
    assertThat(billing[58]).isEqualTo(3);
    assertThat(billing[59]).isEqualTo(4);
    // the source first seen with 5 claimed: its baseline, nothing counted
    assertThat(rates.perMinute("source:crm.change_log")).containsOnly(0L);
    metrics.claimed("crm.change_log", 2);
    rates.sample();
    assertThat(rates.perMinute("source:crm.change_log")[59]).isEqualTo(2);

    // a minute without a sample (the hub was busy) shows nothing, the next one its own changes
    clock.plus(Duration.ofMinutes(2));
    metrics.applied("billing", Outcome.APPLIED);
    rates.sample();
    billing = rates.perMinute("target:billing");
    assertThat(billing[56]).isEqualTo(3);
    assertThat(billing[57]).isEqualTo(4);
    assertThat(billing[58]).isZero();
    assertThat(billing[59]).isEqualTo(1);

    // an hour later the old minutes have left the window
    clock.plus(Duration.ofMinutes(61));
    rates.sample();
    assertThat(rates.perMinute("target:billing")).containsOnly(0L);
    assertThat(rates.perMinute("target:nobody")).containsOnly(0L);
  }

  @Test
  void theLatencyP95IsTakenOverTheLastFiveMinutesOnly() {
    Instant committed = Instant.parse("2026-12-06T22:00:00Z");
    metrics.endToEnd("customer", "billing", committed.minusSeconds(600), committed); // slow, old
    rates.sample();
    assertThat(rates.p95Seconds("customer", "billing")).isNaN();
    assertThat(rates.flowsOfTargets()).containsEntry("billing", "customer");

    clock.plus(Duration.ofMinutes(1));
    for (int i = 0; i < 90; i++) {
      metrics.endToEnd("customer", "billing", committed.minusMillis(100), committed);
    }
    for (int i = 0; i < 10; i++) {
      metrics.endToEnd("customer", "billing", committed.minusSeconds(20), committed);
    }
    rates.sample();
    // 95 of 100 at or below: in the bucket that holds the 20 s ones
    assertThat(rates.p95Seconds("customer", "billing")).isBetween(10.0, 25.0);

    clock.plus(Duration.ofMinutes(2));
    for (int i = 0; i < 900; i++) {
      metrics.endToEnd("customer", "billing", committed.minusMillis(100), committed);
    }
    rates.sample();
    assertThat(rates.p95Seconds("customer", "billing")).isLessThan(0.2);

    // five minutes on, without anything applied: nothing to say
    clock.plus(Duration.ofMinutes(6));
    rates.sample();
    assertThat(rates.p95Seconds("customer", "billing")).isNaN();
  }
}
