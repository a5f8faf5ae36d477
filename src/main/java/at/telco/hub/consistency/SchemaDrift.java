package at.telco.hub.consistency;

import at.telco.hub.canonical.Json;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each system's real schema (JDBC metadata: tables, columns, types, lengths, nullability,
 * defaults) against what the hub's mappings need ({@link SchemaContract}). A finding names the
 * table or column and the problem exactly (e.g. {@code billing.customer.city: varchar(30) is
 * shorter than the 40 the mapping writes}); the routes that depend on a drifted table stop, or do
 * not start, until the schema fits again (see {@link DriftGuard}). Findings are kept in
 * hub.schema_drift, shown in health and as the metric {@code hub_schema_drift_findings{system}}.
 */
public final class SchemaDrift {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaDrift.class);

  /** One difference between a system's schema and the contract. */
  public record Finding(String system, String object, String problem, List<String> routes) {
    @Override
    public String toString() {
      return object + ": " + problem;
    }
  }

  private final Map<String, DataSource> systems;
  private final SchemaContract contract;
  private final DataSource hub;
  private final ConsistencyMetrics metrics;
  private final Map<String, List<Finding>> current = new ConcurrentHashMap<>();
  private final Map<String, String> unchecked = new ConcurrentHashMap<>();

  public SchemaDrift(
      Map<String, DataSource> systems,
      SchemaContract contract,
      DataSource hub,
      ConsistencyMetrics metrics) {
    this.systems = systems;
    this.contract = contract;
    this.hub = hub;
    this.metrics = metrics;
  }

  /**
   * Checks every system now. A system that cannot be reached keeps its last findings (its routes'
   * own health and retries cover the outage).
   */
  public Map<String, List<Finding>> check() {
    for (String system : contract.systems()) {
      DataSource ds = systems.get(system);
      if (ds == null) {
        continue;
      }
      try (Connection c = ds.getConnection()) {
        List<Finding> findings = check(system, c.getMetaData());
        List<Finding> before = current.put(system, findings);
        unchecked.remove(system);
        metrics.drift(system, findings.size());
        if (!findings.equals(before)) {
          if (findings.isEmpty()) {
            LOG.info(
                "schema of {} fits the hub's contract{}", system, before == null ? "" : " again");
          } else {
            LOG.error("schema drift in {}: {}", system, findings);
          }
          store(system, findings);
        }
      } catch (SQLException | RuntimeException e) {
        unchecked.put(system, e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        LOG.warn("schema of {} cannot be checked now: {}", system, e.getMessage());
      }
    }
    return findings();
  }

  /** The current findings by system (empty lists where the schema fits). */
  public Map<String, List<Finding>> findings() {
    return new TreeMap<>(current);
  }

  /** The routes that must not run now, each with why. */
  public Map<String, String> blockedRoutes() {
    Map<String, String> blocked = new TreeMap<>();
    for (List<Finding> findings : current.values()) {
      for (Finding f : findings) {
        for (String route : f.routes()) {
          blocked.merge(route, f.toString(), (a, b) -> a + "; " + b);
        }
      }
    }
    return blocked;
  }

  static List<Finding> check(String system, List<SchemaContract.Table> tables, Meta meta) {
    List<Finding> out = new ArrayList<>();
    for (SchemaContract.Table t : tables) {
      Map<String, Meta.Col> cols = meta.columns(t.schema(), t.table());
      if (cols.isEmpty()) {
        out.add(new Finding(system, t.name(), "table is missing", t.routes()));
        continue;
      }
      Set<String> named = new TreeSet<>();
      for (SchemaContract.Column want : t.columns()) {
        named.add(want.name());
        Meta.Col got = cols.get(want.name());
        String object = t.name() + "." + want.name();
        List<String> routes = want.routes() != null ? want.routes() : t.routes();
        if (got == null) {
          out.add(new Finding(system, object, "column is missing", routes));
          continue;
        }
        String problem = problem(want, got);
        if (problem != null) {
          out.add(new Finding(system, object, problem, routes));
        }
      }
      if (t.insert()) {
        for (Meta.Col got : cols.values()) {
          if (!named.contains(got.name()) && !got.nullable() && !got.hasDefault()) {
            out.add(
                new Finding(
                    system,
                    t.name() + "." + got.name(),
                    "NOT NULL column without a default that the hub does not write: its inserts"
                        + " would fail",
                    t.routes()));
          }
        }
      }
    }
    return out;
  }

  private List<Finding> check(String system, DatabaseMetaData md) throws SQLException {
    return check(system, contract.tables(system), jdbc(md));
  }

  /** The schema as the checks see it (JDBC metadata here; a map in unit tests). */
  interface Meta {
    record Col(String name, String type, int size, boolean nullable, boolean hasDefault) {}

    /** The columns of a table, by name; empty when the table does not exist. */
    Map<String, Col> columns(String schema, String table);
  }

  private static Meta jdbc(DatabaseMetaData md) {
    return (schema, table) -> {
      Map<String, Meta.Col> cols = new LinkedHashMap<>();
      try (ResultSet rs = md.getColumns(null, schema, table, null)) {
        while (rs.next()) {
          String name = rs.getString("COLUMN_NAME");
          cols.put(
              name,
              new Meta.Col(
                  name,
                  rs.getString("TYPE_NAME"),
                  rs.getInt("COLUMN_SIZE"),
                  "YES".equals(rs.getString("IS_NULLABLE")),
                  rs.getString("COLUMN_DEF") != null
                      || "YES".equals(rs.getString("IS_AUTOINCREMENT"))));
        }
      } catch (SQLException e) {
        throw SqlFailures.translate(schema, e);
      }
      return cols;
    };
  }

  private static final Map<String, String> FAMILY = new HashMap<>();
  private static final Map<String, Integer> BITS = new HashMap<>();

  static {
    for (String t : new String[] {"varchar", "bpchar", "text", "char", "character varying"}) {
      FAMILY.put(t, "string");
    }
    for (String t : new String[] {"int2", "smallserial"}) {
      FAMILY.put(t, "integer");
      BITS.put(t, 16);
    }
    for (String t : new String[] {"int4", "serial"}) {
      FAMILY.put(t, "integer");
      BITS.put(t, 32);
    }
    for (String t : new String[] {"int8", "bigserial"}) {
      FAMILY.put(t, "integer");
      BITS.put(t, 64);
    }
    FAMILY.put("bool", "boolean");
    FAMILY.put("date", "date");
    FAMILY.put("timestamp", "timestamp");
    FAMILY.put("timestamptz", "timestamptz");
    FAMILY.put("jsonb", "jsonb");
    FAMILY.put("uuid", "uuid");
  }

  /** What is wrong with a column, or null. */
  static String problem(SchemaContract.Column want, Meta.Col got) {
    String family = FAMILY.getOrDefault(got.type(), got.type());
    String shown = shown(got);
    if (!family.equals(want.type())) {
      return "is " + shown + ", the hub needs " + want.type();
    }
    if ("string".equals(family)) {
      boolean unbounded = "text".equals(got.type()) || got.size() <= 0 || got.size() >= 10485760;
      if (want.length() != null && !unbounded && got.size() < want.length()) {
        return "is " + shown + ": shorter than the " + want.length() + " the hub writes";
      }
      if (want.max() != null && (unbounded || got.size() > want.max())) {
        return "is "
            + shown
            + ": longer than the "
            + want.max()
            + " the hub's copies of it can take";
      }
    }
    if ("integer".equals(family) && want.bits() != null) {
      int bits = BITS.getOrDefault(got.type(), 64);
      if (want.write() && bits < want.bits()) {
        return "is " + shown + ": narrower than the " + want.bits() + "-bit values the hub writes";
      }
      if (!want.write() && bits > want.bits()) {
        return "is " + shown + ": wider than the " + want.bits() + "-bit values the hub reads";
      }
    }
    if (want.write() && want.nulls() && !got.nullable()) {
      return "is NOT NULL, but the hub writes NULL into it";
    }
    return null;
  }

  private static String shown(Meta.Col got) {
    return switch (got.type()) {
      case "varchar", "bpchar" ->
          (got.type().equals("bpchar") ? "char" : "varchar") + "(" + got.size() + ")";
      default -> got.type();
    };
  }

  private void store(String system, List<Finding> findings) {
    try {
      Transactions.untranslated(
          hub,
          c -> {
            try (PreparedStatement delete =
                    c.prepareStatement(
                        "DELETE FROM hub.schema_drift WHERE system = ? AND NOT (object = ANY(?))");
                PreparedStatement upsert =
                    c.prepareStatement(
                        "INSERT INTO hub.schema_drift (system, object, problem, routes)"
                            + " VALUES (?, ?, ?, ?) ON CONFLICT (system, object) DO UPDATE SET"
                            + " problem = EXCLUDED.problem, routes = EXCLUDED.routes,"
                            + " last_seen_at = now()")) {
              delete.setString(1, system);
              delete.setArray(
                  2, c.createArrayOf("text", findings.stream().map(Finding::object).toArray()));
              delete.executeUpdate();
              for (Finding f : findings) {
                upsert.setString(1, system);
                upsert.setString(2, f.object());
                upsert.setString(3, f.problem());
                upsert.setArray(4, c.createArrayOf("text", f.routes().toArray()));
                upsert.addBatch();
              }
              upsert.executeBatch();
            }
            return null;
          });
    } catch (SQLException e) {
      LOG.warn("schema drift of {} not recorded: {}", system, e.getMessage());
    }
  }

  /** The findings as the API and health show them. */
  public ObjectNode toJson() {
    ObjectNode out = Json.object();
    for (String system : contract.systems()) {
      ObjectNode s = out.putObject(system);
      List<Finding> findings = current.get(system);
      s.put("checked", findings != null);
      if (unchecked.containsKey(system)) {
        s.put("uncheckedBecause", unchecked.get(system));
      }
      ArrayNode list = s.putArray("findings");
      if (findings != null) {
        for (Finding f : findings) {
          ObjectNode n = list.addObject();
          n.put("object", f.object());
          n.put("problem", f.problem());
          ArrayNode routes = n.putArray("stoppedRoutes");
          f.routes().forEach(routes::add);
        }
      }
    }
    return out;
  }
}
