package at.telco.hub.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.embedded.EmbeddedArtemisBroker;
import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.DeadLetterFactory;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestNetwork;
import at.telco.hub.testing.TestServers;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.ProducerTemplate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Artemis addresses full: the scenario's own broker has the product's address settings (policy PAGE
 * for every address and for PARK.#) but only {@code chaos.address-memory} bytes in memory per
 * address instead of 64 MB. The hub dead-letters far more billing changes than fit (DLQ.billing)
 * and parks far more inventory events for unknown billing accounts than fit
 * (PARK.network-inventory), while CRM changes keep flowing to the targets. Afterwards every dead
 * letter is on its queue and in the index, every parked event on the parking queue, both addresses
 * paged to disk, and the CRM changes behind them all applied: none dropped, none blocked.
 */
class ArtemisFullChaos {

  @Test
  void deadLettersAndParkedEventsPageWhenTheirAddressesAreFull() throws Exception {
    long memory = Long.getLong("chaos.address-memory", 64 * 1024);
    int deadLetters = Integer.getInteger("chaos.dead-letters", 2000);
    int parked = Integer.getInteger("chaos.parked", 2000);
    TestServers servers = TestServers.get();
    DeadLetterFactory.template(); // a real billing dead letter of the flow, on the shared hub
    SharedHub.stop(); // this hub polls the CRM alone
    Path dir = Files.createTempDirectory(servers.directory(), "artemis-full-");
    EmbeddedArtemisBroker artemis =
        EmbeddedArtemisBroker.start(
            dir.resolve("artemis"), TestServers.freePort(), memory, servers.artemisUsers());
    int artemisPort = Integer.parseInt(artemis.url().substring(artemis.url().lastIndexOf(':') + 1));
    Properties p = servers.hubProperties();
    String bootstrap = p.getProperty("hub.kafka.brokers");
    String inventoryTopic = "x10.network.inventory." + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(inventoryTopic, 3, (short) 1))).all().get();
    }
    p.setProperty("hub.artemis.url", artemis.url());
    p.setProperty("hub.network.topic.inventory", inventoryTopic);
    // the parked events stay parked for the scenario (no redelivery, no dead letter by age)
    p.setProperty("hub.parking.first-delay", "PT10M");
    p.setProperty("hub.parking.max-delay", "PT10M");
    p.setProperty("hub.parking.max-time", "PT1H");
    ChangeLoad load = new ChangeLoad(servers, "ACC-X10", 50);
    String dlPrefix = "ACC-X10D";
    String reason = "artemis full chaos: billing refused";
    long started = System.nanoTime();
    try (HubInstance hub = HubInstance.start(p)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(hub.managementPort()));
      load.createAccounts();
      AtomicBoolean done = new AtomicBoolean();
      Thread writer = DatabaseOutageChaos.writer(load, done, Duration.ofSeconds(2));
      try {
        Thread producer = new Thread(() -> park(bootstrap, inventoryTopic, parked), "chaos-park");
        producer.start();
        deadLetter(hub, dlPrefix, deadLetters, reason);
        producer.join();
        System.out.printf(
            "chaos: %d dead letters and %d inventory events to park sent in %.0f s%n",
            deadLetters, parked, (System.nanoTime() - started) / 1e9);
        Thread.sleep(4000); // the CRM keeps changing after the fill
      } finally {
        done.set(true);
        writer.join();
      }
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  messageCount(artemisPort, "PARK.network-inventory") >= parked
                      && load.unprocessed() == 0
                      && load.lost().isEmpty());

      List<String> lostKeys = new ArrayList<>();
      for (String account : load.lost()) {
        lostKeys.add(account);
      }
      long unprocessed = load.unprocessed();
      if (unprocessed > 0) {
        lostKeys.add(unprocessed + " unprocessed change rows");
      }
      // every dead letter in the index is on DLQ.billing, and every one the scenario made is in
      // the index
      Set<String> indexed = new HashSet<>();
      for (Map<String, Object> r :
          Crm.rows(
              servers.owner("hub"),
              "SELECT id::text AS id FROM hub.dead_letter WHERE crm_account_id LIKE ?",
              dlPrefix + "%")) {
        indexed.add((String) r.get("id"));
      }
      long onDlq = messageCount(artemisPort, "DLQ.billing");
      long onPark = messageCount(artemisPort, "PARK.network-inventory");
      List<String> paged = pagedAddresses(dir.resolve("artemis/paging"));
      // a browser sees only what is in memory: read every dead letter back off the queue instead
      Set<String> queued = drain(artemisPort, "DLQ.billing");
      for (String id : indexed) {
        if (!queued.contains(id)) {
          lostKeys.add("dead letter " + id + " indexed but not on DLQ.billing");
        }
      }
      if (indexed.size() < deadLetters) {
        lostKeys.add((deadLetters - indexed.size()) + " dead letters not indexed");
      }
      if (onDlq < deadLetters) {
        lostKeys.add((deadLetters - onDlq) + " dead letters not on DLQ.billing");
      }
      if (onPark < parked) {
        lostKeys.add((parked - onPark) + " inventory events not on PARK.network-inventory");
      }
      System.out.printf(
          "chaos: DLQ.billing holds %d (%d read back), PARK.network-inventory %d, the index %d;"
              + " paged: %s%n",
          onDlq, queued.size(), onPark, indexed.size(), paged);
      ChaosTally tally =
          ChaosTally.counted(
              "artemis-address-full-" + memory / 1024 + "kib",
              ChaosTally.sentChanges(servers, load.keyPattern()) + deadLetters + parked,
              load.applied(),
              load.duplicates(),
              lostKeys,
              ChaosTally.deadLetterReasons(servers, dlPrefix + "%"));
      tally.check(deadLetters);
      assertThat(onDlq).as("DLQ.billing holds exactly the dead letters").isEqualTo(deadLetters);
      assertThat(queued).as("every dead letter read back off DLQ.billing").hasSize(deadLetters);
      assertThat(onPark).as("every event parked once").isEqualTo(parked);
      assertThat(paged)
          .as("both addresses were full and paged to disk")
          .contains("DLQ.billing", "PARK.network-inventory");
      System.out.printf(
          "chaos: artemis address full took %.0f s%n", (System.nanoTime() - started) / 1e9);
    } finally {
      artemis.close();
      servers.execute(
          "hub", "DELETE FROM hub.dead_letter WHERE crm_account_id LIKE '" + dlPrefix + "%'");
    }
  }

  /** {@code count} billing dead letters through the hub's own dead-letter route, 4 in parallel. */
  static void deadLetter(HubInstance hub, String prefix, int count, String reason)
      throws Exception {
    ProducerTemplate producer = hub.context().createProducerTemplate();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = first; i < count; i += 4) {
                    DeadLetterFactory.deadLetter(
                        producer,
                        DeadLetterFactory.eventFor(String.format("%s%05d", prefix, i)),
                        reason);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get(); // a dead letter the hub could not store fails the scenario
      }
    } finally {
      pool.shutdown();
      producer.stop();
    }
  }

  /** {@code count} inventory events for billing accounts nobody knows: the hub parks each. */
  static void park(String bootstrap, String topic, int count) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    String run = UUID.randomUUID().toString().substring(0, 6);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String msisdn = String.format("+43664%07d", 8_000_000 + i);
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    msisdn,
                    TestNetwork.inventoryEvent(
                        UUID.randomUUID().toString(),
                        "SERVICE_ACTIVATED",
                        1,
                        "SRV-X10-" + run + "-" + i,
                        msisdn,
                        String.format("BA97%08d", i),
                        "ACTIVE",
                        ",\"networkElement\":\"MSC-VIE-01\",\"radio\":{\"rat\":\"5G\"}"))));
      }
      for (Future<?> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Takes every message off {@code queue} (paged ones too): their dead-letter ids. */
  static Set<String> drain(int port, String queue) throws Exception {
    Set<String> ids = new HashSet<>();
    ActiveMQConnectionFactory cf = Queues.admin(port);
    try (Connection c = cf.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        var consumer = s.createConsumer(s.createQueue(queue))) {
      c.start();
      for (Message m = consumer.receive(5000); m != null; m = consumer.receive(5000)) {
        ids.add(m.getStringProperty("hubDeadLetterId"));
      }
    } finally {
      cf.close();
    }
    return ids;
  }

  /** The messages of a queue, scheduled and paged ones included (the broker's management). */
  static long messageCount(int port, String queue) {
    ActiveMQConnectionFactory cf = Queues.admin(port);
    try (Connection c = cf.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      c.start();
      jakarta.jms.TemporaryQueue reply = s.createTemporaryQueue();
      try (var producer = s.createProducer(s.createQueue("activemq.management"));
          var consumer = s.createConsumer(reply)) {
        Message request = s.createMessage();
        JMSManagementHelper.putAttribute(request, ResourceNames.QUEUE + queue, "messageCount");
        request.setJMSReplyTo(reply);
        producer.send(request);
        Message answer = consumer.receive(10_000);
        if (answer == null || !JMSManagementHelper.hasOperationSucceeded(answer)) {
          return 0; // not created yet
        }
        return ((Number) JMSManagementHelper.getResult(answer)).longValue();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      cf.close();
    }
  }

  /** The addresses that have page files in the broker's paging directory. */
  static List<String> pagedAddresses(Path paging) throws Exception {
    List<String> addresses = new ArrayList<>();
    if (!Files.isDirectory(paging)) {
      return addresses;
    }
    try (Stream<Path> stores = Files.list(paging)) {
      for (Path store : stores.toList()) {
        Path address = store.resolve("address.txt");
        boolean pages;
        try (Stream<Path> files = Files.list(store)) {
          pages = files.anyMatch(f -> f.toString().endsWith(".page"));
        }
        if (pages && Files.exists(address)) {
          addresses.add(Files.readString(address).trim());
        }
      }
    }
    return addresses;
  }
}
