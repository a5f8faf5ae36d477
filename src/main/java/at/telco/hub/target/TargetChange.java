package at.telco.hub.target;

import at.telco.hub.canonical.CanonicalEvent;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

/**
 * One canonical event on its way into one target: the event as received, the target's row document
 * once mapped, and what happened.
 */
public final class TargetChange {

  private final String target;
  private final String rawBody;
  private final CanonicalEvent event;
  private final RuntimeException readFailure;
  private final Exchange origin;
  private JsonNode row;
  private RuntimeException failure;
  private ApplyOutcome outcome;

  private TargetChange(
      String target,
      String rawBody,
      CanonicalEvent event,
      RuntimeException readFailure,
      Exchange origin) {
    this.target = target;
    this.rawBody = rawBody;
    this.event = event;
    this.readFailure = readFailure;
    this.origin = origin;
  }

  /** Reads a received message; a message that is not a canonical event is kept with the reason. */
  public static TargetChange read(String target, String body, Exchange origin) {
    try {
      return new TargetChange(target, body, CanonicalEvent.parse(body), null, origin);
    } catch (RuntimeException e) {
      return new TargetChange(target, body, null, e, origin);
    }
  }

  public static TargetChange of(String target, CanonicalEvent event) {
    return new TargetChange(target, event.toJson(), event, null, null);
  }

  public String target() {
    return target;
  }

  public String rawBody() {
    return rawBody;
  }

  /** The event, or the reason it could not be read. */
  public CanonicalEvent event() {
    if (event == null) {
      throw readFailure;
    }
    return event;
  }

  public boolean readable() {
    return event != null;
  }

  public Exchange origin() {
    return origin;
  }

  public JsonNode row() {
    return row;
  }

  public void mapped(JsonNode row) {
    this.row = row;
    this.failure = null;
  }

  /** Mapping or applying this change failed on its own; it is retried alone, then dead-lettered. */
  public void failed(RuntimeException failure) {
    this.failure = failure;
  }

  public RuntimeException failure() {
    return failure != null ? failure : readFailure;
  }

  public boolean hasFailed() {
    return failure() != null;
  }

  public ApplyOutcome outcome() {
    return outcome;
  }

  public void outcome(ApplyOutcome outcome) {
    this.outcome = outcome;
  }

  @Override
  public String toString() {
    return "TargetChange[" + target + " " + (event == null ? "unreadable" : event) + "]";
  }
}
