package at.telco.hub.source.billing;

import at.telco.hub.canonical.Json;
import at.telco.hub.deadletter.DeadLetters;
import at.telco.hub.identity.BillingAccountIdentities;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.source.Parking;
import at.telco.hub.source.SourceClaim;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.Exchange;

/**
 * Claims billing's outbound events (billing.event_out) with the same discipline as the CRM's change
 * log, reads each event's XML, and reads the current state of the billing accounts they name
 * (events are notifications; billing.billing_account holds the truth) in one consistent snapshot.
 *
 * <p>Returns one document per canonical event to publish: every event gives the billing account's
 * state ({@code kind: account}); an invoice also gives the bill ({@code kind: bill}); an event that
 * cannot be read gives {@code kind: unreadable} with the reason, for its dead letter.
 */
public final class BillingEventPoller {

  private static final String CLAIM_SQL =
      "SELECT event_seq, event_type, ref_key, payload, ctid::text FROM billing.event_out"
          + " WHERE picked_up_at IS NULL ORDER BY event_seq LIMIT ? FOR UPDATE SKIP LOCKED";

  private static final String MARK_SQL =
      "UPDATE billing.event_out SET picked_up_at = localtimestamp" + " WHERE ctid = ANY(?::tid[])";

  private final DataSource billing;
  private final IdentityRegistry registry;
  private final BillingAccountIdentities accounts;
  private final Parking parking;
  private final HubMetrics metrics;
  private final int batchSize;

  public BillingEventPoller(
      DataSource billing,
      IdentityRegistry registry,
      BillingAccountIdentities accounts,
      Parking parking,
      HubMetrics metrics,
      int batchSize) {
    this.billing = billing;
    this.registry = registry;
    this.accounts = accounts;
    this.parking = parking;
    this.metrics = metrics;
    this.batchSize = batchSize;
  }

