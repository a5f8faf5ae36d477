package at.telco.hub.consistency;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.InvalidCanonicalEventException;
import at.telco.hub.canonical.Json;
import at.telco.hub.consistency.Difference.Kind;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.MappingException;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.sink.SinkDeclaration;
import at.telco.hub.source.crm.CustomerEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What customerdb and billing should hold for one CRM account, worked out by the very mappings the
 * target routes use ({@code transformers/crm-to-canonical-customer.jslt}, {@code
 * canonical-customer-to-customerdb.jslt}, {@code canonical-customer-to-billing.jslt}), compared
 * with what they hold.
 *
 * <p>The rules are the flows' (FLOWS.md, flow 1): customerdb has every CRM account, with its
 * contact media, and billing's {@code cust_no}; an account deleted in the CRM stays there as
 * INACTIVE (or ERASED). Billing has an ACTIVE account with a usable address (as ACTIVE, or
 * SUSPENDED, which is billing's own), an ended one as CLOSED (or not at all if it never had it),
 * and no PROSPECT; its anonymised customers are not compared.
 */
public final class CustomerComparison {

  private final Mappings mappings;
  private final CustomerEvents events;
  private final CanonicalSchemas schemas;
  private final SinkDeclaration customerdb;
  private final SinkDeclaration billing;

  /**
   * @param customerdb the customerdb sink: its mapping and compared columns (main and contact
   *     media)
   * @param billing the billing sink: its mapping and compared columns
   */
  public CustomerComparison(
      Mappings mappings,
      CustomerEvents events,
      CanonicalSchemas schemas,
      SinkDeclaration customerdb,
      SinkDeclaration billing) {
    this.mappings = mappings;
    this.events = events;
    this.schemas = schemas;
    this.customerdb = customerdb;
    this.billing = billing;
  }

  /** The customerdb customer's compared columns: what its sink declares the mapping fills. */
  List<String> customerColumns() {
    return customerdb.main().columns();
  }

  /** The columns of a contact medium compared, likewise. */
  List<String> mediumColumns() {
    return customerdb.children().isEmpty() ? List.of() : customerdb.children().get(0).columns();
  }

  /** A CRM snapshot document for an account the CRM does not have (any more). */
  public static ObjectNode deleted(String accountId, String customerId) {
    ObjectNode doc = Json.object();
    doc.put("accountId", accountId);
    doc.put("customerId", customerId);
    doc.putNull("account");
    doc.putArray("contacts");
    doc.putArray("addresses");
    return doc;
  }

  /**
   * The validated canonical event of a CRM snapshot document (with its {@code customerId}).
   *
   * @throws MappingException or {@link InvalidCanonicalEventException} when it cannot be mapped
   */
  public CanonicalEvent canonical(JsonNode doc) {
    JsonNode data = mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, doc);
    return schemas.validate(events.fromCrm(doc, data));
  }

  /**
   * Compares one account.
   *
   * @param doc the CRM snapshot document ({@code account} null when the CRM does not have it)
   * @param customerdb customerdb's customer row with {@code contactMedia}, or null
   * @param billing billing's customer row, or null
   * @param pairs which of crm->customerdb and crm->billing to compare
   */
  public List<Difference> compare(
      JsonNode doc, JsonNode customerdb, JsonNode billing, Set<Pair> pairs) {
    String key = Json.text(doc, "accountId");
    boolean inCrm = doc.path("account").isObject();
    List<Difference> out = new ArrayList<>();
    CanonicalEvent event;
    try {
      event = canonical(doc);
    } catch (MappingException | InvalidCanonicalEventException e) {
      for (Pair p : pairs) {
        out.add(new Difference(p, key, Kind.UNMAPPABLE, List.of(), e.getMessage()));
      }
      return out;
    }
    if (pairs.contains(Pair.CRM_CUSTOMERDB)) {
      Difference d = compareCustomerDb(key, inCrm, event, customerdb, billing);
      if (d != null) {
        out.add(d);
      }
    }
    if (pairs.contains(Pair.CRM_BILLING)) {
      Difference d = compareBilling(key, inCrm, event, billing);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  private Difference compareCustomerDb(
      String key, boolean inCrm, CanonicalEvent event, JsonNode actual, JsonNode billing) {
    if (actual != null && "ERASED".equals(Json.text(actual, "status"))) {
      return null; // erased: nothing of the person is left to compare
    }
    String customerId = Json.text(event.envelope(), "customerid");
    if (!inCrm) {
      // a deleted account stays as INACTIVE; only a row that still looks alive is wrong
      if (actual == null || "INACTIVE".equals(Json.text(actual, "status"))) {
        return null;
      }
      boolean ours = customerId != null && customerId.equals(Json.text(actual, "customer_id"));
      return new Difference(
          Pair.CRM_CUSTOMERDB,
          key,
          Kind.EXTRA,
          List.of("status"),
          ours
              ? null
              : "not written by the hub (its customer_id is not the one the hub assigned to this"
                  + " CRM account): a person decides whether it goes");
    }
    if (actual == null) {
      return new Difference(Pair.CRM_CUSTOMERDB, key, Kind.MISSING, List.of(), null);
    }
    JsonNode row = mappings.apply(customerdb.mapping(), event.data());
    Projection.Builder expected =
        Projection.builder()
            .put("customer_id", customerId)
            .putAll("", row.path("customer"), customerColumns());
    if (billing != null) {
      expected.put("billing_cust_no", billing.path("cust_no"));
    }
    for (JsonNode medium : row.path("contactMedia")) {
      medium(expected, medium);
    }
    Projection.Builder got =
        Projection.builder()
            .put("customer_id", actual.path("customer_id"))
            .putAll("", actual, customerColumns())
            .put("billing_cust_no", actual.path("billing_cust_no"));
    for (JsonNode medium : actual.path("contactMedia")) {
      medium(got, medium);
    }
    List<String> differing = expected.build().differingAttributes(got.build());
    return differing.isEmpty()
        ? null
        : new Difference(Pair.CRM_CUSTOMERDB, key, Kind.DIFFERENT, differing, null);
  }

  private void medium(Projection.Builder b, JsonNode medium) {
    String prefix =
        "contactMedia[" + Json.text(medium, "medium_type") + "/" + Json.text(medium, "role") + "]";
    b.put(prefix, "present");
    b.putAll(prefix + ".", medium, mediumColumns());
  }

  private Difference compareBilling(
      String key, boolean inCrm, CanonicalEvent event, JsonNode actual) {
    if (actual != null && actual.path("anonymized").asBoolean(false)) {
      // erased: billing keeps an anonymised customer for its invoices, CLOSED (a repair closes it
      // again and anonymises it again: BillingErasure.reapply)
      return "CLOSED".equals(Json.text(actual, "status"))
          ? null
          : new Difference(
              Pair.CRM_BILLING, key, inCrm ? Kind.DIFFERENT : Kind.EXTRA, List.of("status"), null);
    }
    JsonNode mapped;
    try {
      mapped = mappings.apply(billing.mapping(), event.data());
    } catch (MappingException e) {
      return new Difference(Pair.CRM_BILLING, key, Kind.UNMAPPABLE, List.of(), e.getMessage());
    }
    String action = Json.text(mapped, "action");
    String crmStatus = Json.text(mapped, "crm_status");
    if ("SKIP".equals(action)) {
      return null; // billing does not get it (a PROSPECT, or no usable address yet)
    }
    boolean active = inCrm && "ACTIVE".equals(crmStatus);
    if (actual == null) {
      // an ended customer billing never had is not created
      return active ? new Difference(Pair.CRM_BILLING, key, Kind.MISSING, List.of(), null) : null;
    }
    List<String> differing = new ArrayList<>();
    if ("UPSERT".equals(action)) {
      Projection expected =
          Projection.builder().putAll("", mapped, billing.main().columns()).build();
      Projection got = Projection.builder().putAll("", actual, billing.main().columns()).build();
      differing.addAll(expected.differingAttributes(got));
    }
    String status = Json.text(actual, "status");
    boolean statusOk =
        active ? "ACTIVE".equals(status) || "SUSPENDED".equals(status) : "CLOSED".equals(status);
    if (!statusOk) {
      differing.add("status");
    }
    if (differing.isEmpty()) {
      return null;
    }
    return new Difference(
        Pair.CRM_BILLING, key, inCrm ? Kind.DIFFERENT : Kind.EXTRA, differing, null);
  }
}
