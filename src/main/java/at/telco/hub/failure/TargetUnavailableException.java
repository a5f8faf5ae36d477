package at.telco.hub.failure;

/**
 * A target (or the hub's own database) cannot be reached or refuses service right now. Transient:
 * the change is retried until the target is back, and never dead-lettered for this.
 */
public class TargetUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param reason what the target said, fit for a log (no statement text, no values)
   */
  public TargetUnavailableException(String target, String reason, Throwable cause) {
    super(target + " is unavailable: " + reason, cause);
  }
}
