package at.telco.hub.sink.customerdb;

import at.telco.hub.sink.SinkWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * customerdb's part of an erasure, in the caller's transaction: the customer writer's lock of the
 * customer, and the erasure of its row (personal columns nulled, status ERASED), its contact media
 * (deleted) and its services' link (detached). The writer applies the same erasure when a change of
 * an erased customer arrives.
 */
public final class CustomerErasure {

  private static final String ERASE_CUSTOMER =
      """
      UPDATE customerdb.customer SET billing_cust_no = NULL, given_name = NULL, family_name = NULL,
        organization_name = NULL, vat_id = NULL, birth_date = NULL, language = NULL, segment = NULL,
        marketing_opt_in = false, status = 'ERASED', source_versions = '{}', updated_at = now()
      WHERE customer_id = ?
      """;

  private CustomerErasure() {}

  /** The customerdb sink's lock of this customer, until the transaction ends. */
  public static void lock(Connection c, UUID customerId) throws SQLException {
    SinkWriter.lockKey(c, "customerdb.customer", customerId.toString());
  }

  /**
   * Erases the customer's row, contact media and services' link; returns how many of each (the
   * caller holds the customer's lock).
   */
  public static int[] eraseRow(Connection c, UUID customerId) throws SQLException {
    int customers = update(c, ERASE_CUSTOMER, customerId);
    int media =
        update(c, "DELETE FROM customerdb.contact_medium WHERE customer_id = ?", customerId);
    int services =
        update(
            c,
            "UPDATE customerdb.service SET customer_id = NULL, updated_at = now()"
                + " WHERE customer_id = ?",
            customerId);
    return new int[] {customers, media, services};
  }

  private static int update(Connection c, String sql, Object key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, key);
      return ps.executeUpdate();
    }
  }
}
