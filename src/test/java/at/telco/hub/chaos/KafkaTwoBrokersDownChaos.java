package at.telco.hub.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Three Kafka brokers (controllers apart), the canonical topics with replication factor 3 and
 * {@code min.insync.replicas=2}: under CRM change load the leader of the customer topic is killed
 * with SIGKILL, then, for {@code chaos.broker-down}, the new leader too. With one broker left only
 * one replica is in sync: the hub's sends ({@code acks=all}) are refused, so it must stop
 * publishing and keep the changes in the CRM, not lose them. Then both brokers start again. Prints
 * the seconds until the hub applied changes again after each step, and fails on anything lost or
 * applied twice, and on a CRM change marked processed while one broker was left.
 */
class KafkaTwoBrokersDownChaos {

  @Test
  void twoOfThreeBrokersKilledUnderLoad() throws Exception {
    Duration down = Duration.parse(System.getProperty("chaos.broker-down", "PT20S"));
    try (KafkaHa ha = KafkaHa.start("kafka-two-brokers-down", "ACC-X22")) {
      ha.startWriter();
      Thread.sleep(3000);
      int first = ha.customerLeader();
      int round = ha.roundsBegun();
      long killed = System.nanoTime();
      ha.cluster.kill(first);
      System.out.printf("chaos: SIGKILL Kafka broker %d (leader of %s)%n", first, ha.customerTopic);
      double afterFirst = ha.secondsUntilApplied(killed, round, Duration.ofMinutes(3));
      System.out.printf("chaos: applying again %.1f s after the first kill%n", afterFirst);
      Thread.sleep(5000);
      int second = ha.customerLeader();
      long killedSecond = System.nanoTime();
      ha.cluster.kill(second);
      System.out.printf(
          "chaos: SIGKILL Kafka broker %d too (the new leader) for %s: one broker left%n",
          second, down);
      Thread.sleep(3000); // sends acknowledged just before the kill are marked
      long processed = ha.load.processedChanges();
      long unprocessed = ha.load.unprocessed();
      Thread.sleep(Math.max(0, down.toMillis() - (System.nanoTime() - killedSecond) / 1_000_000));
      long processedWhileOne = ha.load.processedChanges() - processed;
      long waiting = ha.load.unprocessed();
      System.out.printf(
          "chaos: with one broker: %d CRM changes processed, %d waiting (from %d)%n",
          processedWhileOne, waiting, unprocessed);
      long appliedBefore = ha.load.applied();
      long restarted = System.nanoTime();
      ha.cluster.start(second);
      double afterSecond =
          ha.secondsUntilMoreApplied(restarted, appliedBefore, Duration.ofMinutes(3));
      System.out.printf(
          "chaos: broker %d started again, applying again %.1f s later%n", second, afterSecond);
      long restartedFirst = System.nanoTime();
      ha.cluster.start(first);
      double inSync = ha.secondsUntilAllInSync(restartedFirst, Duration.ofMinutes(2));
      System.out.printf(
          "chaos: broker %d started again, all replicas in sync %.1f s later%n", first, inSync);
      Thread.sleep(5000);
      ha.stopWriter();
      long drained = System.nanoTime();
      ha.awaitConverged();
      double drainedAfter = (System.nanoTime() - drained) / 1e9;
      assertThat(ha.hubAlive()).isTrue();
      assertThat(processedWhileOne)
          .as("CRM changes published while one replica was in sync")
          .isZero();
      assertThat(waiting).as("CRM changes waiting while one replica was in sync").isPositive();
      ChaosTally.of("kafka-two-brokers-down", ha.servers, ha.load)
          .check(
              String.format(
                  "applying-again-after-first-kill=%.1fs one-broker-for=%ds"
                      + " published-with-one-broker=%d applying-again-after-restart=%.1fs"
                      + " back-in-sync=%.1fs converged-after-load=%.1fs",
                  afterFirst,
                  down.toSeconds(),
                  processedWhileOne,
                  afterSecond,
                  inSync,
                  drainedAfter));
    }
  }
}
