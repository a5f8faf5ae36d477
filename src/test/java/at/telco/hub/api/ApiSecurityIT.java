package at.telco.hub.api;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.Json;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.ApiContractCheck;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.SharedHub;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the management API, enumerated from the hub's own REST definitions, answers 401
 * without (or with wrong) credentials and 403 to a user below its role; the OpenAPI document
 * describes exactly these endpoints; health and metrics stay open.
 */
class ApiSecurityIT {

  static HubInstance hub;
  static int port;

  @BeforeAll
  static void start() {
    hub = SharedHub.get();
    port = Api.port(hub);
  }

  record Endpoint(String method, String path, String role) {
    String concrete() {
      return path.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
    }
  }

  /** The endpoints as the running hub defines them (not as the API reports them). */
  static List<Endpoint> defined() {
    Model model = hub.context().getCamelContextExtension().getContextPlugin(Model.class);
    List<Endpoint> list = new ArrayList<>();
    for (RestDefinition rest : model.getRestDefinitions()) {
      for (VerbDefinition verb : rest.getVerbs()) {
        String path = "/api/v1" + rest.getPath() + (verb.getPath() == null ? "" : verb.getPath());
        String role =
            verb.getSecurity() == null || verb.getSecurity().isEmpty()
                ? null
                // the role, then optionally the rate-limit class
                : verb.getSecurity().get(0).getScopes().split(",")[0];
        list.add(new Endpoint(verb.asVerb().toUpperCase(Locale.ROOT), path, role));
      }
    }
    return list;
  }

  /**
   * The role each endpoint needs, as reviewed: an endpoint the hub defines that is missing here, or
   * whose role differs, fails the build (add it here deliberately, with its role).
   */
  static final Map<String, String> ROLE_TABLE =
      Map.ofEntries(
          entry("GET /api/v1/session", "viewer"),
          entry("POST /api/v1/session", "viewer"),
          entry("PUT /api/v1/session/password", "viewer"),
          entry("DELETE /api/v1/session", "viewer"),
          entry("GET /api/v1/overview", "viewer"),
          entry("GET /api/v1/dead-letters", "viewer"),
          entry("GET /api/v1/dead-letters/summary", "viewer"),
          entry("GET /api/v1/dead-letters/{id}", "viewer"),
          entry("GET /api/v1/dead-letters/{id}/audit", "viewer"),
          entry("POST /api/v1/dead-letters/replay", "support"),
          entry("POST /api/v1/dead-letters/{id}/replay", "support"),
          entry("POST /api/v1/dead-letters/{id}/resync", "support"),
          entry("DELETE /api/v1/dead-letters/{id}", "support"),
          entry("GET /api/v1/parked", "viewer"),
          entry("GET /api/v1/parked/{id}", "viewer"),
          entry("POST /api/v1/parked/{id}/release", "support"),
          entry("POST /api/v1/parked/{id}/dead-letter", "support"),
          entry("GET /api/v1/replay-jobs", "viewer"),
          entry("GET /api/v1/replay-jobs/{id}", "viewer"),
          entry("POST /api/v1/replay-jobs/{id}/stop", "support"),
          entry("GET /api/v1/audit", "viewer"),
          entry("GET /api/v1/audit/verify", "admin"),
          entry("GET /api/v1/users", "admin"),
          entry("PUT /api/v1/users/{name}", "admin"),
          entry("DELETE /api/v1/users/{name}", "admin"),
          entry("GET /api/v1/endpoints", "viewer"),
          entry("GET /api/v1/reconciliations", "viewer"),
          entry("GET /api/v1/reconciliations/{id}", "viewer"),
          entry("POST /api/v1/reconciliations", "operator"),
          entry("GET /api/v1/schema-drift", "viewer"),
          entry("POST /api/v1/schema-drift/check", "operator"),
          entry("POST /api/v1/resync", "operator"),
          entry("POST /api/v1/resync/customerdb/rebuild", "admin"),
          entry("GET /api/v1/consistency-jobs/{id}", "viewer"),
          entry("GET /api/v1/erasures", "viewer"),
          entry("GET /api/v1/erasures/{id}", "viewer"));

  /** Paths on the business port that answer without credentials: the console's static files. */
  static final Set<String> PUBLIC = Set.of("/console", "/");

