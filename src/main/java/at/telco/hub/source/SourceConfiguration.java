package at.telco.hub.source;

import at.telco.hub.config.AreaConfiguration;
import java.time.Duration;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/**
 * What the sources share: the pace of the polled sources' schedulers, the aggregation of a poll's
 * sends, the reporting of a source that is away, and the parking of network events whose billing
 * account is not known yet (on Artemis).
 *
 * <p>Binds {@code publishBatch}, {@code sourceOutages}, {@code parking}.
 */
public class SourceConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    // the source routes' scheduler: a few ms between polls under load, idle-interval-ms when idle
    PollPacing.derive(context.getPropertiesComponent(), settings, "hub.crm.poll");
    PollPacing.derive(context.getPropertiesComponent(), settings, "hub.billing.poll");
    bind("publishBatch", new PublishBatch());
    bind("sourceOutages", new SourceOutages());
    bind(
        "parking",
        new Parking(
            bean("artemisConnectionFactory", JmsPoolConnectionFactory.class),
            settings.get("hub.parking.queue", "PARK.network-inventory"),
            Duration.parse(settings.get("hub.parking.max-time", "PT1H")),
            Duration.parse(settings.get("hub.parking.first-delay", "PT5S")),
            Duration.parse(settings.get("hub.parking.max-delay", "PT5M"))));
  }
}
