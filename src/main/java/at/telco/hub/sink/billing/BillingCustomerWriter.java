package at.telco.hub.sink.billing;

import at.telco.hub.canonical.Json;
import at.telco.hub.failure.TargetRejectedException;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.sink.AppliedChanges;
import at.telco.hub.sink.ApplyOutcome;
import at.telco.hub.sink.HubVersionedWriter;
import at.telco.hub.sink.TargetChange;
import at.telco.hub.sink.TargetStates;
import at.telco.hub.sink.customerdb.CustomerDbWriter;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Applies canonical customer changes to {@code billing.customer}, with billing's conventions (the
 * mapping {@code transformers/canonical-customer-to-billing.jslt}) and its status rule: the hub
 * sets ACTIVE when the CRM account becomes (or is created) ACTIVE and CLOSED when it becomes
 * INACTIVE; on every other update billing's status (e.g. SUSPENDED) is left alone.
 *
 * <p>Billing has no place for versions, so the hub keeps them in hub.target_state (a {@link
 * HubVersionedWriter}). A write that would change nothing is not made, so re-applying the same
 * state after a crash writes nothing. Billing's generated {@code cust_no} is recorded in the
 * identity registry and written back to customerdb.
 */
public final class BillingCustomerWriter extends HubVersionedWriter {

  public static final String TARGET = "billing";
  private static final String FLOW = "customer";

  /**
   * The columns of billing.customer the hub writes, as the billing mapping names them; the
   * reconciliation compares the same.
   */
  public static final List<String> COLUMNS =
      List.of(
          "cust_type",
          "name_line1",
          "name_line2",
          "street_line",
          "zip",
          "city",
          "country_iso3",
          "vat_id",
          "email_invoice",
          "language_code");

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

  private final IdentityRegistry registry;
  private final CustomerDbWriter customerdb;

  public BillingCustomerWriter(
      DataSource billing,
      TargetStates states,
      IdentityRegistry registry,
      CustomerDbWriter customerdb,
      HubMetrics metrics,
      Clock clock,
      AppliedChanges listener) {
    super(TARGET, FLOW, billing, states, metrics, clock, listener);
    this.registry = registry;
    this.customerdb = customerdb;
  }

  @Override
  protected String key(TargetChange change) {
    return change.event().subject();
  }

  /** A change the mapping says billing cannot take yet ({@code action: SKIP}) is not eligible. */
  @Override
  protected ApplyOutcome verdict(TargetChange change, TargetStates.State state) {
    if ("SKIP".equals(Json.text(change.row(), "action"))) {
      return ApplyOutcome.NOT_ELIGIBLE;
    }
    return super.verdict(change, state);
  }

  /**
   * Locks the customers (the erasure takes the same locks) and takes out the erased ones (flow 5),
   * asked while they are locked (see IdentityRegistry.erased); a resync's delete of an erased
   * customer repairs its record if it was changed behind the hub's back.
   */
  @Override
  protected void prepare(Connection c, Batch batch) throws SQLException {
    Map<String, TargetChange> proceed = batch.byKey();
    lock(c, proceed.keySet());
    Set<UUID> erased =
        registry.erased(
            proceed.values().stream()
                .map(ch -> ch.event().customerId())
                .filter(java.util.Objects::nonNull)
                .map(UUID::fromString)
                .toList());
    if (erased.isEmpty()) {
      return;
    }
    proceed
        .entrySet()
        .removeIf(
            e -> {
              String id = e.getValue().event().customerId();
              if (id != null && erased.contains(UUID.fromString(id))) {
                e.getValue().outcome(ApplyOutcome.NOT_ELIGIBLE);
                return true;
              }
              return false;
            });
    for (TargetChange change : batch.received()) {
      if (change.outcome() == ApplyOutcome.NOT_ELIGIBLE
          && change.event().isDelete()
          && change.event().isResync()
          && BillingErasure.reapply(c, change.event().subject())) {
        // a repair of an erased customer's record changed behind the hub's back
        change.outcome(ApplyOutcome.APPLIED);
      }
    }
  }

  private record Current(long custNo, String status) {}

  /**
   * Writes the batch with billing's status rule; billing's cust_no of each customer is recorded in
   * the identity registry and written back to customerdb after the commit.
   */
  @Override
  protected void write(Connection c, Batch batch) throws SQLException {
    Map<String, TargetChange> proceed = batch.byKey();
    Map<UUID, Long> custNos = new HashMap<>();
    Map<String, Current> current = current(c, proceed.keySet());
    Inserts inserts = new Inserts();
    try (Updates updates = new Updates(c)) {
      for (Map.Entry<String, TargetChange> e : proceed.entrySet()) {
        TargetChange change = e.getValue();
        Current row = current.get(e.getKey());
        Long custNo = apply(c, change, row, batch.known(e.getKey()), updates, inserts);
        if (custNo != null) {
          custNos.put(UUID.fromString(change.event().customerId()), custNo);
        }
      }
      updates.execute();
    }
    inserts
        .execute(c)
        .forEach(
            (key, custNo) ->
                custNos.put(UUID.fromString(proceed.get(key).event().customerId()), custNo));
    batch.afterCommit(
        () -> {
          registry.recordBillingCustNos(custNos);
          customerdb.writeBillingCustNos(custNos);
        });
  }

  /** The CRM status the billing status rule compares the next change with. */
  @Override
  protected String appliedStatus(TargetChange change) {
    return Json.text(change.row(), "crm_status");
  }

  @Override
  protected RuntimeException translate(SQLException e) {
    return SqlFailures.translate(TARGET, e);
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
      String[][] columns = new String[COLUMNS.size() + 1][changes.size()];
      for (int i = 0; i < changes.size(); i++) {
        TargetChange change = changes.get(i);
        columns[0][i] = change.event().subject();
        for (int j = 0; j < COLUMNS.size(); j++) {
          columns[j + 1][i] = Json.text(change.row(), COLUMNS.get(j));
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
