package at.telco.hub.cli;

import at.telco.hub.canonical.Json;
import at.telco.hub.cli.client.api.BulkReplaysApi;
import at.telco.hub.cli.client.api.DeadLettersApi;
import at.telco.hub.cli.client.api.ParkedMessagesApi;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * A signed-in client of the management API: sends a request, prints the answer (JSON or
 * tab-separated lines on standard output, problems on standard error) and says how it went as an
 * exit code. The main calls go through the client generated from the API's OpenAPI document ({@code
 * at.telco.hub.cli.client}, see {@link #call}), so the document cannot drift from what the command
 * line needs; the answer printed is the hub's, as it came.
 */
final class ApiClient {

  private final String group;
  private final PrintStream out;
  private final PrintStream err;
  private final String url;
  private final String authorization;
  private final boolean tsv;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** The hub's own answer to the generated client's last request, as it came. */
  private HttpResponse<byte[]> last;

  private final at.telco.hub.cli.client.ApiClient generated;

  ApiClient(
      String group, CliContext context, String url, String user, String password, boolean tsv) {
    this.group = group;
    this.out = context.out();
    this.err = context.err();
    this.url = url;
    this.tsv = tsv;
    this.authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpClient recording = new RecordingHttpClient(http, r -> last = r);
    this.generated =
        new at.telco.hub.cli.client.ApiClient() {
          @Override
          public HttpClient getHttpClient() {
            return recording;
          }
        };
    generated.updateBaseUri(url + "/api/v1");
    generated.setReadTimeout(Duration.ofMinutes(2));
    generated.setRequestInterceptor(b -> b.header("Authorization", authorization));
  }

  /** The API's dead letters, through the generated client. */
  DeadLettersApi deadLetters() {
    return new DeadLettersApi(generated);
  }

  /** The API's bulk replays, through the generated client. */
  BulkReplaysApi bulkReplays() {
    return new BulkReplaysApi(generated);
  }

  /** The API's parked messages, through the generated client. */
  ParkedMessagesApi parked() {
    return new ParkedMessagesApi(generated);
  }

  /** The value of the header the API asks of every request that may change something. */
  static final String REQUESTED_WITH = "hub-cli";

  /** A call of the generated client. */
  interface Call {
    at.telco.hub.cli.client.ApiResponse<?> run() throws at.telco.hub.cli.client.ApiException;
  }

  /**
   * Makes a call of the generated client (which reads the answer into the document's model: an
   * answer that does not fit its schema fails) and answers the hub's answer as it came.
   */
  Answer call(Call call) throws IOException {
    last = null;
    try {
      at.telco.hub.cli.client.ApiResponse<?> r = call.run();
      return new Answer(r.getStatusCode(), body(last));
    } catch (at.telco.hub.cli.client.ApiException e) {
      if (e.getCode() == 0) {
        IOException cause =
            e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
        throw new Unavailable(url, cause);
      }
      return new Answer(e.getCode(), e.getResponseBody());
    }
  }

  private static String body(HttpResponse<byte[]> r) {
    return r == null || r.body() == null ? null : new String(r.body(), StandardCharsets.UTF_8);
  }

  /** An answer of the API: its HTTP status and body. */
  record Answer(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    JsonNode json() {
      return body == null || body.isBlank() ? Json.object() : Json.parse(body);
    }
  }

  /** The hub did not answer at all (exit code 6). */
  static final class Unavailable extends IOException {
    private static final long serialVersionUID = 1L;

    Unavailable(String url, IOException cause) {
      super(
          "the hub at "
              + url
              + " does not answer: "
              + (cause.getMessage() != null ? cause.getMessage() : cause.toString()),
          cause);
    }
  }

  Answer get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  Answer post(String path, String body) throws IOException, InterruptedException {
    return send("POST", path, body);
  }

  Answer send(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofMinutes(2))
            .header("Authorization", authorization)
            // the API refuses state-changing requests a cross-site form could send
            .header("X-Requested-With", "hub-cli")
            .header("Accept", "application/json");
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new Unavailable(url, e);
    }
  }

  boolean tsv() {
    return tsv;
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  String group() {
    return group;
  }

  /** Prints the answer; the exit code follows its HTTP status. */
  int print(Answer a) {
    if (a.ok()) {
      if (a.body() != null && !a.body().isBlank()) {
        out.println(a.body());
      }
      return HubCli.OK;
    }
    JsonNode problem = a.json();
    err.println(group + ": " + a.status() + " " + Json.text(problem, "detail"));
    for (JsonNode p : problem.path("problems")) {
      err.println("  " + p.asText());
    }
    out.println(a.body());
    return switch (a.status()) {
      case 400 -> HubCli.INVALID;
      case 401, 403 -> HubCli.DENIED;
      case 404 -> HubCli.NOT_FOUND;
      case 409 -> HubCli.CONFLICT;
      case 503 -> HubCli.UNAVAILABLE;
      default -> HubCli.FAILED;
    };
  }

  /** A list: with --format=tsv one line per element of {@code field}, else the JSON. */
  int list(Answer a, String field, Function<JsonNode, String> line) {
    if (a.ok() && tsv) {
      for (JsonNode item : a.json().path(field)) {
        out.println(line.apply(item));
      }
      return HubCli.OK;
    }
    return print(a);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The given fields of a JSON object, tab-separated (tabs and newlines in values as spaces). */
  static String tabs(JsonNode n, String... fields) {
    StringJoiner j = new StringJoiner("\t");
    for (String f : fields) {
      String v = Json.text(n, f);
      j.add(v == null ? "" : v.replace('\t', ' ').replace('\n', ' '));
    }
    return j.toString();
  }

  /** A query string of the parameters given (null ones left out). */
  static final class Query {
    private final StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");

    Query add(String name, Object value) {
      if (value != null) {
        q.add(name + "=" + enc(value.toString()));
      }
      return this;
    }

    @Override
    public String toString() {
      return q.toString();
    }
  }
}
