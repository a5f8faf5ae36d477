package at.telco.hub.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.ChildHub;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A hub JVM killed with SIGKILL in the middle of 2,000 changes (the servers run on outside it)
 * loses none and applies none twice after it is started again.
 */
class HubCrashIT {

  @Test
  void aHubKilledMidwayLosesNothingAndAppliesNothingTwice() throws Exception {
    TestServers servers = TestServers.get();
    SharedHub.stop();
    Properties p = servers.hubProperties();
    int port = Integer.parseInt(p.getProperty("camel.management.port"));
    ChangeLoad load = new ChangeLoad(servers, "ACC-T06", 200);
    long killedAfter;
    try (ChildHub doomed = ChildHub.start("crash-1", p)) {
      await().atMost(Duration.ofSeconds(90)).until(() -> Http.ready(port));
      load.createAccounts();
      long createChanges = 600; // account, contact, address per account
      Thread writer =
          new Thread(
              () -> {
                for (int r = 0; r < 10; r++) {
                  load.round();
                }
              });
      writer.start();
      // kill it in the middle of the 2,000 updates
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> load.processedChanges() >= createChanges + 800);
      doomed.kill();
      killedAfter = load.processedChanges();
      writer.join();
    }
    assertThat(load.changes()).isEqualTo(2000);
    assertThat(killedAfter).as("killed in the middle").isLessThan(2600);

    try (ChildHub restarted = ChildHub.start("crash-2", p)) {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> load.unprocessed() == 0 && load.lost().isEmpty());
      System.out.println(
          load.figures("hub killed with SIGKILL after " + killedAfter + " of 2600 changes"));
      assertThat(load.lost()).isEmpty();
      assertThat(load.duplicates()).isZero();
      assertThat(load.deadLettered()).isZero();
      assertThat(restarted.isAlive()).isTrue();
    }
  }
}
