package at.telco.hub.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Changes made in the CRM as the CRM itself makes them (its owner, its triggers), and reads. */
public final class Crm {

  private final DataSource crm;

  public Crm(TestServers servers) {
    this.crm = servers.owner("crm");
  }

  public void update(String sql, Object... params) {
    try (Connection c = crm.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public void inOneTransaction(String... statements) {
    try (Connection c = crm.getConnection()) {
      c.setAutoCommit(false);
      try (java.sql.Statement s = c.createStatement()) {
        for (String sql : statements) {
          s.execute(sql);
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public void person(String account, String first, String last, String status) {
    update(
        "INSERT INTO crm.account (account_id, account_type, name, status, segment)"
            + " VALUES (?, 'B2C', ?, ?, 'CONSUMER')",
        account,
        first + " " + last,
        status);
    contact(
        account + "-C1",
        account,
        true,
        first,
        last,
        first.toLowerCase() + "@example.at",
        "0664 1234567");
    address(account + "-A1", account, "BILLING", "Lassallestraße", "9", "1020", "Wien");
  }

  /**
   * Waits until a {@link #person} has reached both targets in full: its address (the last of its
   * three CRM changes) in billing and in customerdb (the two sinks are independent consumers), and
   * billing's number back in customerdb. A test that edits a target behind the hub's back starts
   * from there, or a change still in flight writes over the edit.
   */
  public static void awaitPersonSynced(TestServers servers, String account) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () -> {
              Map<String, Object> b =
                  row(
                      servers.owner("billing"),
                      "SELECT zip, city FROM billing.customer WHERE crm_account_id = ?",
                      account);
              Map<String, Object> c =
                  row(
                      servers.owner("customerdb"),
                      "SELECT billing_cust_no FROM customerdb.customer WHERE crm_account_id = ?",
                      account);
              Map<String, Object> m =
                  row(
                      servers.owner("customerdb"),
                      "SELECT m.city FROM customerdb.contact_medium m JOIN customerdb.customer c"
                          + " USING (customer_id) WHERE c.crm_account_id = ? AND m.medium_type"
                          + " = 'POSTAL'",
                      account);
              return b != null
                  && "1020".equals(b.get("zip"))
                  && "Wien".equals(b.get("city"))
                  && c != null
                  && c.get("billing_cust_no") != null
                  && m != null
                  && "Wien".equals(m.get("city"))
                  && lastChangeApplied(servers, account);
            });
  }

  /**
   * Whether the account's newest CRM change has been applied by both targets. The address can reach
   * them before its own change row is claimed (a poll reads the account's state as it is, newer
   * than the rows it claimed); the event of that later claim is then still on its way. So: every
   * change row claimed, billing's applied mark in the hub later than the last claim (billing
   * applies every newer read), and customerdb's row built from the rows as the CRM has them now.
   * customerdb leaves a newer read of the very same row versions alone (a duplicate, nothing
   * written), so its {@code updated_at} need not move after the last claim; but once its {@code
   * source_versions} name the CRM's current row versions, no event still on its way can write it.
   */
  public static boolean lastChangeApplied(TestServers servers, String account) {
    Map<String, Object> claims =
        row(
            servers.owner("crm"),
            "SELECT count(*) FILTER (WHERE processed_at IS NULL) AS open, max(processed_at) AS last"
                + " FROM crm.change_log WHERE account_id = ?",
            account);
    if ((Long) claims.get("open") != 0 || claims.get("last") == null) {
      return false;
    }
    Map<String, Object> current =
        row(
            servers.owner("crm"),
            "SELECT jsonb_object_agg(k, v)::text AS versions FROM ("
                + "SELECT 'crm:ACCOUNT:' || account_id AS k, row_version AS v FROM crm.account"
                + " WHERE account_id = ? UNION ALL SELECT 'crm:CONTACT:' || contact_id, row_version"
                + " FROM crm.contact WHERE account_id = ? UNION ALL SELECT 'crm:ADDRESS:' ||"
                + " address_id, row_version FROM crm.address WHERE account_id = ?) r",
            account,
            account,
            account);
    Map<String, Object> applied =
        row(
            servers.owner("customerdb"),
            "SELECT (source_versions - 'crm:snapshot')::text AS versions FROM customerdb.customer"
                + " WHERE crm_account_id = ?",
            account);
    return applied != null
        && current.get("versions") != null
        && current.get("versions").equals(applied.get("versions"))
        && row(
                servers.owner("hub"),
                "SELECT 1 AS ok FROM hub.target_state WHERE target = 'billing' AND entity_key = ?"
                    + " AND applied_at > ?",
                account,
                claims.get("last"))
            != null;
  }

  public void contact(
      String id,
      String account,
      boolean primary,
      String first,
      String last,
      String email,
      String phone) {
    update(
        "INSERT INTO crm.contact (contact_id, account_id, is_primary, salutation, first_name,"
            + " last_name, birth_date, email, phone, language) VALUES (?, ?, ?, 'Frau', ?, ?,"
            + " DATE '1980-02-29', ?, ?, 'de')",
        id,
        account,
        primary,
        first,
        last,
        email,
        phone);
  }

  public void address(
      String id,
      String account,
      String type,
      String street,
      String house,
      String zip,
      String city) {
    update(
        "INSERT INTO crm.address (address_id, account_id, address_type, street, house_number,"
            + " postal_code, city) VALUES (?, ?, ?, ?, ?, ?, ?)",
        id,
        account,
        type,
        street,
        house,
        zip,
        city);
  }

  /** Rows of a query as maps (column -> value). */
  public static List<Map<String, Object>> rows(DataSource ds, String sql, Object... params) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Map<String, Object> row(DataSource ds, String sql, Object... params) {
    List<Map<String, Object>> rows = rows(ds, sql, params);
    return rows.isEmpty() ? null : rows.get(0);
  }
}
