package at.telco.hub.source.crm;

import at.telco.hub.canonical.Json;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.source.SourceClaim;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims CRM change rows and reads the current state of the accounts they name.
 *
 * <p>One transaction per batch: {@code SELECT ... FOR UPDATE SKIP LOCKED} claims up to {@code
 * batchSize} unprocessed rows (several hub instances share the work; a row whose lower id became
 * visible late is simply claimed later), one statement reads every named account with its contacts
 * and addresses (one consistent snapshot, whose {@code pg_current_snapshot()} becomes the version
 * of the state: see {@link SnapshotVersion}), and after the canonical events are published {@link
 * #complete} sets {@code processed_at} (on the claimed rows where the claim found them, by {@code
 * ctid}: they are locked until the commit) and commits. A crash before that commit releases the
 * rows and they are published again; the targets' version check absorbs the repeat.
 */
public final class CrmChangePoller {

  private static final Logger LOG = LoggerFactory.getLogger(CrmChangePoller.class);

  private static final String CLAIM_SQL =
      "SELECT change_id, entity, entity_id, account_id, operation, changed_at, ctid::text"
          + " FROM crm.change_log WHERE processed_at IS NULL"
          + " ORDER BY change_id LIMIT ? FOR UPDATE SKIP LOCKED";

  private static final String MARK_SQL =
      "UPDATE crm.change_log SET processed_at = now() WHERE ctid = ANY(?::tid[])";

  private final DataSource crm;
  private final IdentityRegistry registry;
  private final HubMetrics metrics;
  private final int batchSize;

  public CrmChangePoller(
      DataSource crm, IdentityRegistry registry, HubMetrics metrics, int batchSize) {
    this.crm = crm;
    this.registry = registry;
    this.metrics = metrics;
    this.batchSize = batchSize;
  }

  /**
   * Claims the next batch and returns one snapshot document per account (input of {@code
   * transformers/crm-to-canonical-customer.jslt}); empty when there is nothing to do. The claim
   * stays open on the exchange until {@link #complete}, and is rolled back if the exchange fails.
   */
  public List<JsonNode> claim(Exchange exchange) {
    Connection c = null;
    try {
      c = SourceClaim.begin(exchange, crm);
      List<Long> changeIds = new ArrayList<>();
      List<String> rows = new ArrayList<>();
      Map<String, List<ObjectNode>> changesByAccount = new TreeMap<>();
      Map<String, Instant> latestChange = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement(CLAIM_SQL)) {
        ps.setInt(1, batchSize);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long id = rs.getLong(1);
            changeIds.add(id);
            rows.add(rs.getString(7));
            String account = rs.getString(4);
            Timestamp changedAt = rs.getTimestamp(6);
            ObjectNode change = Json.object();
            change.put("changeId", id);
            change.put("entity", rs.getString(2));
            change.put("entityId", rs.getString(3));
            change.put("operation", rs.getString(5));
            changesByAccount.computeIfAbsent(account, k -> new ArrayList<>()).add(change);
            latestChange.merge(account, changedAt.toInstant(), (a, b) -> a.isAfter(b) ? a : b);
          }
        }
      }
      if (changeIds.isEmpty()) {
        SourceClaim.nothingClaimed(c);
        return List.of();
      }
      metrics.claimed("crm.change_log", changeIds.size());
      SourceClaim claim =
          SourceClaim.openLocated(
              exchange, c, MARK_SQL, changeIds, rows, changeIds.size() >= batchSize);
      c = null; // owned by the claim now

      Map<String, UUID> customerIds = registry.identify(changesByAccount.keySet());
      return read(claim.connection(), changesByAccount, latestChange, customerIds);
    } catch (SQLException e) {
      throw SqlFailures.translate("crm", e);
    } finally {
      SourceClaim.abandon(c); // unless the claim owns it
    }
  }

  private static List<JsonNode> read(
      Connection c,
      Map<String, List<ObjectNode>> changesByAccount,
      Map<String, Instant> latestChange,
      Map<String, UUID> customerIds)
      throws SQLException {
    List<JsonNode> snapshots = new ArrayList<>();
    for (ObjectNode doc : CrmSnapshots.byIds(c, changesByAccount.keySet())) {
      String accountId = Json.text(doc, "accountId");
      doc.put("customerId", customerIds.get(accountId).toString());
      ArrayNode changes = doc.putArray("changes");
      changesByAccount.get(accountId).forEach(changes::add);
      doc.put("changedAt", latestChange.get(accountId).toString());
      snapshots.add(doc);
    }
    return snapshots;
  }

  /**
   * The current state of one CRM account, read now in one snapshot, as {@link #claim} reads it
   * (support's resync from the master: no change row is claimed or marked).
   */
  public JsonNode snapshot(String accountId) {
    Map<String, UUID> customerIds = registry.identify(List.of(accountId));
    Map<String, List<ObjectNode>> changes = new TreeMap<>();
    changes.put(accountId, List.of());
    try (Connection c = crm.getConnection()) {
      return read(c, changes, Map.of(accountId, Instant.now()), customerIds).get(0);
    } catch (SQLException e) {
      throw SqlFailures.translate("crm", e);
    }
  }

  /** Marks the claimed rows processed and commits: the events are on Kafka. */
  public void complete(Exchange exchange) {
    try {
      SourceClaim.complete(exchange);
    } catch (SQLException e) {
      throw SqlFailures.translate("crm", e);
    }
  }
}
