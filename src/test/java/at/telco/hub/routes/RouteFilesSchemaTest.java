package at.telco.hub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route file of routes/ (and routes/_config/) is valid against Camel's own YAML DSL JSON
 * schema of the Camel version in use, the one {@code camel-yaml-dsl} ships ({@code
 * schema/camelYamlDsl.json}): a misspelt option or step fails here, not at the hub's start.
 */
class RouteFilesSchemaTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static JsonSchema schema;

  @BeforeAll
  static void camelsSchema() throws IOException {
    try (InputStream in =
        YamlRoutesBuilderLoader.class.getResourceAsStream("/schema/camelYamlDsl.json")) {
      assertThat(in).as("camel-yaml-dsl's schema/camelYamlDsl.json").isNotNull();
      schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
              .getSchema(new ObjectMapper().readTree(in));
    }
  }

  static List<Path> routeFiles() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("routes"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("routeFiles")
  void isValidAgainstCamelsYamlDslSchema(Path file) throws IOException {
    JsonNode routes = YAML.readTree(file.toFile());
    assertThat(problems(routes)).as(file + " against Camel's YAML DSL schema").isEmpty();
  }

  /**
   * What the schema finds wrong. A {@code {{placeholder}}} stands in for a value of any type (Camel
   * resolves it before it converts the option), so where the schema wants a number or a boolean and
   * finds a placeholder, the placeholder is given a value of that type and the file checked again;
   * everything else must be as the schema says.
   */
  static Set<ValidationMessage> problems(JsonNode routes) {
    for (int round = 0; ; round++) {
      Set<ValidationMessage> problems = schema.validate(routes);
      boolean replaced = false;
      for (ValidationMessage m : problems) {
        replaced |= "type".equals(m.getType()) && typedPlaceholder(routes, m);
      }
      if (!replaced || round > 50) {
        return problems;
      }
    }
  }

  private static boolean typedPlaceholder(JsonNode root, ValidationMessage m) {
    JsonNodePath at = m.getInstanceLocation();
    JsonNode parent = root;
    for (int i = 0; i < at.getNameCount() - 1 && parent != null; i++) {
      Object e = at.getElement(i);
      parent = e instanceof Integer n ? parent.get(n) : parent.get((String) e);
    }
    Object last = at.getElement(at.getNameCount() - 1);
    if (!(parent instanceof ObjectNode object) || !(last instanceof String name)) {
      return false;
    }
    JsonNode value = object.get(name);
    if (value == null || !value.isTextual() || !value.asText().matches("\\{\\{[^}]+}}")) {
      return false;
    }
    String expected = m.getMessage().replaceAll(".* found, (\\w+) expected.*", "$1");
    switch (expected) {
      case "number", "integer" -> object.put(name, 1);
      case "boolean" -> object.put(name, true);
      default -> {
        return false;
      }
    }
    return true;
  }

  @Test
  void everyRouteFileIsChecked() throws IOException {
    assertThat(routeFiles()).hasSizeGreaterThan(5);
  }

  @Test
  void aPlaceholderStandsInForABooleanButALiteralMustHaveTheSchemasType() throws IOException {
    String route =
        """
        - route:
            id: typed
            autoStartup: %s
            from:
              uri: direct:x
              steps:
                - log: x
        """;
    assertThat(problems(YAML.readTree(route.formatted("\"{{x.enabled}}\"")))).isEmpty();
    assertThat(problems(YAML.readTree(route.formatted("\"yes\"")))).isNotEmpty();
    assertThat(problems(YAML.readTree(route.formatted("\"{{x.enabled\"")))).isNotEmpty();
  }

  @Test
  void theSchemaRefusesAMisspeltStep() throws IOException {
    JsonNode bad =
        YAML.readTree(
            """
            - route:
                id: misspelt
                from:
                  uri: direct:x
                  steps:
                    - settProperty:
                        name: a
                        constant: b
            """);
    assertThat(schema.validate(bad)).isNotEmpty();
  }
}
