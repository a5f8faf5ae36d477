package at.telco.hub.api;

import at.telco.hub.audit.AuditChain;
import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.Json;
import at.telco.hub.deadletter.BulkReplays;
import at.telco.hub.deadletter.DeadLetterFilter;
import at.telco.hub.deadletter.DeadLetterSearch;
import at.telco.hub.deadletter.DeadLetterWorkbench;
import at.telco.hub.failure.Refused;
import at.telco.hub.failure.TargetUnavailableException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API's operations, called by the REST DSL ({@code
 * routes/management-api.camel.yaml}) after {@link ApiSecurity} let the request through: reads the
 * request's parameters, calls the dead-letter workbench, and answers JSON (a problem document when
 * it cannot do what was asked).
 */
public final class ManagementApi {

  private static final Logger LOG = LoggerFactory.getLogger(ManagementApi.class);
  private static final int MAX_PAGE = 500;

  private final ApiUsers users;
  private final ApiSecurity security;
  private final DeadLetterSearch search;
  private final DeadLetterWorkbench workbench;
  private final BulkReplays bulk;
  private final AuditTrail audit;
  private final AuditChain chain;

  public ManagementApi(
      ApiUsers users,
      ApiSecurity security,
      DeadLetterSearch search,
      DeadLetterWorkbench workbench,
      BulkReplays bulk,
      AuditTrail audit,
      AuditChain chain) {
    this.chain = chain;
    this.users = users;
    this.security = security;
    this.search = search;
    this.workbench = workbench;
    this.bulk = bulk;
    this.audit = audit;
  }

  // ---- session ---------------------------------------------------------------------------------

  /**
   * Opens a session for a caller who signed in with HTTP Basic or a JWT; a session token cannot
   * open another (a stolen token would otherwise live for ever), so a session ends at its absolute
   * lifetime.
   */
  public void login(Exchange ex) {
    respond(
        ex,
        201,
        () -> {
          if (ApiSecurity.credential(ex) == ApiSecurity.Credential.SESSION) {
            throw new ApiException(
                403,
                "a session token cannot open another session: sign in with HTTP Basic or a JWT");
          }
          return users.openSession(ApiSecurity.principal(ex));
        });
  }

