package at.telco.hub.consistency;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.Json;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.jdbc.Transactions;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.source.billing.BillingEvents;
import at.telco.hub.source.billing.BillingSnapshots;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Billing as the master of billing accounts: the state of each account with its latest invoice
 * ({@link BillingSnapshots}), made canonical by {@code
 * transformers/billing-to-canonical-billing-account.jslt} as a billing event would be, with the
 * customer id of its CRM account. Billing sends no deletes: an account it does not have is left to
 * a person.
 */
public final class BillingMaster implements Master {

  /** The event type of a state read by reconciliation or a resync, not by a billing event. */
  public static final String STATE_READ = "STATE_READ";

  private final DataSource billing;
  private final IdentityRegistry registry;
  private final Mappings mappings;
  private final BillingEvents events;
  private final CanonicalSchemas schemas;

  public BillingMaster(
      DataSource billing,
      IdentityRegistry registry,
      Mappings mappings,
      BillingEvents events,
      CanonicalSchemas schemas) {
    this.billing = billing;
    this.registry = registry;
    this.mappings = mappings;
    this.events = events;
    this.schemas = schemas;
  }

  @Override
  public String name() {
    return "billing";
  }

  @Override
  public String keyColumn() {
    return "ba_no";
  }

  @Override
  public boolean identifiesCustomers() {
    return false;
  }

  @Override
  public boolean sendsDeletes() {
    return false;
  }

  @Override
  public List<Record> after(String after, int limit) {
    return Transactions.read(
        billing, "billing", c -> records(BillingSnapshots.after(c, after, limit)));
  }

  @Override
  public List<Record> byKeys(Collection<String> keys) {
    return Transactions.read(
        billing, "billing", c -> records(BillingSnapshots.byIds(c, keys, List.of())));
  }

  private static List<Record> records(Map<String, ObjectNode> states) {
    List<Record> out = new ArrayList<>(states.size());
    states.forEach(
        (key, state) -> out.add(new Record(key, state, state.path("account").isObject())));
    return out;
  }

  @Override
  public Set<String> existing(Collection<String> keys) {
    return Transactions.read(
        billing, "billing", c -> TargetReads.existing(c, "billing.billing_account", "ba_no", keys));
  }

  @Override
  public Record absent(String key) {
    ObjectNode none = Json.object();
    none.putNull("account");
    return new Record(key, none, false);
  }

  /** Adds the customer id of each state's CRM account (where billing's customer has one). */
  @Override
  public void identify(Collection<Record> records) {
    Set<String> crmAccounts = new LinkedHashSet<>();
    for (Record r : records) {
      String crmAccount = Json.text(r.doc().path("customer"), "crm_account_id");
      if (crmAccount != null) {
        crmAccounts.add(crmAccount);
      }
    }
    Map<String, UUID> ids = registry.identify(crmAccounts);
    for (Record r : records) {
      String crmAccount = Json.text(r.doc().path("customer"), "crm_account_id");
      if (crmAccount != null && ids.containsKey(crmAccount)) {
        r.doc().put("customerId", ids.get(crmAccount).toString());
      }
    }
  }

  @Override
  public CanonicalEvent check(CanonicalEvent event) {
    return schemas.validate(event);
  }

  @Override
  public CanonicalEvent unchecked(Record record) {
    if (!record.present()) {
      return null;
    }
    ObjectNode doc = record.doc().deepCopy();
    ObjectNode event = doc.putObject("event");
    event.put("type", STATE_READ);
    event.put("baNo", record.key());
    event.put("eventSeq", 0);
    doc.put("kind", "account");
    doc.remove("invoices");
    JsonNode data = mappings.apply(HubTransformers.BILLING_TO_CANONICAL_ACCOUNT, doc);
    return events.from(doc, data);
  }

  @Override
  public boolean wrote(Record record, JsonNode row) {
    return true; // the copies hold billing's own keys
  }

  @Override
  public void resend(Resync resync, List<String> keys, String target, String reason) {
    resync.billingAccounts(keys, Set.of(target), reason);
  }
}
