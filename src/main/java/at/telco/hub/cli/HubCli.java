package at.telco.hub.cli;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The dead-letter workbench on the command line, for scripts: a client of the management API (the
 * same rights, the same audit trail). Prints the API's JSON (or tab-separated lines with {@code
 * --format=tsv}) on standard output, problems on standard error, and says how it went in its exit
 * code.
 */
public final class HubCli {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int DENIED = 3;
  public static final int NOT_FOUND = 4;
  public static final int CONFLICT = 5;
  public static final int UNAVAILABLE = 6;
  public static final int INVALID = 7;

  static final String USAGE_TEXT =
      """
      usage: java -jar telco-integration-hub.jar dlq <command> [options]

        list        [--target=T] [--key=K] [--reason=TEXT] [--since=ISO] [--status=S] [--limit=N]
                    [--cursor=C]                       a page of dead letters (newest first)
        summary                                        counts and oldest age per target
        show ID                                        one dead letter in full
        replay ID [--body-file=FILE]                   replay, as it is or with an edited body
        resync ID                                      re-read the record from the master
        discard ID --reason=TEXT                       discard, with a reason
        replay-all [--target=T] [--key=K] [--reason=TEXT] [--since=ISO] [--status=S]
                    [--limit=N] [--batch-size=N] [--dry-run] [--wait]
                                                       bulk replay by filter
        jobs | job ID | stop ID                        bulk replays: list, progress, stop
        audit [ID] [--actor=NAME] [--limit=N]          the audit trail

      connection: --url=URL (HUB_API_URL, default http://127.0.0.1:8080), --user=NAME (HUB_API_USER),
        the password from HUB_API_PASSWORD or --password-file=FILE; --format=json (default) or tsv

      exit codes: 0 done (applied, skipped, listed); 1 the replay failed again, or a bulk replay had
        failures or did not finish; 2 usage; 3 not signed in or not allowed (401, 403); 4 not found;
        5 conflict (not open, being replayed); 6 hub, target or CRM unavailable; 7 invalid request
        (400, e.g. an edited body that does not match the canonical schema: the fields are named)
      """;

  static final String ERASURE_USAGE_TEXT =
      """
      usage: java -jar telco-integration-hub.jar erasure <command> [options]

        list [--status=PENDING|HELD|DONE] [--limit=N]  erasure requests, newest first
        show <id | customer id | CRM account id>       one request: every system reached and when,
                                                       a legal hold and its reason (the DPO's report)

      options: --url=URL (HUB_API_URL), --user=NAME (HUB_API_USER), HUB_API_PASSWORD or
               --password-file=FILE, --format=tsv (lists)
      """;

  static final String CONSISTENCY_USAGE_TEXT =
      """
      usage: java -jar telco-integration-hub.jar consistency <command> [options]

        reconcile [--pairs=P,...] [--repair] [--wait]  compare masters and copies (pairs:
                                                       crm->customerdb, crm->billing,
                                                       billing->customerdb; default all)
        runs [--limit=N]                               the newest reconciliation runs
        report ID [--pair=P] [--kind=K] [--after=KEY] [--limit=N]
                                                       a run's differing records (keys and
                                                       attribute names, never values)
        drift [--check]                                schema drift per system (--check: now)
        resync --target=T (--keys=K,... | --all | --since=ISO) [--wait]
                                                       re-send the master's state to customerdb,
                                                       billing or customerdb.billing_account
        rebuild-customerdb [--wait]                    customerdb from the masters (role admin)
        job ID                                         a reconciliation, resync or rebuild job

      connection: as for dlq (--url, --user, HUB_API_PASSWORD or --password-file, --format)

      exit codes: 0 done; 1 the job failed, or the reconciliation found differences (with --wait);
        2 usage; 3 not allowed; 4 not found; 5 conflict (a reconciliation is running, repair not
        enabled); 6 the hub or a system unavailable; 7 invalid request
      """;

