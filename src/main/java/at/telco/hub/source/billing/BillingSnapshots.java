package at.telco.hub.source.billing;

import at.telco.hub.canonical.Json;
import at.telco.hub.canonical.SnapshotVersion;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the state billing holds for billing accounts, each set of accounts in one statement (one
 * consistent snapshot, which becomes the version of the state): the account without its IBAN
 * (personal, billing's own), its customer's number, CRM account and status, its latest invoice that
 * is not cancelled, and the invoices asked for. The documents are what {@code
 * transformers/billing-to-canonical-billing-account.jslt} reads, less the event.
 */
public final class BillingSnapshots {

  private static final String COLUMNS =
      """
      SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()::text, k.ba_no,
        to_jsonb(ba) - 'iban',
        CASE WHEN c.cust_no IS NULL THEN NULL
             ELSE jsonb_build_object('cust_no', c.cust_no, 'crm_account_id', c.crm_account_id,
                                     'status', c.status) END,
        (SELECT to_jsonb(i) FROM billing.invoice i
          WHERE i.ba_no = k.ba_no AND i.status <> 'CANCELLED'
          ORDER BY i.period_to DESC, i.invoice_no DESC LIMIT 1),
        (SELECT coalesce(jsonb_object_agg(i.invoice_no, to_jsonb(i)), '{}'::jsonb)
           FROM billing.invoice i WHERE i.ba_no = k.ba_no AND i.invoice_no = ANY(?::varchar[]))
      """;

  private static final String BY_IDS =
      COLUMNS
          + " FROM unnest(?::varchar[]) AS k(ba_no)"
          + " LEFT JOIN billing.billing_account ba ON ba.ba_no = k.ba_no"
          + " LEFT JOIN billing.customer c ON c.cust_no = ba.cust_no";

  private static final String AFTER =
      COLUMNS
          + " FROM (SELECT ba_no FROM billing.billing_account WHERE ba_no > ? ORDER BY ba_no"
          + " LIMIT ?) AS k JOIN billing.billing_account ba ON ba.ba_no = k.ba_no"
          + " LEFT JOIN billing.customer c ON c.cust_no = ba.cust_no ORDER BY k.ba_no";

  private BillingSnapshots() {}

  /**
   * The named accounts (an unknown one with {@code account: null}), with the named invoices under
   * {@code invoices}, by billing account.
   */
  public static Map<String, ObjectNode> byIds(
      Connection c, Collection<String> baNos, Collection<String> invoiceNos) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(BY_IDS)) {
      ps.setArray(1, c.createArrayOf("varchar", invoiceNos.toArray()));
      ps.setArray(2, c.createArrayOf("varchar", baNos.toArray()));
      return read(ps);
    }
  }

  /** The next {@code limit} billing accounts after {@code afterBaNo}, in key order. */
  public static Map<String, ObjectNode> after(Connection c, String afterBaNo, int limit)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(AFTER)) {
      ps.setArray(1, c.createArrayOf("varchar", List.of().toArray()));
      ps.setString(2, afterBaNo == null ? "" : afterBaNo);
      ps.setInt(3, limit);
      return read(ps);
    }
  }

  private static Map<String, ObjectNode> read(PreparedStatement ps) throws SQLException {
    Map<String, ObjectNode> states = new LinkedHashMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ObjectNode state = Json.object();
        state.put(
            "snapshot", SnapshotVersion.ofOwnSnapshot(rs.getString(1), rs.getString(2)).token());
        state.set("account", parseOrNull(rs.getString(4)));
        state.set("customer", parseOrNull(rs.getString(5)));
        state.set("lastInvoice", parseOrNull(rs.getString(6)));
        state.set("invoices", Json.parse(rs.getString(7)));
        states.put(rs.getString(3), state);
      }
    }
    return states;
  }

  private static JsonNode parseOrNull(String json) {
    return json == null ? null : Json.parse(json);
  }
}
