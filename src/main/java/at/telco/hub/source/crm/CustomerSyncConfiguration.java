package at.telco.hub.source.crm;

import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.observe.Observations;
import at.telco.hub.sink.billing.BillingSteps;
import at.telco.hub.sink.customerdb.BillingCustNos;
import at.telco.hub.sink.customerdb.CustomerDbSteps;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * Flow 1, customer sync: the CRM's change log is claimed and each account's snapshot published as a
 * canonical customer (routes/crm-customer.camel.yaml), which customerdb and billing take
 * (routes/customer-to-customerdb.camel.yaml, customer-to-billing.camel.yaml); the data-quality
 * findings of the CRM's records; the flow's transformers, backlog, consumer lag and dead-letter
 * targets.
 *
 * <p>Binds {@code crmChangePoller}, {@code crmDataQuality}, {@code customerDbWriter}, {@code
 * billingCustomerWriter}.
 */
public class CustomerSyncConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource crm = bean("crmDataSource", DataSource.class);
    Clock clock = bean("hubClock", Clock.class);
    HubMetrics metrics = bean("hubMetrics", HubMetrics.class);
    IdentityRegistry identities = bean("identityRegistry", IdentityRegistry.class);

    bind(
        "crmChangePoller",
        new CrmChangePoller(
            crm, identities, metrics, settings.get(HubSettings.CRM_POLL_BATCH_SIZE)));
    bind(
        "crmDataQuality",
        new CrmDataQuality(
            bean("hubDataSource", DataSource.class), metrics, bean("keyHash", KeyHash.class)));
    // the named steps of the customerdb and billing sinks (sinks/customerdb.yaml, billing.yaml)
    BillingCustNos custNos =
        new BillingCustNos(bean("customerDbDataSource", DataSource.class), identities);
    bind("customerdbErasure", CustomerDbSteps.erasure(identities));
    bind("customerdbBillingCustNo", CustomerDbSteps.billingCustNo(identities, custNos));
    bind("billingErasure", BillingSteps.erasure(identities));
    bind("billingStatus", BillingSteps.status());
    bind("billingCustNo", BillingSteps.custNo(identities, custNos));

    Mappings mappings = bean("mappings", Mappings.class);
    CustomerEvents events = new CustomerEvents(clock);
    mappings.load(HubTransformers.CRM_TO_CANONICAL_CUSTOMER);
    HubTransformers.sourceToCanonical(
        context,
        "crm:account-snapshot",
        "canonical:customer",
        bean("canonicalSchemas", CanonicalSchemas.class),
        snapshot ->
            events.fromCrm(
                snapshot, mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, snapshot)));

    Observations observations = bean("hubObservations", Observations.class);
    observations.backlog(
        "crm.change_log",
        crm,
        "SELECT count(*), min(changed_at) FROM crm.change_log WHERE processed_at IS NULL");
    observations.deadLetterTarget("canonical-customer");
  }
}
