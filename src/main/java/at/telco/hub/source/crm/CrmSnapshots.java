package at.telco.hub.source.crm;

import at.telco.hub.canonical.Json;
import at.telco.hub.canonical.SnapshotVersion;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads CRM accounts with all their contacts and addresses, each set of accounts in one statement
 * (one consistent snapshot, whose {@code pg_current_snapshot()} with the reader's own transaction
 * counted as running becomes the version of the state). The documents are the input of {@code
 * transformers/crm-to-canonical-customer.jslt}: {@code accountId}, {@code snapshot}, {@code
 * account} (null when deleted), {@code contacts}, {@code addresses}.
 */
public final class CrmSnapshots {

  // The CRM has no index on contact.account_id or address.account_id (crm.sql; the hub may not add
  // one): every lookup of an account's contacts is a scan of the table. So the contacts and
  // addresses of all the accounts of a read are collected in one scan each (a hash join on the
  // set of keys), never one scan per account. The scan selects only where each matching row is
  // (ctid, in the statement's one snapshot), and the whole rows are then fetched by those (a TID
  // scan): a scan that carried the whole row (row_to_json) built it for every row of the table
  // before the join kept a few, four times the time of the narrow scan. (A filter
  // "account_id = ANY(?)" builds only the kept rows too, but once PostgreSQL caches a generic plan
  // for the statement it compares each row with every key in turn: ten times slower for 500.)
  // json, not jsonb: the documents go out as text and are parsed by the hub either way, and
  // PostgreSQL writes json as it reads the row, where jsonb is built and sorted first (half of
  // the statement's time for a whole CRM read)
  private static final String READ =
      """
      WITH k AS (%s),
      c AS (SELECT account_id, json_agg(row_to_json(c) ORDER BY contact_id) AS rows
              FROM crm.contact c WHERE ctid = ANY(ARRAY(SELECT ctid FROM crm.contact
                WHERE account_id IN (SELECT account_id FROM k))) GROUP BY account_id),
      d AS (SELECT account_id, json_agg(row_to_json(d) ORDER BY address_id) AS rows
              FROM crm.address d WHERE ctid = ANY(ARRAY(SELECT ctid FROM crm.address
                WHERE account_id IN (SELECT account_id FROM k))) GROUP BY account_id)
      SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()::text,
        k.account_id, row_to_json(a), coalesce(c.rows, '[]'::json), coalesce(d.rows, '[]'::json)
      FROM k LEFT JOIN crm.account a ON a.account_id = k.account_id
        LEFT JOIN c ON c.account_id = k.account_id LEFT JOIN d ON d.account_id = k.account_id
      ORDER BY k.account_id
      """;

  private static final String BY_IDS =
      READ.formatted("SELECT DISTINCT account_id FROM unnest(?::varchar[]) AS u(account_id)");

  private static final String AFTER =
      READ.formatted(
          "SELECT account_id FROM crm.account WHERE account_id > ? ORDER BY account_id LIMIT ?");

  // All accounts in one statement, for a cursor: the contacts and addresses aggregated in one
  // pass over each table (grouped by account), joined to the accounts in key order.
  private static final String ALL =
      """
      WITH c AS (SELECT account_id, json_agg(row_to_json(c) ORDER BY contact_id) AS rows
              FROM crm.contact c GROUP BY account_id),
      d AS (SELECT account_id, json_agg(row_to_json(d) ORDER BY address_id) AS rows
              FROM crm.address d GROUP BY account_id)
      SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()::text,
        a.account_id, row_to_json(a), coalesce(c.rows, '[]'::json), coalesce(d.rows, '[]'::json)
      FROM crm.account a
        LEFT JOIN c ON c.account_id = a.account_id LEFT JOIN d ON d.account_id = a.account_id
      ORDER BY a.account_id
      """;

  private CrmSnapshots() {}

  /**
   * Every account, in key order, handed on {@code slice} documents at a time: one statement read
   * through a cursor ({@code c} must have auto-commit off) {@code fetch} rows per round trip, so
   * the contacts and addresses are scanned once, not once per chunk, and no more than a slice of
   * documents (and the driver's fetch) is held. All documents are of the statement's one snapshot.
   */
  public static void all(Connection c, int fetch, int slice, Consumer<List<ObjectNode>> each)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ALL)) {
      ps.setFetchSize(fetch);
      try (ResultSet rs = ps.executeQuery()) {
        List<ObjectNode> docs = new ArrayList<>(slice);
        String snapshot = null;
        String token = null;
        while (rs.next()) {
          if (token == null || !snapshot.equals(rs.getString(1))) {
            // one statement, one snapshot: worked out once
            snapshot = rs.getString(1);
            token = SnapshotVersion.ofOwnSnapshot(snapshot, rs.getString(2)).token();
          }
          docs.add(doc(rs, token));
          if (docs.size() == slice) {
            each.accept(docs);
            docs = new ArrayList<>(slice);
          }
        }
        if (!docs.isEmpty()) {
          each.accept(docs);
        }
      }
    }
  }

  /** The named accounts as they are now (a deleted one with {@code account: null}). */
  public static List<ObjectNode> byIds(Connection c, Collection<String> accountIds)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(BY_IDS)) {
      ps.setArray(1, c.createArrayOf("varchar", accountIds.toArray()));
      return read(ps);
    }
  }

  /** The next {@code limit} existing accounts after {@code afterAccountId}, in key order. */
  public static List<ObjectNode> after(Connection c, String afterAccountId, int limit)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(AFTER)) {
      ps.setString(1, afterAccountId == null ? "" : afterAccountId);
      ps.setInt(2, limit);
      return read(ps);
    }
  }

  private static List<ObjectNode> read(PreparedStatement ps) throws SQLException {
    List<ObjectNode> docs = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        docs.add(doc(rs, SnapshotVersion.ofOwnSnapshot(rs.getString(1), rs.getString(2)).token()));
      }
    }
    return docs;
  }

  private static ObjectNode doc(ResultSet rs, String snapshot) throws SQLException {
    ObjectNode doc = Json.object();
    doc.put("accountId", rs.getString(3));
    doc.put("snapshot", snapshot);
    String account = rs.getString(4);
    doc.set("account", account == null ? null : Json.parse(account));
    doc.set("contacts", Json.parse(rs.getString(5)));
    doc.set("addresses", Json.parse(rs.getString(6)));
    return doc;
  }
}
