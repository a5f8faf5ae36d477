package at.telco.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The command line's parsing, usage errors and generated help, without a hub: the API's address is
 * a port nobody listens on, so a command that got as far as asking the hub ends with exit code 6.
 */
class HubCliTest {

  static Map<String, String> env;

  @BeforeAll
  static void nobodyListens() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    env =
        Map.of(
            "HUB_API_URL",
            "http://127.0.0.1:" + port,
            "HUB_API_USER",
            "support1",
            "HUB_API_PASSWORD",
            "secret");
  }

  record Run(int code, String out, String err) {}

  interface Entry {
    int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err);
  }

  static Run run(Entry entry, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        entry.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run dlq(String... args) {
    return run(HubCli::run, args);
  }

  @Test
  void anUnknownOptionIsRefusedWithExitCode2AndNamedBeforeTheHubIsAsked() {
    Run typo = dlq("list", "--limt=5");
    assertThat(typo.code()).isEqualTo(HubCli.USAGE);
    assertThat(typo.err())
        .contains("Unknown option: '--limt=5'")
        .contains("--limit") // the option meant
        .contains("dlq list --help")
        .doesNotContain("does not answer"); // refused before any request
    assertThat(typo.out()).isEmpty();

    // the same in the other groups, and a bad value
    assertThat(run(HubCli::runConsistency, "runs", "--limt=5").code()).isEqualTo(HubCli.USAGE);
    assertThat(run(HubCli::runErasure, "list", "--stauts=HELD").code()).isEqualTo(HubCli.USAGE);
    assertThat(run(HubCli::runAudit, "list", "--actr=admin").code()).isEqualTo(HubCli.USAGE);
    Run notANumber = dlq("list", "--limit=ten");
    assertThat(notANumber.code()).isEqualTo(HubCli.USAGE);
    assertThat(notANumber.err()).contains("Invalid value for option '--limit'").contains("'ten'");
    Run format = dlq("summary", "--format=xml");
    assertThat(format.code()).isEqualTo(HubCli.USAGE);
    assertThat(format.err()).contains("--format").contains("xml");
    // an argument too many
    assertThat(dlq("show", "id-1", "id-2").code()).isEqualTo(HubCli.USAGE);

    // a well-formed command gets as far as the hub, which is not there
    Run asked = dlq("list", "--limit=5");
    assertThat(asked.code()).as(asked.err()).isEqualTo(HubCli.UNAVAILABLE);
    assertThat(asked.err()).contains("dlq: the hub at " + env.get("HUB_API_URL"));
  }

  @Test
  void anUnknownCommandIsRefusedWithExitCode2() {
    // after a command: refused, not ignored (the hub is not asked)
    Run unknownAfterACommand = dlq("jobs", "frobnicate");
    assertThat(unknownAfterACommand.code()).isEqualTo(HubCli.USAGE);
    assertThat(unknownAfterACommand.err()).contains("'frobnicate'");
    Run unknown = dlq("frobnicate");
    assertThat(unknown.code()).isEqualTo(HubCli.USAGE);
    assertThat(unknown.err()).contains("Unknown command: 'frobnicate'").contains("dlq --help");
    Run consistency = run(HubCli::runConsistency, "reconcil", "--wait");
    assertThat(consistency.code()).isEqualTo(HubCli.USAGE);
    assertThat(consistency.err())
        .contains("Unknown command: 'reconcil'")
        .contains("consistency reconcile"); // the suggestion
    // no command at all: the group's usage on standard error
    Run none = dlq();
    assertThat(none.code()).isEqualTo(HubCli.USAGE);
    assertThat(none.err()).contains("replay-all").contains("Exit codes:");
  }

  @Test
  void aMissingArgumentOrOptionIsAUsageError() {
    Run noId = dlq("show");
    assertThat(noId.code()).isEqualTo(HubCli.USAGE);
    assertThat(noId.err()).contains("Missing required parameter: 'ID'");
    Run noReason = dlq("discard", "id-1");
    assertThat(noReason.code()).isEqualTo(HubCli.USAGE);
    assertThat(noReason.err()).contains("--reason=TEXT");
    Run noTarget = run(HubCli::runConsistency, "resync", "--all");
    assertThat(noTarget.code()).isEqualTo(HubCli.USAGE);
    assertThat(noTarget.err()).contains("--target=T");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int anonymous =
        HubCli.run(
            new String[] {"summary"},
            Map.of("HUB_API_URL", env.get("HUB_API_URL")),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(anonymous).isEqualTo(HubCli.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("sign in with --user");
  }

  @Test
  void optionValuesAreTakenWithAnEqualsSignOrAsTheNextArgument() {
    CliContext context =
        new CliContext(env, new PrintStream(new ByteArrayOutputStream()), System.err, false);
    Function<String[], ParseResult> parse =
        args ->
            HubCli.configure(new CommandLine(new DlqCommand(context)), context)
                .parseArgs(args)
                .subcommand();
    ParseResult joined =
        parse.apply(new String[] {"replay-all", "--reason=credit check", "--batch-size=200"});
    ParseResult separate =
        parse.apply(new String[] {"replay-all", "--reason", "credit check", "--batch-size", "200"});
    for (ParseResult p : new ParseResult[] {joined, separate}) {
      assertThat((String) p.matchedOptionValue("--reason", null)).isEqualTo("credit check");
      assertThat((Integer) p.matchedOptionValue("--batch-size", null)).isEqualTo(200);
    }
    // given twice, the last wins (as it always did)
    assertThat(
            (Integer)
                parse
                    .apply(new String[] {"list", "--limit=5", "--limit=7"})
                    .matchedOptionValue("--limit", null))
        .isEqualTo(7);
  }

  @Test
  void replayAllsGeneratedHelpNamesItsOptionsTheConnectionAndTheExitCodes() {
    Run help = dlq("replay-all", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.err()).isEmpty();
    assertThat(help.out())
        .contains("Usage: dlq replay-all [")
        .containsPattern("--dry-run +Only count and name what would be replayed")
        .containsPattern("--wait +Follow the job to its end")
        .containsPattern("--batch-size=N +Dead letters per batch")
        .containsPattern("--reason=TEXT +Only failure reasons containing TEXT")
        .containsPattern("--url=URL +The hub's management API \\(default: \\$HUB_API_URL")
        .containsPattern("--password-file=FILE +A file holding the password")
        .containsPattern("-h, --help +Show this help and exit")
        .contains("HUB_API_USER", "HUB_API_PASSWORD")
        .contains("Exit codes:")
        .containsPattern("(?m)^  0 +done \\(applied, skipped, listed\\)$")
        .containsPattern("(?m)^  1 +the replay failed again, or a bulk replay had failures")
        .containsPattern("(?m)^  2 +usage")
        .containsPattern("(?m)^  6 +hub, target or CRM unavailable$")
        .containsPattern("(?m)^  7 +invalid request");
    // -h is the same; every group and command has it
    assertThat(dlq("replay-all", "-h").out()).isEqualTo(help.out());
    for (Entry e :
        new Entry[] {HubCli::run, HubCli::runConsistency, HubCli::runErasure, HubCli::runAudit}) {
      Run group = run(e, "--help");
      assertThat(group.code()).isZero();
      assertThat(group.out()).contains("Commands:").contains("Exit codes:");
    }
    assertThat(run(HubCli::runConsistency, "reconcile", "--help").out())
        .containsPattern("--pairs=P\\[,P\\.\\.\\.\\]")
        .containsPattern("(?m)^  1 +the job failed, or the reconciliation found differences");
  }
}
