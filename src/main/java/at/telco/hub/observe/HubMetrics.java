package at.telco.hub.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The hub's own metrics (Prometheus names: hub_*), beside Camel's route metrics. */
public final class HubMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public HubMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** hub_target_changes_total{target, outcome}: the outcome is the sink's (applied, stale, ...). */
  public void applied(String target, Enum<?> outcome) {
    counter(
            "hub.target.changes",
            "Canonical changes handled by a target route, by outcome",
            "target",
            target,
            "outcome",
            outcome.name().toLowerCase())
        .increment();
  }

  /**
   * hub_end_to_end_latency_seconds{flow, target}: from the change in the master to the target
   * commit.
   */
  public void endToEnd(String flow, String target, Instant sourceChangedAt, Instant committedAt) {
    if (sourceChangedAt == null) {
      return;
    }
    Duration d = Duration.between(sourceChangedAt, committedAt);
    timers
        .computeIfAbsent(
            flow + "/" + target,
            k ->
                Timer.builder("hub.end.to.end.latency")
                    .description("From the commit in the master system to the commit in the target")
                    .tag("flow", flow)
                    .tag("target", target)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(10))
                    .register(registry))
        .record(d.isNegative() ? Duration.ZERO : d);
  }

  /** hub_source_changes_total{source}: changes claimed from a polled table. */
  public void claimed(String source, int count) {
    counter(
            "hub.source.changes",
            "Change rows claimed from a polled source table",
            "source",
            source)
        .increment(count);
  }

  /** hub_data_quality_issues_total{source, field}. */
  public void dataQualityIssue(String source, String field) {
    counter(
            "hub.data.quality.issues",
            "Source values the hub could not use as they are",
            "source",
            source,
            "field",
            field)
        .increment();
  }

  /** Registers hub_data_quality_issues_total{source, field} at 0, so it exists before an issue. */
  public void declareDataQualityRule(String source, String field) {
    counter(
        "hub.data.quality.issues",
        "Source values the hub could not use as they are",
        "source",
        source,
        "field",
        field);
  }

  /** hub_provisioning_commands_total{command, event}: sent, done, rejected, overdue. */
  public void provisioning(String command, String event) {
    counter(
            "hub.provisioning.commands",
            "Provisioning commands sent to the network, and what became of them",
            "command",
            command,
            "event",
            event)
        .increment();
  }

  /** Registers hub_dead_letters_total{target} at 0, so it exists before the first dead letter. */
  public void declareDeadLetterTarget(String target) {
    counter("hub.dead.letters", "Messages moved to a dead-letter queue", "target", target);
    counter(
        "hub.dead.letters.superseded",
        "Dead letters superseded by a newer dead letter of the same record and target",
        "target",
        target);
  }

  /** hub_dead_letter_actions_total{target, action, outcome}: what support did with dead letters. */
  public void deadLetterAction(String target, String action, String outcome) {
    counter(
            "hub.dead.letter.actions",
            "Replays, resyncs and discards of dead letters, by outcome",
            "target",
            target,
            "action",
            action,
            "outcome",
            outcome)
        .increment();
  }

  /**
   * hub_dead_letters_superseded_total{target}: dead letters superseded by a newer dead letter of
   * the same record and target (status REPLACED: closed, in the newer one's history).
   */
  public void deadLettersReplaced(String target, int count) {
    counter(
            "hub.dead.letters.superseded",
            "Dead letters superseded by a newer dead letter of the same record and target",
            "target",
            target)
        .increment(count);
  }

  /** hub_dead_letters_total{target}. */
  public void deadLettered(String target) {
    counter("hub.dead.letters", "Messages moved to a dead-letter queue", "target", target)
        .increment();
  }

  /**
   * hub_kafka_batch_rewinds_total{route}: batches that failed unexpectedly; nothing of them is
   * committed and the route's consumer resumes from its last committed offset.
   */
  public void batchRewound(String route) {
    counter(
            "hub.kafka.batch.rewinds",
            "Kafka batches that failed unexpectedly and were rewound to the last committed offset",
            "route",
            route == null ? "unknown" : route)
        .increment();
  }

  private Counter counter(String name, String description, String... tags) {
    String key = name + String.join("|", tags);
    return counters.computeIfAbsent(
        key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }
}
