package at.telco.hub.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The management API's command line, for scripts: {@code dlq}, {@code consistency}, {@code erasure}
 * and {@code audit}, each with its commands (picocli). A client of the management API (the same
 * rights, the same audit trail): prints the API's JSON (or tab-separated lines with {@code
 * --format=tsv}) on standard output, problems and the progress of long jobs on standard error, and
 * says how it went in its exit code.
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

  static final String EXIT_CODES_HEADING = "%nExit codes:%n";

  static final String CONNECTION_FOOTER =
      "%nConnection (options of every command, or environment variables):%n"
          + "  --url=URL             HUB_API_URL, default http://127.0.0.1:8080%n"
          + "  --user=NAME           HUB_API_USER%n"
          + "  --password-file=FILE  or the password in HUB_API_PASSWORD%n"
          + "  --format=FORMAT       json (default) or tsv (lists as tab-separated lines)";

  private HubCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** {@code dlq ...}: the dead-letter workbench. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CliContext context = CliContext.of(env, out, err);
    return execute(new DlqCommand(context), context, args);
  }

  /** {@code consistency ...}: reconciliation, schema drift, resync and rebuild. */
  public static int runConsistency(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CliContext context = CliContext.of(env, out, err);
    return execute(new ConsistencyCommand(context), context, args);
  }

  /** {@code erasure ...}: the right to erasure's requests and the DPO's report. */
  public static int runErasure(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CliContext context = CliContext.of(env, out, err);
    return execute(new ErasureCommand(context), context, args);
  }

  /** {@code parked ...}: the parked messages. */
  public static int runParked(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CliContext context = CliContext.of(env, out, err);
    return execute(new ParkedCommand(context), context, args);
  }

  /** {@code audit ...}: verify the audit trail, list entries. */
  public static int runAudit(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CliContext context = CliContext.of(env, out, err);
    return execute(new AuditCommand(context), context, args);
  }

  /** The client command groups, as subcommands of the jar's command. */
  public static List<Object> commands(CliContext context) {
    return List.of(
        new DlqCommand(context),
        new ParkedCommand(context),
        new ConsistencyCommand(context),
        new ErasureCommand(context),
        new AuditCommand(context));
  }

  private static int execute(Object group, CliContext context, String[] args) {
    return configure(new CommandLine(group), context).execute(args);
  }

  /**
   * Sets up a command line and every subcommand it has now: output and errors to the context's
   * streams, -h/--help everywhere, the exit codes of a group in each of its commands' help, usage
   * errors answered with exit code 2 and a hint, the other failures mapped to exit codes. Options
   * given twice: the last wins. No @file expansion, no clustered short options: arguments stay as
   * they are.
   */
  public static CommandLine configure(CommandLine cmd, CliContext context) {
    cmd.setOut(new PrintWriter(context.out(), true));
    cmd.setErr(new PrintWriter(context.err(), true));
    cmd.setExpandAtFiles(false);
    cmd.setPosixClusteredShortOptionsAllowed(false);
    cmd.setOverwrittenOptionsAllowed(true);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    CliErrors errors = new CliErrors();
    cmd.setParameterExceptionHandler(errors);
    cmd.setExecutionExceptionHandler(errors);
    cmd.setExitCodeExceptionMapper(errors);
    prepare(cmd, null);
    return cmd;
  }

  private static void prepare(CommandLine cmd, CommandSpec parent) {
    CommandSpec spec = cmd.getCommandSpec();
    if (spec.findOption("--help") == null) {
      spec.addOption(
          OptionSpec.builder("-h", "--help")
              .usageHelp(true)
              .description("Show this help and exit.")
              .build());
    }
    UsageMessageSpec usage = spec.usageMessage();
    usage
        .sortOptions(false)
        .synopsisHeading("Usage: ")
        .descriptionHeading("%n")
        .parameterListHeading("%nParameters:%n")
        .optionListHeading("%nOptions:%n")
        .commandListHeading("%nCommands:%n");
    if (usage.exitCodeList().isEmpty() && parent != null) {
      usage.exitCodeListHeading(parent.usageMessage().exitCodeListHeading());
      usage.exitCodeList(parent.usageMessage().exitCodeList());
    }
    if (usage.footer().length == 0 && parent != null) {
      usage.footer(parent.usageMessage().footer());
    }
    for (CommandLine sub : cmd.getSubcommands().values()) {
      prepare(sub, spec);
    }
  }
}
