package at.telco.hub.source.network;

import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.Json;
import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.identity.BillingAccountIdentities;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.observe.Observations;
import at.telco.hub.sink.customerdb.CustomerDbSteps;
import at.telco.hub.source.ParkedMessages;
import at.telco.hub.source.Parking;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/**
 * Flow 4, network inventory: the network's inventory events become canonical services, resolved to
 * their customer through the billing account, or parked on Artemis until billing has told the hub
 * about the account (routes/network-inventory.camel.yaml); customerdb takes the services (the
 * declared sink sinks/customerdb.service.yaml); the source's transformer, consumer lag, parking
 * queue and dead-letter targets.
 *
 * <p>Binds {@code parkedMessages} (support's view of the parking queue), {@code networkInventory}
 * and the service sink's step {@code detachErasedCustomers}.
 */
public class NetworkConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    Clock clock = bean("hubClock", Clock.class);
    Parking parking = bean("parking", Parking.class);
    ParkedMessages parked =
        bind(
            "parkedMessages",
            new ParkedMessages(
                bean("artemisConnectionFactory", JmsPoolConnectionFactory.class),
                parking,
                bean("hubDataSource", DataSource.class),
                clock));
    bind(
        "networkInventory",
        new NetworkInventory(
            bean("billingAccountIdentities", BillingAccountIdentities.class),
            bean("identityRegistry", IdentityRegistry.class)::erased,
            parking,
            parked::decision,
            clock));
    bind(
        "detachErasedCustomers",
        CustomerDbSteps.detachErasedCustomers(bean("identityRegistry", IdentityRegistry.class)));

    Mappings mappings = bean("mappings", Mappings.class);
    mappings.load(HubTransformers.NETWORK_TO_CANONICAL_SERVICE);
    HubTransformers.sourceToCanonical(
        context,
        "network:inventory",
        "canonical:service",
        bean("canonicalSchemas", CanonicalSchemas.class),
        item -> {
          ObjectNode input = Json.object();
          input.set("event", item.path("event"));
          input.put("customerId", Json.text(item, "customerId"));
          return NetworkInventory.canonical(
              item, mappings.apply(HubTransformers.NETWORK_TO_CANONICAL_SERVICE, input), clock);
        });

    Observations observations = bean("hubObservations", Observations.class);
    Admin admin = bean("kafkaAdmin", Admin.class);
    observations.consumerLag(
        admin,
        "network-inventory",
        settings.get(HubSettings.NETWORK_INVENTORY_GROUP),
        settings.get(HubSettings.NETWORK_TOPIC_INVENTORY));
    observations.parkingQueue(
        parking.queue(), bean("artemisConnectionFactory", JmsPoolConnectionFactory.class));
    observations.deadLetterTarget("canonical-service");
    observations.deadLetterTarget("network-inventory");
  }
}
