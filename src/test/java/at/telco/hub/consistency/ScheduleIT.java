package at.telco.hub.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.ChildHub;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.TestServers;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation schedule with two hub instances (two JVMs, the built jar) on Quartz's
 * clustered JDBC job store: each firing runs on one instance, runs never overlap.
 */
class ScheduleIT {

  @Test
  void eachFiringRunsOnceAcrossTwoInstances() throws Exception {
    TestServers servers = TestServers.get();
    DataSource hub = servers.owner("hub");
    Properties a = servers.hubProperties();
    Properties b = servers.hubProperties();
    for (Properties p : List.of(a, b)) {
      p.setProperty("hub.schedule.clustered", "true");
      p.setProperty("hub.reconciliation.schedule.enabled", "true");
      // every 10 s: far longer than a run, even the first in a cold JVM (4.4 s seen), so a firing
      // is never held back behind a run and caught up just after it, close to the next one
      p.setProperty("hub.reconciliation.cron", "0/10 * * * * ?");
      p.setProperty("hub.reconciliation.repair.enabled", "false");
      p.setProperty("hub.reconciliation.settle", "PT0S");
    }
    a.setProperty("hub.instance.id", "sched-a");
    b.setProperty("hub.instance.id", "sched-b");
    Instant from;
    Instant to;
    try (ChildHub first = ChildHub.start("sched-a", a);
        ChildHub second = ChildHub.start("sched-b", b)) {
      int portA = Integer.parseInt(a.getProperty("camel.management.port"));
      int portB = Integer.parseInt(b.getProperty("camel.management.port"));
      await()
          .atMost(Duration.ofSeconds(90))
          .failFast("an instance died", () -> !first.isAlive() || !second.isAlive())
          .until(() -> Http.ready(portA) && Http.ready(portB));
      from = Instant.now();
      Instant since = from;
      // runs never overlap, so how many fit in a time depends on how long one takes on this machine
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  Crm.rows(
                              hub,
                              "SELECT 1 FROM hub.reconciliation_run WHERE trigger = 'schedule'"
                                  + " AND started_at >= ? AND finished_at IS NOT NULL",
                              Timestamp.from(since))
                          .size()
                      >= 3);
      to = Instant.now();
      assertThat(
              Crm.rows(
                  hub,
                  "SELECT instance_name FROM hub.qrtz_scheduler_state WHERE sched_name LIKE 'telco-hub%'"))
          .as("both instances in the cluster\n" + first.log() + second.log())
          .hasSizeGreaterThanOrEqualTo(2);
    }
    List<Map<String, Object>> runs =
        Crm.rows(
            hub,
            "SELECT requested_by, started_at, finished_at, status FROM hub.reconciliation_run"
                + " WHERE trigger = 'schedule' AND started_at BETWEEN ? AND ? ORDER BY started_at",
            Timestamp.from(from),
            Timestamp.from(to));
    System.out.println("scheduled runs: " + runs);
    assertThat(runs).hasSizeGreaterThanOrEqualTo(3);
    Set<String> by = new TreeSet<>();
    for (int i = 0; i < runs.size(); i++) {
      by.add((String) runs.get(i).get("requested_by"));
      if (i > 0) {
        Instant prevEnd = ((Timestamp) runs.get(i - 1).get("finished_at")).toInstant();
        Instant start = ((Timestamp) runs.get(i).get("started_at")).toInstant();
        assertThat(start).as("runs never overlap").isAfterOrEqualTo(prevEnd);
        // one run per firing: two instances firing the same trigger would start together
        assertThat(
                Duration.between(
                    ((Timestamp) runs.get(i - 1).get("started_at")).toInstant(), start))
            .isGreaterThan(Duration.ofMillis(1000));
      }
    }
    assertThat(by).isSubsetOf("schedule@sched-a", "schedule@sched-b");
    // the schedule stays for the next start; remove it so the shared hub is not affected
    servers.execute(
        "hub",
        "DELETE FROM hub.qrtz_cron_triggers",
        "DELETE FROM hub.qrtz_fired_triggers",
        "DELETE FROM hub.qrtz_triggers",
        "DELETE FROM hub.qrtz_job_details",
        "DELETE FROM hub.qrtz_scheduler_state");
  }
}
