package at.telco.hub.failure;

import java.util.List;

/**
 * A request of support or operations that the hub refuses, and why, by kind: the management API
 * answers each kind with its HTTP status (in package {@code api} only); the command line and the
 * console see that status. The detail never carries personal data.
 */
public class Refused extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The kinds of refusal. */
  public enum Kind {
    /** The request is not valid (a parameter, an edited body): nothing was changed. */
    INVALID,
    /** What the request names does not exist. */
    NOT_FOUND,
    /** The request conflicts with the state of what it names (not open, being replayed). */
    CONFLICT,
    /** Too much of this at once: try again in a moment. */
    BUSY,
    /** Something the request needs is away: nothing was changed, try again. */
    UNAVAILABLE
  }

  private final Kind kind;
  private final List<String> problems;

  private Refused(Kind kind, String detail, List<String> problems) {
    super(detail);
    this.kind = kind;
    this.problems = List.copyOf(problems);
  }

  public static Refused invalid(String detail) {
    return new Refused(Kind.INVALID, detail, List.of());
  }

  /** Invalid, with each problem naming its field. */
  public static Refused invalid(String detail, List<String> problems) {
    return new Refused(Kind.INVALID, detail, problems);
  }

  public static Refused notFound(String detail) {
    return new Refused(Kind.NOT_FOUND, detail, List.of());
  }

  public static Refused conflict(String detail) {
    return new Refused(Kind.CONFLICT, detail, List.of());
  }

  public static Refused busy(String detail) {
    return new Refused(Kind.BUSY, detail, List.of());
  }

  public static Refused unavailable(String detail) {
    return new Refused(Kind.UNAVAILABLE, detail, List.of());
  }

  public Kind kind() {
    return kind;
  }

  /** The problems of an invalid request, each naming its field (may be empty). */
  public List<String> problems() {
    return problems;
  }
}
