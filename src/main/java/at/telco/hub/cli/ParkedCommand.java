package at.telco.hub.cli;

import at.telco.hub.cli.client.model.ReasonRequest;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parked ...}: the parked messages on the command line. */
@Command(
    name = "parked",
    description = {
      "Parked messages: list, show, release now, dead-letter by hand.",
      "A client of the management API (the same rights, the same audit trail). The event of a"
          + " parked message (personal data) is shown to role support only."
    },
    footer = HubCli.CONNECTION_FOOTER,
    exitCodeListHeading = HubCli.EXIT_CODES_HEADING,
    exitCodeList = {
      "0:done (listed, released, dead-lettering)",
      "2:usage (an unknown option, a bad value, a missing argument)",
      "3:not signed in or not allowed (401, 403)",
      "4:not found (not waiting on the parking queue)",
      "5:conflict (already being dead-lettered by hand)",
      "6:hub unavailable",
      "7:invalid request (400)"
    })
final class ParkedCommand extends ClientGroup {

  ParkedCommand(CliContext context) {
    super("parked", context);
  }

  @Command(name = "list", description = "The parked messages, longest parked first.")
  int list(
      @Option(
              names = "--key",
              paramLabel = "BA",
              description = "Only the messages waiting for this billing account.")
          String billingAccount,
      @Option(names = "--limit", paramLabel = "N", description = "At most N messages.")
          Integer limit,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.list(
        api.call(() -> api.parked().listParkedMessagesWithHttpInfo(billingAccount, limit)),
        "items",
        item ->
            ApiClient.tabs(
                item,
                "id",
                "billingAccount",
                "eventType",
                "parkedAt",
                "attempts",
                "nextDeliveryAt",
                "deadLetteredAfter"));
  }

  @Command(name = "show", description = "One parked message (the event for role support).")
  int show(
      @Parameters(paramLabel = "ID", description = "The parking id.") String id,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.print(api.call(() -> api.parked().getParkedMessageWithHttpInfo(id)));
  }

  @Command(
      name = "release",
      description =
          "Releases a parked message now: it goes where it would have gone at the end of its"
              + " wait.")
  int release(
      @Parameters(paramLabel = "ID", description = "The parking id.") String id,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    return api.print(
        api.call(
            () -> api.parked().releaseParkedMessageWithHttpInfo(id, ApiClient.REQUESTED_WITH)));
  }

  @Command(
      name = "dead-letter",
      description = "Dead-letters a parked message by hand, with a reason.")
  int deadLetter(
      @Parameters(paramLabel = "ID", description = "The parking id.") String id,
      @Option(
              names = "--reason",
              paramLabel = "TEXT",
              required = true,
              description =
                  "Why it is dead-lettered (3 to 500 characters); the dead letter and the audit"
                      + " trail keep it.")
          String reason,
      @Mixin Connection c)
      throws IOException, InterruptedException {
    ApiClient api = open(c);
    ReasonRequest body = new ReasonRequest().reason(reason);
    return api.print(
        api.call(
            () ->
                api.parked()
                    .deadLetterParkedMessageWithHttpInfo(
                        id, ApiClient.REQUESTED_WITH, null, body)));
  }
}
