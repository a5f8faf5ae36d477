package at.telco.hub.source.billing;

import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.Json;
import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.identity.BillingAccountIdentities;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.observe.Observations;
import at.telco.hub.sink.crm.CrmNotes;
import at.telco.hub.source.Parking;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;

/**
 * Flow 2, billing accounts and bills: billing's outbox is claimed and each event published as a
 * canonical billing account or bill (routes/billing-events.camel.yaml), which customerdb's billing
 * accounts (the declared sink sinks/customerdb.billing_account.yaml) and the CRM's activity notes
 * (billing-to-crm-notes) take; the source's transformer, backlog, the notes' consumer lag, the
 * dead-letter targets.
 *
 * <p>Binds {@code billingEventPoller}, {@code crmNotes}.
 */
public class BillingFlowsConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource billing = bean("billingDataSource", DataSource.class);
    Clock clock = bean("hubClock", Clock.class);
    HubMetrics metrics = bean("hubMetrics", HubMetrics.class);
    bind(
        "billingEventPoller",
        new BillingEventPoller(
            billing,
            bean("identityRegistry", IdentityRegistry.class),
            bean("billingAccountIdentities", BillingAccountIdentities.class),
            bean("parking", Parking.class),
            metrics,
            settings.get(HubSettings.BILLING_POLL_BATCH_SIZE)));
    bind("crmNotes", new CrmNotes(bean("crmDataSource", DataSource.class), metrics));

    Mappings mappings = bean("mappings", Mappings.class);
    BillingEvents events = new BillingEvents(clock);
    mappings.load(HubTransformers.BILLING_TO_CANONICAL_ACCOUNT);
    mappings.load(HubTransformers.BILLING_TO_CANONICAL_BILL);
    HubTransformers.sourceToCanonical(
        context,
        "billing:event",
        "canonical:billing",
        bean("canonicalSchemas", CanonicalSchemas.class),
        doc ->
            events.from(
                doc,
                mappings.apply(
                    "bill".equals(Json.text(doc, "kind"))
                        ? HubTransformers.BILLING_TO_CANONICAL_BILL
                        : HubTransformers.BILLING_TO_CANONICAL_ACCOUNT,
                    doc)));

    Observations observations = bean("hubObservations", Observations.class);
    // billing writes local (Vienna) time: the age is computed in its session's time zone
    observations.backlog(
        "billing.event_out",
        billing,
        "SELECT count(*), coalesce(extract(epoch FROM localtimestamp - min(created_at)), 0)"
            + " FROM billing.event_out WHERE picked_up_at IS NULL");
    Admin admin = bean("kafkaAdmin", Admin.class);
    String topic = settings.get(HubSettings.KAFKA_TOPIC_BILLING);
    observations.consumerLag(
        admin, "crm.activity", settings.get(HubSettings.TARGET_CRM_NOTES_GROUP), topic);
    observations.deadLetterTarget("canonical-billing");
    observations.deadLetterTarget("crm.activity");
  }
}
