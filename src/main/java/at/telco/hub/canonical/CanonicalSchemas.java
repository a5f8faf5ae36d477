package at.telco.hub.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JSON Schemas of the canonical model (src/main/resources/schemas/canonical), compiled once. A
 * canonical event is valid when its envelope and its data match.
 */
public final class CanonicalSchemas {

  private final JsonSchema envelope;
  private final Map<String, JsonSchema> dataSchemas;

  public CanonicalSchemas() {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .pathType(PathType.JSON_PATH)
            .build();
    this.envelope = load(factory, config, "cloudevent.v1.schema.json");
    this.dataSchemas =
        Map.of(
            CanonicalTypes.CUSTOMER_SCHEMA,
            load(factory, config, "customer.v1.schema.json"),
            CanonicalTypes.CUSTOMER_SCHEMA_V2,
            load(factory, config, "customer.v2.schema.json"),
            CanonicalTypes.CUSTOMER_SCHEMA_V3,
            load(factory, config, "customer.v3.schema.json"),
            CanonicalTypes.BILLING_ACCOUNT_SCHEMA,
            load(factory, config, "billing-account.v1.schema.json"),
            CanonicalTypes.CUSTOMER_BILL_SCHEMA,
            load(factory, config, "customer-bill.v1.schema.json"),
            CanonicalTypes.CUSTOMER_BILL_SCHEMA_V2,
            load(factory, config, "customer-bill.v2.schema.json"),
            CanonicalTypes.SERVICE_SCHEMA,
            load(factory, config, "service.v1.schema.json"));
  }

  private static JsonSchema load(
      JsonSchemaFactory factory, SchemaValidatorsConfig config, String name) {
    try (InputStream in =
        CanonicalSchemas.class.getResourceAsStream("/schemas/canonical/" + name)) {
      if (in == null) {
        throw new IllegalStateException("schema " + name + " is not on the classpath");
      }
      return factory.getSchema(in, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The problems with {@code event}, each naming the field; empty when it is valid. */
  public List<String> problems(CanonicalEvent event) {
    Set<ValidationMessage> messages = envelope.validate(event.envelope());
    String schema = Json.text(event.envelope(), "dataschema");
    JsonSchema data = schema == null ? null : dataSchemas.get(schema);
    if (schema != null && data == null) {
      return List.of("$.dataschema: unknown schema " + schema);
    }
    List<String> problems =
        messages.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.toList());
    if (data != null) {
      JsonNode payload = event.data();
      data.validate(payload).stream()
          .map(m -> m.getMessage().replaceFirst("^\\$", "\\$.data"))
          .sorted()
          .forEach(problems::add);
    }
    return problems;
  }

  /** The problems of {@code data} against the data schema {@code schema}. */
  public List<String> dataProblems(String schema, JsonNode data) {
    JsonSchema s = dataSchemas.get(schema);
    if (s == null) {
      throw new IllegalArgumentException("unknown schema " + schema);
    }
    return s.validate(data).stream()
        .map(m -> m.getMessage().replaceFirst("^\\$", "\\$.data"))
        .sorted()
        .collect(Collectors.toList());
  }

  /**
   * @throws InvalidCanonicalEventException naming every field that does not match
   */
  public CanonicalEvent validate(CanonicalEvent event) {
    List<String> problems = problems(event);
    if (!problems.isEmpty()) {
      throw new InvalidCanonicalEventException(problems);
    }
    return event;
  }
}