  @Test
  void everyDefinedEndpointIsInTheRoleTableWithItsRole() {
    Map<String, String> defined = new TreeMap<>();
    for (Endpoint e : defined()) {
      defined.put(e.method() + " " + e.path(), e.role());
    }
    assertThat(defined).isEqualTo(new TreeMap<>(ROLE_TABLE));
  }

  /**
   * Every HTTP endpoint registered on the business port at run time (REST DSL or a plain
   * platform-http route) is either behind the gate (under /api/, and then a REST endpoint with a
   * role) or one of the console's public paths; and the public ones hand out no data.
   */
  @Test
  void everyRegisteredHttpEndpointIsProtectedOrDeliberatelyPublic() {
    PlatformHttpComponent http =
        hub.context().getComponent("platform-http", PlatformHttpComponent.class);
    Set<HttpEndpointModel> registered = http.getHttpEndpoints();
    Set<String> restPaths = new TreeSet<>();
    defined().forEach(e -> restPaths.add(e.path()));
    Set<String> registeredApi = new TreeSet<>();
    Api anonymous = Api.as(port, null);
    for (HttpEndpointModel m : registered) {
      String uri = m.getUri();
      if (uri.equals("/api/v1/openapi.json")) {
        // the generated document: behind the gate (viewer), not a REST verb of its own
        assertThat(anonymous.get(uri).status()).isEqualTo(401);
      } else if (uri.startsWith("/api/")) {
        assertThat(restPaths).as("%s is a REST endpoint with a role", uri).contains(uri);
        assertThat(m.getVerbs()).as("verbs of %s", uri).isNotBlank();
        for (String verb : m.getVerbs().split(",")) {
          String v = verb.strip().toUpperCase(Locale.ROOT);
          registeredApi.add(v + " " + uri);
          String concrete = uri.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
          assertThat(anonymous.send(v, concrete, null).status())
              .as("%s %s without credentials", v, uri)
              .isEqualTo(401);
        }
      } else {
        assertThat(PUBLIC).as("%s answers without credentials: is it meant to?", uri).contains(uri);
        Api.Answer a = anonymous.get(uri);
        assertThat(a.status()).as("public %s", uri).isIn(200, 301, 302, 303, 307, 308);
        assertThat(a.body()).doesNotContain("deadLetterId").doesNotContain("\"actor\"");
      }
    }
    // what answers is in the role table, and every path of the table answers (Camel's registry
    // keeps some verbs of a path only once, so verbs are compared one way)
    assertThat(ROLE_TABLE.keySet()).containsAll(registeredApi);
    Set<String> registeredPaths = new TreeSet<>();
    registeredApi.forEach(k -> registeredPaths.add(k.substring(k.indexOf(' ') + 1)));
    Set<String> tablePaths = new TreeSet<>();
    ROLE_TABLE.keySet().forEach(k -> tablePaths.add(k.substring(k.indexOf(' ') + 1)));
    assertThat(registeredPaths).isEqualTo(tablePaths);
    // nothing public under a path that looks like the API
    assertThat(anonymous.get("/api").status()).isIn(401, 404);
  }

  @Test
  void everyEndpointDeclaresARoleAndAnswers401WithoutValidCredentials() {
    List<Endpoint> endpoints = defined();
    assertThat(endpoints).hasSizeGreaterThan(15);
    Api anonymous = Api.as(port, null);
    Api badToken = Api.withAuthorization(port, "Bearer " + UUID.randomUUID());
    for (Endpoint e : endpoints) {
      assertThat(e.role()).as("role of %s %s", e.method(), e.path()).isNotNull();
      String body = e.method().equals("GET") || e.method().equals("DELETE") ? null : "{}";
      // a name of its own each time: failed sign-ins of one name back off (ApiHardeningIT)
      Api wrong =
          Api.withAuthorization(
              port, Api.basic("nobody-" + UUID.randomUUID().toString().substring(0, 8), "wrong"));
      for (Api api : List.of(anonymous, wrong, badToken)) {
        Api.Answer a = api.send(e.method(), e.concrete(), body);
        assertThat(a.status()).as("%s %s", e.method(), e.path()).isEqualTo(401);
        assertThat(a.json().get("status").asInt()).isEqualTo(401);
      }
      // no Basic challenge: a browser would ask for a password and then send it with every
      // request to the hub, also with those another site makes it send
      assertThat(anonymous.send(e.method(), e.concrete(), body).header("WWW-Authenticate"))
          .startsWith("Bearer")
          .doesNotContainIgnoringCase("basic");
    }
    // also what is not an endpoint, and the OpenAPI document
    assertThat(anonymous.get("/api/v1/no-such-thing").status()).isEqualTo(401);
    assertThat(anonymous.get("/api/v1/openapi.json").status()).isEqualTo(401);
  }

