package at.telco.hub.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the hub's settings, each declared once in {@link HubSettings}, from Camel's properties: a
 * system property, an environment variable ({@code hub.crm.password} -> {@code HUB_CRM_PASSWORD}),
 * the {@code --config} file, application.properties, and last the catalogue's default. A secret is
 * taken from {@code <key>} or read from the file named by {@code <key>-file}; never from route
 * files, never logged.
 */
public final class Settings {

  private final Function<String, Optional<String>> lookup;

  public Settings(Function<String, Optional<String>> lookup) {
    this.lookup = lookup;
  }

  /** The settings of a CamelContext: its properties (placeholders resolved). */
  public static Settings of(org.apache.camel.CamelContext context) {
    return new Settings(k -> context.getPropertiesComponent().resolveProperty(k));
  }

  /** The setting's value as set, or its default; empty when it has neither. */
  public <T> Optional<T> optional(Setting<T> setting) {
    requireNotSecret(setting);
    return raw(setting.key())
        .or(() -> Optional.ofNullable(setting.defaultValue()))
        .map(setting::parse);
  }

  /** The setting's value as set, or its default; a setting with neither is an error. */
  public <T> T get(Setting<T> setting) {
    return optional(setting)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "setting " + setting.key() + " is required but not set: " + setting.meaning()));
  }

  /**
   * A secret: the content of the file {@code <key>-file} (e.g. a mounted Kubernetes secret), else
   * {@code <key>}, else empty.
   */
  public String secret(Setting<String> setting) {
    if (!setting.secret()) {
      throw new IllegalArgumentException(setting.key() + " is not a secret");
    }
    Optional<String> file = raw(setting.key() + "-file");
    if (file.isPresent()) {
      try {
        return Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the secret file of " + setting.key(), e);
      }
    }
    return lookup.apply(setting.key()).orElse("");
  }

  /**
   * How this instance names itself ({@code hub.instance.id}; by default its host name and business
   * port, which no two instances share).
   */
  public String instanceId() {
    return optional(HubSettings.INSTANCE_ID)
        .orElseGet(() -> hostName() + ":" + get(HubSettings.CAMEL_SERVER_PORT));
  }

  /** The host name ({@code HOSTNAME} first, as in a container), or {@code hub}. */
  public static String hostName() {
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "hub";
    }
  }

  /** The text of a key as set (stripped), or empty. */
  private Optional<String> raw(String key) {
    return lookup.apply(key).map(String::strip).filter(s -> !s.isEmpty());
  }

  private static void requireNotSecret(Setting<?> setting) {
    if (setting.secret()) {
      throw new IllegalArgumentException(setting.key() + " is a secret: read it with secret()");
    }
  }

  /**
   * A generated secret kept in {@code file} (the embedded default's data directory): created with
   * 32 random bytes, hex, readable by the owner only, the first time; read afterwards.
   */
  public static String secretInFile(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          // readable by the owner only from the moment it exists
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
          Files.createFile(file); // not a POSIX file system
        }
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        Files.writeString(file, HexFormat.of().formatHex(b) + "\n", StandardCharsets.UTF_8);
      }
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the secret file " + file, e);
    }
  }
}
