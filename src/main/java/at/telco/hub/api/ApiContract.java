package at.telco.hub.api;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.OpenAPI;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.openapi.BeanConfig;
import org.apache.camel.openapi.RestOpenApiReader;
import org.apache.camel.openapi.RestOpenApiSupport;

/**
 * The management API's OpenAPI document ({@code GET /api/v1/openapi.json}): what Camel's REST DSL
 * says (paths, methods, operation ids, tags, parameters, roles, the status codes of each operation
 * with their meaning), completed with what the REST DSL cannot say, from {@code
 * openapi/contract.yaml}: the schemas of request bodies and answers, examples, and the statuses the
 * gate ({@link ApiSecurity}) answers in front of every operation, each error as an RFC 9457 problem
 * document ({@link ApiException}). The same document is kept in the repository
 * (src/main/openapi/hub-api.json, the command line's client is generated from it) and a test keeps
 * the two identical.
 */
public final class ApiContract {

  /** OpenAPI 3.0: the client generator's support of 3.1 is partial. */
  public static final String OPENAPI_VERSION = "3.0.3";

  /** The scheme of HTTP Basic (the REST DSL's security key, read by {@link ApiSecurity}). */
  public static final String BASIC = ApiSecurity.SCHEME;

  /** The scheme of a session token or an identity provider's JWT. */
  public static final String BEARER = "bearerAuth";

  /** What the gate answers in front of every operation, whatever the operation. */
  static final Map<String, String> GATE =
      Map.of(
          "401", "No valid credentials (HTTP Basic, a session token or a JWT)",
          "403",
              "The caller lacks the role the operation needs, or the request may come from another"
                  + " site (a request other than GET needs X-Requested-With or a JSON body, and the"
                  + " hub's own origin or none)",
          "415", "A body of a media type the operation does not take",
          "429",
              "Too many requests of this kind for the user (replays, bulk operations), or too many"
                  + " failed sign-ins from this address: wait Retry-After seconds",
          "500", "The hub failed (see its log)",
          "503", "Authentication, or a system this operation needs, is not available right now");

  private final CamelContext context;
  private volatile String served;

  public ApiContract(CamelContext context) {
    this.context = context;
  }

  /** Answers the document (built once: the REST DSL does not change while the hub runs). */
  public void serve(Exchange ex) {
    String doc = served;
    if (doc == null) {
      doc = Json.write(document(context));
      served = doc;
    }
    Message m = ex.getMessage();
    m.removeHeaders("*");
    m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
    m.setHeader(Exchange.CONTENT_TYPE, "application/json");
    m.setHeader("Cache-Control", "no-store");
    m.setBody(doc);
  }

  /** The document of the REST DSL loaded in this context. */
  public static ObjectNode document(CamelContext context) {
    List<RestDefinition> rests =
        context.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions();
    BeanConfig config = new BeanConfig();
    config.setVersion(OPENAPI_VERSION);
    config.setDefaultConsumes("application/json");
    config.setDefaultProduces("application/json");
    try {
      OpenAPI api =
          new RestOpenApiReader()
              .read(context, rests, config, context.getName(), context.getClassResolver());
      ObjectNode doc =
          (ObjectNode) Json.parse(RestOpenApiSupport.getJsonFromOpenAPIAsString(api, config));
      return complete(doc, contract());
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("the OpenAPI document cannot be built: " + e, e);
    }
  }

