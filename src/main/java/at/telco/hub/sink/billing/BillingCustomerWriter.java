package at.telco.hub.sink.billing;

import at.telco.hub.canonical.Json;
import at.telco.hub.failure.TargetRejectedException;
import at.telco.hub.failure.TargetUnavailableException;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.sink.AppliedChanges;
import at.telco.hub.sink.ApplyOutcome;
import at.telco.hub.sink.TargetChange;
import at.telco.hub.sink.TargetStates;
import at.telco.hub.sink.Versions;
import at.telco.hub.sink.customerdb.CustomerDbWriter;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies canonical customer changes to {@code billing.customer}, with billing's conventions (the
 * mapping {@code transformers/canonical-customer-to-billing.jslt}) and its status rule: the hub
 * sets ACTIVE when the CRM account becomes (or is created) ACTIVE and CLOSED when it becomes
 * INACTIVE; on every other update billing's status (e.g. SUSPENDED) is left alone.
 *
 * <p>Billing has no place for versions, so the hub keeps them in hub.target_state. A write that
 * would change nothing is not made, so re-applying the same state after a crash writes nothing.
 * Billing's generated {@code cust_no} is recorded in the identity registry and written back to
 * customerdb.
 */
public final class BillingCustomerWriter {

  public static final String TARGET = "billing";
  private static final String FLOW = "customer";
  private static final Logger LOG = LoggerFactory.getLogger(BillingCustomerWriter.class);

  private static final String[] COLUMNS = {
    "cust_type",
    "name_line1",
    "name_line2",
    "street_line",
    "zip",
    "city",
    "country_iso3",
    "vat_id",
    "email_invoice",
    "language_code"
  };

  private static final String LOCK =
      "SELECT pg_advisory_xact_lock(hashtextextended('hub:billing.customer:' || k, 0))"
          + " FROM unnest(?::text[]) AS k ORDER BY k";
  private static final String CURRENT =
      "SELECT crm_account_id, cust_no, status FROM billing.customer"
          + " WHERE crm_account_id = ANY(?::varchar[]) FOR UPDATE";
  // every new customer of a batch in one statement, one array per column (the values are cast to
  // the columns' types on insert: a value too long fails the statement as a single row did)
  private static final String INSERT =
      "INSERT INTO billing.customer (crm_account_id, cust_type, name_line1, name_line2,"
          + " street_line, zip, city, country_iso3, vat_id, email_invoice, language_code, status,"
          + " updated_at) SELECT r.*, 'ACTIVE', localtimestamp FROM unnest(?::text[], ?::text[],"
          + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
          + " ?::text[], ?::text[]) AS r RETURNING crm_account_id, cust_no";
  private static final String UPDATE =
      """
      UPDATE billing.customer SET cust_type = ?, name_line1 = ?, name_line2 = ?, street_line = ?,
        zip = ?, city = ?, country_iso3 = ?, vat_id = ?, email_invoice = ?, language_code = ?,
        status = COALESCE(?::varchar, status), updated_at = localtimestamp
      WHERE crm_account_id = ?
        AND (cust_type, name_line1, name_line2, street_line, zip, city, country_iso3, vat_id,
             email_invoice, language_code, status)
          IS DISTINCT FROM (?::char(1), ?::varchar, ?::varchar, ?::varchar, ?::varchar, ?::varchar,
             ?::char(3), ?::varchar, ?::varchar, ?::varchar, COALESCE(?, status))
      """;
  private static final String SET_STATUS =
      "UPDATE billing.customer SET status = ?, updated_at = localtimestamp"
          + " WHERE crm_account_id = ? AND status <> ?";

  private final DataSource billing;
  private final TargetStates states;
  private final IdentityRegistry registry;
  private final CustomerDbWriter customerdb;
  private final HubMetrics metrics;
  private final Clock clock;
  private final AppliedChanges listener;

  public BillingCustomerWriter(
      DataSource billing,
      TargetStates states,
      IdentityRegistry registry,
      CustomerDbWriter customerdb,
      HubMetrics metrics,
      Clock clock,
      AppliedChanges listener) {
    this.billing = billing;
    this.states = states;
    this.registry = registry;
    this.customerdb = customerdb;
    this.metrics = metrics;
    this.clock = clock;
    this.listener = listener;
  }

  /** See {@link CustomerDbWriter#applyBatch}. */
  public List<TargetChange> applyBatch(List<TargetChange> changes) {
    return TargetChange.applyBatch("billing", changes, this::write);
  }

  /** Applies one change; throws why it cannot be applied. */
  public void applyOne(TargetChange change) {
    if (change.hasFailed()) {
      throw change.failure();
    }
    List<TargetChange> failed;
    try {
      failed = write(List.of(change));
    } catch (TargetUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      forgetPending(change);
      throw e;
    }
    if (!failed.isEmpty()) {
      forgetPending(change);
      throw failed.get(0).failure();
    }
  }

