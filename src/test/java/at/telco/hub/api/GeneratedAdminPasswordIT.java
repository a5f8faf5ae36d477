package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.config.Settings;
import at.telco.hub.platform.HubDatabase;
import at.telco.hub.testing.TestServers;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The first admin's generated password is written to an owner-only file and is in neither standard
 * output nor the log (which in JSON mode and in Kubernetes pod logs end up with log collectors);
 * the log says where the file is.
 */
class GeneratedAdminPasswordIT {

  @Test
  void theGeneratedAdminPasswordGoesToAnOwnerOnlyFileNeverToTheLog() throws Exception {
    TestServers servers = TestServers.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String role = "hub_admin_" + suffix;
    String db = "hub_admin_" + suffix;
    servers.execute(
        "postgres", "CREATE ROLE " + role + " LOGIN", "CREATE DATABASE " + db + " OWNER " + role);
    Path dir = Files.createTempDirectory("admin-password");
    Path file = dir.resolve("secrets").resolve("admin-password");
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      DataSource hub = servers.as(role, db);
      HubDatabase.migrate(hub, role, null);
      Map<String, String> values =
          Map.of(
              "hub.embedded.enabled",
              "false",
              "hub.admin.generated-password-file",
              file.toString());
      Settings settings = new Settings(key -> Optional.ofNullable(values.get(key)));
      ApiUsers users = new ApiUsers(hub, settings, Clock.systemUTC());
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      Optional<Path> written = GeneratedAdminPassword.bootstrap(users, settings);
      System.setOut(stdout);

      assertThat(written).contains(file);
      assertThat(Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      String password = Files.readString(file).strip();
      assertThat(password).hasSizeGreaterThanOrEqualTo(20);
      assertThat(users.authenticate("admin", password)).isPresent();
      assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(password);
      assertThat(log.list)
          .noneMatch(e -> e.getFormattedMessage().contains(password))
          .anyMatch(e -> e.getFormattedMessage().contains(file.toString()));

      // an admin exists: nothing is generated again, the file is left as it is
      assertThat(GeneratedAdminPassword.bootstrap(users, settings)).isEmpty();
      assertThat(Files.readString(file).strip()).isEqualTo(password);
    } finally {
      System.setOut(stdout);
      root.detachAppender(log);
      servers.execute("postgres", "DROP DATABASE " + db + " WITH (FORCE)", "DROP ROLE " + role);
    }
  }
}
