package at.telco.hub.cli;

import at.telco.hub.canonical.Json;
import at.telco.hub.cli.client.model.ReplayRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dlq ...}: the dead-letter workbench on the command line. */
@Command(
    name = "dlq",
    description = {
      "The dead-letter workbench: list, show, replay, resync, discard, bulk replay.",
      "For scripts: a client of the management API (the same rights, the same audit trail)."
          + " Prints the API's JSON (or tab-separated lines with --format=tsv) on standard output,"
          + " problems on standard error, and says how it went in its exit code."
    },
    footer = HubCli.CONNECTION_FOOTER,
    exitCodeListHeading = HubCli.EXIT_CODES_HEADING,
    exitCodeList = {
      "0:done (applied, skipped, listed)",
      "1:the replay failed again, or a bulk replay had failures or did not finish",
      "2:usage (an unknown option, a bad value, a missing argument)",
      "3:not signed in or not allowed (401, 403)",
      "4:not found",
      "5:conflict (not open, being replayed)",
      "6:hub, target or CRM unavailable",
      "7:invalid request (400, e.g. an edited body that does not match the canonical schema: the"
          + " fields are named)"
    })
final class DlqCommand extends ClientGroup {

  DlqCommand(CliContext context) {
    super("dlq", context);
  }

  /** The filter of {@code list} and {@code replay-all} (a picocli mixin). */
  static final class Filter {
    @Option(
        names = "--target",
        paramLabel = "T",
        description = "Only this target: customerdb, billing or canonical-customer.")
    String target;

    @Option(
        names = "--key",
        paramLabel = "K",
        description =
            "Only this business key: customer id, CRM account, billing account or MSISDN.")
    String key;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        description = "Only failure reasons containing TEXT (case-insensitive).")
    String reason;

    @Option(
        names = "--since",
        paramLabel = "ISO",
        description = "Only last failures at or after this ISO-8601 instant.")
    String since;

    @Option(
        names = "--status",
        paramLabel = "S",
        description =
            "open (default: QUEUED, REPLAYING, SUPERSEDED), all, or a comma-separated list of"
                + " statuses (REPLACED: older dead letters of a record a newer one replaced).")
    String status;

