package at.telco.hub.identity;

import at.telco.hub.jdbc.SqlFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The enterprise customer id of every CRM account (hub.customer_identity): assigned the first time
 * the hub sees the account, before any target is written, and never changed; each system's own key
 * is recorded against it. It lives in the hub's database, so a rebuilt customerdb keeps its ids.
 *
 * <p>The account -> customer id mapping never changes once made (no path deletes or re-assigns it),
 * so the recently used ones are kept in memory ({@link #CACHED} at most): a change of a known
 * account costs the hub database nothing to identify. What does change ({@code billing_cust_no},
 * {@code erased_at}) is always read from the database.
 */
public final class IdentityRegistry {

  /** Account -> customer id mappings kept in memory, the least recently used dropped first. */
  static final int CACHED = 100_000;

  /** What a writer needs to know of a customer, read under its lock of the customer. */
  public record Identity(boolean erased, Long billingCustNo) {}

  /** The identities of a batch's customers, read once and shared by a sink's steps. */
  public record Identities(Map<UUID, Identity> byCustomer) {

    public Identity of(UUID customerId) {
      return byCustomer.get(customerId);
    }
  }

  private final DataSource hub;
  private final Map<String, UUID> known =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, UUID> eldest) {
          return size() > CACHED;
        }
      };

  public IdentityRegistry(DataSource hub) {
    this.hub = hub;
  }

  /** The customer id of each CRM account, assigning new ids (committed) for unknown accounts. */
  public Map<String, UUID> identify(Collection<String> crmAccountIds) {
    if (crmAccountIds.isEmpty()) {
      return Map.of();
    }
    Map<String, UUID> result = new HashMap<>();
    synchronized (known) {
      for (String account : crmAccountIds) {
        UUID id = known.get(account);
        if (id != null) {
          result.put(account, id);
        }
      }
    }
    String[] ids =
        crmAccountIds.stream()
            .filter(a -> !result.containsKey(a))
            .distinct()
            .sorted()
            .toArray(String[]::new);
    if (ids.length == 0) {
      return result;
    }
    try (Connection c = hub.getConnection()) {
      c.setAutoCommit(true);
      // known accounts are the rule (a reconciliation, a change of an account seen before): read
      // first, and assign ids only to those not found
      Map<String, UUID> found = select(c, ids);
      if (found.size() < ids.length) {
        String[] missing =
            Arrays.stream(ids).filter(a -> !found.containsKey(a)).toArray(String[]::new);
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO hub.customer_identity (customer_id, crm_account_id)"
                    + " SELECT gen_random_uuid(), a FROM unnest(?::varchar[]) AS a"
                    + " ON CONFLICT (crm_account_id) DO NOTHING"
                    + " RETURNING crm_account_id, customer_id")) {
          insert.setArray(1, c.createArrayOf("varchar", missing));
          read(insert, found);
        }
        if (found.size() < ids.length) {
          // assigned by another instance between the read and the insert: committed by now
          found.putAll(
              select(c, Arrays.stream(missing).filter(a -> !found.containsKey(a)).toArray()));
        }
      }
      synchronized (known) {
        known.putAll(found);
      }
      result.putAll(found);
      return result;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  private static Map<String, UUID> select(Connection c, Object[] accounts) throws SQLException {
    Map<String, UUID> found = new HashMap<>();
    // a join with the keys, not "= ANY(keys)": the planner then probes the index per key instead
    // of choosing, for a thousand keys of a large registry, a sequential scan with a hashed ANY
    try (PreparedStatement select =
        c.prepareStatement(
            "SELECT i.crm_account_id, i.customer_id FROM unnest(?::varchar[]) AS k(a)"
                + " JOIN hub.customer_identity i ON i.crm_account_id = k.a")) {
      select.setArray(1, c.createArrayOf("varchar", accounts));
      read(select, found);
    }
    return found;
  }

  private static void read(PreparedStatement ps, Map<String, UUID> into) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        into.put(rs.getString(1), rs.getObject(2, UUID.class));
      }
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

  /**
   * Whether each of these customers is erased and billing's customer number, in one read: a writer
   * asks while it holds its lock of the customers (see {@link #erased}).
   */
  public Identities identities(Collection<UUID> customerIds) {
    if (customerIds.isEmpty()) {
      return new Identities(Map.of());
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT customer_id, erased_at IS NOT NULL, billing_cust_no"
                    + " FROM hub.customer_identity WHERE customer_id = ANY(?::uuid[])")) {
      ps.setArray(1, c.createArrayOf("uuid", customerIds.toArray()));
      Map<UUID, Identity> result = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          boolean erased = rs.getBoolean(2);
          long custNo = rs.getLong(3);
          Long number = rs.wasNull() ? null : custNo;
          result.put(rs.getObject(1, UUID.class), new Identity(erased, number));
        }
      }
      return new Identities(result);
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /** Records billing's customer numbers (billing generates them on insert), in one statement. */
  public void recordBillingCustNos(Map<UUID, Long> custNos) {
    if (custNos.isEmpty()) {
      return;
    }
    List<UUID> ids = new ArrayList<>(custNos.keySet());
    List<Long> numbers = new ArrayList<>();
    ids.forEach(id -> numbers.add(custNos.get(id)));
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.customer_identity i SET billing_cust_no = u.n, updated_at = now()"
                    + " FROM unnest(?::uuid[], ?::bigint[]) AS u(id, n)"
                    + " WHERE i.customer_id = u.id AND i.billing_cust_no IS DISTINCT FROM u.n")) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      ps.setArray(2, c.createArrayOf("bigint", numbers.toArray()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }
}
