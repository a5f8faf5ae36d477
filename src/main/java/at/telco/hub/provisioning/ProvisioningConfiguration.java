package at.telco.hub.provisioning;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.observe.Observations;
import at.telco.hub.sink.crm.CrmNotes;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.kafka.clients.admin.Admin;

/**
 * Flow 3, dunning to barring: a billing account's dunning level bars and lifts its services through
 * the network's provisioning commands, whose results the hub follows (and notes in the CRM)
 * (routes/dunning-to-barring.camel.yaml); overdue commands in health and metrics.
 *
 * <p>Binds {@code barring}.
 */
public class ProvisioningConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    Barring barring =
        bind(
            "barring",
            new Barring(
                new ProvisioningCommands(
                    bean("hubDataSource", DataSource.class),
                    bean("customerDbDataSource", DataSource.class)),
                bean("crmNotes", CrmNotes.class),
                bean("hubMetrics", HubMetrics.class),
                bean("hubClock", Clock.class),
                settings.get(HubSettings.PROVISIONING_OVERDUE_AFTER)));
    barring.keyHash(bean("keyHash", KeyHash.class));
    HealthCheckRegistry.get(context).register(new ProvisioningHealthCheck(barring));

    Observations observations = bean("hubObservations", Observations.class);
    observations.provisioningCommands(barring::counts);
    Admin admin = bean("kafkaAdmin", Admin.class);
    observations.consumerLag(
        admin,
        "network-provisioning",
        settings.get(HubSettings.TARGET_BARRING_GROUP),
        settings.get(HubSettings.KAFKA_TOPIC_BILLING));
    observations.consumerLag(
        admin,
        "provisioning-results",
        settings.get(HubSettings.NETWORK_RESULTS_GROUP),
        settings.get(HubSettings.NETWORK_TOPIC_RESULTS));
    observations.deadLetterTarget("network-provisioning");
  }
}
