package at.telco.hub.failure;

/** The target refused the change itself (a constraint, a type, a privilege). Permanent. */
public class TargetRejectedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param reason what the target said, fit for a log (no statement text, no values)
   */
  public TargetRejectedException(String target, String reason, Throwable cause) {
    super(target + " rejected the change: " + reason, cause);
  }

  public TargetRejectedException(String message) {
    super(message);
  }
}
