package at.telco.hub.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a new version of a canonical JSON Schema keeps its consumers working: every document
 * valid against the newer version must be valid against the older one (consumers still on the older
 * version read what producers on the newer one write). So the newer version may add optional
 * properties (where the older one allows unknown ones) and tighten constraints, but not remove or
 * retype a property, drop a required one, add an enum value, loosen a length or a pattern.
 *
 * <p>A structural check of the keywords the canonical schemas use ({@code type, const, enum,
 * required, properties, additionalProperties, items, min/maxItems, min/maxLength, pattern, format,
 * minimum, maximum, allOf, if, then, $ref} to {@code $defs}); a keyword it does not know in the
 * older schema is a break unless the newer schema has it unchanged.
 */
public final class SchemaCompatibility {

  private static final Set<String> KNOWN =
      Set.of(
          "$schema",
          "$id",
          "$defs",
          "$ref",
          "title",
          "description",
          "type",
          "const",
          "enum",
          "required",
          "properties",
          "additionalProperties",
          "items",
          "minItems",
          "maxItems",
          "minLength",
          "maxLength",
          "pattern",
          "format",
          "minimum",
          "maximum",
          "allOf",
          "if",
          "then",
          "examples",
          "default");

  private final JsonNode olderRoot;
  private final JsonNode newerRoot;
  private final List<String> breaks = new ArrayList<>();
  private final Set<String> visiting = new HashSet<>();

  private SchemaCompatibility(JsonNode olderRoot, JsonNode newerRoot) {
    this.olderRoot = olderRoot;
    this.newerRoot = newerRoot;
  }

  /** What in {@code newer} would break consumers of {@code older}; empty when nothing does. */
  public static List<String> breakingChanges(JsonNode older, JsonNode newer) {
    SchemaCompatibility c = new SchemaCompatibility(older, newer);
    c.compare("$", older, newer);
    return List.copyOf(c.breaks);
  }

  private JsonNode resolve(JsonNode root, JsonNode schema) {
    JsonNode s = schema;
    for (int hops = 0; s != null && s.has("$ref") && hops < 20; hops++) {
      String ref = s.get("$ref").asText();
      if (!ref.startsWith("#/$defs/")) {
        return s; // compared as an opaque keyword
      }
      s = root.path("$defs").path(ref.substring("#/$defs/".length()));
      if (s.isMissingNode()) {
        return null;
      }
    }
    return s;
  }

  private void compare(String path, JsonNode olderSchema, JsonNode newerSchema) {
    JsonNode older = resolve(olderRoot, olderSchema);
    JsonNode newer = resolve(newerRoot, newerSchema);
    if (older == null || older.isMissingNode() || older.isBoolean() && older.asBoolean()) {
      return; // the older version accepts anything here
    }
    if (newer == null || newer.isMissingNode()) {
      breaks.add(path + ": the newer version no longer describes it");
      return;
    }
    String key = path + "|" + System.identityHashCode(older) + "|" + System.identityHashCode(newer);
    if (!visiting.add(key)) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : older.properties()) {
      if (!KNOWN.contains(e.getKey()) && !e.getValue().equals(newer.get(e.getKey()))) {
        breaks.add(path + ": keyword " + e.getKey() + " changed or removed");
      }
    }
    same(path, "type", older, newer);
    same(path, "const", older, newer);
    same(path, "format", older, newer);
    same(path, "pattern", older, newer);
    if (older.has("enum")) {
      Set<String> before = texts(older.get("enum"));
      if (!newer.has("enum") && !newer.has("const")) {
        breaks.add(path + ": no longer limited to " + before);
      } else {
        Set<String> after =
            newer.has("enum") ? texts(newer.get("enum")) : Set.of(newer.get("const").toString());
        Set<String> added = new TreeSet<>(after);
        added.removeAll(before);
        if (!added.isEmpty()) {
          breaks.add(path + ": adds values older consumers do not know: " + added);
        }
      }
    }
    atMost(path, "maxLength", older, newer);
    atMost(path, "maxItems", older, newer);
    atMost(path, "maximum", older, newer);
    atLeast(path, "minLength", older, newer);
    atLeast(path, "minItems", older, newer);
    atLeast(path, "minimum", older, newer);

