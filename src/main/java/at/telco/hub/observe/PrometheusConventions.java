package at.telco.hub.observe;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Makes every meter on {@code /observe/metrics} follow Prometheus' naming conventions, as {@code
 * promtool check metrics} checks them: label names in snake_case (Camel's {@code routeId} becomes
 * {@code route_id}, {@code camelContext} {@code camel_context}), help text on every metric, no
 * {@code _count} suffix outside histograms, no abbreviated units (the nanosecond CPU counter is
 * dropped; {@code process_cpu_usage} stays).
 */
public final class PrometheusConventions implements MeterFilter {

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    return id.getName().equals("process.cpu.time")
        ? MeterFilterReply.DENY
        : MeterFilterReply.NEUTRAL;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    String name = id.getName();
    if (name.equals("system.cpu.count")) {
      name = "system.cpus";
    }
    List<Tag> tags = new ArrayList<>();
    boolean changed = !name.equals(id.getName());
    for (Tag t : id.getTagsAsIterable()) {
      String key = snakeCase(t.getKey());
      changed |= !key.equals(t.getKey());
      tags.add(Tag.of(key, t.getValue()));
    }
    String description = id.getDescription();
    if (description == null || description.isBlank()) {
      description = name.replace('.', ' ');
      changed = true;
    }
    if (!changed) {
      return id;
    }
    return new Meter.Id(
        name,
        io.micrometer.core.instrument.Tags.of(tags),
        id.getBaseUnit(),
        description,
        id.getType());
  }

  static String snakeCase(String key) {
    StringBuilder sb = new StringBuilder(key.length() + 4);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0 && key.charAt(i - 1) != '_') {
          sb.append('_');
        }
        sb.append(Character.toLowerCase(c));
      } else {
        sb.append(c == '.' || c == '-' ? '_' : c);
      }
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }
}
