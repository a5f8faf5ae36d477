package at.telco.hub.erasure;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.source.Parking;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
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
 * <p>Whether the canonical customer topic can honour an erasure (compacted, a bounded compaction
 * lag) is checked at start, by the readiness check {@code erasure-kafka}, as the gauge {@code
 * hub_erasure_kafka_honoured} and before an erasure's Kafka part is recorded as done.
 *
 * <p>Binds {@code erasures}, {@code deadLetterRetention}, {@code customerTopicCompaction}.
 */
public class ErasureConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource hub = bean("hubDataSource", DataSource.class);
    Clock clock = bean("hubClock", Clock.class);
    CustomerTopicCompaction compaction =
        bind(
            "customerTopicCompaction",
            new CustomerTopicCompaction(
                bean("kafkaAdmin", Admin.class),
                settings.get(HubSettings.KAFKA_TOPIC_CUSTOMER),
                Long.parseLong(
                    settings.get(HubSettings.KAFKA_TOPIC_CUSTOMER_MAX_COMPACTION_LAG_MS).strip())));
    // at every start: whoever created the topic, it must be compacted for erasure to work
    CustomerTopicCompaction.Verdict verdict = compaction.check();
    if (!verdict.honoured()) {
      LoggerFactory.getLogger(ErasureConfiguration.class)
          .error(
              "erasure cannot be honoured on Kafka: {}; erasures keep their Kafka part open and"
                  + " readiness is DOWN until the topic is compacted (docs/operations.md)",
              verdict.reason());
    }
    Gauge.builder("hub.erasure.kafka.honoured", compaction, CustomerTopicCompaction::gaugeValue)
        .description(
            "1 when the canonical customer topic is compacted with a bounded compaction lag"
                + " (an erasure can be honoured on Kafka), 0 when not, NaN before the first check")
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
}
