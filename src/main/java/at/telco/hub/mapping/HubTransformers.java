package at.telco.hub.mapping;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.CanonicalTypes;
import at.telco.hub.canonical.Json;
import at.telco.hub.sink.TargetChange;
import at.telco.hub.source.billing.BillingEvents;
import at.telco.hub.source.crm.CustomerEvents;
import at.telco.hub.source.network.NetworkInventory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.spi.DataType;
import org.apache.camel.spi.Transformer;
import org.apache.camel.spi.TransformerKey;
import org.apache.camel.support.DefaultMessage;

/**
 * Registers the mappings of {@code transformers/} as Camel data type transformers, so a route says
 * {@code transform: {fromType: crm:account-snapshot, toType: canonical:customer}} and the mapping
 * is found by its name.
 */
public final class HubTransformers {

  /** crm:account-snapshot -> canonical:customer, mapping file crm-to-canonical-customer.jslt. */
  public static final String CRM_TO_CANONICAL_CUSTOMER = "crm-to-canonical-customer";

  public static final String CUSTOMER_TO_CUSTOMERDB = "canonical-customer-to-customerdb";
  public static final String CUSTOMER_TO_BILLING = "canonical-customer-to-billing";
  public static final String BILLING_TO_CANONICAL_ACCOUNT = "billing-to-canonical-billing-account";
  public static final String BILLING_TO_CANONICAL_BILL = "billing-to-canonical-customer-bill";
  public static final String BILLING_ACCOUNT_TO_CUSTOMERDB =
      "canonical-billing-account-to-customerdb";
  public static final String NETWORK_TO_CANONICAL_SERVICE = "network-to-canonical-service";
  public static final String SERVICE_TO_CUSTOMERDB = "canonical-service-to-customerdb";

  /**
   * Exchange property: the records of a source batch that could not be mapped, each an {@link
   * Unmapped} with its reason, for their dead letters.
   */
  public static final String UNMAPPED = "hubUnmapped";

  private HubTransformers() {}

  public static void register(
      CamelContext context,
      Mappings mappings,
      CustomerEvents customers,
      BillingEvents billing,
      Clock clock,
      CanonicalSchemas schemas) {
    for (String name :
        List.of(
            CRM_TO_CANONICAL_CUSTOMER,
            CUSTOMER_TO_CUSTOMERDB,
            CUSTOMER_TO_BILLING,
            BILLING_TO_CANONICAL_ACCOUNT,
            BILLING_TO_CANONICAL_BILL,
            BILLING_ACCOUNT_TO_CUSTOMERDB,
            NETWORK_TO_CANONICAL_SERVICE,
            SERVICE_TO_CUSTOMERDB)) {
      mappings.load(name);
    }
    put(
        context,
        "crm:account-snapshot",
        "canonical:customer",
        new CanonicalCustomerTransformer(mappings, customers, schemas));
    put(
        context,
        "canonical:customer",
        "customerdb:customer",
        new TargetRowTransformer(mappings, CUSTOMER_TO_CUSTOMERDB, null));
    put(
        context,
        "canonical:customer",
        "billing:customer",
        new TargetRowTransformer(mappings, CUSTOMER_TO_BILLING, null));
    put(
        context,
        "billing:event",
        "canonical:billing",
        new SourceTransformer(
            schemas,
            doc -> {
              boolean bill = "bill".equals(Json.text(doc, "kind"));
              JsonNode data =
                  mappings.apply(
                      bill ? BILLING_TO_CANONICAL_BILL : BILLING_TO_CANONICAL_ACCOUNT, doc);
              return billing.from(doc, data);
            }));
    put(
        context,
        "canonical:billing",
        "customerdb:billing-account",
        new TargetRowTransformer(
            mappings, BILLING_ACCOUNT_TO_CUSTOMERDB, CanonicalTypes.BILLING_ACCOUNT_CHANGE));
    put(
        context,
        "network:inventory",
        "canonical:service",
        new SourceTransformer(
            schemas,
            item -> {
              ObjectNode input = Json.object();
              input.set("event", item.path("event"));
              input.put("customerId", Json.text(item, "customerId"));
              return NetworkInventory.canonical(
                  item, mappings.apply(NETWORK_TO_CANONICAL_SERVICE, input), clock);
            }));
    put(
        context,
        "canonical:service",
        "customerdb:service",
        new TargetRowTransformer(mappings, SERVICE_TO_CUSTOMERDB, null));
  }

  private static void put(CamelContext context, String from, String to, Transformer transformer) {
    DataType fromType = new DataType(from);
    DataType toType = new DataType(to);
    transformer.setFrom(from);
    transformer.setTo(to);
    transformer.setCamelContext(context);
    context.getTransformerRegistry().put(new TransformerKey(fromType, toType), transformer);
  }

  /**
   * A CRM account snapshot (JsonNode) becomes a validated canonical customer event: the data by the
   * mapping, the envelope by {@link CustomerEvents}. One snapshot: the message body becomes the
   * event's JSON and the Kafka key the CRM account. A list of them (a poll's batch): see {@link
   * #toBatch}.
   */
  static final class CanonicalCustomerTransformer extends Transformer {
    private final Mappings mappings;
    private final CustomerEvents events;
    private final CanonicalSchemas schemas;

