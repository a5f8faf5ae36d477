package at.telco.hub.consistency;

import at.telco.hub.canonical.Json;
import at.telco.hub.consistency.Difference.Kind;
import at.telco.hub.mapping.MappingException;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.sink.SinkDeclaration;
import at.telco.hub.sink.SinkDeclaration.Table;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The comparison a sink's declaration gives: what the copy should hold is worked out by the very
 * mapping its route uses, over the columns the declaration says the mapping fills (main table and
 * child tables), and compared with what it holds.
 *
 * <ul>
 *   <li>a row under the table's {@code never} condition is not compared (the hub never writes it);
 *   <li>a change the sink does not take ({@code only}, {@code requires}) is not compared;
 *   <li>a record the master does not have: the copy keeps the row as {@code delete:} says (columns
 *       set to values), has none ({@code delete: row}), or has whatever the master's delete maps to
 *       (no {@code delete:}); a row left where it should not be is EXTRA;
 *   <li>otherwise MISSING when the copy has no row, DIFFERENT with the attribute names that differ.
 * </ul>
 */
public class DeclaredComparison implements Comparison {

  /** The column reads of a copy's rows add for the table's {@code never} condition. */
  public static final String NEVER = "$never";

  protected final Mappings mappings;

  public DeclaredComparison(Mappings mappings) {
    this.mappings = mappings;
  }

  @Override
  public Difference compare(Pair pair, Subject s) {
    SinkDeclaration sink = pair.sink();
    Table main = sink.main();
    JsonNode actual = s.actual();
    if (actual != null && actual.path(NEVER).asBoolean(false)) {
      return null;
    }
    if (!s.present() && (s.event() == null || main.delete() != null)) {
      return gone(pair, s, main);
    }
    if (sink.only() != null && !sink.only().equals(s.event().type())) {
      return null;
    }
    JsonNode doc;
    try {
      doc = mappings.apply(sink.mapping(), s.event().data());
    } catch (MappingException e) {
      return new Difference(pair, s.key(), Kind.UNMAPPABLE, List.of(), e.getMessage());
    }
    JsonNode row = rowOf(doc, main);
    for (String field : sink.requires()) {
      if (Json.text(row, field) == null) {
        return null; // not for this target
      }
    }
    if (actual == null) {
      // a record the master does not have that the copy never had is as it should be
      return s.present() ? new Difference(pair, s.key(), Kind.MISSING, List.of(), null) : null;
    }
    Projection.Builder expected = Projection.builder();
    Projection.Builder got = Projection.builder();
    project(expected, sink, row, doc);
    project(got, sink, actual, actual);
    more(pair, s, expected, got);
    List<String> differing = expected.build().differingAttributes(got.build());
    if (differing.isEmpty()) {
      return null;
    }
    return new Difference(
        pair, s.key(), s.present() ? Kind.DIFFERENT : Kind.EXTRA, differing, null);
  }

  /** A record the master does not have, whose row the declaration says what becomes of. */
  private Difference gone(Pair pair, Subject s, Table main) {
    JsonNode actual = s.actual();
    if (actual == null) {
      return null;
    }
    List<String> differing = new ArrayList<>();
    if (main.delete() != null) {
      for (Map.Entry<String, String> e : main.delete().entrySet()) {
        if (!e.getValue().equals(Json.text(actual, e.getKey()))) {
          differing.add(e.getKey());
        }
      }
      if (differing.isEmpty() && !main.deletesRows()) {
        return null;
      }
    }
    return extra(pair, s, differing);
  }

  /** A row the copy should not hold (as it is); a row the hub did not write is a person's call. */
  protected Difference extra(Pair pair, Subject s, List<String> attributes) {
    boolean ours = pair.master().wrote(s.record(), s.actual());
    return new Difference(
        pair,
        s.key(),
        Kind.EXTRA,
        attributes,
        ours
            ? null
            : "not written by the hub (its customer_id is not the one the hub assigned to this"
                + " record): a person decides whether it goes");
  }

  /** Attributes a named comparison adds to what is compared. */
  protected void more(Pair pair, Subject s, Projection.Builder expected, Projection.Builder got) {}

  /**
   * The declared columns of the main table's row and of the child tables' rows (found under their
   * {@code rows:} names in {@code children}).
   */
  static void project(Projection.Builder b, SinkDeclaration sink, JsonNode row, JsonNode children) {
    Table main = sink.main();
    b.putAll("", row, main.key());
    b.putAll("", row, main.columns());
    for (Table child : sink.children()) {
      for (JsonNode r : children.path(child.row())) {
        List<String> keys = new ArrayList<>();
        child.key().forEach(k -> keys.add(Json.text(r, k)));
        String prefix = child.row() + "[" + String.join("/", keys) + "]";
        b.put(prefix, "present");
        b.putAll(prefix + ".", r, child.columns());
      }
    }
  }

  /** The main table's row of a row document: the whole document or its {@code row:} part. */
  static JsonNode rowOf(JsonNode doc, Table main) {
    return main.row() == null ? doc : doc.path(main.row());
  }
}
