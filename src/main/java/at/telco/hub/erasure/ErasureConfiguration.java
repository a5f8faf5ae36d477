package at.telco.hub.erasure;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.source.Parking;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/**
 * Flow 5, the right to erasure: a person deleted in the CRM is erased from customerdb, billing
 * (anonymised), the canonical topic (a tombstone), the dead-letter and parking queues and the hub's
 * own tables (routes/erasure.camel.yaml); dead letters are purged after their retention.
 *
 * <p>Binds {@code erasures}, {@code deadLetterRetention}.
 */
public class ErasureConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource hub = bean("hubDataSource", DataSource.class);
    Clock clock = bean("hubClock", Clock.class);
    bind(
        "erasures",
        new Erasures(
            hub,
            bean("customerDbDataSource", DataSource.class),
            bean("billingDataSource", DataSource.class),
            new ErasureQueues(
                bean("artemisConnectionFactory", JmsPoolConnectionFactory.class),
                settings.get("hub.dead-letter.queue-prefix", "DLQ."),
                bean("parking", Parking.class).queue()),
            new Tombstones(context, "direct:erasure-tombstone"),
            clock,
            settings.getInt("hub.erasure.batch-size", 50)));
    bind(
        "deadLetterRetention",
        new DeadLetterRetention(
            hub,
            Duration.parse(settings.get("hub.dead-letter.retention", "P30D")),
            settings.getInt("hub.dead-letter.purge-batch-size", 500),
            clock));
  }
}
