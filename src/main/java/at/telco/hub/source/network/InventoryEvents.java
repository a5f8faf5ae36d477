package at.telco.hub.source.network;

import at.telco.hub.canonical.Json;
import at.telco.hub.canonical.MalformedMessageException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the network's inventory events (network.md): strict about what the hub needs, unknown extra
 * fields ignored. The result keeps only the fields the hub knows.
 */
public final class InventoryEvents {

  public static final Set<String> TYPES =
      Set.of(
          "SERVICE_ACTIVATED",
          "SERVICE_SUSPENDED",
          "SERVICE_RESUMED",
          "SERVICE_BARRED",
          "SERVICE_UNBARRED",
          "SERVICE_TERMINATED",
          "SIM_SWAPPED");
  public static final Set<String> STATUSES = Set.of("ACTIVE", "SUSPENDED", "BARRED", "TERMINATED");

  private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");
  private static final Pattern BA_NO = Pattern.compile("BA\\d{10}");
  private static final Pattern DIGITS = Pattern.compile("\\d+");

  private InventoryEvents() {}

  /**
   * @throws MalformedMessageException naming what is wrong (never a value)
   */
  public static ObjectNode read(String json) {
    JsonNode e = Json.parse(json);
    if (!e.isObject()) {
      throw new MalformedMessageException("inventory event is not a JSON object");
    }
    String eventId = required(e, "eventId");
    String where = "inventory event " + eventId;
    String type = required(e, "eventType");
    if (!TYPES.contains(type)) {
      throw new MalformedMessageException(where + ": unknown eventType");
    }
    JsonNode seq = e.get("sequence");
    if (seq == null || !seq.canConvertToLong() || seq.asLong() < 0 || !seq.isIntegralNumber()) {
      throw new MalformedMessageException(where + ": sequence is missing or not a whole number");
    }
    String occurredAt = required(e, "occurredAt");
    try {
      Instant.parse(occurredAt);
    } catch (DateTimeParseException ex) {
      throw new MalformedMessageException(where + ": occurredAt is not an instant");
    }
    JsonNode s = e.get("service");
    if (s == null || !s.isObject()) {
      throw new MalformedMessageException(where + ": service is missing");
    }
    String serviceId = required(s, "serviceId");
    if (serviceId.length() > 24) {
      throw new MalformedMessageException(where + ": serviceId is longer than 24 characters");
    }
    String msisdn = required(s, "msisdn");
    if (!E164.matcher(msisdn).matches()) {
      throw new MalformedMessageException(where + ": msisdn is not E.164");
    }
    String ba = required(s, "subscriberRef");
    if (!BA_NO.matcher(ba).matches()) {
      throw new MalformedMessageException(
          where + ": subscriberRef is not a billing account number");
    }
    String status = required(s, "status");
    if (!STATUSES.contains(status)) {
      throw new MalformedMessageException(where + ": unknown status");
    }
    String iccid = Json.text(s, "iccid");
    if (iccid != null && (iccid.length() > 22 || !DIGITS.matcher(iccid).matches())) {
      throw new MalformedMessageException(where + ": iccid is not up to 22 digits");
    }
    String imsi = Json.text(s, "imsi");
    if (imsi != null && (imsi.length() > 15 || !DIGITS.matcher(imsi).matches())) {
      throw new MalformedMessageException(where + ": imsi is not up to 15 digits");
    }
    String product = Json.text(s, "productCode");
    if (product != null && product.length() > 20) {
      throw new MalformedMessageException(where + ": productCode is longer than 20 characters");
    }
    ObjectNode out = Json.object();
    out.put("eventId", eventId);
    out.put("eventType", type);
    out.put("sequence", seq.asLong());
    out.put("occurredAt", occurredAt);
    ObjectNode service = out.putObject("service");
    service.put("serviceId", serviceId);
    service.put("msisdn", msisdn);
    service.put("iccid", iccid);
    service.put("imsi", imsi);
    service.put("productCode", product);
    service.put("subscriberRef", ba);
    service.put("status", status);
    return out;
  }

  private static String required(JsonNode node, String field) {
    String v = Json.text(node, field);
    if (v == null || v.isBlank()) {
      throw new MalformedMessageException(
          (node.has("eventId")
                  ? "inventory event " + Json.text(node, "eventId") + ": "
                  : "inventory event: ")
              + field
              + " is missing");
    }
    return v;
  }
}
