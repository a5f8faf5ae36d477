package at.telco.hub.source.network;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalTypes;
import at.telco.hub.canonical.Envelope;
import at.telco.hub.canonical.Json;
import at.telco.hub.canonical.MalformedMessageException;
import at.telco.hub.deadletter.DeadLetters;
import at.telco.hub.identity.BillingAccountIdentities;
import at.telco.hub.sink.KafkaBatches;
import at.telco.hub.source.ParkedMessages;
import at.telco.hub.source.Parking;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Network inventory events on their way to canonical services: read, resolve the customer through
 * the billing account ({@code subscriberRef}), and decide for each event whether it goes on ({@code
 * kind: resolved}), waits in the parking queue ({@code kind: park}), or is dead-lettered ({@code
 * kind: unreadable}, or {@code kind: expired} after the maximum parking time).
 */
public final class NetworkInventory {

  /** Exchange property naming the kind of an item (for the route's choice). */
  public static final String KIND = "hubKind";

  private final BillingAccountIdentities accounts;
  private final Function<Collection<UUID>, Set<UUID>> erased;
  private final Parking parking;
  private final Function<String, ParkedMessages.Decision> decisions;
  private final Clock clock;

  /**
   * @param erased which of these customers are erased (the identity registry): their services are
   *     published detached, without the customer (flow 5, ADR 0019)
   * @param decisions support's decision to dead-letter a parked event by hand, by parking id
   */
  public NetworkInventory(
      BillingAccountIdentities accounts,
      Function<Collection<UUID>, Set<UUID>> erased,
      Parking parking,
      Function<String, ParkedMessages.Decision> decisions,
      Clock clock) {
    this.accounts = accounts;
    this.erased = erased;
    this.parking = parking;
    this.decisions = decisions;
    this.clock = clock;
  }

  /** A polled Kafka batch (records as exchanges) as items to route, customers resolved. */
  public List<JsonNode> items(Exchange exchange) {
    List<?> records = exchange.getMessage().getBody(List.class);
    exchange.setProperty(at.telco.hub.sink.KafkaBatches.RECORDS, records);
    List<ObjectNode> items = new ArrayList<>();
    for (Object r : records) {
      items.add(read(KafkaBatches.text(((Exchange) r).getMessage())));
    }
    resolve(items);
    return new ArrayList<>(items);
  }

  /**
   * One parked event, delivered again by Artemis (at the end of its wait, or released by support):
   * dead-lettered if support decided so, else resolved again.
   */
  public JsonNode parked(Exchange exchange) {
    Message m = exchange.getMessage();
    ObjectNode item = read(KafkaBatches.text(m));
    // the copy of the event for support goes no further (never into a Kafka record's headers)
    m.removeHeader(Parking.EVENT);
    item.put("parkedAt", m.getHeader(Parking.PARKED_AT, String.class));
    item.put("parkAttempts", m.getHeader(Parking.ATTEMPTS, 0, Integer.class));
    String parkingId = m.getHeader(Parking.PARKING_ID, String.class);
    item.put("parkingId", parkingId);
    ParkedMessages.Decision decision = parkingId == null ? null : decisions.apply(parkingId);
    if (decision != null) {
      // the otherwise branch of the route: a dead letter with support's reason
      item.put("kind", "dead-lettered-by-hand");
      item.put(
          "reason",
          "dead-lettered by hand from parking by "
              + decision.decidedBy()
              + ": "
              + decision.reason());
      return item;
    }
    resolve(List.of(item));
    if ("park".equals(Json.text(item, "kind"))) {
      Instant since = Instant.parse(Json.text(item, "parkedAt"));
      if (Duration.between(since, clock.instant()).compareTo(parking.maxParkTime()) >= 0) {
        item.put("kind", "expired");
        item.put(
            "reason",
            "billing account "
                + item.path("event").path("service").path("subscriberRef").asText()
                + " is unknown to the hub since "
                + since
                + " (more than "
                + parking.maxParkTime()
                + ")");
      }
    }
    return item;
  }

  private static ObjectNode read(String raw) {
    ObjectNode item = Json.object();
    item.put("raw", raw);
    try {
      item.set("event", InventoryEvents.read(raw));
      item.put("kind", "event");
    } catch (RuntimeException e) {
      item.put("kind", "unreadable");
      item.put("reason", e.getMessage());
    }
    return item;
  }

