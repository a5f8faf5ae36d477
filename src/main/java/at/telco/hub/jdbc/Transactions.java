package at.telco.hub.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * A unit of work in one transaction on a connection of a {@link DataSource}: committed when the
 * unit returns, rolled back when it throws (a rollback that fails too is attached to the failure as
 * suppressed, see {@link SqlFailures#rollback}), the connection back to its pool either way.
 *
 * <p>A {@link SQLException} leaves as the hub's failure: {@link SqlFailures#translate} naming the
 * system ({@code TargetUnavailableException}: retry until it is back; {@code
 * TargetRejectedException}: dead-letter), or the caller's own translation. A RuntimeException, or a
 * checked exception of the unit's own ({@code X}, e.g. an {@code IOException}), leaves unchanged.
 *
 * <p>For a transaction that spans more than one call (a source's claim, held until the exchange
 * completes) see {@code source.SourceClaim}.
 */
public final class Transactions {

  private Transactions() {}

  /**
   * A unit of work in an open transaction; {@code X} is a checked exception of its own besides
   * SQLException (none: RuntimeException).
   */
  @FunctionalInterface
  public interface Work<T, X extends Exception> {
    T in(Connection c) throws SQLException, X;
  }

  /** A unit of work without a result. */
  @FunctionalInterface
  public interface VoidWork<X extends Exception> {
    void in(Connection c) throws SQLException, X;
  }

  /**
   * What a unit of work that may decide against its changes returns (see {@link #decide}): its
   * result, and whether the transaction is committed or rolled back.
   */
  public record Decision<T>(T value, boolean commit) {

    public static <T> Decision<T> commit(T value) {
      return new Decision<>(value, true);
    }

    public static <T> Decision<T> rollback(T value) {
      return new Decision<>(value, false);
    }
  }

  /** Runs {@code work} in a transaction; a SQLException leaves translated naming {@code system}. */
  public static <T, X extends Exception> T call(DataSource source, String system, Work<T, X> work)
      throws X {
    return call(source, e -> SqlFailures.translate(system, e), work);
  }

  /** Runs {@code work} in a transaction; a SQLException leaves as {@code translation} makes it. */
  public static <T, X extends Exception> T call(
      DataSource source,
      Function<SQLException, ? extends RuntimeException> translation,
      Work<T, X> work)
      throws X {
    try {
      return untranslated(source, work);
    } catch (SQLException e) {
      throw translation.apply(e);
    }
  }

  /** {@link #call} without a result. */
  public static <X extends Exception> void run(DataSource source, String system, VoidWork<X> work)
      throws X {
    call(
        source,
        system,
        c -> {
          work.in(c);
          return null;
        });
  }

  /** {@link #call} with a translation of the caller's, without a result. */
  public static <X extends Exception> void run(
      DataSource source,
      Function<SQLException, ? extends RuntimeException> translation,
      VoidWork<X> work)
      throws X {
    call(
        source,
        translation,
        c -> {
          work.in(c);
          return null;
        });
  }

  /**
   * Runs {@code work} in a transaction that it commits or rolls back by its {@link Decision} (e.g.
   * a step that finds it must not go on yet rolls back what it locked and read); a failure rolls
   * back as in {@link #call}.
   */
  public static <T, X extends Exception> T decide(
      DataSource source, String system, Work<Decision<T>, X> work) throws X {
    try {
      return transaction(source, false, work);
    } catch (SQLException e) {
      throw SqlFailures.translate(system, e);
    }
  }

  /**
   * Runs {@code work} in a read-only transaction (auto-commit off, e.g. for a cursor that fetches
   * its rows in pages, or for one consistent view across several queries).
   */
  public static <T, X extends Exception> T read(DataSource source, String system, Work<T, X> work)
      throws X {
    try {
      return transaction(source, true, c -> Decision.commit(work.in(c)));
    } catch (SQLException e) {
      throw SqlFailures.translate(system, e);
    }
  }

  /**
   * Runs {@code work} in a transaction and leaves a SQLException as it is, for a caller that
   * handles it itself.
   */
  public static <T, X extends Exception> T untranslated(DataSource source, Work<T, X> work)
      throws SQLException, X {
    return transaction(source, false, c -> Decision.commit(work.in(c)));
  }

  private static <T, X extends Exception> T transaction(
      DataSource source, boolean readOnly, Work<Decision<T>, X> work) throws SQLException, X {
    try (Connection c = source.getConnection()) {
      c.setAutoCommit(false);
      if (readOnly) {
        c.setReadOnly(true);
      }
      Decision<T> decision;
      try {
        decision = work.in(c);
        if (decision.commit()) {
          c.commit();
        } else {
          c.rollback();
        }
      } catch (Exception e) {
        SqlFailures.rollback(c, e);
        throw e;
      }
      return decision.value();
    }
  }
}
