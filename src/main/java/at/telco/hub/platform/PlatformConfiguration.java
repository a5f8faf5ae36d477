package at.telco.hub.platform;

import at.telco.hub.config.AreaConfiguration;
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
    HikariDataSource crm = bind("crmDataSource", DataSources.create(settings, "crm", null));
    // billing's sessions run in Vienna local time; so must every session that writes there
    HikariDataSource billing =
        bind(
            "billingDataSource",
            DataSources.create(settings, "billing", "SET TIME ZONE 'Europe/Vienna'"));
    HikariDataSource customerdb =
        bind("customerDbDataSource", DataSources.create(settings, "customerdb", null));
    if (settings.getBoolean("hub.hubdb.migrate", true)) {
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
    if (settings.getBoolean("hub.kafka.topics.create", true)) {
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
    String password = settings.secret("hub.artemis.password");
    ActiveMQConnectionFactory factory =
        new ActiveMQConnectionFactory(
            settings.get("hub.artemis.url"),
            settings.optional("hub.artemis.username").orElse(null),
            password.isEmpty() ? null : password);
    JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
    pool.setConnectionFactory(factory);
    pool.setMaxConnections(settings.getInt("hub.artemis.pool-size", 4));
    return pool;
  }

  /** The canonical topics, with the partitions, replication and configuration they need. */
  private void canonicalTopics(Admin admin) {
    String customer = settings.get("hub.kafka.topic.customer");
    String service = settings.get("hub.kafka.topic.service");
    int replication = settings.getInt("hub.kafka.topics.replication-factor", 1);
    KafkaTopics.ensure(
        admin,
        List.of(customer, settings.get("hub.kafka.topic.billing"), service),
        settings.getInt("hub.kafka.topics.partitions", 6),
        (short) replication,
        settings.getInt("hub.kafka.topics.min-insync-replicas", replication >= 3 ? 2 : 1),
        // the network keeps no state the hub can read: the canonical service topic is its
        // history, kept for a rebuild of customerdb.service (Resync.replayServices)
        Map.of(
            service,
            Map.of("retention.ms", settings.get("hub.kafka.topic.service.retention-ms", "-1")),
            customer,
            customerTopicConfig()));
    // also a customer topic created before it was compacted
    KafkaTopics.align(admin, Map.of(customer, customerTopicConfig()));
  }

  /**
   * The canonical customer topic is compacted (flow 5): its events are customer states keyed by CRM
   * account, so the newest per key is all a consumer needs; an erasure publishes a tombstone for
   * the key, and compaction removes every earlier event of the customer within the maximum
   * compaction lag (segments roll at least that often), the tombstone itself after the delete
   * retention.
   */
  private Map<String, String> customerTopicConfig() {
    String lag = settings.get("hub.kafka.topic.customer.max-compaction-lag-ms", "86400000");
    return Map.of(
        "cleanup.policy",
        "compact",
        "max.compaction.lag.ms",
        lag,
        "segment.ms",
        lag,
        "delete.retention.ms",
        settings.get("hub.kafka.topic.customer.delete-retention-ms", "86400000"));
  }
}