  /** Claims the next batch of billing events; see the class comment for what it returns. */
  public List<JsonNode> claim(Exchange exchange) {
    Connection c = null;
    try {
      c = SourceClaim.begin(exchange, billing);
      List<Long> seqs = new ArrayList<>();
      List<String> rows = new ArrayList<>();
      List<ObjectNode> events = new ArrayList<>();
      List<JsonNode> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(CLAIM_SQL)) {
        ps.setInt(1, batchSize);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long seq = rs.getLong(1);
            seqs.add(seq);
            rows.add(rs.getString(5));
            try {
              events.add(BillingXml.parse(seq, rs.getString(2), rs.getString(4)));
            } catch (RuntimeException e) {
              ObjectNode bad = Json.object();
              bad.put("kind", "unreadable");
              bad.put("eventSeq", seq);
              bad.put("eventType", rs.getString(2));
              bad.put("baNo", rs.getString(3));
              bad.put("reason", e.getMessage());
              bad.put("payload", rs.getString(4));
              out.add(bad);
            }
          }
        }
      }
      if (seqs.isEmpty()) {
        SourceClaim.nothingClaimed(c);
        return List.of();
      }
      metrics.claimed("billing.event_out", seqs.size());
      SourceClaim claim =
          SourceClaim.openLocated(exchange, c, MARK_SQL, seqs, rows, seqs.size() >= batchSize);
      c = null;
      out.addAll(read(claim.connection(), events));
      return out;
    } catch (SQLException e) {
      throw SqlFailures.translate("billing", e);
    } finally {
      SourceClaim.abandon(c); // unless the claim owns it
    }
  }

  private List<JsonNode> read(Connection c, List<ObjectNode> events) throws SQLException {
    if (events.isEmpty()) {
      return List.of();
    }
    Set<String> baNos = new LinkedHashSet<>();
    Set<String> invoiceNos = new LinkedHashSet<>();
    for (ObjectNode e : events) {
      baNos.add(Json.text(e, "baNo"));
      if ("INVOICE_ISSUED".equals(Json.text(e, "type"))) {
        invoiceNos.add(Json.text(e, "invoiceNo"));
      }
    }
    Map<String, ObjectNode> states = BillingSnapshots.byIds(c, baNos, invoiceNos);
    // who the accounts belong to: billing's CRM account id -> the enterprise customer id
    Map<String, String> crmAccounts = new LinkedHashMap<>();
    for (Map.Entry<String, ObjectNode> s : states.entrySet()) {
      String crm = Json.text(s.getValue().path("customer"), "crm_account_id");
      if (crm != null) {
        crmAccounts.put(s.getKey(), crm);
      }
    }
    Map<String, UUID> customers = registry.identify(new LinkedHashSet<>(crmAccounts.values()));
    List<BillingAccountIdentities.Account> known = new ArrayList<>();
    for (Map.Entry<String, ObjectNode> s : states.entrySet()) {
      JsonNode customer = s.getValue().path("customer");
      if (customer.isObject()) {
        String crm = crmAccounts.get(s.getKey());
        UUID customerId = crm == null ? null : customers.get(crm);
        if (customerId != null) {
          s.getValue().put("customerId", customerId.toString());
        }
        known.add(
            new BillingAccountIdentities.Account(
                s.getKey(), customer.path("cust_no").asLong(), crm, customerId));
      }
    }
    List<String> added = accounts.record(known);
    if (!added.isEmpty()) {
      // network events that came before their billing account can go now
      parking.release(added);
    }

    List<JsonNode> out = new ArrayList<>();
    for (ObjectNode e : events) {
      ObjectNode state = states.get(Json.text(e, "baNo"));
      if (state == null || !state.path("account").isObject()) {
        ObjectNode bad = Json.object();
        bad.put("kind", "unreadable");
        bad.put("eventSeq", e.path("eventSeq").asLong());
        bad.put("eventType", Json.text(e, "type"));
        bad.put("baNo", Json.text(e, "baNo"));
        bad.put(
            "reason",
            "billing event "
                + e.path("eventSeq").asLong()
                + ": billing account "
                + Json.text(e, "baNo")
                + " is not in billing.billing_account");
        bad.put("payload", Json.write(e));
        out.add(bad);
        continue;
      }
      out.add(document("account", e, state));
      if ("INVOICE_ISSUED".equals(Json.text(e, "type"))) {
        out.add(document("bill", e, state));
      }
    }
    return out;
  }

  private static ObjectNode document(String kind, ObjectNode event, ObjectNode state) {
    ObjectNode doc = state.deepCopy();
    doc.put("kind", kind);
    doc.set("event", event);
    if ("bill".equals(kind)) {
      doc.set("invoice", state.path("invoices").path(Json.text(event, "invoiceNo")));
    }
    doc.remove("invoices");
    return doc;
  }

  /** Exchange property: the claimed events that could not be read, for their dead letters. */
  public static final String UNREADABLE = "hubUnreadable";

  /**
   * Sets the claimed events that could not be read aside (exchange property {@link #UNREADABLE}):
   * the body keeps the others, mapped as one batch.
   */
  public void setAsideUnreadable(Exchange exchange) {
    List<?> items = exchange.getMessage().getBody(List.class);
    List<JsonNode> readable = new ArrayList<>(items.size());
    List<JsonNode> unreadable = new ArrayList<>();
    for (Object o : items) {
      JsonNode item = (JsonNode) o;
      ("unreadable".equals(Json.text(item, "kind")) ? unreadable : readable).add(item);
    }
    exchange.getMessage().setBody(readable);
    exchange.setProperty(UNREADABLE, unreadable);
  }

  /**
   * An event that cannot be read: the payload as billing wrote it, and why, for its dead letter.
   */
  public void toDeadLetter(Exchange exchange) {
    JsonNode item = exchange.getMessage().getBody(JsonNode.class);
    exchange.setProperty(
        Exchange.EXCEPTION_CAUGHT,
        new at.telco.hub.canonical.MalformedMessageException(Json.text(item, "reason")));
    exchange.setProperty(DeadLetters.TARGET, "canonical-billing");
    exchange.setProperty(DeadLetters.BILLING_ACCOUNT, Json.text(item, "baNo"));
    exchange.getMessage().setBody(Json.text(item, "payload"));
  }

  /** Marks the claimed events picked up and commits: the canonical events are on Kafka. */
  public void complete(Exchange exchange) {
    try {
      SourceClaim.complete(exchange);
    } catch (SQLException e) {
      throw SqlFailures.translate("billing", e);
    }
  }
}
