package at.telco.hub.sink;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.Json;
import at.telco.hub.canonical.MalformedMessageException;
import at.telco.hub.canonical.SnapshotVersion;
import at.telco.hub.canonical.SnapshotVersion.Order;
import at.telco.hub.failure.TargetRejectedException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Version bookkeeping shared by the target writers. */
public final class Versions {

  /** Key of the master's snapshot in customerdb's {@code source_versions}. */
  public static final String CRM_SNAPSHOT_KEY = "crm:snapshot";

  private Versions() {}

  public static SnapshotVersion of(CanonicalEvent event) {
    SnapshotVersion v = SnapshotVersion.tryParse(event.entityVersion());
    if (v == null) {
      throw new MalformedMessageException(
          "event " + event.id() + " has no valid entityversion: cannot order it");
    }
    return v;
  }

  /** The event's version, checked: a source snapshot or a sequence number. */
  public static String versionOf(CanonicalEvent event) {
    String v = event.entityVersion();
    if (v == null || !(SnapshotVersion.isValid(v) || isSequence(v))) {
      throw new MalformedMessageException(
          "event " + event.id() + " has no valid entityversion: cannot order it");
    }
    return v;
  }

  private static boolean isSequence(String v) {
    return !v.isEmpty() && v.length() < 19 && v.chars().allMatch(Character::isDigit);
  }

  /**
   * How an incoming version relates to an applied one: source snapshots by what they see (see
   * {@link SnapshotVersion}), a master's sequence numbers by value; versions of different kinds
   * cannot be ordered.
   */
  public static Order compare(String incoming, String applied) {
    if (isSequence(incoming) && isSequence(applied)) {
      int c = Long.compare(Long.parseLong(incoming), Long.parseLong(applied));
      return c > 0 ? Order.NEWER : c < 0 ? Order.OLDER : Order.SAME;
    }
    SnapshotVersion in = SnapshotVersion.tryParse(incoming);
    SnapshotVersion ap = in == null ? null : SnapshotVersion.tryParse(applied);
    return ap == null ? Order.INCOMPARABLE : in.comparedTo(ap);
  }

  /**
   * {@code source_versions} as customerdb keeps it: the master's row versions ({@code
   * "crm:CONTACT:CON-3": 2}) plus the snapshot the state was read in.
   */
  public static ObjectNode sourceVersions(CanonicalEvent event, String snapshotKey) {
    ObjectNode node = Json.object();
    String rows = event.sourceVersions();
    if (rows != null && !rows.isBlank()) {
      for (String pair : rows.split(",")) {
        int eq = pair.lastIndexOf('=');
        if (eq > 0) {
          try {
            node.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
          } catch (NumberFormatException e) {
            node.put(pair.substring(0, eq), pair.substring(eq + 1));
          }
        }
      }
    }
    node.put(snapshotKey, event.entityVersion());
    return node;
  }

  /**
   * Whether {@code event} was read from exactly the rows, at exactly the row versions, that {@code
   * applied} (customerdb's {@code source_versions}) records: then it carries the same state.
   */
  public static boolean sameRows(CanonicalEvent event, JsonNode applied) {
    return rowVersions(sourceVersions(event, CRM_SNAPSHOT_KEY), CRM_SNAPSHOT_KEY)
        .equals(rowVersions(applied, CRM_SNAPSHOT_KEY));
  }

  /** The row versions of a {@code source_versions} document (without the snapshot). */
  public static Map<String, String> rowVersions(JsonNode versions, String snapshotKey) {
    Map<String, String> rows = new java.util.TreeMap<>();
    for (Map.Entry<String, JsonNode> e : versions.properties()) {
      if (!e.getKey().equals(snapshotKey)) {
        rows.put(e.getKey(), e.getValue().asText());
      }
    }
    return rows;
  }

  /**
   * Keeps the newest change per key in list order; the others are marked {@link
   * ApplyOutcome#SUPERSEDED} (or {@link ApplyOutcome#DUPLICATE}); a change whose version cannot be
   * ordered against another of its key is marked failed.
   */
  public static <K> Map<K, TargetChange> newestPerKey(
      List<TargetChange> changes, Function<TargetChange, K> key) {
    Map<K, TargetChange> newest = new LinkedHashMap<>();
    for (TargetChange change : changes) {
      K k;
      String v;
      try {
        k = key.apply(change);
        v = versionOf(change.event());
      } catch (RuntimeException e) {
        change.failed(e);
        continue;
      }
      TargetChange previous = newest.get(k);
      if (previous == null) {
        newest.put(k, change);
        continue;
      }
      switch (compare(v, previous.event().entityVersion())) {
        case NEWER -> {
          previous.outcome(ApplyOutcome.SUPERSEDED);
          newest.put(k, change);
        }
        case SAME -> change.outcome(ApplyOutcome.DUPLICATE);
        case OLDER -> change.outcome(ApplyOutcome.SUPERSEDED);
        case INCOMPARABLE -> change.failed(incomparable(change, previous.event().entityVersion()));
      }
    }
    return newest;
  }

  public static RuntimeException incomparable(TargetChange change, String applied) {
    return new TargetRejectedException(
        "version "
            + change.event().entityVersion()
            + " cannot be ordered against "
            + applied
            + " (was the master restored or replaced? resync the target from the master)");
  }

  /** The changes of {@code changes} that failed on their own. */
  public static List<TargetChange> failed(List<TargetChange> changes) {
    List<TargetChange> failed = new ArrayList<>();
    for (TargetChange c : changes) {
      if (c.hasFailed()) {
        failed.add(c);
      }
    }
    return failed;
  }
}
