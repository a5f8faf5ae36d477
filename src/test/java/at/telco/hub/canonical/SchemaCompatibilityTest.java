package at.telco.hub.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build's compatibility check of the canonical schemas: each version of a schema must keep the
 * consumers of the version before it working. A breaking change fails this test, and so the build,
 * unless the version is declared breaking below with exactly the breaks it makes, and is published
 * under a new event type (docs/extending.md, "Canonical versions").
 */
class SchemaCompatibilityTest {

  static final Path DIR = Path.of("src/main/resources/schemas/canonical");

  /** The breaking versions: file -> exactly what it breaks for consumers of the version before. */
  static final Map<String, List<String>> BREAKING =
      Map.of(
          // TMF632 v5: Individual.birthDate is a date-time
          "customer.v3.schema.json",
          List.of("$.engagedParty.allOf[0].then.birthDate: format \"date\" became \"date-time\""),
          // TMF678 v5: CustomerBill.paymentDueDate is a date-time
          "customer-bill.v2.schema.json",
          List.of("$.paymentDueDate: format \"date\" became \"date-time\""));

  /**
   * The event types a breaking version is published under: new ones, with the version's number, so
   * consumers of the older types never meet it; its schema's description names them.
   */
  static final Map<String, List<String>> BREAKING_TYPES =
      Map.of(
          "customer.v3.schema.json",
          List.of(CanonicalTypes.CUSTOMER_CHANGE, CanonicalTypes.CUSTOMER_DELETE),
          "customer-bill.v2.schema.json",
          List.of(CanonicalTypes.CUSTOMER_BILL_CREATE));

  static JsonNode load(String name) throws IOException {
    try (InputStream in =
        SchemaCompatibility.class.getResourceAsStream("/schemas/canonical/" + name)) {
      return Json.MAPPER.readTree(in);
    }
  }

  @Test
  void everyVersionOfEveryCanonicalSchemaKeepsTheConsumersOfTheVersionBefore() throws IOException {
    Pattern versioned = Pattern.compile("(.+)\\.v(\\d+)\\.schema\\.json");
    Map<String, TreeMap<Integer, String>> families = new TreeMap<>();
    try (Stream<Path> files = Files.list(DIR)) {
      files.forEach(
          f -> {
            Matcher m = versioned.matcher(f.getFileName().toString());
            if (m.matches()) {
              families
                  .computeIfAbsent(m.group(1), k -> new TreeMap<>())
                  .put(Integer.parseInt(m.group(2)), f.getFileName().toString());
            }
          });
    }
    assertThat(families.get("customer")).as("customer has a second version").hasSizeGreaterThan(1);
    int pairs = 0;
    for (Map.Entry<String, TreeMap<Integer, String>> family : families.entrySet()) {
      String previous = null;
      for (String file : family.getValue().values()) {
        if (previous != null) {
          assertThat(SchemaCompatibility.breakingChanges(load(previous), load(file)))
              .as(file + " against " + previous)
              .isEqualTo(BREAKING.getOrDefault(file, List.of()));
          pairs++;
        }
        previous = file;
      }
    }
    assertThat(pairs).isPositive();
    assertThat(BREAKING.keySet()).allMatch(f -> Files.exists(DIR.resolve(f)));
  }

  @Test
  void aBreakingVersionIsPublishedUnderANewEventType() throws IOException {
    Pattern versioned = Pattern.compile(".+\\.v(\\d+)\\.schema\\.json");
    Pattern eventType = Pattern.compile("at\\.telco\\.hub\\.tmf\\d+\\.(\\w+\\.v(\\d+))");
    for (Map.Entry<String, List<String>> b : BREAKING_TYPES.entrySet()) {
      Matcher file = versioned.matcher(b.getKey());
      assertThat(file.matches()).isTrue();
      for (String type : b.getValue()) {
        Matcher t = eventType.matcher(type);
        assertThat(t.matches()).as(type).isTrue();
        assertThat(t.group(2)).as(type + " for " + b.getKey()).isEqualTo(file.group(1));
        assertThat(load(b.getKey()).path("description").asText())
            .as(b.getKey())
            .contains(t.group(1));
      }
    }
    assertThat(BREAKING_TYPES.keySet()).isEqualTo(BREAKING.keySet());
  }

