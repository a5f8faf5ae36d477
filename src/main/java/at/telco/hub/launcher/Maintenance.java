package at.telco.hub.launcher;

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
 * means (PostgreSQL's own backups).
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
