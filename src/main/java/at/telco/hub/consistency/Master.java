package at.telco.hub.consistency;

import at.telco.hub.canonical.CanonicalEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A system whose records the copies are compared with, read a chunk at a time in key order: the CRM
 * (accounts, for the sinks of customers) or billing (billing accounts, for the sinks of billing
 * data).
 */
public interface Master {

  /** The column a copy may hold the hub's customer id in. */
  String CUSTOMER_ID = "customer_id";

  /** One record of the master, or the absence of one. */
  record Record(String key, ObjectNode doc, boolean present) {

    /** The hub's customer id of the record, where known. */
    public String customerId() {
      JsonNode id = doc.get("customerId");
      return id == null || id.isNull() ? null : id.asText();
    }
  }

  /** As declarations name it in {@code reconcile.from}: {@code crm}, {@code billing}. */
  String name();

  /** The column a copy holds the master's key in. */
  String keyColumn();

  /** Whether its records have the hub's customer id. */
  boolean identifiesCustomers();

  /** Whether a record it does not have is sent to a copy as a delete (a resync can remove it). */
  boolean sendsDeletes();

  /** The next {@code limit} records after {@code after} (exclusive), in key order. */
  List<Record> after(String after, int limit);

  /**
   * Every record, in key order, read {@code fetch} at a time and handed to {@code each} {@code
   * slice} records at a time (the call may block: the scan then waits). By default keyset pages of
   * {@link #after}.
   */
  default void all(int fetch, int slice, Consumer<List<Record>> each) {
    String after = "";
    while (true) {
      List<Record> records = after(after, fetch);
      if (records.isEmpty()) {
        return;
      }
      after = records.get(records.size() - 1).key();
      for (int i = 0; i < records.size(); i += slice) {
        each.accept(new ArrayList<>(records.subList(i, Math.min(records.size(), i + slice))));
      }
      if (records.size() < fetch) {
        return;
      }
    }
  }

  /** The records of these keys, a key it does not have as an absent record. */
  List<Record> byKeys(Collection<String> keys);

  /** Which of these keys it has. */
  Set<String> existing(Collection<String> keys);

  /** An absent record of a key. */
  Record absent(String key);

  /** Adds the hub's customer id to the records (where the master's record has one). */
  void identify(Collection<Record> records);

  /**
   * The validated canonical event of the record, as a change of it would carry it; null for an
   * absent record the master has no event of.
   *
   * @throws at.telco.hub.mapping.MappingException or {@link
   *     at.telco.hub.canonical.InvalidCanonicalEventException} when it cannot be mapped
   */
  default CanonicalEvent canonical(Record record) {
    CanonicalEvent event = unchecked(record);
    return event == null ? null : check(event);
  }

  /**
   * As {@link #canonical}, without the canonical schema's check (which {@link #check} makes).
   *
   * @throws at.telco.hub.mapping.MappingException when it cannot be mapped
   */
  CanonicalEvent unchecked(Record record);

  /**
   * The event, when the canonical schemas accept it.
   *
   * @throws at.telco.hub.canonical.InvalidCanonicalEventException when they do not
   */
  CanonicalEvent check(CanonicalEvent event);

  /** Whether the copy's row (with its {@code customer_id}) was written by the hub for it. */
  boolean wrote(Record record, JsonNode row);

  /** Re-sends the records' state to {@code target} through its normal route. */
  void resend(Resync resync, List<String> keys, String target, String reason);
}
