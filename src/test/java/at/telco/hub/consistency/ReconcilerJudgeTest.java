package at.telco.hub.consistency;

import static at.telco.hub.consistency.DeclaredComparisonTest.DATA;
import static at.telco.hub.consistency.DeclaredComparisonTest.SAME;
import static at.telco.hub.consistency.DeclaredComparisonTest.event;
import static at.telco.hub.consistency.DeclaredComparisonTest.row;
import static at.telco.hub.consistency.DeclaredComparisonTest.sink;
import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.InvalidCanonicalEventException;
import at.telco.hub.canonical.Json;
import at.telco.hub.consistency.Difference.Kind;
import at.telco.hub.mapping.Mappings;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How reconciliation judges one record: its event is checked against the canonical schemas only
 * when a copy differs. No database, no Camel.
 */
class ReconcilerJudgeTest {

  final AtomicInteger checks = new AtomicInteger();

  /** A master whose records carry their event's data; the schemas refuse data with "bad". */
  final Master master =
      new RowsOnlyMaster() {
        @Override
        public CanonicalEvent unchecked(Record record) {
          return event("change", record.doc().path("data").toString());
        }

        @Override
        public CanonicalEvent check(CanonicalEvent event) {
          checks.incrementAndGet();
          if (event.data().has("bad")) {
            throw new InvalidCanonicalEventException(List.of("$.data.bad: is not allowed"));
          }
          return event;
        }
      };

  final Pair pair = new Pair("crm->portal", master, sink(""), "customer_id");
  final Map<Pair, Comparison> comparisons =
      Map.of(
          pair,
          new DeclaredComparison(
              new Mappings(name -> new StringReader(DeclaredComparisonTest.MAPPING), List.of())));

  List<Difference> judge(String data, String copy) {
    ObjectNode doc = Json.object();
    doc.set("data", Json.parse(data));
    Map<String, ObjectNode> rows = new HashMap<>();
    if (copy != null) {
      rows.put("A1", (ObjectNode) row(copy));
    }
    Map<Pair, Long> compared = new HashMap<>();
    List<Difference> found = new ArrayList<>();
    Reconciler.judge(
        master,
        new Master.Record("A1", doc, true),
        Set.of(pair),
        comparisons,
        Map.of("portal", pair),
        Map.of(pair, rows),
        compared,
        found::add);
    assertThat(compared).containsEntry(pair, 1L);
    return found;
  }

  static String bad(String data) {
    return data.replaceFirst("\\{", "{\"bad\": true, ");
  }

  @Test
  void aRecordInStepIsNotCheckedAgainstTheSchemas() {
    assertThat(judge(DATA, SAME)).isEmpty();
    assertThat(checks).hasValue(0);
  }

  @Test
  void aRecordFoundDifferentIsCheckedAndReportedAsItDiffers() {
    List<Difference> found = judge(DATA, SAME.replace("Anna\"", "Edited\""));
    assertThat(found).extracting(Difference::kind).containsExactly(Kind.DIFFERENT);
    assertThat(found.get(0).attributes()).containsExactly("display_name");
    assertThat(checks).hasValue(1);
  }

  @Test
  void aRecordFoundDifferentThatTheSchemasRefuseIsUnmappable() {
    List<Difference> found = judge(bad(DATA), SAME.replace("Anna\"", "Edited\""));
    assertThat(found).extracting(Difference::kind).containsExactly(Kind.UNMAPPABLE);
    assertThat(found.get(0).reason()).contains("$.data.bad");
    assertThat(found.get(0).repairable()).isFalse();
  }

  @Test
  void aRecordMissingInTheCopyThatTheSchemasRefuseIsUnmappable() {
    assertThat(judge(bad(DATA), null))
        .extracting(Difference::kind)
        .containsExactly(Kind.UNMAPPABLE);
  }

  @Test
  void aRecordTheSchemasWouldRefuseWhoseCopyHoldsWhatItMapsToIsInStep() {
    assertThat(judge(bad(DATA), SAME)).isEmpty();
    assertThat(checks).hasValue(0);
  }
}
