package at.telco.hub.simulator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A steady trickle of CRM changes for the embedded default, made as the CRM's own users would make
 * them (not as the hub): updates of names, segments, statuses, emails, phones and addresses, new
 * contacts and addresses, deleted ones, contacts moved between accounts, new accounts and, rarely,
 * a GDPR erasure. Part of the embedded default only; production has a real CRM.
 */
public final class CrmChangeTrickle implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CrmChangeTrickle.class);

  private final DataSource crm;
  private final Random random = new Random();
  private final ScheduledExecutorService executor;
  private int created;

  public CrmChangeTrickle(DataSource crm, double changesPerMinute) {
    this.crm = crm;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "crm-change-trickle");
              t.setDaemon(true);
              return t;
            });
    long periodMs = Math.max(10, (long) (60_000 / changesPerMinute));
    executor.scheduleWithFixedDelay(this::changeOne, periodMs, periodMs, TimeUnit.MILLISECONDS);
    LOG.info("CRM change trickle on: about {} changes per minute", changesPerMinute);
  }

  private void changeOne() {
    try (Connection c = crm.getConnection()) {
      int r = random.nextInt(100);
      if (r < 25) {
        update(
            c,
            "UPDATE crm.account SET segment = (ARRAY['CONSUMER','SOHO','ENTERPRISE'])[1 + floor(random()*3)::int] WHERE account_id = (SELECT account_id FROM crm.account ORDER BY random() LIMIT 1)");
      } else if (r < 30) {
        update(
            c,
            "UPDATE crm.account SET status = CASE status WHEN 'ACTIVE' THEN 'INACTIVE' WHEN 'PROSPECT' THEN 'ACTIVE' ELSE 'ACTIVE' END WHERE account_id = (SELECT account_id FROM crm.account ORDER BY random() LIMIT 1)");
      } else if (r < 50) {
        update(
            c,
            "UPDATE crm.contact SET email = lower(coalesce(first_name, 'kunde')) || '.' || (floor(random()*100000))::int || '@example.at' WHERE contact_id = (SELECT contact_id FROM crm.contact ORDER BY random() LIMIT 1)");
      } else if (r < 62) {
        update(
            c,
            "UPDATE crm.contact SET phone = '+43664' || lpad((floor(random()*10000000))::int::text, 7, '0') WHERE contact_id = (SELECT contact_id FROM crm.contact ORDER BY random() LIMIT 1)");
      } else if (r < 74) {
        update(
            c,
            "UPDATE crm.address SET house_number = (1 + floor(random()*150))::int::text WHERE address_id = (SELECT address_id FROM crm.address ORDER BY random() LIMIT 1)");
      } else if (r < 80) {
        update(
            c,
            "INSERT INTO crm.contact (contact_id, account_id, last_name, first_name, email, phone) SELECT 'CON-T' || lpad((floor(random()*1e11))::bigint::text, 11, '0'), account_id, 'Neumann', 'Alex', 'alex.neumann@example.at', '0676 1234567' FROM crm.account ORDER BY random() LIMIT 1 ON CONFLICT DO NOTHING");
      } else if (r < 85) {
        update(
            c,
            "DELETE FROM crm.contact WHERE contact_id = (SELECT contact_id FROM crm.contact WHERE NOT is_primary ORDER BY random() LIMIT 1)");
      } else if (r < 89) {
        update(
            c,
            "INSERT INTO crm.address (address_id, account_id, address_type, street, house_number, postal_code, city) SELECT 'ADR-T' || lpad((floor(random()*1e11))::bigint::text, 11, '0'), account_id, 'SERVICE', 'Favoritenstraße', '88', '1100', 'Wien' FROM crm.account ORDER BY random() LIMIT 1 ON CONFLICT DO NOTHING");
      } else if (r < 92) {
        update(
            c,
            "DELETE FROM crm.address WHERE address_id = (SELECT address_id FROM crm.address WHERE address_type = 'SERVICE' ORDER BY random() LIMIT 1)");
      } else if (r < 95) {
        // a contact moves to another account: the change log names both
        update(
            c,
            "UPDATE crm.contact SET account_id = (SELECT account_id FROM crm.account ORDER BY random() LIMIT 1), is_primary = false WHERE contact_id = (SELECT contact_id FROM crm.contact WHERE NOT is_primary ORDER BY random() LIMIT 1)");
      } else if (r < 99) {
        newAccount(c);
      } else {
        // the CRM's GDPR erasure job: flag, then delete
        c.setAutoCommit(false);
        String id = null;
        try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT account_id FROM crm.account WHERE status = 'INACTIVE' ORDER BY random() LIMIT 1");
            ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            id = rs.getString(1);
          }
        }
        if (id != null) {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE crm.account SET gdpr_erasure_requested = true WHERE account_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM crm.account WHERE account_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
          }
        }
        c.commit();
      }
    } catch (SQLException e) {
      LOG.debug("trickle change failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("trickle change failed", e);
    }
  }

  private void newAccount(Connection c) throws SQLException {
    String id =
        String.format("ACC-T%011d", System.currentTimeMillis() % 100_000_000_000L + (created++));
    c.setAutoCommit(false);
    try (PreparedStatement a =
            c.prepareStatement(
                "INSERT INTO crm.account (account_id, account_type, name, status, segment) VALUES (?, 'B2C', ?, 'ACTIVE', 'CONSUMER')");
        PreparedStatement ct =
            c.prepareStatement(
                "INSERT INTO crm.contact (contact_id, account_id, is_primary, first_name, last_name, email, phone) VALUES (?, ?, true, ?, ?, ?, ?)");
        PreparedStatement ad =
            c.prepareStatement(
                "INSERT INTO crm.address (address_id, account_id, address_type, street, house_number, postal_code, city) VALUES (?, ?, 'BILLING', 'Hauptstraße', ?, '1010', 'Wien')")) {
      String first = SampleData.FIRST_NAMES[random.nextInt(SampleData.FIRST_NAMES.length)];
      String last = SampleData.LAST_NAMES[random.nextInt(SampleData.LAST_NAMES.length)];
      a.setString(1, id);
      a.setString(2, first + " " + last);
      a.executeUpdate();
      ct.setString(1, id.replace("ACC", "CON"));
      ct.setString(2, id);
      ct.setString(3, first);
      ct.setString(4, last);
      ct.setString(5, "neu." + random.nextInt(100000) + "@example.at");
      ct.setString(6, "0664 " + String.format("%07d", random.nextInt(10_000_000)));
      ct.executeUpdate();
      ad.setString(1, id.replace("ACC", "ADR"));
      ad.setString(2, id);
      ad.setString(3, Integer.toString(1 + random.nextInt(99)));
      ad.executeUpdate();
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
  }

  private static void update(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.executeUpdate();
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
