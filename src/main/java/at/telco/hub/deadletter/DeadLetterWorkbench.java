package at.telco.hub.deadletter;

import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.Json;
import at.telco.hub.canonical.MalformedMessageException;
import at.telco.hub.failure.Refused;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.sink.Sinks;
import at.telco.hub.sink.TargetChange;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What support does with one dead letter: replay it (as it is, or edited) straight into its
 * target's route, resync its record from the master, or discard it. Every action is claimed first
 * (two people cannot replay the same dead letter at once), its outcome is recorded together with
 * the audit entry and the request to remove the replayed message from its queue, and only then is
 * the message removed: a hub that crashes mid-replay leaves the dead letter in its queue, claimable
 * again after {@code hub.dead-letter.replay-timeout-s}, and a second replay of something that was
 * applied is skipped by the target's version check.
 */
public final class DeadLetterWorkbench {

  /** What a replay or resync did. */
  public enum Outcome {
    /** The target now has it. */
    APPLIED("applied"),
    /** The target already had exactly this version: nothing written. */
    SKIPPED_DUPLICATE("skipped-duplicate"),
    /** The target has a newer version: nothing written. */
    SKIPPED_STALE("skipped-stale"),
    /** The target does not take this record (e.g. a PROSPECT in billing): nothing written. */
    NOT_ELIGIBLE("not-eligible"),
    /** The corrected master record was published to every target (canonical dead letters). */
    PUBLISHED("published"),
    /** It failed again: back in its queue with the new error. */
    FAILED("failed"),
    /** The target is away: nothing was tried, the dead letter is as it was. */
    TARGET_UNAVAILABLE("target-unavailable");

    private final String id;

    Outcome(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public boolean resolves() {
      return this != FAILED && this != TARGET_UNAVAILABLE;
    }
  }

  /** Exchange property set by the replay routes when the target was away. */
  public static final String TARGET_UNAVAILABLE = "hubTargetUnavailable";

  /** Exchange property set by the CRM read route when the record cannot be mapped. */
  public static final String MAPPING_FAILURE = "hubMappingFailure";

  public static final String CANONICAL_CUSTOMER = "canonical-customer";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWorkbench.class);
  private static final Set<String> IMMUTABLE =
      Set.of("specversion", "id", "source", "type", "subject", "entityversion", "customerid");

  private final CamelContext context;
  private final DataSource hub;
  private final CanonicalSchemas schemas;
  private final Duration replayTimeout;
  private final HubMetrics metrics;
  private volatile ProducerTemplate template;

  private final Sinks sinks;

  public DeadLetterWorkbench(
      CamelContext context,
      DataSource hub,
      CanonicalSchemas schemas,
      Duration replayTimeout,
      HubMetrics metrics,
      Sinks sinks) {
    this.sinks = sinks;
    this.context = context;
    this.hub = hub;
    this.schemas = schemas;
    this.replayTimeout = replayTimeout;
    this.metrics = metrics;
  }

  private ProducerTemplate template() {
    ProducerTemplate t = template;
    if (t == null) {
      synchronized (this) {
        if (template == null) {
          template = context.createProducerTemplate();
        }
        t = template;
      }
    }
    return t;
  }

  /**
   * Replays a dead letter into its target's route, as it is or with {@code editedBody} (validated
   * against the canonical schema first; its identity and version cannot be edited).
   */
  public ObjectNode replay(UUID id, String editedBody, String actor, UUID jobId) {
    DeadLetterSearch.Stored dl = load(id);
    if (!replayable(dl.target())) {
      throw Refused.conflict(
          "a dead letter of "
              + dl.target()
              + " is a source record, not a change for a target: resync it from the master");
    }
    String body = dl.body();
    boolean edited = editedBody != null && !sameJson(editedBody, dl.body());
    if (edited) {
      validateEdit(dl, editedBody);
      body = editedBody;
    }
    if (body == null) {
      throw Refused.conflict(
          "this dead letter was recorded without its body: replay it from the queue");
    }
    claim(dl, actor);
    TargetChange change = TargetChange.read(dl.target(), body, null);
    Exchange ex = send(dl, change, actor);
    String action = edited ? "replay-edited" : "replay";
    return finish(dl, change, ex, body, action, actor, jobId);
  }

