package at.telco.hub.identity;

import at.telco.hub.jdbc.SqlFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Which customer each billing account belongs to (hub.billing_account_identity), so an event that
 * names only the billing account (a network event's subscriberRef) can be put to its customer.
 */
public final class BillingAccountIdentities {

  /** One billing account as billing has it. */
  public record Account(String baNo, long custNo, String crmAccountId, UUID customerId) {}

  private final DataSource hub;

  public BillingAccountIdentities(DataSource hub) {
    this.hub = hub;
  }

  /** Records the accounts; returns those the hub did not know before. */
  public List<String> record(Collection<Account> accounts) {
    List<String> added = new ArrayList<>();
    if (accounts.isEmpty()) {
      return added;
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO hub.billing_account_identity AS i (ba_no, cust_no, crm_account_id,"
                    + " customer_id) VALUES (?, ?, ?, ?) ON CONFLICT (ba_no) DO UPDATE SET"
                    + " cust_no = EXCLUDED.cust_no, crm_account_id = EXCLUDED.crm_account_id,"
                    + " customer_id = EXCLUDED.customer_id"
                    + " WHERE (i.cust_no, i.crm_account_id, i.customer_id)"
                    + " IS DISTINCT FROM (EXCLUDED.cust_no, EXCLUDED.crm_account_id,"
                    + " EXCLUDED.customer_id) RETURNING ba_no, (xmax = 0) AS added")) {
      c.setAutoCommit(true);
      for (Account a : accounts) {
        ps.setString(1, a.baNo());
        ps.setLong(2, a.custNo());
        ps.setString(3, a.crmAccountId());
        ps.setObject(4, a.customerId());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getBoolean(2)) {
            added.add(rs.getString(1));
          }
        }
      }
      return added;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /** The known accounts among {@code baNos}. */
  public Map<String, Account> find(Collection<String> baNos) {
    Map<String, Account> found = new HashMap<>();
    if (baNos.isEmpty()) {
      return found;
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT ba_no, cust_no, crm_account_id, customer_id FROM hub.billing_account_identity"
                    + " WHERE ba_no = ANY(?::varchar[])")) {
      ps.setArray(1, c.createArrayOf("varchar", baNos.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.put(
              rs.getString(1),
              new Account(
                  rs.getString(1), rs.getLong(2), rs.getString(3), rs.getObject(4, UUID.class)));
        }
      }
      return found;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }
}
