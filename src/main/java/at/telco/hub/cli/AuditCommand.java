package at.telco.hub.cli;

import at.telco.hub.canonical.ExportedSeals;
import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code audit ...}: verify the audit trail, list its entries. */
@Command(
    name = "audit",
    description = {
      "The audit trail: verify its entries, chains and seals; list its entries.",
      "A client of the management API."
    },
    footer = HubCli.CONNECTION_FOOTER,
    exitCodeListHeading = HubCli.EXIT_CODES_HEADING,
    exitCodeList = {
      "0:done (verify: the trail is intact)",
      "1:verify found problems (each on standard error: kind, segment, sequence number, entry)",
      "2:usage (an unknown option, a bad value, a missing argument)",
      "3:not allowed",
      "6:hub unavailable"
    })
final class AuditCommand extends ClientGroup {

  AuditCommand(CliContext context) {
    super("audit", context);
  }

  @Command(
      name = "verify",
      description = {
        "Checks every entry, chain and seal of the audit trail, and each writer's chain of"
            + " segments (role admin).",
        "With --seals: also against the seals exported out of the database when they were made"
            + " (a file of hub.audit.seals-file or audit-maintenance --seals, or the hub's log):"
            + " a segment rewritten and resealed, or one removed, is found there."
      })
  int verify(
      @Option(
              names = "--seals",
              paramLabel = "FILE",
              description =
                  "The exported seals (one JSON line per sealed segment) or a log with the hub's"
                      + " seal lines.")
          Path seals,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    if (seals != null && !Files.isReadable(seals)) {
      throw c.usage("--seals: cannot read " + seals);
    }
    ApiClient api = open(c);
    ApiClient.Answer a = api.get("/api/v1/audit/verify");
    int code = api.print(a);
    if (code != HubCli.OK) {
      return code;
    }
    ArrayNode problems = Json.MAPPER.createArrayNode();
    problems.addAll((ArrayNode) a.json().path("problems"));
    if (seals != null) {
      Map<Long, ExportedSeals.Seal> exported = ExportedSeals.read(seals);
      ArrayNode against = ExportedSeals.compare(exported, a.json().path("seals"));
      problems.addAll(against);
      api.err()
          .println(
              "audit: "
                  + exported.size()
                  + " exported seals compared, "
                  + against.size()
                  + " problems");
    }
    for (JsonNode q : problems) {
      api.err()
          .println(
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
    return problems.isEmpty() ? HubCli.OK : HubCli.FAILED;
  }

  @Command(name = "list", description = "Audit entries, newest first.")
  int list(
      @Option(names = "--actor", paramLabel = "NAME", description = "Only this user's entries.")
          String actor,
      @Option(
              names = "--action",
              paramLabel = "A",
              description = "Only this action: replay, resync, discard, put-user, ...")
          String action,
      @Option(
              names = "--object",
              paramLabel = "O",
              description = "Only entries about this object, e.g. user:night-shift, audit-trail.")
          String object,
      @Option(
              names = "--from",
              paramLabel = "ISO",
              description = "Entries at or after this ISO-8601 instant.")
          String from,
      @Option(
              names = "--to",
              paramLabel = "ISO",
              description = "Entries before this ISO-8601 instant.")
          String to,
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
                    .add("object", object)
                    .add("from", from)
                    .add("to", to)
                    .add("limit", limit)),
        "items",
        e -> ApiClient.tabs(e, "at", "actor", "role", "action", "object", "outcome", "detail"));
  }
}
