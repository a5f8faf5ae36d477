package at.telco.hub.consistency;

import at.telco.hub.canonical.Json;
import at.telco.hub.sink.SinkDeclaration;
import at.telco.hub.sink.SinkDeclaration.Table;
import at.telco.hub.sink.SinkWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the copies hold, read by key (one statement per chunk of keys, by index), and the keys a
 * table has, page by page (keyset pagination in the table's own order): never a whole table at
 * once.
 */
public final class TargetReads {

  private TargetReads() {}

  /**
   * The rows of a sink's main table whose column {@code by} holds one of {@code values}, by that
   * value: each as its columns (without its versions and touch columns), its child tables' rows
   * under their {@code rows:} names, and {@link DeclaredComparison#NEVER} where the table's {@code
   * never} condition holds. One statement for the main table and one per child table, by index
   * (each with its own snapshot: a record changed in between looks different, like any record
   * changed while a run reads it, and the run's second look after the settle time sorts it out).
   */
  public static Map<String, ObjectNode> rows(
      Connection c, SinkWriter writer, String by, Collection<String> values) throws SQLException {
    SinkDeclaration sink = writer.sink();
    Table main = sink.main();
    String parentKey = main.key().get(0);
    // the main key only where child rows are looked up by it
    boolean hasChildren = !sink.children().isEmpty();
    // row_to_json, not to_jsonb: the rows go out as text either way, and json is written as it is
    // read, where jsonb is built, sorted and copied once more for each column taken out (those
    // are taken out here, below)
    String sql =
        "SELECT t."
            + by
            + "::text, row_to_json(t), "
            + (main.never() == null ? "false" : "(" + main.never() + ")")
            + (hasChildren ? ", t." + parentKey + "::text" : "")
            + " FROM "
            + main.name()
            + " t WHERE t."
            + by
            + " = ANY(?::"
            + writer.type(c, main, by)
            + "[])";
    Map<String, ObjectNode> out = new HashMap<>();
    Map<String, ObjectNode> byParent = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", values.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ObjectNode row = (ObjectNode) Json.parse(rs.getString(2));
          if (!sink.versions().inHub()) {
            row.remove(sink.versions().column());
          }
          if (main.touch() != null) {
            row.remove(main.touch());
          }
          if (rs.getBoolean(3)) {
            row.put(DeclaredComparison.NEVER, true);
          }
          out.put(rs.getString(1), row);
          if (hasChildren) {
            byParent.put(rs.getString(4), row);
          }
        }
      }
    }
    for (Table child : sink.children()) {
      // the children of all the rows in one statement (by index), not a sub-select per row
      byParent.values().forEach(row -> row.putArray(child.row()));
      if (byParent.isEmpty()) {
        continue;
      }
      String children =
          "SELECT m."
              + child.parent()
              + "::text, row_to_json(m) FROM "
              + child.name()
              + " m WHERE m."
              + child.parent()
              + " = ANY(?::"
              + writer.type(c, main, parentKey)
              + "[])";
      try (PreparedStatement ps = c.prepareStatement(children)) {
        ps.setArray(1, c.createArrayOf("text", byParent.keySet().toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ObjectNode r = (ObjectNode) Json.parse(rs.getString(2));
            r.remove(child.parent());
            if (child.touch() != null) {
              r.remove(child.touch());
            }
            ((ArrayNode) byParent.get(rs.getString(1)).get(child.row())).add(r);
          }
        }
      }
    }
    return out;
  }

  /**
   * Every value of a sink's main-table column {@code column}, in the column's order, handed on
   * {@code chunk} at a time: one statement through a cursor ({@code c} must have auto-commit off),
   * by index.
   */
  public static void allKeys(
      Connection c, SinkWriter writer, String column, int chunk, Consumer<List<String>> each)
      throws SQLException {
    Table main = writer.sink().main();
    String sql =
        "SELECT "
            + column
            + "::text FROM "
            + main.name()
            + " WHERE "
            + column
            + " IS NOT NULL ORDER BY "
            + column;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setFetchSize(chunk);
      try (ResultSet rs = ps.executeQuery()) {
        List<String> keys = new ArrayList<>(chunk);
        while (rs.next()) {
          keys.add(rs.getString(1));
          if (keys.size() == chunk) {
            each.accept(keys);
            keys = new ArrayList<>(chunk);
          }
        }
        if (!keys.isEmpty()) {
          each.accept(keys);
        }
      }
    }
  }

  /** Which of {@code keys} {@code table.column} has. */
  static Set<String> existing(Connection c, String table, String column, Collection<String> keys)
      throws SQLException {
    // "= ANY" (a hashed filter over a scan of the table, where the planner prefers it): for
    // thousands of keys that is cheaper than as many index look-ups, measured
    String sql =
        "SELECT " + column + " FROM " + table + " WHERE " + column + " = ANY(?::varchar[])";
    Set<String> found = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("varchar", keys.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
    }
    return found;
  }
}
