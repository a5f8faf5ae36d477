package at.telco.hub.launcher;

import at.telco.hub.launcher.HubMain.LaunchOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code backup}, {@code restore} and {@code recover}: the hub's own state, with the hub stopped
 * ({@link Maintenance}); {@code migrate} and {@code audit-maintenance}: the short-lived commands
 * with the owner's and the maintenance role's secrets. --config and --data-dir may stand before or
 * after the command.
 */
final class MaintenanceCommands {

  private MaintenanceCommands() {}

  private static final String EXIT_HEADING = "%nExit codes:%n";

  /** What the three commands share: the launcher's options and the run of {@link Maintenance}. */
  abstract static class MaintenanceCommand implements Callable<Integer> {
    private final HubMain hub;

    @Mixin LaunchOptions launch;

    MaintenanceCommand(HubMain hub) {
      this.hub = hub;
    }

    /** The backup's directory, or null. */
    abstract Path location();

    @Override
    public Integer call() throws Exception {
      Path location = location();
      return Maintenance.run(
          getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT),
          location == null ? null : location.toAbsolutePath(),
          launch.properties(hub.launch),
          hub.context());
    }
  }

  @Command(
      name = "backup",
      description = {
        "Backs up the hub's own state (the hub stopped).",
        "Into a new directory: the hub database; in the embedded default also the Artemis journal"
            + " and the Kafka data. External Artemis and Kafka are backed up with their own tools"
            + " (see deploy/README.md).",
        "Progress on standard error, the result on standard output."
      },
      exitCodeListHeading = EXIT_HEADING,
      exitCodeList = {
        "0:done",
        "1:failed",
        "2:usage, or refused (the directory is not empty, the data directory is in use)"
      })
  static final class Backup extends MaintenanceCommand {

    @Option(
        names = "--to",
        paramLabel = "DIR",
        required = true,
        description = "The new (or empty) directory the backup goes into.")
    Path to;

    Backup(HubMain hub) {
      super(hub);
    }

    @Override
    Path location() {
      return to;
    }
  }

  @Command(
      name = "restore",
      description = {
        "Restores the hub's own state from a backup (the hub stopped).",
        "Checks every file's hash, recreates the hub database at the backup's version, loads it, migrates it; puts"
            + " back the Artemis journal and Kafka data (embedded default). Then takes back from"
            + " the systems what the hub learnt since the backup (as recover does); a repairing"
            + " reconciliation runs at the next start.",
        "Progress on standard error, the result on standard output."
      },
      exitCodeListHeading = EXIT_HEADING,
      exitCodeList = {
        "0:done",
        "1:failed",
        "2:usage, or refused (not a hub backup, a damaged or incomplete backup)"
      })
  static final class Restore extends MaintenanceCommand {

    @Option(
        names = "--from",
        paramLabel = "DIR",
        required = true,
        description = "The backup's directory.")
    Path from;

    Restore(HubMain hub) {
      super(hub);
    }

    @Override
    Path location() {
      return from;
    }
  }

  @Command(
      name = "recover",
      description = {
        "After a restore of the hub database by other means: restore's second half.",
        "For a hub database restored by PostgreSQL's own backups: takes back customer ids, billing customer numbers and"
            + " billing accounts from the systems; a repairing reconciliation runs at the next"
            + " start.",
        "Progress on standard error, the result on standard output."
      },
      exitCodeListHeading = EXIT_HEADING,
      exitCodeList = {"0:done", "1:failed", "2:usage, or refused"})
  static final class Recover extends MaintenanceCommand {

    Recover(HubMain hub) {
      super(hub);
    }

    @Override
    Path location() {
      return null;
    }
  }

  @Command(
      name = "migrate",
      description = {
        "Applies the hub database's migrations as its owner role and writes the audit retention"
            + " (hub.audit.retention) into the owner's table.",
        "In production the only process with the owner's secret: run it before the hub (a"
            + " Kubernetes init container, a systemd oneshot unit, a compose one-shot service),"
            + " and run the hub with hub.hubdb.migrate=false and without that secret.",
        "The result on standard output."
      },
      exitCodeListHeading = EXIT_HEADING,
      exitCodeList = {"0:done", "1:failed", "2:usage, or refused (no owner role configured)"})
  static final class Migrate implements Callable<Integer> {
    private final HubMain hub;

    @Mixin LaunchOptions launch;

    Migrate(HubMain hub) {
      this.hub = hub;
    }

    @Override
    public Integer call() throws Exception {
      return Maintenance.migrate(launch.properties(hub.launch), hub.context());
    }
  }

  @Command(
      name = "audit-maintenance",
      description = {
        "Seals the audit segments of past days, exports their seals, and drops the sealed"
            + " segments older than the retention as the audit maintenance role.",
        "In production the only process with the maintenance role's secret: run it daily (a"
            + " Kubernetes CronJob, a systemd timer); the hub itself seals but drops nothing.",
        "The result on standard output."
      },
      exitCodeListHeading = EXIT_HEADING,
      exitCodeList = {"0:done", "1:failed", "2:usage, or refused (no maintenance role configured)"})
  static final class AuditMaintenanceCommand implements Callable<Integer> {
    private final HubMain hub;

    @Mixin LaunchOptions launch;

    @Option(
        names = "--seals",
        paramLabel = "FILE",
        description =
            "Append the seals to this file (default: hub.audit.seals-file; none: the log only),"
                + " for audit verify --seals FILE.")
    Path seals;

    AuditMaintenanceCommand(HubMain hub) {
      this.hub = hub;
    }

    @Override
    public Integer call() throws Exception {
      return Maintenance.auditMaintenance(
          seals == null ? null : seals.toAbsolutePath(),
          launch.properties(hub.launch),
          hub.context());
    }
  }
}
