package at.telco.hub.identity;

import at.telco.hub.jdbc.SqlFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The enterprise customer id of every CRM account (hub.customer_identity): assigned the first time
 * the hub sees the account, before any target is written, and never changed; each system's own key
 * is recorded against it. It lives in the hub's database, so a rebuilt customerdb keeps its ids.
 */
public final class IdentityRegistry {

  private final DataSource hub;

  public IdentityRegistry(DataSource hub) {
    this.hub = hub;
  }

  /** The customer id of each CRM account, assigning new ids (committed) for unknown accounts. */
  public Map<String, UUID> identify(Collection<String> crmAccountIds) {
    if (crmAccountIds.isEmpty()) {
      return Map.of();
    }
    String[] ids = crmAccountIds.stream().distinct().sorted().toArray(String[]::new);
    try (Connection c = hub.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO hub.customer_identity (customer_id, crm_account_id)"
                  + " SELECT gen_random_uuid(), a FROM unnest(?::varchar[]) AS a"
                  + " ON CONFLICT (crm_account_id) DO NOTHING")) {
        insert.setArray(1, c.createArrayOf("varchar", ids));
        insert.executeUpdate();
      }
      Map<String, UUID> result = new HashMap<>();
      try (PreparedStatement select =
          c.prepareStatement(
              "SELECT crm_account_id, customer_id FROM hub.customer_identity"
                  + " WHERE crm_account_id = ANY(?::varchar[])")) {
        select.setArray(1, c.createArrayOf("varchar", ids));
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            result.put(rs.getString(1), rs.getObject(2, UUID.class));
          }
        }
      }
      return result;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /** The CRM account of each of these customer ids the registry knows (never assigns one). */
  public Map<UUID, String> accounts(Collection<UUID> customerIds) {
    if (customerIds.isEmpty()) {
      return Map.of();
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT customer_id, crm_account_id FROM hub.customer_identity"
                    + " WHERE customer_id = ANY(?::uuid[])")) {
      ps.setArray(1, c.createArrayOf("uuid", customerIds.toArray()));
      Map<UUID, String> result = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.put(rs.getObject(1, UUID.class), rs.getString(2));
        }
      }
      return result;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /** Billing's customer number of each customer, where billing has the customer. */
  public Map<UUID, Long> billingCustNos(Collection<UUID> customerIds) {
    if (customerIds.isEmpty()) {
      return Map.of();
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT customer_id, billing_cust_no FROM hub.customer_identity"
                    + " WHERE customer_id = ANY(?::uuid[]) AND billing_cust_no IS NOT NULL")) {
      ps.setArray(1, c.createArrayOf("uuid", customerIds.toArray()));
      Map<UUID, Long> result = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.put(rs.getObject(1, UUID.class), rs.getLong(2));
        }
      }
      return result;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /**
   * The customers among these that are erased (right to erasure, flow 5): no target takes a change
   * of theirs any more. A writer asks while it holds its lock of the customers, so an erasure
   * registered before the answer is seen, and one registered after it erases what was written.
   */
  public Set<UUID> erased(Collection<UUID> customerIds) {
    if (customerIds.isEmpty()) {
      return Set.of();
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT customer_id FROM hub.customer_identity"
                    + " WHERE customer_id = ANY(?::uuid[]) AND erased_at IS NOT NULL")) {
      ps.setArray(1, c.createArrayOf("uuid", customerIds.toArray()));
      Set<UUID> result = new HashSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(rs.getObject(1, UUID.class));
        }
      }
      return result;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /** Records billing's customer numbers (billing generates them on insert). */
  public void recordBillingCustNos(Map<UUID, Long> custNos) {
    if (custNos.isEmpty()) {
      return;
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.customer_identity SET billing_cust_no = ?, updated_at = now()"
                    + " WHERE customer_id = ? AND billing_cust_no IS DISTINCT FROM ?")) {
      for (Map.Entry<UUID, Long> e : custNos.entrySet()) {
        ps.setLong(1, e.getValue());
        ps.setObject(2, e.getKey());
        ps.setLong(3, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }
}
