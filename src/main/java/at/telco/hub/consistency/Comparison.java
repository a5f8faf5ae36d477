package at.telco.hub.consistency;

import at.telco.hub.canonical.CanonicalEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * How one record of a master is compared with a copy's row: {@link DeclaredComparison} from the
 * sink's declaration, or a named comparison where the copy has rules of its own (a declaration's
 * {@code reconcile.compare}).
 */
public interface Comparison {

  /**
   * One record to compare.
   *
   * @param record the master's record (absent when the master does not have it)
   * @param event its canonical event, as a change would carry it (null when the master has no event
   *     of an absent record)
   * @param actual the copy's row (its child tables' rows under their {@code rows:} names), or null
   * @param others the rows of the same record in the sinks named by {@link #needs()}
   */
  record Subject(
      Master.Record record, CanonicalEvent event, JsonNode actual, Map<String, JsonNode> others) {

    public String key() {
      return record.key();
    }

    public boolean present() {
      return record.present();
    }
  }

  /** Other sinks whose rows of the same record the comparison needs, by name. */
  default List<String> needs() {
    return List.of();
  }

  /** What differs, or null when the copy holds what it should. */
  Difference compare(Pair pair, Subject subject);
}
