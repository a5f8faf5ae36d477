package at.telco.hub.sink.customerdb;

import at.telco.hub.canonical.Json;
import at.telco.hub.canonical.MalformedMessageException;
import at.telco.hub.canonical.SnapshotVersion;
import at.telco.hub.failure.TargetUnavailableException;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.sink.AppliedChanges;
import at.telco.hub.sink.ApplyOutcome;
import at.telco.hub.sink.Outcomes;
import at.telco.hub.sink.TargetChange;
import at.telco.hub.sink.Versions;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Applies canonical customer changes to customerdb ({@code customer} and {@code contact_medium}): a
 * state-based, idempotent upsert per customer, in one transaction per batch, with the version check
 * against {@code source_versions} in the same transaction (never older over newer, never the same
 * version twice).
 */
public final class CustomerDbWriter {

  public static final String TARGET = "customerdb";
  private static final String FLOW = "customer";

  private static final String LOCK =
      "SELECT pg_advisory_xact_lock(k) FROM unnest(?::bigint[]) AS k ORDER BY k";
  private static final String CURRENT =
      "SELECT customer_id, status, source_versions::text FROM customerdb.customer"
          + " WHERE customer_id = ANY(?::uuid[]) ORDER BY customer_id FOR UPDATE";
  private static final String UPSERT_CUSTOMER =
      """
      INSERT INTO customerdb.customer AS c (customer_id, crm_account_id, billing_cust_no, party_type,
        given_name, family_name, organization_name, vat_id, birth_date, language, segment, status,
        marketing_opt_in, source_versions, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::date, ?, ?, ?, ?, ?::jsonb, now())
      ON CONFLICT (customer_id) DO UPDATE SET
        crm_account_id = EXCLUDED.crm_account_id,
        billing_cust_no = COALESCE(EXCLUDED.billing_cust_no, c.billing_cust_no),
        party_type = EXCLUDED.party_type,
        given_name = EXCLUDED.given_name,
        family_name = EXCLUDED.family_name,
        organization_name = EXCLUDED.organization_name,
        vat_id = EXCLUDED.vat_id,
        birth_date = EXCLUDED.birth_date,
        language = EXCLUDED.language,
        segment = EXCLUDED.segment,
        status = EXCLUDED.status,
        marketing_opt_in = EXCLUDED.marketing_opt_in,
        source_versions = EXCLUDED.source_versions,
        updated_at = now()
      WHERE c.status <> 'ERASED'
      """;
  private static final String DELETE_OTHER_MEDIA =
      "DELETE FROM customerdb.contact_medium WHERE customer_id = ?"
          + " AND NOT (medium_type || '/' || role = ANY(?::text[]))";
  private static final String UPSERT_MEDIUM =
      """
      INSERT INTO customerdb.contact_medium AS m (customer_id, medium_type, role, email, phone_e164,
        street, house_number, postal_code, city, country, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
      ON CONFLICT (customer_id, medium_type, role) DO UPDATE SET
        email = EXCLUDED.email, phone_e164 = EXCLUDED.phone_e164, street = EXCLUDED.street,
        house_number = EXCLUDED.house_number, postal_code = EXCLUDED.postal_code,
        city = EXCLUDED.city, country = EXCLUDED.country, updated_at = now()
      WHERE (m.email, m.phone_e164, m.street, m.house_number, m.postal_code, m.city, m.country)
        IS DISTINCT FROM (EXCLUDED.email, EXCLUDED.phone_e164, EXCLUDED.street,
          EXCLUDED.house_number, EXCLUDED.postal_code, EXCLUDED.city, EXCLUDED.country)
      """;
  private static final String DEACTIVATE =
      "UPDATE customerdb.customer SET status = 'INACTIVE', source_versions = ?::jsonb,"
          + " updated_at = now() WHERE customer_id = ? AND status <> 'ERASED'";
  private static final String SET_BILLING_CUST_NO =
      "UPDATE customerdb.customer SET billing_cust_no = ?, updated_at = now()"
          + " WHERE customer_id = ? AND billing_cust_no IS DISTINCT FROM ?";

  private final DataSource customerdb;
  private final IdentityRegistry registry;
  private final HubMetrics metrics;
  private final Clock clock;
  private final AppliedChanges listener;

