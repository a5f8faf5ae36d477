package at.telco.hub.chaos;

import static org.awaitility.Awaitility.await;

import at.telco.hub.embedded.EmbeddedArtemisBroker;
import at.telco.hub.embedded.EmbeddedKafkaBroker;
import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The Kafka broker, and then the Artemis broker, stopped and started again (same data directory,
 * same port) while CRM changes keep coming. The brokers are the scenario's own, so the shared ones
 * of the other tests are not disturbed. Afterwards every target holds every account's last state,
 * nothing written twice.
 */
class BrokerRestartChaos {

  @Test
  void kafkaAndArtemisStoppedAndRestartedUnderLoad() throws Exception {
    Duration down = Duration.parse(System.getProperty("chaos.broker-down", "PT20S"));
    TestServers servers = TestServers.get();
    SharedHub.stop(); // this hub polls the CRM alone
    Path dir = Files.createTempDirectory(servers.directory(), "brokers-");
    int kafkaPort = TestServers.freePort();
    int controllerPort = TestServers.freePort();
    int artemisPort = TestServers.freePort();
    List<String> networkTopics =
        List.of("x04.network.inventory", "x04.network.commands", "x04.network.results");
    EmbeddedKafkaBroker kafka =
        EmbeddedKafkaBroker.start(dir.resolve("kafka"), kafkaPort, controllerPort, 3);
    kafka.createTopics(networkTopics, 3);
    EmbeddedArtemisBroker artemis =
        EmbeddedArtemisBroker.start(dir.resolve("artemis"), artemisPort, servers.artemisUsers());
    Properties p = servers.hubProperties();
    p.setProperty("hub.kafka.brokers", kafka.bootstrapServers());
    p.setProperty("hub.artemis.url", artemis.url());
    p.setProperty("hub.network.topic.inventory", networkTopics.get(0));
    p.setProperty("hub.network.topic.commands", networkTopics.get(1));
    p.setProperty("hub.network.topic.results", networkTopics.get(2));
    ChangeLoad load = new ChangeLoad(servers, "ACC-X04", 100);
    try (HubInstance hub = HubInstance.start(p)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(hub.managementPort()));
      load.createAccounts();
      AtomicBoolean done = new AtomicBoolean();
      Thread writer = DatabaseOutageChaos.writer(load, done, Duration.ofSeconds(2));
      try {
        Thread.sleep(3000);
        kafka.close();
        System.out.println("chaos: Kafka stopped for " + down);
        Thread.sleep(down.toMillis());
        kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"), kafkaPort, controllerPort, 3);
        System.out.println("chaos: Kafka started again");
        Thread.sleep(5000);
        artemis.close();
        System.out.println("chaos: Artemis stopped for " + down);
        Thread.sleep(down.toMillis());
        artemis =
            EmbeddedArtemisBroker.start(
                dir.resolve("artemis"), artemisPort, servers.artemisUsers());
        System.out.println("chaos: Artemis started again");
        Thread.sleep(3000);
      } finally {
        done.set(true);
        writer.join();
      }
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> load.unprocessed() == 0 && load.lost().isEmpty());
      ChaosTally.of("kafka-and-artemis-restart-" + down.toSeconds() + "s", servers, load).check();
      await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(hub.managementPort()));
    } finally {
      kafka.close();
      artemis.close();
    }
  }
}
