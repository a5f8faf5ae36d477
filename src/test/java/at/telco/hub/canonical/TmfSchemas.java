package at.telco.hub.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The official TM Forum v5 schemas of the canonical entities (src/test/resources/tmf/, copies of
 * {@code ../shared/tmf/}), converted from OpenAPI 3.0.1 to JSON Schema 2020-12 for the validator
 * the hub uses (networknt), with format assertions on ({@code date-time} is only an annotation by
 * default). A canonical event's data is TMF-valid when it matches the schema of its entity:
 * Customer (TMF629; its engaged party, given by value, also TMF632 Individual or Organization),
 * BillingAccount (TMF666), CustomerBill (TMF678), Service (TMF638).
 *
 * <p>The conversion: {@code $ref: '#/components/schemas/X'} becomes {@code #/$defs/X}; {@code
 * nullable: true} adds {@code null} to the type (and to an enum); {@code example} and {@code x-*}
 * go. A {@code discriminator} on {@code @type} is a rule beyond JSON Schema, applied as TM Forum
 * means it:
 *
 * <ul>
 *   <li>a {@code oneOf} (or {@code anyOf}) with a discriminator: the alternative named by the
 *       object's {@code @type} (through the mapping, or by its schema name) is the one that must
 *       match, and {@code @type} must name one of them (plain {@code oneOf} would fail wherever two
 *       alternatives both match, as {@code PartyRef} and {@code PartyRoleRef} do);
 *   <li>a base class with a discriminator mapping to its subclasses (ContactMedium, Characteristic,
 *       Account): where the base class is referenced, an object whose {@code @type} names a
 *       subclass must match that subclass too. A reference inside {@code allOf} is the inheritance
 *       itself and takes the base class plainly (no loop).
 * </ul>
 */
public final class TmfSchemas {

  /** The official documents, by TMF number: file, version. */
  public static final Map<String, String> DOCUMENTS =
      Map.of(
          "TMF629", "TMF629-Customer_Management-v5.0.1.oas.yaml",
          "TMF632", "TMF632-Party_Management-v5.0.0.oas.yaml",
          "TMF638", "TMF638-Service_Inventory_Management-v5.0.0.oas.yaml",
          "TMF666", "TMF666-Account_Management-v5.0.0.oas.yaml",
          "TMF678", "TMF678-CustomerBill-v5.0.0.oas.yaml");

  /** The canonical entities by their {@code @type}: TMF document. */
  public static final Map<String, String> ENTITIES =
      Map.of(
          "Customer", "TMF629",
          "BillingAccount", "TMF666",
          "CustomerBill", "TMF678",
          "Service", "TMF638");

  private static final String BY_TYPE = "__byType";
  private static final String COMPONENTS = "#/components/schemas/";

  private final JsonSchemaFactory factory =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private final SchemaValidatorsConfig config =
      SchemaValidatorsConfig.builder()
          .formatAssertionsEnabled(true)
          .pathType(PathType.JSON_PATH)
          .build();
  private final Map<String, ObjectNode> converted = new HashMap<>();
  private final Map<String, JsonSchema> compiled = new HashMap<>();

  /** The converted document of {@code tmf} (e.g. TMF678): its {@code $defs}, one per schema. */
  public synchronized ObjectNode document(String tmf) {
    return converted.computeIfAbsent(tmf, t -> convert(read(t)));
  }

  /** The compiled schema {@code name} of document {@code tmf}, e.g. TMF678 CustomerBill. */
  public synchronized JsonSchema schema(String tmf, String name) {
    return compiled.computeIfAbsent(
        tmf + "/" + name,
        k -> {
          ObjectNode defs = document(tmf);
          if (!defs.has(name)) {
            throw new IllegalArgumentException(tmf + " has no schema " + name);
          }
          ObjectNode root = JsonNodeFactory.instance.objectNode();
          root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
          root.put("$id", "urn:telco-hub:tmf:" + tmf + ":" + name);
          root.put("$ref", "#/$defs/" + name);
          root.set("$defs", defs);
          return factory.getSchema(root, config);
        });
  }