  @Test
  void aUserBelowTheRoleOfAnEndpointGets403AndAUserWithItGetsThrough() {
    Map<String, String> userOfRole =
        Map.of(
            "viewer", Api.VIEWER,
            "support", Api.SUPPORT,
            "operator", Api.OPERATOR,
            "admin", Api.ADMIN);
    List<String> order = List.of("viewer", "support", "operator", "admin");
    for (Endpoint e : defined()) {
      String body = e.method().equals("GET") || e.method().equals("DELETE") ? null : "{}";
      int needed = order.indexOf(e.role());
      for (int i = 0; i < order.size(); i++) {
        Api api = Api.as(port, userOfRole.get(order.get(i)));
        Api.Answer a = api.send(e.method(), e.concrete(), body);
        if (i < needed) {
          assertThat(a.status())
              .as("%s %s as %s", e.method(), e.path(), order.get(i))
              .isEqualTo(403);
          assertThat(a.json().get("detail").asText()).contains("needs the role " + e.role());
          assertThat(a.json().get("type").asText()).isEqualTo("urn:telco-hub:problem:forbidden");
          assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        } else {
          assertThat(a.status())
              .as("%s %s as %s: %s", e.method(), e.path(), order.get(i), a.body())
              .isNotIn(401, 403)
              .isLessThan(500);
        }
      }
    }
  }

