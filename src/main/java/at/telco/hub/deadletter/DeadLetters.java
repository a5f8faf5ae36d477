package at.telco.hub.deadletter;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalTypes;
import at.telco.hub.canonical.InvalidCanonicalEventException;
import at.telco.hub.canonical.Json;
import at.telco.hub.canonical.MalformedMessageException;
import at.telco.hub.canonical.SnapshotVersion;
import at.telco.hub.failure.TargetRejectedException;
import at.telco.hub.failure.TargetUnavailableException;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import at.telco.hub.mapping.MappingException;
import at.telco.hub.mapping.Unmapped;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.observe.LogContext;
import at.telco.hub.sink.TargetChange;
import at.telco.hub.sink.Versions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a failed message for its target's dead-letter queue (the original message, plus headers
 * for reason, exception, route, attempts, first and last failure time, correlation id and business
 * keys) and indexes it in the hub database so support can find it by business key.
 */
public final class DeadLetters {

  public static final String ID = "hubDeadLetterId";
  public static final String TARGET = "hubTarget";
  public static final String REASON = "hubReason";
  public static final String EXCEPTION = "hubExceptionClass";
  public static final String ROUTE = "hubRouteId";
  public static final String ATTEMPTS = "hubAttempts";
  public static final String FIRST_FAILED_AT = "hubFirstFailedAt";
  public static final String LAST_FAILED_AT = "hubLastFailedAt";
  public static final String CORRELATION_ID = "hubCorrelationId";
  public static final String EVENT_ID = "hubEventId";
  public static final String EVENT_TYPE = "hubEventType";
  public static final String ENTITY_VERSION = "hubEntityVersion";
  public static final String CUSTOMER_ID = "hubCustomerId";
  public static final String CRM_ACCOUNT = "hubCrmAccountId";
  public static final String BILLING_ACCOUNT = "hubBillingAccount";
  public static final String MSISDN = "hubMsisdn";

  /** The Artemis message that holds the dead letter now (a failed replay makes a new one). */
  public static final String MESSAGE_ID = "hubMessageId";

  /** Exchange property: the dead letter this exchange replays (a new failure keeps its id). */
  public static final String REPLAY_OF = "hubReplayOf";

  /** Exchange property: who replays it (recorded in the failure history, not on the message). */
  public static final String REPLAYED_BY = "hubReplayedBy";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final DataSource hub;
  private final HubMetrics metrics;
  private final Clock clock;
  private final KeyHash keyHash;

  public DeadLetters(DataSource hub, HubMetrics metrics, Clock clock, KeyHash keyHash) {
    this.hub = hub;
    this.metrics = metrics;
    this.clock = clock;
    this.keyHash = keyHash;
  }

