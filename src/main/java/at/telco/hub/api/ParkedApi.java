package at.telco.hub.api;

import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.Json;
import at.telco.hub.source.ParkedMessages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

/**
 * Parked messages ({@code /api/v1/parked} in routes/management-api.camel.yaml): list and look into
 * them with the rules of dead letters (the event, which holds personal data, only for role
 * support), release one now, or dead-letter one by hand with a reason. Both actions are audited.
 */
public final class ParkedApi {

  private final ParkedMessages parked;
  private final AuditTrail audit;

  public ParkedApi(ParkedMessages parked, AuditTrail audit) {
    this.parked = parked;
    this.audit = audit;
  }

  public void list(Exchange ex) {
    ManagementApi.respond(
        ex,
        200,
        () ->
            parked.list(
                ManagementApi.param(ex, "billingAccount"),
                ManagementApi.intParam(ex, "limit", 50, 1, 500),
                ApiSecurity.principal(ex).has(Role.SUPPORT)));
  }

  public void show(Exchange ex) {
    ManagementApi.respond(
        ex, 200, () -> found(ex, parked.find(id(ex), ApiSecurity.principal(ex).has(Role.SUPPORT))));
  }

  public void release(Exchange ex) {
    ManagementApi.respond(
        ex,
        202,
        () -> {
          String id = id(ex);
          boolean waiting = parked.release(id);
          ApiPrincipal p = ApiSecurity.principal(ex);
          audit.record(
              AuditTrail.Entry.action(
                  p.name(),
                  p.role().id(),
                  "parked-release",
                  "parked:" + id,
                  waiting ? "released" : "not-found",
                  parked.queue()));
          if (!waiting) {
            throw ApiException.notFound("no parked message " + id + " is waiting");
          }
          ObjectNode n = Json.object();
          n.put("id", id);
          n.put("outcome", "released");
          n.put(
              "detail",
              "delivered now to the parked route: applied if what it waits for is there now,"
                  + " parked again if not");
          return n;
        });
  }

  public void deadLetter(Exchange ex) {
    ManagementApi.respond(
        ex,
        202,
        () -> {
          String id = id(ex);
          String reason = ManagementApi.param(ex, "reason");
          if (reason == null) {
            JsonNode body = ManagementApi.optionalBody(ex);
            reason = body == null ? null : Json.text(body, "reason");
          }
          if (reason == null || reason.strip().length() < 3 || reason.length() > 500) {
            throw ApiException.badRequest("a reason of 3 to 500 characters is required");
          }
          reason = reason.strip();
          found(ex, parked.find(id, false));
          ApiPrincipal p = ApiSecurity.principal(ex);
          boolean decided = parked.deadLetter(id, reason, p.name());
          audit.record(
              AuditTrail.Entry.action(
                  p.name(),
                  p.role().id(),
                  "parked-dead-letter",
                  "parked:" + id,
                  decided ? "requested" : "conflict",
                  reason));
          if (!decided) {
            throw ApiException.conflict(
                "parked message " + id + " is already being dead-lettered by hand");
          }
          ObjectNode n = Json.object();
          n.put("id", id);
          n.put("outcome", "dead-lettering");
          n.put("reason", reason);
          n.put(
              "detail",
              "the parked route takes it now and dead-letters it with this reason (GET"
                  + " /api/v1/dead-letters?reason=...)");
          return n;
        });
  }

  private static ObjectNode found(Exchange ex, ObjectNode n) {
    if (n == null) {
      throw ApiException.notFound("no parked message " + ManagementApi.param(ex, "id"));
    }
    return n;
  }

  private static String id(Exchange ex) {
    String id = ManagementApi.param(ex, "id");
    if (id == null || !id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
      throw ApiException.notFound("'" + id + "' is not a parking id (a UUID)");
    }
    return id;
  }
}
