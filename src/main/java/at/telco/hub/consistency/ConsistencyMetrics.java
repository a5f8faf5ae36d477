package at.telco.hub.consistency;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reconciliation and schema drift as metrics: {@code hub_reconciliation_differences{reconciliation,
 * kind}} and {@code hub_reconciliation_compared{reconciliation}} of the last run, {@code
 * hub_reconciliation_last_success_timestamp_seconds}, {@code hub_reconciliation_duration_seconds},
 * {@code hub_reconciliation_runs_total{outcome}}, {@code hub_reconciliation_repaired_total}, and
 * {@code hub_schema_drift_findings{system}}. Every series exists at 0 from the start.
 */
public final class ConsistencyMetrics {

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
  private final Counter done;
  private final Counter failed;
  private final Counter repaired;

  /**
   * @param pairs the pairs reconciliation compares
   * @param systems the systems whose schemas are checked for drift
   */
  public ConsistencyMetrics(
      MeterRegistry registry, Collection<Pair> pairs, Collection<String> systems) {
    this.registry = registry;
    for (Pair p : pairs) {
      gauge("hub.reconciliation.compared", "Records compared by the last reconciliation", p, null);
      for (Difference.Kind k : Difference.Kind.values()) {
        gauge(
            "hub.reconciliation.differences",
            "Records that differed between master and copy at the last reconciliation",
            p,
            k);
      }
    }
    gauge(
        "hub.reconciliation.last.success.timestamp.seconds",
        "When the last reconciliation finished");
    gauge("hub.reconciliation.duration.seconds", "How long the last reconciliation took");
    for (String system : systems) {
      gaugeTagged(
          "hub.schema.drift.findings",
          "Differences between a system's schema and what the hub's mappings need",
          "system",
          system);
    }
    done = runs("done");
    failed = runs("failed");
    repaired =
        Counter.builder("hub.reconciliation.repaired")
            .description("Records repaired from the master by reconciliation")
            .register(registry);
  }

  private Counter runs(String outcome) {
    return Counter.builder("hub.reconciliation.runs")
        .description("Reconciliation runs, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  private AtomicLong gauge(String name, String description, Pair pair, Difference.Kind kind) {
    String key = name + "|" + pair.label() + "|" + (kind == null ? "" : kind.name());
    return gauges.computeIfAbsent(
        key,
        k -> {
          AtomicLong value = new AtomicLong();
          Gauge.Builder<AtomicLong> b =
              Gauge.builder(name, value, AtomicLong::get)
                  .description(description)
                  .tag("reconciliation", pair.label());
          if (kind != null) {
            b.tag("kind", kind.name().toLowerCase());
          }
          b.register(registry);
          return value;
        });
  }

  private AtomicLong gauge(String name, String description) {
    return gaugeTagged(name, description);
  }

  private AtomicLong gaugeTagged(String name, String description, String... tags) {
    String key = name + "|" + String.join("|", tags);
    return gauges.computeIfAbsent(
        key,
        k -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder(name, value, AtomicLong::get)
              .description(description)
              .tags(tags)
              .register(registry);
          return value;
        });
  }

  void finished(Reconciler.Outcome outcome, Set<Pair> pairs, Instant started, Instant finished) {
    for (Pair p : pairs) {
      gauge("hub.reconciliation.compared", null, p, null)
          .set(outcome.compared().getOrDefault(p, 0L));
      for (Difference.Kind k : Difference.Kind.values()) {
        gauge("hub.reconciliation.differences", null, p, k).set(outcome.count(p, k));
      }
    }
    gauge("hub.reconciliation.last.success.timestamp.seconds", null).set(finished.getEpochSecond());
    gauge("hub.reconciliation.duration.seconds", null)
        .set(Duration.between(started, finished).toSeconds());
    done.increment();
  }

  void failed() {
    failed.increment();
  }

  void repaired(int n) {
    repaired.increment(n);
  }

  /** The number of drift findings of a system. */
  public void drift(String system, int findings) {
    gaugeTagged("hub.schema.drift.findings", null, "system", system).set(findings);
  }
}