  public CustomerDbWriter(
      DataSource customerdb,
      IdentityRegistry registry,
      HubMetrics metrics,
      Clock clock,
      AppliedChanges listener) {
    this.customerdb = customerdb;
    this.registry = registry;
    this.metrics = metrics;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * Applies a batch in one transaction. Returns the changes that must be tried on their own (their
   * mapping failed, or the batch as a whole was refused); throws {@link TargetUnavailableException}
   * while customerdb is away.
   */
  public List<TargetChange> applyBatch(List<TargetChange> changes) {
    return TargetChange.applyBatch("customerdb", changes, this::write);
  }

  /** Applies one change; throws why it cannot be applied. */
  public void applyOne(TargetChange change) {
    // the versions are in customerdb's own rows, rolled back with the change: nothing to forget
    TargetChange.applyOne(change, this::write, refused -> {});
  }

  private List<TargetChange> write(List<TargetChange> changes) {
    Map<UUID, TargetChange> newest = Versions.newestPerKey(changes, CustomerDbWriter::customerId);
    Map<UUID, Long> custNos = registry.billingCustNos(newest.keySet());
    List<TargetChange> upserts = new ArrayList<>();
    List<TargetChange> deactivations = new ArrayList<>();
    List<TargetChange> unchanged = new ArrayList<>();
    List<TargetChange> reErased = new ArrayList<>();
    Transactions.run(
        customerdb,
        TARGET,
        c -> {
          lock(c, newest.keySet());
          // asked while the customers are locked: see IdentityRegistry.erased
          java.util.Set<UUID> erased = registry.erased(newest.keySet());
          Map<UUID, String[]> current = current(c, newest.keySet());
          for (Map.Entry<UUID, TargetChange> e : newest.entrySet()) {
            TargetChange change = e.getValue();
            String[] row = current.get(e.getKey());
            if (erased.contains(e.getKey())
                && row != null
                && !"ERASED".equals(row[0])
                && change.event().isDelete()
                && change.event().isResync()) {
              // a repair of an erased customer's row changed behind the hub's back: erased again
              CustomerErasure.eraseRow(c, e.getKey());
              reErased.add(change);
              continue;
            }
            if (erased.contains(e.getKey()) || (row != null && "ERASED".equals(row[0]))) {
              // erased (flow 5): the erasure itself writes what customerdb keeps of the customer
              change.outcome(ApplyOutcome.NOT_ELIGIBLE);
              continue;
            }
            JsonNode applied = row == null ? null : Json.parse(row[1]);
            String appliedSnapshot =
                applied == null ? null : Json.text(applied, Versions.CRM_SNAPSHOT_KEY);
            SnapshotVersion appliedVersion = SnapshotVersion.tryParse(appliedSnapshot);
            if (appliedVersion != null) {
              switch (Versions.of(change.event()).comparedTo(appliedVersion)) {
                case NEWER -> {
                  if (!change.event().isResync() && Versions.sameRows(change.event(), applied)) {
                    // a newer read of the very same rows (e.g. republished after a crash): the
                    // target already has this state, nothing is written
                    change.outcome(ApplyOutcome.DUPLICATE);
                    unchanged.add(change);
                    continue;
                  }
                }
                case SAME -> {
                  if (!change.event().isResync()) {
                    change.outcome(ApplyOutcome.DUPLICATE);
                    unchanged.add(change);
                    continue;
                  }
                  // a resync: the row may have been changed behind the hub's back, so the master's
                  // state is written again
                }
                case OLDER -> {
                  change.outcome(ApplyOutcome.STALE);
                  unchanged.add(change);
                  continue;
                }
                case INCOMPARABLE -> {
                  change.failed(Versions.incomparable(change, appliedSnapshot));
                  continue;
                }
              }
            }
            if (change.event().isDelete()) {
              if (row == null) {
                change.outcome(ApplyOutcome.NOT_ELIGIBLE);
              } else {
                deactivations.add(change);
              }
            } else {
              upserts.add(change);
            }
          }
          upsertCustomers(c, upserts, custNos);
          replaceContactMedia(c, upserts);
          deactivate(c, deactivations);
          setBillingCustNos(c, unchanged, custNos);
        });
    Instant committed = clock.instant();
    List<UUID> withoutCustNo = new ArrayList<>();
    for (TargetChange change : upserts) {
      if (!custNos.containsKey(customerId(change))) {
        withoutCustNo.add(customerId(change));
      }
    }
    for (List<TargetChange> applied : List.of(upserts, deactivations, reErased)) {
      for (TargetChange change : applied) {
        change.outcome(ApplyOutcome.APPLIED);
        metrics.endToEnd(FLOW, TARGET, change.event().sourceChangedAt(), committed);
      }
    }
    writeBackBillingCustNos(withoutCustNo);
    return Outcomes.report(TARGET, changes, metrics, listener);
  }

  static UUID customerId(TargetChange change) {
    String id = change.event().customerId();
    if (id == null) {
      throw new MalformedMessageException("event " + change.event().id() + " has no customerid");
    }
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(
          "event " + change.event().id() + " has a customerid that is not a UUID");
    }
  }

  /** The key of a customer's advisory lock: the writer and the erasure take the same. */
  static long lockKey(UUID customerId) {
    return customerId.getMostSignificantBits() ^ customerId.getLeastSignificantBits();
  }

  private static void lock(Connection c, Iterable<UUID> ids) throws SQLException {
    List<Long> keys = new ArrayList<>();
    for (UUID id : ids) {
      keys.add(lockKey(id));
    }
    try (PreparedStatement ps = c.prepareStatement(LOCK)) {
      ps.setArray(1, c.createArrayOf("bigint", keys.toArray()));
      ps.executeQuery().close();
    }
  }

