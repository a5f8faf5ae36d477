package at.telco.hub.jdbc;

import at.telco.hub.failure.TargetRejectedException;
import at.telco.hub.failure.TargetUnavailableException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a database that is away (retry until it is back) from a change it rejects (dead-letter).
 */
public final class SqlFailures {

  private SqlFailures() {}

  /** Whether {@code e} says the database is unreachable, shutting down or out of resources. */
  public static boolean isUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLRecoverableException
          || t instanceof ConnectException
          || t instanceof SocketTimeoutException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") // connection exception
            || state.startsWith("53") // insufficient resources
            || state.startsWith("57P") // admin shutdown, crash shutdown, cannot connect now
            || state.equals("40001") // serialization failure: retry
            || state.equals("40P01") // deadlock: retry
            || state.equals("55P03")) { // lock not available
          return true;
        }
      }
    }
    return false;
  }

  /**
   * What the database said, fit for a log, a metric label or a dead letter's reason: the primary
   * message and SQLState only. The statement text (with its parameter values), the DETAIL line
   * (with the failing row) and values quoted in data errors are personal data and left out.
   */
  public static String describe(SQLException e) {
    SQLException root = e;
    if (e instanceof java.sql.BatchUpdateException && e.getNextException() != null) {
      root = e.getNextException();
    }
    String message = null;
    if (root instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
      message = p.getServerErrorMessage().getMessage();
    }
    if (message == null) {
      message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      int newline = message.indexOf('\n');
      if (newline > 0) {
        message = message.substring(0, newline);
      }
    }
    String state = root.getSQLState();
    if (state != null && state.startsWith("22")) {
      // data exceptions quote the offending value after a colon
      int colon = message.indexOf(':');
      if (colon > 0) {
        message = message.substring(0, colon);
      }
    }
    if (message.startsWith("Batch entry")) {
      message = "a statement of the batch failed";
    }
    return message.strip() + (state == null ? "" : " (SQLState " + state + ")");
  }

  /**
   * Rolls back after {@code cause} failed a transaction. A rollback that fails too (the connection
   * was closed by the failure: a server shutting down, a commit cut off) must not replace the
   * cause, which says whether to wait for the server or to dead-letter the change; it is attached
   * to the cause instead.
   */
  public static void rollback(java.sql.Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /** Rethrows {@code e} as {@link TargetUnavailableException} when the database is away. */
  public static RuntimeException translate(String target, SQLException e) {
    if (isUnavailable(e)) {
      return new TargetUnavailableException(target, describe(e), e);
    }
    return new TargetRejectedException(target, describe(e), e);
  }
}