  /**
   * The problems of {@code data} against schema {@code name} of {@code tmf}, each with its path.
   */
  public List<String> problems(String tmf, String name, JsonNode data) {
    List<String> out = new ArrayList<>();
    for (ValidationMessage m : schema(tmf, name).validate(data)) {
      out.add(tmf + " " + name + ": " + m.getMessage());
    }
    return out;
  }

  /**
   * The problems of a canonical event's data against the official schema of its entity (by its
   * {@code @type}); empty when it is TMF-valid.
   */
  public List<String> problems(JsonNode data) {
    String type = data.path("@type").asText(null);
    String tmf = type == null ? null : ENTITIES.get(type);
    if (tmf == null) {
      return List.of("$.@type: " + type + " is not a canonical entity " + ENTITIES.keySet());
    }
    List<String> out = new ArrayList<>(problems(tmf, type, data));
    if ("Customer".equals(type) && data.has("engagedParty")) {
      // TMF629 references the party (PartyRef); the hub gives it by value: TMF632 is its schema
      JsonNode party = data.get("engagedParty");
      String partyType = party.path("@type").asText(null);
      if ("Individual".equals(partyType) || "Organization".equals(partyType)) {
        problems("TMF632", partyType, party).stream()
            .map(p -> p.replace(": $", ": $.engagedParty"))
            .forEach(out::add);
      } else {
        out.add("$.engagedParty.@type: " + partyType + " is neither Individual nor Organization");
      }
    }
    return out;
  }

  /** The problems of {@code event}'s data, each prefixed with the event's type and subject. */
  public List<String> problems(CanonicalEvent event) {
    return problems(event.data()).stream()
        .map(p -> event.type() + " " + event.subject() + ": " + p)
        .toList();
  }

  private static JsonNode read(String tmf) {
    String file = DOCUMENTS.get(tmf);
    if (file == null) {
      throw new IllegalArgumentException("unknown TMF document " + tmf);
    }
    try (InputStream in = TmfSchemas.class.getResourceAsStream("/tmf/" + file)) {
      if (in == null) {
        throw new IllegalStateException("/tmf/" + file + " is not on the classpath");
      }
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- OpenAPI 3.0.1 -> JSON Schema 2020-12

  /** components/schemas converted, plus {@code X__byType} for every base class with subclasses. */
  static ObjectNode convert(JsonNode openApi) {
    JsonNode schemas = openApi.path("components").path("schemas");
    Map<String, Map<String, String>> subclasses = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : schemas.properties()) {
      JsonNode s = e.getValue();
      if (s.has("discriminator") && !s.has("oneOf") && !s.has("anyOf")) {
        Map<String, String> subs = new LinkedHashMap<>();
        mapping(s.get("discriminator"))
            .forEach(
                (type, target) -> {
                  if (!target.equals(e.getKey())) {
                    subs.put(type, target);
                  }
                });
        if (!subs.isEmpty()) {
          subclasses.put(e.getKey(), subs);
        }
      }
    }
    Converter c = new Converter(subclasses.keySet());
    ObjectNode defs = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : schemas.properties()) {
      defs.set(e.getKey(), c.convert(e.getValue(), false));
    }
    for (Map.Entry<String, Map<String, String>> base : subclasses.entrySet()) {
      ObjectNode typed = JsonNodeFactory.instance.objectNode();
      ArrayNode all = typed.putArray("allOf");
      all.addObject().put("$ref", "#/$defs/" + base.getKey());
      base.getValue()
          .forEach(
              (type, target) -> {
                if (!defs.has(target)) {
                  throw new IllegalStateException(
                      base.getKey() + ": discriminator maps " + type + " to unknown " + target);
                }
                all.add(ifType(type, "#/$defs/" + target));
              });
      defs.set(base.getKey() + BY_TYPE, typed);
    }
    return defs;
  }

