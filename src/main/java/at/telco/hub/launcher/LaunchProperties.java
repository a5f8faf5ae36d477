package at.telco.hub.launcher;

import at.telco.hub.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The settings as the launcher sees them before Camel starts, in Camel's order of precedence:
 * system properties, then environment variables ({@code hub.embedded.enabled} -> {@code
 * HUB_EMBEDDED_ENABLED}), then the --config file, then the built-in application.properties (Camel's
 * own settings), then the defaults of the settings catalogue.
 */
final class LaunchProperties {

  private final Properties defaults = new Properties();
  private final Properties file = new Properties();
  private final Map<String, String> env;
  private final Properties system;

  LaunchProperties(Path configFile, Map<String, String> env, Properties system) {
    this.env = env;
    this.system = system;
    try (InputStream in = LaunchProperties.class.getResourceAsStream("/application.properties")) {
      if (in != null) {
        defaults.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
      }
      if (configFile != null) {
        try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
          file.load(r);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Optional<String> get(String key) {
    String v = system.getProperty(key);
    if (v == null) {
      v = env.get(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
    }
    if (v == null) {
      v = file.getProperty(key);
    }
    if (v == null) {
      v = defaults.getProperty(key);
    }
    return Optional.ofNullable(v).map(String::strip).filter(s -> !s.isEmpty());
  }

  /** Every key of the --config file, with the value that wins for it. */
  Properties fileOverrides() {
    Properties p = new Properties();
    for (String key : file.stringPropertyNames()) {
      get(key).ifPresent(v -> p.setProperty(key, v));
    }
    return p;
  }

  /** The settings as the launcher sees them (the catalogue's defaults below all of these). */
  Settings settings() {
    return new Settings(this::get);
  }
}
