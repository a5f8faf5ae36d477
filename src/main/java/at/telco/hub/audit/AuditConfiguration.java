package at.telco.hub.audit;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.platform.DataSources;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The append-only audit trail of what people and jobs did (support's actions, sign-ins, consistency
 * jobs, erasures), its hash chain and seals, and its maintenance (sealing past days, exporting the
 * seals, deleting sealed segments older than the retention the owner set in the database as the
 * maintenance role, when this process has one: the embedded default; in production the separate
 * {@code audit-maintenance} command).
 *
 * <p>Binds {@code auditTrail}, {@code auditChain}.
 */
public class AuditConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource hub = bean("hubDataSource", DataSource.class);
    AuditTrail audit = bind("auditTrail", new AuditTrail(hub));
    DataSource maintenance =
        settings.optional(HubSettings.AUDIT_MAINTENANCE_USERNAME).isPresent()
            ? DataSources.create(settings, HubSettings.AUDIT_MAINTENANCE, null)
            : null;
    AuditChain chain = bind("auditChain", new AuditChain(hub, maintenance));
    Path sealsFile = settings.optional(HubSettings.AUDIT_SEALS_FILE).map(Path::of).orElse(null);
    context.addService(
        new AuditMaintenance(
            context,
            chain,
            audit,
            sealsFile,
            Duration.ofMillis(settings.get(HubSettings.AUDIT_MAINTENANCE_INTERVAL_MS))),
        true,
        false);
  }
}
