package at.telco.hub.erasure;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.platform.KafkaClients;
import at.telco.hub.platform.KafkaTopics;
import at.telco.hub.platform.PlatformConfiguration;
import at.telco.hub.source.Parking;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.LoggerFactory;

/**
 * Flow 5, the right to erasure: a person deleted in the CRM is erased from customerdb, billing
 * (anonymised), the canonical topic (a tombstone), the dead-letter and parking queues and the hub's
 * own tables (routes/erasure.camel.yaml); dead letters are purged after their retention.
 *
 * <p>Whether the canonical customer and service topics can honour an erasure (compacted, a bounded
 * compaction lag) is checked at start, by the readiness check {@code erasure-kafka}, as the gauge
 * {@code hub_erasure_kafka_honoured} and before an erasure's Kafka part is recorded as done.
 *
 * <p>Binds {@code erasures}, {@code deadLetterRetention}, {@code topicCompaction}.
 */
public class ErasureConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource hub = bean("hubDataSource", DataSource.class);
    Clock clock = bean("hubClock", Clock.class);
    TopicCompaction compaction =
        bind(
            "topicCompaction",
            new TopicCompaction(
                bean("kafkaAdmin", Admin.class),
                List.of(
                    settings.get(HubSettings.KAFKA_TOPIC_CUSTOMER),
                    settings.get(HubSettings.KAFKA_TOPIC_SERVICE)),
                Long.parseLong(
                    settings.get(HubSettings.KAFKA_TOPIC_CUSTOMER_MAX_COMPACTION_LAG_MS).strip())));
    ServiceTopicErasure serviceTopic =
        new ServiceTopicErasure(
            bean("kafkaClients", KafkaClients.class).properties(),
            settings.get(HubSettings.KAFKA_TOPIC_SERVICE));
    serviceTopicKeyedByService(serviceTopic);
    // at every start: whoever created the topics, they must be compacted for erasure to work
    TopicCompaction.Verdict verdict = compaction.check();
    if (!verdict.honoured()) {
      LoggerFactory.getLogger(ErasureConfiguration.class)
          .error(
              "erasure cannot be honoured on Kafka: {}; erasures keep their Kafka part open and"
                  + " readiness is DOWN until the topic is compacted (docs/operations.md)",
              verdict.reason());
    }
    Gauge.builder("hub.erasure.kafka.honoured", compaction, TopicCompaction::gaugeValue)
        .description(
            "1 when the canonical customer and service topics are compacted with a bounded"
                + " compaction lag (an erasure can be honoured on Kafka), 0 when not, NaN before"
                + " the first check")
        .strongReference(true)
        .register(bean("metricsRegistry", MeterRegistry.class));
    HealthCheckRegistry.get(context).register(new ErasureKafkaHealthCheck(compaction));
    bind(
        "erasures",
        new Erasures(
            hub,
            bean("customerDbDataSource", DataSource.class),
            bean("billingDataSource", DataSource.class),
            new ErasureQueues(
                bean("artemisConnectionFactory", JmsPoolConnectionFactory.class),
                settings.get(HubSettings.DEAD_LETTER_QUEUE_PREFIX),
                bean("parking", Parking.class).queue()),
            new Tombstones(context, "direct:erasure-tombstone"),
            serviceTopic,
            compaction::notHonoured,
            clock,
            settings.get(HubSettings.ERASURE_BATCH_SIZE)));
    bind(
        "deadLetterRetention",
        new DeadLetterRetention(
            hub,
            settings.get(HubSettings.DEAD_LETTER_RETENTION),
            settings.get(HubSettings.DEAD_LETTER_PURGE_BATCH_SIZE),
            clock,
            settings.get(HubSettings.DEAD_LETTER_RETENTION_DISCARD_OPEN)));
  }

  /**
   * A service topic from before ADR 0019 (keyed by MSISDN, not compacted): while it is not
   * compacted, every service's newest state is published under its service id (idempotent), and
   * only then, where the hub configures its topics, is compaction switched on - so compaction of
   * the old MSISDN keys takes no service's only state. Where the operator configures the topics,
   * the same happens at this start, and the operator switches compaction on afterwards
   * (deploy/ha/README.md).
   */
  private void serviceTopicKeyedByService(ServiceTopicErasure serviceTopic) {
    String service = settings.get(HubSettings.KAFKA_TOPIC_SERVICE);
    Admin admin = bean("kafkaAdmin", Admin.class);
    TopicCompaction.Verdict v =
        new TopicCompaction(admin, List.of(service), Long.MAX_VALUE - 1).check();
    if (v.honoured()) {
      return; // compacted already: keyed by service id since (or created so)
    }
    org.slf4j.Logger log = LoggerFactory.getLogger(ErasureConfiguration.class);
    try {
      int moved = serviceTopic.rekey();
      log.info(
          "service topic {} not compacted yet: {} service(s) republished under their service id",
          service,
          moved);
    } catch (RuntimeException e) {
      log.warn(
          "service topic {} not keyed by service id now ({}); it is not made compacted",
          service,
          e.getMessage());
      return;
    }
    if (settings.get(HubSettings.KAFKA_TOPICS_CREATE)) {
      KafkaTopics.align(admin, Map.of(service, PlatformConfiguration.serviceTopicConfig(settings)));
    }
  }
}
