package at.telco.hub.api;

import at.telco.hub.canonical.Json;
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
  public record Endpoint(String method, String path, Pattern pattern, Role role, String routeId) {}

  private final CamelContext context;
  private final ApiUsers users;
  private volatile List<Endpoint> endpoints;

  public ApiSecurity(CamelContext context, ApiUsers users) {
    this.context = context;
    this.users = users;
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
        List<SecurityDefinition> security = verb.getSecurity();
        if (security != null && !security.isEmpty() && security.get(0).getScopes() != null) {
          role = Role.parse(security.get(0).getScopes().split(",")[0]);
        }
        String regex = Pattern.quote(path).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
        list.add(
            new Endpoint(
                verb.asVerb().toUpperCase(Locale.ROOT),
                path,
                Pattern.compile(regex),
                role,
                verb.getRouteId()));
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

  /** The role a request needs: the endpoint's, viewer for the OpenAPI document, else admin. */
  public Role required(String method, String path) {
    String m = method.toUpperCase(Locale.ROOT);
    for (Endpoint e : endpoints()) {
      if ((e.method().equals(m) || (m.equals("HEAD") && e.method().equals("GET")))
          && e.pattern().matcher(path).matches()) {
        return e.role();
      }
    }
    if (path.endsWith("/openapi.json")) {
      return Role.VIEWER;
    }
    return Role.ADMIN;
  }

  private void handle(RoutingContext ctx) {
    ctx.request().headers().remove(USER_HEADER);
    ctx.request().headers().remove(ROLE_HEADER);
    String authorization = ctx.request().getHeader("Authorization");
    String method = ctx.request().method().name();
    String path = ctx.normalizedPath();
    boolean console = ctx.request().getHeader("X-Requested-With") != null;
    // the body is read by the route's body handler after the gate: hold it until then
    ctx.request().pause();
    ctx.vertx()
        .executeBlocking(() -> authenticate(authorization), false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn("authentication failed: {}", ar.cause().toString());
                deny(
                    ctx, new ApiException(503, "authentication is not available right now"), false);
                return;
              }
              Optional<ApiPrincipal> principal = ar.result();
              if (principal.isEmpty()) {
                deny(
                    ctx,
                    new ApiException(
                        401, "authentication required (HTTP Basic or a session token)"),
                    !console);
                return;
              }
              Role required = required(method, path);
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
              // the gate is the only one that sets these: whatever a client sent is replaced
              ctx.request().headers().set(USER_HEADER, principal.get().name());
              ctx.request().headers().set(ROLE_HEADER, principal.get().role().id());
              ctx.next();
            });
  }

  Optional<ApiPrincipal> authenticate(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return users.session(authorization.substring(7).strip());
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
