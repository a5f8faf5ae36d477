package at.telco.hub.source.billing;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalTypes;
import at.telco.hub.canonical.Envelope;
import at.telco.hub.canonical.Json;
import at.telco.hub.mapping.ViennaTime;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;

/**
 * The CloudEvent around a canonical billing account (TMF666) or bill (TMF678). It carries the
 * billing event that caused it (extensions {@code billingevent}, {@code billingeventseq}, and for a
 * dunning change {@code dunningfrom}/{@code dunningto}), so what follows from the cause (a barring
 * command, a CRM note) can be derived from it and keep the same identity when reprocessed.
 */
public final class BillingEvents {

  private final Clock clock;

  public BillingEvents(Clock clock) {
    this.clock = clock;
  }

  public CanonicalEvent from(JsonNode doc, JsonNode data) {
    JsonNode event = doc.path("event");
    String type = Json.text(event, "type");
    boolean bill = "bill".equals(Json.text(doc, "kind"));
    long seq = event.path("eventSeq").asLong();
    Envelope e =
        Envelope.of(
                CanonicalTypes.SOURCE_BILLING,
                bill ? CanonicalTypes.CUSTOMER_BILL_CREATE : CanonicalTypes.BILLING_ACCOUNT_CHANGE,
                Json.text(event, "baNo"),
                Json.text(doc, "snapshot"),
                clock.instant())
            .dataSchema(
                bill
                    ? CanonicalTypes.CUSTOMER_BILL_SCHEMA_V2
                    : CanonicalTypes.BILLING_ACCOUNT_SCHEMA)
            .customerId(Json.text(doc, "customerId"))
            .sourceChangedAt(occurredAt(event))
            .extension("billingevent", type)
            .extension("billingeventseq", seq);
    if ("DUNNING_LEVEL_CHANGED".equals(type)) {
      e.extension("dunningfrom", event.path("oldLevel").asLong())
          .extension("dunningto", event.path("newLevel").asLong());
    }
    return e.data(data);
  }

  /** When billing says the event happened (Vienna local time), as an instant. */
  static String occurredAt(JsonNode event) {
    for (String field : new String[] {"changedAt", "createdAt", "issuedAt", "receivedAt"}) {
      String local = Json.text(event, field);
      if (local != null) {
        return ViennaTime.parse(local).toString();
      }
    }
    return null;
  }
}
