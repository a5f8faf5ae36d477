package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management API's OpenAPI document, built as the hub builds it (from the REST DSL of the route
 * files and openapi/contract.yaml, without any server), is the one kept in the repository
 * (src/main/openapi/hub-api.json, from which the command line's client is generated; write it anew
 * with {@code -Dopenapi.write=true}) and is complete: every operation has an id, a tag, a summary,
 * its role, the security requirement, the header state-changing requests need, a request body where
 * it takes one, and only declared answers, each success with a JSON schema and each error an RFC
 * 9457 problem document. {@code ApiSecurityIT} checks that the hub serves this document, and the
 * tests' client ({@code at.telco.hub.testing.Api}) that no operation answers a status it does not
 * list.
 */
class ApiContractTest {

  static final Path KEPT = Path.of("src/main/openapi/hub-api.json");
  private static ObjectNode doc;

  @BeforeAll
  static void build() throws Exception {
    try (DefaultCamelContext context = new DefaultCamelContext()) {
      context.getRestConfiguration().setComponent("platform-http");
      context.getRestConfiguration().setContextPath("/api/v1");
      List<Resource> files = new ArrayList<>();
      for (String f :
          List.of(
              "management-api.camel.yaml", "consistency-api.camel.yaml", "erasure.camel.yaml")) {
        files.add(PluginHelper.getResourceLoader(context).resolveResource("file:routes/" + f));
      }
      PluginHelper.getRoutesLoader(context).loadRoutes(files);
      doc = ApiContract.document(context);
    }
  }

  /** The document as the repository keeps it: JSON, two spaces, a final newline. */
  static String text(JsonNode doc) throws Exception {
    return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n";
  }

  @Test
  void theRepositoryKeepsTheDocumentTheHubServes() throws Exception {
    String built = text(doc);
    if (Boolean.getBoolean("openapi.write")) {
      Files.createDirectories(KEPT.getParent());
      Files.writeString(KEPT, built, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(KEPT, StandardCharsets.UTF_8))
        .as("%s is out of date: run this test with -Dopenapi.write=true", KEPT)
        .isEqualTo(built);
  }

  @Test
  void everyOperationIsComplete() {
    assertThat(doc.path("openapi").asText()).isEqualTo("3.0.3");
    Set<String> tags = new HashSet<>();
    doc.path("tags").forEach(t -> tags.add(t.get("name").asText()));
    Set<String> ids = new TreeSet<>();
    int operations = 0;
    for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> m : path.getValue().properties()) {
        operations++;
        String method = m.getKey();
        JsonNode op = m.getValue();
        String name = method.toUpperCase() + " " + path.getKey();
        assertThat(op.path("operationId").asText()).as("operationId of %s", name).isNotBlank();
        assertThat(ids.add(op.get("operationId").asText())).as("unique id of %s", name).isTrue();
        assertThat(op.path("tags")).as("tags of %s", name).isNotEmpty();
        op.path("tags").forEach(t -> assertThat(tags).as("tag of %s", name).contains(t.asText()));
        assertThat(op.path("summary").asText()).as("summary of %s", name).isNotBlank();
        assertThat(op.path("description").asText()).as("description of %s", name).isNotBlank();
        assertThat(op.path("x-hub-role").asText())
            .as("role of %s", name)
            .isIn("viewer", "support", "operator", "admin");
        assertThat(op.path("security").toString())
            .as("security of %s", name)
            .isEqualTo("[{\"hubAuth\":[]},{\"bearerAuth\":[]}]");
        boolean changes = !method.equals("get");
        boolean header = false;
        for (JsonNode p : op.path("parameters")) {
          if (p.path("$ref").asText().equals("#/components/parameters/XRequestedWith")) {
            header = true;
          } else {
            assertThat(p.path("schema").path("type").asText())
                .as("type of %s of %s", p.path("name"), name)
                .isNotBlank();
          }
        }
        assertThat(header).as("X-Requested-With on %s", name).isEqualTo(changes);
        if (path.getKey().contains("{") && !method.equals("put")) { // PUT creates
          assertThat(op.path("responses").has("404")).as("404 of %s", name).isTrue();
        }
        if (op.has("requestBody")) {
          assertThat(op.at("/requestBody/content/application~1json/schema/$ref").asText())
              .as("request body of %s", name)
              .startsWith("#/components/schemas/");
        }
        JsonNode responses = op.path("responses");
        assertThat(responses.has("default")).as("default answer of %s", name).isFalse();
        for (String gate : List.of("401", "403", "415", "429", "500", "503")) {
          assertThat(responses.has(gate)).as("%s of %s", gate, name).isTrue();
        }
        int successes = 0;
        for (Map.Entry<String, JsonNode> r : responses.properties()) {
          int status = Integer.parseInt(r.getKey());
          JsonNode answer = r.getValue();
          assertThat(answer.path("description").asText()).as("%s of %s", status, name).isNotBlank();
          if (status < 300) {
            successes++;
            if (status == 204) {
              assertThat(answer.has("content")).as("204 of %s", name).isFalse();
            } else {
              assertThat(answer.at("/content/application~1json/schema/$ref").asText())
                  .as("schema of %s of %s", status, name)
                  .startsWith("#/components/schemas/");
            }
          } else {
            assertThat(status).as("status of %s", name).isBetween(400, 599);
            JsonNode problem = answer.at("/content/application~1problem+json");
            assertThat(problem.at("/schema/$ref").asText())
                .as("problem of %s of %s", status, name)
                .isEqualTo("#/components/schemas/Problem");
            assertThat(problem.path("examples"))
                .as("examples of %s of %s", status, name)
                .isNotEmpty();
          }
        }
        assertThat(successes).as("successes of %s", name).isPositive();
      }
    }
    assertThat(operations).isGreaterThanOrEqualTo(35);
    assertThat(doc.at("/components/securitySchemes/hubAuth/scheme").asText()).isEqualTo("basic");
    assertThat(doc.at("/components/securitySchemes/bearerAuth/scheme").asText())
        .isEqualTo("bearer");
    assertThat(doc.at("/components/parameters/XRequestedWith/required").asBoolean()).isTrue();
  }

  @Test
  void everyReferenceResolvesAndEveryProblemKindIsListed() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
    Set<String> types = new TreeSet<>();
    doc.at("/components/schemas/Problem/properties/type/enum").forEach(t -> types.add(t.asText()));
    Set<String> kinds = new TreeSet<>();
    ApiException.KINDS.keySet().forEach(k -> kinds.add(ApiException.TYPE_PREFIX + k));
    assertThat(types).isEqualTo(kinds);
  }

  @Test
  void aProblemNamesItsKindAsAStableType() {
    ApiException e = ApiException.notFound("no dead letter x");
    assertThat(e.problem().get("type").asText()).isEqualTo("urn:telco-hub:problem:not-found");
    assertThat(e.problem().get("status").asInt()).isEqualTo(404);
    assertThat(new ApiException(403, "cross-site-request", "x").problem().get("type").asText())
        .isEqualTo("urn:telco-hub:problem:cross-site-request");
    assertThat(new ApiException(500, "x").problem().get("type").asText())
        .isEqualTo("urn:telco-hub:problem:internal-error");
  }

  private static void collectRefs(JsonNode n, List<String> refs) {
    if (n.isObject()) {
      n.properties()
          .forEach(
              e -> {
                if (e.getKey().equals("$ref")) {
                  refs.add(e.getValue().asText());
                } else {
                  collectRefs(e.getValue(), refs);
                }
              });
    } else if (n.isArray()) {
      n.forEach(c -> collectRefs(c, refs));
    }
  }
}
