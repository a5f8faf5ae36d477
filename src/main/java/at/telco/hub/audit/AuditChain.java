package at.telco.hub.audit;

import at.telco.hub.canonical.ExportedSeals;
import at.telco.hub.canonical.Json;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tamper evidence of the audit trail (migrations V60, V62, V63): sealing the segments of past
 * days, exporting their seals out of the database, verifying every chain and seal (and each
 * writer's chain of segments), and retention, which drops whole sealed segments older than the
 * retention the owner set through the separate maintenance role (the hub's runtime role cannot
 * delete audit entries).
 */
public final class AuditChain {

  private static final Logger LOG = LoggerFactory.getLogger(AuditChain.class);

  /** One segment as stored. */
  private record Segment(
      long id,
      String day,
      String writer,
      long lastSeq,
      String lastHash,
      boolean sealed,
      String seal,
      String expectedSeal,
      Long prevSegment) {}

  /** A segment dropped by retention, as recorded by the database (V62). */
  private record Dropped(long id, String day, String writer, long lastSeq, String seal) {}

  private final DataSource hub;
  private final DataSource maintenance;

  /**
   * @param hub the hub database as its runtime role
   * @param maintenance the hub database as the maintenance role ({@code hub_audit_maintenance}), or
   *     null: then retention does not run
   */
  public AuditChain(DataSource hub, DataSource maintenance) {
    this.hub = hub;
    this.maintenance = maintenance;
  }

  public boolean retentionAvailable() {
    return maintenance != null;
  }

  /**
   * Seals the open segments of days before {@code before} (of one writer, or of all for null); each
   * seal is logged, so it is also kept outside the database. Answers how many were sealed. The
   * database refuses a day after today (UTC): today's segments are still open.
   */
  public int seal(LocalDate before, String writer) {
    // as the owner role (migration V61): the runtime role may not update segments itself
    String sql = "SELECT id, day, writer, last_seq, seal FROM hub.audit_seal_segments(?, ?)";
    int n = 0;
    try (Connection c = hub.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setDate(1, Date.valueOf(before));
      ps.setString(2, writer);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          n++;
          LOG.info(
              "audit segment {} ({} {}, {} entries) sealed: {}",
              rs.getLong(1),
              rs.getDate(2),
              rs.getString(3),
              rs.getLong(4),
              rs.getString(5));
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    return n;
  }

  /** Seals the segments of the days before yesterday-an-hour-ago (UTC): what the job runs. */
  public int sealClosed() {
    LocalDate before =
        java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).minusHours(1).toLocalDate();
    return seal(before, null);
  }

  /**
   * Appends to {@code file} (created owner-only if missing) one line for every sealed segment the
   * file does not list yet, and logs each: the seals kept outside the database, against which
   * {@code audit verify --seals FILE} checks the trail ({@link ExportedSeals}). Answers how many
   * were appended.
   */
  public int exportSeals(Path file) {
    Set<Long> known = ExportedSeals.read(file).keySet();
    List<String> lines = new ArrayList<>();
    Transactions.run(
        hub,
        "hub database",
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, day, writer, last_seq, seal FROM hub.audit_segment"
                          + " WHERE sealed_at IS NOT NULL ORDER BY id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              if (!known.contains(rs.getLong(1))) {
                lines.add(
                    ExportedSeals.line(
                        rs.getLong(1),
                        rs.getDate(2).toString(),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getString(5)));
              }
            }
          }
        });
    ExportedSeals.append(file, lines);
    for (String line : lines) {
      LOG.info("audit seal exported: {}", line);
    }
    return lines.size();
  }

  /**
   * Checks every segment: each entry's hash against its content, the sequence without gaps, each
   * entry's link to the one before, the segment's last entry and its seal. Answers {@code ok}, the
   * counts and every problem found, each naming the segment, the sequence number(s) and the entry.
   */
  public ObjectNode verify() {
    // one read-only transaction: the segments and their entries as of one moment
    return Transactions.read(hub, "hub database", AuditChain::verify);
  }

  private static ObjectNode verify(Connection c) throws SQLException {
    ObjectNode report = Json.object();
    ArrayNode problems = Json.MAPPER.createArrayNode();
    Map<Long, Segment> segments = new HashMap<>();
    long entries = 0;
    long sealed = 0;
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, day, writer, last_seq, last_hash, sealed_at IS NOT NULL, seal,"
                    + " hub.audit_segment_seal(s), prev_segment FROM hub.audit_segment s"
                    + " ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Segment s =
            new Segment(
                rs.getLong(1),
                rs.getDate(2).toString(),
                rs.getString(3),
                rs.getLong(4),
                rs.getString(5),
                rs.getBoolean(6),
                rs.getString(7),
                rs.getString(8),
                rs.getObject(9, Long.class));
        segments.put(s.id(), s);
      }
    }
    Map<Long, Dropped> dropped = new HashMap<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, day, writer, last_seq, seal FROM hub.audit_segment_dropped ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Dropped d =
            new Dropped(
                rs.getLong(1),
                rs.getDate(2).toString(),
                rs.getString(3),
                rs.getLong(4),
                rs.getString(5));
        dropped.put(d.id(), d);
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT e.id, e.segment_id, e.seq, e.prev_hash, e.hash,"
                + " hub.audit_entry_hash(e.prev_hash, e) FROM hub.audit_entry e"
                + " ORDER BY e.segment_id NULLS FIRST, e.seq, e.id")) {
      ps.setFetchSize(2000);
      try (ResultSet rs = ps.executeQuery()) {
        Long current = null;
        long expected = 1;
        String prevHash = null;
        Long prevId = null;
        List<Long> seen = new ArrayList<>();
        while (rs.next()) {
          entries++;
          long id = rs.getLong(1);
          long segmentId = rs.getLong(2);
          boolean noSegment = rs.wasNull();
          long seq = rs.getLong(3);
          String storedPrev = rs.getString(4);
          String hash = rs.getString(5);
          String recomputed = rs.getString(6);
          if (noSegment) {
            problems.add(problem("unchained", null, null, id, "entry has no segment"));
            continue;
          }
          if (current == null || current != segmentId) {
            if (current != null) {
              endOfSegment(segments.get(current), expected, prevHash, prevId, problems);
            }
            current = segmentId;
            seen.add(segmentId);
            expected = 1;
            prevHash = null;
            prevId = null;
            Segment s = segments.get(segmentId);
            if (s == null) {
              problems.add(
                  problem("segment-removed", segmentId, null, id, "its segment is missing"));
            } else if (seq == 1) {
              prevHash = startOf(s, segments, dropped, storedPrev, problems);
            }
          }
          if (!Objects.equals(hash, recomputed)) {
            problems.add(
                problem(
                    "altered", segmentId, seq, id, "the entry's content does not match its hash"));
          }
          if (seq > expected) {
            problems.add(removed(segmentId, expected, seq - 1, prevId, id, "before entry " + id));
          } else if (seq < expected) {
            problems.add(problem("duplicate", segmentId, seq, id, "sequence number used twice"));
          } else if (!Objects.equals(storedPrev, prevHash)) {
            problems.add(
                problem(
                    "chain-broken",
                    segmentId,
                    seq,
                    id,
                    "the entry does not continue the chain: the entry before it"
                        + (prevId == null ? "" : " (" + prevId + ")")
                        + " was altered or replaced"));
          }
          expected = seq + 1;
          prevHash = hash;
          prevId = id;
        }
        if (current != null) {
          endOfSegment(segments.get(current), expected, prevHash, prevId, problems);
        }
        for (Segment s : segments.values()) {
          if (!seen.contains(s.id()) && s.lastSeq() > 0) {
            problems.add(removed(s.id(), 1, s.lastSeq(), null, null, "every entry of the segment"));
          }
        }
      }
    }
    // a segment without entries still names its predecessor, which must be there or dropped
    for (Segment s : segments.values()) {
      if (s.lastSeq() == 0 && s.prevSegment() != null) {
        startOf(s, segments, dropped, null, problems);
      }
    }
    for (Segment s : segments.values()) {
      if (s.sealed()) {
        sealed++;
        if (!Objects.equals(s.seal(), s.expectedSeal())) {
          problems.add(
              problem(
                  "seal-broken",
                  s.id(),
                  null,
                  null,
                  "the segment's seal does not match its length and last hash"));
        }
      }
    }
    report.put("ok", problems.isEmpty());
    report.put("segments", segments.size());
    report.put("sealedSegments", sealed);
    report.put("entries", entries);
    report.put("droppedSegments", dropped.size());
    report.set("problems", problems);
    // the seals, to compare with those exported out of the database (verify --seals FILE)
    ArrayNode seals = report.putArray("seals");
    segments.values().stream()
        .filter(Segment::sealed)
        .sorted(java.util.Comparator.comparingLong(Segment::id))
        .forEach(s -> seal(seals, s.id(), s.day(), s.writer(), s.lastSeq(), s.seal(), false));
    dropped.values().stream()
        .sorted(java.util.Comparator.comparingLong(Dropped::id))
        .forEach(d -> seal(seals, d.id(), d.day(), d.writer(), d.lastSeq(), d.seal(), true));
    return report;
  }

  private static void seal(
      ArrayNode seals,
      long id,
      String day,
      String writer,
      long lastSeq,
      String seal,
      boolean dropped) {
    ObjectNode n = seals.addObject();
    n.put("segment", id);
    n.put("day", day);
    n.put("writer", writer);
    n.put("entries", lastSeq);
    n.put("seal", seal);
    if (dropped) {
      n.put("dropped", true);
    }
  }

  /**
   * The hash the first entry of segment {@code s} must continue: the seal of its writer's previous
   * segment (V63), which is either still in the trail or recorded as dropped by retention; null for
   * a segment that starts its writer's chain. A predecessor that is neither is reported, as is a
   * first entry that does not continue its seal ({@code storedPrev}, null: not checked here).
   */
  private static String startOf(
      Segment s,
      Map<Long, Segment> segments,
      Map<Long, Dropped> dropped,
      String storedPrev,
      ArrayNode problems) {
    Long prev = s.prevSegment();
    if (prev == null) {
      return null;
    }
    String seal;
    if (segments.containsKey(prev)) {
      seal = segments.get(prev).seal();
    } else if (dropped.containsKey(prev)) {
      seal = dropped.get(prev).seal();
    } else {
      problems.add(
          problem(
              "segment-removed",
              prev,
              null,
              null,
              "segment "
                  + prev
                  + " of writer "
                  + s.writer()
                  + " (before segment "
                  + s.id()
                  + ") is missing: it is neither in the trail nor dropped by retention"));
      return storedPrev;
    }
    if (storedPrev != null && !Objects.equals(storedPrev, seal)) {
      problems.add(
          problem(
              "chain-broken",
              s.id(),
              1L,
              null,
              "the segment does not continue its writer's previous segment "
                  + prev
                  + " (its first entry is not chained to that segment's seal)"));
      return storedPrev;
    }
    return seal;
  }

  private static void endOfSegment(
      Segment s, long expected, String lastHash, Long lastId, ArrayNode problems) {
    if (s == null) {
      return;
    }
    if (expected - 1 < s.lastSeq()) {
      problems.add(removed(s.id(), expected, s.lastSeq(), lastId, null, "at the segment's end"));
    } else if (expected - 1 > s.lastSeq()) {
      problems.add(
          problem("inserted", s.id(), expected - 1, lastId, "more entries than the segment has"));
    } else if (!Objects.equals(lastHash, s.lastHash())) {
      problems.add(
          problem(
              "chain-broken",
              s.id(),
              expected - 1,
              lastId,
              "the segment's last hash is not its last entry's"));
    }
  }

  private static ObjectNode removed(
      long segment, long fromSeq, long toSeq, Long afterId, Long beforeId, String where) {
    ObjectNode p = problem("removed", segment, fromSeq, null, null);
    p.put("seqTo", toSeq);
    if (afterId != null) {
      p.put("afterEntry", afterId);
    }
    if (beforeId != null) {
      p.put("beforeEntry", beforeId);
    }
    p.put(
        "detail",
        (toSeq - fromSeq + 1)
            + " entr"
            + (toSeq == fromSeq ? "y" : "ies")
            + " removed ("
            + where
            + ")");
    return p;
  }

  private static ObjectNode problem(
      String kind, Long segment, Long seq, Long entry, String detail) {
    ObjectNode p = Json.object();
    p.put("kind", kind);
    if (segment != null) {
      p.put("segment", segment);
    }
    if (seq != null) {
      p.put("seq", seq);
    }
    if (entry != null) {
      p.put("entry", entry);
    }
    if (detail != null) {
      p.put("detail", detail);
    }
    return p;
  }

  /**
   * Retention: drops the sealed segments of days before {@code before} (of one writer, or of all
   * for null) that are also older than the retention the owner set in the database ({@code
   * hub.audit_retention}, V62; none: nothing is dropped), with their entries, as the maintenance
   * role. The database refuses any other deletion and records each drop with its seal. Answers the
   * dropped segments (id, day, writer, entries, seal), which the caller records in the audit trail.
   */
  public ArrayNode dropExpired(LocalDate before, String writer) {
    if (maintenance == null) {
      throw new IllegalStateException(
          "audit retention needs the maintenance role (hub.audit.maintenance.username)");
    }
    ArrayNode dropped = Json.MAPPER.createArrayNode();
    Transactions.run(
        maintenance,
        "hub database (audit maintenance)",
        c -> {
          List<Long> ids = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, day, writer, last_seq, seal FROM hub.audit_segment"
                      + " WHERE sealed_at IS NOT NULL AND day < ?"
                      + " AND day < hub.audit_retention_horizon()"
                      + (writer == null ? "" : " AND writer = ?")
                      + " ORDER BY id")) {
            ps.setDate(1, Date.valueOf(before));
            if (writer != null) {
              ps.setString(2, writer);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getLong(1));
                ObjectNode n = dropped.addObject();
                n.put("segment", rs.getLong(1));
                n.put("day", rs.getDate(2).toString());
                n.put("writer", rs.getString(3));
                n.put("entries", rs.getLong(4));
                n.put("seal", rs.getString(5));
              }
            }
          }
          try (PreparedStatement entries =
                  c.prepareStatement("DELETE FROM hub.audit_entry WHERE segment_id = ?");
              PreparedStatement segment =
                  c.prepareStatement("DELETE FROM hub.audit_segment WHERE id = ?")) {
            for (long id : ids) {
              entries.setLong(1, id);
              entries.executeUpdate();
              segment.setLong(1, id);
              segment.executeUpdate();
            }
          }
        });
    return dropped;
  }
}
