package at.telco.hub.api;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Back-off for failed sign-ins, asked before any password is checked. Failures are counted per
 * (claimed user, client address) and per client address: after {@code free} failures each further
 * try must wait (answered 429 with Retry-After, without a bcrypt check), a wait that starts at
 * {@code base} and doubles with each further failure up to {@code max}. It is back-off, never a
 * lockout: after the wait one try is checked again; the right password of a user resets that user's
 * counter for that address; another address is not slowed by the (user, address) counter, only by
 * its own address ceiling; failures are forgotten after {@code forget} without one.
 *
 * <p>The same counters make the audit trail's failed sign-ins one burst at a time: the first
 * failure of a (user, address) opens a burst (one audit row); the further failures and refused
 * tries are counted, and when the burst ends (the right password, or {@code forget} of quiet) its
 * total is one more row. Bad bearer tokens count for their address only (a session token or a
 * signed JWT cannot be guessed; they cost no bcrypt).
 */
public final class SignInThrottle {

  /** The thresholds ({@code hub.auth.throttle.*}). */
  public record Limits(
      int freeFailures,
      int addressFreeFailures,
      Duration baseDelay,
      Duration maxDelay,
      Duration forget) {}

  /** What a failure did: whether it opened a burst (record it) and the failures of its key. */
  public record Failure(boolean opensBurst, int failures) {}

  /** A burst that ended: for the audit trail's one summary row. */
  public record Burst(
      String user, String address, int failures, int refused, Instant first, Instant last) {}

  /** Keys without a back-off of their own (bad bearer tokens) use this as their user. */
  static final String BEARER = "\u0000bearer";

  private static final int MAX_TRACKED = 100_000;

  private static final class Counter {
    final String user;
    final String address;
    final Instant first;
    Instant last;
    Instant waitUntil;
    int failures;
    int refused;

    Counter(String user, String address, Instant now) {
      this.user = user;
      this.address = address;
      this.first = now;
      this.last = now;
      this.waitUntil = now;
    }
  }

  private final Limits limits;
  private final Clock clock;
  private final Map<String, Counter> perUser = new HashMap<>();
  private final Map<String, Counter> perAddress = new HashMap<>();
  private final List<Burst> pending = new ArrayList<>();

  public SignInThrottle(Limits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  public static SignInThrottle fromSettings(Settings settings, Clock clock) {
    return new SignInThrottle(
        new Limits(
            Math.max(0, settings.get(HubSettings.AUTH_THROTTLE_FREE_FAILURES)),
            Math.max(0, settings.get(HubSettings.AUTH_THROTTLE_ADDRESS_FREE_FAILURES)),
            Duration.ofSeconds(
                Math.max(1, settings.get(HubSettings.AUTH_THROTTLE_BASE_DELAY_SECONDS))),
            Duration.ofSeconds(
                Math.max(1, settings.get(HubSettings.AUTH_THROTTLE_MAX_DELAY_SECONDS))),
            Duration.ofSeconds(
                Math.max(1, settings.get(HubSettings.AUTH_THROTTLE_FORGET_SECONDS)))),
        clock);
  }

  private static String key(String user, String address) {
    return user + "\u0000" + address;
  }

  /**
   * Seconds a sign-in of {@code user} (null: a bearer credential) from {@code address} must still
   * wait; 0 when it may be checked now. A refused try is counted for the burst, not as a failure.
   */
  public synchronized long retryAfter(String user, String address) {
    Instant now = clock.instant();
    Instant until = now;
    Counter a = live(perAddress, address, now);
    if (a != null && a.waitUntil.isAfter(until)) {
      until = a.waitUntil;
    }
    Counter u = user == null ? null : live(perUser, key(user, address), now);
    if (u != null && u.waitUntil.isAfter(until)) {
      until = u.waitUntil;
    }
    if (!until.isAfter(now)) {
      return 0;
    }
    if (u != null) {
      u.refused++;
    } else if (a != null) {
      a.refused++;
    }
    return Math.max(1, (Duration.between(now, until).toMillis() + 999) / 1000);
  }

  /** A failed check of a password ({@code user} given) or of a bearer token ({@code null}). */
  public synchronized Failure failed(String user, String address) {
    Instant now = clock.instant();
    Counter a = count(perAddress, address, address, address, now);
    a.waitUntil = later(a.waitUntil, now.plus(delay(a.failures, limits.addressFreeFailures())));
    String u = user == null ? BEARER : user;
    String k = key(u, address);
    boolean opens = live(perUser, k, now) == null;
    Counter c = count(perUser, k, u, address, now);
    if (user != null) {
      c.waitUntil = later(c.waitUntil, now.plus(delay(c.failures, limits.freeFailures())));
    }
    return new Failure(opens, c.failures);
  }

  /**
   * The right password of {@code user} from {@code address}: its counter starts again (the
   * address's does not); answers the burst it ends, if it had more than its opening failure.
   */
  public synchronized Burst succeeded(String user, String address) {
    Counter c = perUser.remove(key(user, address));
    return c == null || (c.failures <= 1 && c.refused == 0) ? null : burst(c);
  }

  /** Bursts quiet for longer than {@code forget}, removed; to be summed up in the audit trail. */
  public synchronized List<Burst> ended() {
    Instant now = clock.instant();
    List<Burst> ended = new ArrayList<>(pending);
    pending.clear();
    for (Iterator<Counter> i = perUser.values().iterator(); i.hasNext(); ) {
      Counter c = i.next();
      if (expired(c, now)) {
        i.remove();
        if (c.failures > 1 || c.refused > 0) {
          ended.add(burst(c));
        }
      }
    }
    perAddress.values().removeIf(c -> expired(c, now));
    return ended;
  }

  private static Burst burst(Counter c) {
    return new Burst(
        c.user.equals(BEARER) ? null : c.user, c.address, c.failures, c.refused, c.first, c.last);
  }

  private boolean expired(Counter c, Instant now) {
    return !c.last.plus(limits.forget()).isAfter(now) && !c.waitUntil.isAfter(now);
  }

  private Counter live(Map<String, Counter> map, String key, Instant now) {
    Counter c = map.get(key);
    return c != null && expired(c, now) ? null : c;
  }

  private Counter count(
      Map<String, Counter> map, String key, String user, String address, Instant now) {
    Counter c = map.get(key);
    if (c != null && expired(c, now)) {
      map.remove(key);
      if (map == perUser && (c.failures > 1 || c.refused > 0)) {
        pending.add(burst(c));
      }
      c = null;
    }
    if (c == null) {
      if (map.size() >= MAX_TRACKED) {
        map.values().removeIf(old -> expired(old, now));
      }
      c = new Counter(user, address, now);
      map.put(key, c);
    }
    c.failures++;
    c.last = now;
    return c;
  }

  /** The wait after the {@code n}th failure: none within {@code free}, then doubling. */
  Duration delay(int n, int free) {
    if (n <= free) {
      return Duration.ZERO;
    }
    int doublings = Math.min(30, n - free - 1);
    Duration d = limits.baseDelay().multipliedBy(1L << doublings);
    return d.compareTo(limits.maxDelay()) > 0 ? limits.maxDelay() : d;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
