package at.telco.hub.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A target system's table(s) fed from a canonical topic, declared in one file of the installation
 * ({@code sinks/<name>.yaml}): what the hub derives its routes, writer, dead-letter queue,
 * observations, health, reconciliation, resync and schema contract from. See docs/extending.md for
 * the format; {@link #parse} says exactly what is wrong with a declaration.
 *
 * @param name the target's name: {@code DLQ.<name>}, the route {@code sink-<name>}, metric labels
 * @param flow the flow label of the end-to-end latency series
 * @param entity the canonical entity the sink takes ({@code customer}, {@code billing}, {@code
 *     service})
 * @param topic the canonical topic
 * @param group the consumer group
 * @param database where the tables are
 * @param mapping the mapping of {@code transformers/} from a canonical event to the row document
 * @param only the one event type the sink takes (other events of the topic are not for it), or null
 * @param requires fields of the row document without which the change is not for this target
 * @param versions where the applied version of each key is kept
 * @param tables the main table first, then its child tables
 * @param steps named steps (beans) the writer calls, in this order
 * @param reconcile how reconciliation compares the sink with its master, or null (not compared)
 * @param lock whether each key's writes take an advisory lock (shared with erasure)
 * @param batchSize changes per transaction (Kafka records per poll), or null for the setting's
 * @param contract what the hub needs of the sink's tables (schema drift), or null
 */
public record SinkDeclaration(
    String name,
    String flow,
    String entity,
    String topic,
    String group,
    Database database,
    String mapping,
    String only,
    List<String> requires,
    VersionPlace versions,
    List<Table> tables,
    List<String> steps,
    Reconcile reconcile,
    boolean lock,
    Integer batchSize,
    JsonNode contract) {

  /**
   * The database of the sink: one the hub knows ({@code hub.<name>.*} of the settings), or one of
   * its own with its URL and user in the declaration and its password from the environment or a
   * file (never in the declaration).
   */
  public record Database(
      String name, String jdbcUrl, String username, String passwordEnv, String passwordFile) {

    /** Whether this is one of the hub's own databases (its settings hold the connection). */
    public boolean known() {
      return jdbcUrl == null;
    }
  }

  /**
   * Where the applied versions live: in a jsonb column of the main table (with the source's
   * snapshot under {@code snapshotKey} and its row versions), or in the hub's {@code
   * hub.target_state} (then {@code record} names a field of the row document kept with the version,
   * for the steps).
   */
  public record VersionPlace(String column, String snapshotKey, String record) {
    public boolean inHub() {
      return column == null;
    }
  }

  /**
   * The sink's place in reconciliation.
   *
   * @param from the master it is compared with: {@code crm} (CRM accounts, for customer sinks) or
   *     {@code billing} (billing accounts, for billing sinks)
   * @param pair how reports, metrics and the API name the pair ({@code <from>-><name>} unless
   *     declared)
   * @param by the main table's column that holds the master's key: the master's own key ({@code
   *     crm_account_id}, {@code ba_no}) or the hub's {@code customer_id}; the main key by default
   * @param compare a named comparison (a bean) where the generic one does not fit, or null
   */
  public record Reconcile(String from, String pair, String by, String compare) {}

  /**
   * One table the sink writes.
   *
   * @param name schema-qualified
   * @param row where the row document holds this table's row ({@code null}: the whole document;
   *     child tables: the list of rows)
   * @param key the key columns (a child table: within the parent)
   * @param parent a child table's column that holds the parent's key, or null for the main table
   * @param columns the columns the mapping fills
   * @param keep columns an update leaves alone when the new value is null (a step may fill them)
   * @param reads columns of the current row the writer reads for the steps
   * @param returning columns the database makes (e.g. a generated number), read back on write
   * @param touch a timestamp column set to now() on every write, or null
   * @param never a condition on the existing row under which the hub never writes it again, or null
   * @param delete what a canonical delete does to the main table: {@code null} (the mapping's row
   *     is written like any other), {@code row} (deleted), or columns set to values
   */
  public record Table(
      String name,
      String row,
      List<String> key,
      String parent,
      List<String> columns,
      List<String> keep,
      List<String> reads,
      List<String> returning,
      String touch,
      String never,
      Map<String, String> delete) {

    public boolean child() {
      return parent != null;
    }

    public boolean deletesRows() {
      return delete != null && delete.isEmpty();
    }

    public String schema() {
      return name.substring(0, name.indexOf('.'));
    }

    public String simpleName() {
      return name.substring(name.indexOf('.') + 1);
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The main table (the first). */
  public Table main() {
    return tables.get(0);
  }

  /** The child tables (after the first). */
  public List<Table> children() {
    return tables.subList(1, tables.size());
  }

  /** The route the declaration becomes. */
  public String routeId() {
    return "sink-" + name;
  }

  /**
   * Reads a declaration.
   *
   * @param location where it was read from (for the messages)
   * @param placeholders resolves {@code {{...}}} placeholders of the settings in text values
   * @throws IllegalArgumentException naming the file and what is wrong
   */
  public static SinkDeclaration parse(
      String location, String yaml, UnaryOperator<String> placeholders) {
    JsonNode doc;
    try {
      doc = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException(location + ": not YAML: " + e.getMessage(), e);
    }
    if (doc == null || !doc.isObject()) {
      throw new IllegalArgumentException(location + ": a sink declaration is a YAML mapping");
    }
    Reader r = new Reader(location, placeholders);
    r.only(
        doc,
        "",
        "name",
        "description",
        "flow",
        "entity",
        "topic",
        "group",
        "database",
        "mapping",
        "only",
        "requires",
        "versions",
        "tables",
        "steps",
        "reconcile",
        "lock",
        "batchSize",
        "contract");
    String name = r.text(doc, "name", true);
    if (!name.matches("[a-z][a-z0-9_.-]*")) {
      throw r.wrong("name", "is lower case letters, digits, '.', '_' or '-': " + name);
    }
    String entity = r.text(doc, "entity", true);
    if (!Set.of("customer", "billing", "service").contains(entity)) {
      throw r.wrong("entity", "is customer, billing or service, not " + entity);
    }
    Database database = database(r, doc.path("database"));
    JsonNode tablesNode = doc.path("tables");
    if (!tablesNode.isArray() || tablesNode.isEmpty()) {
      throw r.wrong("tables", "is required: the main table first, then its child tables");
    }
    List<Table> tables = new ArrayList<>();
    for (int i = 0; i < tablesNode.size(); i++) {
      tables.add(table(r, tablesNode.get(i), "tables[" + i + "]", i == 0));
    }
    VersionPlace versions = versions(r, doc.path("versions"), tables.get(0));
    Reconcile reconcile = reconcile(r, doc.path("reconcile"), name, entity, tables.get(0));
    JsonNode contract = doc.path("contract");
    if (!contract.isMissingNode() && !contract.isObject()) {
      throw r.wrong("contract", "is a mapping of table -> columns");
    }
    return new SinkDeclaration(
        name,
        r.textOr(doc, "flow", entity),
        entity,
        r.text(doc, "topic", true),
        r.text(doc, "group", true),
        database,
        r.text(doc, "mapping", true),
        r.text(doc, "only", false),
        r.list(doc, "requires"),
        versions,
        List.copyOf(tables),
        r.list(doc, "steps"),
        reconcile,
        doc.path("lock").asBoolean(true),
        doc.hasNonNull("batchSize") ? Integer.valueOf(r.text(doc, "batchSize", true)) : null,
        contract.isObject() ? contract : null);
  }

  private static Reconcile reconcile(
      Reader r, JsonNode node, String name, String entity, Table main) {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    String from;
    String pair = null;
    String by = null;
    String compare = null;
    if (node.isTextual()) {
      from = r.resolve(node.asText());
    } else if (node.isObject()) {
      r.only(node, "reconcile.", "from", "pair", "by", "compare");
      from = r.text(node, "from", true);
      pair = r.text(node, "pair", false);
      by = r.text(node, "by", false);
      compare = r.text(node, "compare", false);
    } else {
      throw r.wrong("reconcile", "is crm, billing, or a mapping {from, pair, by, compare}");
    }
    String master = "customer".equals(entity) ? "crm" : "billing".equals(entity) ? "billing" : null;
    if (!from.equals(master)) {
      throw r.wrong(
          "reconcile",
          master == null
              ? "is not for a sink of " + entity + " (no master the hub can read holds them)"
              : "of a sink of " + entity + " is from " + master + ", not " + from);
    }
    if (by == null) {
      by = main.key().get(0);
    } else if (!main.key().contains(by) && !main.columns().contains(by)) {
      throw r.wrong("reconcile.by", "is a key or mapped column of " + main.name() + ": " + by);
    }
    return new Reconcile(from, pair == null ? from + "->" + name : pair, by, compare);
  }

  private static Database database(Reader r, JsonNode node) {
    if (node.isTextual()) {
      return new Database(r.resolve(node.asText()), null, null, null, null);
    }
    if (!node.isObject()) {
      throw r.wrong(
          "database",
          "is required: the name of a database the hub knows (crm, billing, customerdb), or a"
              + " mapping with name, jdbcUrl, username, passwordEnv or passwordFile");
    }
    r.only(node, "database.", "name", "jdbcUrl", "username", "passwordEnv", "passwordFile");
    if (node.has("password")) {
      throw r.wrong(
          "database.password", "is never in a declaration: use passwordEnv or passwordFile");
    }
    return new Database(
        r.text(node, "name", true),
        r.text(node, "jdbcUrl", true),
        r.text(node, "username", true),
        r.text(node, "passwordEnv", false),
        r.text(node, "passwordFile", false));
  }

  private static VersionPlace versions(Reader r, JsonNode node, Table main) {
    if (node.isMissingNode() || (node.isTextual() && node.asText().equals("hub"))) {
      return new VersionPlace(null, null, null);
    }
    if (!node.isObject()) {
      throw r.wrong("versions", "is hub, or a mapping with column (and snapshotKey) or record");
    }
    r.only(node, "versions.", "column", "snapshotKey", "record");
    String column = r.text(node, "column", false);
    if (column != null) {
      r.column("versions", column);
    }
    if (column != null && main.columns().contains(column)) {
      throw r.wrong("versions.column", "is written by the hub, not one of the mapped columns");
    }
    return new VersionPlace(
        column,
        column == null ? null : r.textOr(node, "snapshotKey", "crm:snapshot"),
        r.text(node, "record", false));
  }

  private static Table table(Reader r, JsonNode node, String path, boolean main) {
    if (!node.isObject()) {
      throw r.wrong(path, "is a mapping");
    }
    r.only(
        node,
        path + ".",
        "name",
        "row",
        "rows",
        "key",
        "parent",
        "columns",
        "keep",
        "reads",
        "returning",
        "touch",
        "never",
        "delete");
    String name = r.text(node, "name", true);
    if (!name.matches("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*")) {
      throw r.wrong(path + ".name", "is schema.table in lower case, not " + name);
    }
    String parent = r.text(node, "parent", false);
    if (main && parent != null) {
      throw r.wrong(path + ".parent", "is for child tables; the first table is the main one");
    }
    if (!main && parent == null) {
      throw r.wrong(path + ".parent", "is required: the column holding the main table's key");
    }
    String row = r.text(node, main ? "row" : "rows", !main);
    List<String> key = r.list(node, "key");
    if (key.isEmpty()) {
      throw r.wrong(path + ".key", "is required: the key column(s)");
    }
    if (main && key.size() != 1) {
      throw r.wrong(path + ".key", "of the main table is one column");
    }
    List<String> columns = r.list(node, "columns");
    Map<String, String> delete = null;
    JsonNode d = node.path("delete");
    if (!d.isMissingNode()) {
      if (!main) {
        throw r.wrong(path + ".delete", "is for the main table (its children go with it)");
      }
      if (d.isTextual() && d.asText().equals("row")) {
        delete = Map.of();
      } else if (d.isObject() && !d.isEmpty()) {
        delete = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          delete.put(e.getKey(), e.getValue().asText());
        }
      } else {
        throw r.wrong(path + ".delete", "is row, or a mapping of column: value");
      }
    }
    Table table =
        new Table(
            name,
            row,
            key,
            parent,
            columns,
            r.list(node, "keep"),
            r.list(node, "reads"),
            r.list(node, "returning"),
            r.text(node, "touch", false),
            r.text(node, "never", false),
            delete);
    // column names become SQL identifiers: only plain lower-case names
    List<String> names = new ArrayList<>(table.key());
    names.addAll(table.columns());
    names.addAll(table.keep());
    names.addAll(table.reads());
    names.addAll(table.returning());
    if (parent != null) {
      names.add(parent);
    }
    if (table.touch() != null) {
      names.add(table.touch());
    }
    if (delete != null) {
      names.addAll(delete.keySet());
    }
    for (String column : names) {
      r.column(path, column);
    }
    return table;
  }

  /** Reads values, and says which file and field are wrong. */
  private static final class Reader {
    private final String location;
    private final UnaryOperator<String> placeholders;

    Reader(String location, UnaryOperator<String> placeholders) {
      this.location = location;
      this.placeholders = placeholders;
    }

    /** A column name, which becomes an SQL identifier. */
    void column(String path, String name) {
      if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw wrong(path, "names a column in lower-case letters, digits and '_', not " + name);
      }
    }

    IllegalArgumentException wrong(String field, String what) {
      return new IllegalArgumentException(location + ": " + field + " " + what);
    }

    String resolve(String text) {
      return text.contains("{{") ? placeholders.apply(text) : text;
    }

    String text(JsonNode node, String field, boolean required) {
      JsonNode v = node.path(field);
      if (v.isMissingNode() || v.isNull()) {
        if (required) {
          throw wrong(field, "is required");
        }
        return null;
      }
      if (!v.isValueNode()) {
        throw wrong(field, "is a text");
      }
      return resolve(v.asText());
    }

    String textOr(JsonNode node, String field, String fallback) {
      String v = text(node, field, false);
      return v == null ? fallback : v;
    }

    List<String> list(JsonNode node, String field) {
      JsonNode v = node.path(field);
      if (v.isMissingNode() || v.isNull()) {
        return List.of();
      }
      if (v.isTextual()) {
        return List.of(resolve(v.asText()));
      }
      if (!v.isArray()) {
        throw wrong(field, "is a list");
      }
      Set<String> out = new LinkedHashSet<>();
      for (JsonNode e : v) {
        if (!e.isTextual()) {
          throw wrong(field, "is a list of names");
        }
        out.add(resolve(e.asText()));
      }
      return List.copyOf(out);
    }

    void only(JsonNode node, String prefix, String... known) {
      Set<String> allowed = Set.of(known);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!allowed.contains(f)) {
          throw wrong(prefix + f, "is not a field of a sink declaration (" + allowed + ")");
        }
      }
    }
  }

  /** The declaration as a document (for the API and the docs). */
  public ObjectNode describe() {
    ObjectNode n = YAML.createObjectNode();
    n.put("name", name);
    n.put("entity", entity);
    n.put("topic", topic);
    n.put("group", group);
    n.put("database", database.name());
    n.put("mapping", mapping);
    n.put("versions", versions.inHub() ? "hub" : versions.column());
    tables.forEach(t -> n.withArray("tables").add(t.name()));
    return n;
  }
}
