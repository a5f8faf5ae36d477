package at.telco.hub.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * What a command of the command line runs with: the environment (for HUB_API_URL and the like),
 * standard output for results, standard error for problems and progress, and whether standard error
 * is a terminal (a progress bar) or not (a line now and then).
 */
public record CliContext(
    Map<String, String> env, PrintStream out, PrintStream err, boolean terminal) {

  /** The process's own: System.getenv(), System.out, System.err, System.console(). */
  public static CliContext system() {
    return new CliContext(System.getenv(), System.out, System.err, System.console() != null);
  }

  /** The given streams; a terminal only if they are the process's own and it has a console. */
  public static CliContext of(Map<String, String> env, PrintStream out, PrintStream err) {
    return new CliContext(env, out, err, err == System.err && System.console() != null);
  }
}
