package at.telco.hub.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Prometheus' promtool (Debian package prometheus; .ci/run installs it when it is missing). */
public final class Promtool {

  private Promtool() {}

  public static String path() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(
        "promtool is not installed: apt-get install prometheus (.ci/run does this)");
  }

  public static Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(path());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }
}
