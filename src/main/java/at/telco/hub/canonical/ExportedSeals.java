package at.telco.hub.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit trail's seals kept outside the database: a file of one JSON line per sealed segment
 * ({@code {"segment":12,"day":"2026-12-05","writer":"hub-1","entries":40,"seal":"…"}}), which the
 * seal job ({@code hub.audit.seals-file}) and the {@code audit-maintenance} command append to; or
 * the hub's own log, whose seal lines ({@code audit segment 12 (2026-12-05 hub-1, 40 entries)
 * sealed: …} and {@code audit seal exported: …}, plain or JSON) are read as well. {@code audit
 * verify --seals FILE} compares them with the seals in the database: a segment whose seal differs
 * was recomputed (the owner rewrote the chain), one that is neither in the trail nor recorded as
 * dropped by retention was removed.
 */
public final class ExportedSeals {

  /** One exported seal. */
  public record Seal(long segment, String day, String writer, long entries, String seal) {}

  private static final Pattern JSON_LINE =
      Pattern.compile(
          "\\{\"segment\":(\\d+),\"day\":\"([0-9-]+)\",\"writer\":\"([^\"]*)\",\"entries\":(\\d+),"
              + "\"seal\":\"([0-9a-f]{64})\"\\}");
  private static final Pattern LOG_LINE =
      Pattern.compile(
          "audit segment (\\d+) \\(([0-9-]+) (\\S+), (\\d+) entries\\) sealed: ([0-9a-f]{64})");

  private ExportedSeals() {}

  /** The file's line for one seal. */
  public static String line(long segment, String day, String writer, long entries, String seal) {
    ObjectNode n = Json.object();
    n.put("segment", segment);
    n.put("day", day);
    n.put("writer", writer);
    n.put("entries", entries);
    n.put("seal", seal);
    return n.toString();
  }

  /** The seals a file (or a log) lists, by segment; an absent file lists none. */
  public static Map<Long, Seal> read(Path file) {
    Map<Long, Seal> seals = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return seals;
    }
    try {
      for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String line = raw.replace("\\\"", "\""); // a JSON log line quotes the seal's JSON
        for (Pattern p : List.of(JSON_LINE, LOG_LINE)) {
          Matcher m = p.matcher(line);
          if (m.find()) {
            Seal s =
                new Seal(
                    Long.parseLong(m.group(1)),
                    m.group(2),
                    m.group(3),
                    Long.parseLong(m.group(4)),
                    m.group(5));
            seals.put(s.segment(), s);
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return seals;
  }

  /** Appends lines to the file, created readable and writable by its owner only. */
  public static void append(Path file, List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    try {
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException exists) {
        // appended to
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.write(
          file,
          (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The problems of the database's seals ({@code seals} of a verify report) against the exported
   * ones: a seal that differs ({@code seal-mismatch}: the segment was rewritten and resealed), an
   * exported segment the database has not ({@code segment-removed}). A segment sealed after the
   * last export is not a problem.
   */
  public static ArrayNode compare(Map<Long, Seal> exported, JsonNode databaseSeals) {
    Map<Long, JsonNode> db = new LinkedHashMap<>();
    for (JsonNode n : databaseSeals) {
      db.put(n.path("segment").asLong(), n);
    }
    ArrayNode problems = Json.MAPPER.createArrayNode();
    for (Seal s : exported.values()) {
      JsonNode d = db.get(s.segment());
      if (d == null) {
        problems.add(
            problem(
                "segment-removed",
                s,
                "segment "
                    + s.segment()
                    + " ("
                    + s.day()
                    + " "
                    + s.writer()
                    + ", "
                    + s.entries()
                    + " entries) was sealed but is neither in the trail nor dropped by retention"));
      } else if (!s.seal().equals(d.path("seal").asText())
          || s.entries() != d.path("entries").asLong()) {
        problems.add(
            problem(
                "seal-mismatch",
                s,
                "the segment's seal in the database is not the one exported when it was sealed:"
                    + " the segment was rewritten"));
      }
    }
    return problems;
  }

  private static ObjectNode problem(String kind, Seal s, String detail) {
    ObjectNode p = Json.object();
    p.put("kind", kind);
    p.put("segment", s.segment());
    p.put("detail", detail);
    return p;
  }
}
