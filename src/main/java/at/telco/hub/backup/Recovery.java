package at.telco.hub.backup;

import at.telco.hub.erasure.Erasures;
import at.telco.hub.identity.BillingAccountIdentities;
import at.telco.hub.identity.IdentityRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a restore of the hub's state: takes back from the systems what the hub learnt since the
 * backup, before any route runs. customerdb holds every enterprise customer id the hub ever wrote,
 * so identities assigned after the backup are adopted from there (never assigned anew: the same CRM
 * account keeps its id); billing holds every customer number and billing account. Then a repairing
 * reconciliation is requested for the next start, which re-sends whatever a target missed while the
 * hub's queues and topics went back in time.
 *
 * <p>A restore also brings back what an erasure since the backup removed from the hub's own stores
 * (dead letters, erasure requests not yet made, the customer not marked erased). So the erasures
 * are derived again from the systems, which a restore of the hub does not touch: every customerdb
 * customer with status ERASED and every billing customer anonymised. Each is marked erased in the
 * identity registry, purged from the hub database at once ({@link Erasures#purgeHubStores}: no
 * restored dead letter can be replayed), and gets an erasure request if the backup had none, so the
 * next start removes it from the queues and writes its tombstone again. The count is reported.
 */
public final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
  static final int CHUNK = 5000;

  private Recovery() {}

  /** What the recovery took back. */
  public record Result(int identities, int custNos, int billingAccounts, Erasures erasures) {

    /** What re-deriving the erasures did. */
    public record Erasures(int erased, int requestsAdded, int deadLettersPurged) {}
  }

  public static Result afterRestore(DataSource hub, DataSource customerdb, DataSource billing)
      throws SQLException {
    return afterRestore(hub, customerdb, billing, ProgressListener.NONE);
  }

  /**
   * As {@link #afterRestore(DataSource, DataSource, DataSource)}, telling {@code progress} after
   * each chunk of rows read from the systems.
   */
  public static Result afterRestore(
      DataSource hub, DataSource customerdb, DataSource billing, ProgressListener progress)
      throws SQLException {
    Rows rows =
        new Rows(
            progress,
            count(customerdb, "SELECT count(*) FROM customerdb.customer")
                + count(billing, "SELECT count(*) FROM billing.customer")
                + count(billing, "SELECT count(*) FROM billing.billing_account"));
    int identities = adoptIdentities(hub, customerdb, rows);
    int custNos = adoptCustNos(hub, billing, rows);
    int accounts = adoptBillingAccounts(hub, billing, rows);
    Result.Erasures erasures = rederiveErasures(hub, customerdb, billing);
    progress.progress(rows.total, rows.total);
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO hub.maintenance_request (kind, reason) VALUES ('RECONCILE_REPAIR', ?)")) {
      ps.setString(
          1,
          "restored from a backup: "
              + identities
              + " identities and "
              + accounts
              + " billing accounts taken back from the systems; "
              + erasures.erased()
              + " erasures derived again");
      ps.executeUpdate();
    }
    LOG.info(
        "recovery after restore: {} customer ids taken back from customerdb, {} billing customer"
            + " numbers and {} billing accounts from billing; a repairing reconciliation runs at the"
            + " next start; {} erased customers derived again from customerdb and billing ({}"
            + " erasure requests the backup did not have, {} restored dead letters purged)",
        identities,
        custNos,
        accounts,
        erasures.erased(),
        erasures.requestsAdded(),
        erasures.deadLettersPurged());
    return new Result(identities, custNos, accounts, erasures);
  }

  /**
   * The erased customers, as the systems know them (customerdb status ERASED, billing anonymised),
   * marked erased in the restored registry, purged from the restored hub stores, and each with an
   * erasure request (added when the backup had none) that the next start works off again.
   */
  static Result.Erasures rederiveErasures(DataSource hub, DataSource customerdb, DataSource billing)
      throws SQLException {
    Map<String, UUID> erased = new LinkedHashMap<>();
    try (Connection c = customerdb.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT crm_account_id, customer_id FROM customerdb.customer"
                    + " WHERE status = 'ERASED' ORDER BY crm_account_id")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          erased.put(rs.getString(1), rs.getObject(2, UUID.class));
        }
      }
    }
    List<String> anonymised = new ArrayList<>();
    try (Connection c = billing.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT crm_account_id FROM billing.customer WHERE anonymized"
                    + " AND crm_account_id IS NOT NULL ORDER BY crm_account_id")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!erased.containsKey(rs.getString(1))) {
            anonymised.add(rs.getString(1));
          }
        }
      }
    }
    if (!anonymised.isEmpty()) {
      erased.putAll(new IdentityRegistry(hub).identify(anonymised));
    }
    int added = 0;
    int deadLetters = 0;
    try (Connection c = hub.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement mark =
              c.prepareStatement(
                  "UPDATE hub.customer_identity SET erased_at = coalesce(erased_at, now()),"
                      + " updated_at = now() WHERE customer_id = ? AND erased_at IS NULL");
          PreparedStatement request =
              c.prepareStatement(
                  "INSERT INTO hub.erasure_request (id, customer_id, crm_account_id, trigger)"
                      + " VALUES (?, ?, ?, 'restore-rederived') ON CONFLICT (customer_id) DO NOTHING");
          PreparedStatement accounts =
              c.prepareStatement(
                  "SELECT ba_no FROM hub.billing_account_identity WHERE customer_id = ?")) {
        for (Map.Entry<String, UUID> e : erased.entrySet()) {
          if (e.getValue() == null) {
            continue;
          }
          mark.setObject(1, e.getValue());
          mark.executeUpdate();
          request.setObject(1, UUID.randomUUID());
          request.setObject(2, e.getValue());
          request.setString(3, e.getKey());
          added += request.executeUpdate();
          List<String> baNos = new ArrayList<>();
          accounts.setObject(1, e.getValue());
          try (ResultSet rs = accounts.executeQuery()) {
            while (rs.next()) {
              baNos.add(rs.getString(1));
            }
          }
          deadLetters += Erasures.purgeHubStores(c, e.getValue(), e.getKey(), baNos).deadLetters();
        }
        c.commit();
      } catch (SQLException | RuntimeException ex) {
        c.rollback();
        throw ex;
      }
    }
    return new Result.Erasures(erased.size(), added, deadLetters);
  }

  /** Rows read from the systems so far, for a {@link ProgressListener}. */
  private static final class Rows {
    private final ProgressListener listener;
    private final long total;
    private long done;

    Rows(ProgressListener listener, long total) {
      this.listener = listener;
      this.total = total;
    }

    void read(int n) {
      done = Math.min(done + n, total);
      listener.progress(done, total);
    }
  }

  private static long count(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static int adoptIdentities(DataSource hub, DataSource customerdb, Rows read)
      throws SQLException {
    int adopted = 0;
    String after = "";
    while (true) {
      List<Object[]> rows = new ArrayList<>();
      try (Connection c = customerdb.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT crm_account_id, customer_id, billing_cust_no, status = 'ERASED'"
                      + " FROM customerdb.customer WHERE crm_account_id > ?"
                      + " ORDER BY crm_account_id LIMIT ?")) {
        ps.setString(1, after);
        ps.setInt(2, CHUNK);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(
                new Object[] {
                  rs.getString(1),
                  rs.getObject(2, UUID.class),
                  (Long) rs.getObject(3),
                  rs.getBoolean(4)
                });
          }
        }
      }
      if (rows.isEmpty()) {
        return adopted;
      }
      read.read(rows.size());
      after = (String) rows.get(rows.size() - 1)[0];
      try (Connection c = hub.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO hub.customer_identity (customer_id, crm_account_id,"
                      + " billing_cust_no, erased_at) VALUES (?, ?, ?, CASE WHEN ? THEN now() END)"
                      + " ON CONFLICT DO NOTHING")) {
        for (Object[] r : rows) {
          ps.setObject(1, r[1]);
          ps.setString(2, (String) r[0]);
          // an erased customer comes back erased (its number is not taken back either)
          ps.setObject(3, (Boolean) r[3] ? null : r[2]);
          ps.setBoolean(4, (Boolean) r[3]);
          ps.addBatch();
        }
        for (int n : ps.executeBatch()) {
          adopted += Math.max(n, 0);
        }
      }
      if (rows.size() < CHUNK) {
        return adopted;
      }
    }
  }

  private static int adoptCustNos(DataSource hub, DataSource billing, Rows read)
      throws SQLException {
    int n = 0;
    String after = "";
    while (true) {
      Map<String, Long> custNos = new LinkedHashMap<>();
      try (Connection c = billing.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT crm_account_id, cust_no FROM billing.customer"
                      + " WHERE crm_account_id > ? ORDER BY crm_account_id LIMIT ?")) {
        ps.setString(1, after);
        ps.setInt(2, CHUNK);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            custNos.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
      if (custNos.isEmpty()) {
        return n;
      }
      read.read(custNos.size());
      after = new ArrayList<>(custNos.keySet()).get(custNos.size() - 1);
      try (Connection c = hub.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE hub.customer_identity SET billing_cust_no = ?, updated_at = now()"
                      + " WHERE crm_account_id = ? AND billing_cust_no IS NULL")) {
        for (Map.Entry<String, Long> e : custNos.entrySet()) {
          ps.setLong(1, e.getValue());
          ps.setString(2, e.getKey());
          ps.addBatch();
        }
        for (int k : ps.executeBatch()) {
          n += Math.max(k, 0);
        }
      }
      if (custNos.size() < CHUNK) {
        return n;
      }
    }
  }

  private static int adoptBillingAccounts(DataSource hub, DataSource billing, Rows read)
      throws SQLException {
    IdentityRegistry registry = new IdentityRegistry(hub);
    BillingAccountIdentities identities = new BillingAccountIdentities(hub);
    int n = 0;
    String after = "";
    while (true) {
      List<Object[]> rows = new ArrayList<>();
      try (Connection c = billing.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT a.ba_no, a.cust_no, c.crm_account_id FROM billing.billing_account a"
                      + " JOIN billing.customer c ON c.cust_no = a.cust_no WHERE a.ba_no > ?"
                      + " ORDER BY a.ba_no LIMIT ?")) {
        ps.setString(1, after);
        ps.setInt(2, CHUNK);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new Object[] {rs.getString(1), rs.getLong(2), rs.getString(3)});
          }
        }
      }
      if (rows.isEmpty()) {
        return n;
      }
      read.read(rows.size());
      after = (String) rows.get(rows.size() - 1)[0];
      List<String> crmAccounts = new ArrayList<>();
      for (Object[] r : rows) {
        if (r[2] != null) {
          crmAccounts.add((String) r[2]);
        }
      }
      Map<String, UUID> ids = registry.identify(crmAccounts);
      List<BillingAccountIdentities.Account> accounts = new ArrayList<>();
      for (Object[] r : rows) {
        accounts.add(
            new BillingAccountIdentities.Account(
                (String) r[0], (Long) r[1], (String) r[2], r[2] == null ? null : ids.get(r[2])));
      }
      n += identities.record(accounts).size();
      if (rows.size() < CHUNK) {
        return n;
      }
    }
  }
}
