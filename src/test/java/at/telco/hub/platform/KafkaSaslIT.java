package at.telco.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import at.telco.hub.config.Settings;
import at.telco.hub.embedded.EmbeddedKafkaBroker;
import at.telco.hub.testing.CapturedLogs;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.Isolated;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka with SASL: a KRaft broker of this test whose only client listener is SASL_PLAINTEXT with
 * PLAIN users. The hub's Kafka client settings ({@link KafkaClients}, built from {@code
 * hub.kafka.*} with the password from a file) create topics, produce and consume through it; a
 * wrong password is refused; and the whole hub runs the customer flow through it (CRM change,
 * canonical topic, customerdb and billing) without its secrets in the log.
 */
class KafkaSaslIT {

  static TestServers servers;
  static EmbeddedKafkaBroker kafka;
  static String hubPassword;
  static Path passwordFile;

  @BeforeAll
  static void saslBroker() throws Exception {
    servers = TestServers.get();
    Path dir = Files.createTempDirectory(servers.directory(), "kafka-sasl-");
    hubPassword = "hub-" + UUID.randomUUID();
    String brokerPassword = "broker-" + UUID.randomUUID();
    passwordFile = dir.resolve("kafka-password");
    Files.writeString(passwordFile, hubPassword + "\n");
    kafka =
        EmbeddedKafkaBroker.start(
            dir.resolve("kafka"),
            TestServers.freePort(),
            TestServers.freePort(),
            3,
            "SASL_PLAINTEXT",
            Map.of(
                "sasl.enabled.mechanisms", "PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"broker\" password=\""
                        + brokerPassword
                        + "\" user_broker=\""
                        + brokerPassword
                        + "\" user_hub=\""
                        + hubPassword
                        + "\";"));
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** The hub's settings for this broker: SASL_PLAINTEXT, PLAIN, user hub, password from a file. */
  static Map<String, String> saslSettings(Path password) {
    Map<String, String> s = new HashMap<>();
    s.put("hub.kafka.brokers", kafka.bootstrapServers());
    s.put("hub.kafka.security-protocol", "SASL_PLAINTEXT");
    s.put("hub.kafka.sasl-mechanism", "PLAIN");
    s.put("hub.kafka.username", "hub");
    s.put("hub.kafka.password-file", password.toString());
    return s;
  }

  static KafkaClients clients(Map<String, String> settings) {
    return KafkaClients.of(new Settings(k -> Optional.ofNullable(settings.get(k))));
  }

  @Test
  void theHubsClientsCreateTopicsProduceAndConsumeWithTheRightPassword() throws Exception {
    KafkaClients clients = clients(saslSettings(passwordFile));
    String topic = "s02.sasl." + UUID.randomUUID();
    try (Admin admin = Admin.create(clients.asProperties())) {
      KafkaTopics.ensure(admin, List.of(topic), 3, (short) 1, 1);
      // created topics reach the broker's metadata a moment after the creation is acknowledged
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic));
    }
    Map<String, Object> producerConfig = clients.properties();
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
      producer.send(new ProducerRecord<>(topic, "k1", "{\"s02\":1}")).get(30, TimeUnit.SECONDS);
    }
    Map<String, Object> consumerConfig = clients.properties();
    consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "s02-" + UUID.randomUUID());
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
      consumer.subscribe(List.of(topic));
      List<String> read = new java.util.ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                  read.add(r.key() + "=" + r.value());
                }
                return !read.isEmpty();
              });
      assertThat(read).containsExactly("k1={\"s02\":1}");
    }
  }

  @Test
  void aWrongPasswordIsRefused() throws Exception {
    Path wrong = Files.createTempFile(servers.directory(), "kafka-wrong-", ".secret");
    Files.writeString(wrong, "not-" + hubPassword);
    KafkaClients clients = clients(saslSettings(wrong));
    try (Admin admin = Admin.create(clients.asProperties())) {
      assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(SaslAuthenticationException.class);
    }
    Map<String, Object> producerConfig = clients.properties();
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>("s02.refused", "k", "v"))
                      .get(30, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(SaslAuthenticationException.class);
    }
    // and the right one still works (the refusal is the password's, not the broker's)
    try (Admin admin = Admin.create(clients(saslSettings(passwordFile)).asProperties())) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).isNotNull();
    }
  }

  @Test
  void theHubRunsTheCustomerFlowThroughTheSaslBrokerWithoutLoggingItsSecret() throws Exception {
    Properties p = servers.hubProperties();
    saslSettings(passwordFile).forEach(p::setProperty);
    // the broker of this test has its own topics and groups; the network's topics are made here
    Isolated.topicsAndGroups(p, "s02");
    SharedHub.stop(); // this hub alone takes the CRM changes
    CapturedLogs logs = CapturedLogs.install();
    Crm crm = new Crm(servers);
    String a = "ACC-S02-0001";
    try (HubInstance hub = HubInstance.start(p)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(hub.managementPort()));
      crm.person(a, "Sasl", "Kunde", "ACTIVE");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Crm.row(
                              servers.owner("customerdb"),
                              "SELECT * FROM customerdb.customer WHERE crm_account_id = ?",
                              a)
                          != null
                      && Crm.row(
                              servers.owner("billing"),
                              "SELECT * FROM billing.customer WHERE crm_account_id = ?",
                              a)
                          != null);
      // the canonical event is on the SASL broker's customer topic
      Map<String, Object> consumerConfig = clients(saslSettings(passwordFile)).properties();
      consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "s02-check-" + UUID.randomUUID());
      consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
        consumer.subscribe(List.of(p.getProperty("hub.kafka.topic.customer")));
        List<String> values = new java.util.ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
                  return values.stream().anyMatch(v -> v.contains(a));
                });
      }
    } finally {
      logs.uninstall();
    }
    String log = logs.text();
    assertThat(log).contains("SASL_PLAINTEXT"); // the clients' settings were logged, masked
    assertThat(log).doesNotContain(hubPassword).doesNotContain("password=\"");
  }
}
