package at.telco.hub.chaos;

import at.telco.hub.testing.PostgresPair;
import org.junit.jupiter.api.Test;

/**
 * The hub's own database on a PostgreSQL primary with a synchronous streaming standby: under CRM
 * change load the primary crashes (SIGKILL of the postmaster and every backend), the standby is
 * promoted ({@code pg_ctl promote}), and the hub, which has the multi-host URL with {@code
 * targetServerType=primary}, carries on on the new primary. Prints how long the hub took to apply
 * changes again, and fails on anything lost or applied twice.
 */
class PostgresHubFailoverChaos {

  @Test
  void hubDatabasePrimaryCrashesUnderLoad() throws Exception {
    try (PostgresHa ha =
        PostgresHa.start(
            "postgres-hub-failover",
            "ACC-X31",
            PostgresHa.Moved.HUB_DATABASE,
            PostgresPair.Replication.SYNCHRONOUS)) {
      PostgresFailover.Figures f = PostgresFailover.run(ha);
      ChaosTally.of("postgres-hub-failover", ha.servers, ha.load).check(f.toString());
    }
  }
}
