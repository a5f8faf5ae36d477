package at.telco.hub.identity;

import at.telco.hub.config.AreaConfiguration;
import javax.sql.DataSource;

/**
 * The hub's identities, in its own database: CRM account -> customer id, and billing account ->
 * billing customer, CRM account and customer id.
 *
 * <p>Binds {@code identityRegistry}, {@code billingAccountIdentities}.
 */
public class IdentityConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource hub = bean("hubDataSource", DataSource.class);
    bind("identityRegistry", new IdentityRegistry(hub));
    bind("billingAccountIdentities", new BillingAccountIdentities(hub));
  }
}
