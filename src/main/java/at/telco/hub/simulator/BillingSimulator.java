package at.telco.hub.simulator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billing system of the embedded default: opens billing accounts for the customers the hub
 * created in billing, issues invoices, books payments and moves dunning levels, writing its tables
 * and its XML events (billing.event_out) as billing would, in Vienna local time. Not part of the
 * hub: production has a real billing system. Each operation is one billing transaction, so tests
 * can drive billing precisely.
 */
public final class BillingSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BillingSimulator.class);
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
  private static final java.time.ZoneId VIENNA = java.time.ZoneId.of("Europe/Vienna");

  private final DataSource billing;
  private final Random random = new Random();
  private ScheduledExecutorService executor;

  public BillingSimulator(DataSource billingOwner) {
    this.billing = billingOwner;
  }

  private Connection connect() throws SQLException {
    Connection c = billing.getConnection();
    try (Statement s = c.createStatement()) {
      s.execute("SET TIME ZONE 'Europe/Vienna'");
    }
    c.setAutoCommit(false);
    return c;
  }

  private static String now() {
    return LocalDateTime.now(VIENNA).truncatedTo(ChronoUnit.SECONDS).format(LOCAL);
  }

  /** Writes one event row in the caller's transaction; returns its event_seq. */
  private static long event(Connection c, String type, String ref, String xml) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO billing.event_out (event_type, ref_key, payload) VALUES (?, ?, ?)"
                + " RETURNING event_seq")) {
      ps.setString(1, type);
      ps.setString(2, ref);
      ps.setString(3, xml);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** An event row exactly as given (for tests of odd or broken XML). */
  public long rawEvent(String type, String ref, String xml) {
    try (Connection c = connect()) {
      long seq = event(c, type, ref, xml);
      c.commit();
      return seq;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens a billing account for a billing customer (ACCOUNT_CREATED); returns its number. */
  public String openAccount(long custNo) {
    try (Connection c = connect()) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(4711)");
      }
      String baNo;
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT 'BA' || lpad((coalesce(max(substr(ba_no, 3)::bigint), 0) + 1)::text, 10, '0')"
                      + " FROM billing.billing_account")) {
        rs.next();
        baNo = rs.getString(1);
      }
      String[] methods = {"SEPA_DD", "INVOICE", "CARD"};
      String method = methods[random.nextInt(methods.length)];
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO billing.billing_account (ba_no, cust_no, bill_cycle, payment_method, iban)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, baNo);
        ps.setLong(2, custNo);
        ps.setInt(3, new int[] {1, 8, 15, 22}[random.nextInt(4)]);
        ps.setString(4, method);
        ps.setString(
            5,
            "SEPA_DD".equals(method)
                ? "AT61" + String.format("%016d", random.nextLong(10_000_000_000_000_000L))
                : null);
        ps.executeUpdate();
      }
      event(
          c,
          "ACCOUNT_CREATED",
          baNo,
          "<BillingEvent type=\"ACCOUNT_CREATED\"><BaNo>"
              + baNo
              + "</BaNo><CustNo>"
              + custNo
              + "</CustNo><CreatedAt>"
              + now()
              + "</CreatedAt></BillingEvent>");
      c.commit();
      return baNo;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Issues an invoice (INVOICE_ISSUED) and books it on the balance; returns its number. */
  public String invoice(String baNo, long amountCents) {
    try (Connection c = connect()) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(4712)");
      }
      String invoiceNo;
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT 'INV' || lpad((coalesce(max(substr(invoice_no, 4)::bigint), 0) + 1)::text, 13, '0')"
                      + " FROM billing.invoice")) {
        rs.next();
        invoiceNo = rs.getString(1);
      }
      LocalDate today = LocalDate.now(VIENNA);
      LocalDate from = today.minusMonths(1).withDayOfMonth(1);
      LocalDate to = from.plusMonths(1).minusDays(1);
      LocalDate due = today.plusDays(14);
      long tax = Math.round(amountCents / 6.0); // 20 % VAT included in the gross amount
      String issued = now();
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO billing.invoice (invoice_no, ba_no, period_from, period_to, amount_cents,"
                  + " tax_cents, issued_at, due_date, status) VALUES (?, ?, ?, ?, ?, ?, ?::timestamp, ?, 'OPEN')")) {
        ps.setString(1, invoiceNo);
        ps.setString(2, baNo);
        ps.setObject(3, from);
        ps.setObject(4, to);
        ps.setLong(5, amountCents);
        ps.setLong(6, tax);
        ps.setString(7, issued);
        ps.setObject(8, due);
        ps.executeUpdate();
      }
      update(
          c,
          "UPDATE billing.billing_account SET balance_cents = balance_cents + ?, updated_at = localtimestamp WHERE ba_no = ?",
          amountCents,
          baNo);
      event(
          c,
          "INVOICE_ISSUED",
          invoiceNo,
          "<BillingEvent type=\"INVOICE_ISSUED\"><BaNo>"
              + baNo
              + "</BaNo><InvoiceNo>"
              + invoiceNo
              + "</InvoiceNo><Period from=\""
              + from
              + "\" to=\""
              + to
              + "\"/><Amount currency=\"EUR\" tax=\""
              + tax
              + "\">"
              + amountCents
              + "</Amount><DueDate>"
              + due
              + "</DueDate><IssuedAt>"
              + issued
              + "</IssuedAt></BillingEvent>");
      c.commit();
      return invoiceNo;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Books a payment (PAYMENT_RECEIVED) against the oldest open invoices. Paid in full, the dunning
   * level goes back to 0; a partial payment brings a level of 2 or more down to 1.
   */
  public void payment(String baNo, long amountCents) {
    try (Connection c = connect()) {
      long balance;
      int level;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT balance_cents, dunning_level FROM billing.billing_account WHERE ba_no = ? FOR UPDATE")) {
        ps.setString(1, baNo);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          balance = rs.getLong(1);
          level = rs.getInt(2);
        }
      }
      long after = balance - amountCents;
      String invoiceNo = null;
      long left = amountCents;
      List<String> paid = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT invoice_no, amount_cents FROM billing.invoice WHERE ba_no = ?"
                  + " AND status IN ('OPEN', 'OVERDUE') ORDER BY invoice_no")) {
        ps.setString(1, baNo);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (invoiceNo == null) {
              invoiceNo = rs.getString(1);
            }
            if (left >= rs.getLong(2)) {
              left -= rs.getLong(2);
              paid.add(rs.getString(1));
            }
          }
        }
      }
      for (String p : paid) {
        update(c, "UPDATE billing.invoice SET status = 'PAID' WHERE invoice_no = ?", p);
      }
      update(
          c,
          "UPDATE billing.billing_account SET balance_cents = ?, updated_at = localtimestamp WHERE ba_no = ?",
          after,
          baNo);
      String received = now();
      event(
          c,
          "PAYMENT_RECEIVED",
          invoiceNo == null ? baNo : invoiceNo,
          "<BillingEvent type=\"PAYMENT_RECEIVED\"><BaNo>"
              + baNo
              + "</BaNo><InvoiceNo>"
              + (invoiceNo == null ? "INV0000000000000" : invoiceNo)
              + "</InvoiceNo><Amount currency=\"EUR\">"
              + amountCents
              + "</Amount><BalanceAfter currency=\"EUR\">"
              + after
              + "</BalanceAfter><ReceivedAt>"
              + received
              + "</ReceivedAt></BillingEvent>");
      int newLevel = after <= 0 ? 0 : level >= 2 ? 1 : level;
      if (newLevel != level) {
        dunning(c, baNo, level, newLevel, Math.max(after, 0));
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Moves the account's dunning level (DUNNING_LEVEL_CHANGED). */
  public void dunning(String baNo, int newLevel) {
    try (Connection c = connect()) {
      int old;
      long balance;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT dunning_level, balance_cents FROM billing.billing_account WHERE ba_no = ? FOR UPDATE")) {
        ps.setString(1, baNo);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          old = rs.getInt(1);
          balance = rs.getLong(2);
        }
      }
      dunning(c, baNo, old, newLevel, balance);
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void dunning(Connection c, String baNo, int old, int newLevel, long openCents)
      throws SQLException {
    update(
        c,
        "UPDATE billing.billing_account SET dunning_level = ?, updated_at = localtimestamp WHERE ba_no = ?",
        newLevel,
        baNo);
    event(
        c,
        "DUNNING_LEVEL_CHANGED",
        baNo,
        "<BillingEvent type=\"DUNNING_LEVEL_CHANGED\"><BaNo>"
            + baNo
            + "</BaNo><OldLevel>"
            + old
            + "</OldLevel><NewLevel>"
            + newLevel
            + "</NewLevel><OpenAmount currency=\"EUR\">"
            + openCents
            + "</OpenAmount><ChangedAt>"
            + now()
            + "</ChangedAt></BillingEvent>");
  }

  /** Billing's own account status (ACCOUNT_STATUS_CHANGED). */
  public void status(String baNo, String newStatus) {
    try (Connection c = connect()) {
      String old;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT status FROM billing.billing_account WHERE ba_no = ? FOR UPDATE")) {
        ps.setString(1, baNo);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          old = rs.getString(1);
        }
      }
      update(
          c,
          "UPDATE billing.billing_account SET status = ?, updated_at = localtimestamp WHERE ba_no = ?",
          newStatus,
          baNo);
      event(
          c,
          "ACCOUNT_STATUS_CHANGED",
          baNo,
          "<BillingEvent type=\"ACCOUNT_STATUS_CHANGED\"><BaNo>"
              + baNo
              + "</BaNo><OldStatus>"
              + old
              + "</OldStatus><NewStatus>"
              + newStatus
              + "</NewStatus><ChangedAt>"
              + now()
              + "</ChangedAt></BillingEvent>");
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  /** Opens accounts for billing customers that have none yet; returns how many. */
  public int openMissingAccounts(int limit) {
    List<Long> custNos = new ArrayList<>();
    try (Connection c = billing.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT c.cust_no FROM billing.customer c WHERE c.status = 'ACTIVE' AND NOT EXISTS"
                    + " (SELECT 1 FROM billing.billing_account b WHERE b.cust_no = c.cust_no)"
                    + " ORDER BY c.cust_no LIMIT ?")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          custNos.add(rs.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    custNos.forEach(this::openAccount);
    return custNos.size();
  }

  /** Runs billing: accounts for new customers, and about {@code eventsPerMinute} other events. */
  public void start(double eventsPerMinute) {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "billing-simulator");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            openMissingAccounts(100);
          } catch (RuntimeException e) {
            LOG.debug("billing simulator: {}", e.getMessage());
          }
        },
        2,
        5,
        TimeUnit.SECONDS);
    if (eventsPerMinute > 0) {
      long period = Math.max(10, (long) (60_000 / eventsPerMinute));
      executor.scheduleWithFixedDelay(
          this::somethingHappens, period, period, TimeUnit.MILLISECONDS);
    }
    LOG.info("billing simulator on: about {} billing events per minute", eventsPerMinute);
  }

  private void somethingHappens() {
    try {
      String ba = randomAccount("TRUE");
      if (ba == null) {
        return;
      }
      int r = random.nextInt(100);
      if (r < 45) {
        invoice(ba, 1500 + random.nextInt(75) * 100 + 99);
      } else if (r < 80) {
        String owing = randomAccount("balance_cents > 0");
        if (owing != null) {
          long balance = balance(owing);
          payment(owing, random.nextInt(4) == 0 ? balance / 2 : balance);
        }
      } else {
        String owing = randomAccount("balance_cents > 0 AND dunning_level < 4");
        if (owing != null) {
          int level = level(owing);
          dunning(owing, Math.min(4, level + 1));
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("billing simulator: {}", e.getMessage());
    }
  }

  private String randomAccount(String where) {
    try (Connection c = billing.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT ba_no FROM billing.billing_account WHERE status <> 'CLOSED' AND "
                    + where
                    + " ORDER BY random() LIMIT 1")) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long balance(String baNo) {
    return number("SELECT balance_cents FROM billing.billing_account WHERE ba_no = ?", baNo);
  }

  private int level(String baNo) {
    return (int) number("SELECT dunning_level FROM billing.billing_account WHERE ba_no = ?", baNo);
  }

  private long number(String sql, String baNo) {
    try (Connection c = billing.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, baNo);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
