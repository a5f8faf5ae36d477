package at.telco.hub.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every canonical entity the hub publishes is valid against the official TM Forum v5 schema of its
 * entity ({@link TmfSchemas}): the expected output of every golden fixture of a mapping to the
 * canonical model ({@code transformers/*-to-canonical-*}), and the canonical input of every fixture
 * of a mapping from it. The events of the running hub are checked the same way by {@code
 * EmbeddedDefaultIT}.
 */
class TmfConformanceTest {

  static final Path TRANSFORMERS = Path.of("transformers");
  static final TmfSchemas TMF = new TmfSchemas();

  /** The canonical documents among the fixtures: outputs to and inputs from the canonical model. */
  static List<Path> canonicalFixtures() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(TRANSFORMERS)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        String name = dir.getFileName().toString();
        String prefix =
            name.contains("-to-canonical-")
                ? "expected-"
                : name.startsWith("canonical-") ? "input-" : null;
        if (prefix == null) {
          continue;
        }
        try (Stream<Path> files = Files.list(dir)) {
          files
              .filter(f -> f.getFileName().toString().startsWith(prefix))
              .filter(f -> f.getFileName().toString().endsWith(".json"))
              .sorted()
              .forEach(out::add);
        }
      }
    }
    return out;
  }

  @TestFactory
  List<DynamicTest> everyCanonicalFixtureIsTmfValid() throws IOException {
    List<Path> fixtures = canonicalFixtures();
    assertThat(fixtures)
        .as("fixtures of every entity")
        .anyMatch(f -> f.toString().contains("to-canonical-customer/"))
        .anyMatch(f -> f.toString().contains("to-canonical-billing-account/"))
        .anyMatch(f -> f.toString().contains("to-canonical-customer-bill/"))
        .anyMatch(f -> f.toString().contains("to-canonical-service/"));
    List<DynamicTest> tests = new ArrayList<>();
    for (Path f : fixtures) {
      tests.add(
          DynamicTest.dynamicTest(
              TRANSFORMERS.relativize(f).toString(),
              () -> {
                JsonNode data = Json.MAPPER.readTree(f.toFile());
                // a canonical-* input may be wrapped as {"data": ..., ...} or be the data itself
                JsonNode entity = data.has("@type") ? data : data.path("data");
                assertThat(TMF.problems(entity)).as(f.toString()).isEmpty();
              }));
    }
    return tests;
  }

  static ObjectNode fixture(String path) throws IOException {
    return (ObjectNode) Json.MAPPER.readTree(TRANSFORMERS.resolve(path).toFile());
  }

  @Test
  void formatsAreAssertedAPaymentDueDateGivenAsADateFails() throws IOException {
    ObjectNode bill =
        fixture(
            "billing-to-canonical-customer-bill/expected-invoice-issued-in-the-spring-gap.json");
    bill.put("paymentDueDate", "2026-04-12");
    assertThat(TMF.problems(bill))
        .singleElement()
        .asString()
        .contains("TMF678 CustomerBill")
        .contains("paymentDueDate")
        .contains("date-time");
  }

  @Test
  void aBillStateOutsideTmf678sListFails() throws IOException {
    ObjectNode bill =
        fixture(
            "billing-to-canonical-customer-bill/expected-invoice-issued-in-the-spring-gap.json");
    bill.put("state", "inProgress");
    assertThat(TMF.problems(bill)).singleElement().asString().contains("$.state");
  }

  @Test
  void theAlternativeNamedByTypeIsTheOneThatMustMatch() throws IOException {
    ObjectNode service =
        fixture("network-to-canonical-service/expected-activated-with-unknown-fields-dropped.json");
    ObjectNode ref = (ObjectNode) service.path("relatedParty").get(0).path("partyOrPartyRole");
    assertThat(TMF.problems(service)).isEmpty();
    // PartyRef and PartyRoleRef both match a reference with an id: a plain oneOf would fail it
    ref.put("@type", "PartyRef");
    assertThat(TMF.problems(service)).isEmpty();
    // a PartyRoleRef needs its id (EntityRef)
    ref.put("@type", "PartyRoleRef");
    ref.remove("id");
    assertThat(TMF.problems(service)).isNotEmpty().allMatch(p -> p.contains("id"));
    // a @type that names none of the alternatives
    ref.put("id", "6b0f3c8e-1d2a-4f4b-9a51-2f7d8c3e9a01");
    ref.put("@type", "CustomerRef");
    assertThat(TMF.problems(service)).isNotEmpty().allMatch(p -> p.contains("@type"));
  }

  @Test
  void aSubclassNamedByTypeMustMatchWhereItsBaseClassIsReferenced() throws IOException {
    ObjectNode customer = fixture("crm-to-canonical-customer/expected-b2c.json");
    assertThat(TMF.problems(customer)).isEmpty();
    // Characteristic -> BooleanCharacteristic: its value is a boolean
    ((ObjectNode) customer.path("characteristic").get(1)).put("value", "no");
    assertThat(TMF.problems(customer))
        .singleElement()
        .asString()
        .contains("$.characteristic[1].value");
  }

  @Test
  void theEngagedPartyIsATmf632IndividualOrOrganization() throws IOException {
    ObjectNode customer = fixture("crm-to-canonical-customer/expected-b2c.json");
    ((ObjectNode) customer.path("engagedParty")).put("birthDate", "12.05.1970");
    assertThat(TMF.problems(customer))
        .singleElement()
        .asString()
        .contains("TMF632 Individual")
        .contains("$.engagedParty.birthDate");
    ((ObjectNode) customer.path("engagedParty")).put("@type", "Person");
    assertThat(TMF.problems(customer))
        .singleElement()
        .asString()
        .contains("neither Individual nor Organization");
  }

  @Test
  void everyDocumentConvertsAndEveryReferenceResolves() {
    for (String tmf : TmfSchemas.DOCUMENTS.keySet()) {
      ObjectNode defs = TMF.document(tmf);
      List<String> dangling = new ArrayList<>();
      refs(defs, defs, dangling);
      assertThat(dangling).as(tmf).isEmpty();
      assertThat(defs.toString())
          .as(tmf)
          .doesNotContain("#/components/")
          .doesNotContain("nullable");
    }
  }

  private static void refs(JsonNode node, ObjectNode defs, List<String> dangling) {
    if (node.isObject() && node.has("$ref") && node.get("$ref").isTextual()) {
      String ref = node.get("$ref").asText();
      if (!ref.startsWith("#/$defs/") || !defs.has(ref.substring("#/$defs/".length()))) {
        dangling.add(ref);
      }
    }
    node.forEach(n -> refs(n, defs, dangling));
  }

  @Test
  void nullableBecomesATypeWithNull() {
    ObjectNode api = Json.object();
    ObjectNode s = api.putObject("components").putObject("schemas");
    ObjectNode x = s.putObject("X");
    x.put("type", "object");
    ObjectNode a = x.putObject("properties").putObject("a");
    a.put("type", "string");
    a.put("nullable", true);
    a.put("example", "e");
    ObjectNode defs = TmfSchemas.convert(api);
    assertThat(defs.path("X").path("properties").path("a").toString())
        .isEqualTo("{\"type\":[\"string\",\"null\"]}");
  }
}
