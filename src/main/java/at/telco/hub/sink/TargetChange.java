package at.telco.hub.sink;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.Json;
import at.telco.hub.failure.TargetUnavailableException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One canonical event on its way into one target: the event as received, the target's row document
 * once mapped, and what happened.
 */
public final class TargetChange {

  private static final Logger LOG = LoggerFactory.getLogger(TargetChange.class);

  private final String target;

  /** The message as received (a String or its UTF-8 bytes), or null for an event made here. */
  private final Object received;

  private final CanonicalEvent event;
  private final RuntimeException readFailure;
  private final Exchange origin;
  private String rawBody;
  private JsonNode row;
  private RuntimeException failure;
  private ApplyOutcome outcome;

  private TargetChange(
      String target,
      Object received,
      CanonicalEvent event,
      RuntimeException readFailure,
      Exchange origin) {
    this.target = target;
    this.received = received;
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

  /**
   * Reads a received message as Kafka delivered it, UTF-8 JSON, parsed straight from the bytes (no
   * String in between; bytes that are not UTF-8 are a malformed message); the text is only made
   * when a dead letter needs it.
   */
  public static TargetChange read(String target, byte[] body, Exchange origin) {
    try {
      return new TargetChange(target, body, CanonicalEvent.of(Json.parseEvent(body)), null, origin);
    } catch (RuntimeException e) {
      return new TargetChange(target, body, null, e, origin);
    }
  }

  public static TargetChange of(String target, CanonicalEvent event) {
    return new TargetChange(target, null, event, null, null);
  }

  /**
   * Applies a batch as one with {@code write}, which returns the changes it could not apply.
   * Returns the changes to be applied one by one: those that failed before (e.g. in mapping), those
   * {@code write} returned, and, when the target refused the batch as a whole (a constraint, a
   * value too long), all of them, so that only the bad one ends up dead-lettered. A target that is
   * away fails the whole batch: it is retried.
   */
  public static List<TargetChange> applyBatch(
      String target,
      List<TargetChange> changes,
      Function<List<TargetChange>, List<TargetChange>> write) {
    List<TargetChange> alone = new ArrayList<>();
    List<TargetChange> ready = new ArrayList<>();
    for (TargetChange change : changes) {
      (change.hasFailed() ? alone : ready).add(change);
    }
    if (ready.isEmpty()) {
      return alone;
    }
    try {
      alone.addAll(write.apply(ready));
    } catch (TargetUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.debug(
          "batch of {} refused by {}, applying one by one: {}",
          ready.size(),
          target,
          e.getMessage());
      for (TargetChange change : ready) {
        change.outcome(null);
      }
      alone.addAll(ready);
    }
    return alone;
  }

  /**
   * Applies one change with {@code write} (a batch of one, which returns the changes it could not
   * apply) and throws why it cannot be applied: its own failure (from before, e.g. in mapping, or
   * from {@code write}) or the target's refusal, each after {@code refused} was told; a target that
   * is away is thrown as it is.
   */
  public static void applyOne(
      TargetChange change,
      Function<List<TargetChange>, List<TargetChange>> write,
      Consumer<TargetChange> refused) {
    if (change.hasFailed()) {
      throw change.failure();
    }
    List<TargetChange> failed;
    try {
      failed = write.apply(List.of(change));
    } catch (TargetUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      refused.accept(change);
      throw e;
    }
    if (!failed.isEmpty()) {
      refused.accept(change);
      throw failed.get(0).failure();
    }
  }

  public String target() {
    return target;
  }

  /** The message as received (for an event made here: its JSON), as text. */
  public String rawBody() {
    if (rawBody == null) {
      if (received instanceof byte[] bytes) {
        rawBody = new String(bytes, StandardCharsets.UTF_8);
      } else if (received != null) {
        rawBody = (String) received;
      } else {
        rawBody = event.toJson();
      }
    }
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
