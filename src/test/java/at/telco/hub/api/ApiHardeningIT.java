package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.deadletter.DeadLetters;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.SharedHub;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's sign-in and request handling as an attacker tries them: guessing a password (back-off
 * with 429 before bcrypt, one audit row per burst, no lockout), cross-site requests from a browser
 * that holds credentials, renewing a stolen session token, and posing as another user with the
 * header name the gate once used.
 */
class ApiHardeningIT {

  static HubInstance hub;
  static int port;
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void start() {
    hub = SharedHub.get();
    port = Api.port(hub);
  }

  static <T> T bean(String name, Class<T> type) {
    return hub.context().getRegistry().lookupByNameAndType(name, type);
  }

  /** A request with exactly these headers (no X-Requested-With unless given). */
  static HttpResponse<String> raw(
      String method, String path, Map<String, String> headers, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30));
    headers.forEach(b::header);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The status of a GET sent from another loopback address (the hub sees another client). */
  static int statusFrom(String localAddress, String path, String authorization) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(localAddress, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nAuthorization: "
                  + authorization
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII); // HTTP/1.1 200
      return Integer.parseInt(head.substring(9, 12));
    }
  }

  // ---- failed sign-ins ----------------------------------------------------------------------

  /**
   * 40 wrong passwords for one user: 429 with Retry-After well before the 40th, far fewer than 40
   * bcrypt checks and one audit row for the burst; the right password works at once from another
   * address (no lockout) and here after the wait; the burst's total is then one more row.
   */
  @Test
  void fortyWrongPasswordsMeetBackOffBeforeBcryptAndOneAuditRowPerBurst() throws Exception {
    Instant from = Instant.now().minusSeconds(1);
    ApiUsers users = bean("apiUsers", ApiUsers.class);
    String object = "user#" + bean("keyHash", KeyHash.class).hash(Api.GUESSED);
    long checksBefore = users.passwordChecks();
    List<Integer> statuses = new ArrayList<>();
    String retryAfter = null;
    for (int i = 0; i < 40; i++) {
      Api.Answer a =
          Api.withAuthorization(port, Api.basic(Api.GUESSED, "guess-" + i))
              .get("/api/v1/dead-letters/summary");
      statuses.add(a.status());
      if (a.status() == 429) {
        retryAfter = a.header("Retry-After");
        assertThat(a.json().get("detail").asText()).contains("too many failed sign-ins");
      }
    }
    long checks = users.passwordChecks() - checksBefore;
    assertThat(statuses).containsOnly(401, 429);
    assertThat(statuses.indexOf(429)).as("%s", statuses).isBetween(3, 5);
    assertThat(statuses.stream().filter(s -> s == 429).count()).isGreaterThan(30);
    assertThat(checks).as("bcrypt checks").isLessThan(10);
    assertThat(Long.parseLong(retryAfter)).isBetween(1L, 4L);
    Api viewer = Api.as(port, Api.VIEWER);
    String rows = "/api/v1/audit?action=login-failed&object=" + Api.q(object);
    JsonNode failed = viewer.get(rows + "&from=" + Api.q(from.toString())).json().get("items");
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).get("detail").asText()).contains("first failed sign-in of a burst");

    // even the right password waits here (nothing is checked during the wait): right after a
    // checked failure, whose wait is at least 2 s now ...
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () ->
                Api.withAuthorization(port, Api.basic(Api.GUESSED, "once-more"))
                    .get("/api/v1/session")
                    .status(),
            status -> status == 401);
    String right = Api.basic(Api.GUESSED, Api.PASSWORD);
    Api.Answer waiting = Api.withAuthorization(port, right).get("/api/v1/session");
    assertThat(waiting.status()).isEqualTo(429);
    // ... but from another address the user signs in at once: back-off, not lockout
    assertThat(statusFrom("127.0.0.2", "/api/v1/session", right)).isEqualTo(200);
    // and here after the wait (slept through: every try during it would be refused and counted)
    Thread.sleep(Long.parseLong(waiting.header("Retry-After")) * 1000 + 200);
    Api.Answer me = Api.withAuthorization(port, right).get("/api/v1/session");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("user").asText()).isEqualTo(Api.GUESSED);
    // the burst ended: its total is the second and last row
    JsonNode all = viewer.get(rows + "&from=" + Api.q(from.toString())).json().get("items");
    assertThat(all).hasSize(2);
    JsonNode total =
        all.get(0).get("detail").asText().contains("burst of") ? all.get(0) : all.get(1);
    assertThat(total.get("detail").asText())
        .contains("burst of")
        .contains("refused tries (429)")
        .contains("ended by a successful sign-in")
        .doesNotContain("127.0.0.1")
        .doesNotContain(Api.GUESSED);
    // the metric counts the checks too
    assertThat(
            at.telco.hub.testing.Http.get(
                    "http://127.0.0.1:" + hub.managementPort() + "/observe/metrics")
                .body())
        .contains("hub_auth_password_checks_total");
  }

  // ---- cross-site requests ------------------------------------------------------------------

  /** A cross-site HTML form POST, even with the browser's cached credentials, is refused. */
  @Test
  void aCrossSiteFormPostIsRefused() throws Exception {
    HttpResponse<String> r =
        raw(
            "POST",
            "/api/v1/resync/customerdb/rebuild",
            Map.of(
                "Authorization",
                Api.basic(Api.ADMIN, Api.PASSWORD),
                "Origin",
                "https://evil.example"),
            "application/x-www-form-urlencoded",
            "confirm=yes");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("origin");
    // the same form without an Origin (an older browser) is still no request a form cannot send
    HttpResponse<String> noOrigin =
        raw(
            "POST",
            "/api/v1/resync/customerdb/rebuild",
            Map.of("Authorization", Api.basic(Api.ADMIN, Api.PASSWORD)),
            "application/x-www-form-urlencoded",
            "confirm=yes");
    assertThat(noOrigin.statusCode()).isEqualTo(403);
    assertThat(noOrigin.body()).contains("X-Requested-With");
    // a browser telling that the request is cross-site
    assertThat(
            raw(
                    "DELETE",
                    "/api/v1/session",
                    Map.of(
                        "Authorization",
                        Api.basic(Api.ADMIN, Api.PASSWORD),
                        "X-Requested-With",
                        "x",
                        "Sec-Fetch-Site",
                        "cross-site"),
                    null,
                    null)
                .statusCode())
        .isEqualTo(403);
  }

  /**
   * A text/plain POST (a simple request a cross-site fetch may send) with valid Basic credentials
   * and a foreign Origin is refused; the same operation from the client (JSON, X-Requested-With)
   * works; a body of a type the endpoint does not declare is 415.
   */
  @Test
  void aTextPlainPostWithValidCredentialsFromAnotherOriginIsRefused() throws Exception {
    String dryRun = "{\"reason\":\"no such reason " + UUID.randomUUID() + "\",\"dryRun\":true}";
    HttpResponse<String> r =
        raw(
            "POST",
            "/api/v1/dead-letters/replay",
            Map.of(
                "Authorization",
                Api.basic(Api.SUPPORT, Api.PASSWORD),
                "Origin",
                "https://evil.example"),
            "text/plain",
            dryRun);
    assertThat(r.statusCode()).isEqualTo(403);
    // also with the custom header, the foreign origin is refused
    assertThat(
            raw(
                    "POST",
                    "/api/v1/dead-letters/replay",
                    Map.of(
                        "Authorization",
                        Api.basic(Api.SUPPORT, Api.PASSWORD),
                        "Origin",
                        "https://evil.example",
                        "X-Requested-With",
                        "XMLHttpRequest"),
                    "application/json",
                    dryRun)
                .statusCode())
        .isEqualTo(403);
    // text/plain from a script (no Origin, the header): not what the endpoint consumes
    HttpResponse<String> plain =
        raw(
            "POST",
            "/api/v1/dead-letters/replay",
            Map.of("Authorization", Api.basic(Api.SUPPORT, Api.PASSWORD), "X-Requested-With", "x"),
            "text/plain",
            dryRun);
    assertThat(plain.statusCode()).isEqualTo(415);
    assertThat(plain.body()).contains("application/json");
    // the client, and the console's own origin
    Api.Answer ok = Api.as(port, Api.SUPPORT).post("/api/v1/dead-letters/replay", dryRun);
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(
            raw(
                    "POST",
                    "/api/v1/dead-letters/replay",
                    Map.of(
                        "Authorization",
                        Api.basic(Api.SUPPORT, Api.PASSWORD),
                        "Origin",
                        "http://127.0.0.1:" + port),
                    "application/json",
                    dryRun)
                .statusCode())
        .isEqualTo(200);
    // reading needs nothing of this
    assertThat(
            raw(
                    "GET",
                    "/api/v1/dead-letters/summary",
                    Map.of(
                        "Authorization",
                        Api.basic(Api.SUPPORT, Api.PASSWORD),
                        "Origin",
                        "https://evil.example"),
                    null,
                    null)
                .statusCode())
        .isEqualTo(200);
  }

  /**
   * What no operation takes under /api/ (no such path, not this method, no body type where the
   * operation declares one, another media type than it answers) is a problem document like every
   * other error of the API; only an administrator gets that far with what is no operation (any
   * other role is refused it).
   */
  @Test
  void theRoutersOwnAnswersAreProblemDocuments() throws Exception {
    Api admin = Api.as(port, Api.ADMIN);
    Api.Answer missing = admin.get("/api/v1/nothing-here");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(missing.json().get("type").asText()).isEqualTo("urn:telco-hub:problem:not-found");
    assertThat(missing.json().get("detail").asText()).contains("/api/v1/nothing-here");

    Api.Answer wrongMethod = admin.delete("/api/v1/audit");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(wrongMethod.json().get("type").asText())
        .isEqualTo("urn:telco-hub:problem:method-not-allowed");
    assertThat(wrongMethod.json().get("detail").asText())
        .isEqualTo("DELETE is not an operation of /api/v1/audit");
    assertThat(wrongMethod.header("Allow")).isEqualTo("GET");

    // no body and no Content-Type where the operation declares application/json: the router's
    // own 415 (a body of another type is the gate's, above)
    HttpResponse<String> untyped =
        raw(
            "POST",
            "/api/v1/dead-letters/replay",
            Map.of("Authorization", Api.basic(Api.SUPPORT, Api.PASSWORD), "X-Requested-With", "x"),
            null,
            null);
    assertThat(untyped.statusCode()).isEqualTo(415);
    assertThat(untyped.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(Json.parse(untyped.body()).get("type").asText())
        .isEqualTo("urn:telco-hub:problem:unsupported-media-type");

    // an operation asked for another media type than it answers
    HttpResponse<String> html =
        raw(
            "GET",
            "/api/v1/reconciliations",
            Map.of("Authorization", Api.basic(Api.ADMIN, Api.PASSWORD), "Accept", "text/html"),
            null,
            null);
    assertThat(html.statusCode()).isEqualTo(406);
    assertThat(Json.parse(html.body()).get("type").asText())
        .isEqualTo("urn:telco-hub:problem:not-acceptable");
  }

  // ---- sessions -----------------------------------------------------------------------------

  /**
   * A session token cannot open another session, so a stolen token ends at the session's absolute
   * lifetime; Basic and a JWT open sessions.
   */
  @Test
  void aSessionTokenCannotRenewItselfAndEndsAtItsLifetime() throws Exception {
    Api.Answer login = Api.as(port, Api.SUPPORT).post("/api/v1/session", null);
    assertThat(login.status()).isEqualTo(201);
    String token = login.json().get("token").asText();
    Instant expires = Instant.parse(login.json().get("expiresAt").asText());
    assertThat(expires)
        .isBetween(Instant.now().plusSeconds(479 * 60), Instant.now().plusSeconds(481 * 60));
    Api session = Api.withAuthorization(port, "Bearer " + token);
    Api.Answer renewed = session.post("/api/v1/session", null);
    assertThat(renewed.status()).isEqualTo(403);
    assertThat(renewed.body()).doesNotContain("\"token\"");
    assertThat(session.get("/api/v1/session").status()).isEqualTo(200);
    // the lifetime is absolute: once it is over the token is refused, however busy it was
    try (Connection c = bean("hubDataSource", DataSource.class).getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.api_session SET expires_at = now() - interval '1 second'"
                    + " WHERE token_sha256 = ?")) {
      ps.setString(1, DeadLetters.sha256(token));
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    assertThat(session.get("/api/v1/session").status()).isEqualTo(401);
    assertThat(session.post("/api/v1/session", null).status()).isEqualTo(401);
    // an identity provider's token opens one
    at.telco.hub.testing.TestIdentityProvider idp = at.telco.hub.testing.TestIdentityProvider.get();
    Api.Answer jwtLogin =
        Api.withAuthorization(
                port,
                "Bearer "
                    + idp.sign(
                        at.telco.hub.testing.TestIdentityProvider.claims(
                            "jwt.login", List.of("telco-hub-viewers"))))
            .post("/api/v1/session", null);
    assertThat(jwtLogin.status()).isEqualTo(201);
    assertThat(jwtLogin.json().get("user").asText())
        .isEqualTo(at.telco.hub.testing.TestIdentityProvider.hubName("jwt.login"));
  }

  // ---- the caller, out of band --------------------------------------------------------------

  /**
   * The header name the gate once used to hand the caller to the routes, sent as a query parameter
   * and as a header, changes nothing: the audit's actor is the real user alone.
   */
  @Test
  void theCallerCannotBeJoinedOrReplacedByAQueryParameterOrHeader() throws Exception {
    String name = "spoof-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> put =
        raw(
            "PUT",
            "/api/v1/users/"
                + name
                + "?X-Hub-Authenticated-User=mallory&X-Hub-Authenticated-Role=viewer",
            Map.of(
                "Authorization",
                Api.basic(Api.ADMIN, Api.PASSWORD),
                "X-Requested-With",
                "x",
                "X-Hub-Authenticated-User",
                "mallory2"),
            "application/json",
            "{\"password\":\"spoof-password-1234\",\"role\":\"viewer\"}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
    JsonNode rows =
        Api.as(port, Api.ADMIN)
            .get("/api/v1/audit?object=" + Api.q("user:" + name))
            .json()
            .get("items");
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("actor").asText()).isEqualTo(Api.ADMIN);
    assertThat(rows.get(0).get("role").asText()).isEqualTo("admin");
    // a viewer naming itself admin stays a viewer
    HttpResponse<String> me =
        raw(
            "GET",
            "/api/v1/session?X-Hub-Authenticated-User=admin&X-Hub-Authenticated-Role=admin",
            Map.of(
                "Authorization",
                Api.basic(Api.VIEWER, Api.PASSWORD),
                "X-Hub-Authenticated-User",
                "admin",
                "X-Hub-Authenticated-Role",
                "admin"),
            null,
            null);
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body())
        .contains("\"user\":\"" + Api.VIEWER + "\"")
        .contains("\"role\":\"viewer\"");
    assertThat(Api.as(port, Api.ADMIN).delete("/api/v1/users/" + name).status()).isEqualTo(204);
  }
}
