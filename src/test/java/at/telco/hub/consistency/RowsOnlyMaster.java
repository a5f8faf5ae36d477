package at.telco.hub.consistency;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A master ("crm") without a database, for comparisons of rows made up in a test: no records of its
 * own, no events unless a test gives them, every event accepted, every row its own.
 */
class RowsOnlyMaster implements Master {

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
    return List.of();
  }

  @Override
  public List<Record> byKeys(Collection<String> keys) {
    return List.of();
  }

  @Override
  public Set<String> existing(Collection<String> keys) {
    return Set.of();
  }

  @Override
  public Record absent(String key) {
    return new Record(key, Json.object(), false);
  }

  @Override
  public void identify(Collection<Record> records) {}

  @Override
  public CanonicalEvent unchecked(Record record) {
    return null;
  }

  @Override
  public CanonicalEvent check(CanonicalEvent event) {
    return event;
  }

  @Override
  public boolean wrote(Record record, JsonNode row) {
    return true;
  }

  @Override
  public void resend(Resync resync, List<String> keys, String target, String reason) {}
}
