package at.telco.hub.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The files of {@code deploy/}, read as the tools that use them read them. */
public final class DeployFiles {

  public static final Path DEPLOY = Path.of("deploy");

  private static final Pattern METRIC =
      Pattern.compile("\\b((?:hub|camel|jvm|process|system)_[a-z0-9_]+)\\b");

  private DeployFiles() {}

  public static String read(String path) {
    try {
      return Files.readString(DEPLOY.resolve(path), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every YAML document of a file (a Kubernetes manifest may hold several). */
  public static List<Object> yaml(String path) {
    Load load = new Load(LoadSettings.builder().build());
    List<Object> docs = new java.util.ArrayList<>();
    load.loadAllFromString(read(path))
        .forEach(
            d -> {
              if (d != null) docs.add(d);
            });
    return docs;
  }

  /**
   * The metric names the alert rules and the Grafana dashboard query (histogram series reduced to
   * their base name).
   */
  public static Set<String> metricsUsed() {
    Set<String> names = new TreeSet<>();
    for (String file :
        List.of("prometheus/telco-hub-alerts.yml", "grafana/telco-hub-dashboard.json")) {
      Matcher m = METRIC.matcher(read(file));
      while (m.find()) {
        names.add(m.group(1).replaceAll("_(bucket|count|sum)$", ""));
      }
    }
    return names;
  }
}