  private void forgetPending(TargetChange change) {
    try {
      states.clearPending(TARGET, change.event().subject(), change.event().entityVersion());
    } catch (RuntimeException e) {
      // the pending mark only fences off older versions; leaving it is safe
      LOG.debug("could not clear pending billing version: {}", e.getMessage());
    }
  }

  private record Current(long custNo, String status) {}

  private List<TargetChange> write(List<TargetChange> changes) {
    Map<String, TargetChange> newest = Versions.newestPerKey(changes, c -> c.event().subject());
    Map<String, TargetStates.State> known = states.read(TARGET, newest.keySet());
    Map<String, TargetChange> proceed = new LinkedHashMap<>();
    for (Map.Entry<String, TargetChange> e : newest.entrySet()) {
      TargetChange change = e.getValue();
      if ("SKIP".equals(Json.text(change.row(), "action"))) {
        change.outcome(ApplyOutcome.NOT_ELIGIBLE);
        continue;
      }
      ApplyOutcome verdict = TargetStates.verdict(change, known.get(e.getKey()));
      if (verdict == null) {
        proceed.put(e.getKey(), change);
      } else {
        change.outcome(verdict);
      }
    }
    List<TargetStates.Applied> applied = new ArrayList<>();
    Map<UUID, Long> custNos = new HashMap<>();
    if (!proceed.isEmpty()) {
      Map<String, String> pending = new LinkedHashMap<>();
      proceed.forEach((k, c) -> pending.put(k, c.event().entityVersion()));
      try (Connection c = billing.getConnection()) {
        c.setAutoCommit(false);
        try {
          lock(c, proceed.keySet());
          // erased customers (flow 5), asked while they are locked: see IdentityRegistry.erased
          java.util.Set<UUID> erased =
              registry.erased(
                  proceed.values().stream()
                      .map(ch -> ch.event().customerId())
                      .filter(java.util.Objects::nonNull)
                      .map(UUID::fromString)
                      .toList());
          if (!erased.isEmpty()) {
            proceed
                .entrySet()
                .removeIf(
                    e -> {
                      String id = e.getValue().event().customerId();
                      if (id != null && erased.contains(UUID.fromString(id))) {
                        e.getValue().outcome(ApplyOutcome.NOT_ELIGIBLE);
                        pending.remove(e.getKey());
                        return true;
                      }
                      return false;
                    });
            for (TargetChange change : changes) {
              if (change.outcome() == ApplyOutcome.NOT_ELIGIBLE
                  && change.event().isDelete()
                  && change.event().isResync()
                  && BillingErasure.reapply(c, change.event().subject())) {
                // a repair of an erased customer's record changed behind the hub's back
                change.outcome(ApplyOutcome.APPLIED);
              }
            }
          }
          states.markPending(TARGET, pending);
          Map<String, Current> current = current(c, proceed.keySet());
          Inserts inserts = new Inserts();
          try (Updates updates = new Updates(c)) {
            for (Map.Entry<String, TargetChange> e : proceed.entrySet()) {
              TargetChange change = e.getValue();
              Current row = current.get(e.getKey());
              Long custNo = apply(c, change, row, known.get(e.getKey()), updates, inserts);
              if (custNo != null) {
                custNos.put(UUID.fromString(change.event().customerId()), custNo);
              }
              applied.add(
                  new TargetStates.Applied(
                      e.getKey(),
                      change.event().entityVersion(),
                      Json.text(change.row(), "crm_status")));
            }
            updates.execute();
          }
          inserts
              .execute(c)
              .forEach(
                  (key, custNo) ->
                      custNos.put(UUID.fromString(proceed.get(key).event().customerId()), custNo));
          c.commit();
        } catch (SQLException | RuntimeException e) {
          SqlFailures.rollback(c, e);
          throw e;
        }
      } catch (SQLException e) {
        throw SqlFailures.translate(TARGET, e);
      }
      states.markApplied(TARGET, applied);
    }
    Instant committed = clock.instant();
    registry.recordBillingCustNos(custNos);
    customerdb.writeBillingCustNos(custNos);
    for (TargetChange change : changes) {
      if (change.outcome() == ApplyOutcome.APPLIED) {
        metrics.endToEnd(FLOW, TARGET, change.event().sourceChangedAt(), committed);
      }
      if (change.outcome() != null) {
        metrics.applied(TARGET, change.outcome());
        LOG.debug(
            "billing {} {} version {}",
            change.outcome(),
            change.event().customerId(),
            change.event().entityVersion());
      }
    }
    listener.applied(TARGET, changes);
    return Versions.failed(changes);
  }

  /**
   * The batch's updates of existing customers: one JDBC batch (one round trip) instead of one
   * statement each; each change's outcome from its own update count.
   */
  private static final class Updates implements AutoCloseable {
    private final PreparedStatement ps;
    private final List<TargetChange> changes = new ArrayList<>();
    private final List<TargetStates.State> states = new ArrayList<>();

    Updates(Connection c) throws SQLException {
      this.ps = c.prepareStatement(UPDATE);
    }

