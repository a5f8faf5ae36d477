package at.telco.hub.source;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
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
    PollPacing.derive(
        context.getPropertiesComponent(),
        settings,
        "hub.crm.poll",
        HubSettings.CRM_POLL_INTERVAL_MS,
        HubSettings.CRM_POLL_IDLE_INTERVAL_MS);
    PollPacing.derive(
        context.getPropertiesComponent(),
        settings,
        "hub.billing.poll",
        HubSettings.BILLING_POLL_INTERVAL_MS,
        HubSettings.BILLING_POLL_IDLE_INTERVAL_MS);
    bind("publishBatch", new PublishBatch());
    bind("sourceOutages", new SourceOutages());
    bind(
        "parking",
        new Parking(
            bean("artemisConnectionFactory", JmsPoolConnectionFactory.class),
            settings.get(HubSettings.PARKING_QUEUE),
            settings.get(HubSettings.PARKING_MAX_TIME),
            settings.get(HubSettings.PARKING_FIRST_DELAY),
            settings.get(HubSettings.PARKING_MAX_DELAY)));
  }
}
