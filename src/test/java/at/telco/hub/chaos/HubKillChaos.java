package at.telco.hub.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.ChildHub;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.time.Duration;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The hub (the built jar, its own JVM) killed with SIGKILL at random moments - while starting,
 * while claiming, while applying, between a target's commit and its offset commit - {@code
 * chaos.kills} times (20 under -Pchaos) while CRM changes keep coming, each time started again.
 * Afterwards every target holds every account's last state, and nothing was written twice.
 */
class HubKillChaos {

  @Test
  void hubKilledAtRandomMomentsAndRestarted() throws Exception {
    int kills = Integer.getInteger("chaos.kills", 5);
    long seed = Long.getLong("chaos.seed", System.nanoTime());
    Random random = new Random(seed);
    TestServers servers = TestServers.get();
    SharedHub.stop(); // the child hubs poll the CRM alone
    Properties p = servers.hubProperties();
    int port = Integer.parseInt(p.getProperty("camel.management.port"));
    ChangeLoad load = new ChangeLoad(servers, "ACC-X03", 100);
    load.createAccounts();
    AtomicBoolean done = new AtomicBoolean();
    Thread writer = DatabaseOutageChaos.writer(load, done, Duration.ofMillis(1500));
    StringBuilder moments = new StringBuilder();
    int killedWhileUp = 0;
    long readyMs;
    try {
      // how long a hub takes here until it is ready (machines differ, and so does their load)
      try (ChildHub first = ChildHub.start("kill-0", p)) {
        long started = System.nanoTime();
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> Http.ready(port));
        readyMs = (System.nanoTime() - started) / 1_000_000;
        first.kill();
      }
      System.out.printf("chaos: a hub is ready %d ms after its start here%n", readyMs);
      for (int i = 1; i <= kills; i++) {
        try (ChildHub doomed = ChildHub.start("kill-" + i, p)) {
          // a random moment of the hub's life: from 3 s after its start to 8 s after it was
          // ready, so some kills hit the start, the others work in flight
          long lifeMs = 3000 + random.nextInt((int) Math.max(readyMs, 3000) + 5000);
          Thread.sleep(lifeMs);
          boolean up = Http.ready(port);
          long before = load.processedChanges();
          doomed.kill();
          if (up) {
            killedWhileUp++;
          }
          moments.append(String.format(" %d:%.1fs%s", i, lifeMs / 1000.0, up ? "" : "(starting)"));
          System.out.printf(
              "chaos: SIGKILL %d/%d after %d ms (ready=%s, %d changes processed)%n",
              i, kills, lifeMs, up, before);
        }
      }
    } finally {
      done.set(true);
      writer.join();
    }
    System.out.println("chaos: kill moments (seed " + seed + "):" + moments);
    try (ChildHub last = ChildHub.start("kill-last", p)) {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> load.unprocessed() == 0 && load.lost().isEmpty());
      ChaosTally.of("hub-sigkill-x" + kills, servers, load).check();
      assertThat(killedWhileUp).as("kills that hit a hub at work").isPositive();
      assertThat(last.isAlive()).isTrue();
    }
  }
}
