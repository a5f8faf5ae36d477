package at.telco.hub.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.cli.CliContext;
import at.telco.hub.cli.HubCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The jar's command line: what it starts, what it refuses, what its help says. */
class HubMainTest {

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final HubMain hub =
      new HubMain(
          new CliContext(
              Map.of(),
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              false));
  final CommandLine cmd = HubMain.commandLine(hub);

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theHubTakesItsOwnOptionsAndPassesEveryOtherArgumentOnToCamelMain() {
    ParseResult r =
        cmd.parseArgs("--config=hub.properties", "-d", "10", "--clean", "--data-dir=/tmp/d", "-t");
    assertThat(r.subcommand()).isNull();
    assertThat(hub.launch.config).isEqualTo(Path.of("hub.properties"));
    assertThat(hub.launch.dataDir).isEqualTo("/tmp/d");
    assertThat(hub.clean).isTrue();
    assertThat(hub.camelArgs).containsExactly("-d", "10", "-t");
  }

  @Test
  void theCommandsRefuseWhatTheyDoNotKnow() {
    assertThat(cmd.execute("dlq", "list", "--limt=5")).isEqualTo(HubCli.USAGE);
    assertThat(err()).contains("Unknown option: '--limt=5'").contains("--limit");
    assertThat(cmd.execute("dlq", "frobnicate")).isEqualTo(HubCli.USAGE);
    assertThat(err()).contains("Unknown command: 'frobnicate'");
    assertThat(cmd.execute("backup", "--to=/tmp/b", "--clean")).isEqualTo(HubCli.USAGE);
    assertThat(err()).contains("Unknown option: '--clean'");
    assertThat(cmd.execute("backup")).isEqualTo(HubCli.USAGE);
    assertThat(err()).contains("Missing required option: '--to=DIR'");
    assertThat(cmd.execute("restore")).isEqualTo(HubCli.USAGE);
    assertThat(err()).contains("Missing required option: '--from=DIR'");
    // recover never restores: it has no --from
    assertThat(cmd.execute("recover", "--from=/tmp/b")).isEqualTo(HubCli.USAGE);
    assertThat(out()).isEmpty();
  }

  @Test
  void maintenanceTakesTheLaunchOptionsBeforeOrAfterTheCommand() {
    ParseResult before = cmd.parseArgs("--config=a.properties", "backup", "--to=/tmp/b");
    assertThat(before.subcommand().commandSpec().name()).isEqualTo("backup");
    assertThat(hub.launch.config).isEqualTo(Path.of("a.properties"));
    ParseResult after =
        HubMain.commandLine(hub)
            .parseArgs("restore", "--from=/tmp/b", "--config=b.properties", "--data-dir=/d");
    assertThat((Path) after.subcommand().matchedOptionValue("--config", null))
        .isEqualTo(Path.of("b.properties"));
    assertThat((String) after.subcommand().matchedOptionValue("--data-dir", null)).isEqualTo("/d");
    assertThat((Path) after.subcommand().matchedOptionValue("--from", null))
        .isEqualTo(Path.of("/tmp/b"));
  }

  @Test
  void theJarsHelpIsGeneratedWithItsOptionsCommandsAndExitCodes() {
    assertThat(cmd.execute("--help")).isZero();
    assertThat(out())
        .contains("Usage: java -jar telco-integration-hub.jar [--config=FILE] [--clean]")
        .contains("CAMEL-MAIN-ARGUMENTS")
        .containsPattern("--config=FILE +Properties file")
        .containsPattern("--data-dir=DIR +Embedded default: where state lives")
        .containsPattern("--clean +Embedded default: delete the data directory")
        .containsPattern("(?m)^  dlq +The dead-letter workbench")
        .containsPattern("(?m)^  consistency +Reconciliation")
        .containsPattern("(?m)^  erasure ")
        .containsPattern("(?m)^  audit ")
        .containsPattern("(?m)^  hash-password ")
        .containsPattern("(?m)^  backup +Backs up the hub's own state")
        .containsPattern("(?m)^  restore ")
        .containsPattern("(?m)^  recover ")
        .contains("Exit codes")
        .containsPattern("(?m)^  2 +usage")
        .containsPattern("(?m)^  6 +the hub");
    assertThat(err()).isEmpty();
    String top = out();
    out.reset();
    assertThat(cmd.execute("-h")).isZero();
    assertThat(out()).isEqualTo(top);
    out.reset();
    assertThat(cmd.execute("dlq", "replay-all", "--help")).isZero();
    assertThat(out())
        .contains("Usage: java -jar telco-integration-hub.jar dlq replay-all")
        .containsPattern("--dry-run +Only count and name what would be replayed")
        .containsPattern("(?m)^  1 +the replay failed again");
    out.reset();
    assertThat(cmd.execute("backup", "--help")).isZero();
    assertThat(out()).containsPattern("--to=DIR +The new \\(or empty\\) directory");
  }
}
