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

  // The attributes every target reads, taken from the envelope once, while its freshly parsed
  // tree is still in the CPU's cache: a target reads them again and again for a batch of events,
  // and by then a lookup in the tree of each was a cache miss (a tenth of a target consumer's
  // samples in a JFR profile of HubBench). The envelope is not changed after it became an event.
  private final String id;
  private final String type;
  private final String source;
  private final String subject;
  private final String entityVersion;
  private final String sourceVersions;
  private final String correlationId;
  private final String customerId;
  private final String sourceChangedAt;
  private final String resync;
  private final JsonNode data;

  private CanonicalEvent(ObjectNode envelope) {
    this.envelope = envelope;
    this.id = Json.text(envelope, "id");
    this.type = Json.text(envelope, "type");
    this.source = Json.text(envelope, "source");
    this.subject = Json.text(envelope, "subject");
    this.entityVersion = Json.text(envelope, "entityversion");
    this.sourceVersions = Json.text(envelope, "sourceversions");
    this.correlationId = Json.text(envelope, "correlationid");
    this.customerId = Json.text(envelope, "customerid");
    this.sourceChangedAt = Json.text(envelope, "sourcechangedat");
    this.resync = Json.text(envelope, "resync");
    this.data = envelope.path("data");
  }

  /**
   * Reads an envelope; checks only what every consumer relies on (the schema check is {@link
   * CanonicalSchemas}).
   */
  public static CanonicalEvent of(JsonNode node) {
    if (!(node instanceof ObjectNode o)) {
      throw new MalformedMessageException("is not a CloudEvent: not a JSON object");
    }
    CanonicalEvent event = new CanonicalEvent(o);
    required("specversion", Json.text(o, "specversion"));
    required("id", event.id);
    required("source", event.source);
    required("type", event.type);
    required("subject", event.subject);
    return event;
  }

  private static void required(String attribute, String value) {
    if (value == null) {
      throw new MalformedMessageException("is not a CloudEvent: '" + attribute + "' is missing");
    }
  }

  public static CanonicalEvent parse(String json) {
    return of(Json.parse(json));
  }

  public ObjectNode envelope() {
    return envelope;
  }

  public String id() {
    return id;
  }

  public String type() {
    return type;
  }

  public String source() {
    return source;
  }

  /**
   * The master's key (CRM account, billing account, MSISDN): the Kafka key, except for a service
   * (keyed by its service id, ADR 0019).
   */
  public String subject() {
    return subject;
  }

  public String entityVersion() {
    return entityVersion;
  }

  public String sourceVersions() {
    return sourceVersions;
  }

  public String correlationId() {
    return correlationId;
  }

  public String customerId() {
    return customerId;
  }

  public Instant sourceChangedAt() {
    if (sourceChangedAt == null) {
      return null;
    }
    try {
      return Instant.parse(sourceChangedAt);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Why this state was re-sent (reconciliation or resync), or null for a normal change. */
  public String resync() {
    return resync;
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
    return data;
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
