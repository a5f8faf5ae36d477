package at.telco.hub.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gauges whose values are set by the sampler (never computed on a scrape, so a scrape never waits
 * for a database or a broker). A value that could not be sampled is NaN, not the last good one.
 */
final class Gauges {

  /** A gauge's current value. */
  static final class Value {
    private volatile double value = Double.NaN;

    void set(double v) {
      value = v;
    }

    double get() {
      return value;
    }
  }

  private record Key(String name, Tags tags) {}

  private final MeterRegistry registry;
  private final Map<Key, Value> values = new ConcurrentHashMap<>();

  Gauges(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * The value of a gauge, registered on first use. {@code name} is Micrometer's dotted name; a
   * {@code baseUnit} is appended to the Prometheus name ({@code seconds}).
   */
  Value gauge(String name, String description, String baseUnit, String... tags) {
    Key key = new Key(name, Tags.of(tags));
    return values.computeIfAbsent(
        key,
        k -> {
          Value v = new Value();
          Gauge.builder(name, v, Value::get)
              .description(description)
              .baseUnit(baseUnit)
              .tags(k.tags())
              .strongReference(true)
              .register(registry);
          return v;
        });
  }

  /** Every gauge of that name (e.g. to mark them all unknown when their probe failed). */
  void setAll(String name, double value) {
    values.forEach(
        (k, v) -> {
          if (k.name().equals(name)) {
            v.set(value);
          }
        });
  }
}
