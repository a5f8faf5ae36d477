package at.telco.hub.api;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first {@code admin}'s password when none is configured: generated, written to a file only its
 * owner can read ({@code hub.admin.generated-password-file}; default {@code admin-password} in the
 * embedded data directory, else in the working directory), and never printed or logged: standard
 * output ends up in JSON log collectors and Kubernetes pod logs. The log says where the file is.
 * The file is written before the user is created, so a hub that cannot write it does not create an
 * {@code admin} nobody knows the password of.
 */
final class GeneratedAdminPassword {

  private static final Logger LOG = LoggerFactory.getLogger(GeneratedAdminPassword.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private GeneratedAdminPassword() {}

  /** Where a generated password goes. */
  static Path file(Settings settings) {
    Optional<String> configured = settings.optional(HubSettings.ADMIN_GENERATED_PASSWORD_FILE);
    if (configured.isPresent()) {
      return Path.of(configured.get());
    }
    Path dir =
        settings.get(HubSettings.EMBEDDED_ENABLED)
            ? Path.of(settings.get(HubSettings.EMBEDDED_DATA_DIR))
            : Path.of("");
    return dir.resolve("admin-password").toAbsolutePath();
  }

  /**
   * Makes sure there is an {@code admin} (as {@link ApiUsers#bootstrapAdmin}); without a configured
   * password one is generated into {@link #file}. Answers the file when it holds the password of
   * the {@code admin} just created.
   */
  static Optional<Path> bootstrap(ApiUsers users, Settings settings) {
    String configured = settings.secret(HubSettings.ADMIN_PASSWORD);
    if (configured != null && !configured.isEmpty()) {
      users.bootstrapAdmin(configured);
      return Optional.empty();
    }
    if (users.find("admin").isPresent()) {
      return Optional.empty();
    }
    Path file = file(settings);
    String password = generate();
    write(file, password);
    users.bootstrapAdmin(password);
    // another instance starting at the same time may have created it with its own password
    if (users.authenticate("admin", password).isEmpty()) {
      delete(file);
      return Optional.empty();
    }
    LOG.warn(
        "The management API's user 'admin' was created with a generated password, written to {}"
            + " (readable by its owner only). Sign in at /console/, change it and delete the file;"
            + " or set HUB_ADMIN_PASSWORD (hub.admin.password-file) before the first start.",
        file);
    return Optional.of(file);
  }

  static String generate() {
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Writes the password to a new or emptied file with mode 0600. */
  static void write(Path file, String password) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.deleteIfExists(file);
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(
                EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the generated password of the management API's admin to "
              + file
              + ": set hub.admin.password (or -file) or hub.admin.generated-password-file",
          e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", file, e.toString());
    }
  }
}
