package at.telco.hub.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Three Kafka brokers (controllers apart), the canonical topics with replication factor 3 and
 * {@code min.insync.replicas=2}: under CRM change load the broker leading every partition of the
 * customer topic is killed with SIGKILL (a crash: no controlled shutdown hands leadership over),
 * the hub runs on two brokers for a while, then the broker starts again and rejoins. Prints how
 * long the hub took to apply changes again, and fails on anything lost or applied twice.
 */
class KafkaLeaderKilledChaos {

  @Test
  void leaderOfTheCustomerTopicKilledUnderLoad() throws Exception {
    try (KafkaHa ha = KafkaHa.start("kafka-leader-killed", "ACC-X21")) {
      ha.startWriter();
      Thread.sleep(3000);
      // what a change takes here without a failure (a round begun after this moment, applied)
      double normal =
          ha.secondsUntilApplied(System.nanoTime(), ha.roundsBegun(), Duration.ofSeconds(60));
      int leader = ha.customerLeader();
      int round = ha.roundsBegun();
      long killed = System.nanoTime();
      ha.cluster.kill(leader);
      System.out.printf(
          "chaos: SIGKILL Kafka broker %d, leader of every partition of %s%n",
          leader, ha.customerTopic);
      double applying = ha.secondsUntilApplied(killed, round, Duration.ofMinutes(3));
      int newLeader = ha.customerLeader();
      System.out.printf(
          "chaos: applying again %.1f s after the kill; new leader broker %d, %s%n",
          applying, newLeader, ha.cluster.partitions(ha.customerTopic));
      assertThat(newLeader).isNotEqualTo(leader);
      Thread.sleep(10_000); // on two brokers
      long restarted = System.nanoTime();
      ha.cluster.start(leader);
      double inSync = ha.secondsUntilAllInSync(restarted, Duration.ofMinutes(2));
      System.out.printf("chaos: broker %d back in sync %.1f s after its restart%n", leader, inSync);
      Thread.sleep(5000);
      ha.stopWriter();
      ha.awaitConverged();
      assertThat(ha.hubAlive()).isTrue();
      ChaosTally.of("kafka-leader-killed", ha.servers, ha.load)
          .check(
              String.format(
                  "applying-again-after-kill=%.1fs normal-delay=%.1fs back-in-sync-after-restart=%.1fs",
                  applying, normal, inSync));
    }
  }
}
