package at.telco.hub.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.Crm;
import at.telco.hub.testing.DeadLetterFactory;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.Scrape;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

/**
 * An open dead letter is a change nobody has decided about: at its retention it is not discarded by
 * the clock, but counted in {@code hub_dead_letters_retention_due} (the alert
 * TelcoHubDeadLettersAtRetention); only {@code hub.dead-letter.retention.discard-open} discards it.
 * A closed one loses its body at the retention as before.
 */
class DeadLetterRetentionIT {

  static Map<String, Object> row(DataSource hub, String account) {
    return Crm.row(
        hub,
        "SELECT status, body IS NOT NULL AS has_body FROM hub.dead_letter"
            + " WHERE crm_account_id = ? AND target = 'billing'",
        account);
  }

  static void backdate(DataSource superuser, String account, int days) throws Exception {
    try (Connection c = superuser.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.dead_letter SET last_failed_at = last_failed_at - make_interval(days"
                    + " => ?), created_at = created_at - make_interval(days => ?)"
                    + " WHERE crm_account_id = ?")) {
      ps.setInt(1, days);
      ps.setInt(2, days);
      ps.setString(3, account);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  @Test
  void anOpenDeadLetterAtItsRetentionIsAlertedAndKeptUnlessDiscardingIsExplicit() throws Exception {
    HubInstance hub = SharedHub.get();
    DataSource superuser = TestServers.get().owner("hub");
    DataSource asHub = hub.bean("hubDataSource", DataSource.class);
    ProducerTemplate producer = hub.context().createProducerTemplate();
    String open = "ACC-T22-RO001";
    String due = "ACC-T22-RD001";
    String closed = "ACC-T22-RC001";
    for (String account : new String[] {open, due, closed}) {
      DeadLetterFactory.deadLetter(producer, DeadLetterFactory.eventFor(account), "test refusal");
    }
    backdate(superuser, open, 40);
    backdate(superuser, due, 25);
    backdate(superuser, closed, 40);
    try (Connection c = superuser.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.dead_letter SET status = 'DISCARDED', resolution = 'test',"
                    + " resolved_at = now(), resolved_by = 'it' WHERE crm_account_id = ?")) {
      ps.setString(1, closed);
      ps.executeUpdate();
    }

    // the default: only the closed one loses its body; the open one past its retention stays
    DeadLetterRetention kept =
        new DeadLetterRetention(asHub, Duration.ofDays(30), 500, Clock.systemUTC(), false);
    kept.purge();
    assertThat(row(superuser, closed)).containsEntry("has_body", false);
    assertThat(row(superuser, open))
        .containsEntry("status", "QUEUED")
        .containsEntry("has_body", true);
    // both the one past and the one within a week of its retention are counted (alert)
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        Scrape.of(hub.managementPort())
                            .value("hub_dead_letters_retention_due", "target", "billing"))
                    .isGreaterThanOrEqualTo(2));

    // discarding open ones only when configured so
    DeadLetterRetention discarding =
        new DeadLetterRetention(asHub, Duration.ofDays(30), 500, Clock.systemUTC(), true);
    discarding.purge();
    assertThat(row(superuser, open))
        .containsEntry("status", "DISCARDED")
        .containsEntry("has_body", false);
    assertThat(row(superuser, due)).containsEntry("status", "QUEUED");
  }
}
