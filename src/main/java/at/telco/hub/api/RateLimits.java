package at.telco.hub.api;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limits per user on the expensive endpoints: single replays and resyncs ({@code replay}) and
 * bulk operations ({@code bulk}: bulk replay, resync of a target, reconciliation, rebuild). The
 * class of an endpoint is the second scope of its {@code security} in the REST DSL. Each user has a
 * token bucket per class that refills evenly over a minute; an empty bucket answers 429 with the
 * seconds until the next token (Retry-After).
 */
public final class RateLimits {

  /** Requests per minute of each class, for one user. */
  public record Limit(int replayPerMinute, int bulkPerMinute) {
    int of(String kind) {
      return kind.equals("bulk") ? bulkPerMinute : replayPerMinute;
    }
  }

  private static final class Bucket {
    double tokens;
    long updatedNanos;
  }

  private final Limit defaults;
  private final Map<String, Limit> perUser;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final Clock clock;

  RateLimits(Limit defaults, Map<String, Limit> perUser, Clock clock) {
    this.defaults = defaults;
    this.perUser = Map.copyOf(perUser);
    this.clock = clock;
  }

  /**
   * {@code hub.rate-limit.replay-per-minute} (600), {@code hub.rate-limit.bulk-per-minute} (30) and
   * {@code hub.rate-limit.users}: {@code name=replay/bulk} entries separated by {@code ;}.
   */
  public static RateLimits fromSettings(Settings settings) {
    Limit defaults =
        new Limit(
            settings.get(HubSettings.RATE_LIMIT_REPLAY_PER_MINUTE),
            settings.get(HubSettings.RATE_LIMIT_BULK_PER_MINUTE));
    Map<String, Limit> users = new HashMap<>();
    for (String entry : settings.optional(HubSettings.RATE_LIMIT_USERS).orElse("").split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.lastIndexOf('=');
      String[] v = eq < 0 ? new String[0] : entry.substring(eq + 1).strip().split("/");
      if (v.length != 2) {
        throw new IllegalArgumentException(
            "hub.rate-limit.users: '" + entry.strip() + "' is not name=replay/bulk");
      }
      users.put(
          entry.substring(0, eq).strip(),
          new Limit(Integer.parseInt(v[0].strip()), Integer.parseInt(v[1].strip())));
    }
    return new RateLimits(defaults, users, Clock.systemUTC());
  }

  /**
   * Takes one request of {@code kind} for {@code user}: empty when allowed, else the seconds to
   * wait.
   */
  public OptionalLong take(String user, String kind) {
    int perMinute = perUser.getOrDefault(user, defaults).of(kind);
    if (perMinute <= 0) {
      return OptionalLong.empty(); // 0: no limit
    }
    double perNano = perMinute / 60e9;
    long now = clock.millis() * 1_000_000L;
    Bucket b =
        buckets.computeIfAbsent(
            user + "\u0000" + kind,
            k -> {
              Bucket n = new Bucket();
              n.tokens = perMinute;
              n.updatedNanos = now;
              return n;
            });
    synchronized (b) {
      b.tokens = Math.min(perMinute, b.tokens + (now - b.updatedNanos) * perNano);
      b.updatedNanos = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return OptionalLong.empty();
      }
      return OptionalLong.of(Math.max(1, (long) Math.ceil((1 - b.tokens) / perNano / 1e9)));
    }
  }
}
