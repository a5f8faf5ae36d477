package at.telco.hub.failure;

import at.telco.hub.jdbc.SqlFailures;

/**
 * A target (or the hub's own database) cannot be reached or refuses service right now. Transient:
 * the change is retried until the target is back, and never dead-lettered for this.
 */
public class TargetUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TargetUnavailableException(String target, Throwable cause) {
    super(
        target
            + " is unavailable: "
            + (cause instanceof java.sql.SQLException sql
                ? SqlFailures.describe(sql)
                : cause.getMessage()),
        cause);
  }
}
