package at.telco.hub.consistency;

import java.util.List;

/**
 * One record that differs between a master and a copy: the record's key (CRM account or billing
 * account), what kind of difference, the names of the attributes that differ (never their values)
 * and, for a record the hub cannot map, why.
 */
public record Difference(Pair pair, String key, Kind kind, List<String> attributes, String reason) {

  /** What differs. */
  public enum Kind {
    /** the master has it, the copy does not */
    MISSING,
    /** the copy has it, the master does not (and the copy does not show it as ended) */
    EXTRA,
    /** both have it, with different values */
    DIFFERENT,
    /** the master's record breaks a rule of the mapping: it cannot be in the copy as it is */
    UNMAPPABLE
  }

  public Difference {
    attributes = List.copyOf(attributes);
  }

  /** Whether the hub can repair it from the master through the normal target route. */
  public boolean repairable() {
    // an unmappable record must be fixed in the master; a record the master never had, or one
    // the hub did not write, is not removed from a copy by the hub: a person decides
    return kind != Kind.UNMAPPABLE
        && reason == null
        && !(kind == Kind.EXTRA && !pair.master().sendsDeletes());
  }
}
