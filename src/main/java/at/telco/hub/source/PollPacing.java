package at.telco.hub.source;

import at.telco.hub.config.Setting;
import at.telco.hub.config.Settings;
import org.apache.camel.spi.PropertiesComponent;

/**
 * How often a polled source (the CRM's change log, billing's event table) is asked for work.
 *
 * <p>The source routes run on Camel's {@code scheduler} with {@code backoffIdleThreshold=1}: while
 * polls find work they follow each other {@code <prefix>.interval-ms} apart (and a full batch at
 * once), so a change waits a few milliseconds for its poll under load; after an empty poll the
 * scheduler skips polls until {@code <prefix>.idle-interval-ms} has passed, so an idle source is
 * asked no more often than that. The number of polls to skip is derived here as {@code
 * <prefix>.idle-skip} (the scheduler's {@code backoffMultiplier}).
 */
public final class PollPacing {

  private PollPacing() {}

  /**
   * Derives {@code <prefix>.idle-threshold} and {@code <prefix>.idle-skip} (the scheduler's {@code
   * backoffIdleThreshold} and {@code backoffMultiplier}) from the two intervals of a source.
   */
  public static void derive(
      PropertiesComponent properties,
      Settings settings,
      String prefix,
      Setting<Integer> intervalMs,
      Setting<Integer> idleIntervalMs) {
    long interval = Math.max(1, settings.get(intervalMs));
    long idle = settings.get(idleIntervalMs);
    long skips = skips(interval, idle);
    // no backoff wanted: the scheduler still needs a multiplier, so the threshold is never reached
    properties.addInitialProperty(
        prefix + ".idle-threshold", skips == 0 ? Integer.toString(Integer.MAX_VALUE) : "1");
    properties.addInitialProperty(prefix + ".idle-skip", Long.toString(Math.max(1, skips)));
  }

  /**
   * Polls skipped after an empty one, so that an idle source is polled every {@code idle} ms (0: no
   * slower than while busy).
   */
  static long skips(long interval, long idle) {
    return Math.max(0, (idle + interval - 1) / interval - 1);
  }
}
