package at.telco.hub.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.consistency.Difference;
import at.telco.hub.consistency.Pair;
import at.telco.hub.consistency.Reconciler;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.PostgresPair;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A target database (billing, whose versions the hub keeps in {@code hub.target_state}) on a
 * PostgreSQL primary with a streaming standby; the hub has the multi-host URL with {@code
 * targetServerType=primary}.
 *
 * <p>Synchronous standby: under CRM change load the primary crashes (SIGKILL of the postmaster and
 * every backend), the standby is promoted, and the hub carries on writing billing on the new
 * primary. Prints how long the hub took to apply changes again, and fails on anything lost or
 * applied twice.
 *
 * <p>Asynchronous standby: the standby stops receiving (its replication connection held by a proxy,
 * as over a slow network) while the hub applies the last rounds of changes on the primary and marks
 * them applied; then the primary crashes and the standby is promoted without them. Counts the
 * accounts whose billing row on the new primary lacks what the hub's marks say it applied ({@code
 * marked_but_missing}: the hub does not notice by itself, nothing is redelivered), then runs a
 * reconciliation of crm->billing with repair and counts what it repaired; fails unless the loss was
 * seen and reconciliation repaired all of it (lost=0 afterwards, nothing applied twice).
 */
class PostgresTargetFailoverChaos {

  @Test
  void billingPrimaryCrashesUnderLoad() throws Exception {
    try (PostgresHa ha =
        PostgresHa.start(
            "postgres-target-failover",
            "ACC-X32",
            PostgresHa.Moved.BILLING,
            PostgresPair.Replication.SYNCHRONOUS)) {
      PostgresFailover.Figures f = PostgresFailover.run(ha);
      ChaosTally.of("postgres-target-failover", ha.servers, ha.load).check(f.toString());
    }
  }

  @Test
  void asynchronousStandbyPromotedWithoutTheLastCommits() throws Exception {
    String prefix = "ACC-X33";
    try (PostgresHa ha =
        PostgresHa.start(
            "postgres-target-failover-async",
            prefix,
            PostgresHa.Moved.BILLING,
            PostgresPair.Replication.ASYNCHRONOUS)) {
      ha.startWriter();
      Thread.sleep(3000);
      ha.pair.holdReplication();
      System.out.println(
          "chaos: the asynchronous standby receives nothing more; the primary commits alone");
      Thread.sleep(3000);
      ha.stopWriter();
      // every change applied (on the primary) and marked applied by the hub
      ha.awaitConverged();
      long lagBytes = ha.pair.standbyLagBytes();
      long crashed = System.nanoTime();
      ha.pair.killPrimary();
      ha.pair.promoteStandby();
      double promoted = (System.nanoTime() - crashed) / 1e9;
      System.out.printf(
          "chaos: primary killed with %d bytes of WAL the standby never got; standby promoted"
              + " %.1f s after the crash%n",
          lagBytes, promoted);
      // the hub is left alone for a while: nothing tells it that billing went back in time
      Thread.sleep(5000);
      List<String> missing = ha.load.lost();
      long marked = markedApplied(ha, missing);
      System.out.printf(
          "chaos: %d accounts' billing rows lack the CRM's last state, %d of them marked applied"
              + " in hub.target_state; every CRM change is processed (%d unprocessed)%n",
          missing.size(), marked, ha.load.unprocessed());

      Reconciler reconciler = ha.hub.bean("reconciler", Reconciler.class);
      Pair billing = reconciler.pair("crm->billing");
      Reconciler.Outcome repair =
          reconciler.run("chaos", "PostgresTargetFailoverChaos", Set.of(billing), true);
      long found = ours(repair.differences(), prefix);
      ha.awaitConverged();
      Reconciler.Outcome after =
          reconciler.run("chaos", "PostgresTargetFailoverChaos", Set.of(billing), false);
      long left = ours(after.differences(), prefix);
      System.out.printf(
          "chaos: reconciliation crm->billing found %d differences of this scenario's accounts"
              + " (%d in all, %d repaired in all); afterwards %d left%n",
          found, repair.differences().size(), repair.repaired(), left);
      assertThat(marked).as("the async failover lost commits the hub had marked").isPositive();
      assertThat(left).isZero();
      ChaosTally.of("postgres-target-failover-async", ha.servers, ha.load)
          .check(
              String.format(
                  "marked_but_missing=%d repaired_by_reconciliation=%d lag-at-crash=%dB"
                      + " promoted-after=%.1fs",
                  marked, found - left, lagBytes, promoted));
    }
  }

  /** Of {@code accounts}, those hub.target_state says billing applied (nothing pending). */
  private static long markedApplied(PostgresHa ha, List<String> accounts) {
    if (accounts.isEmpty()) {
      return 0;
    }
    return (long)
        Crm.row(
                ha.servers.owner("hub"),
                "SELECT count(*) AS n FROM hub.target_state WHERE target = 'billing'"
                    + " AND entity_key = ANY(?) AND applied_version IS NOT NULL"
                    + " AND pending_version IS NULL",
                (Object) accounts.toArray(new String[0]))
            .get("n");
  }

  private static long ours(List<Difference> differences, String prefix) {
    return differences.stream().filter(d -> d.key().startsWith(prefix)).count();
  }
}