    void add(TargetChange change, TargetStates.State state, String newStatus) throws SQLException {
      JsonNode mapped = change.row();
      int i = 1;
      for (String column : COLUMNS) {
        ps.setString(i++, Json.text(mapped, column));
      }
      ps.setString(i++, newStatus);
      ps.setString(i++, change.event().subject());
      for (String column : COLUMNS) {
        ps.setString(i++, Json.text(mapped, column));
      }
      ps.setString(i, newStatus);
      ps.addBatch();
      changes.add(change);
      states.add(state);
    }

    void execute() throws SQLException {
      if (changes.isEmpty()) {
        return;
      }
      int[] counts = ps.executeBatch();
      for (int i = 0; i < changes.size(); i++) {
        // the same version again after a crash between billing's commit and the hub's record:
        // billing already has it, and nothing was written
        changes
            .get(i)
            .outcome(
                counts[i] == 0 && TargetStates.isRetry(changes.get(i), states.get(i))
                    ? ApplyOutcome.DUPLICATE
                    : ApplyOutcome.APPLIED);
      }
    }

    @Override
    public void close() throws SQLException {
      ps.close();
    }
  }

  /**
   * The batch's new customers: one INSERT of all of them (one round trip; it was one statement
   * each), billing's generated cust_no of each returned by CRM account.
   */
  private static final class Inserts {
    private final List<TargetChange> changes = new ArrayList<>();

    void add(TargetChange change) {
      changes.add(change);
    }

    Map<String, Long> execute(Connection c) throws SQLException {
      if (changes.isEmpty()) {
        return Map.of();
      }
      String[][] columns = new String[COLUMNS.length + 1][changes.size()];
      for (int i = 0; i < changes.size(); i++) {
        TargetChange change = changes.get(i);
        columns[0][i] = change.event().subject();
        for (int j = 0; j < COLUMNS.length; j++) {
          columns[j + 1][i] = Json.text(change.row(), COLUMNS[j]);
        }
      }
      Map<String, Long> custNos = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        for (int j = 0; j < columns.length; j++) {
          ps.setArray(j + 1, c.createArrayOf("text", columns[j]));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            custNos.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
      for (TargetChange change : changes) {
        change.outcome(ApplyOutcome.APPLIED);
      }
      return custNos;
    }
  }

  /**
   * Writes one change (an update of an existing customer is added to {@code updates}, a new
   * customer to {@code inserts}); returns billing's cust_no of the customer when billing has it.
   */
  private static Long apply(
      Connection c,
      TargetChange change,
      Current row,
      TargetStates.State state,
      Updates updates,
      Inserts inserts)
      throws SQLException {
    JsonNode mapped = change.row();
    String crmStatus = Json.text(mapped, "crm_status");
    boolean statusChanged =
        state == null || state.appliedStatus() == null || !state.appliedStatus().equals(crmStatus);
    String billingStatus = "INACTIVE".equals(crmStatus) ? "CLOSED" : "ACTIVE";
    String key = change.event().subject();
    if (row == null) {
      if (!"UPSERT".equals(Json.text(mapped, "action")) || !"ACTIVE".equals(crmStatus)) {
        // an ended customer billing never had is not created
        change.outcome(ApplyOutcome.NOT_ELIGIBLE);
        return null;
      }
      inserts.add(change);
      return null;
    }
    String newStatus = statusChanged || change.event().isResync() ? billingStatus : null;
    if ("ACTIVE".equals(newStatus)
        && "SUSPENDED".equals(row.status())
        && (state == null || state.appliedStatus() == null || change.event().isResync())) {
      // whether the CRM account just became ACTIVE is not known (no record, or a resync):
      // billing's own SUSPENDED stays
      newStatus = null;
    }
    if ("CLOSE".equals(Json.text(mapped, "action"))) {
      if (newStatus != null) {
        try (PreparedStatement ps = c.prepareStatement(SET_STATUS)) {
          ps.setString(1, newStatus);
          ps.setString(2, key);
          ps.setString(3, newStatus);
          ps.executeUpdate();
        }
      }
      change.outcome(ApplyOutcome.APPLIED);
      return row.custNo();
    }
    if (!"UPSERT".equals(Json.text(mapped, "action"))) {
      throw new TargetRejectedException("billing mapping gave no action for " + key);
    }
    updates.add(change, state, newStatus);
    return row.custNo();
  }

  private static void lock(Connection c, Iterable<String> keys) throws SQLException {
    List<String> list = new ArrayList<>();
    keys.forEach(list::add);
    try (PreparedStatement ps = c.prepareStatement(LOCK)) {
      ps.setArray(1, c.createArrayOf("text", list.toArray()));
      ps.executeQuery().close();
    }
  }

  private static Map<String, Current> current(Connection c, Iterable<String> keys)
      throws SQLException {
    List<String> list = new ArrayList<>();
    keys.forEach(list::add);
    Map<String, Current> current = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(CURRENT)) {
      ps.setArray(1, c.createArrayOf("varchar", list.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          current.put(rs.getString(1), new Current(rs.getLong(2), rs.getString(3)));
        }
      }
    }
    return current;
  }
}
