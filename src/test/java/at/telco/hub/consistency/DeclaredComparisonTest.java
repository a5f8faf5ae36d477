package at.telco.hub.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.Json;
import at.telco.hub.consistency.Difference.Kind;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.sink.SinkDeclaration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparison a declaration gives, on rows made up here: no database, no Camel. */
class DeclaredComparisonTest {

  static final String MAPPING =
      """
      {"profile": {"customer_id": .id, "display_name": .name, "status": .status},
       "media": [for (.media) {"kind": .kind, "value": .value}]}
      """;

  static SinkDeclaration sink(String extra) {
    return SinkDeclaration.parse(
        "sinks/portal.yaml",
        """
        name: portal
        entity: customer
        topic: t
        group: g
        database: customerdb
        mapping: portal
        requires: [customer_id]
        tables:
          - name: portal.profile
            row: profile
            key: customer_id
            columns: [display_name, status]
            never: "t.locked"
            %s
          - name: portal.medium
            rows: media
            parent: customer_id
            key: [kind]
            columns: [value]
        """
            .formatted(extra),
        t -> t);
  }

  final Mappings mappings = new Mappings(name -> new StringReader(MAPPING), List.of());
  final DeclaredComparison comparison = new DeclaredComparison(mappings);

  /** A master that wrote every row whose customer_id is "c1". */
  static final Master MASTER =
      new RowsOnlyMaster() {
        @Override
        public boolean wrote(Record record, JsonNode row) {
          return "c1".equals(Json.text(row, "customer_id"));
        }
      };

  static CanonicalEvent event(String type, String data) {
    ObjectNode e = Json.object();
    e.put("specversion", "1.0");
    e.put("id", "e1");
    e.put("source", "crm");
    e.put("type", type);
    e.put("subject", "A1");
    e.set("data", Json.parse(data));
    return CanonicalEvent.of(e);
  }

  static final String DATA =
      """
      {"id": "c1", "name": "Anna", "status": "ACTIVE",
       "media": [{"kind": "EMAIL", "value": "a@example.at"}]}
      """;

  static JsonNode row(String json) {
    return Json.parse(json);
  }

  static final String SAME =
      """
      {"customer_id": "c1", "display_name": "Anna", "status": "ACTIVE",
       "media": [{"kind": "EMAIL", "value": "a@example.at"}]}
      """;

  Difference compare(SinkDeclaration sink, boolean present, String data, JsonNode actual) {
    Pair pair = new Pair("crm->portal", MASTER, sink, "customer_id");
    Master.Record record = new Master.Record("A1", Json.object(), present);
    CanonicalEvent e = data == null ? null : event("change", data);
    return comparison.compare(pair, new Comparison.Subject(record, e, actual, Map.of()));
  }

  @Test
  void theRowTheMappingMakesIsTheSame() {
    assertThat(compare(sink(""), true, DATA, row(SAME))).isNull();
  }

  @Test
  void aDifferingColumnOrChildRowIsNamedNeverItsValue() {
    Difference d =
        compare(
            sink(""),
            true,
            DATA,
            row(SAME.replace("Anna\"", "Edited\"").replace("a@example.at", "b@example.at")));
    assertThat(d.kind()).isEqualTo(Kind.DIFFERENT);
    assertThat(d.attributes()).containsExactly("display_name", "media[EMAIL].value");
    assertThat(d.toString()).doesNotContain("Edited", "b@example.at");
  }

  @Test
  void aChildRowTooManyIsADifference() {
    JsonNode actual =
        row(SAME.replace("]", ", {\"kind\": \"PHONE\", \"value\": \"+43\"}]")); // one more medium
    assertThat(compare(sink(""), true, DATA, actual).attributes())
        .containsExactly("media[PHONE]", "media[PHONE].value");
  }

  @Test
  void aRowTheCopyDoesNotHaveIsMissing() {
    assertThat(compare(sink(""), true, DATA, null).kind()).isEqualTo(Kind.MISSING);
  }

  @Test
  void aRowUnderTheNeverConditionIsNotCompared() {
    ObjectNode locked = (ObjectNode) row(SAME.replace("Anna", "Other"));
    locked.put(DeclaredComparison.NEVER, true);
    assertThat(compare(sink(""), true, DATA, locked)).isNull();
  }

  @Test
  void aChangeTheSinkDoesNotTakeIsNotCompared() {
    assertThat(compare(sink(""), true, DATA.replace("\"c1\"", "null"), null)).isNull();
  }

  @Test
  void aRecordTheMasterDoesNotHaveLeavesTheRowAsTheDeclarationSays() {
    SinkDeclaration inactive = sink("delete: {status: INACTIVE}");
    assertThat(compare(inactive, false, DATA, row(SAME.replace("ACTIVE", "INACTIVE")))).isNull();
    Difference alive = compare(inactive, false, DATA, row(SAME));
    assertThat(alive.kind()).isEqualTo(Kind.EXTRA);
    assertThat(alive.attributes()).containsExactly("status");
    assertThat(alive.repairable()).isTrue();

    SinkDeclaration deleted = sink("delete: row");
    assertThat(compare(deleted, false, DATA, null)).isNull();
    assertThat(compare(deleted, false, DATA, row(SAME)).kind()).isEqualTo(Kind.EXTRA);
  }

  @Test
  void aRowTheHubDidNotWriteIsLeftToAPerson() {
    Difference d =
        compare(sink("delete: row"), false, null, row(SAME.replace("\"c1\"", "\"someone-else\"")));
    assertThat(d.kind()).isEqualTo(Kind.EXTRA);
    assertThat(d.reason()).contains("not written by the hub");
    assertThat(d.repairable()).isFalse();
  }
}
