package at.telco.hub.failure;

import at.telco.hub.jdbc.SqlFailures;
import java.sql.SQLException;

/** The target refused the change itself (a constraint, a type, a privilege). Permanent. */
public class TargetRejectedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TargetRejectedException(String target, SQLException cause) {
    super(target + " rejected the change: " + SqlFailures.describe(cause), cause);
  }

  public TargetRejectedException(String message) {
    super(message);
  }
}
