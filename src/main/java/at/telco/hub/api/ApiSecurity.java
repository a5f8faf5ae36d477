package at.telco.hub.api;

import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.Json;
import at.telco.hub.observe.KeyHash;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.SecurityDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and roles for every path under {@code /api/} on the business HTTP port, in front
 * of the routes (so also for the OpenAPI document and for paths that do not exist): HTTP Basic
 * (scripts, the command line) or a console session's bearer token; 401 without valid credentials,
 * 403 without the role. The role an endpoint needs is declared beside the endpoint, in the REST DSL
 * ({@code security: [{key: hubAuth, scopes: support}]}), and read from there; an endpoint without a
 * declared role is for admins only. Health and metrics are on the management port and stay open.
 */
public final class ApiSecurity {

  public static final String SCHEME = "hubAuth";

  /** Set by the gate on every request it lets through (any value a client sent is removed). */
  static final String USER_HEADER = "X-Hub-Authenticated-User";

  static final String ROLE_HEADER = "X-Hub-Authenticated-Role";
  private static final Logger LOG = LoggerFactory.getLogger(ApiSecurity.class);

  /** One endpoint of the API: its method, its path as a pattern, and the role it needs. */
  public record Endpoint(
      String method, String path, Pattern pattern, Role role, String routeId, String rateLimit) {}

  private final CamelContext context;
  private final ApiUsers users;
  private volatile List<Endpoint> endpoints;

  private volatile AuditTrail audit;
  private volatile OidcTokens oidc;
  private volatile RateLimits rateLimits;

  /** Limits replays and bulk operations per user (429 with Retry-After). */
  public void limitRates(RateLimits rateLimits) {
    this.rateLimits = rateLimits;
  }

  /** Accepts bearer JWTs of the identity provider besides users and sessions. */
  public void acceptJwts(OidcTokens oidc) {
    this.oidc = oidc;
  }

  private volatile KeyHash keyHash;

  public ApiSecurity(CamelContext context, ApiUsers users) {
    this.context = context;
    this.users = users;
  }

  /**
   * Records failed sign-ins and refused requests in {@code audit}; names and addresses in them are
   * hashed with {@code keyHash}.
   */
  public void auditWith(AuditTrail audit, KeyHash keyHash) {
    this.audit = audit;
    this.keyHash = keyHash;
  }

  private boolean installed;

  /** Puts the gate in front of {@code /api/} on the business HTTP server, once. */
  public synchronized void installOnce(int port) {
    if (!installed) {
      install(port);
      installed = true;
    }
  }

