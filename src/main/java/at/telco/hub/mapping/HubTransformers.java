package at.telco.hub.mapping;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.CanonicalTypes;
import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
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
 * The mappings of {@code transformers/} as Camel data type transformers, so a route says {@code
 * transform: {fromType: crm:account-snapshot, toType: canonical:customer}}; each flow registers its
 * own when its area is wired. The names of the mappings are the file names in {@code
 * transformers/}.
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

  /**
   * Registers {@code from -> to} as the transformer that makes a source record (JsonNode, or a
   * poll's batch of them) a validated canonical event with {@code toEvent}.
   */
  public static void sourceToCanonical(
      CamelContext context,
      String from,
      String to,
      CanonicalSchemas schemas,
      Function<JsonNode, CanonicalEvent> toEvent) {
    put(context, from, to, new SourceTransformer(schemas, toEvent));
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

  /**
   * The Kafka key and the headers support sees on the record. The key is the event's subject, but
   * for a service the service id (the subject stays its MSISDN): the service topic is compacted per
   * service, a service keeps one key for its whole life whatever number it has (ADR 0019).
   */
  private static void kafkaHeaders(Message message, CanonicalEvent event) {
    message.setHeader("kafka.KEY", kafkaKey(event));
    message.setHeader("ce_id", event.id());
    message.setHeader("ce_type", event.type());
    message.setHeader("correlationId", event.correlationId());
  }

  /** The Kafka key of a canonical event: the service id for a service, else the subject. */
  public static String kafkaKey(CanonicalEvent event) {
    if (CanonicalTypes.SERVICE_CHANGE.equals(event.type())) {
      return event.data().path("id").asText();
    }
    return event.subject();
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

  /** For tests and tools: the row document of one canonical event. */
  public static JsonNode row(Mappings mappings, String mapping, String canonicalJson) {
    return mappings.apply(mapping, CanonicalEvent.of(Json.parse(canonicalJson)).data());
  }
}
