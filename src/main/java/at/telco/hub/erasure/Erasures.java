package at.telco.hub.erasure;

import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.Json;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import at.telco.hub.jdbc.Transactions.Decision;
import at.telco.hub.sink.billing.BillingErasure;
import at.telco.hub.sink.customerdb.CustomerErasure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right to erasure (flow 5 of FLOWS.md). A CRM account that is gone when the hub reads it was
 * deleted by the CRM's erasure job, so it is an erasure request: {@link #registerDeleted} records
 * it (hub.erasure_request) and marks the customer erased in the identity registry, so no target
 * takes a change of that customer any more. {@link #process} then reaches every system, each step
 * once and idempotent (a step whose system is away is retried at the next run):
 *
 * <ul>
 *   <li>customerdb: the customer row keeps its ids, status ERASED and timestamps; contact media are
 *       deleted; services are detached;
 *   <li>the hub's own stores: the customer's messages on the dead-letter and parking queues
 *       (Artemis), its dead letters in hub.dead_letter, its data-quality records;
 *   <li>Kafka: a tombstone for the customer's key on the compacted canonical customer topic, so
 *       compaction removes every earlier event of the customer; on the compacted canonical service
 *       topic each of the customer's services published again detached ({@link
 *       ServiceTopicErasure}), so compaction removes the records linking the customer to them;
 *   <li>billing: the customer anonymised (invoices are billing's and stay), unless one of its
 *       billing accounts has an open balance: then the billing part is a recorded legal hold, and
 *       is completed once the balance is settled.
 * </ul>
 *
 * <p>Each step's system and time are recorded on the request; the audit trail gets an entry when a
 * legal hold starts and the evidence when the erasure is complete. Neither holds personal data.
 */
public final class Erasures {

  private static final Logger LOG = LoggerFactory.getLogger(Erasures.class);

  static final String CUSTOMERDB = "customerdb";
  static final String BILLING = "billing";
  static final String HUB = "hub";
  static final String QUEUES = "artemis";
  static final String KAFKA = "kafka";
  static final String KAFKA_OPEN = "kafkaOpen";

  private final DataSource hub;
  private final DataSource customerdb;
  private final DataSource billing;
  private final ErasureQueues queues;
  private final Consumer<String> tombstone;
  private final Function<UUID, ServiceTopicErasure.Outcome> services;
  private final Supplier<String> kafkaNotHonoured;
  private final Clock clock;
  private final int batchSize;

  public Erasures(
      DataSource hub,
      DataSource customerdb,
      DataSource billing,
      ErasureQueues queues,
      Consumer<String> tombstone,
      Function<UUID, ServiceTopicErasure.Outcome> services,
      Supplier<String> kafkaNotHonoured,
      Clock clock,
      int batchSize) {
    this.hub = hub;
    this.customerdb = customerdb;
    this.billing = billing;
    this.queues = queues;
    this.tombstone = tombstone;
    this.services = services;
    this.kafkaNotHonoured = kafkaNotHonoured;
    this.clock = clock;
    this.batchSize = batchSize;
  }

  // ---- requests
  // ----------------------------------------------------------------------------------

  /**
   * A step of the CRM source route, after the claim: every account read as deleted is an erasure
   * request. Returns the snapshots unchanged (a deleted account is still published, as its identity
   * only, so every target hears of it).
   */
  public List<JsonNode> registerDeleted(List<JsonNode> snapshots) {
    Map<String, UUID> deleted = new TreeMap<>();
    for (JsonNode doc : snapshots) {
      if (!doc.hasNonNull("account") && doc.hasNonNull("customerId")) {
        deleted.put(Json.text(doc, "accountId"), UUID.fromString(Json.text(doc, "customerId")));
      }
    }
    if (!deleted.isEmpty()) {
      request(deleted, "crm-account-deleted");
    }
    return snapshots;
  }

  /** Records erasure requests (a customer's second request is the same one). */
  public void request(Map<String, UUID> customersByCrmAccount, String trigger) {
    int added =
        Transactions.call(
            hub,
            "hub database",
            c -> {
              try (PreparedStatement insert =
                      c.prepareStatement(
                          "INSERT INTO hub.erasure_request (id, customer_id, crm_account_id,"
                              + " trigger) VALUES (?, ?, ?, ?) ON CONFLICT (customer_id) DO NOTHING");
                  PreparedStatement mark =
                      c.prepareStatement(
                          "UPDATE hub.customer_identity SET erased_at = now(), updated_at = now()"
                              + " WHERE customer_id = ? AND erased_at IS NULL")) {
                for (Map.Entry<String, UUID> e : customersByCrmAccount.entrySet()) {
                  insert.setObject(1, UUID.randomUUID());
                  insert.setObject(2, e.getValue());
                  insert.setString(3, e.getKey());
                  insert.setString(4, trigger);
                  insert.addBatch();
                  mark.setObject(1, e.getValue());
                  mark.addBatch();
                }
                int n = 0;
                for (int count : insert.executeBatch()) {
                  n += Math.max(count, 0);
                }
                mark.executeBatch();
                return n;
              }
            });
    if (added > 0) {
      LOG.info("erasure requested for {} customer(s) ({})", added, trigger);
    }
  }

  // ---- processing
  // --------------------------------------------------------------------------------

  /**
   * Works off the open requests (pending, or held for billing); returns how many were completed.
   */
  public int process() {
    List<UUID> open = new ArrayList<>();
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id FROM hub.erasure_request WHERE status <> 'DONE'"
                    + " ORDER BY requested_at LIMIT ?")) {
      ps.setInt(1, batchSize);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          open.add(rs.getObject(1, UUID.class));
        }
      }
    } catch (SQLException e) {
      LOG.warn("erasure requests not read now: {}", SqlFailures.translate("hub database", e));
      return 0;
    }
    int done = 0;
    for (UUID id : open) {
      try {
        if (processOne(id)) {
          done++;
        }
      } catch (RuntimeException e) {
        LOG.warn("erasure {} postponed: {}", id, e.getMessage());
        failed(id, e);
      }
    }
    return done;
  }

  private record Request(
      UUID id,
      UUID customerId,
      String crmAccountId,
      String status,
      Instant requestedAt,
      ObjectNode steps) {}

  /** Takes one request as far as it can go now; true when it is complete. */
  boolean processOne(UUID id) {
    boolean complete =
        Transactions.decide(
            hub,
            "hub database",
            c -> {
              Request r = lock(c, id);
              if (r == null || "DONE".equals(r.status())) {
                return Decision.rollback(false);
              }
              ObjectNode steps = r.steps();
              if (!steps.has(CUSTOMERDB)) {
                steps.set(CUSTOMERDB, eraseCustomerDb(r.customerId()));
              }
              List<String> billingAccounts = billingAccounts(c, r.customerId());
              if (!steps.has(QUEUES)) {
                int removed = queues.remove(r.customerId(), r.crmAccountId(), billingAccounts);
                steps.set(QUEUES, step("removed", removed));
              }
              if (!steps.has(HUB)) {
                steps.set(HUB, purgeHub(c, r.customerId(), r.crmAccountId(), billingAccounts));
              }
              String kafkaOpen = null;
              if (!steps.has(KAFKA)) {
                // a tombstone erases only on a compacted topic: checked each time, whoever
                // created or changed the topic; until then the Kafka part stays open
                kafkaOpen = kafkaNotHonoured.get();
                if (kafkaOpen == null) {
                  tombstone.accept(r.crmAccountId());
                  // the service topic: the person's services again, detached (ADR 0019)
                  ServiceTopicErasure.Outcome detached = services.apply(r.customerId());
                  ObjectNode kafka = step("tombstone", 1);
                  kafka.put("servicesDetached", detached.services());
                  kafka.put("legacyServiceKeysRemoved", detached.legacyKeys());
                  steps.set(KAFKA, kafka);
                  steps.remove(KAFKA_OPEN);
                } else {
                  if (!steps.has(KAFKA_OPEN)) {
                    LOG.warn("erasure {}: Kafka part stays open: {}", r.id(), kafkaOpen);
                    steps.set(KAFKA_OPEN, step("open", 0));
                  }
                  ((ObjectNode) steps.get(KAFKA_OPEN)).put("reason", kafkaOpen);
                }
              }
              String status = "PENDING";
              if (!steps.has(BILLING)) {
                ObjectNode outcome = anonymiseBilling(r.crmAccountId());
                if (outcome.has("hold")) {
                  status = "HELD";
                  if (!"HELD".equals(r.status())) {
                    steps.set("billingHold", outcome);
                    hold(c, r, outcome);
                  }
                } else {
                  steps.set(BILLING, outcome);
                }
              }
              boolean done = steps.has(BILLING) && steps.has(KAFKA);
              if (done) {
                status = "DONE";
                AuditTrail.record(
                    c,
                    new AuditTrail.Entry(
                        "hub",
                        "erasure",
                        null,
                        "erasure",
                        null,
                        null,
                        "completed",
                        evidence(r, steps),
                        r.id()));
              }
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE hub.erasure_request SET steps = ?::jsonb, status = ?, attempts ="
                          + " attempts + 1, last_error = ?, completed_at = CASE WHEN ? THEN"
                          + " clock_timestamp() END WHERE id = ?")) {
                ps.setString(1, Json.write(steps));
                ps.setString(2, status);
                ps.setString(3, kafkaOpen == null ? null : "kafka part open: " + kafkaOpen);
                ps.setBoolean(4, done);
                ps.setObject(5, id);
                ps.executeUpdate();
              }
              return Decision.commit(done);
            });
    if (complete) {
      LOG.info("erasure {} complete: every system reached", id);
    }
    return complete;
  }

  private static Request lock(Connection c, UUID id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT customer_id, crm_account_id, status, requested_at, steps::text"
                + " FROM hub.erasure_request WHERE id = ? FOR UPDATE SKIP LOCKED")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new Request(
            id,
            rs.getObject(1, UUID.class),
            rs.getString(2),
            rs.getString(3),
            rs.getTimestamp(4).toInstant(),
            (ObjectNode) Json.parse(rs.getString(5)));
      }
    }
  }

  private void hold(Connection c, Request r, ObjectNode outcome) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE hub.erasure_request SET hold_reason = ?, held_since = clock_timestamp() WHERE id = ?")) {
      ps.setString(1, Json.text(outcome, "hold"));
      ps.setObject(2, r.id());
      ps.executeUpdate();
    }
    AuditTrail.record(
        c,
        new AuditTrail.Entry(
            "hub",
            "erasure-legal-hold",
            null,
            "billing",
            null,
            null,
            "held",
            "erasure "
                + r.id()
                + " of customer "
                + r.customerId()
                + ": billing part held (GDPR Art. 17(3)(b),(e)): "
                + Json.text(outcome, "hold")
                + "; every other system reached",
            r.id()));
    LOG.info("erasure {}: billing part held ({})", r.id(), Json.text(outcome, "hold"));
  }

  private void failed(UUID id, RuntimeException e) {
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.erasure_request SET attempts = attempts + 1, last_error = ?"
                    + " WHERE id = ?")) {
      ps.setString(1, e.getClass().getSimpleName() + ": " + e.getMessage());
      ps.setObject(2, id);
      ps.executeUpdate();
    } catch (SQLException ignored) {
      // the hub database is away: the next run tries again
    }
  }

  private ObjectNode step(String outcome, int count) {
    ObjectNode n = Json.object();
    n.put("at", clock.instant().toString());
    n.put("outcome", outcome);
    n.put("count", count);
    return n;
  }

  /** The evidence: each system reached and when; ids, counts and outcomes only. */
  static String evidence(Request r, ObjectNode steps) {
    StringBuilder s =
        new StringBuilder("erasure ")
            .append(r.id())
            .append(" of customer ")
            .append(r.customerId())
            .append(" requested ")
            .append(r.requestedAt())
            .append(":");
    for (String system : new String[] {CUSTOMERDB, QUEUES, HUB, KAFKA, BILLING}) {
      JsonNode step = steps.path(system);
      s.append(' ')
          .append(system)
          .append(' ')
          .append(Json.text(step, "outcome"))
          .append(" (")
          .append(step.path("count").asInt())
          .append(") at ")
          .append(Json.text(step, "at"))
          .append(';');
    }
    if (steps.has("billingHold")) {
      s.append(" billing was held from ").append(Json.text(steps.path("billingHold"), "at"));
    }
    return s.toString();
  }

  // ---- the systems
  // -------------------------------------------------------------------------------

  /** customerdb: personal columns nulled, status ERASED, contact media gone, services detached. */
  ObjectNode eraseCustomerDb(UUID customerId) {
    int[] n =
        Transactions.call(
            customerdb,
            "customerdb",
            c -> {
              // the customerdb writer's lock of this customer
              CustomerErasure.lock(c, customerId);
              return CustomerErasure.eraseRow(c, customerId);
            });
    int customers = n[0];
    int media = n[1];
    int services = n[2];
    ObjectNode step = step(customers == 0 ? "no record" : "erased", customers);
    step.put("contactMedia", media);
    step.put("servicesDetached", services);
    return step;
  }

  /**
   * billing: the customer anonymised, unless a billing account has an open balance (then {@code
   * hold} names why). Billing accounts and invoices are billing's; their IBAN is billing's to
   * clear.
   */
  ObjectNode anonymiseBilling(String crmAccountId) {
    return Transactions.decide(
        billing,
        "billing",
        c -> {
          // the billing writer's lock of this customer
          BillingErasure.lock(c, crmAccountId);
          Long custNo = null;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT cust_no FROM billing.customer WHERE crm_account_id = ? FOR UPDATE")) {
            ps.setString(1, crmAccountId);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                custNo = rs.getLong(1);
              }
            }
          }
          if (custNo == null) {
            return Decision.rollback(step("no record", 0));
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM billing.billing_account WHERE cust_no = ? AND"
                      + " balance_cents > 0")) {
            ps.setLong(1, custNo);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              int open = rs.getInt(1);
              if (open > 0) {
                ObjectNode hold = step("held", open);
                hold.put("hold", "open balance on " + open + " billing account(s)");
                return Decision.rollback(hold);
              }
            }
          }
          int n = BillingErasure.anonymise(c, custNo);
          return Decision.commit(step("anonymised", n));
        });
  }

  private static List<String> billingAccounts(Connection c, UUID customerId) throws SQLException {
    List<String> baNos = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT ba_no FROM hub.billing_account_identity WHERE customer_id = ? ORDER BY ba_no")) {
      ps.setObject(1, customerId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          baNos.add(rs.getString(1));
        }
      }
    }
    return baNos;
  }

  /** The hub database's copies: dead letters (with their history) and data-quality records. */
  private ObjectNode purgeHub(
      Connection c, UUID customerId, String crmAccountId, List<String> billingAccounts)
      throws SQLException {
    Purged p = purgeHubStores(c, customerId, crmAccountId, billingAccounts);
    ObjectNode step = step("purged", p.deadLetters());
    step.put("deadLetters", p.deadLetters());
    step.put("dataQualityIssues", p.dataQualityIssues());
    step.put("provisioningCommands", p.provisioningCommands());
    step.put("replayJobs", p.replayJobs());
    return step;
  }

  /** What {@link #purgeHubStores} removed. */
  public record Purged(
      int deadLetters, int dataQualityIssues, int provisioningCommands, int replayJobs) {}

  /**
   * Removes a customer from the hub database's own stores, in {@code c}'s transaction: its dead
   * letters (bodies, headers, history), its data-quality records, the MSISDN of the provisioning
   * commands of its billing accounts, and the filters of bulk replays that named one of its keys.
   * Also used after a restore ({@code backup.Recovery}), which brings these back.
   */
  public static Purged purgeHubStores(
      Connection c, UUID customerId, String crmAccountId, List<String> billingAccounts)
      throws SQLException {
    List<String> msisdns = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT DISTINCT msisdn FROM hub.provisioning_command WHERE ba_no = ANY(?::varchar[])"
                + " AND msisdn <> ''")) {
      ps.setArray(1, c.createArrayOf("varchar", billingAccounts.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          msisdns.add(rs.getString(1));
        }
      }
    }
    int deadLetters;
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM hub.dead_letter WHERE customer_id = ? OR crm_account_id = ?"
                + " OR billing_account = ANY(?::varchar[])")) {
      ps.setObject(1, customerId);
      ps.setString(2, crmAccountId);
      ps.setArray(3, c.createArrayOf("varchar", billingAccounts.toArray()));
      deadLetters = ps.executeUpdate();
    }
    int issues;
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM hub.data_quality_issue WHERE source = 'crm' AND entity_key = ?")) {
      ps.setString(1, crmAccountId);
      issues = ps.executeUpdate();
    }
    // the provisioning commands of its billing accounts stay (barring history of the account),
    // without the phone number
    int commands;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE hub.provisioning_command SET msisdn = '' WHERE ba_no = ANY(?::varchar[])"
                + " AND msisdn <> ''")) {
      ps.setArray(1, c.createArrayOf("varchar", billingAccounts.toArray()));
      commands = ps.executeUpdate();
    }
    // a bulk replay by one of its business keys keeps its counts, not the key
    List<String> keys = new ArrayList<>();
    keys.add(crmAccountId);
    keys.add(customerId.toString());
    keys.addAll(billingAccounts);
    keys.addAll(msisdns);
    int jobs;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE hub.replay_job SET filter = jsonb_set(filter, '{businessKey}',"
                + " '\"(erased)\"'::jsonb) WHERE filter->>'businessKey' = ANY(?::text[])")) {
      ps.setArray(1, c.createArrayOf("text", keys.toArray()));
      jobs = ps.executeUpdate();
    }
    return new Purged(deadLetters, issues, commands, jobs);
  }

  // ---- the report
  // --------------------------------------------------------------------------------

  /** The requests, newest first (optionally of one status): what the DPO reads. */
  public ArrayNode list(String status, int limit) {
    String sql =
        SELECT
            + (status == null ? "" : " WHERE status = ?")
            + " ORDER BY requested_at DESC, id LIMIT ?";
    ArrayNode items = Json.MAPPER.createArrayNode();
    try (Connection c = hub.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (status != null) {
        ps.setString(i++, status);
      }
      ps.setInt(i, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          items.add(report(rs));
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    return items;
  }

  /** One request by its id, customer id or CRM account id; null when there is none. */
  public ObjectNode show(String key) {
    UUID uuid = null;
    try {
      uuid = UUID.fromString(key);
    } catch (IllegalArgumentException e) {
      // a CRM account id
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                SELECT
                    + (uuid == null
                        ? " WHERE crm_account_id = ?"
                        : " WHERE id = ? OR customer_id = ?")
                    + " ORDER BY requested_at DESC LIMIT 1")) {
      if (uuid == null) {
        ps.setString(1, key);
      } else {
        ps.setObject(1, uuid);
        ps.setObject(2, uuid);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? report(rs) : null;
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  private static final String SELECT =
      "SELECT id, customer_id, crm_account_id, trigger, requested_at, status, hold_reason,"
          + " held_since, completed_at, attempts, last_error, steps::text FROM hub.erasure_request";

  private static ObjectNode report(ResultSet rs) throws SQLException {
    ObjectNode n = Json.object();
    n.put("id", rs.getString(1));
    n.put("customerId", rs.getString(2));
    n.put("crmAccountId", rs.getString(3));
    n.put("trigger", rs.getString(4));
    n.put("requestedAt", instant(rs.getTimestamp(5)));
    n.put("status", rs.getString(6));
    if (rs.getString(7) != null) {
      ObjectNode hold = n.putObject("legalHold");
      hold.put("reason", rs.getString(7));
      hold.put("since", instant(rs.getTimestamp(8)));
      hold.put("basis", "GDPR Art. 17(3)(b) and (e): legal obligation, legal claims");
      hold.put("active", !"DONE".equals(rs.getString(6)));
    }
    n.put("completedAt", instant(rs.getTimestamp(9)));
    n.put("attempts", rs.getInt(10));
    n.put("lastError", rs.getString(11));
    JsonNode steps = Json.parse(rs.getString(12));
    ArrayNode systems = n.putArray("systems");
    for (String system : new String[] {CUSTOMERDB, QUEUES, HUB, KAFKA, BILLING}) {
      ObjectNode s = systems.addObject();
      s.put("system", system);
      s.put("what", WHAT.get(system));
      JsonNode step = steps.path(system);
      if (step.isMissingNode()) {
        s.put("reached", false);
        if (system.equals(KAFKA) && steps.has(KAFKA_OPEN)) {
          s.put("open", Json.text(steps.path(KAFKA_OPEN), "reason"));
          s.put("openSince", Json.text(steps.path(KAFKA_OPEN), "at"));
        }
        continue;
      }
      s.put("reached", true);
      step.properties().forEach(f -> s.set(f.getKey(), f.getValue()));
    }
    ArrayNode notReached = n.putArray("notTouched");
    notReached.add("network: services end through normal ordering, not through the hub");
    notReached.add("crm: the CRM's own erasure job deleted the account; its notes are the CRM's");
    notReached.add("billing accounts, invoices and payments: billing's (IBAN: billing's to clear)");
    return n;
  }

  private static final Map<String, String> WHAT =
      Map.of(
          CUSTOMERDB,
              "customer ERASED (personal columns nulled), contact media deleted, services"
                  + " detached",
          QUEUES, "the customer's messages removed from the dead-letter and parking queues",
          HUB,
              "the customer's dead letters (bodies, headers, history) and data-quality records"
                  + " deleted from the hub database, the service numbers of its provisioning"
                  + " commands and the bulk-replay filters naming its keys cleared",
          KAFKA,
              "tombstone on the compacted canonical customer topic, the customer's services"
                  + " published detached on the compacted canonical service topic: compaction"
                  + " removes every earlier event of the customer and every service record linking"
                  + " the customer (recorded only while both topics are compacted with a bounded"
                  + " compaction lag)",
          BILLING,
              "customer anonymised (name, address, e-bill email, VAT id), status CLOSED;"
                  + " invoices kept");

  private static String instant(Timestamp t) {
    return t == null ? null : t.toInstant().toString();
  }
}
