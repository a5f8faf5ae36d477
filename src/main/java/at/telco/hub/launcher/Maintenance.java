package at.telco.hub.launcher;

import at.telco.hub.audit.AuditChain;
import at.telco.hub.audit.AuditMaintenance;
import at.telco.hub.audit.AuditTrail;
import at.telco.hub.backup.HubBackup;
import at.telco.hub.backup.ProgressListener;
import at.telco.hub.backup.Recovery;
import at.telco.hub.cli.CliContext;
import at.telco.hub.cli.Progress;
import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import at.telco.hub.embedded.EmbeddedDatabaseOnly;
import at.telco.hub.embedded.SystemDatabases;
import at.telco.hub.platform.DataSources;
import at.telco.hub.platform.HubDatabase;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The launcher's maintenance commands, run while the hub is stopped:
 *
 * <pre>
 * java -jar telco-integration-hub.jar backup --to=DIR   [--config=FILE] [--data-dir=DIR]
 * java -jar telco-integration-hub.jar restore --from=DIR [--config=FILE] [--data-dir=DIR]
 * java -jar telco-integration-hub.jar recover            [--config=FILE] [--data-dir=DIR]
 * </pre>
 *
 * {@code recover} is the second half of {@code restore} alone, for a hub database restored by other
 * means (PostgreSQL's own backups). {@link #migrate} and {@link #auditMaintenance} are the two
 * short-lived commands that hold the owner's and the audit maintenance role's secrets in
 * production, so the long-running hub does not (docs/operations.md).
 *
 * <p>In the embedded default they cover the hub database, the Artemis journal and the Kafka data of
 * the data directory (its PostgreSQL is started alone for it); against external servers they cover
 * the hub database, and Artemis and Kafka are backed up with their own tools (deploy/README.md).
 * Their progress goes to standard error (a bar on a terminal, a line now and then otherwise), their
 * result to standard output.
 */
final class Maintenance {

  private Maintenance() {}

  static int run(String command, Path location, LaunchProperties props, CliContext context)
      throws Exception {
    Settings settings = props.settings();
    boolean embedded = settings.get(HubSettings.EMBEDDED_ENABLED);
    if (embedded) {
      try (EmbeddedDatabaseOnly db = EmbeddedDatabaseOnly.start(settings)) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        dirs.put("artemis", db.artemis());
        dirs.put("kafka", db.kafka());
        // restore drops and recreates schema hub: only its owner may
        return command.equals("backup")
            ? backup(
                db.database(SystemDatabases.HUB_ROLE, SystemDatabases.HUB_DATABASE),
                location,
                dirs,
                context)
            : restore(
                db.database(SystemDatabases.OWNER_ROLE, SystemDatabases.HUB_DATABASE),
                SystemDatabases.HUB_ROLE,
                db.database("postgres", "customerdb"),
                db.database("postgres", "billing"),
                location,
                dirs,
                context);
      }
    }
    try (HikariDataSource hub = DataSources.create(settings, HubSettings.HUBDB, null)) {
      if (command.equals("backup")) {
        context
            .out()
            .println(
                "the hub's Artemis and Kafka are external: back them up with their own tools"
                    + " (deploy/README.md, Backup and restore)");
        return backup(hub, location, Map.of(), context);
      }
      // restore drops and recreates schema hub: as the owner role (hub.hubdb.migration.*), if
      // one is configured
      HikariDataSource owner = HubDatabase.migrationDataSource(settings);
      try (HikariDataSource customerdb =
              DataSources.create(settings, HubSettings.CUSTOMERDB, null);
          HikariDataSource billing = DataSources.create(settings, HubSettings.BILLING, null)) {
        return restore(
            owner != null ? owner : hub,
            settings.get(HubSettings.HUBDB_USERNAME),
            customerdb,
            billing,
            location,
            Map.of(),
            context);
      } finally {
        if (owner != null) {
          owner.close();
        }
      }
    }
  }

  /**
   * {@code migrate}: applies the hub database's migrations as the owner role and writes the audit
   * retention into the owner's table; the only process that needs the owner's secret (the hub then
   * runs with {@code hub.hubdb.migrate=false}). Runs while the hub runs, too: Flyway locks, and the
   * migrations are written to be applied under a running older hub (a rolling update).
   */
  static int migrate(LaunchProperties props, CliContext context) throws Exception {
    Settings settings = props.settings();
    if (settings.get(HubSettings.EMBEDDED_ENABLED)) {
      try (EmbeddedDatabaseOnly db = EmbeddedDatabaseOnly.start(settings)) {
        HubDatabase.migrateAsOwner(
            db.database(SystemDatabases.OWNER_ROLE, SystemDatabases.HUB_DATABASE),
            SystemDatabases.HUB_ROLE,
            settings);
      }
    } else {
      if (settings.optional(HubSettings.HUBDB_MIGRATION_USERNAME).isEmpty()) {
        throw new IllegalStateException(
            "migrate runs as the hub database's owner role: set hub.hubdb.migration.username and"
                + " its password (deploy/README.md, Database roles)");
      }
      try (HikariDataSource owner = HubDatabase.migrationDataSource(settings)) {
        HubDatabase.migrateAsOwner(owner, settings.get(HubSettings.HUBDB_USERNAME), settings);
      }
    }
    context.out().println("hub database migrated as its owner role");
    return 0;
  }

  /**
   * {@code audit-maintenance}: seals the audit segments of past days, appends their seals to {@code
   * seals} (and the log), and drops the sealed segments older than the database's retention as the
   * maintenance role; the only process that needs that role's secret in production.
   */
  static int auditMaintenance(Path seals, LaunchProperties props, CliContext context)
      throws Exception {
    Settings settings = props.settings();
    Path file =
        seals != null
            ? seals
            : settings.optional(HubSettings.AUDIT_SEALS_FILE).map(Path::of).orElse(null);
    ArrayNode dropped;
    if (settings.get(HubSettings.EMBEDDED_ENABLED)) {
      try (EmbeddedDatabaseOnly db = EmbeddedDatabaseOnly.start(settings)) {
        javax.sql.DataSource hub =
            db.database(SystemDatabases.HUB_ROLE, SystemDatabases.HUB_DATABASE);
        dropped =
            AuditMaintenance.runOnce(
                new AuditChain(
                    hub,
                    db.database(
                        SystemDatabases.AUDIT_MAINTENANCE_ROLE, SystemDatabases.HUB_DATABASE)),
                new AuditTrail(hub),
                file);
      }
    } else {
      if (settings.optional(HubSettings.AUDIT_MAINTENANCE_USERNAME).isEmpty()) {
        throw new IllegalStateException(
            "audit-maintenance drops expired segments as the maintenance role: set"
                + " hub.audit.maintenance.username and its password (deploy/README.md)");
      }
      try (HikariDataSource hub = HubDatabase.pool(settings);
          HikariDataSource maintenance =
              DataSources.create(settings, HubSettings.AUDIT_MAINTENANCE, null)) {
        dropped =
            AuditMaintenance.runOnce(new AuditChain(hub, maintenance), new AuditTrail(hub), file);
      }
    }
    context
        .out()
        .printf(
            "audit segments of past days sealed%s; %d expired sealed segments dropped%n",
            file == null ? " (seals in the log)" : ", seals exported to " + file, dropped.size());
    return 0;
  }

  private static int backup(
      javax.sql.DataSource hub, Path to, Map<String, Path> dirs, CliContext context)
      throws Exception {
    HubBackup.Result r;
    try (Progress progress = Progress.of("backup", context)) {
      r = HubBackup.backup(hub, to, dirs, counted(progress));
    }
    context
        .out()
        .printf(
            "backup of the hub's state in %s: hub database at schema version %s, %d rows in %d"
                + " tables; directories %s%n",
            r.location(),
            r.schemaVersion(),
            r.rows().values().stream().mapToLong(Long::longValue).sum(),
            r.rows().size(),
            r.directories());
    return 0;
  }

  private static int restore(
      javax.sql.DataSource hub,
      String runtimeRole,
      javax.sql.DataSource customerdb,
      javax.sql.DataSource billing,
      Path from,
      Map<String, Path> dirs,
      CliContext context)
      throws Exception {
    if (from == null) {
      Recovery.Result rec = recover(hub, customerdb, billing, context);
      context
          .out()
          .printf(
              "taken back from the systems: %d customer ids, %d billing customer numbers, %d billing"
                  + " accounts; a repairing reconciliation runs at the next start%n",
              rec.identities(), rec.custNos(), rec.billingAccounts());
      erasures(rec, context);
      return 0;
    }
    HubBackup.Result r;
    try (Progress progress = Progress.of("restore", context)) {
      r =
          HubBackup.restore(
              hub,
              from,
              dirs,
              version -> HubDatabase.migrate(hub, runtimeRole, version),
              counted(progress));
    }
    Recovery.Result rec = recover(hub, customerdb, billing, context);
    context
        .out()
        .printf(
            "restored the hub's state from %s (schema version %s, %d rows; directories %s);"
                + " taken back from the systems: %d customer ids, %d billing customer numbers,"
                + " %d billing accounts; a repairing reconciliation runs at the next start%n",
            r.location(),
            r.schemaVersion(),
            r.rows().values().stream().mapToLong(Long::longValue).sum(),
            r.directories(),
            rec.identities(),
            rec.custNos(),
            rec.billingAccounts());
    erasures(rec, context);
    return 0;
  }

  /** What re-deriving the erasures did: reported, never silently applied. */
  private static void erasures(Recovery.Result rec, CliContext context) {
    context
        .out()
        .printf(
            "erasures derived again from customerdb and billing: %d erased customer(s) kept"
                + " erased; %d erasure request(s) the backup did not have (worked off again at the"
                + " next start: queues, hub stores, Kafka tombstone); %d restored dead letter(s) of"
                + " erased customers purged%n",
            rec.erasures().erased(),
            rec.erasures().requestsAdded(),
            rec.erasures().deadLettersPurged());
  }

  private static Recovery.Result recover(
      javax.sql.DataSource hub,
      javax.sql.DataSource customerdb,
      javax.sql.DataSource billing,
      CliContext context)
      throws Exception {
    try (Progress progress = Progress.of("recover", context)) {
      return Recovery.afterRestore(hub, customerdb, billing, counted(progress));
    }
  }

  /** Tells the progress of steps counted beforehand: none at all (total 0) shows nothing. */
  private static ProgressListener counted(Progress progress) {
    return (done, total) -> {
      if (total > 0) {
        progress.update(done, total);
      }
    };
  }
}
