package at.telco.hub.sink.customerdb;

import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.jdbc.SqlFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Billing's {@code cust_no} in customerdb ({@code customer.billing_cust_no}). Written by the
 * billing sink after it recorded the number, and by the customerdb sink after it created customers
 * whose number it did not know yet: each side writes its own part first and then looks at the
 * other's, so one of them always sees both.
 */
public final class BillingCustNos {

  private static final String SET =
      "UPDATE customerdb.customer c SET billing_cust_no = u.n, updated_at = now()"
          + " FROM unnest(?::uuid[], ?::bigint[]) AS u(id, n)"
          + " WHERE c.customer_id = u.id AND c.billing_cust_no IS DISTINCT FROM u.n"
          // an erased customer is never written again (its number stays null), whatever the
          // registry says (e.g. numbers taken back from billing after a restore)
          + " AND c.status <> 'ERASED'";

  private final DataSource customerdb;
  private final IdentityRegistry registry;

  public BillingCustNos(DataSource customerdb, IdentityRegistry registry) {
    this.customerdb = customerdb;
    this.registry = registry;
  }

  /** Writes the numbers the registry knows for these customers. */
  public void writeBack(Collection<UUID> customerIds) {
    if (!customerIds.isEmpty()) {
      write(registry.billingCustNos(customerIds));
    }
  }

  /** Writes these numbers. */
  public void write(Map<UUID, Long> custNos) {
    if (custNos.isEmpty()) {
      return;
    }
    try (Connection c = customerdb.getConnection()) {
      c.setAutoCommit(true);
      write(c, custNos);
    } catch (SQLException e) {
      throw SqlFailures.translate("customerdb", e);
    }
  }

  /** Writes these numbers in {@code c}'s transaction. */
  static void write(Connection c, Map<UUID, Long> custNos) throws SQLException {
    if (custNos.isEmpty()) {
      return;
    }
    List<UUID> ids = new ArrayList<>(custNos.keySet());
    List<Long> numbers = new ArrayList<>();
    ids.forEach(id -> numbers.add(custNos.get(id)));
    try (PreparedStatement ps = c.prepareStatement(SET)) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      ps.setArray(2, c.createArrayOf("bigint", numbers.toArray()));
      ps.executeUpdate();
    }
  }
}