  private void resolve(List<ObjectNode> items) {
    Set<String> baNos = new HashSet<>();
    for (ObjectNode item : items) {
      if ("event".equals(Json.text(item, "kind"))) {
        baNos.add(item.path("event").path("service").path("subscriberRef").asText());
      }
    }
    Map<String, BillingAccountIdentities.Account> known = accounts.find(baNos);
    Set<UUID> customers = new HashSet<>();
    known.values().stream()
        .map(BillingAccountIdentities.Account::customerId)
        .filter(java.util.Objects::nonNull)
        .forEach(customers::add);
    // an erased customer's services go on detached: the canonical service topic never links the
    // erased person to a number again (the erasure detached the ones before, ADR 0019)
    Set<UUID> gone = customers.isEmpty() ? Set.of() : erased.apply(customers);
    for (ObjectNode item : items) {
      if (!"event".equals(Json.text(item, "kind"))) {
        continue;
      }
      BillingAccountIdentities.Account account =
          known.get(item.path("event").path("service").path("subscriberRef").asText());
      if (account == null || account.customerId() == null) {
        item.put("kind", "park");
      } else {
        item.put("kind", "resolved");
        if (!gone.contains(account.customerId())) {
          item.put("customerId", account.customerId().toString());
        }
      }
    }
  }

  /** Sets the item's kind as exchange property and its body for the next step. */
  public void route(Exchange exchange) {
    JsonNode item = exchange.getMessage().getBody(JsonNode.class);
    exchange.setProperty(KIND, Json.text(item, "kind"));
  }

  /** The message for the parking queue: the event as received, scheduled with backoff. */
  public void toParking(Exchange exchange) {
    JsonNode item = exchange.getMessage().getBody(JsonNode.class);
    int attempts = item.path("parkAttempts").asInt(0) + 1;
    Instant now = clock.instant();
    Message m = exchange.getMessage();
    m.removeHeaders("*");
    m.setBody(Json.text(item, "raw"));
    m.setHeader(
        Parking.PARKING_ID,
        item.hasNonNull("parkingId") ? Json.text(item, "parkingId") : UUID.randomUUID().toString());
    m.setHeader(Parking.EVENT, Json.text(item, "raw"));
    m.setHeader(Parking.EVENT_TYPE, Json.text(item.path("event"), "eventType"));
    m.setHeader(
        Parking.BILLING_ACCOUNT, item.path("event").path("service").path("subscriberRef").asText());
    m.setHeader(
        Parking.PARKED_AT,
        item.hasNonNull("parkedAt") ? Json.text(item, "parkedAt") : now.toString());
    m.setHeader(Parking.ATTEMPTS, attempts);
    m.setHeader(Parking.SCHEDULED_DELIVERY, now.plus(parking.delay(attempts)).toEpochMilli());
  }

  /** The event as received, and the reason, for its dead letter. */
  public void toDeadLetter(Exchange exchange) {
    JsonNode item = exchange.getMessage().getBody(JsonNode.class);
    exchange.setProperty(
        Exchange.EXCEPTION_CAUGHT, new MalformedMessageException(Json.text(item, "reason")));
    exchange.setProperty(DeadLetters.TARGET, "network-inventory");
    JsonNode service = item.path("event").path("service");
    if (service.isObject()) {
      exchange.setProperty(DeadLetters.BILLING_ACCOUNT, Json.text(service, "subscriberRef"));
      exchange.setProperty(DeadLetters.MSISDN, Json.text(service, "msisdn"));
      exchange.setProperty(DeadLetters.CUSTOMER_ID, Json.text(item, "customerId"));
    }
    exchange.getMessage().setBody(Json.text(item, "raw"));
  }

  /** The canonical service (TMF638) event of a resolved inventory event. */
  public static CanonicalEvent canonical(JsonNode item, JsonNode data, Clock clock) {
    JsonNode event = item.path("event");
    return Envelope.of(
            CanonicalTypes.SOURCE_NETWORK,
            CanonicalTypes.SERVICE_CHANGE,
            event.path("service").path("msisdn").asText(),
            Long.toString(event.path("sequence").asLong()),
            clock.instant())
        .identifiedBy(event.path("service").path("serviceId").asText())
        .dataSchema(CanonicalTypes.SERVICE_SCHEMA)
        .customerId(Json.text(item, "customerId"))
        .sourceChangedAt(Json.text(event, "occurredAt"))
        .extension("networkeventid", Json.text(event, "eventId"))
        .extension("networkeventtype", Json.text(event, "eventType"))
        .data(data);
  }
}
