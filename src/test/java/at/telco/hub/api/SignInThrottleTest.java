package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The back-off of failed sign-ins, on a clock the test moves. */
class SignInThrottleTest {

  static final class MovingClock extends Clock {
    Instant now = Instant.parse("2026-12-06T10:00:00Z");

    void advance(Duration d) {
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

  final MovingClock clock = new MovingClock();
  final SignInThrottle throttle =
      new SignInThrottle(
          new SignInThrottle.Limits(
              3, 10, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(15)),
          clock);

  @Test
  void afterTheFreeFailuresEachTryWaitsTwiceAsLongUpToTheMaximum() {
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.retryAfter("admin", "10.0.0.9")).isZero();
      throttle.failed("admin", "10.0.0.9");
    }
    assertThat(throttle.retryAfter("admin", "10.0.0.9")).isZero();
    throttle.failed("admin", "10.0.0.9"); // 4th: 1 s
    assertThat(throttle.retryAfter("admin", "10.0.0.9")).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.retryAfter("admin", "10.0.0.9")).isZero();
    throttle.failed("admin", "10.0.0.9"); // 5th: 2 s
    assertThat(throttle.retryAfter("admin", "10.0.0.9")).isEqualTo(2);
    long waited = 0;
    for (int i = 0; i < 10; i++) {
      long wait = throttle.retryAfter("admin", "10.0.0.9");
      clock.advance(Duration.ofSeconds(wait));
      waited = wait;
      throttle.failed("admin", "10.0.0.9");
    }
    assertThat(waited).isEqualTo(60);
    assertThat(throttle.retryAfter("admin", "10.0.0.9")).isEqualTo(60);
  }

  /** Back-off, not lockout: the user signs in from elsewhere at once, and here after the wait. */
  @Test
  void anAttackerCannotLockAUserOut() {
    for (int i = 0; i < 8; i++) {
      clock.advance(Duration.ofSeconds(throttle.retryAfter("admin", "203.0.113.7")));
      throttle.failed("admin", "203.0.113.7");
    }
    assertThat(throttle.retryAfter("admin", "203.0.113.7")).isPositive();
    assertThat(throttle.retryAfter("admin", "10.0.0.1")).isZero();
    clock.advance(Duration.ofSeconds(throttle.retryAfter("admin", "203.0.113.7")));
    assertThat(throttle.retryAfter("admin", "203.0.113.7")).isZero();
  }

  /** Many names from one address: the address's ceiling slows them all, not other addresses. */
  @Test
  void manyNamesFromOneAddressMeetTheAddressCeiling() {
    for (int i = 0; i < 10; i++) {
      assertThat(throttle.retryAfter("user" + i, "198.51.100.4")).isZero();
      throttle.failed("user" + i, "198.51.100.4");
    }
    assertThat(throttle.retryAfter("someone-else", "198.51.100.4")).isZero();
    throttle.failed("someone-else", "198.51.100.4"); // the 11th from this address
    assertThat(throttle.retryAfter("another-one", "198.51.100.4")).isEqualTo(1);
    assertThat(throttle.retryAfter(null, "198.51.100.4")).isEqualTo(1); // bearer tokens too
    assertThat(throttle.retryAfter("another-one", "198.51.100.5")).isZero();
  }

  @Test
  void badBearerTokensCountForTheAddressOnly() {
    for (int i = 0; i < 10; i++) {
      throttle.failed(null, "192.0.2.1");
      assertThat(throttle.retryAfter(null, "192.0.2.1")).isZero();
    }
    throttle.failed(null, "192.0.2.1");
    assertThat(throttle.retryAfter(null, "192.0.2.1")).isPositive();
  }

  /** One audit row opens a burst; the burst's total is one more when it ends. */
  @Test
  void failuresAreOneBurstUntilTheRightPasswordOrAQuietTime() {
    assertThat(throttle.failed("carla", "10.0.0.2").opensBurst()).isTrue();
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(61)); // past any wait
      assertThat(throttle.failed("carla", "10.0.0.2").opensBurst()).isFalse();
    }
    assertThat(throttle.retryAfter("carla", "10.0.0.2")).isPositive(); // a refused try
    clock.advance(Duration.ofSeconds(61));
    SignInThrottle.Burst burst = throttle.succeeded("carla", "10.0.0.2");
    assertThat(burst.failures()).isEqualTo(6);
    assertThat(burst.refused()).isEqualTo(1);
    assertThat(burst.user()).isEqualTo("carla");
    // the right password starts the user's counter again
    assertThat(throttle.retryAfter("carla", "10.0.0.2")).isZero();
    assertThat(throttle.failed("carla", "10.0.0.2").opensBurst()).isTrue();
    // a single failure ends without a second row; a longer burst ends after the quiet time
    assertThat(throttle.failed("dora", "10.0.0.3").opensBurst()).isTrue();
    throttle.failed("dora", "10.0.0.3");
    assertThat(throttle.ended()).isEmpty();
    clock.advance(Duration.ofMinutes(16));
    assertThat(throttle.ended())
        .singleElement()
        .satisfies(b -> assertThat(b.user()).isEqualTo("dora"))
        .satisfies(b -> assertThat(b.failures()).isEqualTo(2));
    assertThat(throttle.ended()).isEmpty();
    assertThat(throttle.failed("dora", "10.0.0.3").opensBurst()).isTrue();
  }
}
