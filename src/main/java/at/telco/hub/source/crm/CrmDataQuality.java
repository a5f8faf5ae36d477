package at.telco.hub.source.crm;

import at.telco.hub.canonical.Json;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.mapping.CrmSelection;
import at.telco.hub.mapping.PhoneNumbers;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.observe.LogContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports CRM values the hub cannot use as they are (hub.data_quality_issue, a metric and a log
 * line naming the account and the rule, never the value). The customer still flows without them.
 */
public final class CrmDataQuality {

  private static final Logger LOG = LoggerFactory.getLogger(CrmDataQuality.class);
  private static final String SOURCE = "crm";
  private static final String PHONE = "primaryContact.phone";

  private final DataSource hub;
  private final HubMetrics metrics;

  private final KeyHash keyHash;

  public CrmDataQuality(DataSource hub, HubMetrics metrics, KeyHash keyHash) {
    this.hub = hub;
    this.metrics = metrics;
    this.keyHash = keyHash;
    metrics.declareDataQualityRule(SOURCE, PHONE);
  }

  /** Records the issues of a batch of account snapshots and resolves those that are gone. */
  public void inspect(List<JsonNode> snapshots) {
    List<String[]> issues = new ArrayList<>();
    List<String> clean = new ArrayList<>();
    for (JsonNode snapshot : snapshots) {
      String account = Json.text(snapshot, "accountId");
      String phone =
          CrmSelection.primaryContact(snapshot.path("contacts"))
              .map(c -> Json.text(c, "phone"))
              .orElse(null);
      PhoneNumbers.Result result = PhoneNumbers.normalise(phone);
      if (result.problem() != null) {
        issues.add(
            new String[] {
              account, "phone number cannot be normalised to E.164: " + result.problem()
            });
      } else {
        clean.add(account);
      }
    }
    if (issues.isEmpty() && clean.isEmpty()) {
      return;
    }
    try (Connection c = hub.getConnection()) {
      c.setAutoCommit(true);
      if (!issues.isEmpty()) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO hub.data_quality_issue AS i (source, entity_key, field, reason)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (source, entity_key, field) DO UPDATE SET"
                    + " reason = EXCLUDED.reason, last_seen_at = now(), resolved_at = NULL,"
                    + " occurrences = i.occurrences + 1"
                    + " RETURNING (xmax = 0) AS first_seen")) {
          for (String[] issue : issues) {
            ps.setString(1, SOURCE);
            ps.setString(2, issue[0]);
            ps.setString(3, PHONE);
            ps.setString(4, issue[1]);
            metrics.dataQualityIssue(SOURCE, PHONE);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
              boolean first = rs.next() && rs.getBoolean(1);
              LogContext log = LogContext.of(null, null, keyHash.hash(issue[0]));
              try {
                if (first) {
                  LOG.warn("CRM account: {}; kept out of customerdb", issue[1]);
                } else {
                  LOG.debug("CRM account: {} (known issue)", issue[1]);
                }
              } finally {
                log.close();
              }
            }
          }
        }
      }
      if (!clean.isEmpty()) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.data_quality_issue SET resolved_at = now()"
                    + " WHERE source = ? AND field = ? AND entity_key = ANY(?::text[])"
                    + " AND resolved_at IS NULL")) {
          ps.setString(1, SOURCE);
          ps.setString(2, PHONE);
          ps.setArray(3, c.createArrayOf("text", clean.toArray()));
          ps.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }
}