  public void whoami(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          ApiPrincipal p = ApiSecurity.principal(ex);
          ObjectNode n = Json.object();
          n.put("user", p.name());
          n.put("role", p.role().id());
          return n;
        });
  }

  public void logout(Exchange ex) {
    respond(
        ex,
        204,
        () -> {
          String auth = ex.getMessage().getHeader("Authorization", String.class);
          if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            users.closeSession(auth.substring(7).strip());
          }
          return null;
        });
  }

  public void changePassword(Exchange ex) {
    respond(
        ex,
        204,
        () -> {
          JsonNode body = body(ex);
          users.changePassword(
              ApiSecurity.principal(ex).name(),
              Json.text(body, "currentPassword"),
              Json.text(body, "newPassword"));
          ApiPrincipal p = ApiSecurity.principal(ex);
          audit.record(
              AuditTrail.Entry.action(
                  p.name(), p.role().id(), "change-password", "user:" + p.name(), "changed", null));
          return null;
        });
  }

  // ---- dead letters ----------------------------------------------------------------------------

  public void listDeadLetters(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          int limit = intParam(ex, "limit", 50, 1, MAX_PAGE);
          return search.page(filter(ex), limit, param(ex, "cursor"));
        });
  }

  public void summary(Exchange ex) {
    respond(ex, 200, search::summary);
  }

  public void detail(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          boolean bodies = ApiSecurity.principal(ex).has(Role.SUPPORT);
          ObjectNode d = search.detail(id(ex), bodies);
          if (d == null) {
            throw ApiException.notFound("no dead letter " + param(ex, "id"));
          }
          d.set("audit", audit.search(id(ex), null, null, null, null, 100));
          return d;
        });
  }

  public void replay(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          JsonNode request = optionalBody(ex);
          String edited = null;
          JsonNode b = request == null ? null : request.get("body");
          if (b != null && !b.isNull()) {
            edited = b.isTextual() ? b.asText() : Json.write(b);
          }
          return workbench.replay(id(ex), edited, ApiSecurity.principal(ex).name(), null);
        });
  }

  public void resync(Exchange ex) {
    respond(ex, 200, () -> workbench.resync(id(ex), ApiSecurity.principal(ex).name()));
  }

  public void discard(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          String reason = param(ex, "reason");
          if (reason == null) {
            JsonNode body = optionalBody(ex);
            reason = body == null ? null : Json.text(body, "reason");
          }
          return workbench.discard(id(ex), reason, ApiSecurity.principal(ex).name());
        });
  }

  public void deadLetterAudit(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          ObjectNode n = Json.object();
          n.set("items", audit.search(id(ex), null, null, null, null, 500));
          return n;
        });
  }

  // ---- bulk replay -----------------------------------------------------------------------------

  public void bulkReplay(Exchange ex) {
    respond(
        ex,
        202,
        () -> {
          JsonNode r = optionalBody(ex);
          if (r == null) {
            r = Json.object();
          }
          DeadLetterFilter f =
              new DeadLetterFilter(
                  Json.text(r, "target"),
                  Json.text(r, "businessKey"),
                  Json.text(r, "reason"),
                  instant(Json.text(r, "since"), "since"),
                  DeadLetterFilter.statuses(Json.text(r, "status")));
          int limit =
              bounded(r.path("limit").asInt(BulkReplays.MAX_JOB), 1, BulkReplays.MAX_JOB, "limit");
          if (r.path("dryRun").asBoolean(false)) {
            ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            return bulk.dryRun(f, limit);
          }
          int batch =
              bounded(r.path("batchSize").asInt(100), 1, BulkReplays.MAX_BATCH, "batchSize");
          ObjectNode job = bulk.start(f, batch, limit, ApiSecurity.principal(ex).name());
          ex.getMessage().setHeader("Location", "/api/v1/replay-jobs/" + Json.text(job, "id"));
          return job;
        });
  }

  public void jobs(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          ObjectNode n = Json.object();
          n.set("items", bulk.list(null, intParam(ex, "limit", 20, 1, 200)));
          return n;
        });
  }

  public void job(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          ObjectNode job = bulk.get(id(ex));
          if (job == null) {
            throw ApiException.notFound("no bulk replay " + param(ex, "id"));
          }
          return job;
        });
  }

  public void stopJob(Exchange ex) {
    respond(ex, 200, () -> bulk.stop(id(ex), ApiSecurity.principal(ex).name()));
  }

  // ---- audit, users, endpoints -----------------------------------------------------------------

  public void auditSearch(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          String dl = param(ex, "deadLetterId");
          String before = param(ex, "before");
          ObjectNode n = Json.object();
          Instant from = instant(param(ex, "from"), "from");
          if (from == null) {
            from = instant(param(ex, "since"), "since");
          }
          long beforeId;
          try {
            beforeId = before == null ? 0 : Long.parseLong(before);
          } catch (NumberFormatException e) {
            throw ApiException.badRequest("before must be an entry id");
          }
          n.set(
              "items",
              audit.search(
                  new AuditTrail.Filter(
                      dl == null ? null : uuid(dl, "deadLetterId"),
                      param(ex, "actor"),
                      param(ex, "action"),
                      param(ex, "object"),
                      from,
                      instant(param(ex, "to"), "to"),
                      before == null ? null : beforeId,
                      intParam(ex, "limit", 100, 1, 1000))));
          return n;
        });
  }

  /** Verifies every chain and seal of the audit trail; the verification is itself recorded. */
  public void auditVerify(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          ObjectNode report = chain.verify();
          ApiPrincipal p = ApiSecurity.principal(ex);
          audit.record(
              AuditTrail.Entry.action(
                  p.name(),
                  p.role().id(),
                  "audit-verify",
                  "audit-trail",
                  report.get("ok").asBoolean() ? "ok" : "problems",
                  report.get("problems").size()
                      + " problems in "
                      + report.get("entries").asLong()
                      + " entries"));
          return report;
        });
  }

  public void listUsers(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          ObjectNode n = Json.object();
          n.set("items", users.list());
          return n;
        });
  }

  public void putUser(Exchange ex) {
    respond(
        ex,
        204,
        () -> {
          JsonNode b = body(ex);
          String name = param(ex, "name");
          String role = Json.text(b, "role");
          if (role == null) {
            throw ApiException.badRequest("role is required (viewer, support, operator, admin)");
          }
          users.put(name, Json.text(b, "password"), Role.parse(role));
          ApiPrincipal p = ApiSecurity.principal(ex);
          audit.record(
              AuditTrail.Entry.action(
                  p.name(), p.role().id(), "put-user", "user:" + name, "saved", "role " + role));
          return null;
        });
  }

  public void deleteUser(Exchange ex) {
    respond(
        ex,
        204,
        () -> {
          String name = param(ex, "name");
          if (name.equals(ApiSecurity.principal(ex).name())) {
            throw ApiException.conflict("you cannot remove yourself");
          }
          if (!users.delete(name)) {
            throw ApiException.notFound("no user " + name + " in the hub database");
          }
          ApiPrincipal p = ApiSecurity.principal(ex);
          audit.record(
              AuditTrail.Entry.action(
                  p.name(), p.role().id(), "delete-user", "user:" + name, "deleted", null));
          return null;
        });
  }

  public void endpoints(Exchange ex) {
    respond(
        ex,
        200,
        () -> {
          ArrayNode list = Json.MAPPER.createArrayNode();
          security.endpoints().forEach(e -> list.add(ApiSecurity.describe(e)));
          ObjectNode n = Json.object();
          n.set("items", list);
          return n;
        });
  }

  // ---- plumbing --------------------------------------------------------------------------------

  static void respond(Exchange ex, int status, Supplier<JsonNode> action) {
    Message m = ex.getMessage();
    JsonNode result;
    int code = status;
    try {
      result = action.get();
      Integer set = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
      if (set != null) {
        code = set;
      }
    } catch (ApiException e) {
      code = e.status();
      result = e.problem();
    } catch (Refused e) {
      ApiException refused = ApiException.of(e);
      code = refused.status();
      result = refused.problem();
    } catch (IllegalArgumentException e) {
      ApiException bad = ApiException.badRequest(e.getMessage());
      code = 400;
      result = bad.problem();
    } catch (TargetUnavailableException e) {
      ApiException down = new ApiException(503, e.getMessage());
      code = 503;
      result = down.problem();
    } catch (RuntimeException e) {
      LOG.error("management API {} failed: {}", ex.getFromRouteId(), e.toString(), e);
      ApiException failed = new ApiException(500, "the hub could not do this: see its log");
      code = 500;
      result = failed.problem();
    }
    String location = m.getHeader("Location", String.class);
    m.removeHeaders("*");
    m.setHeader(Exchange.HTTP_RESPONSE_CODE, code);
    m.setHeader("Cache-Control", "no-store");
    if (location != null) {
      m.setHeader("Location", location);
    }
    if (code == 204 || result == null) {
      m.setBody(null);
    } else {
      m.setHeader(
          Exchange.CONTENT_TYPE, code >= 400 ? "application/problem+json" : "application/json");
      m.setBody(Json.write(result));
    }
  }

  private static DeadLetterFilter filter(Exchange ex) {
    return new DeadLetterFilter(
        param(ex, "target"),
        param(ex, "businessKey"),
        param(ex, "reason"),
        instant(param(ex, "since"), "since"),
        DeadLetterFilter.statuses(param(ex, "status")));
  }

  static String param(Exchange ex, String name) {
    String v = ex.getMessage().getHeader(name, String.class);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static UUID id(Exchange ex) {
    return uuid(param(ex, "id"), "id");
  }

  static UUID uuid(String s, String name) {
    try {
      return UUID.fromString(s);
    } catch (RuntimeException e) {
      throw ApiException.notFound("'" + s + "' is not a " + name + " (a UUID)");
    }
  }

  private static Instant instant(String s, String name) {
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(name + " is an ISO-8601 instant, e.g. 2026-11-27T03:00:00Z");
    }
  }

  static int intParam(Exchange ex, String name, int fallback, int min, int max) {
    String v = param(ex, name);
    if (v == null) {
      return fallback;
    }
    try {
      return bounded(Integer.parseInt(v), min, max, name);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " is a number from " + min + " to " + max);
    }
  }

  private static int bounded(int v, int min, int max, String name) {
    if (v < min || v > max) {
      throw ApiException.badRequest(name + " is a number from " + min + " to " + max);
    }
    return v;
  }

  private static JsonNode body(Exchange ex) {
    JsonNode b = optionalBody(ex);
    if (b == null) {
      throw ApiException.badRequest("a JSON body is required");
    }
    return b;
  }

  static JsonNode optionalBody(Exchange ex) {
    String text = ex.getMessage().getBody(String.class);
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      JsonNode n = Json.parse(text);
      if (n.isNull()) {
        return null; // an optional body a client sends as JSON null (generated clients do)
      }
      if (!n.isObject()) {
        throw ApiException.badRequest("the request body is a JSON object");
      }
      return n;
    } catch (at.telco.hub.canonical.MalformedMessageException e) {
      throw ApiException.badRequest("the request body: " + e.getMessage());
    }
  }
}
