package at.telco.hub.api;

import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.Json;
import at.telco.hub.observe.KeyHash;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.SecurityDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and roles for every path under {@code /api/} on the business HTTP port, in front
 * of the routes (so also for the OpenAPI document and for paths that do not exist): HTTP Basic
 * (scripts, the command line) or a console session's bearer token; 401 without valid credentials,
 * 403 without the role. The role an endpoint needs is declared beside the endpoint, in the REST DSL
 * ({@code security: [{key: hubAuth, scopes: support}]}), and read from there; an endpoint without a
 * declared role is for admins only. Health and metrics are on the management port and stay open.
 *
 * <p>In front of the sign-in: a request other than GET/HEAD must not be one a cross-site form or
 * simple fetch can send (X-Requested-With or a JSON body, no foreign Origin: 403); failed sign-ins
 * back off ({@link SignInThrottle}: 429 before any bcrypt check). A 401 never challenges with
 * Basic. The caller goes to the routes out of band, as exchange properties ({@link #attach}).
 */
public final class ApiSecurity {

  public static final String SCHEME = "hubAuth";

  /**
   * Names the gate once used to hand the caller to the routes in a request header, which a query
   * parameter of the same name could join: the caller now goes out of band ({@link #attach}), and
   * any header or parameter of these names is removed from every request.
   */
  static final String USER_HEADER = "X-Hub-Authenticated-User";

  static final String ROLE_HEADER = "X-Hub-Authenticated-Role";
  private static final Logger LOG = LoggerFactory.getLogger(ApiSecurity.class);

  /** One endpoint of the API: its method, its path as a pattern, and the role it needs. */
  public record Endpoint(
      String method,
      String path,
      Pattern pattern,
      Role role,
      String routeId,
      String rateLimit,
      List<String> consumes) {}

  private final CamelContext context;
  private final ApiUsers users;
  private volatile List<Endpoint> endpoints;

  private volatile AuditTrail audit;
  private volatile OidcTokens oidc;
  private volatile RateLimits rateLimits;
  private volatile SignInThrottle throttle;
  private volatile Set<String> allowedOrigins = Set.of();

  /** Backs off failed sign-ins (429 with Retry-After before any password check). */
  public void throttleSignIns(SignInThrottle throttle) {
    this.throttle = throttle;
  }

  /**
   * Origins besides the API's own that may send state-changing requests ({@code
   * hub.api.allowed-origins}, e.g. the public address of a reverse proxy that rewrites Host).
   */
  public void allowOrigins(String origins) {
    Set<String> set = new java.util.HashSet<>();
    if (origins != null) {
      for (String o : origins.split(",")) {
        if (!o.isBlank()) {
          set.add(o.strip().toLowerCase(Locale.ROOT).replaceAll("/+$", ""));
        }
      }
    }
    this.allowedOrigins = Set.copyOf(set);
  }

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
    // the last route under /api/: what no operation took gets a problem document, where the
    // router would answer 404, 405, 406 or 415 with a page of its own
    router.route("/api/*").order(Integer.MAX_VALUE).handler(this::noOperation);
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
        String consumes = verb.getConsumes() != null ? verb.getConsumes() : rest.getConsumes();
        List<String> types = new ArrayList<>();
        if (consumes != null) {
          for (String type : consumes.split(",")) {
            if (!type.isBlank()) {
              types.add(mediaType(type));
            }
          }
        }
        list.add(
            new Endpoint(
                verb.asVerb().toUpperCase(Locale.ROOT),
                path,
                Pattern.compile(regex),
                role,
                verb.getRouteId(),
                rateLimit,
                List.copyOf(types)));
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

  /** How a caller proved who they are. */
  public enum Credential {
    BASIC,
    SESSION,
    JWT
  }

  /** A caller and the credential they used. */
  record Authenticated(ApiPrincipal principal, Credential credential) {}

  /** What the gate decided about one request. */
  private record Decision(Optional<Authenticated> caller, Role required, long retryAfter) {}

  /** Names a client might use to pose as the gate's result: removed from every request. */
  private static final List<String> SPOOFABLE = List.of(USER_HEADER, ROLE_HEADER);

  private void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    SPOOFABLE.forEach(request.headers()::remove);
    SPOOFABLE.forEach(request.params()::remove);
    String authorization = request.getHeader("Authorization");
    String method = request.method().name();
    String path = ctx.normalizedPath();
    String client = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    // a browser on another site must not be able to make a signed-in browser change anything
    String crossSite = crossSite(request);
    if (crossSite != null) {
      deny(ctx, new ApiException(403, "cross-site-request", crossSite));
      return;
    }
    // back-off of failed sign-ins: answered before any password is checked
    SignInThrottle t = throttle;
    if (t != null && authorization != null && client != null) {
      long wait = t.retryAfter(basicUser(authorization), client);
      if (wait > 0) {
        ctx.response().putHeader("Retry-After", Long.toString(wait));
        deny(
            ctx,
            new ApiException(
                429,
                "sign-in-throttled",
                "too many failed sign-ins from this address: try again in " + wait + " s"));
        return;
      }
    }
    // the body is read by the route's body handler after the gate: hold it until then
    request.pause();
    ctx.vertx()
        .executeBlocking(() -> decide(authorization, method, path, client), false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                if (ar.cause() instanceof RejectedExecutionException) {
                  ctx.response().putHeader("Retry-After", "1");
                  deny(ctx, new ApiException(503, "too many sign-ins at once: try again"));
                  return;
                }
                LOG.warn("authentication failed: {}", ar.cause().toString());
                deny(ctx, new ApiException(503, "authentication is not available right now"));
                return;
              }
              Optional<Authenticated> caller = ar.result().caller();
              if (caller.isEmpty()) {
                deny(
                    ctx,
                    new ApiException(
                        401, "authentication required (HTTP Basic or a session token)"));
                return;
              }
              ApiPrincipal principal = caller.get().principal();
              Role required = ar.result().required();
              if (!principal.has(required)) {
                deny(
                    ctx,
                    new ApiException(
                        403,
                        "user "
                            + principal.name()
                            + " ("
                            + principal.role().id()
                            + ") may not do this: it needs the role "
                            + required.id()));
                return;
              }
              String unsupported = unsupportedBody(request, method, path);
              if (unsupported != null) {
                deny(ctx, new ApiException(415, unsupported));
                return;
              }
              if (ar.result().retryAfter() > 0) {
                ctx.response().putHeader("Retry-After", Long.toString(ar.result().retryAfter()));
                deny(
                    ctx,
                    new ApiException(
                        429,
                        "too many requests of this kind for user "
                            + principal.name()
                            + ": try again in "
                            + ar.result().retryAfter()
                            + " s"));
                return;
              }
              // out of band: the route finds the caller by the request object, which no client
              // input can name (see attach)
              callers.put(request, caller.get());
              ctx.addEndHandler(v -> callers.remove(request));
              ctx.next();
            });
  }

  /**
   * Why a request that may change something is refused as possibly cross-site, or null. Every
   * method but GET and HEAD must be a request a plain HTML form or a simple cross-site fetch cannot
   * send (the header {@code X-Requested-With}, or a JSON content type), and come from the API's own
   * origin or from none (scripts, the command line).
   */
  String crossSite(HttpServerRequest request) {
    String method = request.method().name();
    if (method.equals("GET") || method.equals("HEAD")) {
      return null;
    }
    String origin = request.getHeader("Origin");
    if (origin != null && !sameOrigin(origin, request)) {
      return "a request that changes something must come from the hub's own origin, not " + origin;
    }
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      return "a request that changes something must not come from another site (Sec-Fetch-Site)";
    }
    if (request.getHeader("X-Requested-With") == null
        && !isJson(request.getHeader("Content-Type"))) {
      return "a request that changes something needs the header X-Requested-With (any value) or"
          + " a JSON body (Content-Type: application/json)";
    }
    return null;
  }

  private boolean sameOrigin(String origin, HttpServerRequest request) {
    String o = origin.strip().toLowerCase(Locale.ROOT);
    if (allowedOrigins.contains(o)) {
      return true;
    }
    // the request's own origin: its scheme and authority (Host, or :authority in HTTP/2)
    HostAndPort own = request.authority();
    if (own == null) {
      return false;
    }
    String scheme = request.isSSL() ? "https" : "http";
    int defaultPort = request.isSSL() ? 443 : 80;
    URI uri;
    try {
      uri = new URI(o);
    } catch (URISyntaxException e) {
      return false; // also "null", the origin of a sandboxed or privacy-sensitive context
    }
    int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
    int ownPort = own.port() < 0 ? defaultPort : own.port();
    return scheme.equals(uri.getScheme())
        && own.host().equalsIgnoreCase(uri.getHost())
        && port == ownPort
        && (uri.getRawPath() == null || uri.getRawPath().isEmpty());
  }

  /** The media type without parameters, in lower case; null for none. */
  private static String mediaType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  private static boolean isJson(String contentType) {
    return "application/json".equals(mediaType(contentType));
  }

  /** What an endpoint that declares nothing takes, if it takes a body: the API speaks JSON. */
  private static final List<String> JSON = List.of("application/json");

  /**
   * Why the request's body is refused (415), or null. An endpoint that needs a body declares what
   * it consumes in the REST DSL ({@code consumes}; Vert.x itself answers 415 to another or no
   * Content-Type there); any other endpoint takes no body or a JSON one.
   */
  private String unsupportedBody(HttpServerRequest request, String method, String path) {
    String length = request.getHeader("Content-Length");
    boolean body =
        request.getHeader("Transfer-Encoding") != null
            || (length != null && !length.strip().equals("0"));
    if (!body) {
      return null;
    }
    Optional<Endpoint> e = endpoint(method, path);
    if (e.isEmpty()) {
      return null; // not an endpoint: the router answers 404
    }
    List<String> accepted = e.get().consumes().isEmpty() ? JSON : e.get().consumes();
    String type = mediaType(request.getHeader("Content-Type"));
    if (type != null && accepted.contains(type)) {
      return null;
    }
    return notTaken(operation(method, e.get()), accepted, type, "a body without Content-Type");
  }

  /** An operation as the API's messages name it: its method and path template. */
  private static String operation(String method, Endpoint e) {
    return method + " " + e.path();
  }

  /** Why a request's media type is refused (415): what the operation takes instead. */
  private static String notTaken(
      String operation, List<String> accepted, String type, String withoutType) {
    return operation
        + " takes "
        + String.join(" or ", accepted)
        + ", not "
        + (type == null ? withoutType : type);
  }

  /** The user name of a Basic credential, or null (another scheme, or malformed). */
  static String basicUser(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).strip()),
              StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : decoded.substring(0, colon);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Authenticates (blocking: bcrypt on its own pool, the hub database), counts failed sign-ins for
   * the back-off and records them in the audit trail one burst at a time (the user name and the
   * client address only as keyed hashes), and records every request refused for a missing role or a
   * rate limit.
   */
  private Decision decide(String authorization, String method, String path, String client) {
    Optional<Authenticated> caller = authenticate(authorization);
    Role required = required(method, path);
    long retryAfter = 0;
    RateLimits limits = rateLimits;
    Optional<ApiPrincipal> principal = caller.map(Authenticated::principal);
    if (limits != null && principal.isPresent() && principal.get().has(required)) {
      String kind = endpoint(method, path).map(Endpoint::rateLimit).orElse(null);
      if (kind != null) {
        retryAfter = limits.take(principal.get().name(), kind).orElse(0);
      }
    }
    SignInThrottle t = throttle;
    String user = basicUser(authorization);
    List<AuditTrail.Entry> entries = new ArrayList<>();
    if (t != null && client != null && authorization != null) {
      if (caller.isEmpty()) {
        SignInThrottle.Failure f = t.failed(user, client);
        if (f.opensBurst()) {
          entries.add(
              loginFailed(
                  attemptedUser(authorization),
                  method
                      + " "
                      + path
                      + ", client "
                      + hashed(client)
                      + ": first failed sign-in of a burst (the burst's total follows when it"
                      + " ends)"));
        }
      } else if (user != null && caller.get().credential() == Credential.BASIC) {
        SignInThrottle.Burst b = t.succeeded(user, client);
        if (b != null) {
          entries.add(burstEntry(b, "ended by a successful sign-in"));
        }
      }
      if (caller.isEmpty() || System.nanoTime() - lastSweep > 10_000_000_000L) {
        lastSweep = System.nanoTime();
        t.ended().forEach(b -> entries.add(burstEntry(b, "ended after a quiet time")));
      }
    } else if (caller.isEmpty() && authorization != null) {
      entries.add(
          loginFailed(
              attemptedUser(authorization), method + " " + path + ", client " + hashed(client)));
    }
    if (retryAfter > 0) {
      entries.add(
          AuditTrail.Entry.action(
              principal.get().name(),
              principal.get().role().id(),
              "rate-limited",
              method + " " + path,
              "denied",
              "retry after " + retryAfter + " s"));
    } else if (principal.isPresent() && !principal.get().has(required)) {
      entries.add(
          AuditTrail.Entry.action(
              principal.get().name(),
              principal.get().role().id(),
              "forbidden",
              method + " " + path,
              "denied",
              "needs the role " + required.id()));
    }
    AuditTrail trail = audit;
    if (trail != null) {
      for (AuditTrail.Entry entry : entries) {
        try {
          trail.record(entry);
        } catch (RuntimeException e) {
          // the answer stays what it is (401, 403, 429); the failure to record it is logged
          LOG.warn("could not record a refused request in the audit trail: {}", e.toString());
        }
      }
    }
    return new Decision(caller, required, retryAfter);
  }

  private volatile long lastSweep = System.nanoTime();

  /** A refused sign-in in the audit trail: no actor (nobody signed in), the attempt's subject. */
  private static AuditTrail.Entry loginFailed(String subject, String detail) {
    return AuditTrail.Entry.action("-", null, "login-failed", subject, "denied", detail);
  }

  private AuditTrail.Entry burstEntry(SignInThrottle.Burst b, String how) {
    return loginFailed(
        b.user() == null ? "bearer" : "user#" + hashed(b.user()),
        "burst of "
            + b.failures()
            + " failed sign-ins and "
            + b.refused()
            + " refused tries (429) from "
            + b.first()
            + " to "
            + b.last()
            + ", client "
            + hashed(b.address())
            + ", "
            + how);
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

  Optional<Authenticated> authenticate(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).strip();
      OidcTokens jwts = oidc;
      if (jwts != null && OidcTokens.looksLikeJwt(token)) {
        return jwts.authenticate(token).map(p -> new Authenticated(p, Credential.JWT));
      }
      return users.session(token).map(p -> new Authenticated(p, Credential.SESSION));
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
      return users
          .authenticate(decoded.substring(0, colon), decoded.substring(colon + 1))
          .map(p -> new Authenticated(p, Credential.BASIC));
    }
    return Optional.empty();
  }

  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

  /**
   * A request under {@code /api/} that no operation took (the gate let it through: the caller is
   * signed in): 404 where no operation has its path, 405 (with {@code Allow}) where others than its
   * method do; for an operation's own method and path, which its route did not take: 415 for the
   * body's media type, 406 where {@code Accept} leaves out JSON, else 503 (its route is not
   * running: the hub is starting or stopping).
   */
  private void noOperation(RoutingContext ctx) {
    String method = ctx.request().method().name();
    String path = ctx.normalizedPath();
    Optional<Endpoint> e = endpoint(method, path);
    if (e.isPresent()) {
      List<String> consumes = e.get().consumes();
      String type = mediaType(ctx.request().getHeader("Content-Type"));
      String operation = operation(method, e.get());
      if (!consumes.isEmpty() && (type == null || !consumes.contains(type))) {
        deny(
            ctx,
            new ApiException(
                415, notTaken(operation, consumes, type, "a request without Content-Type")));
      } else if (!acceptsJson(ctx.request().getHeader("Accept"))) {
        deny(ctx, new ApiException(406, operation + " answers only application/json"));
      } else {
        deny(ctx, new ApiException(503, operation + " is not available right now"));
      }
      return;
    }
    List<String> allowed = METHODS.stream().filter(m -> endpoint(m, path).isPresent()).toList();
    if (allowed.isEmpty()) {
      deny(ctx, new ApiException(404, "no such resource: " + path));
    } else {
      ctx.response().putHeader("Allow", String.join(", ", allowed));
      deny(ctx, new ApiException(405, method + " is not an operation of " + path));
    }
  }

  /** Whether an {@code Accept} header (none: anything) takes JSON, the API's one answer type. */
  static boolean acceptsJson(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    for (String range : accept.split(",")) {
      String r = mediaType(range);
      if (r.equals("*/*") || r.equals("application/*") || r.equals("application/json")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Answers a refusal. A 401 names the schemes the hub takes but never challenges with {@code
   * Basic}: a browser would ask for a password and then send it with every request to the hub, also
   * with requests another site makes it send. Scripts send Basic credentials unasked.
   */
  private static void deny(RoutingContext ctx, ApiException e) {
    if (e.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"telco-hub\"");
    }
    ctx.response()
        .setStatusCode(e.status())
        .putHeader("Content-Type", "application/problem+json")
        .putHeader("Cache-Control", "no-store")
        .end(Json.write(e.problem()));
  }

  /** Exchange property with the caller ({@link ApiPrincipal}), set by {@link #attach}. */
  static final String PRINCIPAL_PROPERTY = "hub.api.principal";

  /** Exchange property with the credential the caller used ({@link Credential}). */
  static final String CREDENTIAL_PROPERTY = "hub.api.credential";

  private final Map<HttpServerRequest, Authenticated> callers =
      Collections.synchronizedMap(new IdentityHashMap<>());

  /**
   * Hands the caller the gate let through to the exchange of its request, as exchange properties
   * (no header, query parameter or body can set them), and removes any header a client sent under
   * the names the gate once used.
   */
  public void attach(Exchange exchange) {
    SPOOFABLE.forEach(exchange.getIn()::removeHeader);
    if (exchange.getIn() instanceof HttpMessage m && m.getRequest() != null) {
      Authenticated a = callers.remove(m.getRequest());
      if (a != null) {
        exchange.setProperty(PRINCIPAL_PROPERTY, a.principal());
        exchange.setProperty(CREDENTIAL_PROPERTY, a.credential());
      }
    }
  }

  /** Wraps a platform-http consumer's processor so that it {@link #attach}es the caller first. */
  public Processor attaching(Processor processor) {
    return new DelegateAsyncProcessor(processor) {
      @Override
      public boolean process(Exchange exchange, AsyncCallback callback) {
        attach(exchange);
        return super.process(exchange, callback);
      }
    };
  }

  /** The caller of a request that passed the gate. */
  public static ApiPrincipal principal(Exchange exchange) {
    ApiPrincipal p = exchange.getProperty(PRINCIPAL_PROPERTY, ApiPrincipal.class);
    if (p != null) {
      return p;
    }
    // never reached through HTTP: the gate answers 401 first
    throw new ApiException(401, "authentication required");
  }

  /** How the caller of a request that passed the gate signed in. */
  public static Credential credential(Exchange exchange) {
    Credential c = exchange.getProperty(CREDENTIAL_PROPERTY, Credential.class);
    if (c == null) {
      throw new ApiException(401, "authentication required");
    }
    return c;
  }

  static ObjectNode describe(Endpoint e) {
    ObjectNode n = Json.object();
    n.put("method", e.method());
    n.put("path", e.path());
    n.put("role", e.role().id());
    return n;
  }
}
