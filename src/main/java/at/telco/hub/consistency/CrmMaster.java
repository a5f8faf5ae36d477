package at.telco.hub.consistency;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.Json;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.jdbc.Transactions;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.source.crm.CrmSnapshots;
import at.telco.hub.source.crm.CustomerEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The CRM as the master of customers: its account snapshots ({@link CrmSnapshots}), made canonical
 * by {@code transformers/crm-to-canonical-customer.jslt} as a change would be. An account it does
 * not have is a delete, which a resync sends on.
 */
public final class CrmMaster implements Master {

  private final DataSource crm;
  private final IdentityRegistry registry;
  private final Mappings mappings;
  private final CustomerEvents events;
  private final CanonicalSchemas schemas;

  public CrmMaster(
      DataSource crm,
      IdentityRegistry registry,
      Mappings mappings,
      CustomerEvents events,
      CanonicalSchemas schemas) {
    this.crm = crm;
    this.registry = registry;
    this.mappings = mappings;
    this.events = events;
    this.schemas = schemas;
  }

  @Override
  public String name() {
    return "crm";
  }

  @Override
  public String keyColumn() {
    return "crm_account_id";
  }

  @Override
  public boolean identifiesCustomers() {
    return true;
  }

  @Override
  public boolean sendsDeletes() {
    return true;
  }

  @Override
  public List<Record> after(String after, int limit) {
    return Transactions.read(crm, "crm", c -> records(CrmSnapshots.after(c, after, limit)));
  }

  /**
   * One statement through a cursor (a read-only transaction for the whole scan): the CRM's contacts
   * and addresses, which have no index by account, are read once, not once per chunk.
   */
  @Override
  public void all(int fetch, int slice, Consumer<List<Record>> each) {
    Transactions.read(
        crm,
        "crm",
        c -> {
          CrmSnapshots.all(c, fetch, slice, docs -> each.accept(records(docs)));
          return null;
        });
  }

  @Override
  public List<Record> byKeys(Collection<String> keys) {
    return Transactions.read(crm, "crm", c -> records(CrmSnapshots.byIds(c, keys)));
  }

  private static List<Record> records(List<ObjectNode> docs) {
    List<Record> out = new ArrayList<>(docs.size());
    for (ObjectNode doc : docs) {
      out.add(new Record(Json.text(doc, "accountId"), doc, doc.path("account").isObject()));
    }
    return out;
  }

  @Override
  public Set<String> existing(Collection<String> keys) {
    return Transactions.read(
        crm, "crm", c -> TargetReads.existing(c, "crm.account", "account_id", keys));
  }

  @Override
  public Record absent(String key) {
    return new Record(key, deleted(key, null), false);
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

  @Override
  public void identify(Collection<Record> records) {
    Set<String> keys = new LinkedHashSet<>();
    records.forEach(r -> keys.add(r.key()));
    Map<String, UUID> ids = registry.identify(keys);
    for (Record r : records) {
      r.doc().put("customerId", ids.get(r.key()).toString());
    }
  }

  /** The validated canonical event of a CRM snapshot document (with its {@code customerId}). */
  public CanonicalEvent canonical(JsonNode doc) {
    return check(unchecked(doc));
  }

  private CanonicalEvent unchecked(JsonNode doc) {
    return events.fromCrm(doc, mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, doc));
  }

  @Override
  public CanonicalEvent unchecked(Record record) {
    return unchecked(record.doc());
  }

  @Override
  public CanonicalEvent check(CanonicalEvent event) {
    return schemas.validate(event);
  }

  @Override
  public boolean wrote(Record record, JsonNode row) {
    String id = record.customerId();
    return id != null && id.equals(Json.text(row, CUSTOMER_ID));
  }

  @Override
  public void resend(Resync resync, List<String> keys, String target, String reason) {
    resync.customers(keys, Set.of(target), reason);
  }
}
