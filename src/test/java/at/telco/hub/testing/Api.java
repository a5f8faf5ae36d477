package at.telco.hub.testing;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.awaitility.Awaitility;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * A client of the management API of a test hub, signed in as one of the test users. Every status an
 * operation answers must be one its OpenAPI document lists ({@link ApiContractCheck}).
 */
public final class Api {

  /** The password of every test user (and of the bootstrap admin). */
  public static final String PASSWORD = "it-password-2026";

  public static final String VIEWER = "viewer1";
  public static final String SUPPORT = "support1";
  public static final String OPERATOR = "operator1";
  public static final String ADMIN = "admin";

  /** A support user with tight rate limits (hub.rate-limit.users of the test hubs). */
  public static final String HASTY = "hasty1";

  /**
   * A support user whose password a test guesses on purpose (the back-off of failed sign-ins slows
   * it down, and only it: the counters are per user and address).
   */
  public static final String GUESSED = "guessed1";

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static String users;

  private final String base;
  private final String authorization;

  private Api(int port, String authorization) {
    this.base = "http://127.0.0.1:" + port;
    this.authorization = authorization;
  }

  /** Signed in with HTTP Basic as {@code user} (null: no credentials). */
  public static Api as(int port, String user) {
    return new Api(port, user == null ? null : basic(user, PASSWORD));
  }

  public static Api withAuthorization(int port, String authorization) {
    return new Api(port, authorization);
  }

  public static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** hub.auth.users for the test hubs: one user per role, bcrypt-hashed. */
  public static synchronized String configuredUsers() {
    if (users == null) {
      BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
      String hash = bcrypt.encode(PASSWORD);
      users =
          VIEWER
              + ":"
              + hash
              + ":viewer;"
              + SUPPORT
              + ":"
              + hash
              + ":support;"
              + OPERATOR
              + ":"
              + hash
              + ":operator;"
              + HASTY
              + ":"
              + hash
              + ":support;"
              + GUESSED
              + ":"
              + hash
              + ":support";
    }
    return users;
  }

  public static int port(HubInstance hub) {
    return Integer.parseInt(hub.property("camel.server.port"));
  }

  /** An answer: status, headers of interest and the body (parsed when it is JSON). */
  public record Answer(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      return body == null || body.isEmpty() ? null : Json.parse(body);
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  public Answer get(String path) {
    return send("GET", path, null);
  }

  public Answer post(String path, String json) {
    return send("POST", path, json);
  }

  public Answer put(String path, String json) {
    return send("PUT", path, json);
  }

  public Answer delete(String path) {
    return send("DELETE", path, null);
  }

  /** The newest dead letter of this target and business key, once there is one (at most 60 s). */
  public JsonNode awaitDeadLetter(String target, String businessKey) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              JsonNode items =
                  get("/api/v1/dead-letters?target=" + target + "&businessKey=" + q(businessKey))
                      .json()
                      .path("items");
              return items.isEmpty() ? null : items.get(0);
            },
            l -> l != null);
  }

  public static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  public Answer send(String method, String path, String json) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    // what the API asks of every request that may change something (not a simple cross-site one)
    b.header("X-Requested-With", "hub-tests");
    HttpRequest.BodyPublisher body =
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8);
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body);
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      // every answer of an operation is one its OpenAPI document lists
      ApiContractCheck.check(method, path, r.statusCode());
      return new Answer(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }
}
