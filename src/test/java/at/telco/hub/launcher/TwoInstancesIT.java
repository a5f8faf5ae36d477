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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Two hub instances polling the same change_log apply every change exactly once between them. */
class TwoInstancesIT {

  static double claimed(int managementPort) {
    String metrics = Http.get("http://127.0.0.1:" + managementPort + "/observe/metrics").body();
    Matcher m =
        Pattern.compile("(?m)^hub_source_changes_total\\{[^}]*\\} ([0-9.E]+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void everyChangeIsAppliedExactlyOnce() throws Exception {
    TestServers servers = TestServers.get();
    SharedHub.stop();
    Properties a = servers.hubProperties();
    Properties b = servers.hubProperties();
    // small claims, so neither instance can take everything in one poll
    a.setProperty("hub.crm.poll.batch-size", "25");
    b.setProperty("hub.crm.poll.batch-size", "25");
    try (ChildHub first = ChildHub.start("two-a", a);
        ChildHub second = ChildHub.start("two-b", b)) {
      int portA = Integer.parseInt(a.getProperty("camel.management.port"));
      int portB = Integer.parseInt(b.getProperty("camel.management.port"));
      await().atMost(Duration.ofSeconds(90)).until(() -> Http.ready(portA) && Http.ready(portB));

      ChangeLoad load = new ChangeLoad(servers, "ACC-T05", 150);
      load.createAccounts();
      for (int r = 0; r < 4; r++) {
        load.round();
      }
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> load.unprocessed() == 0 && load.lost().isEmpty());

      System.out.println(load.figures("two instances"));
      assertThat(load.lost()).isEmpty();
      assertThat(load.duplicates()).isZero();
      assertThat(load.deadLettered()).isZero();
      // both instances really polled the change log
      double byA = claimed(portA);
      double byB = claimed(portB);
      System.out.printf("claimed by instance A: %.0f, by instance B: %.0f%n", byA, byB);
      assertThat(byA).as("changes claimed by instance A\n" + first.log()).isPositive();
      assertThat(byB).as("changes claimed by instance B\n" + second.log()).isPositive();
      assertThat(byA + byB).isEqualTo((double) load.changes() + 450);
    }
  }
}
