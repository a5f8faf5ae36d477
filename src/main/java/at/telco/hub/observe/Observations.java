package at.telco.hub.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Session;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the flows say what operations must watch, and the sampler that watches it: the backlog of
 * each polled source table, the consumer lag of each target, dead letters queued per target, parked
 * messages, provisioning commands pending and overdue. Each becomes a Prometheus gauge on {@code
 * /observe/metrics}; some also become a {@link HealthDetail} on {@code /observe/health}.
 * (Reconciliation results and schema drift have their own metrics and health checks: {@code
 * at.telco.hub.consistency}.)
 *
 * <p>Probes run every {@code hub.observe.interval-ms} on one background thread, never on a scrape
 * or a health call, so neither waits for a server that hangs. A probe that fails sets its gauges to
 * NaN (unknown, not the last good value) and counts {@code hub_observation_failures_total{probe}}.
 *
 * <p>Each area registers what it owns when it is wired, e.g. {@code
 * observations.backlog("crm.change_log", crm, "SELECT count(*), min(changed_at) FROM crm.change_log
 * WHERE processed_at IS NULL")}.
 */
public final class Observations extends ServiceSupport {

  /** A measurement taken by the sampler. */
  @FunctionalInterface
  public interface Probe {
    void sample() throws Exception;
  }

  private static final Logger LOG = LoggerFactory.getLogger(Observations.class);
  private static final int QUERY_TIMEOUT_S = 5;

  static final String BACKLOG = "hub.source.backlog.changes";
  static final String BACKLOG_AGE = "hub.source.backlog.oldest.age";
  static final String LAG = "hub.consumer.lag.records";
  static final String DEAD_LETTERS = "hub.dead.letters.queued";
  static final String DEAD_LETTER_AGE = "hub.dead.letters.oldest.age";
  static final String DEAD_LETTERS_DUE = "hub.dead.letters.retention.due";
  static final String PARKED = "hub.parked.messages";
  static final String COMMANDS_PENDING = "hub.provisioning.commands.pending";
  static final String COMMANDS_OVERDUE = "hub.provisioning.commands.overdue";

  private final CamelContext context;
  private final MeterRegistry registry;
  private final Gauges gauges;
  private final Clock clock;
  private final Duration interval;
  private final Map<String, Probe> probes = new LinkedHashMap<>();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService executor;

  // the dead-letter figures of the last sample, for the health detail
  private final HubMetrics metrics;
  private final Set<String> deadLetterTargets = ConcurrentHashMap.newKeySet();
  private volatile Map<String, long[]> deadLetterSample = Map.of();
  private volatile boolean deadLettersKnown;
  private volatile long deadLetterThreshold;
  private volatile List<Readiness> readiness = List.of();

  public Observations(
      CamelContext context,
      MeterRegistry registry,
      HubMetrics metrics,
      Clock clock,
      Duration interval) {
    this.context = context;
    this.registry = registry;
    this.metrics = metrics;
    this.gauges = new Gauges(registry);
    this.clock = clock;
    this.interval = interval;
  }

  // ---------------------------------------------------------------------------------------------
  // what flows register

  /** Any measurement, run by the sampler under {@code name} (its failures are counted by name). */
  public synchronized void probe(String name, Probe probe) {
    if (probes.putIfAbsent(name, probe) != null) {
      throw new IllegalStateException("an observation probe named " + name + " exists already");
    }
    failureCounter(name); // at 0 from the start, so rate() and increase() see the first failure
  }

  /**
   * The unprocessed backlog of a polled source table: {@code sql} returns one row with the count
   * and the oldest unprocessed change's time (or NULL), or that change's age in seconds (a number:
   * for tables in local time, computed by the database). Gauges {@code
   * hub_source_backlog_changes{source}} and {@code hub_source_backlog_oldest_age_seconds{source}}.
   */
  public void backlog(String source, DataSource dataSource, String sql) {
    Gauges.Value count =
        gauges.gauge(
            BACKLOG, "Unprocessed change rows in a polled source table", null, "source", source);
    Gauges.Value age =
        gauges.gauge(
            BACKLOG_AGE,
            "Age of the oldest unprocessed change row in a polled source table",
            "seconds",
            "source",
            source);
    probe(
        "backlog:" + source,
        () -> {
          try {
            Object[] row = queryOne(dataSource, sql);
            count.set(((Number) row[0]).doubleValue());
            age.set(ageSeconds(row[1]));
          } catch (Exception e) {
            count.set(Double.NaN);
            age.set(Double.NaN);
            throw e;
          }
        });
  }

  /**
   * The lag of a target's consumer group on a topic: records not yet committed, summed over the
   * partitions. Gauge {@code hub_consumer_lag_records{target, group, topic}}.
   */
  public void consumerLag(Admin admin, String target, String group, String topic) {
    Gauges.Value lag =
        gauges.gauge(
            LAG,
            "Records of a topic that a target's consumer group has not committed yet",
            null,
            "target",
            target,
            "group",
            group,
            "topic",
            topic);
    probe(
        "lag:" + target + ":" + topic,
        () -> {
          try {
            lag.set(lag(admin, group, topic));
          } catch (Exception e) {
            lag.set(Double.NaN);
            throw e;
          }
        });
  }

  static long lag(Admin admin, String group, String topic) throws Exception {
    TopicDescription description =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(QUERY_TIMEOUT_S, TimeUnit.SECONDS)
            .get(topic);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    description
        .partitions()
        .forEach(
            p -> {
              TopicPartition tp = new TopicPartition(topic, p.partition());
              latest.put(tp, OffsetSpec.latest());
              earliest.put(tp, OffsetSpec.earliest());
            });
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(QUERY_TIMEOUT_S, TimeUnit.SECONDS);
    var ends = admin.listOffsets(latest).all().get(QUERY_TIMEOUT_S, TimeUnit.SECONDS);
    var starts = admin.listOffsets(earliest).all().get(QUERY_TIMEOUT_S, TimeUnit.SECONDS);
    long lag = 0;
    for (TopicPartition tp : latest.keySet()) {
      OffsetAndMetadata c = committed.get(tp);
      long from = c != null ? c.offset() : starts.get(tp).offset();
      lag += Math.max(0, ends.get(tp).offset() - from);
    }
    return lag;
  }

  /**
   * Dead letters still open (queued, being replayed, or superseded but still on their queue) per
   * target, from the index in the hub database: gauges {@code hub_dead_letters_queued{target}} and
   * {@code hub_dead_letters_oldest_age_seconds{target}}, and the health detail {@code
   * dead-letters}, which asks for attention when a target has more than {@code threshold} queued.
   */
  public void deadLetters(DataSource hub, Collection<String> targets, long threshold) {
    deadLetters(hub, targets, threshold, null);
  }

  /**
   * As {@link #deadLetters(DataSource, Collection, long)}, and the gauge {@code
   * hub_dead_letters_retention_due{target}}: open dead letters whose last failure is older than
   * {@code dueAfter} (the retention less its warning; null: none counted), which nobody has decided
   * about as their retention comes (the alert TelcoHubDeadLettersAtRetention).
   */
  public void deadLetters(
      DataSource hub, Collection<String> targets, long threshold, Duration dueAfter) {
    this.deadLetterThreshold = threshold;
    targets.forEach(this::deadLetterTarget);
    probe(
        "dead-letters",
        () -> {
          Map<String, long[]> sample = new TreeMap<>();
          try {
            for (Object[] row :
                query(
                    hub,
                    "SELECT target, count(*), min(created_at), count(*) FILTER (WHERE"
                        + (dueAfter == null
                            ? " false"
                            : " last_failed_at < now() - interval '"
                                + dueAfter.toSeconds()
                                + " seconds'")
                        + ") FROM hub.dead_letter"
                        + " WHERE status IN ('QUEUED', 'REPLAYING', 'SUPERSEDED') GROUP BY target")) {
              sample.put(
                  (String) row[0],
                  new long[] {
                    ((Number) row[1]).longValue(),
                    (long) ageSeconds(row[2]),
                    ((Number) row[3]).longValue()
                  });
            }
          } catch (Exception e) {
            gauges.setAll(DEAD_LETTERS, Double.NaN);
            gauges.setAll(DEAD_LETTER_AGE, Double.NaN);
            gauges.setAll(DEAD_LETTERS_DUE, Double.NaN);
            deadLettersKnown = false;
            throw e;
          }
          deadLetterTargets.addAll(sample.keySet());
          Map<String, long[]> all = new TreeMap<>();
          for (String target : deadLetterTargets) {
            long[] v = sample.getOrDefault(target, new long[] {0, 0, 0});
            all.put(target, v);
            deadLetterGauge(target).set(v[0]);
            deadLetterAgeGauge(target).set(v[1]);
            deadLetterDueGauge(target).set(v[2]);
          }
          deadLetterSample = all;
          deadLettersKnown = true;
        });
    healthDetail(new DeadLetterDetail());
  }

  /**
   * A target whose dead letters are reported even while it has none (0 rather than absent), and
   * whose dead-letter counter exists from the start.
   */
  public void deadLetterTarget(String target) {
    metrics.declareDeadLetterTarget(target);
    deadLetterTargets.add(target);
    deadLetterGauge(target);
    deadLetterAgeGauge(target);
    deadLetterDueGauge(target);
  }

  private Gauges.Value deadLetterDueGauge(String target) {
    return gauges.gauge(
        DEAD_LETTERS_DUE,
        "Open dead letters of a target at or near their retention that nobody has decided about",
        null,
        "target",
        target);
  }

  private Gauges.Value deadLetterGauge(String target) {
    return gauges.gauge(
        DEAD_LETTERS, "Dead letters of a target waiting for support", null, "target", target);
  }

  private Gauges.Value deadLetterAgeGauge(String target) {
    return gauges.gauge(
        DEAD_LETTER_AGE,
        "Age of a target's oldest dead letter waiting for support",
        "seconds",
        "target",
        target);
  }

  private final class DeadLetterDetail implements HealthDetail {
    @Override
    public String id() {
      return "dead-letters";
    }

    @Override
    public Report report() {
      if (!deadLettersKnown) {
        return Report.attention("dead letters could not be counted (hub database)", Map.of());
      }
      Map<String, Object> data = new TreeMap<>();
      List<String> above = new ArrayList<>();
      long threshold = deadLetterThreshold;
      deadLetterSample.forEach(
          (target, v) -> {
            data.put(target + ".queued", v[0]);
            data.put(target + ".oldestAgeSeconds", v[1]);
            if (v[0] > threshold) {
              above.add(target + " " + v[0]);
            }
          });
      data.put("threshold", threshold);
      return above.isEmpty()
          ? Report.fine("no target has more than " + threshold + " dead letters queued", data)
          : Report.attention(
              "dead letters queued above " + threshold + ": " + String.join(", ", above), data);
    }
  }

  /**
   * Messages parked on an Artemis queue (e.g. network events whose billing account is not known
   * yet), read through Artemis management: gauge {@code hub_parked_messages{queue}}. The broker
   * user needs {@code manage} on the management address and {@code view} on the queue (see
   * ArtemisManagement).
   */
  public void parkingQueue(String queue, ConnectionFactory connectionFactory) {
    Gauges.Value parked =
        gauges.gauge(
            PARKED,
            "Messages parked on an Artemis queue until they can be applied",
            null,
            "queue",
            queue);
    probe(
        "parked:" + queue,
        () -> {
          try {
            parked.set(messageCount(connectionFactory, queue));
          } catch (Exception e) {
            parked.set(Double.NaN);
            throw e;
          }
        });
  }

  /** The number of messages on an Artemis queue (0 if the queue does not exist yet). */
  public static long messageCount(ConnectionFactory connectionFactory, String queue)
      throws Exception {
    try (Connection c = connectionFactory.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      c.start();
      Object names = manage(s, ResourceNames.BROKER, "queueNames");
      if (names instanceof Object[] all && !java.util.Arrays.asList(all).contains(queue)) {
        return 0;
      }
      return ((Number) manage(s, ResourceNames.QUEUE + queue, "messageCount")).longValue();
    }
  }

  /** Reads one attribute through Artemis' management address. */
  private static Object manage(Session s, String resource, String attribute) throws Exception {
    return at.telco.hub.platform.ArtemisManagement.attribute(
        s, TimeUnit.SECONDS.toMillis(QUERY_TIMEOUT_S), resource, attribute);
  }

  /**
   * Provisioning commands from their store: {@code counts} returns the number of commands by state
   * ({@code PENDING}, {@code OVERDUE}, ...). Gauges {@code hub_provisioning_commands_pending} and
   * {@code hub_provisioning_commands_overdue}. (The health detail is {@code provisioning-commands},
   * the store's own check.)
   */
  public void provisioningCommands(java.util.concurrent.Callable<Map<String, Long>> counts) {
    Gauges.Value pending =
        gauges.gauge(COMMANDS_PENDING, "Provisioning commands sent and not yet acknowledged", null);
    Gauges.Value overdue =
        gauges.gauge(COMMANDS_OVERDUE, "Provisioning commands not acknowledged in time", null);
    probe(
        "provisioning-commands",
        () -> {
          try {
            Map<String, Long> c = counts.call();
            pending.set(c.getOrDefault("PENDING", 0L) + c.getOrDefault("OVERDUE", 0L));
            overdue.set(c.getOrDefault("OVERDUE", 0L));
          } catch (Exception e) {
            pending.set(Double.NaN);
            overdue.set(Double.NaN);
            throw e;
          }
        });
  }

  /**
   * Readiness as metrics, for alerting: {@code hub_health_ready} (1 while /observe/health/ready is
   * UP) and {@code hub_health_check_up{check}} per readiness check.
   */
  public void healthAsMetrics() {
    Gauges.Value ready =
        gauges.gauge(
            "hub.health.ready", "1 while the hub is ready (all readiness checks UP)", null);
    probe(
        "health",
        () -> {
          boolean all = true;
          List<Readiness> checks = new ArrayList<>();
          for (org.apache.camel.health.HealthCheck.Result r :
              org.apache.camel.health.HealthCheckHelper.invokeReadiness(context)) {
            boolean up = r.getState() == org.apache.camel.health.HealthCheck.State.UP;
            all &= up;
            checks.add(
                new Readiness(
                    r.getCheck().getId(),
                    up,
                    r.getMessage().orElse(r.getError().map(Throwable::getMessage).orElse(null))));
            gauges
                .gauge(
                    "hub.health.check.up",
                    "1 while a readiness check is UP",
                    null,
                    "check",
                    r.getCheck().getId())
                .set(up ? 1 : 0);
          }
          ready.set(all ? 1 : 0);
          readiness = List.copyOf(checks);
        });
  }

  /** A readiness check as the last sample saw it (message: why it is down, if it says). */
  public record Readiness(String check, boolean up, String message) {}

  /** The readiness checks as the last sample saw them (empty before the first sample). */
  public List<Readiness> readiness() {
    return readiness;
  }

  /** Shows a detail as a readiness check that is always UP (see {@link HealthDetail}). */
  public void healthDetail(HealthDetail detail) {
    HealthCheckRegistry.get(context).register(new HealthDetailCheck(detail));
  }

  // ---------------------------------------------------------------------------------------------
  // the sampler

  /** Runs every probe once, now, on the calling thread. */
  public void sampleNow() {
    List<Map.Entry<String, Probe>> all;
    synchronized (this) {
      all = new ArrayList<>(probes.entrySet());
    }
    for (Map.Entry<String, Probe> p : all) {
      try {
        p.getValue().sample();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failureCounter(p.getKey()).increment();
        if (failing.add(p.getKey())) {
          LOG.warn(
              "observation {} failed (its gauges are NaN until it works): {}",
              p.getKey(),
              e.toString());
        }
        continue;
      }
      if (failing.remove(p.getKey())) {
        LOG.info("observation {} works again", p.getKey());
      }
    }
  }

  private Counter failureCounter(String probe) {
    return failures.computeIfAbsent(
        probe,
        k ->
            Counter.builder("hub.observation.failures")
                .description("Samples of an observation probe that failed")
                .tag("probe", k)
                .register(registry));
  }

  @Override
  protected void doStart() {
    executor =
        context
            .getExecutorServiceManager()
            .newSingleThreadScheduledExecutor(this, "hub-observations");
    executor.scheduleWithFixedDelay(this::sampleNow, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  protected void doStop() {
    if (executor != null) {
      context.getExecutorServiceManager().shutdownNow(executor);
      executor = null;
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** The age of a timestamp, or an age in seconds the query computed itself (a number). */
  private double ageSeconds(Object timestamp) {
    if (timestamp == null) {
      return 0;
    }
    if (timestamp instanceof Number seconds) {
      return Math.max(0, seconds.doubleValue());
    }
    Instant t =
        timestamp instanceof Timestamp ts
            ? ts.toInstant()
            : timestamp instanceof java.time.OffsetDateTime o ? o.toInstant() : null;
    if (t == null) {
      throw new IllegalArgumentException("not a timestamp: " + timestamp.getClass());
    }
    return Math.max(0, Duration.between(t, clock.instant()).toMillis() / 1000.0);
  }

  private static Object[] queryOne(DataSource ds, String sql) throws Exception {
    List<Object[]> rows = query(ds, sql);
    if (rows.size() != 1) {
      throw new IllegalStateException("expected one row, got " + rows.size() + ": " + sql);
    }
    return rows.get(0);
  }

  private static List<Object[]> query(DataSource ds, String sql) throws Exception {
    try (java.sql.Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setQueryTimeout(QUERY_TIMEOUT_S);
      List<Object[]> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Object[] row = new Object[n];
          for (int i = 0; i < n; i++) {
            row[i] = rs.getObject(i + 1);
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }
}
