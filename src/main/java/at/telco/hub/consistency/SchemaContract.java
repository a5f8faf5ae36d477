package at.telco.hub.consistency;

import at.telco.hub.canonical.Json;
import at.telco.hub.sink.SinkDeclaration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;

/**
 * What the hub's routes and mappings need of each system's schema ({@code
 * contracts/system-schemas.json}): per table the routes that depend on it, and per column its type
 * and the room the hub needs (a column the hub writes) or the most its copies can take (a column it
 * reads).
 */
public final class SchemaContract {

  /** One column as the hub needs it. */
  public record Column(
      String name,
      String type,
      Integer length,
      Integer max,
      Integer bits,
      boolean nulls,
      boolean write,
      List<String> routes) {}

  /** One table: the routes that stop while it drifts, whether the hub inserts, its columns. */
  public record Table(
      String system, String name, List<String> routes, boolean insert, List<Column> columns) {

    public String schema() {
      return name.substring(0, name.indexOf('.'));
    }

    public String table() {
      return name.substring(name.indexOf('.') + 1);
    }
  }

  private final Map<String, List<Table>> bySystem;

  private SchemaContract(Map<String, List<Table>> bySystem) {
    this.bySystem = bySystem;
  }

  /** The contract of the jar's {@code contracts/system-schemas.json} alone. */
  public static SchemaContract load() {
    try (InputStream in =
        SchemaContract.class.getResourceAsStream("/contracts/system-schemas.json")) {
      if (in == null) {
        throw new IllegalStateException("contracts/system-schemas.json is not on the classpath");
      }
      return parse(Json.MAPPER.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The contract of the installation: {@code system-schemas.json} of {@code location} (the sources'
   * tables and what else the flows need), plus each declared sink's part ({@code contract:} of its
   * declaration: its tables in the same format, in the system of its database, the sink's route
   * stopping while they drift unless the table names its routes).
   */
  public static SchemaContract load(
      CamelContext context, String location, Collection<SinkDeclaration> sinks) {
    ObjectNode root;
    Resource r =
        PluginHelper.getResourceLoader(context).resolveResource(location + "/system-schemas.json");
    try {
      if (r == null || !r.exists()) {
        throw new IllegalStateException(location + "/system-schemas.json does not exist");
      }
      try (InputStream in = r.getInputStream()) {
        root = (ObjectNode) Json.MAPPER.readTree(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (SinkDeclaration sink : sinks) {
      if (sink.contract() == null) {
        continue;
      }
      ObjectNode system = root.withObject("/" + sink.database().name());
      for (Map.Entry<String, JsonNode> t : sink.contract().properties()) {
        ObjectNode table = t.getValue().deepCopy();
        if (!table.has("routes")) {
          table.putArray("routes").add(sink.routeId());
        }
        system.set(t.getKey(), table);
      }
    }
    return parse(root);
  }

  static SchemaContract parse(JsonNode root) {
    Map<String, List<Table>> systems = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> s : root.properties()) {
      if (s.getKey().startsWith("_")) {
        continue;
      }
      List<Table> tables = new ArrayList<>();
      for (Map.Entry<String, JsonNode> t : s.getValue().properties()) {
        List<String> routes = texts(t.getValue().path("routes"));
        List<Column> columns = new ArrayList<>();
        for (Map.Entry<String, JsonNode> c : t.getValue().path("columns").properties()) {
          JsonNode col = c.getValue();
          columns.add(
              new Column(
                  c.getKey(),
                  col.path("type").asText(),
                  col.hasNonNull("length") ? col.get("length").asInt() : null,
                  col.hasNonNull("max") ? col.get("max").asInt() : null,
                  col.hasNonNull("bits") ? col.get("bits").asInt() : null,
                  col.path("nulls").asBoolean(false),
                  col.path("write").asBoolean(false),
                  col.has("routes") ? texts(col.path("routes")) : null));
        }
        tables.add(
            new Table(
                s.getKey(),
                t.getKey(),
                routes,
                t.getValue().path("insert").asBoolean(false),
                List.copyOf(columns)));
      }
      systems.put(s.getKey(), List.copyOf(tables));
    }
    return new SchemaContract(systems);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(r -> out.add(r.asText()));
    return List.copyOf(out);
  }

  public List<String> systems() {
    return List.copyOf(bySystem.keySet());
  }

  public List<Table> tables(String system) {
    return bySystem.getOrDefault(system, List.of());
  }
}