  /** customer_id -> [status, applied snapshot] of the rows that exist, locked. */
  private static Map<UUID, String[]> current(Connection c, java.util.Set<UUID> ids)
      throws SQLException {
    Map<UUID, String[]> current = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(CURRENT)) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          current.put(rs.getObject(1, UUID.class), new String[] {rs.getString(2), rs.getString(3)});
        }
      }
    }
    return current;
  }

  private static void upsertCustomers(
      Connection c, List<TargetChange> upserts, Map<UUID, Long> custNos) throws SQLException {
    if (upserts.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(UPSERT_CUSTOMER)) {
      for (TargetChange change : upserts) {
        JsonNode row = change.row().path("customer");
        UUID id = customerId(change);
        int i = 1;
        ps.setObject(i++, id);
        ps.setString(i++, Json.text(row, "crm_account_id"));
        Long custNo = custNos.get(id);
        if (custNo == null) {
          ps.setNull(i++, Types.BIGINT);
        } else {
          ps.setLong(i++, custNo);
        }
        for (String column :
            new String[] {
              "party_type",
              "given_name",
              "family_name",
              "organization_name",
              "vat_id",
              "birth_date",
              "language",
              "segment",
              "status"
            }) {
          ps.setString(i++, Json.text(row, column));
        }
        ps.setBoolean(i++, row.path("marketing_opt_in").asBoolean(false));
        ps.setString(
            i, Json.write(Versions.sourceVersions(change.event(), Versions.CRM_SNAPSHOT_KEY)));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void replaceContactMedia(Connection c, List<TargetChange> upserts)
      throws SQLException {
    if (upserts.isEmpty()) {
      return;
    }
    try (PreparedStatement delete = c.prepareStatement(DELETE_OTHER_MEDIA);
        PreparedStatement upsert = c.prepareStatement(UPSERT_MEDIUM)) {
      boolean anyMedium = false;
      for (TargetChange change : upserts) {
        UUID id = customerId(change);
        List<String> keep = new ArrayList<>();
        for (JsonNode medium : change.row().path("contactMedia")) {
          String type = Json.text(medium, "medium_type");
          String role = Json.text(medium, "role");
          keep.add(type + "/" + role);
          int i = 1;
          upsert.setObject(i++, id);
          upsert.setString(i++, type);
          upsert.setString(i++, role);
          for (String column :
              new String[] {
                "email", "phone_e164", "street", "house_number", "postal_code", "city", "country"
              }) {
            upsert.setString(i++, Json.text(medium, column));
          }
          upsert.addBatch();
          anyMedium = true;
        }
        delete.setObject(1, id);
        delete.setArray(2, c.createArrayOf("text", keep.toArray()));
        delete.addBatch();
      }
      delete.executeBatch();
      if (anyMedium) {
        upsert.executeBatch();
      }
    }
  }

  private static void deactivate(Connection c, List<TargetChange> deactivations)
      throws SQLException {
    if (deactivations.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(DEACTIVATE)) {
      for (TargetChange change : deactivations) {
        ps.setString(
            1, Json.write(Versions.sourceVersions(change.event(), Versions.CRM_SNAPSHOT_KEY)));
        ps.setObject(2, customerId(change));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Billing's cust_no for customers whose change was not applied (a retry after a crash). */
  private static void setBillingCustNos(
      Connection c, List<TargetChange> changes, Map<UUID, Long> custNos) throws SQLException {
    Map<UUID, Long> known = new HashMap<>();
    for (TargetChange change : changes) {
      UUID id = customerId(change);
      if (custNos.containsKey(id)) {
        known.put(id, custNos.get(id));
      }
    }
    setBillingCustNos(c, known);
  }

  static void setBillingCustNos(Connection c, Map<UUID, Long> custNos) throws SQLException {
    if (custNos.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(SET_BILLING_CUST_NO)) {
      for (Map.Entry<UUID, Long> e : custNos.entrySet()) {
        ps.setLong(1, e.getValue());
        ps.setObject(2, e.getKey());
        ps.setLong(3, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Writes billing's cust_no into customerdb. Called by the billing writer after it recorded the
   * number, and by this writer after it created customers whose number it did not know yet: each
   * side writes its own part first and then looks at the other's, so one of them always sees both.
   */
  public void writeBackBillingCustNos(List<UUID> customerIds) {
    if (customerIds.isEmpty()) {
      return;
    }
    writeBillingCustNos(registry.billingCustNos(customerIds));
  }

  public void writeBillingCustNos(Map<UUID, Long> custNos) {
    if (custNos.isEmpty()) {
      return;
    }
    try (Connection c = customerdb.getConnection()) {
      c.setAutoCommit(true);
      setBillingCustNos(c, custNos);
    } catch (SQLException e) {
      throw SqlFailures.translate(TARGET, e);
    }
  }
}
