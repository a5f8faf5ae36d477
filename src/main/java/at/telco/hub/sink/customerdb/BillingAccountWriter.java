package at.telco.hub.sink.customerdb;

import at.telco.hub.canonical.CanonicalTypes;
import at.telco.hub.canonical.Json;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.sink.AppliedChanges;
import at.telco.hub.sink.HubVersionedWriter;
import at.telco.hub.sink.TargetChange;
import at.telco.hub.sink.TargetStates;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Keeps customerdb.billing_account current from canonical billing accounts: status, dunning level,
 * balance and last invoice, as billing holds them.
 */
public final class BillingAccountWriter extends HubVersionedWriter {

  public static final String TARGET = "customerdb.billing_account";

  private static final String UPSERT =
      """
      INSERT INTO customerdb.billing_account AS b (ba_no, customer_id, status, dunning_level,
        balance_cents, currency, last_invoice_no, last_invoice_due, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?::date, now())
      ON CONFLICT (ba_no) DO UPDATE SET customer_id = EXCLUDED.customer_id,
        status = EXCLUDED.status, dunning_level = EXCLUDED.dunning_level,
        balance_cents = EXCLUDED.balance_cents, currency = EXCLUDED.currency,
        last_invoice_no = EXCLUDED.last_invoice_no, last_invoice_due = EXCLUDED.last_invoice_due,
        updated_at = now()
      WHERE (b.customer_id, b.status, b.dunning_level, b.balance_cents, b.currency,
             b.last_invoice_no, b.last_invoice_due)
        IS DISTINCT FROM (EXCLUDED.customer_id, EXCLUDED.status, EXCLUDED.dunning_level,
             EXCLUDED.balance_cents, EXCLUDED.currency, EXCLUDED.last_invoice_no,
             EXCLUDED.last_invoice_due)
      """;

  public BillingAccountWriter(
      DataSource customerdb, TargetStates states, HubMetrics metrics, Clock clock) {
    super(TARGET, "billing", customerdb, states, metrics, clock, AppliedChanges.NONE);
  }

  @Override
  protected String key(TargetChange change) {
    return change.event().subject();
  }

  @Override
  protected boolean eligible(TargetChange change) {
    // the topic also carries bills; and a billing account of a customer the CRM does not have
    // (no customer id) has no place in customerdb
    return CanonicalTypes.BILLING_ACCOUNT_CHANGE.equals(change.event().type())
        && change.row() != null
        && Json.text(change.row(), "customer_id") != null;
  }

  @Override
  protected void write(Connection c, Batch batch) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
      for (TargetChange change : batch.changes()) {
        JsonNode r = change.row();
        ps.setString(1, Json.text(r, "ba_no"));
        ps.setObject(2, UUID.fromString(Json.text(r, "customer_id")));
        ps.setString(3, Json.text(r, "status"));
        ps.setInt(4, r.path("dunning_level").asInt());
        ps.setLong(5, r.path("balance_cents").asLong());
        ps.setString(6, Json.text(r, "currency"));
        ps.setString(7, Json.text(r, "last_invoice_no"));
        ps.setString(8, Json.text(r, "last_invoice_due"));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
