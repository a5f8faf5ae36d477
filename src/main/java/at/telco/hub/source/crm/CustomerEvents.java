package at.telco.hub.source.crm;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalTypes;
import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.StringJoiner;
import java.util.UUID;

/** Builds the CloudEvent around a canonical customer read from the CRM. */
public final class CustomerEvents {

  private final Clock clock;

  public CustomerEvents(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param snapshot the CRM account snapshot document (see CrmChangePoller)
   * @param data the canonical customer mapped from it
   */
  public CanonicalEvent fromCrm(JsonNode snapshot, JsonNode data) {
    String accountId = Json.text(snapshot, "accountId");
    String version = Json.text(snapshot, "snapshot");
    boolean deleted = snapshot.path("account").isNull() || snapshot.path("account").isMissingNode();
    // the same state of the same account always gets the same id
    String id =
        UUID.nameUUIDFromBytes(
                ("crm:" + accountId + "@" + version).getBytes(StandardCharsets.UTF_8))
            .toString();
    ObjectNode e = Json.object();
    e.put("specversion", CanonicalEvent.SPEC_VERSION);
    e.put("id", id);
    e.put("source", CanonicalTypes.SOURCE_CRM);
    e.put("type", deleted ? CanonicalTypes.CUSTOMER_DELETE : CanonicalTypes.CUSTOMER_CHANGE);
    e.put("subject", accountId);
    e.put("time", clock.instant().toString());
    e.put("datacontenttype", "application/json");
    e.put("dataschema", CanonicalTypes.CUSTOMER_SCHEMA_V3);
    e.put("entityversion", version);
    e.put("sourceversions", rowVersions(snapshot));
    String changedAt = Json.text(snapshot, "changedAt");
    if (changedAt != null) {
      e.put("sourcechangedat", changedAt);
    }
    e.put("correlationid", id);
    e.put("customerid", Json.text(snapshot, "customerId"));
    e.set("data", data);
    return CanonicalEvent.of(e);
  }

  /**
   * {@code crm:ACCOUNT:ACC-1=7,crm:CONTACT:CON-3=2,...}: the row versions the state was built from.
   */
  static String rowVersions(JsonNode snapshot) {
    StringJoiner j = new StringJoiner(",");
    JsonNode account = snapshot.path("account");
    if (account.isObject()) {
      j.add(
          "crm:ACCOUNT:"
              + account.path("account_id").asText()
              + "="
              + account.path("row_version").asLong());
    }
    for (JsonNode c : snapshot.path("contacts")) {
      j.add("crm:CONTACT:" + c.path("contact_id").asText() + "=" + c.path("row_version").asLong());
    }
    for (JsonNode a : snapshot.path("addresses")) {
      j.add("crm:ADDRESS:" + a.path("address_id").asText() + "=" + a.path("row_version").asLong());
    }
    return j.toString();
  }
}
