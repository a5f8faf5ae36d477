package at.telco.hub.sink;

import at.telco.hub.canonical.CanonicalEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The newest change of each key of one batch of a sink, and what the writer makes of it. */
public final class SinkBatch {

  /** What happens to one key. */
  public enum Action {
    /** Inserted, or updated when the row exists. */
    UPSERT,
    /** A canonical delete: the main row updated as the declaration says, or deleted. */
    DELETE,
    /**
     * Nothing is written by the writer; the change has its outcome (set by the writer or a step).
     */
    NONE
  }

  /** The write of one key. */
  public static final class Write {
    private final TargetChange change;
    private final String key;
    private final Map<String, String> current;
    private final TargetStates.State known;
    private final Map<String, String> values;
    private Action action;
    private boolean insertAllowed = true;
    private Set<String> onlyColumns;
    private Map<String, String> returned = Map.of();

    Write(
        TargetChange change,
        String key,
        Map<String, String> current,
        TargetStates.State known,
        Map<String, String> values,
        Action action) {
      this.change = change;
      this.key = key;
      this.current = current;
      this.known = known;
      this.values = values;
      this.action = action;
    }

    public TargetChange change() {
      return change;
    }

    public CanonicalEvent event() {
      return change.event();
    }

    /** The main table's key of this write, as text. */
    public String key() {
      return key;
    }

    /** The columns the declaration {@code reads} of the existing row; null when there is none. */
    public Map<String, String> current() {
      return current;
    }

    /** What the hub applied for this key (versions kept in the hub); null for nothing. */
    public TargetStates.State known() {
      return known;
    }

    /** The main table's values (column -> text, null for SQL NULL); may be changed by steps. */
    public Map<String, String> values() {
      return values;
    }

    public Action action() {
      return action;
    }

    /** Writes nothing for this key; the change gets {@code outcome}. */
    public void skip(ApplyOutcome outcome) {
      action = Action.NONE;
      change.outcome(outcome);
    }

    /** Whether the row may be created (false: only an existing row is updated). */
    public boolean insertAllowed() {
      return insertAllowed;
    }

    public void insertAllowed(boolean allowed) {
      this.insertAllowed = allowed;
    }

    /** An update writes only these columns of the main table (null: every mapped column). */
    public Set<String> onlyColumns() {
      return onlyColumns;
    }

    public void onlyColumns(Set<String> columns) {
      this.onlyColumns = columns == null ? null : new LinkedHashSet<>(columns);
    }

    /** Whether the existing row is one the hub never writes again (the table's {@code never}). */
    public boolean never() {
      return current != null && "t".equals(current.get("$never"));
    }

    /** The {@code returning} columns of the written row (after the write). */
    public Map<String, String> returned() {
      return returned;
    }

    void returned(Map<String, String> returned) {
      this.returned = returned;
    }
  }

  private final SinkDeclaration sink;
  private final List<TargetChange> received;
  private final Map<String, Write> writes = new LinkedHashMap<>();
  private final Map<Class<?>, Object> shared = new HashMap<>();

  SinkBatch(SinkDeclaration sink, List<TargetChange> received) {
    this.sink = sink;
    this.received = received;
  }

  void add(Write write) {
    writes.put(write.key(), write);
  }

  public SinkDeclaration sink() {
    return sink;
  }

  /** Every change the writer was given (older ones of a key included), as given. */
  public List<TargetChange> received() {
    return Collections.unmodifiableList(received);
  }

  /** The newest change of every key that the writer judged, whatever it decided for it. */
  public List<Write> all() {
    return new ArrayList<>(writes.values());
  }

  /** The writes that will be (or were) made. */
  public List<Write> toWrite() {
    List<Write> out = new ArrayList<>();
    for (Write w : writes.values()) {
      if (w.action() != Action.NONE) {
        out.add(w);
      }
    }
    return out;
  }

  /**
   * The writes that applied the change: those the writer makes, and those a step did itself
   * (skipped with the outcome APPLIED); their versions are recorded as applied.
   */
  public List<Write> applied() {
    List<Write> out = new ArrayList<>();
    for (Write w : writes.values()) {
      if (w.action() != Action.NONE || w.change().outcome() == ApplyOutcome.APPLIED) {
        out.add(w);
      }
    }
    return out;
  }

  public Write get(String key) {
    return writes.get(key);
  }

  /**
   * Keeps what a step read for this batch for the steps after it (e.g. the customers' identities,
   * read once under the writer's lock), one value per type.
   */
  public <T> void share(Class<T> type, T value) {
    shared.put(type, value);
  }

  /** What an earlier step shared of this type, or null. */
  public <T> T shared(Class<T> type) {
    return type.cast(shared.get(type));
  }
}