    Set<String> required = texts(older.path("required"));
    required.removeAll(texts(newer.path("required")));
    if (!required.isEmpty()) {
      breaks.add(path + ": no longer required: " + required);
    }
    boolean olderClosed =
        older.path("additionalProperties").isBoolean()
            && !older.path("additionalProperties").asBoolean();
    for (Map.Entry<String, JsonNode> p : older.path("properties").properties()) {
      JsonNode n = newer.path("properties").get(p.getKey());
      if (n == null) {
        breaks.add(path + "." + p.getKey() + ": removed (older consumers rely on its shape)");
      } else {
        compare(path + "." + p.getKey(), p.getValue(), n);
      }
    }
    if (olderClosed) {
      for (Map.Entry<String, JsonNode> p : newer.path("properties").properties()) {
        if (!older.path("properties").has(p.getKey())) {
          breaks.add(
              path + "." + p.getKey() + ": added where the older version allows no other property");
        }
      }
      if (!(newer.path("additionalProperties").isBoolean()
          && !newer.path("additionalProperties").asBoolean())) {
        breaks.add(path + ": allows other properties where the older version did not");
      }
    }
    if (older.has("items")) {
      compare(path + "[]", older.get("items"), newer.get("items"));
    }
    if (older.has("allOf")) {
      JsonNode a = older.get("allOf");
      JsonNode b = newer.path("allOf");
      if (!b.isArray() || b.size() < a.size()) {
        breaks.add(path + ": drops conditions (allOf) of the older version");
      } else {
        for (int i = 0; i < a.size(); i++) {
          compareCondition(path + ".allOf[" + i + "]", a.get(i), b.get(i));
        }
      }
    }
    visiting.remove(key);
  }

  private void compareCondition(String path, JsonNode older, JsonNode newer) {
    if (older.has("if")) {
      if (!older.get("if").equals(newer.get("if"))) {
        breaks.add(path + ": its condition (if) changed");
        return;
      }
      compare(path + ".then", older.get("then"), newer.get("then"));
    } else {
      compare(path, older, newer);
    }
  }

  private void same(String path, String keyword, JsonNode older, JsonNode newer) {
    if (older.has(keyword) && !older.get(keyword).equals(newer.get(keyword))) {
      breaks.add(
          path
              + ": "
              + keyword
              + " "
              + older.get(keyword)
              + " became "
              + (newer.has(keyword) ? newer.get(keyword) : "unset"));
    }
  }

  private void atMost(String path, String keyword, JsonNode older, JsonNode newer) {
    if (older.has(keyword)
        && (!newer.has(keyword)
            || newer.get(keyword).decimalValue().compareTo(older.get(keyword).decimalValue())
                > 0)) {
      breaks.add(
          path
              + ": "
              + keyword
              + " "
              + older.get(keyword)
              + " loosened to "
              + (newer.has(keyword) ? newer.get(keyword) : "none"));
    }
  }

  private void atLeast(String path, String keyword, JsonNode older, JsonNode newer) {
    if (older.has(keyword)
        && (!newer.has(keyword)
            || newer.get(keyword).decimalValue().compareTo(older.get(keyword).decimalValue())
                < 0)) {
      breaks.add(
          path
              + ": "
              + keyword
              + " "
              + older.get(keyword)
              + " loosened to "
              + (newer.has(keyword) ? newer.get(keyword) : "none"));
    }
  }

  private static Set<String> texts(JsonNode array) {
    Set<String> out = new TreeSet<>();
    if (array != null) {
      array.forEach(v -> out.add(v.isTextual() ? v.asText() : v.toString()));
    }
    return out;
  }
}