  static ObjectNode contract() {
    try (InputStream in = ApiContract.class.getResourceAsStream("/openapi/contract.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi/contract.yaml is not on the class path");
      }
      return (ObjectNode) io.swagger.v3.core.util.Yaml.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Completes Camel's document with the contract's schemas and the gate's answers. */
  static ObjectNode complete(ObjectNode camel, ObjectNode contract) {
    ObjectNode doc = Json.object();
    doc.put("openapi", OPENAPI_VERSION);
    doc.set("info", contract.get("info"));
    doc.set("servers", contract.get("servers"));
    doc.set("security", securityRequirement());
    ArrayNode tags = doc.putArray("tags");
    TreeMap<String, JsonNode> sortedTags = new TreeMap<>();
    camel.path("tags").forEach(t -> sortedTags.put(t.get("name").asText(), t));
    sortedTags.values().forEach(tags::add);

    ObjectNode components = contract.get("components").deepCopy();
    ObjectNode schemes = components.putObject("securitySchemes");
    schemes
        .putObject(BASIC)
        .put("type", "http")
        .put("scheme", "basic")
        .put("description", "HTTP Basic with a user of hub.auth.users or of the hub database");
    schemes
        .putObject(BEARER)
        .put("type", "http")
        .put("scheme", "bearer")
        .put(
            "description",
            "A session token from POST /session (an absolute lifetime), or an identity provider's"
                + " JWT where hub.auth.oidc is set");
    ArrayNode kinds = (ArrayNode) components.at("/schemas/Problem/properties/type/enum");
    ObjectNode examples = components.putObject("examples");
    ApiException.KINDS.forEach(
        (kind, status) -> {
          kinds.add(ApiException.TYPE_PREFIX + kind);
          ObjectNode e = examples.putObject("problem-" + kind);
          e.put("summary", kind);
          ApiException sample = new ApiException(status, kind, sampleDetail(kind));
          e.set("value", sample.problem());
        });

    ObjectNode operations = (ObjectNode) contract.get("operations");
    ObjectNode paths = doc.putObject("paths");
    List<String> unknown = new ArrayList<>();
    TreeMap<String, JsonNode> camelPaths = new TreeMap<>();
    camel.path("paths").properties().forEach(p -> camelPaths.put(p.getKey(), p.getValue()));
    camelPaths.forEach(
        (p, methods) -> {
          ObjectNode item = paths.putObject(p);
          methods
              .properties()
              .forEach(
                  m -> {
                    ObjectNode op = (ObjectNode) m.getValue();
                    JsonNode own = operations.get(op.path("operationId").asText());
                    if (own == null) {
                      unknown.add(op.path("operationId").asText());
                      own = Json.object();
                    }
                    item.set(m.getKey(), operation(m.getKey(), op, own));
                  });
        });
    if (!unknown.isEmpty()) {
      throw new IllegalStateException(
          "operations without an entry in openapi/contract.yaml: " + unknown);
    }
    doc.set("components", components);
    return doc;
  }

  private static ArrayNode securityRequirement() {
    ArrayNode security = Json.MAPPER.createArrayNode();
    security.addObject().putArray(BASIC);
    security.addObject().putArray(BEARER);
    return security;
  }

  private static ObjectNode operation(String method, ObjectNode camel, JsonNode own) {
    ObjectNode op = Json.object();
    op.set("tags", camel.get("tags"));
    String text = camel.path("summary").asText("");
    op.put("summary", summary(text));
    op.put("description", text);
    op.set("operationId", camel.get("operationId"));
    // the role and the rate class, as the REST DSL declares them for ApiSecurity
    JsonNode scopes = camel.path("security").path(0).path(BASIC);
    op.put("x-hub-role", scopes.path(0).asText("admin"));
    if (scopes.size() > 1) {
      op.put("x-hub-rate-class", scopes.path(1).asText());
    }
    op.set("security", securityRequirement());
    ArrayNode params = Json.MAPPER.createArrayNode();
    camel.path("parameters").forEach(params::add);
    if (!method.equals("get") && !method.equals("head")) {
      params.addObject().put("$ref", "#/components/parameters/XRequestedWith");
    }
    if (!params.isEmpty()) {
      op.set("parameters", params);
    }
    JsonNode body = own.get("requestBody");
    if (body != null) {
      ObjectNode rb = op.putObject("requestBody");
      rb.put("required", body.path("required").asBoolean(true));
      ObjectNode media = rb.putObject("content").putObject("application/json");
      media.putObject("schema").put("$ref", "#/components/schemas/" + body.get("schema").asText());
      if (body.has("example")) {
        media.set("example", body.get("example"));
      }
    }
    TreeMap<String, String> statuses = new TreeMap<>(GATE);
    camel
        .path("responses")
        .properties()
        .forEach(
            r -> {
              if (!r.getKey().equals("default")) {
                statuses.put(r.getKey(), r.getValue().path("description").asText());
              }
            });
    ObjectNode responses = op.putObject("responses");
    statuses.forEach(
        (code, description) ->
            responses.set(code, response(code, description, own.path("responses").path(code))));
    return op;
  }

  private static ObjectNode response(String code, String description, JsonNode own) {
    ObjectNode r = Json.object();
    r.put("description", description);
    int status = Integer.parseInt(code);
    if (status >= 400) {
      if (status == 401) {
        r.putObject("headers")
            .putObject("WWW-Authenticate")
            .put("$ref", "#/components/headers/WwwAuthenticate");
      }
      if (status == 429) {
        r.putObject("headers")
            .putObject("Retry-After")
            .put("$ref", "#/components/headers/RetryAfter");
      }
      ObjectNode media = r.putObject("content").putObject("application/problem+json");
      media.putObject("schema").put("$ref", "#/components/schemas/Problem");
      ObjectNode examples = media.putObject("examples");
      ApiException.KINDS.forEach(
          (kind, s) -> {
            if (s == status) {
              examples.putObject(kind).put("$ref", "#/components/examples/problem-" + kind);
            }
          });
      return r;
    }
    if (own.has("headers")) {
      ObjectNode headers = r.putObject("headers");
      own.get("headers")
          .forEach(
              h -> headers.putObject(h.asText()).put("$ref", "#/components/headers/" + h.asText()));
    }
    if (status != 204) {
      if (!own.has("schema")) {
        throw new IllegalStateException(
            "a " + code + " answer without a schema in openapi/contract.yaml");
      }
      ObjectNode media = r.putObject("content").putObject("application/json");
      media.putObject("schema").put("$ref", "#/components/schemas/" + own.get("schema").asText());
      if (own.has("example")) {
        media.set("example", own.get("example"));
      }
    }
    return r;
  }

  /** The first clause of an operation's description: up to its first colon or full stop. */
  static String summary(String text) {
    String s = text;
    for (String end : new String[] {": ", ". ", " (", "; "}) {
      int i = s.indexOf(end);
      if (i > 0) {
        s = s.substring(0, i);
      }
    }
    s = s.strip();
    if (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  private static String sampleDetail(String kind) {
    return switch (kind) {
      case "invalid-request" -> "limit is a number from 1 to 500";
      case "authentication-required" -> "authentication required (HTTP Basic or a session token)";
      case "forbidden" -> "user viewer1 (viewer) may not do this: it needs the role support";
      case "cross-site-request" ->
          "a request that changes something needs the header X-Requested-With (any value) or a"
              + " JSON body (Content-Type: application/json)";
      case "not-found" -> "no dead letter 3f2b8c1e-5d4a-4e7b-9c2d-1a0b9e8f7c6d";
      case "method-not-allowed" -> "DELETE is not an operation of /api/v1/audit";
      case "not-acceptable" -> "GET /dead-letters/summary answers only application/json";
      case "conflict" -> "the dead letter is being replayed";
      case "unsupported-media-type" -> "POST /api/v1/resync takes application/json, not text/plain";
      case "rate-limited" -> "too many requests of this kind for user support1: try again in 12 s";
      case "sign-in-throttled" -> "too many failed sign-ins from this address: try again in 4 s";
      case "unavailable" -> "authentication is not available right now";
      default -> "the hub could not do this: see its log";
    };
  }
}
