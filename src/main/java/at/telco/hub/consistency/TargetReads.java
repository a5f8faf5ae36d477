package at.telco.hub.consistency;

import at.telco.hub.canonical.Json;
import at.telco.hub.sink.SinkDeclaration;
import at.telco.hub.sink.SinkDeclaration.Table;
import at.telco.hub.sink.SinkWriter;
import com.fasterxml.jackson.databind.JsonNode;
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
   * never} condition holds. One statement, by index.
   */
  public static Map<String, ObjectNode> rows(
      Connection c, SinkWriter writer, String by, Collection<String> values) throws SQLException {
    SinkDeclaration sink = writer.sink();
    Table main = sink.main();
    // row_to_json and json_agg, not to_jsonb and jsonb_agg: the rows go out as text either way,
    // and json is written as it is read, where jsonb is built, sorted and copied once more for
    // each column taken out (those are taken out here, below)
    StringBuilder sql = new StringBuilder("SELECT t.").append(by).append("::text, row_to_json(t)");
    sql.append(", ").append(main.never() == null ? "false" : "(" + main.never() + ")");
    for (Table child : sink.children()) {
      sql.append(", (SELECT coalesce(json_agg(row_to_json(m)), '[]'::json) FROM ")
          .append(child.name())
          .append(" m WHERE m.")
          .append(child.parent())
          .append(" = t.")
          .append(main.key().get(0))
          .append(')');
    }
    sql.append(" FROM ")
        .append(main.name())
        .append(" t WHERE t.")
        .append(by)
        .append(" = ANY(?::")
        .append(writer.type(c, main, by))
        .append("[])");
    Map<String, ObjectNode> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
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
          for (int i = 0; i < sink.children().size(); i++) {
            Table child = sink.children().get(i);
            JsonNode children = Json.parse(rs.getString(4 + i));
            for (JsonNode r : children) {
              ((ObjectNode) r).remove(child.parent());
              if (child.touch() != null) {
                ((ObjectNode) r).remove(child.touch());
              }
            }
            row.set(child.row(), children);
          }
          out.put(rs.getString(1), row);
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
