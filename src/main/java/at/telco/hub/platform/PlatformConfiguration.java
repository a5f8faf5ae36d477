package at.telco.hub.platform;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.LoggerFactory;

/**
 * What every flow stands on: the connection pools of the hub's database and of the three system
 * databases, the hub database's migrations, the Kafka clients (Camel's component and the hub's own
 * admin client) and the canonical topics, the pooled Artemis connection factory, and their
 * readiness checks.
 *
 * <p>Binds {@code hubDataSource}, {@code crmDataSource}, {@code billingDataSource}, {@code
 * customerDbDataSource}, {@code kafkaClients}, {@code kafkaAdmin}, {@code
 * artemisConnectionFactory}.
 */
public class PlatformConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    HikariDataSource hub = bind("hubDataSource", HubDatabase.pool(settings));
    HikariDataSource crm =
        bind("crmDataSource", DataSources.create(settings, HubSettings.CRM, null));
    // billing's sessions run in Vienna local time; so must every session that writes there
    HikariDataSource billing =
        bind(
            "billingDataSource",
            DataSources.create(settings, HubSettings.BILLING, "SET TIME ZONE 'Europe/Vienna'"));
    HikariDataSource customerdb =
        bind("customerDbDataSource", DataSources.create(settings, HubSettings.CUSTOMERDB, null));
    if (settings.get(HubSettings.HUBDB_MIGRATE)) {
      HubDatabase.migrateAsOwner(settings, hub);
    }

    JmsPoolConnectionFactory artemis = bind("artemisConnectionFactory", artemis());

    // Kafka: bootstrap servers and security (SASL, SSL) for Camel's component and the hub's own
    // clients alike
    KafkaClients kafkaClients = bind("kafkaClients", KafkaClients.of(settings));
    kafkaClients.configure(context.getComponent("kafka", KafkaComponent.class).getConfiguration());
    if (kafkaClients.secured()) {
      LoggerFactory.getLogger(PlatformConfiguration.class)
          .info("Kafka clients: {}", kafkaClients); // secrets masked
    }
    Properties adminProps = kafkaClients.asProperties();
    adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
    adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "telco-hub-admin");
    Admin admin = bind("kafkaAdmin", Admin.create(adminProps));
    if (settings.get(HubSettings.KAFKA_TOPICS_CREATE)) {
      canonicalTopics(admin);
    }

    HealthCheckRegistry health = HealthCheckRegistry.get(context);
    health.register(new DatabaseHealthCheck("hub", hub, true));
    health.register(new DatabaseHealthCheck("crm", crm));
    health.register(new DatabaseHealthCheck("billing", billing));
    health.register(new DatabaseHealthCheck("customerdb", customerdb));
    health.register(new ArtemisHealthCheck(artemis));
    health.register(new KafkaClusterHealthCheck(admin));
  }

  /** One pooled Artemis connection factory for everything the hub sends and receives. */
  private JmsPoolConnectionFactory artemis() {
    String password = settings.secret(HubSettings.ARTEMIS_PASSWORD);
    ActiveMQConnectionFactory factory =
        new ActiveMQConnectionFactory(
            settings.get(HubSettings.ARTEMIS_URL),
            settings.optional(HubSettings.ARTEMIS_USERNAME).orElse(null),
            password.isEmpty() ? null : password);
    JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
    pool.setConnectionFactory(factory);
    pool.setMaxConnections(settings.get(HubSettings.ARTEMIS_POOL_SIZE));
    return pool;
  }

  /** The canonical topics, with the partitions, replication and configuration they need. */
  private void canonicalTopics(Admin admin) {
    String customer = settings.get(HubSettings.KAFKA_TOPIC_CUSTOMER);
    String service = settings.get(HubSettings.KAFKA_TOPIC_SERVICE);
    int replication = settings.get(HubSettings.KAFKA_TOPICS_REPLICATION_FACTOR);
    KafkaTopics.ensure(
        admin,
        List.of(customer, settings.get(HubSettings.KAFKA_TOPIC_BILLING), service),
        settings.get(HubSettings.KAFKA_TOPICS_PARTITIONS),
        (short) replication,
        settings
            .optional(HubSettings.KAFKA_TOPICS_MIN_INSYNC_REPLICAS)
            .orElse(replication >= 3 ? 2 : 1),
        Map.of(service, serviceTopicConfig(), customer, customerTopicConfig()));
    // also a customer topic created before it was compacted; the service topic from before ADR
    // 0019 is aligned by the erasure's wiring, after its services have their own keys
    KafkaTopics.align(admin, Map.of(customer, customerTopicConfig()));
  }

  /**
   * The network keeps no state the hub can read: the canonical service topic is its history, kept
   * for a rebuild of customerdb.service (Resync.replayServices), without time limit. It is keyed by
   * service id and compacted (ADR 0019): the newest state of each service is all a rebuild needs,
   * and an erasure publishes the person's services detached, so compaction removes the records that
   * linked the person to them within the same lag as on the customer topic.
   */
  private Map<String, String> serviceTopicConfig() {
    return serviceTopicConfig(settings);
  }

  /** The service topic's configuration (see above). */
  public static Map<String, String> serviceTopicConfig(Settings settings) {
    Map<String, String> config = new java.util.HashMap<>(customerTopicConfig(settings));
    config.put("retention.ms", settings.get(HubSettings.KAFKA_TOPIC_SERVICE_RETENTION_MS));
    return config;
  }

  /**
   * The canonical customer topic is compacted (flow 5): its events are customer states keyed by CRM
   * account, so the newest per key is all a consumer needs; an erasure publishes a tombstone for
   * the key, and compaction removes every earlier event of the customer within the maximum
   * compaction lag (segments roll at least that often), the tombstone itself after the delete
   * retention.
   */
  private Map<String, String> customerTopicConfig() {
    return customerTopicConfig(settings);
  }

  private static Map<String, String> customerTopicConfig(Settings settings) {
    String lag = settings.get(HubSettings.KAFKA_TOPIC_CUSTOMER_MAX_COMPACTION_LAG_MS);
    return Map.of(
        "cleanup.policy",
        "compact",
        "max.compaction.lag.ms",
        lag,
        "segment.ms",
        lag,
        "delete.retention.ms",
        settings.get(HubSettings.KAFKA_TOPIC_CUSTOMER_DELETE_RETENTION_MS));
  }
}
