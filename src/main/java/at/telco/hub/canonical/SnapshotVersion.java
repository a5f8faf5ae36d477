package at.telco.hub.canonical;

import java.util.Arrays;

/**
 * The version of a state read from a PostgreSQL source: the {@code pg_current_snapshot()} of the
 * statement that read it ({@code xmin:xmax:xip,...}). Two snapshots of one server are ordered by
 * what they see: a later snapshot sees every transaction an earlier one sees, plus those that
 * committed in between. Unlike row versions, this also orders inserts, deletes and moves of rows (a
 * contact that is gone is gone because of a later commit), and unlike clocks it cannot be skewed.
 */
public final class SnapshotVersion {

  /** How an incoming version relates to the one a target already has. */
  public enum Order {
    OLDER,
    SAME,
    NEWER,
    /** Not from the same history (the source was restored or replaced): never applied silently. */
    INCOMPARABLE
  }

  private final long xmin;
  private final long xmax;
  private final long[] xip;

  private SnapshotVersion(long xmin, long xmax, long[] xip) {
    this.xmin = xmin;
    this.xmax = xmax;
    this.xip = xip;
  }

  /** Parses PostgreSQL's text form {@code xmin:xmax:xip_list}. */
  public static SnapshotVersion parse(String token) {
    if (token == null) {
      throw new IllegalArgumentException("snapshot version is missing");
    }
    // by hand (no regular expression, no stream): every target parses the versions of every change
    String t = token.strip();
    int first = t.indexOf(':');
    int second = first < 0 ? -1 : t.indexOf(':', first + 1);
    if (second < 0 || t.indexOf(':', second + 1) >= 0) {
      throw new IllegalArgumentException("not a snapshot version: '" + token + "'");
    }
    try {
      long xmin = Long.parseLong(t, 0, first, 10);
      long xmax = Long.parseLong(t, first + 1, second, 10);
      long[] xip = xip(t, second + 1);
      if (xmin > xmax) {
        throw new IllegalArgumentException("not a snapshot version: '" + token + "'");
      }
      return new SnapshotVersion(xmin, xmax, xip);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a snapshot version: '" + token + "'", e);
    }
  }

  /** The comma-separated in-progress list from {@code from} on, sorted. */
  private static long[] xip(String t, int from) {
    if (from == t.length()) {
      return new long[0];
    }
    int n = 1;
    for (int i = from; i < t.length(); i++) {
      if (t.charAt(i) == ',') {
        n++;
      }
    }
    long[] xip = new long[n];
    int k = 0;
    int start = from;
    for (int i = from; i <= t.length(); i++) {
      if (i == t.length() || t.charAt(i) == ',') {
        xip[k++] = Long.parseLong(t, start, i, 10);
        start = i + 1;
      }
    }
    Arrays.sort(xip);
    return xip;
  }

  /**
   * The version of what a transaction read: its {@code pg_current_snapshot()} with its own
   * transaction id ({@code pg_current_xact_id_if_assigned()}, null when it has none) counted as in
   * progress. PostgreSQL leaves a transaction's own id out of its snapshot, but to every other
   * reader that transaction is still running; without this, two concurrent readers (two hub
   * instances claiming changes at once) would produce versions that cannot be ordered.
   */
  public static SnapshotVersion ofOwnSnapshot(String snapshot, String ownXid) {
    SnapshotVersion v = parse(snapshot);
    if (ownXid == null || ownXid.isBlank()) {
      return v;
    }
    long own = Long.parseLong(ownXid.strip());
    if (own < v.xmin || own >= v.xmax || Arrays.binarySearch(v.xip, own) >= 0) {
      return v; // below xmin it would be committed (impossible for a running one); at or above xmax
      // it is invisible anyway
    }
    long[] xip = Arrays.copyOf(v.xip, v.xip.length + 1);
    xip[xip.length - 1] = own;
    Arrays.sort(xip);
    return new SnapshotVersion(v.xmin, v.xmax, xip);
  }

  public static boolean isValid(String token) {
    return tryParse(token) != null;
  }

  /**
   * The version, or null when the token is not one (one parse where isValid and parse took two).
   */
  public static SnapshotVersion tryParse(String token) {
    try {
      return token == null ? null : parse(token);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** How this (incoming) version relates to {@code applied}. */
  public Order comparedTo(SnapshotVersion applied) {
    boolean seesAllOfApplied = seesEverythingSeenBy(applied);
    boolean appliedSeesAllOfThis = applied.seesEverythingSeenBy(this);
    if (seesAllOfApplied && appliedSeesAllOfThis) {
      return Order.SAME;
    }
    if (seesAllOfApplied) {
      return Order.NEWER;
    }
    if (appliedSeesAllOfThis) {
      return Order.OLDER;
    }
    return Order.INCOMPARABLE;
  }

  public boolean isNewerThan(SnapshotVersion other) {
    return comparedTo(other) == Order.NEWER;
  }

  private boolean visible(long xid) {
    return xid < xmin || (xid < xmax && Arrays.binarySearch(xip, xid) < 0);
  }

  /** Whether every transaction visible to {@code other} is visible to this snapshot. */
  boolean seesEverythingSeenBy(SnapshotVersion other) {
    // every transaction other sees below other.xmax must be below our xmax ...
    if (xmax < other.xmax) {
      if (other.xmin > xmax) {
        return false; // [xmax, other.xmin) is visible to other and not to us
      }
      // in [xmax, other.xmax) other sees everything but its in-progress list
      long span = other.xmax - xmax;
      long inProgress = Arrays.stream(other.xip).filter(x -> x >= xmax && x < other.xmax).count();
      if (span > inProgress) {
        return false;
      }
    }
    // ... and none of them may still be in progress for us
    for (long x : xip) {
      if (other.visible(x)) {
        return false;
      }
    }
    return true;
  }

  public String token() {
    StringBuilder sb = new StringBuilder().append(xmin).append(':').append(xmax).append(':');
    for (int i = 0; i < xip.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(xip[i]);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SnapshotVersion v
        && v.xmin == xmin
        && v.xmax == xmax
        && Arrays.equals(v.xip, xip);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(xmin) * 31 + Long.hashCode(xmax) * 17 + Arrays.hashCode(xip);
  }

  @Override
  public String toString() {
    return token();
  }
}
