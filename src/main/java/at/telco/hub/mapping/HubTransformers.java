package at.telco.hub.mapping;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.CustomerEvents;
import at.telco.hub.canonical.Json;
import at.telco.hub.target.TargetChange;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.spi.DataType;
import org.apache.camel.spi.Transformer;
import org.apache.camel.spi.TransformerKey;

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

  private HubTransformers() {}

  public static void register(
      CamelContext context, Mappings mappings, CustomerEvents events, CanonicalSchemas schemas) {
    for (String name :
        List.of(CRM_TO_CANONICAL_CUSTOMER, CUSTOMER_TO_CUSTOMERDB, CUSTOMER_TO_BILLING)) {
      mappings.load(name);
    }
    put(
        context,
        "crm:account-snapshot",
        "canonical:customer",
        new CanonicalCustomerTransformer(mappings, events, schemas));
    put(
        context,
        "canonical:customer",
        "customerdb:customer",
        new TargetRowTransformer(mappings, CUSTOMER_TO_CUSTOMERDB));
    put(
        context,
        "canonical:customer",
        "billing:customer",
        new TargetRowTransformer(mappings, CUSTOMER_TO_BILLING));
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
   * mapping, the envelope by {@link CustomerEvents}. The message body becomes the event's JSON and
   * the Kafka key the CRM account.
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

    @Override
    public void transform(Message message, DataType from, DataType to)
        throws InvalidPayloadException {
      JsonNode snapshot = message.getMandatoryBody(JsonNode.class);
      JsonNode data = mappings.apply(CRM_TO_CANONICAL_CUSTOMER, snapshot);
      CanonicalEvent event = schemas.validate(events.fromCrm(snapshot, data));
      message.setBody(event.toJson());
      message.setHeader("kafka.KEY", event.subject());
      message.setHeader("ce_id", event.id());
      message.setHeader("ce_type", event.type());
      message.setHeader("correlationId", event.correlationId());
    }
  }

  /**
   * Maps the canonical event of each {@link TargetChange} (one, or a list of them) to the target's
   * row document. A change whose data breaks a rule of the target is marked failed and goes on
   * alone to its dead letter; the others are not held back.
   */
  static final class TargetRowTransformer extends Transformer {
    private final Mappings mappings;
    private final String mapping;

    TargetRowTransformer(Mappings mappings, String mapping) {
      this.mappings = mappings;
      this.mapping = mapping;
    }

    @Override
    public void transform(Message message, DataType from, DataType to) {
      Object body = message.getBody();
      if (body instanceof TargetChange change) {
        // alone: a failure is thrown, so the error handler sees it
        change.mapped(mappings.apply(mapping, change.event().data()));
        return;
      }
      if (body instanceof List<?> list) {
        for (Object item : list) {
          TargetChange change = (TargetChange) item;
          try {
            change.mapped(mappings.apply(mapping, change.event().data()));
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