    @Option(names = "--limit", paramLabel = "N", description = "At most N dead letters.")
    Integer limit;
  }

  @Command(name = "list", description = "A page of dead letters, newest failure first.")
  int list(
      @Mixin Filter f,
      @Option(
              names = "--cursor",
              paramLabel = "C",
              description = "nextCursor of the previous page.")
          String cursor,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.list(
        api.call(
            () ->
                api.deadLetters()
                    .listDeadLettersWithHttpInfo(
                        f.target, f.key, f.reason, f.since, f.status, f.limit, cursor)),
        "items",
        item ->
            ApiClient.tabs(
                item,
                "id",
                "target",
                "status",
                "lastFailedAt",
                "crmAccountId",
                "customerId",
                "reason"));
  }

  @Command(name = "summary", description = "Counts and the oldest open failure per target.")
  int summary(@Mixin Connection c) throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.list(
        api.call(() -> api.deadLetters().getDeadLetterSummaryWithHttpInfo()),
        "targets",
        t ->
            ApiClient.tabs(
                t, "target", "open", "superseded", "oldestFailedAt", "oldestAgeSeconds"));
  }

  @Command(name = "show", description = "One dead letter in full.")
  int show(
      @Parameters(paramLabel = "ID", description = "The dead letter.") String id,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.print(api.call(() -> api.deadLetters().getDeadLetterWithHttpInfo(id)));
  }

  @Command(
      name = "replay",
      description = {
        "Replays a dead letter straight into its target route, as it is or with an edited body.",
        "Exit code 0 when applied or skipped, 1 when it failed again, 6 when the target is"
            + " unavailable."
      })
  int replay(
      @Parameters(paramLabel = "ID", description = "The dead letter.") String id,
      @Option(
              names = "--body-file",
              paramLabel = "FILE",
              description =
                  "The edited canonical event (JSON), validated against the canonical schema.")
          Path bodyFile,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    // as it is: an empty request (the generated client would send a JSON null for none)
    ReplayRequest request = new ReplayRequest();
    if (bodyFile != null) {
      String text = Files.readString(bodyFile, StandardCharsets.UTF_8);
      try {
        request = new ReplayRequest().body(Json.parse(text));
      } catch (RuntimeException e) {
        throw c.usage("--body-file=" + bodyFile + " is not JSON: " + e.getMessage());
      }
    }
    ReplayRequest edited = request;
    return outcome(
        api,
        api.call(
            () ->
                api.deadLetters()
                    .replayDeadLetterWithHttpInfo(id, ApiClient.REQUESTED_WITH, edited)));
  }

  @Command(
      name = "resync",
      description = "Re-reads the dead letter's record from the master and sends it to its target.")
  int resync(
      @Parameters(paramLabel = "ID", description = "The dead letter.") String id,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return outcome(
        api,
        api.call(
            () -> api.deadLetters().resyncDeadLetterWithHttpInfo(id, ApiClient.REQUESTED_WITH)));
  }

  @Command(name = "discard", description = "Discards a dead letter, with a reason.")
  int discard(
      @Parameters(paramLabel = "ID", description = "The dead letter.") String id,
      @Option(
              names = "--reason",
              paramLabel = "TEXT",
              required = true,
              description = "Why it is discarded (3 to 500 characters); the audit trail keeps it.")
          String reason,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.print(
        api.call(
            () ->
                api.deadLetters()
                    .discardDeadLetterWithHttpInfo(id, reason, ApiClient.REQUESTED_WITH)));
  }

  @Command(
      name = "replay-all",
      description = {
        "Bulk replay of the open dead letters a filter selects, in batches, as a job.",
        "With --wait, follows the job to its end with its progress on standard error and prints"
            + " its last state; exit code 1 when it had failures or did not finish."
      })
  int replayAll(
      @Mixin Filter f,
      @Option(
              names = "--batch-size",
              paramLabel = "N",
              description = "Dead letters per batch (1-1000, default 100).")
          Integer batchSize,
      @Option(
              names = "--dry-run",
              description = "Only count and name what would be replayed; change nothing.")
          boolean dryRun,
      @Option(names = "--wait", description = "Follow the job to its end.") boolean wait,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    ObjectNode r = Json.object();
    putIf(r, "target", f.target);
    putIf(r, "businessKey", f.key);
    putIf(r, "reason", f.reason);
    putIf(r, "since", f.since);
    putIf(r, "status", f.status);
    if (f.limit != null) {
      r.put("limit", f.limit);
    }
    if (batchSize != null) {
      r.put("batchSize", batchSize);
    }
    r.put("dryRun", dryRun);
    ApiClient.Answer a = api.post("/api/v1/dead-letters/replay", Json.write(r));
    if (!a.ok() || dryRun || !wait) {
      return api.print(a);
    }
    String job = Json.text(a.json(), "id");
    JobWatch.End end =
        JobWatch.follow(
            api, "/api/v1/replay-jobs/" + ApiClient.enc(job), a.json(), progress("replay-all"));
    if (end.failed() != null) {
      return api.print(end.failed());
    }
    api.out().println(Json.write(end.state()));
    boolean clean =
        "FINISHED".equals(Json.text(end.state(), "state"))
            && end.state().path("failed").asInt() == 0;
    return clean ? HubCli.OK : HubCli.FAILED;
  }

  @Command(name = "jobs", description = "The latest bulk replays with their progress and rate.")
  int jobs(@Mixin Connection c) throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.print(api.call(() -> api.bulkReplays().listReplayJobsWithHttpInfo(null)));
  }

  @Command(
      name = "job",
      description = "One bulk replay: state, total, done, applied, skipped, failed, rate.")
  int job(
      @Parameters(paramLabel = "ID", description = "The bulk replay.") String id,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.print(api.call(() -> api.bulkReplays().getReplayJobWithHttpInfo(id)));
  }

  @Command(name = "stop", description = "Stops a bulk replay after its current batch.")
  int stop(
      @Parameters(paramLabel = "ID", description = "The bulk replay.") String id,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.print(
        api.call(() -> api.bulkReplays().stopReplayJobWithHttpInfo(id, ApiClient.REQUESTED_WITH)));
  }

  @Command(
      name = "audit",
      description = "The audit trail, newest first: of one dead letter, or all.")
  int audit(
      @Parameters(
              paramLabel = "ID",
              arity = "0..1",
              description = "Only the entries of this dead letter.")
          String id,
      @Option(names = "--actor", paramLabel = "NAME", description = "Only this user's entries.")
          String actor,
      @Option(
              names = "--action",
              paramLabel = "A",
              description = "Only this action: replay, replay-edited, resync, discard, ...")
          String action,
      @Option(
              names = "--since",
              paramLabel = "ISO",
              description = "Only entries at or after this ISO-8601 instant.")
          String since,
      @Option(names = "--limit", paramLabel = "N", description = "At most N entries.")
          Integer limit,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.list(
        api.get(
            "/api/v1/audit"
                + new ApiClient.Query()
                    .add("actor", actor)
                    .add("action", action)
                    .add("since", since)
                    .add("limit", limit)
                    .add("deadLetterId", id)),
        "items",
        e -> ApiClient.tabs(e, "at", "actor", "action", "deadLetterId", "outcome", "detail"));
  }

  /** A replay's or resync's outcome: applied and skipped are done; failed is not. */
  private static int outcome(ApiClient api, ApiClient.Answer a) {
    int code = api.print(a);
    if (code != HubCli.OK) {
      return code;
    }
    String outcome = Json.text(a.json(), "outcome");
    if ("failed".equals(outcome)) {
      api.err().println("dlq: it failed again: " + Json.text(a.json(), "reason"));
      return HubCli.FAILED;
    }
    if ("target-unavailable".equals(outcome)) {
      api.err().println("dlq: " + Json.text(a.json(), "detail"));
      return HubCli.UNAVAILABLE;
    }
    return HubCli.OK;
  }

  private static void putIf(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }
}