  /** Replays and bulk operations are limited per user: 429 with Retry-After, then allowed again. */
  @Test
  void replaysAndBulkOperationsAreRateLimitedPerUser() {
    // the test hubs limit hasty1 (support) to 3 replays and 1 bulk operation a minute
    Api hasty = Api.as(port, Api.HASTY);
    for (int i = 0; i < 3; i++) {
      Api.Answer a = hasty.post("/api/v1/dead-letters/" + UUID.randomUUID() + "/replay", "{}");
      assertThat(a.status()).as(a.body()).isEqualTo(404);
    }
    Api.Answer limited = hasty.post("/api/v1/dead-letters/" + UUID.randomUUID() + "/resync", "{}");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 20L);
    assertThat(limited.json().get("detail").asText()).contains("too many requests");
    // reading is not limited, nor is another user
    assertThat(hasty.get("/api/v1/dead-letters/summary").status()).isEqualTo(200);
    assertThat(
            Api.as(port, Api.SUPPORT)
                .post("/api/v1/dead-letters/" + UUID.randomUUID() + "/replay", "{}")
                .status())
        .isEqualTo(404);
    // bulk: a separate allowance
    String dryRun = "{\"reason\":\"no such reason " + UUID.randomUUID() + "\",\"dryRun\":true}";
    assertThat(hasty.post("/api/v1/dead-letters/replay", dryRun).status()).isEqualTo(200);
    Api.Answer bulk = hasty.post("/api/v1/dead-letters/replay", dryRun);
    assertThat(bulk.status()).isEqualTo(429);
    assertThat(Long.parseLong(bulk.header("Retry-After"))).isBetween(1L, 60L);
    // recorded
    assertThat(
            Api.as(port, Api.VIEWER)
                .get("/api/v1/audit?action=rate-limited&actor=" + Api.HASTY)
                .json()
                .get("items"))
        .hasSize(2);
  }

  @Test
  void aViewerReplayingIsForbidden() {
    Api.Answer a =
        Api.as(port, Api.VIEWER)
            .post("/api/v1/dead-letters/" + UUID.randomUUID() + "/replay", "{}");
    assertThat(a.status()).isEqualTo(403);
  }

  @Test
  void theOpenApiDocumentDescribesExactlyTheEndpoints() throws Exception {
    Api.Answer a = Api.as(port, Api.VIEWER).get("/api/v1/openapi.json");
    assertThat(a.status()).isEqualTo(200);
    JsonNode doc = a.json();
    // OpenAPI 3.0: the client generator's support of 3.1 is partial
    assertThat(doc.path("openapi").asText()).isEqualTo(ApiContract.OPENAPI_VERSION);
    // the document the repository keeps (the command line's client is generated from it)
    assertThat(doc).isEqualTo(Json.parse(Files.readString(ApiContractCheck.DOCUMENT)));
    TreeSet<String> documented = new TreeSet<>();
    doc.path("paths")
        .properties()
        .forEach(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        m -> documented.add(m.toUpperCase(Locale.ROOT) + " /api/v1" + p.getKey())));
    TreeSet<String> defined = new TreeSet<>();
    defined().forEach(e -> defined.add(e.method() + " " + e.path()));
    assertThat(documented).isEqualTo(defined);
    // and the API's own list agrees with both, with the roles
    JsonNode listed = Api.as(port, Api.VIEWER).get("/api/v1/endpoints").json().get("items");
    TreeSet<String> fromApi = new TreeSet<>();
    listed.forEach(e -> fromApi.add(e.get("method").asText() + " " + e.get("path").asText()));
    assertThat(fromApi).isEqualTo(defined);
    assertThat(doc.path("components").path("securitySchemes").has(ApiSecurity.SCHEME)).isTrue();
  }

  @Test
  void healthAndMetricsNeedNoCredentials() {
    assertThat(
            Http.get("http://127.0.0.1:" + hub.managementPort() + "/observe/health/live").status())
        .isEqualTo(200);
    assertThat(Http.get("http://127.0.0.1:" + hub.managementPort() + "/observe/metrics").status())
        .isEqualTo(200);
  }

  @Test
  void aSessionTokenWorksUntilSignOut() {
    Api.Answer login = Api.as(port, Api.SUPPORT).post("/api/v1/session", null);
    assertThat(login.status()).isEqualTo(201);
    String token = login.json().get("token").asText();
    Api session = Api.withAuthorization(port, "Bearer " + token);
    Api.Answer me = session.get("/api/v1/session");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("user").asText()).isEqualTo(Api.SUPPORT);
    assertThat(me.json().get("role").asText()).isEqualTo("support");
    assertThat(session.delete("/api/v1/session").status()).isEqualTo(204);
    assertThat(session.get("/api/v1/session").status()).isEqualTo(401);
  }

  @Test
  void anAdminManagesUsersAndAUserChangesTheOwnPassword() {
    Api admin = Api.as(port, Api.ADMIN);
    assertThat(
            admin
                .put("/api/v1/users/night-shift", "{\"password\":\"short\",\"role\":\"support\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            admin
                .put(
                    "/api/v1/users/night-shift",
                    "{\"password\":\"night-shift-password-1\",\"role\":\"support\"}")
                .status())
        .isEqualTo(204);
    Api nightShift =
        Api.withAuthorization(port, Api.basic("night-shift", "night-shift-password-1"));
    assertThat(nightShift.get("/api/v1/session").json().get("role").asText()).isEqualTo("support");
    assertThat(admin.get("/api/v1/users").body()).contains("night-shift").doesNotContain("$2");

    assertThat(
            nightShift
                .put(
                    "/api/v1/session/password",
                    "{\"currentPassword\":\"wrong-password-00\",\"newPassword\":\"night-shift-password-2\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            nightShift
                .put(
                    "/api/v1/session/password",
                    "{\"currentPassword\":\"night-shift-password-1\",\"newPassword\":\"night-shift-password-2\"}")
                .status())
        .isEqualTo(204);
    assertThat(nightShift.get("/api/v1/session").status()).isEqualTo(401);
    Api changed = Api.withAuthorization(port, Api.basic("night-shift", "night-shift-password-2"));
    assertThat(changed.get("/api/v1/session").status()).isEqualTo(200);
    // a configured user is changed where it is configured
    assertThat(
            Api.as(port, Api.SUPPORT)
                .put(
                    "/api/v1/session/password",
                    "{\"currentPassword\":\""
                        + Api.PASSWORD
                        + "\",\"newPassword\":\"another-password-1\"}")
                .status())
        .isEqualTo(409);

    assertThat(admin.delete("/api/v1/users/night-shift").status()).isEqualTo(204);
    assertThat(changed.get("/api/v1/session").status()).isEqualTo(401);
    assertThat(Api.as(port, null).get("/api/v1/audit?action=put-user").status()).isEqualTo(401);
    assertThat(admin.get("/api/v1/audit?action=delete-user").json().get("items")).isNotEmpty();
  }
}