  /**
   * Re-reads the dead letter's record from its master and sends it to the dead letter's target (a
   * canonical dead letter: publishes it to every target), the usual fix once the source data has
   * been corrected.
   */
  public ObjectNode resync(UUID id, String actor) {
    DeadLetterSearch.Stored dl = load(id);
    if (dl.crmAccountId() == null) {
      throw Refused.conflict("this dead letter names no CRM account: nothing to re-read");
    }
    claim(dl, actor);
    Exchange read =
        template().send("direct:crm-customer-read", e -> e.getMessage().setBody(dl.crmAccountId()));
    if (read.getException() != null) {
      release(dl);
      Exception cause = read.getException();
      if (cause instanceof at.telco.hub.failure.TargetUnavailableException) {
        audit(dl, "resync", actor, dl.body(), null, Outcome.TARGET_UNAVAILABLE, "crm", null);
        return response(
            dl,
            Outcome.TARGET_UNAVAILABLE,
            "the CRM is not reachable: nothing was changed",
            currentStatus(dl));
      }
      throw unavailable("reading the CRM", cause);
    }
    Throwable mapping = read.getProperty(MAPPING_FAILURE, Throwable.class);
    if (mapping != null) {
      String reason = DeadLetters.reason(mapping);
      if (CANONICAL_CUSTOMER.equals(dl.target())) {
        // the master still cannot become a canonical event: back in its queue with the new
        // reason, the old message removed once the new one is in
        JsonNode snapshot = read.getMessage().getBody(JsonNode.class);
        Exchange dead =
            template()
                .send(
                    "direct:dead-letter",
                    e -> {
                      e.getMessage().setBody(snapshot);
                      e.getMessage()
                          .setHeader(DeadLetters.FIRST_FAILED_AT, dl.firstFailedAt().toString());
                      e.setProperty(DeadLetters.TARGET, CANONICAL_CUSTOMER);
                      e.setProperty(Exchange.EXCEPTION_CAUGHT, mapping);
                      e.setProperty(DeadLetters.REPLAY_OF, dl.id().toString());
                      e.setProperty(DeadLetters.REPLAYED_BY, actor);
                    });
        if (dead.getException() != null) {
          release(dl);
          throw unavailable("the dead-letter queue", dead.getException());
        }
        audit(dl, "resync", actor, dl.body(), null, Outcome.FAILED, reason, null);
        ObjectNode r = response(dl, Outcome.FAILED, reason, "QUEUED");
        r.put("reason", reason);
        return r;
      }
      // a target's dead letter stays as it was: the master cannot be mapped yet
      release(dl);
      audit(dl, "resync", actor, dl.body(), null, Outcome.FAILED, reason, null);
      ObjectNode r =
          response(
              dl,
              Outcome.FAILED,
              "the CRM record cannot be mapped yet: " + reason,
              currentStatus(dl));
      r.put("reason", reason);
      return r;
    }
    String event = read.getMessage().getBody(String.class);
    if (CANONICAL_CUSTOMER.equals(dl.target())) {
      Exchange sent =
          template()
              .send(
                  "direct:crm-customer-publish",
                  e -> {
                    e.getMessage().setBody(event);
                    e.getMessage().setHeader("kafka.KEY", dl.crmAccountId());
                  });
      if (sent.getException() != null) {
        release(dl);
        audit(
            dl,
            "resync",
            actor,
            dl.body(),
            DeadLetters.sha256(event),
            Outcome.TARGET_UNAVAILABLE,
            "Kafka",
            null);
        return response(
            dl,
            Outcome.TARGET_UNAVAILABLE,
            "Kafka did not take the event: nothing was changed",
            currentStatus(dl));
      }
      return result(
          dl,
          Outcome.PUBLISHED,
          "published to every target",
          "resync",
          actor,
          null,
          dl.body(),
          event);
    }
    TargetChange change = TargetChange.read(dl.target(), event, null);
    Exchange ex = send(dl, change, actor);
    return finish(dl, change, ex, event, "resync", actor, null);
  }