  static final String AUDIT_USAGE_TEXT =
      """
      usage: java -jar telco-integration-hub.jar audit <command> [options]

        verify                                         check every entry, chain and seal of the
                                                       audit trail (role admin)
        list [--actor=NAME] [--action=A] [--object=O] [--from=ISO] [--to=ISO] [--limit=N]
                                                       audit entries, newest first

      connection: as for dlq (--url, --user, HUB_API_PASSWORD or --password-file, --format)

      exit codes: 0 done (verify: the trail is intact); 1 verify found problems (each on standard
        error: kind, segment, sequence number, entry); 2 usage; 3 not allowed; 6 hub unavailable
      """;

  private final String group;
  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private String url;
  private String authorization;
  private boolean tsv;

  HubCli(String group, Map<String, String> env, PrintStream out, PrintStream err) {
    this.group = group;
    this.env = env;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return new HubCli("dlq", env, out, err).execute(args);
  }

  /** {@code consistency ...}: reconciliation, schema drift, resync and rebuild. */
  public static int runConsistency(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return new HubCli("consistency", env, out, err).execute(args);
  }

  /** {@code erasure ...}: the right to erasure's requests and the DPO's report. */
  public static int runErasure(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return new HubCli("erasure", env, out, err).execute(args);
  }

  /** {@code audit ...}: verify the audit trail, list entries. */
  public static int runAudit(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return new HubCli("audit", env, out, err).execute(args);
  }

  private String usage() {
    return switch (group) {
      case "dlq" -> USAGE_TEXT;
      case "erasure" -> ERASURE_USAGE_TEXT;
      case "audit" -> AUDIT_USAGE_TEXT;
      default -> CONSISTENCY_USAGE_TEXT;
    };
  }

  private int execute(String[] args) {
    List<String> positional = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    for (String a : args) {
      if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        options.put(
            eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
      } else {
        positional.add(a);
      }
    }
    if (options.containsKey("help")) {
      out.print(usage());
      return OK;
    }
    if (positional.isEmpty()) {
      err.print(usage());
      return USAGE;
    }
    try {
      connect(options);
      return switch (group) {
        case "dlq" -> command(positional, options);
        case "erasure" -> erasure(positional, options);
        case "audit" -> audit(positional, options);
        default -> consistency(positional, options);
      };
    } catch (UsageException e) {
      err.println(group + ": " + e.getMessage());
      err.print(usage());
      return USAGE;
    } catch (IOException e) {
      err.println(group + ": the hub at " + url + " does not answer: " + e.getMessage());
      return UNAVAILABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return UNAVAILABLE;
    }
  }