  /** Puts the gate in front of {@code /api/} on the business HTTP server of {@code port}. */
  private void install(int port) {
    VertxPlatformHttpRouter router =
        VertxPlatformHttpRouter.lookup(
            context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
    if (router == null) {
      throw new IllegalStateException(
          "no business HTTP server on port " + port + ": the management API cannot be protected");
    }
    router.route("/api/*").order(-1000).handler(this::handle);
    LOG.info("management API on port {}: authentication required for /api/", port);
  }

  /** Every endpoint of the REST DSL with the role it needs. */
  public List<Endpoint> endpoints() {
    List<Endpoint> e = endpoints;
    if (e == null) {
      e = readEndpoints();
      endpoints = e;
    }
    return e;
  }

  private List<Endpoint> readEndpoints() {
    Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
    String contextPath = trimSlashes(context.getRestConfiguration().getContextPath());
    List<Endpoint> list = new ArrayList<>();
    for (RestDefinition rest : model.getRestDefinitions()) {
      for (VerbDefinition verb : rest.getVerbs()) {
        String path =
            "/" + join(contextPath, trimSlashes(rest.getPath()), trimSlashes(verb.getPath()));
        Role role = Role.ADMIN;
        String rateLimit = null;
        List<SecurityDefinition> security = verb.getSecurity();
        if (security != null && !security.isEmpty() && security.get(0).getScopes() != null) {
          // scopes: the role, then optionally the rate-limit class (replay, bulk)
          String[] scopes = security.get(0).getScopes().split(",");
          role = Role.parse(scopes[0]);
          if (scopes.length > 1) {
            rateLimit = scopes[1].strip();
          }
        }
        String regex = Pattern.quote(path).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
        list.add(
            new Endpoint(
                verb.asVerb().toUpperCase(Locale.ROOT),
                path,
                Pattern.compile(regex),
                role,
                verb.getRouteId(),
                rateLimit));
      }
    }
    return List.copyOf(list);
  }

  private static String join(String... parts) {
    StringBuilder b = new StringBuilder();
    for (String p : parts) {
      if (!p.isEmpty()) {
        if (b.length() > 0) {
          b.append('/');
        }
        b.append(p);
      }
    }
    return b.toString();
  }

  private static String trimSlashes(String s) {
    if (s == null) {
      return "";
    }
    return s.replaceAll("^/+|/+$", "");
  }

  private Optional<Endpoint> endpoint(String method, String path) {
    String m = method.toUpperCase(Locale.ROOT);
    for (Endpoint e : endpoints()) {
      if ((e.method().equals(m) || (m.equals("HEAD") && e.method().equals("GET")))
          && e.pattern().matcher(path).matches()) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The role a request needs: the endpoint's, viewer for the OpenAPI document, else admin. */
  public Role required(String method, String path) {
    Optional<Endpoint> e = endpoint(method, path);
    if (e.isPresent()) {
      return e.get().role();
    }
    if (path.endsWith("/openapi.json")) {
      return Role.VIEWER;
    }
    return Role.ADMIN;
  }

  /** What the gate decided about one request. */
  private record Decision(Optional<ApiPrincipal> principal, Role required, long retryAfter) {}

  private void handle(RoutingContext ctx) {
    ctx.request().headers().remove(USER_HEADER);
    ctx.request().headers().remove(ROLE_HEADER);
    String authorization = ctx.request().getHeader("Authorization");
    String method = ctx.request().method().name();
    String path = ctx.normalizedPath();
    String client =
        ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    boolean console = ctx.request().getHeader("X-Requested-With") != null;
    // the body is read by the route's body handler after the gate: hold it until then
    ctx.request().pause();
    ctx.vertx()
        .executeBlocking(() -> decide(authorization, method, path, client), false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn("authentication failed: {}", ar.cause().toString());
                deny(
                    ctx, new ApiException(503, "authentication is not available right now"), false);
                return;
              }
              Optional<ApiPrincipal> principal = ar.result().principal();
              if (principal.isEmpty()) {
                deny(
                    ctx,
                    new ApiException(
                        401, "authentication required (HTTP Basic or a session token)"),
                    !console);
                return;
              }
              Role required = ar.result().required();
              if (!principal.get().has(required)) {
                deny(
                    ctx,
                    new ApiException(
                        403,
                        "user "
                            + principal.get().name()
                            + " ("
                            + principal.get().role().id()
                            + ") may not do this: it needs the role "
                            + required.id()),
                    false);
                return;
              }
              if (ar.result().retryAfter() > 0) {
                ctx.response().putHeader("Retry-After", Long.toString(ar.result().retryAfter()));
                deny(
                    ctx,
                    new ApiException(
                        429,
                        "too many requests of this kind for user "
                            + principal.get().name()
                            + ": try again in "
                            + ar.result().retryAfter()
                            + " s"),
                    false);
                return;
              }
              // the gate is the only one that sets these: whatever a client sent is replaced
              ctx.request().headers().set(USER_HEADER, principal.get().name());
              ctx.request().headers().set(ROLE_HEADER, principal.get().role().id());
              ctx.next();
            });
  }

  /**
   * Authenticates (blocking: bcrypt, the hub database) and records in the audit trail every failed
   * sign-in (the user name and the client address only as keyed hashes) and every request refused
   * for a missing role.
   */
  private Decision decide(String authorization, String method, String path, String client) {
    Optional<ApiPrincipal> principal = authenticate(authorization);
    Role required = required(method, path);
    long retryAfter = 0;
    RateLimits limits = rateLimits;
    if (limits != null && principal.isPresent() && principal.get().has(required)) {
      String kind = endpoint(method, path).map(Endpoint::rateLimit).orElse(null);
      if (kind != null) {
        retryAfter = limits.take(principal.get().name(), kind).orElse(0);
      }
    }
    AuditTrail trail = audit;
    if (trail != null) {
      try {
        if (principal.isEmpty() && authorization != null) {
          trail.record(
              AuditTrail.Entry.action(
                  "-",
                  null,
                  "login-failed",
                  attemptedUser(authorization),
                  "denied",
                  method + " " + path + ", client " + hashed(client)));
        } else if (retryAfter > 0) {
          trail.record(
              AuditTrail.Entry.action(
                  principal.get().name(),
                  principal.get().role().id(),
                  "rate-limited",
                  method + " " + path,
                  "denied",
                  "retry after " + retryAfter + " s"));
        } else if (principal.isPresent() && !principal.get().has(required)) {
          trail.record(
              AuditTrail.Entry.action(
                  principal.get().name(),
                  principal.get().role().id(),
                  "forbidden",
                  method + " " + path,
                  "denied",
                  "needs the role " + required.id()));
        }
      } catch (RuntimeException e) {
        // the answer stays what it is (401 or 403); the failure to record it is logged
        LOG.warn("could not record a refused request in the audit trail: {}", e.toString());
      }
    }
    return new Decision(principal, required, retryAfter);
  }

  /** Who a failed sign-in claimed to be, as a keyed hash (it may be a mistyped password). */
  private String attemptedUser(String authorization) {
    if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).strip()),
                StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return "user#" + hashed(colon < 0 ? decoded : decoded.substring(0, colon));
      } catch (IllegalArgumentException e) {
        return "basic:malformed";
      }
    }
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return OidcTokens.looksLikeJwt(authorization.substring(7).strip())
          ? "bearer-jwt"
          : "bearer-token";
    }
    return "unknown-scheme";
  }

  private String hashed(String value) {
    if (value == null) {
      return "-";
    }
    KeyHash h = keyHash;
    return h == null ? "(unhashed: no key)" : h.hash(value);
  }

  Optional<ApiPrincipal> authenticate(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).strip();
      OidcTokens jwts = oidc;
      if (jwts != null && OidcTokens.looksLikeJwt(token)) {
        return jwts.authenticate(token);
      }
      return users.session(token);
    }
    if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).strip()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return Optional.empty();
      }
      return users.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
    return Optional.empty();
  }

  private static void deny(RoutingContext ctx, ApiException e, boolean challenge) {
    if (challenge) {
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"telco-hub\", charset=\"UTF-8\"");
    }
    ctx.response()
        .setStatusCode(e.status())
        .putHeader("Content-Type", "application/problem+json")
        .putHeader("Cache-Control", "no-store")
        .end(Json.write(e.problem()));
  }

  /** The caller of a request that passed the gate. */
  public static ApiPrincipal principal(Exchange exchange) {
    String user = exchange.getMessage().getHeader(USER_HEADER, String.class);
    String role = exchange.getMessage().getHeader(ROLE_HEADER, String.class);
    if (user != null && role != null) {
      return new ApiPrincipal(user, Role.parse(role));
    }
    // never reached through HTTP: the gate answers 401 first
    throw new ApiException(401, "authentication required");
  }

  static ObjectNode describe(Endpoint e) {
    ObjectNode n = Json.object();
    n.put("method", e.method());
    n.put("path", e.path());
    n.put("role", e.role().id());
    return n;
  }
}