  /** Discards a dead letter, with a mandatory reason; it leaves its queue. */
  public ObjectNode discard(UUID id, String reason, String actor) {
    if (reason == null || reason.strip().length() < 3) {
      throw Refused.invalid("a discard needs a reason (query parameter 'reason')");
    }
    if (reason.length() > 500) {
      throw Refused.invalid("the reason is at most 500 characters");
    }
    DeadLetterSearch.Stored dl = load(id);
    Transactions.run(
        hub,
        "hub database",
        c -> {
          DeadLetterSearch.Stored locked = DeadLetterSearch.stored(c, id, true);
          if (!claimable(locked)) {
            throw notOpen(locked);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE hub.dead_letter SET status = 'DISCARDED', resolution = 'discarded',"
                      + " resolved_at = now(), resolved_by = ?, replay_started_at = NULL,"
                      + " replay_by = NULL WHERE id = ?")) {
            ps.setString(1, actor);
            ps.setObject(2, id);
            ps.executeUpdate();
          }
          DeadLetterQueue.requestPurge(c, locked.messageId(), locked.target());
          AuditTrail.record(
              c,
              new AuditTrail.Entry(
                  actor,
                  "discard",
                  id,
                  dl.target(),
                  sha(locked.body()),
                  null,
                  "discarded",
                  reason.strip(),
                  null));
        });
    metrics.deadLetterAction(dl.target(), "discard", "discarded");
    LOG.info("dead letter {} of {} discarded by {}", id, dl.target(), actor);
    return response(dl, null, "discarded", "DISCARDED");
  }

  private DeadLetterSearch.Stored load(UUID id) {
    try (Connection c = hub.getConnection()) {
      DeadLetterSearch.Stored dl = DeadLetterSearch.stored(c, id, false);
      if (dl == null) {
        throw Refused.notFound("no dead letter " + id);
      }
      return dl;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  Sinks sinks() {
    return sinks;
  }

  HubMetrics metrics() {
    return metrics;
  }

  /** After this a claim of a hub that died mid-replay may be taken over. */
  Duration replayTimeout() {
    return replayTimeout;
  }

  /** The targets whose dead letters are replayed: the declared sinks. */
  List<String> replayableTargets() {
    List<String> names = new ArrayList<>();
    sinks.all().forEach(w -> names.add(w.sink().name()));
    return names;
  }

  /** A target whose dead letters are changes a declared sink takes ({@code direct:sink-replay}). */
  public boolean replayable(String target) {
    return sinks.has(target);
  }

  private static boolean sameJson(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    try {
      return b != null && Json.parse(a).equals(Json.parse(b));
    } catch (MalformedMessageException e) {
      return false;
    }
  }

  private void validateEdit(DeadLetterSearch.Stored dl, String editedBody) {
    CanonicalEvent event;
    try {
      event = CanonicalEvent.parse(editedBody);
    } catch (MalformedMessageException e) {
      throw Refused.invalid(
          "the edited body is not a canonical event", List.of("$: " + e.getMessage()));
    }
    List<String> problems = new ArrayList<>(schemas.problems(event));
    JsonNode original;
    try {
      original = dl.body() == null ? null : Json.parse(dl.body());
    } catch (MalformedMessageException e) {
      original = null;
    }
    if (original == null || !original.isObject()) {
      // without a stored canonical event there is nothing to hold the identifying fields to: an
      // edit could make the replay any change of anyone (issue 20)
      throw Refused.invalid(
          "the dead letter's stored body is not a canonical event, so an edited replay cannot be"
              + " checked against it",
          List.of(
              "$: the fields that identify the change ("
                  + String.join(", ", new java.util.TreeSet<>(IMMUTABLE))
                  + ") cannot be checked: replay it unedited, resync it from the master, or"
                  + " discard it"));
    }
    for (String field : IMMUTABLE) {
      if (!Objects.equals(Json.text(original, field), Json.text(event.envelope(), field))) {
        problems.add("$." + field + ": cannot be edited (it identifies the change)");
      }
    }
    if (!problems.isEmpty()) {
      throw Refused.invalid("the edited body is not a valid canonical event", problems);
    }
  }

  private boolean claimable(DeadLetterSearch.Stored dl) {
    return dl != null
        && ("QUEUED".equals(dl.status())
            || "SUPERSEDED".equals(dl.status())
            // replaced by a newer dead letter of its record: replayable from that one's history
            || "REPLACED".equals(dl.status())
            || ("REPLAYING".equals(dl.status())
                && dl.replayStartedAt() != null
                && dl.replayStartedAt().plus(replayTimeout).isBefore(java.time.Instant.now())));
  }

  private static Refused notOpen(DeadLetterSearch.Stored dl) {
    if ("REPLAYING".equals(dl.status())) {
      return Refused.conflict("this dead letter is being replayed by " + dl.replayBy());
    }
    return Refused.conflict(
        "this dead letter is "
            + dl.status()
            + (dl.resolution() == null ? "" : " (" + dl.resolution() + ")")
            + ": there is nothing left to do with it");
  }

  private void claim(DeadLetterSearch.Stored dl, String actor) {
    Transactions.run(
        hub,
        "hub database",
        c -> {
          DeadLetterSearch.Stored locked = DeadLetterSearch.stored(c, dl.id(), true);
          if (!claimable(locked)) {
            throw notOpen(locked);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE hub.dead_letter SET status = 'REPLAYING', replay_started_at = now(),"
                      + " replay_by = ? WHERE id = ?")) {
            ps.setString(1, actor);
            ps.setObject(2, dl.id());
            ps.executeUpdate();
          }
        });
  }

  /** Gives a claimed dead letter back unchanged (nothing was tried, or the outcome is unknown). */
  private void release(DeadLetterSearch.Stored dl) {
    Transactions.run(hub, "hub database", c -> release(c, List.of(dl.id())));
  }

  /**
   * Gives claimed dead letters back as they were: a replaced one to the history it came from, the
   * others open again, where a newer dead letter of the record that came meanwhile replaces them.
   */
  static void release(Connection c, List<UUID> ids) throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    List<UUID> open = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE hub.dead_letter SET status = CASE WHEN replaced_by IS NOT NULL THEN"
                + " 'REPLACED' WHEN superseded_by_version IS NOT NULL THEN 'SUPERSEDED' ELSE"
                + " 'QUEUED' END, replay_started_at = NULL, replay_by = NULL"
                + " WHERE id = ANY(?::uuid[]) AND status = 'REPLAYING' RETURNING id, status")) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray(new UUID[0])));
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!"REPLACED".equals(rs.getString(2))) {
            open.add(rs.getObject(1, UUID.class));
          }
        }
      }
    }
    for (UUID id : open) {
      DeadLetters.keepOneOpen(c, id);
    }
  }

  /** Sends a claimed dead letter's change into {@code direct:sink-replay} (one try). */
  Exchange send(DeadLetterSearch.Stored dl, TargetChange change, String actor) {
    return template()
        .send(
            "direct:sink-replay",
            e -> {
              e.getMessage().setBody(change);
              e.getMessage().setHeader(DeadLetters.FIRST_FAILED_AT, dl.firstFailedAt().toString());
              e.setProperty(DeadLetters.TARGET, dl.target());
              e.setProperty(DeadLetters.REPLAY_OF, dl.id().toString());
              e.setProperty(DeadLetters.REPLAYED_BY, actor);
            });
  }

  private ObjectNode finish(
      DeadLetterSearch.Stored dl,
      TargetChange change,
      Exchange ex,
      String body,
      String action,
      String actor,
      UUID jobId) {
    if (Boolean.TRUE.equals(ex.getProperty(TARGET_UNAVAILABLE, Boolean.class))) {
      release(dl);
      Throwable cause = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
      audit(
          dl,
          action,
          actor,
          dl.body(),
          sha(body),
          Outcome.TARGET_UNAVAILABLE,
          cause == null ? null : cause.getMessage(),
          jobId);
      return response(
          dl,
          Outcome.TARGET_UNAVAILABLE,
          dl.target() + " is not reachable: nothing was tried, the dead letter is as it was",
          currentStatus(dl));
    }
    if (ex.getException() != null) {
      // not even the dead-letter route could take the failure (Artemis or the hub database away)
      release(dl);
      throw unavailable("the dead-letter queue", ex.getException());
    }
    Throwable failure = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    if (failure != null) {
      // the dead-letter route has queued the new message and scheduled the old one's removal
      String reason = DeadLetters.reason(failure);
      audit(dl, action, actor, dl.body(), sha(body), Outcome.FAILED, reason, jobId);
      // QUEUED, or REPLACED when a newer dead letter of its record is open
      ObjectNode r = response(dl, Outcome.FAILED, reason, currentStatus(dl));
      r.put("reason", reason);
      return r;
    }
    Outcome outcome = outcomeOf(change);
    return result(
        dl, outcome, detail(dl.target(), outcome, change), action, actor, jobId, dl.body(), body);
  }

  /** What the target's writer made of an applied (or skipped) change, as support reads it. */
  static Outcome outcomeOf(TargetChange change) {
    return switch (change.outcome()) {
      case APPLIED -> Outcome.APPLIED;
      case DUPLICATE -> Outcome.SKIPPED_DUPLICATE;
      case STALE, SUPERSEDED -> Outcome.SKIPPED_STALE;
      case NOT_ELIGIBLE -> Outcome.NOT_ELIGIBLE;
      case FAILED -> Outcome.FAILED;
    };
  }

  /** The audit entry's and the answer's detail of an outcome of {@link #outcomeOf}. */
  static String detail(String target, Outcome outcome, TargetChange change) {
    return switch (outcome) {
      case APPLIED -> target + " now has version " + versionOf(change);
      case SKIPPED_DUPLICATE -> target + " already had this version: nothing written";
      case SKIPPED_STALE -> target + " has a newer version: nothing written";
      case NOT_ELIGIBLE -> target + " does not take this record: nothing written";
      default -> outcome.id();
    };
  }

  private static String versionOf(TargetChange change) {
    return change.readable() ? change.event().entityVersion() : "?";
  }

  /** Records a resolving outcome with its audit entry and the queue removal, in one transaction. */
  private ObjectNode result(
      DeadLetterSearch.Stored dl,
      Outcome outcome,
      String detail,
      String action,
      String actor,
      UUID jobId,
      String before,
      String after) {
    if (!outcome.resolves()) {
      audit(dl, action, actor, before, sha(after), outcome, detail, jobId);
      return response(dl, outcome, detail, currentStatus(dl));
    }
    String status = action.equals("resync") ? "RESOLVED" : "REPLAYED";
    Transactions.run(
        hub,
        "hub database",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE hub.dead_letter SET status = ?, resolution = ?, resolved_at = now(),"
                      + " resolved_by = ?, body = COALESCE(?, body), replay_started_at = NULL"
                      + " WHERE id = ?")) {
            ps.setString(1, status);
            ps.setString(2, (action.equals("resync") ? "resynced: " : "") + outcome.id());
            ps.setString(3, actor);
            ps.setString(4, action.equals("replay-edited") ? after : null);
            ps.setObject(5, dl.id());
            ps.executeUpdate();
          }
          DeadLetterQueue.requestPurge(c, dl.messageId(), dl.target());
          AuditTrail.record(
              c,
              new AuditTrail.Entry(
                  actor,
                  action,
                  dl.id(),
                  dl.target(),
                  sha(before),
                  sha(after),
                  outcome.id(),
                  detail,
                  jobId));
        });
    metrics.deadLetterAction(dl.target(), action, outcome.id());
    LOG.info(
        "dead letter {} of {} {} by {}: {}", dl.id(), dl.target(), action, actor, outcome.id());
    return response(dl, outcome, detail, status);
  }

  private void audit(
      DeadLetterSearch.Stored dl,
      String action,
      String actor,
      String before,
      String afterSha,
      Outcome outcome,
      String detail,
      UUID jobId) {
    metrics.deadLetterAction(dl.target(), action, outcome.id());
    try (Connection c = hub.getConnection()) {
      AuditTrail.record(
          c,
          new AuditTrail.Entry(
              actor,
              action,
              dl.id(),
              dl.target(),
              sha(before),
              afterSha,
              outcome.id(),
              detail,
              jobId));
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  private String currentStatus(DeadLetterSearch.Stored dl) {
    DeadLetterSearch.Stored now = load(dl.id());
    return now.status();
  }

  private static ObjectNode response(
      DeadLetterSearch.Stored dl, Outcome outcome, String detail, String status) {
    ObjectNode r = Json.object();
    r.put("id", dl.id().toString());
    r.put("target", dl.target());
    r.put("outcome", outcome == null ? "discarded" : outcome.id());
    r.put("detail", detail);
    r.put("status", status);
    return r;
  }

  private static String sha(String body) {
    return body == null ? null : DeadLetters.sha256(body);
  }

  private static Refused unavailable(String what, Throwable cause) {
    LOG.warn("{} is not available: {}", what, cause.toString());
    return Refused.unavailable(what + " is not available: nothing was changed, try again");
  }
}
