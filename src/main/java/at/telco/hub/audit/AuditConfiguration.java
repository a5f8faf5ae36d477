package at.telco.hub.audit;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.platform.DataSources;
import java.time.Duration;
import java.time.Period;
import javax.sql.DataSource;

/**
 * The append-only audit trail of what people and jobs did (support's actions, sign-ins, consistency
 * jobs, erasures), its hash chain and seals, and its maintenance (sealing past days, deleting
 * sealed segments past {@code hub.audit.retention} as the maintenance role, when one is
 * configured).
 *
 * <p>Binds {@code auditTrail}, {@code auditChain}.
 */
public class AuditConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource hub = bean("hubDataSource", DataSource.class);
    AuditTrail audit = bind("auditTrail", new AuditTrail(hub));
    DataSource maintenance =
        settings.optional("hub.audit.maintenance.username").isPresent()
            ? DataSources.create(settings, "audit.maintenance", null)
            : null;
    AuditChain chain = bind("auditChain", new AuditChain(hub, maintenance));
    String retention = settings.get("hub.audit.retention", "");
    context.addService(
        new AuditMaintenance(
            context,
            chain,
            audit,
            retention.isBlank() ? null : Period.parse(retention),
            Duration.ofMillis(settings.getInt("hub.audit.maintenance-interval-ms", 3_600_000))),
        true,
        false);
  }
}