    CanonicalCustomerTransformer(
        Mappings mappings, CustomerEvents events, CanonicalSchemas schemas) {
      this.mappings = mappings;
      this.events = events;
      this.schemas = schemas;
    }

    private CanonicalEvent event(JsonNode snapshot) {
      JsonNode data = mappings.apply(CRM_TO_CANONICAL_CUSTOMER, snapshot);
      return schemas.validate(events.fromCrm(snapshot, data));
    }

    @Override
    public void transform(Message message, DataType from, DataType to)
        throws InvalidPayloadException {
      if (message.getBody() instanceof List<?> snapshots) {
        toBatch(message, snapshots, this::event);
        return;
      }
      CanonicalEvent event = event(message.getMandatoryBody(JsonNode.class));
      message.setBody(event.toJson());
      kafkaHeaders(message, event);
    }
  }

  /**
   * A source batch (a list of records) becomes one Kafka send: the body becomes a list of messages,
   * one per record that maps, each the event's UTF-8 JSON (bytes, for the route's
   * ByteArraySerializer) keyed by its subject; a record that does not map is set aside in {@link
   * #UNMAPPED} with its reason and does not hold back the others. One exchange for the whole batch
   * (a split made one per record, with its own unit of work).
   */
  static void toBatch(
      Message message, List<?> records, Function<JsonNode, CanonicalEvent> toEvent) {
    List<Message> messages = new ArrayList<>(records.size());
    List<Unmapped> unmapped = new ArrayList<>();
    for (Object r : records) {
      JsonNode record = (JsonNode) r;
      try {
        CanonicalEvent event = toEvent.apply(record);
        Message m = new DefaultMessage(message.getExchange());
        m.setBody(event.toJsonBytes());
        kafkaHeaders(m, event);
        messages.add(m);
      } catch (RuntimeException e) {
        unmapped.add(new Unmapped(record, e));
      }
    }
    message.setBody(messages);
    message.getExchange().setProperty(UNMAPPED, unmapped);
  }

  /** The Kafka key (the event's subject) and the headers support sees on the record. */
  private static void kafkaHeaders(Message message, CanonicalEvent event) {
    message.setHeader("kafka.KEY", event.subject());
    message.setHeader("ce_id", event.id());
    message.setHeader("ce_type", event.type());
    message.setHeader("correlationId", event.correlationId());
  }

  /**
   * A source record (JsonNode) becomes a validated canonical event, by a function of the record;
   * the body becomes the event's JSON and the Kafka key its subject. A list of them (a poll's
   * batch): see {@link #toBatch}.
   */
  static final class SourceTransformer extends Transformer {
    private final CanonicalSchemas schemas;
    private final Function<JsonNode, CanonicalEvent> toEvent;

    SourceTransformer(CanonicalSchemas schemas, Function<JsonNode, CanonicalEvent> toEvent) {
      this.schemas = schemas;
      this.toEvent = toEvent;
    }

    private CanonicalEvent event(JsonNode record) {
      return schemas.validate(toEvent.apply(record));
    }

    @Override
    public void transform(Message message, DataType from, DataType to)
        throws InvalidPayloadException {
      if (message.getBody() instanceof List<?> records) {
        toBatch(message, records, this::event);
        return;
      }
      CanonicalEvent event = event(message.getMandatoryBody(JsonNode.class));
      message.setBody(event.toJson());
      kafkaHeaders(message, event);
    }
  }

  /**
   * Maps the canonical event of each {@link TargetChange} (one, or a list of them) to the target's
   * row document (only events of {@code onlyType}, when given; the others keep no row). A change
   * whose data breaks a rule of the target is marked failed and goes on alone to its dead letter;
   * the others are not held back.
   */
  static final class TargetRowTransformer extends Transformer {
    private final Mappings mappings;
    private final String mapping;
    private final String onlyType;

    TargetRowTransformer(Mappings mappings, String mapping, String onlyType) {
      this.mappings = mappings;
      this.mapping = mapping;
      this.onlyType = onlyType;
    }

    private void map(TargetChange change) {
      CanonicalEvent event = change.event();
      if (onlyType == null || onlyType.equals(event.type())) {
        change.mapped(mappings.apply(mapping, event.data()));
      }
    }

    @Override
    public void transform(Message message, DataType from, DataType to) {
      Object body = message.getBody();
      if (body instanceof TargetChange change) {
        // alone: a failure is thrown, so the error handler sees it
        map(change);
        return;
      }
      if (body instanceof List<?> list) {
        for (Object item : list) {
          TargetChange change = (TargetChange) item;
          try {
            map(change);
          } catch (RuntimeException e) {
            change.failed(e);
          }
        }
        return;
      }
      throw new IllegalArgumentException(
          "expected TargetChange or a list of them, got "
              + (body == null ? "null" : body.getClass()));
    }
  }

  /** For tests and tools: the row document of one canonical event. */
  public static JsonNode row(Mappings mappings, String mapping, String canonicalJson) {
    return mappings.apply(mapping, CanonicalEvent.of(Json.parse(canonicalJson)).data());
  }
}
