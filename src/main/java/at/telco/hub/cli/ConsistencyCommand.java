package at.telco.hub.cli;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code consistency ...}: reconciliation, schema drift, resync and rebuild. */
@Command(
    name = "consistency",
    description = {
      "Reconciliation, schema drift, resync and the rebuild of customerdb.",
      "A client of the management API. Reconciliation compares the masters with their copies."
          + " Jobs answer at once; with --wait the command follows the job to its end (its"
          + " progress on standard error) and prints its last state."
    },
    footer = HubCli.CONNECTION_FOOTER,
    exitCodeListHeading = HubCli.EXIT_CODES_HEADING,
    exitCodeList = {
      "0:done",
      "1:the job failed, or the reconciliation found differences (with --wait)",
      "2:usage (an unknown option, a bad value, a missing argument)",
      "3:not allowed",
      "4:not found",
      "5:conflict (a reconciliation is running, repair not enabled)",
      "6:the hub or a system unavailable",
      "7:invalid request"
    })
final class ConsistencyCommand extends ClientGroup {

  ConsistencyCommand(CliContext context) {
    super("consistency", context);
  }

  @Command(
      name = "reconcile",
      description = {
        "Compares masters and copies (role operator).",
        "With --wait, exit code 1 when it found differences."
      })
  int reconcile(
      @Option(
              names = "--pairs",
              paramLabel = "P",
              split = ",",
              description =
                  "The pairs to compare: crm->customerdb, crm->billing, billing->customerdb"
                      + " (default: all).")
          List<String> pairs,
      @Option(
              names = "--repair",
              description = "Re-send each differing record from its master (where enabled).")
          boolean repair,
      @Option(names = "--wait", description = "Follow the job to its end.") boolean wait,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    ObjectNode r = Json.object();
    if (pairs != null) {
      for (String pair : pairs) {
        r.withArray("pairs").add(pair.strip());
      }
    }
    r.put("repair", repair);
    return awaitJob(
        api, api.post("/api/v1/reconciliations", Json.write(r)), wait, "reconcile", true);
  }

  @Command(name = "runs", description = "The newest reconciliation runs.")
  int runs(
      @Option(
              names = "--limit",
              paramLabel = "N",
              description = "At most N runs (1-200, default 20).")
          Integer limit,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.list(
        api.get("/api/v1/reconciliations" + new ApiClient.Query().add("limit", limit)),
        "items",
        run ->
            ApiClient.tabs(run, "id", "startedAt", "trigger", "requestedBy", "status", "repaired")
                + "\t"
                + run.path("differences"));
  }

  @Command(
      name = "report",
      description = "A run's differing records: keys and attribute names, never values.")
  int report(
      @Parameters(paramLabel = "ID", description = "The reconciliation run.") String id,
      @Option(
              names = "--pair",
              paramLabel = "P",
              description = "Only this pair: crm->customerdb, crm->billing or billing->customerdb.")
          String pair,
      @Option(
              names = "--kind",
              paramLabel = "K",
              description = "Only this kind: MISSING, EXTRA, DIFFERENT or UNMAPPABLE.")
          String kind,
      @Option(
              names = "--after",
              paramLabel = "KEY",
              description = "The page after this key (the previous page's next).")
          String after,
      @Option(
              names = "--limit",
              paramLabel = "N",
              description = "Records per page (1-1000, default 100).")
          Integer limit,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.list(
        api.get(
            "/api/v1/reconciliations/"
                + ApiClient.enc(id)
                + new ApiClient.Query()
                    .add("pair", pair)
                    .add("kind", kind)
                    .add("after", after)
                    .add("limit", limit)),
        "records",
        r ->
            ApiClient.tabs(r, "pair", "key", "kind")
                + "\t"
                + r.path("attributes")
                + "\t"
                + ApiClient.tabs(r, "repair", "reason"));
  }

  @Command(name = "drift", description = "Schema drift per system: the findings of the last check.")
  int drift(
      @Option(names = "--check", description = "Check every system's schema now (role operator).")
          boolean check,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.print(
        check ? api.post("/api/v1/schema-drift/check", null) : api.get("/api/v1/schema-drift"));
  }

  @Command(
      name = "resync",
      description = {
        "Re-sends the master's state to a target through its normal route (role operator): the"
            + " given keys, all, or everything changed since a time (exactly one of them)."
      })
  int resync(
      @Option(
              names = "--target",
              paramLabel = "T",
              required = true,
              description = "A declared sink of customers or billing accounts (e.g. customerdb).")
          String target,
      @Option(
              names = "--keys",
              paramLabel = "K",
              split = ",",
              description = "These CRM accounts (or billing accounts).")
          List<String> keys,
      @Option(names = "--all", description = "Every record.") boolean all,
      @Option(
              names = "--since",
              paramLabel = "ISO",
              description = "Records changed since this ISO-8601 instant (customer targets).")
          String since,
      @Option(names = "--wait", description = "Follow the job to its end.") boolean wait,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    ObjectNode r = Json.object();
    r.put("target", target);
    if (keys != null) {
      for (String k : keys) {
        r.withArray("keys").add(k.strip());
      }
    }
    if (all) {
      r.put("all", true);
    }
    if (since != null) {
      r.put("changedSince", since);
    }
    return awaitJob(api, api.post("/api/v1/resync", Json.write(r)), wait, "resync", false);
  }

  @Command(
      name = "rebuild-customerdb",
      description = "Rebuilds customerdb from the masters (role admin).")
  int rebuildCustomerDb(
      @Option(names = "--wait", description = "Follow the job to its end.") boolean wait,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return awaitJob(
        api,
        api.post("/api/v1/resync/customerdb/rebuild", null),
        wait,
        "rebuild-customerdb",
        false);
  }

  @Command(name = "job", description = "A reconciliation, resync or rebuild job: state and result.")
  int job(@Parameters(paramLabel = "ID", description = "The job.") String id, @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.print(api.get("/api/v1/consistency-jobs/" + ApiClient.enc(id)));
  }

  /**
   * A consistency job's answer; with --wait, follows it to its end. A reconciliation that found
   * differences ends with exit code 1, so a script can tell.
   */
  private int awaitJob(
      ApiClient api, ApiClient.Answer a, boolean wait, String label, boolean reconciliation)
      throws IOException, InterruptedException {
    if (!a.ok() || !wait) {
      return api.print(a);
    }
    String id = Json.text(a.json(), "id");
    JobWatch.End end =
        JobWatch.follow(
            api, "/api/v1/consistency-jobs/" + ApiClient.enc(id), a.json(), progress(label));
    if (end.failed() != null) {
      return api.print(end.failed());
    }
    JsonNode state = end.state();
    api.out().println(Json.write(state));
    if (!"DONE".equals(Json.text(state, "state"))) {
      api.err().println(name() + ": the job failed: " + Json.text(state, "error"));
      return HubCli.FAILED;
    }
    if (reconciliation) {
      long found = 0;
      for (JsonNode byPair : state.path("result").path("differences")) {
        for (JsonNode n : byPair) {
          found += n.asLong();
        }
      }
      return found == 0 ? HubCli.OK : HubCli.FAILED;
    }
    return HubCli.OK;
  }
}
