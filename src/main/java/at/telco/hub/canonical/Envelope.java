package at.telco.hub.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Builds a CloudEvents 1.0 envelope with the hub's extensions (see {@link CanonicalEvent}). */
public final class Envelope {

  private final ObjectNode e = Json.object();

  private Envelope(String source, String type, String subject, String version, Instant time) {
    String id = id(source, type, subject, version);
    e.put("specversion", CanonicalEvent.SPEC_VERSION);
    e.put("id", id);
    e.put("source", source);
    e.put("type", type);
    e.put("subject", subject);
    e.put("time", time.toString());
    e.put("datacontenttype", "application/json");
    e.put("entityversion", version);
    e.put("correlationid", id);
  }

  public static Envelope of(
      String source, String type, String subject, String version, Instant time) {
    return new Envelope(source, type, subject, version, time);
  }

  /** The same state of the same record from the same source always gets the same id. */
  private static String id(String source, String type, String record, String version) {
    return UUID.nameUUIDFromBytes(
            (source + "|" + type + "|" + record + "@" + version).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** Derives the id from another record key than the subject (e.g. a service behind an MSISDN). */
  public Envelope identifiedBy(String record) {
    String id =
        id(Json.text(e, "source"), Json.text(e, "type"), record, Json.text(e, "entityversion"));
    e.put("id", id);
    e.put("correlationid", id);
    return this;
  }

  public Envelope dataSchema(String schema) {
    e.put("dataschema", schema);
    return this;
  }

  public Envelope customerId(String customerId) {
    if (customerId != null) {
      e.put("customerid", customerId);
    }
    return this;
  }

  public Envelope sourceChangedAt(String instant) {
    if (instant != null) {
      e.put("sourcechangedat", instant);
    }
    return this;
  }

  /** A CloudEvents extension attribute (lower-case letters and digits only). */
  public Envelope extension(String name, String value) {
    if (value != null) {
      e.put(name, value);
    }
    return this;
  }

  public Envelope extension(String name, long value) {
    e.put(name, value);
    return this;
  }

  public CanonicalEvent data(JsonNode data) {
    e.set("data", data);
    return CanonicalEvent.of(e);
  }
}
