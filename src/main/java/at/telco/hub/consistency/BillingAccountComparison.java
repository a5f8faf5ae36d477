package at.telco.hub.consistency;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.InvalidCanonicalEventException;
import at.telco.hub.canonical.Json;
import at.telco.hub.consistency.Difference.Kind;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.MappingException;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.source.billing.BillingEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What customerdb.billing_account should hold for one billing account, by the mappings the flow
 * uses ({@code transformers/billing-to-canonical-billing-account.jslt}, {@code
 * canonical-billing-account-to-customerdb.jslt}), compared with what it holds. A billing account of
 * a customer the CRM does not have has no place in customerdb and is not compared.
 */
public final class BillingAccountComparison {

  static final List<String> COLUMNS =
      List.of(
          "customer_id",
          "status",
          "dunning_level",
          "balance_cents",
          "currency",
          "last_invoice_no",
          "last_invoice_due");

  /** The event type of a state read by reconciliation or a resync, not by a billing event. */
  public static final String RESYNC_EVENT = "STATE_READ";

  private final Mappings mappings;
  private final BillingEvents events;
  private final CanonicalSchemas schemas;

  public BillingAccountComparison(
      Mappings mappings, BillingEvents events, CanonicalSchemas schemas) {
    this.mappings = mappings;
    this.events = events;
    this.schemas = schemas;
  }

  /**
   * The validated canonical billing account of a state billing holds ({@link
   * at.telco.hub.source.billing.BillingSnapshots}, with {@code customerId} where known).
   */
  public CanonicalEvent canonical(String baNo, JsonNode state) {
    ObjectNode doc = state.deepCopy();
    ObjectNode event = doc.putObject("event");
    event.put("type", RESYNC_EVENT);
    event.put("baNo", baNo);
    event.put("eventSeq", 0);
    doc.put("kind", "account");
    doc.remove("invoices");
    JsonNode data = mappings.apply(HubTransformers.BILLING_TO_CANONICAL_ACCOUNT, doc);
    return schemas.validate(events.from(doc, data));
  }

  /**
   * Compares one billing account.
   *
   * @param state billing's state of the account, or null when billing does not have it
   * @param actual customerdb's row, or null
   */
  public Difference compare(String baNo, JsonNode state, JsonNode actual) {
    if (state == null || !state.path("account").isObject()) {
      return actual == null
          ? null
          : new Difference(Pair.BILLING_CUSTOMERDB, baNo, Kind.EXTRA, List.of(), null);
    }
    JsonNode expectedRow;
    try {
      expectedRow =
          mappings.apply(
              HubTransformers.BILLING_ACCOUNT_TO_CUSTOMERDB, canonical(baNo, state).data());
    } catch (MappingException | InvalidCanonicalEventException e) {
      return new Difference(
          Pair.BILLING_CUSTOMERDB, baNo, Kind.UNMAPPABLE, List.of(), e.getMessage());
    }
    if (Json.text(expectedRow, "customer_id") == null) {
      return null; // not a CRM customer's account: customerdb has no place for it
    }
    if (actual == null) {
      return new Difference(Pair.BILLING_CUSTOMERDB, baNo, Kind.MISSING, List.of(), null);
    }
    List<String> differing =
        Projection.builder()
            .putAll("", expectedRow, COLUMNS)
            .build()
            .differingAttributes(Projection.builder().putAll("", actual, COLUMNS).build());
    return differing.isEmpty()
        ? null
        : new Difference(Pair.BILLING_CUSTOMERDB, baNo, Kind.DIFFERENT, differing, null);
  }
}
