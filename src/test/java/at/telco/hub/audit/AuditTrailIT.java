package at.telco.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.cli.HubCli;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit trail is append-only for the hub's runtime role, chained by hash per segment, sealed,
 * and verified: an edited and a deleted entry are both found and named; retention drops whole
 * sealed segments through the maintenance role only; failed sign-ins and refused requests are
 * recorded without personal data; the query API filters by who, action, object and time.
 */
class AuditTrailIT {

  static HubInstance hub;
  static int port;
  static DataSource asHub;
  static DataSource asSuperuser;
  static DataSource asMaintenance;

  @BeforeAll
  static void start() {
    hub = SharedHub.get();
    port = Api.port(hub);
    asHub = TestServers.get().as("hub_app", "hub");
    asSuperuser = TestServers.get().owner("hub");
    asMaintenance = TestServers.get().as("hub_audit_maintenance", "hub");
  }

  /** Writes {@code n} entries as the hub's role under its own writer; answers their ids. */
  static List<Long> write(String writer, int n) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (Connection c = asHub.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("SET hub.audit_writer = '" + writer + "'");
      }
      for (int i = 0; i < n; i++) {
        AuditTrail.record(
            c,
            AuditTrail.Entry.action(
                "auditor-it", "operator", "stop-route", "route:it-" + i, "stopped", "entry " + i));
      }
      try (PreparedStatement ps =
          c.prepareStatement("SELECT id FROM hub.audit_entry WHERE writer = ? ORDER BY id")) {
        ps.setString(1, writer);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
      }
    }
    return ids;
  }

  static long segmentOf(long entry) throws SQLException {
    try (Connection c = asHub.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT segment_id FROM hub.audit_entry WHERE id = ?")) {
      ps.setLong(1, entry);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static void execute(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static AuditChain chain() {
    return hub.bean("auditChain", AuditChain.class);
  }

  static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  static LocalDate tomorrow() {
    return today().plusDays(1);
  }

  /**
   * Moves a segment {@code days} into the past, behind the triggers' back (as a superuser in
   * replica mode): the tests cannot wait for a day to end, and only past days are sealed.
   */
  static void backdate(long segment, int days) throws SQLException {
    try (Connection c = asSuperuser.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET session_replication_role = replica");
      s.execute("UPDATE hub.audit_segment SET day = day - " + days + " WHERE id = " + segment);
    }
  }

  /** Sets the audit retention as the owner would (the migrate command); null: none. */
  static void retention(String interval) throws SQLException {
    try (Connection c = asSuperuser.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT hub.audit_set_retention(?::interval)")) {
      ps.setString(1, interval);
      ps.execute();
    }
  }

  /** Deletes a segment and its entries as the owner could, with the triggers off. */
  static void removeBehindTheTriggers(long segment) throws SQLException {
    try (Connection c = asSuperuser.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET session_replication_role = replica");
      s.execute("DELETE FROM hub.audit_entry WHERE segment_id = " + segment);
      s.execute("DELETE FROM hub.audit_segment WHERE id = " + segment);
    }
  }

  static String sealOf(long segment) throws SQLException {
    try (Connection c = asHub.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT seal FROM hub.audit_segment WHERE id = ?")) {
      ps.setLong(1, segment);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  static JsonNode problemsOf(JsonNode report, String kind) {
    ArrayNode found = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    report
        .get("problems")
        .forEach(
            p -> {
              if (p.get("kind").asText().equals(kind)) {
                found.add(p);
              }
            });
    return found;
  }

  @Test
  void theHubsRoleCannotChangeOrDeleteAuditEntries() throws SQLException {
    List<Long> ids = write("it-append-only-" + UUID.randomUUID(), 1);
    long id = ids.get(0);
    assertThatThrownBy(
            () -> execute(asHub, "UPDATE hub.audit_entry SET detail = 'x' WHERE id = " + id))
        .hasMessageContaining("permission denied");
    assertThatThrownBy(() -> execute(asHub, "DELETE FROM hub.audit_entry WHERE id = " + id))
        .hasMessageContaining("permission denied");
    assertThatThrownBy(() -> execute(asHub, "TRUNCATE hub.audit_entry"))
        .hasMessageContaining("permission denied");
    // the segments are the owner's to advance (the chain trigger) and seal: not the hub's role
    assertThatThrownBy(
            () ->
                execute(
                    asHub,
                    "UPDATE hub.audit_segment SET last_hash = NULL WHERE id = " + segmentOf(id)))
        .hasMessageContaining("permission denied");
    // and the triggers refuse it for everyone else too
    assertThatThrownBy(
            () ->
                execute(
                    asSuperuser,
                    "UPDATE hub.audit_segment SET last_hash = NULL WHERE id = " + segmentOf(id)))
        .hasMessageContaining("may only grow");
    // even a superuser is refused while the triggers are on
    assertThatThrownBy(
            () -> execute(asSuperuser, "UPDATE hub.audit_entry SET detail = 'x' WHERE id = " + id))
        .hasMessageContaining("append-only");
    // and the maintenance role deletes nothing of an open segment
    assertThatThrownBy(() -> execute(asMaintenance, "DELETE FROM hub.audit_entry WHERE id = " + id))
        .hasMessageContaining("append-only");
  }

  /**
   * The runtime role does not own the audit trail (the owner role ran the migrations), so it cannot
   * take back with DDL or GRANT what it was not given: every way of altering the trail is refused
   * with a permission error (SQLSTATE 42501), and the entries and triggers are as before.
   */
  @Test
  void theHubsRoleCannotUnprotectTheAuditTrail() throws SQLException {
    List<Long> ids = write("it-owner-" + UUID.randomUUID(), 2);
    long id = ids.get(0);
    String hash = hashOf(id);
    assertThat(ownerOf("hub.audit_entry")).isEqualTo("hub_owner");
    assertThat(ownerOf("hub.audit_segment")).isEqualTo("hub_owner");
    assertThat(ownerOf("hub.dead_letter")).isEqualTo("hub_owner");
    for (String sql :
        List.of(
            "UPDATE hub.audit_entry SET detail = 'x' WHERE id = " + id,
            "DELETE FROM hub.audit_entry WHERE id = " + id,
            "TRUNCATE hub.audit_entry",
            "TRUNCATE hub.audit_segment",
            "ALTER TABLE hub.audit_entry DISABLE TRIGGER ALL",
            "ALTER TABLE hub.audit_entry DISABLE TRIGGER audit_entry_append_only",
            "ALTER TABLE hub.audit_segment DISABLE TRIGGER ALL",
            "ALTER TABLE hub.audit_entry OWNER TO hub_app",
            "ALTER FUNCTION hub.audit_entry_append_only() OWNER TO hub_app",
            "CREATE OR REPLACE FUNCTION hub.audit_entry_append_only() RETURNS trigger"
                + " LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
            "DROP TRIGGER audit_entry_append_only ON hub.audit_entry",
            "DROP TABLE hub.audit_entry",
            "DROP TABLE hub.audit_segment",
            "DROP SCHEMA hub CASCADE",
            "SET session_replication_role = replica",
            "UPDATE hub.audit_segment SET sealed_at = now() WHERE id = " + segmentOf(id))) {
      assertThatThrownBy(() -> execute(asHub, sql))
          .as(sql)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).as(sql).isEqualTo("42501"));
    }
    // PostgreSQL answers a GRANT of privileges one holds without grant option with a warning, and
    // grants nothing; without any privilege on the table, with an error
    for (String sql :
        List.of(
            "GRANT UPDATE ON hub.audit_entry TO hub_app",
            "GRANT ALL ON hub.audit_entry TO hub_app",
            "GRANT UPDATE, DELETE, TRUNCATE ON hub.audit_segment TO hub_app")) {
      assertThat(refusal(asHub, sql)).as(sql).containsAnyOf("permission denied", "no privileges");
    }
    assertThat(privilege("hub_app", "hub.audit_entry", "UPDATE")).isFalse();
    assertThat(privilege("hub_app", "hub.audit_entry", "DELETE")).isFalse();
    assertThat(privilege("hub_app", "hub.audit_entry", "TRUNCATE")).isFalse();
    assertThat(privilege("hub_app", "hub.audit_segment", "UPDATE")).isFalse();
    // what the hub needs it has: read and append; and the rest of its tables
    assertThat(privilege("hub_app", "hub.audit_entry", "INSERT")).isTrue();
    assertThat(privilege("hub_app", "hub.audit_entry", "SELECT")).isTrue();
    assertThat(privilege("hub_app", "hub.dead_letter", "UPDATE")).isTrue();
    // so the entry is still refused to the hub's role, and unchanged
    assertThatThrownBy(
            () -> execute(asHub, "UPDATE hub.audit_entry SET detail = 'x' WHERE id = " + id))
        .hasMessageContaining("permission denied");
    assertThat(hashOf(id)).isEqualTo(hash);
    try (Connection c = asSuperuser.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'hub.audit_entry'::regclass"
                    + " AND NOT tgisinternal AND tgenabled = 'O'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("audit_entry triggers enabled").isEqualTo(3);
    }
    // an entry the hub's role brings with a chain of its own is chained anew (only the owner's
    // restore keeps a chain)
    try (Connection c = asHub.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET hub.audit_writer = 'it-forged-" + UUID.randomUUID() + "'");
      s.execute(
          "INSERT INTO hub.audit_entry (actor, action, outcome, segment_id, seq, prev_hash, hash)"
              + " SELECT 'forger', 'stop-route', 'stopped', segment_id, 99, hash, repeat('0', 64)"
              + " FROM hub.audit_entry WHERE id = "
              + ids.get(1));
      try (ResultSet rs =
          s.executeQuery(
              "SELECT seq, hash <> repeat('0', 64) FROM hub.audit_entry WHERE actor = 'forger'"
                  + " ORDER BY id DESC LIMIT 1")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1);
        assertThat(rs.getBoolean(2)).isTrue();
      }
    }
    JsonNode report = verifyByApi();
    assertThat(report.get("ok").asBoolean()).as(report.toString()).isTrue();
    // and the health details say the audit trail is protected from the hub's role
    Http.Response health =
        Http.get("http://127.0.0.1:" + hub.managementPort() + "/observe/health?data=true");
    assertThat(health.body())
        .containsPattern("\"audit\\.trail\\.protected\"\\s*:\\s*true")
        .doesNotContain("not protected");
  }

  /**
   * Without an owner role the runtime role migrates and owns the tables itself: the hub still
   * works, and the health check says the audit trail is not protected from the hub's role.
   */
  @Test
  void withoutAnOwnerRoleTheRuntimeRoleOwnsTheTablesAndHealthSaysSo() throws SQLException {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String role = "hub_alone_" + suffix;
    String db = "hub_alone_" + suffix;
    TestServers servers = TestServers.get();
    servers.execute(
        "postgres", "CREATE ROLE " + role + " LOGIN", "CREATE DATABASE " + db + " OWNER " + role);
    DataSource alone = servers.as(role, db);
    at.telco.hub.platform.HubDatabase.migrate(alone, role, null);
    try (Connection c = alone.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_get_userbyid(relowner) FROM pg_class"
                    + " WHERE oid = 'hub.audit_entry'::regclass")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(role);
    }
    var unprotected = new at.telco.hub.platform.DatabaseHealthCheck("hub", alone, true).call();
    assertThat(unprotected.getState()).isEqualTo(org.apache.camel.health.HealthCheck.State.UP);
    assertThat(unprotected.getDetails()).containsEntry("audit.trail.protected", false);
    assertThat(unprotected.getDetails().get("audit.trail").toString()).contains("not protected");
    var protectedOne = new at.telco.hub.platform.DatabaseHealthCheck("hub", asHub, true).call();
    assertThat(protectedOne.getDetails()).containsEntry("audit.trail.protected", true);
    servers.execute("postgres", "DROP DATABASE " + db, "DROP ROLE " + role);
  }

  static String hashOf(long entry) throws SQLException {
    try (Connection c = asHub.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT hash FROM hub.audit_entry WHERE id = ?")) {
      ps.setLong(1, entry);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  static String ownerOf(String table) throws SQLException {
    try (Connection c = asSuperuser.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = ?::regclass")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  static boolean privilege(String role, String table, String privilege) throws SQLException {
    try (Connection c = asSuperuser.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT has_table_privilege(?, ?, ?)")) {
      ps.setString(1, role);
      ps.setString(2, table);
      ps.setString(3, privilege);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** The error or, if the statement went through, the warnings PostgreSQL answered it with. */
  static String refusal(DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
      StringBuilder warnings = new StringBuilder();
      for (java.sql.SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
        warnings.append(w.getMessage()).append('\n');
      }
      return warnings.toString();
    } catch (SQLException e) {
      return e.getSQLState() + " " + e.getMessage();
    }
  }

  @Test
  void verifyFindsAnEditedAndADeletedEntryAndRetentionDropsTheSealedSegment() throws Exception {
    String writer = "it-tamper-" + UUID.randomUUID();
    List<Long> ids = write(writer, 5);
    long segment = segmentOf(ids.get(0));
    JsonNode before = verifyByApi();
    assertThat(before.get("ok").asBoolean()).as(before.toString()).isTrue();

    // behind the hub's back, as a superuser with the triggers off: edit the 2nd, delete the 4th
    try (Connection c = asSuperuser.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET session_replication_role = replica");
      s.execute("UPDATE hub.audit_entry SET detail = 'nothing happened' WHERE id = " + ids.get(1));
      s.execute("DELETE FROM hub.audit_entry WHERE id = " + ids.get(3));
    }

    JsonNode report = verifyByApi();
    assertThat(report.get("ok").asBoolean()).isFalse();
    JsonNode problems = report.get("problems");
    assertThat(problems).as(problems.toString()).hasSize(2);
    JsonNode altered = problems.get(0);
    assertThat(altered.get("kind").asText()).isEqualTo("altered");
    assertThat(altered.get("segment").asLong()).isEqualTo(segment);
    assertThat(altered.get("seq").asLong()).isEqualTo(2);
    assertThat(altered.get("entry").asLong()).isEqualTo(ids.get(1));
    JsonNode removed = problems.get(1);
    assertThat(removed.get("kind").asText()).isEqualTo("removed");
    assertThat(removed.get("segment").asLong()).isEqualTo(segment);
    assertThat(removed.get("seq").asLong()).isEqualTo(4);
    assertThat(removed.get("seqTo").asLong()).isEqualTo(4);
    assertThat(removed.get("afterEntry").asLong()).isEqualTo(ids.get(2));
    assertThat(removed.get("beforeEntry").asLong()).isEqualTo(ids.get(4));

    // the command line says the same, with exit code 1
    Run cli = audit(Api.ADMIN, "verify");
    assertThat(cli.code()).as(cli.err()).isEqualTo(HubCli.FAILED);
    assertThat(cli.err())
        .contains("altered segment " + segment + " seq 2 entry " + ids.get(1))
        .contains("removed segment " + segment + " seq 4..4");
    // verifying is for admins; and is itself recorded
    assertThat(audit(Api.OPERATOR, "verify").code()).isEqualTo(HubCli.DENIED);
    assertThat(
            Api.as(port, Api.VIEWER)
                .get("/api/v1/audit?action=audit-verify&actor=admin&limit=1")
                .json()
                .get("items")
                .get(0)
                .get("outcome")
                .asText())
        .isEqualTo("problems");

    // retention: the hub's role cannot drop segments; the maintenance role drops sealed ones
    // older than the retention (today's segment is not sealed: it is moved 10 days back first)
    backdate(segment, 10);
    assertThat(chain().seal(today(), writer)).isEqualTo(1);
    assertThatThrownBy(() -> execute(asHub, "DELETE FROM hub.audit_segment WHERE id = " + segment))
        .hasMessageContaining("permission denied");
    ArrayNode dropped;
    retention("5 days");
    try {
      dropped = chain().dropExpired(today(), writer);
    } finally {
      retention(null);
    }
    assertThat(dropped).hasSize(1);
    assertThat(dropped.get(0).get("segment").asLong()).isEqualTo(segment);
    assertThat(dropped.get(0).get("seal").asText()).hasSize(64);
    JsonNode after = verifyByApi();
    assertThat(after.get("ok").asBoolean()).as(after.toString()).isTrue();
    assertThat(audit(Api.ADMIN, "verify").code()).isEqualTo(HubCli.OK);
  }

  @Test
  void aSealedSegmentIsImmutableAndTheNextEntryStartsANewOne() throws Exception {
    String writer = "it-seal-" + UUID.randomUUID();
    List<Long> first = write(writer, 2);
    long sealedSegment = segmentOf(first.get(0));
    backdate(sealedSegment, 1);
    assertThat(chain().seal(today(), writer)).isEqualTo(1);
    try (Connection c = asHub.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seal = hub.audit_segment_seal(g), last_seq FROM hub.audit_segment g"
                    + " WHERE id = "
                    + sealedSegment)) {
      rs.next();
      assertThat(rs.getBoolean(1)).isTrue();
      assertThat(rs.getLong(2)).isEqualTo(2);
    }
    assertThatThrownBy(
            () ->
                execute(
                    asHub,
                    "UPDATE hub.audit_segment SET last_seq = last_seq + 1 WHERE id = "
                        + sealedSegment))
        .hasMessageContaining("permission denied");
    assertThatThrownBy(
            () ->
                execute(
                    asSuperuser,
                    "UPDATE hub.audit_segment SET last_seq = last_seq + 1 WHERE id = "
                        + sealedSegment))
        .hasMessageContaining("is sealed");
    List<Long> all = write(writer, 1);
    long next = segmentOf(all.get(all.size() - 1));
    assertThat(next).isNotEqualTo(sealedSegment);
    // the writer's next segment continues the sealed one: its first entry is chained to the seal
    try (Connection c = asHub.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT g.prev_segment, e.prev_hash FROM hub.audit_segment g"
                    + " JOIN hub.audit_entry e ON e.segment_id = g.id AND e.seq = 1"
                    + " WHERE g.id = "
                    + next)) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(sealedSegment);
      assertThat(rs.getString(2)).isEqualTo(sealOf(sealedSegment));
    }
    JsonNode report = verifyByApi();
    assertThat(report.get("ok").asBoolean()).as(report.toString()).isTrue();
    assertThat(report.get("sealedSegments").asLong()).isGreaterThanOrEqualTo(1);
  }

  /**
   * Only segments of past days are sealed, whoever asks: the runtime role through
   * audit_seal_segments, and even the owner updating the row. Only segments older than the
   * retention in the owner's table are deleted, and neither the runtime nor the maintenance role
   * can change that retention.
   */
  @Test
  void sealingTodayIsRefusedAndOnlySegmentsOlderThanTheRetentionAreDeleted() throws Exception {
    String writer = "it-retention-" + UUID.randomUUID();
    long segment = segmentOf(write(writer, 2).get(0));
    assertThatThrownBy(() -> chain().seal(tomorrow(), writer))
        .hasMessageContaining("sealed only for past days");
    assertThatThrownBy(
            () ->
                execute(
                    asHub,
                    "SELECT * FROM hub.audit_seal_segments(current_date + 7, '" + writer + "')"))
        .hasMessageContaining("sealed only for past days");
    assertThatThrownBy(
            () ->
                execute(
                    asSuperuser,
                    "UPDATE hub.audit_segment g SET sealed_at = now(),"
                        + " seal = hub.audit_segment_seal(g) WHERE id = "
                        + segment))
        .hasMessageContaining("still open");
    assertThat(chain().seal(today(), writer)).isZero();

    backdate(segment, 3);
    assertThat(chain().seal(today(), writer)).isEqualTo(1);
    // no retention in the owner's table: the maintenance role deletes nothing
    retention(null);
    assertThatThrownBy(
            () ->
                execute(asMaintenance, "DELETE FROM hub.audit_entry WHERE segment_id = " + segment))
        .hasMessageContaining("append-only");
    assertThat(chain().dropExpired(today(), writer)).isEmpty();
    // and neither it nor the runtime role can set one
    for (DataSource role : List.of(asMaintenance, asHub)) {
      for (String sql :
          List.of(
              "SELECT hub.audit_set_retention('1 day')",
              "INSERT INTO hub.audit_retention (keep) VALUES ('1 day')",
              "UPDATE hub.audit_retention SET keep = '1 day'",
              "DELETE FROM hub.audit_segment_dropped")) {
        assertThatThrownBy(() -> execute(role, sql))
            .as(sql)
            .isInstanceOfSatisfying(
                SQLException.class, e -> assertThat(e.getSQLState()).as(sql).isEqualTo("42501"));
      }
    }
    try {
      // a retention of 5 days: the 3-day-old segment is too young
      retention("5 days");
      assertThatThrownBy(
              () ->
                  execute(
                      asMaintenance, "DELETE FROM hub.audit_entry WHERE segment_id = " + segment))
          .hasMessageContaining("append-only");
      assertThatThrownBy(
              () -> execute(asMaintenance, "DELETE FROM hub.audit_segment WHERE id = " + segment))
          .hasMessageContaining("cannot be deleted");
      assertThat(chain().dropExpired(today(), writer)).isEmpty();
      // 2 days: it is older, and retention drops it, recorded with its seal
      retention("2 days");
      String seal = sealOf(segment);
      ArrayNode dropped = chain().dropExpired(today(), writer);
      assertThat(dropped).hasSize(1);
      assertThat(dropped.get(0).get("segment").asLong()).isEqualTo(segment);
      JsonNode report = verifyByApi();
      assertThat(report.get("ok").asBoolean()).as(report.toString()).isTrue();
      assertThat(report.get("seals").toString())
          .contains("\"segment\":" + segment + ",")
          .contains(seal);
    } finally {
      retention(null);
    }
  }

  /**
   * The attack the chain of segments is for: a sealed past segment deleted with all its entries (by
   * the owner, with the triggers off). Its writer's next segment names it and starts from its seal,
   * so verify reports it removed.
   */
  @Test
  void aSegmentRemovedWithItsEntriesIsFoundByVerify() throws Exception {
    String writer = "it-removed-segment-" + UUID.randomUUID();
    long first = segmentOf(write(writer, 3).get(0));
    backdate(first, 2);
    assertThat(chain().seal(today(), writer)).isEqualTo(1);
    List<Long> all = write(writer, 2);
    long second = segmentOf(all.get(all.size() - 1));
    assertThat(second).isNotEqualTo(first);
    JsonNode before = verifyByApi();
    assertThat(before.get("ok").asBoolean()).as(before.toString()).isTrue();

    removeBehindTheTriggers(first);
    try {
      JsonNode report = verifyByApi();
      assertThat(report.get("ok").asBoolean()).as(report.toString()).isFalse();
      JsonNode removed = problemsOf(report, "segment-removed");
      assertThat(removed).as(report.toString()).hasSize(1);
      assertThat(removed.get(0).get("segment").asLong()).isEqualTo(first);
      assertThat(removed.get(0).get("detail").asText())
          .contains("before segment " + second)
          .contains("neither in the trail nor dropped by retention");
      Run cli = audit(Api.ADMIN, "verify");
      assertThat(cli.code()).as(cli.err()).isEqualTo(HubCli.FAILED);
      assertThat(cli.err()).contains("segment-removed segment " + first);
    } finally {
      // the writer's chain ends with the second segment: removing it too leaves no trace in the
      // database (what the exported seals are for, see the next test), so the trail verifies again
      removeBehindTheTriggers(second);
    }
    JsonNode after = verifyByApi();
    assertThat(after.get("ok").asBoolean()).as(after.toString()).isTrue();
  }

  /**
   * The owner can recompute an unkeyed chain and its seal, so the database alone verifies a
   * rewritten segment as intact; the seals exported when it was sealed (a file, or the hub's log)
   * do not match it, and neither does a segment removed with its writer's whole tail.
   */
  @Test
  void verifyAgainstTheExportedSealsFindsARecomputedChainAndARemovedSegment() throws Exception {
    String writer = "it-exported-" + UUID.randomUUID();
    List<Long> ids = write(writer, 3);
    long segment = segmentOf(ids.get(0));
    backdate(segment, 1);
    assertThat(chain().seal(today(), writer)).isEqualTo(1);
    String seal = sealOf(segment);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("audit-seals");
    java.nio.file.Path file = dir.resolve("seals.jsonl");
    assertThat(chain().exportSeals(file)).isPositive();
    assertThat(chain().exportSeals(file)).isZero();
    assertThat(java.nio.file.Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(java.nio.file.Files.readString(file))
        .containsOnlyOnce("{\"segment\":" + segment + ",")
        .contains(seal);
    // the hub's log line of the seal serves as well (here as a JSON log line)
    java.nio.file.Path log = dir.resolve("hub.log");
    java.nio.file.Files.writeString(
        log,
        "{\"level\":\"INFO\",\"message\":\"audit segment "
            + segment
            + " ("
            + today().minusDays(1)
            + " "
            + writer
            + ", 3 entries) sealed: "
            + seal
            + "\"}\n");
    Run intact = audit(Api.ADMIN, "verify", "--seals", file.toString());
    assertThat(intact.code()).as(intact.err()).isEqualTo(HubCli.OK);

    // the owner rewrites the last entry and recomputes its hash, the segment's last hash and seal
    try (Connection c = asSuperuser.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET session_replication_role = replica");
      long last = ids.get(2);
      s.execute("UPDATE hub.audit_entry SET detail = 'nothing happened' WHERE id = " + last);
      s.execute(
          "UPDATE hub.audit_entry e SET hash = hub.audit_entry_hash(e.prev_hash, e) WHERE id = "
              + last);
      s.execute(
          "UPDATE hub.audit_segment SET last_hash = (SELECT hash FROM hub.audit_entry WHERE id = "
              + last
              + ") WHERE id = "
              + segment);
      s.execute(
          "UPDATE hub.audit_segment g SET seal = hub.audit_segment_seal(g) WHERE id = " + segment);
    }
    assertThat(sealOf(segment)).isNotEqualTo(seal);
    JsonNode inside = verifyByApi();
    assertThat(inside.get("ok").asBoolean()).as("the database alone: " + inside).isTrue();
    for (java.nio.file.Path exported : List.of(file, log)) {
      Run cli = audit(Api.ADMIN, "verify", "--seals", exported.toString());
      assertThat(cli.code()).as(cli.err()).isEqualTo(HubCli.FAILED);
      assertThat(cli.err()).contains("seal-mismatch segment " + segment);
    }

    // the writer's only (so last) segment removed: nothing in the database points at it any more
    removeBehindTheTriggers(segment);
    assertThat(verifyByApi().get("ok").asBoolean()).isTrue();
    Run removed = audit(Api.ADMIN, "verify", "--seals", file.toString());
    assertThat(removed.code()).as(removed.err()).isEqualTo(HubCli.FAILED);
    assertThat(removed.err())
        .contains("segment-removed segment " + segment)
        .contains("neither in the trail nor dropped by retention");
  }

  @Test
  void failedSignInsAndRefusedRequestsAreRecordedWithoutNamesOrAddresses() {
    Instant from = Instant.now().minusSeconds(1);
    String who = "someone-" + UUID.randomUUID();
    assertThat(
            Api.withAuthorization(port, Api.basic(who, "wrong-password-1"))
                .get("/api/v1/dead-letters")
                .status())
        .isEqualTo(401);
    assertThat(
            Api.as(port, Api.VIEWER)
                .post("/api/v1/dead-letters/" + UUID.randomUUID() + "/replay", "{}")
                .status())
        .isEqualTo(403);
    Api viewer = Api.as(port, Api.VIEWER);
    Api.Answer failed =
        viewer.get("/api/v1/audit?action=login-failed&from=" + Api.q(from.toString()));
    assertThat(failed.status()).isEqualTo(200);
    assertThat(failed.json().get("items")).isNotEmpty();
    JsonNode entry = failed.json().get("items").get(0);
    assertThat(entry.get("object").asText()).startsWith("user#").doesNotContain(who);
    assertThat(entry.get("outcome").asText()).isEqualTo("denied");
    assertThat(failed.body()).doesNotContain(who).doesNotContain("wrong-password-1");
    assertThat(entry.get("detail").asText()).doesNotContain("127.0.0.1");
    // the same name gives the same hash: all attempts for one name can be found; a further
    // failure of the same name from the same address belongs to the same burst and adds no row
    // (the burst's total is one row when it ends: ApiHardeningIT)
    String object = entry.get("object").asText();
    assertThat(
            Api.withAuthorization(port, Api.basic(who, "wrong-password-2"))
                .get("/api/v1/dead-letters")
                .status())
        .isEqualTo(401);
    assertThat(
            viewer
                .get("/api/v1/audit?action=login-failed&object=" + Api.q(object))
                .json()
                .get("items"))
        .hasSize(1);

    JsonNode forbidden =
        viewer
            .get(
                "/api/v1/audit?action=forbidden&actor="
                    + Api.VIEWER
                    + "&from="
                    + Api.q(from.toString()))
            .json()
            .get("items");
    assertThat(forbidden).isNotEmpty();
    assertThat(forbidden.get(0).get("role").asText()).isEqualTo("viewer");
    assertThat(forbidden.get(0).get("object").asText()).startsWith("POST /api/v1/dead-letters/");
    // to: nothing before the test started
    assertThat(
            viewer
                .get(
                    "/api/v1/audit?action=login-failed&object="
                        + Api.q(object)
                        + "&to="
                        + Api.q(from.toString()))
                .json()
                .get("items"))
        .isEmpty();
  }

  @Test
  void anOperatorActionIsRecordedWithUserRoleActionObjectAndResult() {
    Api admin = Api.as(port, Api.ADMIN);
    String name = "audited-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(
            admin
                .put(
                    "/api/v1/users/" + name,
                    "{\"password\":\"audited-password-1\",\"role\":\"viewer\"}")
                .status())
        .isEqualTo(204);
    JsonNode items =
        Api.as(port, Api.VIEWER)
            .get("/api/v1/audit?object=" + Api.q("user:" + name))
            .json()
            .get("items");
    assertThat(items).hasSize(1);
    JsonNode e = items.get(0);
    assertThat(e.get("actor").asText()).isEqualTo("admin");
    assertThat(e.get("role").asText()).isEqualTo("admin");
    assertThat(e.get("action").asText()).isEqualTo("put-user");
    assertThat(e.get("outcome").asText()).isEqualTo("saved");
    assertThat(e.get("hash").asText()).hasSize(64);
    assertThat(e.get("seq").asLong()).isPositive();
    assertThat(admin.delete("/api/v1/users/" + name).status()).isEqualTo(204);
  }

  record Run(int code, String out, String err) {}

  static Run audit(String user, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env =
        Map.of(
            "HUB_API_URL",
            "http://127.0.0.1:" + port,
            "HUB_API_USER",
            user,
            "HUB_API_PASSWORD",
            Api.PASSWORD);
    int code =
        HubCli.runAudit(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static JsonNode verifyByApi() {
    Api.Answer a = Api.as(port, Api.ADMIN).get("/api/v1/audit/verify");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json();
  }
}
