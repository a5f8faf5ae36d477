package at.telco.hub.it;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.api.ApiSecurity;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
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
                : verb.getSecurity().get(0).getScopes();
        list.add(new Endpoint(verb.asVerb().toUpperCase(Locale.ROOT), path, role));
      }
    }
    return list;
  }

  @Test
  void everyEndpointDeclaresARoleAndAnswers401WithoutValidCredentials() {
    List<Endpoint> endpoints = defined();
    assertThat(endpoints).hasSizeGreaterThan(15);
    Api anonymous = Api.as(port, null);
    Api wrong = Api.withAuthorization(port, Api.basic(Api.SUPPORT, "not-the-password"));
    Api badToken = Api.withAuthorization(port, "Bearer " + UUID.randomUUID());
    for (Endpoint e : endpoints) {
      assertThat(e.role()).as("role of %s %s", e.method(), e.path()).isNotNull();
      String body = e.method().equals("GET") || e.method().equals("DELETE") ? null : "{}";
      for (Api api : List.of(anonymous, wrong, badToken)) {
        Api.Answer a = api.send(e.method(), e.concrete(), body);
        assertThat(a.status()).as("%s %s", e.method(), e.path()).isEqualTo(401);
        assertThat(a.json().get("status").asInt()).isEqualTo(401);
      }
      assertThat(anonymous.send(e.method(), e.concrete(), body).header("WWW-Authenticate"))
          .startsWith("Basic");
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
        } else {
          assertThat(a.status())
              .as("%s %s as %s: %s", e.method(), e.path(), order.get(i), a.body())
              .isNotIn(401, 403);
        }
      }
    }
  }

  @Test
  void aViewerReplayingIsForbidden() {
    Api.Answer a =
        Api.as(port, Api.VIEWER)
            .post("/api/v1/dead-letters/" + UUID.randomUUID() + "/replay", "{}");
    assertThat(a.status()).isEqualTo(403);
  }

  @Test
  void theOpenApiDocumentDescribesExactlyTheEndpoints() {
    Api.Answer a = Api.as(port, Api.VIEWER).get("/api/v1/openapi.json");
    assertThat(a.status()).isEqualTo(200);
    JsonNode doc = a.json();
    assertThat(doc.path("openapi").asText()).startsWith("3.1");
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
