package at.telco.hub.cli;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code erasure ...}: the right to erasure's requests and the DPO's report. */
@Command(
    name = "erasure",
    description = {
      "The right to erasure: its requests and the DPO's report.",
      "A client of the management API. For one request: every system reached and when, a legal"
          + " hold and its reason."
    },
    footer = HubCli.CONNECTION_FOOTER,
    exitCodeListHeading = HubCli.EXIT_CODES_HEADING,
    exitCodeList = {
      "0:done",
      "2:usage (an unknown option, a bad value, a missing argument)",
      "3:not signed in or not allowed",
      "4:not found",
      "6:hub unavailable",
      "7:invalid request"
    })
final class ErasureCommand extends ClientGroup {

  ErasureCommand(CliContext context) {
    super("erasure", context);
  }

  @Command(name = "list", description = "Erasure requests, newest first.")
  int list(
      @Option(names = "--status", paramLabel = "S", description = "Only PENDING, HELD or DONE.")
          String status,
      @Option(names = "--limit", paramLabel = "N", description = "At most N requests.")
          Integer limit,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.list(
        api.get(
            "/api/v1/erasures" + new ApiClient.Query().add("status", status).add("limit", limit)),
        "items",
        e ->
            ApiClient.tabs(
                    e, "id", "crmAccountId", "customerId", "status", "requestedAt", "completedAt")
                + "\t"
                + e.path("legalHold").path("reason").asText(""));
  }

  @Command(
      name = "show",
      description =
          "One request: every system reached and when, a legal hold and its reason (the DPO's"
              + " report).")
  int show(
      @Parameters(
              paramLabel = "ID",
              description = "The request's id, the customer id or the CRM account id.")
          String id,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.print(api.get("/api/v1/erasures/" + ApiClient.enc(id)));
  }
}
