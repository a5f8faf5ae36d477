package at.telco.hub.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every client command shares (a picocli mixin): where the management API is, who signs
 * in, and the output format. Each falls back to its environment variable.
 */
public final class Connection {

  static final String DEFAULT_URL = "http://127.0.0.1:8080";

  /** The output of lists: the API's JSON, or tab-separated lines. */
  public enum Format {
    json,
    tsv
  }

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "The hub's management API (default: $HUB_API_URL, else " + DEFAULT_URL + ").")
  String url;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description = "The API user to sign in as (default: $HUB_API_USER).")
  String user;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "A file holding the password (default: the password in $HUB_API_PASSWORD).")
  Path passwordFile;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "json (default: the API's JSON) or tsv (tab-separated lines, for lists).")
  Format format = Format.json;

  /** A client of the API as these options and the environment say; signed in or refused. */
  ApiClient open(String group, CliContext context) throws IOException {
    String base = url != null ? url : context.env().getOrDefault("HUB_API_URL", DEFAULT_URL);
    String name = user != null ? user : context.env().get("HUB_API_USER");
    String password = context.env().get("HUB_API_PASSWORD");
    if (passwordFile != null) {
      password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
    }
    if (name == null || password == null) {
      throw usage(
          "sign in with --user (or HUB_API_USER) and HUB_API_PASSWORD (or --password-file)");
    }
    return new ApiClient(
        group, context, base.replaceAll("/+$", ""), name, password, format == Format.tsv);
  }

  /** A usage error of the command these options belong to (exit code 2). */
  ParameterException usage(String message) {
    return new ParameterException(command.commandLine(), message);
  }
}
