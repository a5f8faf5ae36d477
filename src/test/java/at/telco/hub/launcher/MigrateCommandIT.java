package at.telco.hub.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.cli.CliContext;
import at.telco.hub.cli.HubCli;
import at.telco.hub.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The owner's and the maintenance role's work runs as short-lived commands of its own, so the
 * long-running hub need not hold their secrets: {@code migrate} migrates as the owner and writes
 * the audit retention into the owner's table; {@code audit-maintenance} seals the past days,
 * exports the seals to a file and drops what is older than that retention as the maintenance role.
 */
class MigrateCommandIT {

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    HubMain hub =
        new HubMain(
            new CliContext(
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                false));
    return HubMain.commandLine(hub).execute(args);
  }

  static String one(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  @Test
  void migrateAndAuditMaintenanceRunAsTheirOwnCommands() throws Exception {
    TestServers servers = TestServers.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String owner = "cmd_owner_" + suffix;
    String runtime = "cmd_app_" + suffix;
    String db = "hub_cmd_" + suffix;
    servers.execute(
        "postgres",
        "CREATE ROLE " + owner + " LOGIN",
        "CREATE ROLE " + runtime + " LOGIN",
        "CREATE DATABASE " + db + " OWNER " + owner);
    try {
      String url =
          servers.hubProperties().getProperty("hub.hubdb.jdbc-url").replaceFirst("/hub$", "/" + db);
      Path dir = Files.createTempDirectory("migrate-command");
      Path seals = dir.resolve("seals.jsonl");
      Path config = dir.resolve("hub.properties");
      String common =
          "hub.embedded.enabled = false\n"
              + "hub.hubdb.jdbc-url = "
              + url
              + "\nhub.hubdb.username = "
              + runtime
              + "\nhub.audit.retention = P30D\n"
              + "hub.audit.maintenance.jdbc-url = "
              + url
              + "\nhub.audit.maintenance.username = hub_audit_maintenance\n";
      // without the owner's role, migrate refuses (the runtime role would own the audit trail)
      Files.writeString(config, common);
      assertThat(run("migrate", "--config=" + config)).as(err.toString()).isEqualTo(HubCli.USAGE);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("hub.hubdb.migration.username");

      Files.writeString(config, common + "hub.hubdb.migration.username = " + owner + "\n");
      assertThat(run("migrate", "--config=" + config)).as(err.toString()).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("migrated as its owner role");
      DataSource superuser = servers.owner(db);
      assertThat(
              one(
                  superuser,
                  "SELECT pg_get_userbyid(relowner) FROM pg_class"
                      + " WHERE oid = 'hub.audit_entry'::regclass"))
          .isEqualTo(owner);
      assertThat(one(superuser, "SELECT keep FROM hub.audit_retention")).isEqualTo("30 days");

      // an entry of 40 days ago (moved back behind the triggers: tests cannot wait)
      try (Connection c = servers.as(runtime, db).getConnection();
          Statement s = c.createStatement()) {
        s.execute("SET hub.audit_writer = 'old-writer'");
        s.execute(
            "INSERT INTO hub.audit_entry (actor, action, outcome) VALUES ('it', 'stop-route', 'x')");
      }
      String segment =
          one(superuser, "SELECT id FROM hub.audit_segment WHERE writer = 'old-writer'");
      try (Connection c = superuser.getConnection();
          Statement s = c.createStatement()) {
        s.execute("SET session_replication_role = replica");
        s.execute("UPDATE hub.audit_segment SET day = day - 40 WHERE id = " + segment);
      }
      assertThat(run("audit-maintenance", "--config=" + config, "--seals=" + seals))
          .as(err.toString())
          .isZero();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("1 expired sealed segments dropped");
      // sealed, exported, then dropped: recorded with its seal, and the drop itself is audited
      assertThat(Files.readString(seals)).contains("{\"segment\":" + segment + ",");
      String seal =
          one(superuser, "SELECT seal FROM hub.audit_segment_dropped WHERE id = " + segment);
      assertThat(seal).hasSize(64);
      assertThat(Files.readString(seals)).contains(seal);
      assertThat(one(superuser, "SELECT count(*) FROM hub.audit_segment WHERE id = " + segment))
          .isEqualTo("0");
      assertThat(
              one(
                  superuser,
                  "SELECT count(*) FROM hub.audit_entry WHERE action = 'audit-retention'"))
          .isEqualTo("1");
    } finally {
      servers.execute(
          "postgres",
          "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)",
          "DROP OWNED BY " + runtime,
          "DROP ROLE " + runtime,
          "DROP ROLE " + owner);
    }
  }
}
