package at.telco.hub.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/**
 * The failover the PostgreSQL scenarios share: crash the primary under load, promote the standby.
 */
final class PostgresFailover {

  private PostgresFailover() {}

  /** What a failover cost, in seconds from the crash. */
  record Figures(double normal, double promoted, double applying) {
    @Override
    public String toString() {
      return String.format(
          "applying-again-after-crash=%.1fs promoted-after=%.1fs normal-delay=%.1fs",
          applying, promoted, normal);
    }
  }

  /**
   * Load running, the primary killed, the standby promoted after {@code chaos.promote-after} (PT0S:
   * at once, what a failover manager does once it has decided; its detection time is what this
   * option stands for), load until the hub applies again and 5 s more, then the load stopped and
   * everything converged.
   */
  static Figures run(PostgresHa ha) throws Exception {
    ha.startWriter();
    Thread.sleep(3000);
    // what a change takes here without a failure (a round begun after this moment, applied)
    double normal =
        ha.secondsUntilApplied(System.nanoTime(), ha.roundsBegun(), Duration.ofSeconds(60));
    System.out.println("chaos: before the crash: " + ha.pair.replicationState());
    int round = ha.roundsBegun();
    long crashed = System.nanoTime();
    ha.pair.killPrimary();
    System.out.printf(
        "chaos: SIGKILL of the PostgreSQL primary (port %d) and its backends%n",
        ha.pair.primaryPort());
    Duration promoteAfter = Duration.parse(System.getProperty("chaos.promote-after", "PT0S"));
    if (!promoteAfter.isZero()) {
      System.out.println("chaos: no primary for " + promoteAfter + " (the failover's detection)");
      Thread.sleep(promoteAfter.toMillis());
    }
    ha.pair.promoteStandby();
    double promoted = (System.nanoTime() - crashed) / 1e9;
    assertThat(ha.pair.standbyInRecovery()).isFalse();
    System.out.printf(
        "chaos: standby (port %d) promoted %.1f s after the crash%n",
        ha.pair.standbyPort(), promoted);
    double applying = ha.secondsUntilApplied(crashed, round, Duration.ofMinutes(3));
    System.out.printf("chaos: applying again %.1f s after the crash%n", applying);
    Thread.sleep(5000);
    ha.stopWriter();
    ha.awaitConverged();
    return new Figures(normal, promoted, applying);
  }
}
