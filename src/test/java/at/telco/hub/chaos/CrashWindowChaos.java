package at.telco.hub.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;

/**
 * The two windows where a crash hurts most. (1) After the target committed but before the Kafka
 * offsets are committed: the step between the two fails (forced into the routes; the only fake
 * here), which leaves the offsets exactly as a crash there would - the batch is delivered again and
 * the version check must absorb it. (2) After the hub's idempotency record (billing's pending mark
 * in hub.target_state) but before billing's commit: billing fails the commit as a server that shuts
 * down would (SQLSTATE 57P01, from a deferred trigger in billing) - the orphaned mark must not make
 * the hub skip the change (half of billing's transactions for these accounts, at random, never more
 * than two in a row).
 */
class CrashWindowChaos {

  @Test
  void crashAfterTheTargetCommitBeforeTheOffsetCommit() throws Exception {
    TestServers servers = TestServers.get();
    SharedHub.stop(); // this hub polls the CRM alone
    AtomicInteger batches = new AtomicInteger();
    AtomicInteger faults = new AtomicInteger();
    try (HubInstance hub = HubInstance.start(servers.hubProperties())) {
      CamelContext context = hub.context();
      for (String route : new String[] {"sink-customerdb", "sink-billing"}) {
        AdviceWith.adviceWith(
            context,
            route,
            a ->
                a.weaveByToString(".*kafkaBatches method:commit.*")
                    .before()
                    .process(
                        e -> {
                          // every third batch, at most 12 times
                          if (batches.incrementAndGet() % 3 == 0 && faults.get() < 12) {
                            faults.incrementAndGet();
                            throw new IllegalStateException(
                                "forced crash between the target commit and the offset commit");
                          }
                        }));
        if (!context.getRouteController().getRouteStatus(route).isStarted()) {
          context.getRouteController().startRoute(route);
        }
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(hub.managementPort()));
      ChangeLoad load = new ChangeLoad(servers, "ACC-X06", 100);
      load.createAccounts();
      for (int r = 0; r < 5; r++) {
        load.round();
        Thread.sleep(500);
      }
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> load.unprocessed() == 0 && load.lost().isEmpty());
      ChaosTally.of("crash-after-target-commit-before-offset-commit", servers, load).check();
      assertThat(faults.get()).as("batches whose offsets were not committed").isPositive();
      System.out.println(
          "chaos: " + faults.get() + " of " + batches.get() + " batches failed after their commit");
    }
  }

  @Test
  void crashAfterTheIdempotencyRecordBeforeTheBusinessCommit() throws Exception {
    TestServers servers = TestServers.get();
    servers.execute(
        "billing",
        "CREATE SEQUENCE public.x07_writes",
        "CREATE SEQUENCE public.x07_streak",
        """
        CREATE FUNCTION public.x07_shutdown() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER AS $$
        DECLARE
          fail text := current_setting('x07.fail', true);
          streak bigint;
        BEGIN
          IF NEW.crm_account_id LIKE 'ACC-X07-%' THEN
            -- decided once per transaction, at random: half of them fail at their commit, but
            -- never more than two in a row (the streak is a sequence: a failed transaction does
            -- not roll it back). Unbounded, a batch failing many times running waited out the
            -- retry's back-off (doubling to 30 s) again and again, and the scenario took minutes
            IF fail IS NULL OR fail = '' THEN
              SELECT CASE WHEN is_called THEN last_value ELSE 0 END INTO streak
                FROM public.x07_streak;
              fail := CASE WHEN streak < 2 AND random() < 0.5 THEN 'yes' ELSE 'no' END;
              IF fail = 'yes' THEN
                PERFORM nextval('public.x07_streak');
              ELSE
                PERFORM setval('public.x07_streak', 1, false);
              END IF;
              PERFORM set_config('x07.fail', fail, true);
            END IF;
            IF fail = 'yes' THEN
              PERFORM nextval('public.x07_writes');
              RAISE EXCEPTION 'terminating connection due to administrator command'
                USING ERRCODE = '57P01';
            END IF;
          END IF;
          RETURN NEW;
        END $$""",
        "CREATE CONSTRAINT TRIGGER x07_shutdown AFTER INSERT OR UPDATE ON billing.customer"
            + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.x07_shutdown()");
    try {
      SharedHub.get();
      ChangeLoad load = new ChangeLoad(servers, "ACC-X07", 50);
      load.createAccounts();
      for (int r = 0; r < 4; r++) {
        load.round();
        Thread.sleep(500);
      }
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> load.unprocessed() == 0 && load.lost().isEmpty());
      long failedCommits =
          (long)
              Crm.row(
                      servers.owner("billing"),
                      "SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n"
                          + " FROM public.x07_writes")
                  .get("n");
      ChaosTally.of("crash-after-idempotency-record-before-business-commit", servers, load).check();
      System.out.println(
          "chaos: billing refused " + failedCommits + " commits with SQLSTATE 57P01");
      assertThat(failedCommits).isPositive();
    } finally {
      servers.execute(
          "billing",
          "DROP TRIGGER x07_shutdown ON billing.customer",
          "DROP FUNCTION public.x07_shutdown()",
          "DROP SEQUENCE public.x07_writes",
          "DROP SEQUENCE public.x07_streak");
    }
  }
}