  private void connect(Map<String, String> options) throws IOException {
    url = options.getOrDefault("url", env.getOrDefault("HUB_API_URL", "http://127.0.0.1:8080"));
    url = url.replaceAll("/+$", "");
    tsv = "tsv".equals(options.get("format"));
    String user = options.getOrDefault("user", env.get("HUB_API_USER"));
    String password = env.get("HUB_API_PASSWORD");
    if (options.containsKey("password-file")) {
      password =
          Files.readString(Path.of(options.get("password-file")), StandardCharsets.UTF_8).strip();
    }
    if (user == null || password == null) {
      throw new UsageException(
          "sign in with --user (or HUB_API_USER) and HUB_API_PASSWORD (or --password-file)");
    }
    authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private int command(List<String> p, Map<String, String> o)
      throws IOException, InterruptedException {
    String cmd = p.get(0);
    switch (cmd) {
      case "list" -> {
        Answer a =
            send(
                "GET",
                "/api/v1/dead-letters"
                    + query(
                        o,
                        "target",
                        "key:businessKey",
                        "reason",
                        "since",
                        "status",
                        "limit",
                        "cursor"),
                null);
        if (a.ok() && tsv) {
          for (JsonNode item : a.json().path("items")) {
            out.println(
                tabs(
                    item,
                    "id",
                    "target",
                    "status",
                    "lastFailedAt",
                    "crmAccountId",
                    "customerId",
                    "reason"));
          }
          return OK;
        }
        return print(a);
      }
      case "summary" -> {
        Answer a = send("GET", "/api/v1/dead-letters/summary", null);
        if (a.ok() && tsv) {
          for (JsonNode t : a.json().path("targets")) {
            out.println(
                tabs(t, "target", "open", "superseded", "oldestFailedAt", "oldestAgeSeconds"));
          }
          return OK;
        }
        return print(a);
      }
      case "show" -> {
        return print(send("GET", "/api/v1/dead-letters/" + id(p), null));
      }
      case "replay" -> {
        String body = null;
        if (o.containsKey("body-file")) {
          ObjectNode request = Json.object();
          request.set(
              "body",
              Json.parse(Files.readString(Path.of(o.get("body-file")), StandardCharsets.UTF_8)));
          body = Json.write(request);
        }
        return outcome(send("POST", "/api/v1/dead-letters/" + id(p) + "/replay", body));
      }
      case "resync" -> {
        return outcome(send("POST", "/api/v1/dead-letters/" + id(p) + "/resync", null));
      }
      case "discard" -> {
        String reason = o.get("reason");
        if (reason == null || reason.equals("true")) {
          throw new UsageException("discard needs --reason=TEXT");
        }
        return print(
            send("DELETE", "/api/v1/dead-letters/" + id(p) + "?reason=" + enc(reason), null));
      }
      case "replay-all" -> {
        return replayAll(o);
      }
      case "jobs" -> {
        return print(send("GET", "/api/v1/replay-jobs", null));
      }
      case "job" -> {
        return print(send("GET", "/api/v1/replay-jobs/" + id(p), null));
      }
      case "stop" -> {
        return print(send("POST", "/api/v1/replay-jobs/" + id(p) + "/stop", null));
      }
      case "audit" -> {
        String q = query(o, "actor", "action", "since", "limit");
        if (p.size() > 1) {
          q += (q.isEmpty() ? "?" : "&") + "deadLetterId=" + enc(p.get(1));
        }
        Answer a = send("GET", "/api/v1/audit" + q, null);
        if (a.ok() && tsv) {
          for (JsonNode e : a.json().path("items")) {
            out.println(tabs(e, "at", "actor", "action", "deadLetterId", "outcome", "detail"));
          }
          return OK;
        }
        return print(a);
      }
      default -> throw new UsageException("unknown command '" + cmd + "'");
    }
  }

  private int erasure(List<String> p, Map<String, String> o)
      throws IOException, InterruptedException {
    switch (p.get(0)) {
      case "list" -> {
        Answer a = send("GET", "/api/v1/erasures" + query(o, "status", "limit"), null);
        if (a.ok() && tsv) {
          for (JsonNode e : a.json().path("items")) {
            out.println(
                tabs(e, "id", "crmAccountId", "customerId", "status", "requestedAt", "completedAt")
                    + "\t"
                    + e.path("legalHold").path("reason").asText(""));
          }
          return OK;
        }
        return print(a);
      }
      case "show" -> {
        return print(send("GET", "/api/v1/erasures/" + id(p), null));
      }
      default -> throw new UsageException("unknown command " + p.get(0));
    }
  }

  private int audit(List<String> p, Map<String, String> o)
      throws IOException, InterruptedException {
    String cmd = p.get(0);
    switch (cmd) {
      case "verify" -> {
        Answer a = send("GET", "/api/v1/audit/verify", null);
        int code = print(a);
        if (code != OK) {
          return code;
        }
        JsonNode problems = a.json().path("problems");
        for (JsonNode q : problems) {
          err.println(
              "audit: "
                  + q.path("kind").asText()
                  + " segment "
                  + q.path("segment").asText("-")
                  + " seq "
                  + q.path("seq").asText("-")
                  + (q.has("seqTo") ? ".." + q.path("seqTo").asText() : "")
                  + " entry "
                  + q.path("entry").asText("-")
                  + ": "
                  + q.path("detail").asText());
        }
        return problems.isEmpty() ? OK : FAILED;
      }
      case "list" -> {
        Answer a =
            send(
                "GET",
                "/api/v1/audit" + query(o, "actor", "action", "object", "from", "to", "limit"),
                null);
        if (a.ok() && tsv) {
          for (JsonNode e : a.json().path("items")) {
            out.println(tabs(e, "at", "actor", "role", "action", "object", "outcome", "detail"));
          }
          return OK;
        }
        return print(a);
      }
      default -> throw new UsageException("unknown command '" + cmd + "'");
    }
  }

  private int consistency(List<String> p, Map<String, String> o)
      throws IOException, InterruptedException {
    String cmd = p.get(0);
    switch (cmd) {
      case "reconcile" -> {
        ObjectNode r = Json.object();
        if (o.containsKey("pairs")) {
          for (String pair : o.get("pairs").split(",")) {
            r.withArray("pairs").add(pair.strip());
          }
        }
        r.put("repair", o.containsKey("repair"));
        return job(send("POST", "/api/v1/reconciliations", Json.write(r)), o, true);
      }
      case "runs" -> {
        Answer a = send("GET", "/api/v1/reconciliations" + query(o, "limit"), null);
        if (a.ok() && tsv) {
          for (JsonNode run : a.json().path("items")) {
            out.println(
                tabs(run, "id", "startedAt", "trigger", "requestedBy", "status", "repaired")
                    + "\t"
                    + run.path("differences"));
          }
          return OK;
        }
        return print(a);
      }
      case "report" -> {
        Answer a =
            send(
                "GET",
                "/api/v1/reconciliations/" + id(p) + query(o, "pair", "kind", "after", "limit"),
                null);
        if (a.ok() && tsv) {
          for (JsonNode r : a.json().path("records")) {
            out.println(
                tabs(r, "pair", "key", "kind")
                    + "\t"
                    + r.path("attributes")
                    + "\t"
                    + tabs(r, "repair", "reason"));
          }
          return OK;
        }
        return print(a);
      }
      case "drift" -> {
        return print(
            o.containsKey("check")
                ? send("POST", "/api/v1/schema-drift/check", null)
                : send("GET", "/api/v1/schema-drift", null));
      }
      case "resync" -> {
        ObjectNode r = Json.object();
        if (!o.containsKey("target")) {
          throw new UsageException("resync needs --target");
        }
        r.put("target", o.get("target"));
        if (o.containsKey("keys")) {
          for (String k : o.get("keys").split(",")) {
            r.withArray("keys").add(k.strip());
          }
        }
        if (o.containsKey("all")) {
          r.put("all", true);
        }
        if (o.containsKey("since")) {
          r.put("changedSince", o.get("since"));
        }
        return job(send("POST", "/api/v1/resync", Json.write(r)), o, false);
      }
      case "rebuild-customerdb" -> {
        return job(send("POST", "/api/v1/resync/customerdb/rebuild", null), o, false);
      }
      case "job" -> {
        return print(send("GET", "/api/v1/consistency-jobs/" + id(p), null));
      }
      default -> throw new UsageException("unknown command '" + cmd + "'");
    }
  }

  /**
   * A consistency job's answer; with --wait, follows it to its end. A reconciliation that found
   * differences ends with exit code 1, so a script can tell.
   */
  private int job(Answer a, Map<String, String> o, boolean reconciliation)
      throws IOException, InterruptedException {
    if (!a.ok() || !o.containsKey("wait")) {
      return print(a);
    }
    String id = Json.text(a.json(), "id");
    JsonNode state = a.json();
    while ("RUNNING".equals(Json.text(state, "state"))) {
      Thread.sleep(500);
      Answer s = send("GET", "/api/v1/consistency-jobs/" + enc(id), null);
      if (!s.ok()) {
        return print(s);
      }
      state = s.json();
    }
    out.println(Json.write(state));
    if (!"DONE".equals(Json.text(state, "state"))) {
      err.println(group + ": the job failed: " + Json.text(state, "error"));
      return FAILED;
    }
    if (reconciliation) {
      long found = 0;
      for (JsonNode byPair : state.path("result").path("differences")) {
        for (JsonNode n : byPair) {
          found += n.asLong();
        }
      }
      return found == 0 ? OK : FAILED;
    }
    return OK;
  }

  private int replayAll(Map<String, String> o) throws IOException, InterruptedException {
    ObjectNode r = Json.object();
    for (String[] k :
        new String[][] {
          {"target", "target"},
          {"key", "businessKey"},
          {"reason", "reason"},
          {"since", "since"},
          {"status", "status"}
        }) {
      if (o.containsKey(k[0])) {
        r.put(k[1], o.get(k[0]));
      }
    }
    try {
      if (o.containsKey("limit")) {
        r.put("limit", Integer.parseInt(o.get("limit")));
      }
      if (o.containsKey("batch-size")) {
        r.put("batchSize", Integer.parseInt(o.get("batch-size")));
      }
    } catch (NumberFormatException e) {
      throw new UsageException("--limit and --batch-size are numbers");
    }
    r.put("dryRun", o.containsKey("dry-run"));
    Answer a = send("POST", "/api/v1/dead-letters/replay", Json.write(r));
    if (!a.ok() || o.containsKey("dry-run") || !o.containsKey("wait")) {
      return print(a);
    }
    String job = Json.text(a.json(), "id");
    JsonNode state = a.json();
    while ("RUNNING".equals(Json.text(state, "state"))) {
      Thread.sleep(500);
      Answer s = send("GET", "/api/v1/replay-jobs/" + job, null);
      if (!s.ok()) {
        return print(s);
      }
      state = s.json();
      err.printf(
          "%s: %d of %d (%.1f %%), %s per second%n",
          job,
          state.path("done").asInt(),
          state.path("total").asInt(),
          state.path("percent").asDouble(),
          state.path("ratePerSecond").asText());
    }
    out.println(Json.write(state));
    boolean clean =
        "FINISHED".equals(Json.text(state, "state")) && state.path("failed").asInt() == 0;
    return clean ? OK : FAILED;
  }

  private record Answer(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    JsonNode json() {
      return body == null || body.isBlank() ? Json.object() : Json.parse(body);
    }
  }

  private Answer send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofMinutes(2))
            .header("Authorization", authorization)
            .header("Accept", "application/json");
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }

  /** Prints the answer; the exit code follows its HTTP status. */
  private int print(Answer a) {
    if (a.ok()) {
      if (a.body() != null && !a.body().isBlank()) {
        out.println(a.body());
      }
      return OK;
    }
    JsonNode problem = a.json();
    err.println(group + ": " + a.status() + " " + Json.text(problem, "detail"));
    for (JsonNode p : problem.path("problems")) {
      err.println("  " + p.asText());
    }
    out.println(a.body());
    return switch (a.status()) {
      case 400 -> INVALID;
      case 401, 403 -> DENIED;
      case 404 -> NOT_FOUND;
      case 409 -> CONFLICT;
      case 503 -> UNAVAILABLE;
      default -> FAILED;
    };
  }

  /** A replay's or resync's outcome: applied and skipped are done; failed is not. */
  private int outcome(Answer a) {
    int code = print(a);
    if (code != OK) {
      return code;
    }
    String outcome = Json.text(a.json(), "outcome");
    if ("failed".equals(outcome)) {
      err.println("dlq: it failed again: " + Json.text(a.json(), "reason"));
      return FAILED;
    }
    if ("target-unavailable".equals(outcome)) {
      err.println("dlq: " + Json.text(a.json(), "detail"));
      return UNAVAILABLE;
    }
    return OK;
  }

  private static String id(List<String> p) {
    if (p.size() < 2) {
      throw new UsageException(p.get(0) + " needs an id");
    }
    return enc(p.get(1));
  }

  private static String query(Map<String, String> o, String... names) {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    for (String n : names) {
      String[] parts = n.split(":");
      String option = parts[0];
      String param = parts.length > 1 ? parts[1] : parts[0];
      if (o.containsKey(option)) {
        q.add(param + "=" + enc(o.get(option)));
      }
    }
    return q.toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String tabs(JsonNode n, String... fields) {
    StringJoiner j = new StringJoiner("\t");
    for (String f : fields) {
      String v = Json.text(n, f);
      j.add(v == null ? "" : v.replace('\t', ' ').replace('\n', ' '));
    }
    return j.toString();
  }

  private static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
