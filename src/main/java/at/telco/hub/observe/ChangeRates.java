package at.telco.hub.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The last hour of the hub's own counters, a minute at a time, for the console's overview: changes
 * per minute of each target ({@code hub_target_changes_total}, every outcome) and of each polled
 * source ({@code hub_source_changes_total}), and the end-to-end latency of each flow and target
 * over the last few minutes ({@code hub_end_to_end_latency_seconds}, from its histogram). Kept in
 * memory by each hub instance: it counts what this instance handled, and starts empty after a
 * restart.
 *
 * <p>{@link #sample()} runs on the observation sampler ({@code hub.observe.interval-ms}); reading
 * never touches a meter.
 */
public final class ChangeRates {

  /** Minutes of the per-minute series. */
  public static final int MINUTES = 60;

  /** Minutes over which the latency percentile is taken. */
  public static final int LATENCY_MINUTES = 5;

  private record Buckets(double[] bounds, double[] cumulative, double count) {}

  private final MeterRegistry registry;
  private final Clock clock;
  // series ("target:billing", "source:crm.change_log") -> minute -> counter total at the last
  // sample of that minute
  private final Map<String, TreeMap<Long, Double>> totals = new HashMap<>();
  // "flow/target" -> minute -> the latency histogram at the last sample of that minute
  private final Map<String, TreeMap<Long, Buckets>> latencies = new HashMap<>();

  public ChangeRates(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  private long minute() {
    return clock.millis() / 60_000;
  }

  /** Takes the counters' and the latency histograms' current values. */
  public synchronized void sample() {
    long minute = minute();
    Map<String, Double> now = new HashMap<>();
    for (Counter c : registry.find("hub.target.changes").counters()) {
      String target = c.getId().getTag("target");
      if (target != null) {
        now.merge("target:" + target, c.count(), Double::sum);
      }
    }
    for (Counter c : registry.find("hub.source.changes").counters()) {
      String source = c.getId().getTag("source");
      if (source != null) {
        now.merge("source:" + source, c.count(), Double::sum);
      }
    }
    now.forEach(
        (series, total) -> {
          TreeMap<Long, Double> byMinute = totals.get(series);
          if (byMinute == null) {
            // first seen: what it counted before is the baseline, not this minute's changes
            byMinute = new TreeMap<>();
            byMinute.put(minute - 1, total);
            totals.put(series, byMinute);
          }
          byMinute.put(minute, total);
          byMinute.headMap(minute - MINUTES - 1).clear();
        });
    for (Timer t : registry.find("hub.end.to.end.latency").timers()) {
      String key = t.getId().getTag("flow") + "/" + t.getId().getTag("target");
      TreeMap<Long, Buckets> byMinute = latencies.computeIfAbsent(key, k -> new TreeMap<>());
      Buckets b = buckets(t.takeSnapshot());
      if (byMinute.isEmpty()) {
        byMinute.put(minute - 1, b);
      }
      byMinute.put(minute, b);
      byMinute.headMap(minute - LATENCY_MINUTES - 1).clear();
    }
  }

  private static Buckets buckets(HistogramSnapshot s) {
    CountAtBucket[] counts = s.histogramCounts();
    double[] bounds = new double[counts.length];
    double[] cumulative = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      bounds[i] = counts[i].bucket(TimeUnit.SECONDS);
      cumulative[i] = counts[i].count();
    }
    return new Buckets(bounds, cumulative, s.count());
  }

  /**
   * The changes of a series in each of the last {@link #MINUTES} minutes, oldest first; the last is
   * the current minute so far. {@code series} is {@code target:<name>} or {@code source:<name>};
   * all zeros for one never seen.
   */
  public synchronized long[] perMinute(String series) {
    long[] out = new long[MINUTES];
    TreeMap<Long, Double> byMinute = totals.get(series);
    if (byMinute == null) {
      return out;
    }
    long current = minute();
    for (int i = 0; i < MINUTES; i++) {
      long m = current - (MINUTES - 1) + i;
      Double total = byMinute.get(m);
      Map.Entry<Long, Double> before = byMinute.lowerEntry(m);
      if (total != null && before != null) {
        out[i] = Math.max(0, Math.round(total - before.getValue()));
      }
    }
    return out;
  }

  /** The targets whose latency is known, each with its flow. */
  public synchronized Map<String, String> flowsOfTargets() {
    Map<String, String> out = new TreeMap<>();
    for (String key : latencies.keySet()) {
      int slash = key.indexOf('/');
      out.put(key.substring(slash + 1), key.substring(0, slash));
    }
    return out;
  }

  /**
   * The 95th percentile of the end-to-end latency of a flow's target over the last {@link
   * #LATENCY_MINUTES} minutes, in seconds, interpolated within its histogram bucket as Prometheus'
   * {@code histogram_quantile} does; NaN when nothing was applied then.
   */
  public synchronized double p95Seconds(String flow, String target) {
    TreeMap<Long, Buckets> byMinute = latencies.get(flow + "/" + target);
    if (byMinute == null || byMinute.size() < 2) {
      return Double.NaN;
    }
    Buckets now = byMinute.lastEntry().getValue();
    Map.Entry<Long, Buckets> from = byMinute.floorEntry(minute() - LATENCY_MINUTES);
    Buckets then = from != null ? from.getValue() : byMinute.firstEntry().getValue();
    return quantile(0.95, now, then);
  }

  static double quantile(double q, Buckets now, Buckets then) {
    double total = now.count() - then.count();
    if (total <= 0 || now.bounds().length != then.bounds().length) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (int i = 0; i < now.bounds().length; i++) {
      double cumulative = now.cumulative()[i] - then.cumulative()[i];
      if (cumulative >= rank) {
        double inBucket = cumulative - lowerCount;
        double upper = now.bounds()[i];
        return inBucket <= 0
            ? upper
            : lowerBound + (upper - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = now.bounds()[i];
      lowerCount = cumulative;
    }
    // above the highest bucket: the highest bound is all that is known
    return lowerBound;
  }

  /** For tests: the percentile of two histograms taken of one timer. */
  static double quantile(double q, HistogramSnapshot now, HistogramSnapshot then) {
    return quantile(q, buckets(now), buckets(then));
  }
}
