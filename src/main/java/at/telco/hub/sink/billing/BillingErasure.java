package at.telco.hub.sink.billing;

import at.telco.hub.sink.SinkWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * billing's part of an erasure, in the caller's transaction: the billing writer's lock of the
 * customer, the anonymisation of billing's customer record, and its repair when it was changed
 * behind the hub's back. Billing accounts and invoices are billing's; their IBAN is billing's to
 * clear.
 */
public final class BillingErasure {

  /** What billing's name, street and city lines read after anonymisation. */
  public static final String PLACEHOLDER = "ANONYMISED";

  /** What billing's zip reads after anonymisation. */
  public static final String ZIP_PLACEHOLDER = "0000";

  private BillingErasure() {}

  /** The billing sink's lock of this customer (by CRM account), until the transaction ends. */
  public static void lock(Connection c, String crmAccountId) throws SQLException {
    SinkWriter.lockKey(c, "billing.customer", crmAccountId);
  }

  /** Anonymises billing's customer {@code custNo} and closes it; returns the rows changed. */
  public static int anonymise(Connection c, long custNo) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE billing.customer SET name_line1 = ?, name_line2 = NULL, street_line = ?,"
                + " zip = ?, city = ?, email_invoice = NULL, vat_id = NULL, anonymized = true,"
                + " status = 'CLOSED', updated_at = localtimestamp WHERE cust_no = ?")) {
      ps.setString(1, PLACEHOLDER);
      ps.setString(2, PLACEHOLDER);
      ps.setString(3, ZIP_PLACEHOLDER);
      ps.setString(4, PLACEHOLDER);
      ps.setLong(5, custNo);
      return ps.executeUpdate();
    }
  }

  /**
   * A repair of an erased customer's billing record (reconciliation found it changed behind the
   * hub's back), in the caller's transaction holding the customer's lock: CLOSED again, and
   * anonymised again if it was anonymised (a customer still under a legal hold keeps its data).
   * Returns whether billing has the customer.
   */
  public static boolean reapply(Connection c, String crmAccountId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE billing.customer SET name_line1 = CASE WHEN anonymized THEN ? ELSE name_line1"
                + " END, name_line2 = CASE WHEN anonymized THEN NULL ELSE name_line2 END,"
                + " street_line = CASE WHEN anonymized THEN ? ELSE street_line END,"
                + " zip = CASE WHEN anonymized THEN ? ELSE zip END,"
                + " city = CASE WHEN anonymized THEN ? ELSE city END,"
                + " email_invoice = CASE WHEN anonymized THEN NULL ELSE email_invoice END,"
                + " vat_id = CASE WHEN anonymized THEN NULL ELSE vat_id END,"
                + " status = 'CLOSED', updated_at = localtimestamp WHERE crm_account_id = ?")) {
      ps.setString(1, PLACEHOLDER);
      ps.setString(2, PLACEHOLDER);
      ps.setString(3, ZIP_PLACEHOLDER);
      ps.setString(4, PLACEHOLDER);
      ps.setString(5, crmAccountId);
      return ps.executeUpdate() > 0;
    }
  }
}
