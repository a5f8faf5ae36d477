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
 * Reads the hub's settings ({@code hub.*}) from Camel's properties (application.properties, then
 * environment variables such as {@code HUB_CRM_PASSWORD} override). A secret is taken from {@code
 * <key>} or read from the file named by {@code <key>-file}; never from route files, never logged.
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

  public Optional<String> optional(String key) {
    return lookup.apply(key).map(String::strip).filter(s -> !s.isEmpty());
  }

  public String get(String key) {
    return optional(key)
        .orElseThrow(
            () -> new IllegalStateException("setting " + key + " is required but not set"));
  }

  public String get(String key, String fallback) {
    return optional(key).orElse(fallback);
  }

  public int getInt(String key, int fallback) {
    return optional(key).map(Integer::parseInt).orElse(fallback);
  }

  public boolean getBoolean(String key, boolean fallback) {
    return optional(key).map(Boolean::parseBoolean).orElse(fallback);
  }

  /** {@code <key>-file} (the secret's file, e.g. a mounted Kubernetes secret) or {@code <key>}. */
  public String secret(String key) {
    Optional<String> file = optional(key + "-file");
    if (file.isPresent()) {
      try {
        return Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the secret file of " + key, e);
      }
    }
    return lookup.apply(key).orElse("");
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