  /** Sets the dead letter's body (the message as received) and headers. */
  public void prepare(Exchange exchange) {
    Message m = exchange.getMessage();
    Object body = m.getBody();
    Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    if (body instanceof Unmapped unmapped) {
      // set aside by a source batch's transformer: the record and why it could not be mapped
      body = unmapped.record();
      cause = unmapped.failure();
    }
    String target = exchange.getProperty(TARGET, String.class);
    String payload;
    CanonicalEvent event = null;
    // business keys: from the canonical event, else what the route knew (exchange properties)
    String crmAccount = exchange.getProperty(CRM_ACCOUNT, String.class);
    String customerId = exchange.getProperty(CUSTOMER_ID, String.class);
    String billingAccount = exchange.getProperty(BILLING_ACCOUNT, String.class);
    String msisdn = exchange.getProperty(MSISDN, String.class);
    if (body instanceof TargetChange change) {
      target = change.target();
      payload = change.rawBody();
      event = change.readable() ? change.event() : null;
    } else if (body instanceof JsonNode node) {
      // a source record that could not become a canonical event (e.g. a CRM account snapshot)
      payload = Json.write(node);
      crmAccount = first(crmAccount, Json.text(node, "accountId"));
      customerId = first(customerId, Json.text(node, "customerId"));
    } else {
      payload = m.getBody(String.class);
    }
    if (event != null) {
      customerId = first(event.customerId(), customerId);
      switch (event.source()) {
        case CanonicalTypes.SOURCE_CRM -> crmAccount = event.subject();
        case CanonicalTypes.SOURCE_BILLING -> billingAccount = event.subject();
        case CanonicalTypes.SOURCE_NETWORK -> msisdn = event.subject();
        default -> {}
      }
    }
    Instant now = clock.instant();
    Integer attempts = exchange.getProperty(FailureCounter.ATTEMPTS, Integer.class);
    // a replayed dead letter keeps the time of its very first failure
    String first = m.getHeader(FIRST_FAILED_AT, String.class);
    if (first == null) {
      first = exchange.getProperty(FailureCounter.FIRST_FAILED_AT, String.class);
    }
    String replayOf = exchange.getProperty(REPLAY_OF, String.class);
    m.removeHeaders("*");
    m.setBody(payload);
    m.setHeader(ID, replayOf != null ? replayOf : UUID.randomUUID().toString());
    m.setHeader(MESSAGE_ID, UUID.randomUUID().toString());
    m.setHeader(TARGET, target == null ? "unknown" : target);
    m.setHeader(REASON, reason(cause));
    m.setHeader(EXCEPTION, cause == null ? null : cause.getClass().getName());
    m.setHeader(ROUTE, exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class));
    m.setHeader(ATTEMPTS, attempts == null || attempts == 0 ? 1 : attempts);
    m.setHeader(FIRST_FAILED_AT, first != null ? first : now.toString());
    m.setHeader(LAST_FAILED_AT, now.toString());
    if (event != null) {
      m.setHeader(CORRELATION_ID, event.correlationId());
      m.setHeader(EVENT_ID, event.id());
      m.setHeader(EVENT_TYPE, event.type());
      m.setHeader(ENTITY_VERSION, event.entityVersion());
    }
    m.setHeader(CUSTOMER_ID, customerId);
    m.setHeader(CRM_ACCOUNT, crmAccount);
    m.setHeader(BILLING_ACCOUNT, billingAccount);
    m.setHeader(MSISDN, msisdn);
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  /**
   * The reason support reads: the hub's own exceptions say what is wrong without personal values
   * (their message is the reason); for anything else every message of the cause chain, database
   * messages reduced to what {@link SqlFailures#describe} keeps.
   */
  static String reason(Throwable cause) {
    if (cause == null) {
      return "unknown failure";
    }
    if (cause instanceof TargetRejectedException
        || cause instanceof TargetUnavailableException
        || cause instanceof MappingException
        || cause instanceof MalformedMessageException
        || cause instanceof InvalidCanonicalEventException) {
      return cause.getMessage();
    }
    StringBuilder sb = new StringBuilder();
    for (Throwable t = cause; t != null && sb.length() < 2000; t = t.getCause()) {
      String msg = t instanceof SQLException sql ? SqlFailures.describe(sql) : t.getMessage();
      if (msg == null || sb.indexOf(msg) >= 0) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append("; caused by: ");
      }
      sb.append(msg);
    }
    return sb.length() == 0 ? cause.getClass().getSimpleName() : sb.toString();
  }

  /**
   * Records the dead letter in the hub database (after it is safely on its queue), with its body
   * and headers so support can search, read and replay it without browsing the queue. A replay that
   * failed again updates its dead letter (same id, new reason, one more entry in its failure
   * history) and, in the same transaction, asks for the message it was replayed from to be removed
   * from the queue: the new message is durable before the old one goes.
   */
  public void index(Exchange exchange) {
    Message m = exchange.getMessage();
    String payload = m.getBody(String.class);
    String id = m.getHeader(ID, String.class);
    String messageId = m.getHeader(MESSAGE_ID, String.class);
    String target = m.getHeader(TARGET, String.class);
    String recordKey =
        recordKey(
            m.getHeader(EVENT_TYPE, String.class),
            m.getHeader(CRM_ACCOUNT, String.class),
            m.getHeader(BILLING_ACCOUNT, String.class),
            m.getHeader(MSISDN, String.class));
    int[] replaced = {0};
    Transactions.run(
        hub,
        "hub database",
        c -> {
          replaced[0] = 0;
          if (recordKey != null) {
            lockRecord(c, target, recordKey);
          }
          String previous = null;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT message_id FROM hub.dead_letter WHERE id = ?::uuid FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                previous = rs.getString(1);
              }
            }
          }
          int changed;
          try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            int i = 1;
            ps.setString(i++, id);
            ps.setString(i++, target);
            ps.setString(i++, m.getHeader(REASON, String.class));
            ps.setString(i++, m.getHeader(EXCEPTION, String.class));
            ps.setString(i++, m.getHeader(ROUTE, String.class));
            ps.setInt(i++, m.getHeader(ATTEMPTS, 1, Integer.class));
            ps.setTimestamp(
                i++, Timestamp.from(Instant.parse(m.getHeader(FIRST_FAILED_AT, String.class))));
            ps.setTimestamp(
                i++, Timestamp.from(Instant.parse(m.getHeader(LAST_FAILED_AT, String.class))));
            ps.setString(i++, m.getHeader(CORRELATION_ID, String.class));
            ps.setString(i++, m.getHeader(EVENT_ID, String.class));
            ps.setString(i++, m.getHeader(EVENT_TYPE, String.class));
            ps.setString(i++, m.getHeader(ENTITY_VERSION, String.class));
            ps.setString(i++, m.getHeader(CUSTOMER_ID, String.class));
            ps.setString(i++, m.getHeader(CRM_ACCOUNT, String.class));
            ps.setString(i++, m.getHeader(BILLING_ACCOUNT, String.class));
            ps.setString(i++, m.getHeader(MSISDN, String.class));
            ps.setString(i++, sha256(payload));
            ps.setString(i++, messageId);
            ps.setString(i++, payload);
            ps.setString(i++, payload);
            ps.setString(i++, Json.write(headers(m)));
            ps.setString(i, recordKey);
            changed = ps.executeUpdate();
          }
          if (changed > 0) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO hub.dead_letter_failure (dead_letter_id, failed_at, reason,"
                        + " exception_class, route_id, attempts, message_id, replayed_by)"
                        + " VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?)")) {
              ps.setString(1, id);
              ps.setTimestamp(
                  2, Timestamp.from(Instant.parse(m.getHeader(LAST_FAILED_AT, String.class))));
              ps.setString(3, m.getHeader(REASON, String.class));
              ps.setString(4, m.getHeader(EXCEPTION, String.class));
              ps.setString(5, m.getHeader(ROUTE, String.class));
              ps.setInt(6, m.getHeader(ATTEMPTS, 1, Integer.class));
              ps.setString(7, messageId);
              ps.setString(8, exchange.getProperty(REPLAYED_BY, String.class));
              ps.executeUpdate();
            }
            if (previous != null && !previous.equals(messageId)) {
              DeadLetterQueue.requestPurge(c, previous, target);
            }
            replaced[0] = keepOneOpen(c, UUID.fromString(id));
          }
        });
    metrics.deadLettered(target(m));
    if (replaced[0] > 0) {
      metrics.deadLettersReplaced(target(m), replaced[0]);
    }
    String businessKey = m.getHeader(CRM_ACCOUNT, String.class);
    if (businessKey == null) {
      businessKey = m.getHeader(BILLING_ACCOUNT, String.class);
    }
    if (businessKey == null) {
      businessKey = m.getHeader(MSISDN, String.class);
    }
    LogContext log =
        LogContext.of(
            target(m), m.getHeader(CORRELATION_ID, String.class), keyHash.hash(businessKey));
    try {
      LOG.warn(
          "dead letter {} on {} from route {}{} after {} attempt(s){}: {}",
          m.getHeader(ID),
          target(m),
          m.getHeader(ROUTE),
          m.getHeader(EVENT_ID) == null ? "" : " (event " + m.getHeader(EVENT_ID) + ")",
          m.getHeader(ATTEMPTS),
          exchange.getProperty(REPLAY_OF) != null ? " (a replay failed again)" : "",
          m.getHeader(REASON));
    } finally {
      log.close();
    }
  }

  private static final String UPSERT =
      """
      INSERT INTO hub.dead_letter AS d (id, target, reason, exception_class, route_id, attempts,
        first_failed_at, last_failed_at, correlation_id, event_id, event_type,
        entity_version, customer_id, crm_account_id, billing_account, msisdn, body_sha256,
        message_id, body, original_body, headers, record_key)
      VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
      ON CONFLICT (id) DO UPDATE SET
        status = 'QUEUED', reason = EXCLUDED.reason, exception_class = EXCLUDED.exception_class,
        route_id = EXCLUDED.route_id, attempts = EXCLUDED.attempts,
        last_failed_at = EXCLUDED.last_failed_at, body_sha256 = EXCLUDED.body_sha256,
        message_id = EXCLUDED.message_id, body = EXCLUDED.body, headers = EXCLUDED.headers,
        failures = d.failures + 1, replay_started_at = NULL, replay_by = NULL,
        resolution = NULL, resolved_at = NULL, resolved_by = NULL, replaced_by = NULL,
        replaced_at = NULL
      WHERE d.message_id IS DISTINCT FROM EXCLUDED.message_id
      """;

  /**
   * The record a dead letter is a state of, or null: only snapshot events of one entity (customer,
   * billing account, service) carry the whole state of their record, so only they replace each
   * other; bills (each one its own), source records and commands are never replaced. The same rule
   * as migration V64.
   */
  static String recordKey(
      String eventType, String crmAccount, String billingAccount, String msisdn) {
    if (eventType == null) {
      return null;
    }
    if (eventType.startsWith("at.telco.hub.tmf629.")) {
      return crmAccount == null ? null : "customer:" + crmAccount;
    }
    if (eventType.startsWith("at.telco.hub.tmf666.")) {
      return billingAccount == null ? null : "billing-account:" + billingAccount;
    }
    if (eventType.startsWith("at.telco.hub.tmf638.")) {
      return msisdn == null ? null : "service:" + msisdn;
    }
    return null;
  }

  /**
   * Serialises, until the end of the transaction, everyone who decides which dead letter of this
   * record is the open one in this target (two consumers dead-lettering two versions of one record
   * at once, a released replay): the second waits and then sees the first's letter.
   */
  static void lockRecord(Connection c, String target, String recordKey) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
      ps.setString(1, "hub.dead_letter|" + target + "|" + recordKey);
      ps.executeQuery().close();
    }
  }

  /**
   * Keeps one open dead letter per record and target: of this dead letter (if open) and the other
   * open ones of its record in its target, the newest version (the same version: the latest
   * failure) stays open and the others become REPLACED by it, closed but kept in its history
   * (replayable from there), their queue messages removed (their bodies stay in the index). A
   * letter whose version cannot be ordered against another's stays open beside it. Letters being
   * replayed are left alone (their outcome decides again). Call in the transaction that made this
   * letter open; takes the record's lock itself if not held. Returns how many were replaced.
   */
  static int keepOneOpen(Connection c, UUID id) throws SQLException {
    String target;
    String key;
    String version;
    Timestamp failedAt;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT target, record_key, entity_version, last_failed_at FROM hub.dead_letter"
                + " WHERE id = ? AND status IN ('QUEUED', 'SUPERSEDED')")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getString(2) == null) {
          return 0;
        }
        target = rs.getString(1);
        key = rs.getString(2);
        version = rs.getString(3);
        failedAt = rs.getTimestamp(4);
      }
    }
    lockRecord(c, target, key);
    UUID newest = id;
    List<UUID> older = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, entity_version, last_failed_at FROM hub.dead_letter"
                + " WHERE target = ? AND record_key = ? AND id <> ?"
                + " AND status IN ('QUEUED', 'SUPERSEDED') ORDER BY id FOR UPDATE")) {
      ps.setString(1, target);
      ps.setString(2, key);
      ps.setObject(3, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID other = rs.getObject(1, UUID.class);
          String otherVersion = rs.getString(2);
          SnapshotVersion.Order order =
              version == null || otherVersion == null
                  ? SnapshotVersion.Order.INCOMPARABLE
                  : Versions.compare(version, otherVersion);
          if (order == SnapshotVersion.Order.SAME) {
            order =
                failedAt.before(rs.getTimestamp(3))
                    ? SnapshotVersion.Order.OLDER
                    : SnapshotVersion.Order.NEWER;
          }
          if (order == SnapshotVersion.Order.NEWER) {
            older.add(other);
          } else if (order == SnapshotVersion.Order.OLDER && newest.equals(id)) {
            // an older state failed again (e.g. replayed from the history): it goes back there
            newest = other;
          }
        }
      }
    }
    if (!newest.equals(id)) {
      older.clear();
      older.add(id);
    }
    int n = 0;
    for (UUID letter : older) {
      n += replace(c, letter, newest, target);
    }
    return n;
  }

  private static int replace(Connection c, UUID letter, UUID by, String target)
      throws SQLException {
    String message;
    boolean withBody;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE hub.dead_letter SET status = 'REPLACED', replaced_by = ?, replaced_at = now()"
                + " WHERE id = ? AND status IN ('QUEUED', 'SUPERSEDED')"
                + " RETURNING message_id, body IS NOT NULL")) {
      ps.setObject(1, by);
      ps.setObject(2, letter);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return 0;
        }
        message = rs.getString(1);
        withBody = rs.getBoolean(2);
      }
    }
    // what the replaced letter had replaced is in the history of the newest now
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE hub.dead_letter SET replaced_by = ? WHERE replaced_by = ? AND status ="
                + " 'REPLACED'")) {
      ps.setObject(1, by);
      ps.setObject(2, letter);
      ps.executeUpdate();
    }
    if (withBody) {
      // the index keeps its body: replayable from the history without its queue message
      DeadLetterQueue.requestPurge(c, message, target);
    }
    return 1;
  }

  /** The hub's headers of a dead letter, as support reads them. */
  static ObjectNode headers(Message m) {
    ObjectNode h = Json.object();
    for (Map.Entry<String, Object> e : new TreeMap<>(m.getHeaders()).entrySet()) {
      if (e.getKey().startsWith("hub") && e.getValue() != null) {
        h.put(e.getKey(), e.getValue().toString());
      }
    }
    return h;
  }

  private static String target(Message m) {
    return m.getHeader(TARGET, String.class);
  }

  public static String sha256(String payload) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(d.digest((payload == null ? "" : payload).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
