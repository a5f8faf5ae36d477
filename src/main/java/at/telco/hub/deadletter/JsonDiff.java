package at.telco.hub.deadletter;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What an edit changed in a JSON document, as support reads it: one entry per changed leaf, with
 * its JSON path and the value before and after ({@code $.data.status: "ACTIV" -> "ACTIVE"}).
 */
public final class JsonDiff {

  private JsonDiff() {}

  public static ArrayNode between(JsonNode before, JsonNode after) {
    ArrayNode changes = Json.MAPPER.createArrayNode();
    walk("$", before, after, changes);
    return changes;
  }

  private static void walk(String path, JsonNode a, JsonNode b, ArrayNode out) {
    boolean aMissing = a == null || a.isMissingNode();
    boolean bMissing = b == null || b.isMissingNode();
    if (!aMissing && !bMissing && a.isObject() && b.isObject()) {
      Set<String> names = new LinkedHashSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        walk(path + "." + n, a.get(n), b.get(n), out);
      }
      return;
    }
    if (!aMissing && !bMissing && a.isArray() && b.isArray()) {
      for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
        walk(path + "[" + i + "]", a.get(i), b.get(i), out);
      }
      return;
    }
    if (aMissing && bMissing) {
      return;
    }
    if (!aMissing && !bMissing && a.equals(b)) {
      return;
    }
    ObjectNode change = out.addObject();
    change.put("path", path);
    change.put("change", aMissing ? "added" : bMissing ? "removed" : "changed");
    change.set("before", aMissing ? null : a);
    change.set("after", bMissing ? null : b);
  }

  /** The diff of two texts that are both JSON; empty when either is not. */
  public static ArrayNode between(String before, String after) {
    try {
      return between(Json.parse(before), Json.parse(after));
    } catch (RuntimeException e) {
      return Json.MAPPER.createArrayNode();
    }
  }
}
