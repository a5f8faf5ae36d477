package at.telco.hub.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.ChildHub;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Two hub instances (the built jar, two JVMs with a bounded heap) share the work on the test
 * servers - the CRM change log (claims are row locks in an open transaction), the Kafka consumer
 * groups, and the reconciliation schedule on Quartz's clustered JDBC job store ({@code
 * hub.schedule.clustered=true}, a firing every 2 s). Under CRM change load (a round of 100 accounts
 * each second) the instance that ran the latest scheduled reconciliation is killed with SIGKILL.
 * Its claims are released when PostgreSQL sees its connections close, its partitions move to the
 * survivor after the consumers' session timeout (10 s in the tests), and its Quartz triggers are
 * recovered by the survivor once its check-in is overdue. Prints the seconds until the survivor
 * applied a change the CRM made after the kill, until the survivor's consumers own every partition
 * the two shared, and until a scheduled reconciliation started on the survivor; fails on anything
 * lost or applied twice.
 */
class HubInstanceKilledChaos {

  static final int ACCOUNTS = 100;
  static final String PREFIX = "ACC-X23";

  private static final List<String> INSTANCES = List.of("lost-a", "lost-b");

  @Test
  void oneOfTwoInstancesKilledUnderLoad() throws Exception {
    TestServers servers = TestServers.get();
    SharedHub.stop(); // the two child hubs share the CRM alone
    DataSource hub = servers.owner("hub");
    Properties[] props = new Properties[2];
    for (int i = 0; i < 2; i++) {
      Properties p = servers.hubProperties();
      p.setProperty("hub.instance.id", INSTANCES.get(i));
      p.setProperty("hub.schedule.clustered", "true");
      p.setProperty("hub.reconciliation.schedule.enabled", "true");
      p.setProperty("hub.reconciliation.cron", "0/2 * * * * ?");
      p.setProperty("hub.reconciliation.repair.enabled", "false");
      p.setProperty("hub.reconciliation.settle", "PT0S");
      p.setProperty("hub.reconciliation.parallelism", "1");
      props[i] = p;
    }
    int[] ports = {port(props[0]), port(props[1])};
    ChangeLoad load = new ChangeLoad(servers, PREFIX, ACCOUNTS);
    AtomicBoolean done = new AtomicBoolean();
    Thread writer = null;
    ChildHub[] hubs = new ChildHub[2];
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                props[0].getProperty("hub.kafka.brokers")))) {
      List<String> heap = List.of("-Xmx384m", "-XX:+UseSerialGC");
      hubs[0] = ChildHub.start(INSTANCES.get(0), props[0], Map.of(), heap);
      hubs[1] = ChildHub.start(INSTANCES.get(1), props[1], Map.of(), heap);
      ChildHub[] started = hubs;
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .failFast("an instance died", () -> !started[0].isAlive() || !started[1].isAlive())
          .until(() -> Http.ready(ports[0]) && Http.ready(ports[1]));
      Instant bothReady = Instant.now();
      load.createAccounts();
      DatabaseOutageChaos.awaitConverged(load, Duration.ofMinutes(2));
      writer = DatabaseOutageChaos.writer(load, done, Duration.ofSeconds(1));

      // both instances at work: each claimed CRM changes, each is a member of the consumer groups
      // the CRM changes go through, a scheduled reconciliation ran
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> claimed(ports[0]) > 0 && claimed(ports[1]) > 0);
      String customerdbGroup =
          props[0].getProperty("hub.target.customerdb.group", "hub-customerdb");
      String billingGroup = props[0].getProperty("hub.target.billing.group", "hub-billing");
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () ->
                  describe(admin, List.of(customerdbGroup, billingGroup)).values().stream()
                      .allMatch(
                          g ->
                              g.members().size() == 2
                                  && g.members().stream()
                                      .noneMatch(m -> m.assignment().topicPartitions().isEmpty())));
      // every group both instances are members of, and the partitions the two own between them
      Map<String, Set<TopicPartition>> shared = new TreeMap<>();
      for (ConsumerGroupDescription g : describe(admin, groups(admin)).values()) {
        if (g.members().size() >= 2) {
          Set<TopicPartition> owned = new HashSet<>();
          g.members().forEach(m -> owned.addAll(m.assignment().topicPartitions()));
          shared.put(g.groupId(), owned);
        }
      }
      assertThat(shared).containsKeys(customerdbGroup, billingGroup);
      Map<String, Object> lastRun =
          await()
              .atMost(Duration.ofMinutes(1))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> lastScheduledRun(hub, bothReady), r -> r != null);
      String victimName = ((String) lastRun.get("requested_by")).substring("schedule@".length());
      int victim = INSTANCES.indexOf(victimName);
      int survivor = 1 - victim;
      String survivorName = INSTANCES.get(survivor);
      System.out.printf(
          "chaos: two instances; claimed by %s %.0f, by %s %.0f; groups shared: %s; scheduled"
              + " runs by %s%n",
          INSTANCES.get(0),
          claimed(ports[0]),
          INSTANCES.get(1),
          claimed(ports[1]),
          shared,
          runsBy(hub, bothReady));

      Thread.sleep(3000);
      // what a change takes here with both instances (a round begun after this moment, applied)
      double normal =
          load.secondsUntilApplied(
              servers, System.nanoTime(), load.roundsBegun(), Duration.ofMinutes(1));
      int round = load.roundsBegun();
      long unprocessedBefore = load.unprocessed();
      long killed = System.nanoTime();
      Instant killedAt = Instant.now();
      hubs[victim].kill();
      System.out.printf(
          "chaos: SIGKILL %s (pid %d, ran the latest scheduled reconciliation), %d CRM changes"
              + " unprocessed at the kill%n",
          victimName, hubs[victim].pid(), unprocessedBefore);

      // the take-overs, watched together (each timed when its check saw it)
      Double applying = null;
      Double allApplying = null;
      Double partitions = null;
      Double quartz = null;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while ((allApplying == null || partitions == null || quartz == null)
          && System.nanoTime() < deadline) {
        if (applying == null && load.appliedRound(servers) > round) {
          applying = secondsSince(killed);
        }
        if (allApplying == null && everyAccountApplied(servers, load) > round) {
          allApplying = secondsSince(killed);
        }
        if (partitions == null && survivorOwnsAll(admin, shared)) {
          partitions = secondsSince(killed);
        }
        if (quartz == null && scheduledRunSince(hub, survivorName, killedAt)) {
          quartz = secondsSince(killed);
        }
        assertThat(hubs[survivor].isAlive()).as("the survivor runs").isTrue();
        Thread.sleep(100);
      }
      System.out.printf(
          "chaos: %s applying again %s s after the kill (every account %s s), owns every"
              + " partition after %s s, ran a scheduled reconciliation after %s s%n",
          survivorName, applying, allApplying, partitions, quartz);
      assertThat(applying).as("the survivor applied a change made after the kill").isNotNull();
      assertThat(allApplying)
          .as("the survivor applied a change made after the kill for every account")
          .isNotNull();
      assertThat(partitions).as("the survivor owns every partition").isNotNull();
      assertThat(quartz).as("a scheduled reconciliation ran on the survivor").isNotNull();
      Thread.sleep(5000); // the survivor alone under load
      done.set(true);
      writer.join();
      DatabaseOutageChaos.awaitConverged(load, Duration.ofMinutes(4));
      assertThat(hubs[survivor].isAlive()).isTrue();
      ChaosTally.of("hub-instance-killed", servers, load)
          .check(
              String.format(
                  "applying-again-after-kill=%.1fs every-account-applied-after-kill=%.1fs"
                      + " partitions-moved-after-kill=%.1fs"
                      + " quartz-fired-on-survivor-after-kill=%.1fs normal-delay=%.1fs",
                  applying, allApplying, partitions, quartz, normal));
    } finally {
      done.set(true);
      if (writer != null) {
        writer.join();
      }
      // every child ends here, also when the scenario failed (close: a stop, SIGKILL after 45 s)
      for (ChildHub h : hubs) {
        if (h != null) {
          h.close();
        }
      }
      // the clustered schedule stays for the next start, and the killed instance's run stays
      // RUNNING: remove both so that the shared hub is not affected
      servers.execute(
          "hub",
          "DELETE FROM hub.qrtz_cron_triggers",
          "DELETE FROM hub.qrtz_fired_triggers",
          "DELETE FROM hub.qrtz_triggers",
          "DELETE FROM hub.qrtz_job_details",
          "DELETE FROM hub.qrtz_scheduler_state",
          "UPDATE hub.reconciliation_run SET status = 'FAILED', error = 'instance killed by"
              + " HubInstanceKilledChaos', finished_at = now() WHERE status = 'RUNNING'"
              + " AND requested_by LIKE 'schedule@lost-%'");
    }
  }

  private static int port(Properties p) {
    return Integer.parseInt(p.getProperty("camel.management.port"));
  }

  /** CRM changes this instance claimed (its hub_source_changes_total). */
  static double claimed(int managementPort) {
    String metrics = Http.get("http://127.0.0.1:" + managementPort + "/observe/metrics").body();
    Matcher m =
        Pattern.compile(
                "(?m)^hub_source_changes_total\\{[^}]*source=\"crm\\.change_log\"[^}]*\\} ([0-9.E]+)$")
            .matcher(metrics);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  private static List<String> groups(Admin admin) throws Exception {
    return admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
        .map(ConsumerGroupListing::groupId)
        .toList();
  }

  private static Map<String, ConsumerGroupDescription> describe(Admin admin, List<String> groups)
      throws Exception {
    return admin.describeConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
  }

  /**
   * Every group the two instances shared has one member left (the survivor's: the killed instance's
   * member is gone once its session timed out) and it owns every partition the two owned.
   */
  private static boolean survivorOwnsAll(Admin admin, Map<String, Set<TopicPartition>> shared) {
    try {
      for (ConsumerGroupDescription g : describe(admin, List.copyOf(shared.keySet())).values()) {
        List<MemberDescription> members = List.copyOf(g.members());
        if (members.size() != 1
            || !members
                .get(0)
                .assignment()
                .topicPartitions()
                .containsAll(shared.get(g.groupId()))) {
          return false;
        }
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static Map<String, Object> lastScheduledRun(DataSource hub, Instant since) {
    return Crm.row(
        hub,
        "SELECT requested_by, started_at FROM hub.reconciliation_run WHERE trigger = 'schedule'"
            + " AND requested_by LIKE 'schedule@lost-%' AND started_at >= ?"
            + " ORDER BY started_at DESC LIMIT 1",
        Timestamp.from(since));
  }

  private static List<Map<String, Object>> runsBy(DataSource hub, Instant since) {
    return Crm.rows(
        hub,
        "SELECT requested_by, count(*) AS runs FROM hub.reconciliation_run WHERE trigger ="
            + " 'schedule' AND requested_by LIKE 'schedule@lost-%' AND started_at >= ?"
            + " GROUP BY requested_by ORDER BY requested_by",
        Timestamp.from(since));
  }

  private static boolean scheduledRunSince(DataSource hub, String instance, Instant since) {
    return Crm.row(
            hub,
            "SELECT 1 AS x FROM hub.reconciliation_run WHERE trigger = 'schedule'"
                + " AND requested_by = ? AND started_at >= ? LIMIT 1",
            "schedule@" + instance,
            Timestamp.from(since))
        != null;
  }

  /** The rounds the writer has begun (a round's changes are made after its number is counted). */
  /**
   * The newest round that every account holds in customerdb and in billing (the oldest account's
   * round): above the round begun at the kill once the survivor applies for every partition.
   */
  private static int everyAccountApplied(TestServers servers, ChangeLoad load) {
    long customerdb =
        ((Number)
                Crm.row(
                        servers.owner("customerdb"),
                        "SELECT coalesce(min(coalesce(substring(m.email from '\\.r([0-9]+)@')::int,"
                            + " 0)), 0) AS r FROM customerdb.customer c JOIN"
                            + " customerdb.contact_medium m USING (customer_id)"
                            + " WHERE c.crm_account_id LIKE ? AND m.medium_type = 'EMAIL'",
                        load.keyPattern())
                    .get("r"))
            .longValue();
    long billing =
        ((Number)
                Crm.row(
                        servers.owner("billing"),
                        "SELECT coalesce(min(coalesce(substring(email_invoice from"
                            + " '\\.r([0-9]+)@')::int, 0)), 0) AS r FROM billing.customer"
                            + " WHERE crm_account_id LIKE ?",
                        load.keyPattern())
                    .get("r"))
            .longValue();
    return (int) Math.min(customerdb, billing);
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }
}
