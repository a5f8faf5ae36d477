package at.telco.hub.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A canonical event: a CloudEvents 1.0 envelope (structured JSON) around a TM Forum-aligned entity.
 * Hub extension attributes: {@code entityversion} (the master's version of the state, see {@link
 * SnapshotVersion}), {@code sourceversions} (the master's row versions), {@code sourcechangedat}
 * (when the master changed, for end-to-end latency), {@code correlationid}, {@code customerid}, and
 * {@code resync} (set on a state re-sent by reconciliation or a resync: why, e.g. {@code
 * reconciliation:<run>}; targets re-apply it even when they hold the same version, and still never
 * apply it over a newer one).
 */
public final class CanonicalEvent {

  public static final String SPEC_VERSION = "1.0";

  private final ObjectNode envelope;

  private CanonicalEvent(ObjectNode envelope) {
    this.envelope = envelope;
  }

  /**
   * Reads an envelope; checks only what every consumer relies on (the schema check is {@link
   * CanonicalSchemas}).
   */
  public static CanonicalEvent of(JsonNode node) {
    if (!(node instanceof ObjectNode o)) {
      throw new MalformedMessageException("is not a CloudEvent: not a JSON object");
    }
    for (String required : new String[] {"specversion", "id", "source", "type", "subject"}) {
      if (Json.text(o, required) == null) {
        throw new MalformedMessageException("is not a CloudEvent: '" + required + "' is missing");
      }
    }
    return new CanonicalEvent(o);
  }

  public static CanonicalEvent parse(String json) {
    return of(Json.parse(json));
  }

  public ObjectNode envelope() {
    return envelope;
  }

  public String id() {
    return Json.text(envelope, "id");
  }

  public String type() {
    return Json.text(envelope, "type");
  }

  public String source() {
    return Json.text(envelope, "source");
  }

  /** The master's key (CRM account, billing account, MSISDN): the Kafka key. */
  public String subject() {
    return Json.text(envelope, "subject");
  }

  public String entityVersion() {
    return Json.text(envelope, "entityversion");
  }

  public String sourceVersions() {
    return Json.text(envelope, "sourceversions");
  }

  public String correlationId() {
    return Json.text(envelope, "correlationid");
  }

  public String customerId() {
    return Json.text(envelope, "customerid");
  }

  public Instant sourceChangedAt() {
    String t = Json.text(envelope, "sourcechangedat");
    if (t == null) {
      return null;
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Why this state was re-sent (reconciliation or resync), or null for a normal change. */
  public String resync() {
    return Json.text(envelope, "resync");
  }

  public boolean isResync() {
    return resync() != null;
  }

  /** This event marked as re-sent for {@code reason}: a copy, the original is unchanged. */
  public CanonicalEvent asResync(String reason) {
    ObjectNode copy = envelope.deepCopy();
    copy.put("resync", reason);
    return new CanonicalEvent(copy);
  }

  public JsonNode data() {
    return envelope.path("data");
  }

  public boolean isDelete() {
    String type = type();
    return type != null && type.contains("DeleteEvent");
  }

  public String toJson() {
    return Json.write(envelope);
  }

  /** The envelope's UTF-8 JSON, as Kafka carries it. */
  public byte[] toJsonBytes() {
    return Json.writeBytes(envelope);
  }

  @Override
  public String toString() {
    return "CanonicalEvent[" + type() + " " + id() + " subject=" + subject() + "]";
  }
}