  /** The discriminator's mapping: {@code @type} value -> schema name. */
  private static Map<String, String> mapping(JsonNode discriminator) {
    if (!"@type".equals(discriminator.path("propertyName").asText())) {
      throw new IllegalStateException("a discriminator on " + discriminator.path("propertyName"));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> m : discriminator.path("mapping").properties()) {
      out.put(m.getKey(), name(m.getValue().asText()));
    }
    return out;
  }

  private static String name(String ref) {
    if (!ref.startsWith(COMPONENTS)) {
      throw new IllegalStateException("a reference outside components/schemas: " + ref);
    }
    return ref.substring(COMPONENTS.length());
  }

  /** {@code if @type == type then $ref}. */
  private static ObjectNode ifType(String type, String ref) {
    ObjectNode rule = JsonNodeFactory.instance.objectNode();
    ObjectNode when = rule.putObject("if");
    when.putArray("required").add("@type");
    when.putObject("properties").putObject("@type").put("const", type);
    rule.putObject("then").put("$ref", ref);
    return rule;
  }

  private static final class Converter {

    private final Set<String> polymorphic;

    Converter(Set<String> polymorphic) {
      this.polymorphic = polymorphic;
    }

    private String ref(String name, boolean inheritance) {
      return "#/$defs/" + (!inheritance && polymorphic.contains(name) ? name + BY_TYPE : name);
    }

    JsonNode convert(JsonNode node, boolean inheritance) {
      if (node.isArray()) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        node.forEach(n -> out.add(convert(n, inheritance)));
        return out;
      }
      if (!node.isObject()) {
        return node;
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      boolean nullable = node.path("nullable").asBoolean(false);
      JsonNode discriminator = node.get("discriminator");
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String key = e.getKey();
        JsonNode value = e.getValue();
        switch (key) {
          case "nullable", "example", "discriminator" -> {}
          case "$ref" -> out.put("$ref", ref(name(value.asText()), inheritance));
          case "allOf" -> out.withArrayProperty("allOf").addAll((ArrayNode) convert(value, true));
          case "oneOf", "anyOf" -> {
            if (discriminator == null) {
              out.set(key, convert(value, false));
            } else {
              out.withArrayProperty("allOf").addAll(byType(value, discriminator));
            }
          }
          case "properties" -> {
            ObjectNode props = out.putObject(key);
            value.properties().forEach(p -> props.set(p.getKey(), convert(p.getValue(), false)));
          }
          case "items", "additionalProperties", "not" -> out.set(key, convert(value, false));
          default -> {
            if (!key.startsWith("x-")) {
              out.set(key, value);
            }
          }
        }
      }
      if (nullable) {
        nullable(out);
      }
      return out;
    }

    /** The alternatives of a discriminated oneOf: the one its {@code @type} names must match. */
    private List<JsonNode> byType(JsonNode alternatives, JsonNode discriminator) {
      Map<String, String> types = mapping(discriminator);
      Set<String> names = new LinkedHashSet<>();
      alternatives.forEach(a -> names.add(name(a.path("$ref").asText())));
      for (String n : names) {
        if (!types.containsValue(n)) {
          types.put(n, n); // implicit mapping: the schema's name
        }
      }
      List<JsonNode> out = new ArrayList<>();
      ObjectNode known = JsonNodeFactory.instance.objectNode();
      known.putArray("required").add("@type");
      ArrayNode values = known.putObject("properties").putObject("@type").putArray("enum");
      types.keySet().forEach(values::add);
      out.add(known);
      types.forEach((type, target) -> out.add(ifType(type, ref(target, false))));
      return out;
    }

    private static void nullable(ObjectNode out) {
      JsonNode type = out.get("type");
      if (type != null && type.isTextual()) {
        ArrayNode types = out.putArray("type");
        types.add(type.asText()).add("null");
      }
      if (out.has("enum")) {
        ((ArrayNode) out.get("enum")).addNull();
      }
      if (type == null && !out.isEmpty()) {
        ObjectNode copy = out.deepCopy();
        out.removeAll();
        out.putArray("anyOf").add(copy).addObject().put("type", "null");
      }
    }
  }
}
