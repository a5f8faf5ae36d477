package at.telco.hub.platform;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's own database: its connection pool (every connection names its writer, for the audit
 * trail's segments) and its schema, brought up to date by the versioned Flyway migrations of {@code
 * db/hub} as the schema's owner role.
 */
public final class HubDatabase {

  private static final Logger LOG = LoggerFactory.getLogger(HubDatabase.class);

  private HubDatabase() {}

  /** The runtime pool ({@code hub.hubdb.*}); every connection names its audit-trail writer. */
  public static HikariDataSource pool(Settings settings) {
    return DataSources.create(
        settings, HubSettings.HUBDB, "SET hub.audit_writer = '" + auditWriter(settings) + "'");
  }

  /** The audit trail's writer: the instance id (quotes removed, it goes into a SET). */
  static String auditWriter(Settings settings) {
    return settings.instanceId().replaceAll("[^A-Za-z0-9._:@-]", "_");
  }

  /**
   * The hub database as the owner of its schema and tables ({@code hub.hubdb.migration.username},
   * password from {@code hub.hubdb.migration.password} or {@code -password-file}, the hub
   * database's URL unless {@code hub.hubdb.migration.jdbc-url}), or null when none is configured.
   */
  public static HikariDataSource migrationDataSource(Settings settings) {
    if (settings.optional(HubSettings.HUBDB_MIGRATION_USERNAME).isEmpty()) {
      return null;
    }
    // Flyway holds two connections: its lock and the migration
    return DataSources.create(settings, HubSettings.HUBDB_MIGRATION, 2, null);
  }

  /**
   * Applies the migrations as the owner role, which then owns every hub table while the runtime
   * role ({@code hub.hubdb.username}) gets only the privileges the migrations grant it. Without an
   * owner role configured the runtime role migrates and owns the tables itself: it still works, but
   * then the runtime role could switch the audit trail's triggers off or grant itself back what it
   * gave up, which is said loudly.
   */
  public static void migrateAsOwner(Settings settings, DataSource hub) {
    String runtime = settings.get(HubSettings.HUBDB_USERNAME);
    String owner = settings.optional(HubSettings.HUBDB_MIGRATION_USERNAME).orElse(runtime);
    if (owner.equals(runtime)) {
      LOG.warn(
          "no owner role for the hub database (hub.hubdb.migration.username): the runtime role {}"
              + " runs the migrations and owns the hub's tables, so the audit trail is NOT"
              + " protected from the hub's own role (it could disable the append-only triggers or"
              + " grant itself UPDATE and DELETE); see docs/security.md, Database roles",
          runtime);
      migrate(hub, runtime, null);
      setAuditRetention(hub, settings);
      return;
    }
    try (HikariDataSource migration = migrationDataSource(settings)) {
      migrateAsOwner(migration, runtime, settings);
    }
    LOG.info(
        "hub database migrated as its owner role {}; the hub runs as {}, which does not own it",
        owner,
        runtime);
  }

  /**
   * Applies the migrations as {@code owner} (a data source of the owner role), granting {@code
   * runtimeRole} what it needs, and writes the audit retention: the {@code migrate} command.
   */
  public static void migrateAsOwner(DataSource owner, String runtimeRole, Settings settings) {
    migrate(owner, runtimeRole, null);
    setAuditRetention(owner, settings);
  }

  /**
   * Writes {@code hub.audit.retention} into the owner-only table {@code hub.audit_retention} (none:
   * removes it, sealed audit segments are then kept for ever), as the owner: the maintenance role
   * may delete only sealed segments older than it (V62), and can change it no more than the runtime
   * role can.
   */
  static void setAuditRetention(DataSource owner, Settings settings) {
    String keep = settings.optional(HubSettings.AUDIT_RETENTION).map(Object::toString).orElse(null);
    try (java.sql.Connection c = owner.getConnection();
        java.sql.PreparedStatement ps =
            c.prepareStatement("SELECT hub.audit_set_retention(?::interval)")) {
      ps.setString(1, keep);
      ps.execute();
    } catch (java.sql.SQLException e) {
      throw at.telco.hub.jdbc.SqlFailures.translate("hub database", e);
    }
    LOG.info(
        "audit retention: {}",
        keep == null ? "none, sealed segments are kept for ever" : keep + " (hub.audit_retention)");
  }

  /**
   * Brings the hub database's schema to {@code target} (a migration version), or to the latest for
   * null, as the data source's user (who then owns what the migrations create); {@code runtimeRole}
   * (null or the same user: none) is granted what the hub needs at run time.
   */
  public static void migrate(DataSource hub, String runtimeRole, String target) {
    var config =
        Flyway.configure()
            .dataSource(hub)
            .schemas("hub")
            .defaultSchema("hub")
            .locations("classpath:db/hub")
            // V61: the runtime role the migrations grant to (empty: the migrating user itself)
            .placeholders(Map.of("hub_runtime_role", runtimeRole == null ? "" : runtimeRole))
            // features are developed in parallel with their own version ranges
            .outOfOrder(true)
            .connectRetries(30);
    if (target != null) {
      config.target(target);
    }
    config.load().migrate();
  }
}
