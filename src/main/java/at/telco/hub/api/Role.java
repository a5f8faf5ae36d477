package at.telco.hub.api;

import java.util.Locale;

/**
 * The roles of the management API, each including the ones before it: a viewer reads summaries and
 * metadata; support also reads bodies, replays, edits, resyncs and discards; an operator also runs
 * what operations runs (bulk replays, and later resync, reconciliation, routes); an admin also
 * manages users.
 */
public enum Role {
  VIEWER,
  SUPPORT,
  OPERATOR,
  ADMIN;

  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String s) {
    try {
      return Role.valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown role '" + s + "' (viewer, support, operator, admin)");
    }
  }
}
