package at.telco.hub.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How the command line reports what went wrong, on standard error, and with which exit code: usage
 * errors (an unknown option, a bad value, a missing argument; also those a command finds itself)
 * with 2 and a hint; the hub not answering with 6; anything unexpected with 1 and its stack trace.
 * A command may map its own exceptions (its {@link IExitCodeExceptionMapper}).
 */
final class CliErrors
    implements IParameterExceptionHandler, IExecutionExceptionHandler, IExitCodeExceptionMapper {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    if (ex instanceof UnmatchedArgumentException u
        && !cmd.getSubcommands().isEmpty()
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      err.println("Unknown command: '" + u.getUnmatched().get(0) + "'");
    } else {
      err.println(ex.getMessage());
    }
    boolean suggested = UnmatchedArgumentException.printSuggestions(ex, err);
    if (!cmd.getSubcommands().isEmpty() && !suggested) {
      cmd.usage(err); // which commands there are
    } else {
      err.println(
          "Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    }
    err.flush();
    return HubCli.USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    if (ex instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    IExitCodeExceptionMapper mapper = cmd.getExitCodeExceptionMapper();
    int code =
        mapper != null
            ? mapper.getExitCode(ex)
            : cmd.getCommandSpec().exitCodeOnExecutionException();
    PrintWriter err = cmd.getErr();
    if (code == HubCli.FAILED) {
      err.println(prefix(cmd) + ": " + ex);
      ex.printStackTrace(err);
    } else {
      err.println(prefix(cmd) + ": " + message(ex));
    }
    err.flush();
    return code;
  }

  /** The client commands' exceptions: the hub not answering (and files not read) 6, else 1. */
  @Override
  public int getExitCode(Throwable t) {
    if (t instanceof ParameterException) {
      return HubCli.USAGE;
    }
    if (t instanceof IOException || t instanceof InterruptedException) {
      return HubCli.UNAVAILABLE;
    }
    return HubCli.FAILED;
  }

  private static String message(Exception ex) {
    if (ex instanceof NoSuchFileException f) {
      return "no such file: " + f.getFile();
    }
    if (ex instanceof FileSystemException f) {
      return "cannot read " + f.getFile() + (f.getReason() != null ? ": " + f.getReason() : "");
    }
    if (ex instanceof InterruptedException) {
      return "interrupted";
    }
    return ex.getMessage() != null ? ex.getMessage() : ex.toString();
  }

  /** The command named in messages: the one below the jar ({@code dlq}, {@code backup}, ...). */
  static String prefix(CommandLine cmd) {
    for (CommandLine g = cmd; g != null; g = g.getParent()) {
      if (g.getCommand() instanceof ClientGroup group) {
        return group.name();
      }
    }
    CommandLine c = cmd;
    while (c.getParent() != null && c.getParent().getParent() != null) {
      c = c.getParent();
    }
    String name = c.getCommandName();
    return name.substring(name.lastIndexOf(' ') + 1).replaceAll("\\.jar$", "");
  }
}
