package at.telco.hub.testing;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A known set of CRM changes for many accounts (each round changes every account's contact email),
 * and the comparison of every target with the source afterwards.
 */
public final class ChangeLoad {

  private final TestServers servers;
  private final Crm crm;
  private final String prefix;
  private final int accounts;
  private volatile int rounds;

  public ChangeLoad(TestServers servers, String prefix, int accounts) {
    this.servers = servers;
    this.crm = new Crm(servers);
    this.prefix = prefix;
    this.accounts = accounts;
  }

  public String account(int i) {
    return String.format("%s-%04d", prefix, i);
  }

  public String keyPattern() {
    return prefix + "-%";
  }

  public void createAccounts() {
    for (int i = 0; i < accounts; i++) {
      crm.person(account(i), "Kundin", "Nummer" + i, "ACTIVE");
    }
  }

  static String email(int account, int round) {
    return "k" + account + ".r" + round + "@example.at";
  }

  /** One round: every account's contact gets a new email, one CRM transaction per change. */
  public void round() {
    rounds++;
    try (Connection c = servers.owner("crm").getConnection();
        PreparedStatement ps =
            c.prepareStatement("UPDATE crm.contact SET email = ? WHERE contact_id = ?")) {
      for (int i = 0; i < accounts; i++) {
        ps.setString(1, email(i, rounds));
        ps.setString(2, account(i) + "-C1");
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public int changes() {
    return accounts * rounds;
  }

  /** The rounds begun (a round's changes are made after its number is counted). */
  public int roundsBegun() {
    return rounds;
  }

  /**
   * Seconds from {@code since} (System.nanoTime) until a change the CRM made after it is applied in
   * customerdb and billing: a round newer than {@code afterRound} (the round begun at that moment).
   * A read failing while a database is away is tried again until {@code atMost}.
   */
  public double secondsUntilApplied(
      TestServers servers, long since, int afterRound, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> appliedRound(servers) > afterRound);
    return (System.nanoTime() - since) / 1e9;
  }

  public long unprocessed() {
    return (long)
        Crm.row(
                servers.owner("crm"),
                "SELECT count(*) AS n FROM crm.change_log WHERE account_id LIKE ? AND processed_at IS NULL",
                keyPattern())
            .get("n");
  }

  public long processedChanges() {
    return (long)
        Crm.row(
                servers.owner("crm"),
                "SELECT count(*) AS n FROM crm.change_log WHERE account_id LIKE ? AND processed_at IS NOT NULL",
                keyPattern())
            .get("n");
  }

  /** Accounts whose final state is missing from customerdb or from billing. */
  public List<String> lost() {
    DataSource customerdb = servers.owner("customerdb");
    DataSource billing = servers.owner("billing");
    List<String> lost = new ArrayList<>();
    Map<Object, Object> emails = new java.util.HashMap<>();
    for (Map<String, Object> r :
        Crm.rows(
            customerdb,
            "SELECT c.crm_account_id, m.email FROM customerdb.customer c JOIN customerdb.contact_medium m"
                + " USING (customer_id) WHERE c.crm_account_id LIKE ? AND m.medium_type = 'EMAIL'",
            keyPattern())) {
      emails.put(r.get("crm_account_id"), r.get("email"));
    }
    Map<Object, Object> invoices = new java.util.HashMap<>();
    for (Map<String, Object> r :
        Crm.rows(
            billing,
            "SELECT crm_account_id, email_invoice FROM billing.customer WHERE crm_account_id LIKE ?",
            keyPattern())) {
      invoices.put(r.get("crm_account_id"), r.get("email_invoice"));
    }
    for (int i = 0; i < accounts; i++) {
      String expected = rounds == 0 ? "kundin@example.at" : email(i, rounds);
      if (!expected.equals(emails.get(account(i))) || !expected.equals(invoices.get(account(i)))) {
        lost.add(account(i));
      }
    }
    return lost;
  }

  public long duplicates() {
    return Probes.customerDbDuplicates(servers, keyPattern())
        + Probes.billingDuplicates(servers, keyPattern());
  }

  /** States written (customerdb rows written with new versions, billing rows written). */
  public long applied() {
    return Probes.count(
            servers,
            "customerdb",
            "SELECT count(*) FROM public.hub_probe WHERE NOT writeback AND key LIKE '"
                + keyPattern()
                + "'")
        + Probes.count(
            servers,
            "billing",
            "SELECT count(*) FROM public.hub_probe WHERE key LIKE '" + keyPattern() + "'");
  }

  public long deadLettered() {
    return (long)
        Crm.row(
                servers.owner("hub"),
                "SELECT count(*) AS n FROM hub.dead_letter WHERE crm_account_id LIKE ?",
                keyPattern())
            .get("n");
  }

  public String figures(String scenario) {
    return String.format(
        "%s: sent=%d applied=%d duplicates=%d lost=%d dead-lettered=%d",
        scenario, changes(), applied(), duplicates(), lost().size(), deadLettered());
  }

  /**
   * The newest round of e-mail changes ({@code .r<round>@}) that customerdb and billing both hold
   * for at least one of this load's accounts.
   */
  public int appliedRound(TestServers servers) {
    long customerdb =
        ((Number)
                Crm.row(
                        servers.owner("customerdb"),
                        "SELECT coalesce(max(substring(m.email from '\\.r([0-9]+)@')::int), 0) AS r"
                            + " FROM customerdb.customer c JOIN customerdb.contact_medium m"
                            + " USING (customer_id) WHERE c.crm_account_id LIKE ?"
                            + " AND m.medium_type = 'EMAIL'",
                        keyPattern())
                    .get("r"))
            .longValue();
    long billing =
        ((Number)
                Crm.row(
                        servers.owner("billing"),
                        "SELECT coalesce(max(substring(email_invoice from '\\.r([0-9]+)@')::int), 0)"
                            + " AS r FROM billing.customer WHERE crm_account_id LIKE ?",
                        keyPattern())
                    .get("r"))
            .longValue();
    return (int) Math.min(customerdb, billing);
  }
}