  static ObjectNode v1() throws IOException {
    return (ObjectNode) load("customer.v1.schema.json");
  }

  static List<String> breaks(ObjectNode newer) throws IOException {
    return SchemaCompatibility.breakingChanges(v1(), newer);
  }

  @Test
  void anOptionalPropertyAddedIsCompatible() throws IOException {
    ObjectNode v2 = v1();
    ((ObjectNode) v2.path("properties")).putObject("nickname").put("type", "string");
    assertThat(breaks(v2)).isEmpty();
  }

  @Test
  void aRemovedPropertyBreaks() throws IOException {
    ObjectNode v2 = v1();
    ((ObjectNode) v2.path("properties")).remove("characteristic");
    assertThat(breaks(v2))
        .containsExactly("$.characteristic: removed (older consumers rely on its shape)");
  }

  @Test
  void aRequiredPropertyMadeOptionalBreaks() throws IOException {
    ObjectNode v2 = v1();
    ArrayNode required = v2.putArray("required");
    required.add("@type").add("id").add("externalReference");
    assertThat(breaks(v2)).containsExactly("$: no longer required: [status]");
  }

  @Test
  void aNewEnumValueBreaks() throws IOException {
    ObjectNode v2 = v1();
    ((ArrayNode) v2.path("properties").path("status").path("enum")).add("SUSPENDED");
    assertThat(breaks(v2))
        .containsExactly("$.status: adds values older consumers do not know: [SUSPENDED]");
  }

  @Test
  void aRetypedOrLoosenedPropertyInADefinitionBreaks() throws IOException {
    ObjectNode v2 = v1();
    ObjectNode individual = (ObjectNode) v2.path("$defs").path("Individual").path("properties");
    individual.putObject("birthDate").put("type", "integer");
    ((ObjectNode) individual.path("givenName")).put("maxLength", 200);
    assertThat(breaks(v2))
        .containsExactlyInAnyOrder(
            "$.engagedParty.allOf[0].then.birthDate: type \"string\" became \"integer\"",
            "$.engagedParty.allOf[0].then.birthDate: format \"date\" became unset",
            "$.engagedParty.allOf[0].then.givenName: maxLength 80 loosened to 200");
  }

  @Test
  void theShippedSecondVersionIsReadByTheFirst() throws IOException {
    // a v2 document (with validFor) is valid against v1: the structural check in practice
    CanonicalSchemas schemas = new CanonicalSchemas();
    ObjectNode data = Json.object();
    data.put("@type", "Customer");
    data.put("id", "0b8a3f7c-2d4e-4f6a-9b1c-3d5e7f9a1b2c");
    data.put("status", "ACTIVE");
    data.putObject("validFor").put("startDateTime", "2026-01-02T03:04:05Z");
    ObjectNode ref = data.putArray("externalReference").addObject();
    ref.put("@type", "ExternalIdentifier");
    ref.put("owner", "crm");
    ref.put("externalIdentifierType", "CrmAccount");
    ref.put("id", "ACC-1");
    assertThat(schemas.dataProblems(CanonicalTypes.CUSTOMER_SCHEMA_V2, data)).isEmpty();
    assertThat(schemas.dataProblems(CanonicalTypes.CUSTOMER_SCHEMA, data)).isEmpty();
    data.withObjectProperty("validFor").put("startDateTime", "yesterday");
    assertThat(schemas.dataProblems(CanonicalTypes.CUSTOMER_SCHEMA_V2, data))
        .singleElement()
        .asString()
        .contains("validFor.startDateTime");
  }
}
