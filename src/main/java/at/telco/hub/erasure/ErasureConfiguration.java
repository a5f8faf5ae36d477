package at.telco.hub.erasure;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.source.Parking;
import java.time.Clock;
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
                settings.get(HubSettings.DEAD_LETTER_QUEUE_PREFIX),
                bean("parking", Parking.class).queue()),
            new Tombstones(context, "direct:erasure-tombstone"),
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
