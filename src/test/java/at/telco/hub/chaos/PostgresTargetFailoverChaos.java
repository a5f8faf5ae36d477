package at.telco.hub.chaos;

import at.telco.hub.testing.PostgresPair;
import org.junit.jupiter.api.Test;

/**
 * A target database (billing, whose versions the hub keeps in {@code hub.target_state}) on a
 * PostgreSQL primary with a synchronous streaming standby: under CRM change load the primary
 * crashes (SIGKILL of the postmaster and every backend), the standby is promoted, and the hub
 * (multi-host URL, {@code targetServerType=primary}) carries on writing billing on the new primary.
 * Prints how long the hub took to apply changes again, and fails on anything lost or applied twice.
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
}
