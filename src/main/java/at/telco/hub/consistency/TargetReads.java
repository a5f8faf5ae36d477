package at.telco.hub.consistency;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the copies hold, read by key (one statement per chunk of keys, by index), and the keys a
 * table has, page by page (keyset pagination in the table's own order): never a whole table at
 * once.
 */
public final class TargetReads {

  private static final String CUSTOMERDB_CUSTOMERS =
      """
      SELECT c.crm_account_id, to_jsonb(c) - 'source_versions' - 'updated_at',
        (SELECT coalesce(jsonb_agg(to_jsonb(m) - 'updated_at' - 'customer_id'), '[]'::jsonb)
           FROM customerdb.contact_medium m WHERE m.customer_id = c.customer_id)
      FROM customerdb.customer c WHERE c.crm_account_id = ANY(?::varchar[])
      """;
  private static final String BILLING_CUSTOMERS =
      "SELECT crm_account_id, to_jsonb(c) - 'updated_at' FROM billing.customer c"
          + " WHERE crm_account_id = ANY(?::varchar[])";
  private static final String CUSTOMERDB_BILLING_ACCOUNTS =
      "SELECT ba_no, to_jsonb(b) - 'updated_at' FROM customerdb.billing_account b"
          + " WHERE ba_no = ANY(?::varchar[])";

  private TargetReads() {}

  /** customerdb's customers (with {@code contactMedia}) by CRM account. */
  public static Map<String, ObjectNode> customerDbCustomers(
      Connection c, Collection<String> crmAccounts) throws SQLException {
    Map<String, ObjectNode> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(CUSTOMERDB_CUSTOMERS)) {
      ps.setArray(1, c.createArrayOf("varchar", crmAccounts.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ObjectNode row = (ObjectNode) Json.parse(rs.getString(2));
          row.set("contactMedia", Json.parse(rs.getString(3)));
          out.put(rs.getString(1), row);
        }
      }
    }
    return out;
  }

  /** billing's customers by CRM account. */
  public static Map<String, ObjectNode> billingCustomers(
      Connection c, Collection<String> crmAccounts) throws SQLException {
    return rows(c, BILLING_CUSTOMERS, crmAccounts);
  }

  /** customerdb's billing accounts by billing account number. */
  static Map<String, ObjectNode> customerDbBillingAccounts(Connection c, Collection<String> baNos)
      throws SQLException {
    return rows(c, CUSTOMERDB_BILLING_ACCOUNTS, baNos);
  }

  private static Map<String, ObjectNode> rows(Connection c, String sql, Collection<String> keys)
      throws SQLException {
    Map<String, ObjectNode> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("varchar", keys.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), (ObjectNode) Json.parse(rs.getString(2)));
        }
      }
    }
    return out;
  }

  /**
   * The next {@code limit} non-null values of {@code table.column} after {@code after}, in the
   * table's order ({@code table} and {@code column} are the hub's own constants, never input).
   */
  static List<String> keysAfter(Connection c, String table, String column, String after, int limit)
      throws SQLException {
    String sql =
        "SELECT "
            + column
            + " FROM "
            + table
            + " WHERE "
            + column
            + " > ? ORDER BY "
            + column
            + " LIMIT ?";
    List<String> keys = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, after == null ? "" : after);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
      }
    }
    return keys;
  }

  /** Which of {@code keys} {@code table.column} has. */
  static Set<String> existing(Connection c, String table, String column, Collection<String> keys)
      throws SQLException {
    String sql =
        "SELECT " + column + " FROM " + table + " WHERE " + column + " = ANY(?::varchar[])";
    Set<String> found = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("varchar", keys.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
    }
    return found;
  }
}
