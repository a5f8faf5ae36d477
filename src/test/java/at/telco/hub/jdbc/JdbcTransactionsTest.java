package at.telco.hub.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.failure.NotYetKnownException;
import at.telco.hub.failure.TargetRejectedException;
import at.telco.hub.failure.TargetUnavailableException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Transactions} against a recording fake connection: what is committed, what is rolled back
 * and what leaves.
 */
class JdbcTransactionsTest {

  private static final String[] COMMITTED = {
    "getConnection", "setAutoCommit(false)", "commit", "close"
  };
  private static final String[] ROLLED_BACK = {
    "getConnection", "setAutoCommit(false)", "rollback", "close"
  };

  /** A connection that records the calls the helper makes; its rollback may be made to fail. */
  static final class Fake {
    final List<String> calls = new ArrayList<>();
    SQLException rollbackFails;
    SQLException commitFails;

    DataSource dataSource() {
      Connection connection =
          (Connection)
              Proxy.newProxyInstance(
                  Connection.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (proxy, method, args) -> {
                    String name = method.getName();
                    calls.add(args == null || args.length == 0 ? name : name + "(" + args[0] + ")");
                    if (name.equals("rollback") && rollbackFails != null) {
                      throw rollbackFails;
                    }
                    if (name.equals("commit") && commitFails != null) {
                      throw commitFails;
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                  });
      return (DataSource)
          Proxy.newProxyInstance(
              DataSource.class.getClassLoader(),
              new Class<?>[] {DataSource.class},
              (proxy, method, args) -> {
                if (method.getName().equals("getConnection")) {
                  calls.add("getConnection");
                  return connection;
                }
                throw new UnsupportedOperationException(method.getName());
              });
    }
  }

  /** A unit of work that fails with {@code e} (a SQLException or a RuntimeException). */
  private static <T> Transactions.Work<T, RuntimeException> failing(Exception e) {
    return c -> {
      if (e instanceof SQLException sql) {
        throw sql;
      }
      throw (RuntimeException) e;
    };
  }

  private static SQLException sql(String state) {
    return new SQLException("the database said no", state);
  }

  @Test
  void aUnitThatReturnsIsCommittedAndItsResultReturned() {
    Fake db = new Fake();

    String result = Transactions.call(db.dataSource(), "hub database", c -> "done");

    assertThat(result).isEqualTo("done");
    assertThat(db.calls).containsExactly(COMMITTED);
  }

  @Test
  void aUnitThatThrowsIsRolledBackAndItsRuntimeExceptionLeavesUnchanged() {
    Fake db = new Fake();
    IllegalStateException failure = new IllegalStateException("not open");

    assertThatThrownBy(
            () ->
                Transactions.run(
                    db.dataSource(),
                    "hub database",
                    c -> {
                      throw failure;
                    }))
        .isSameAs(failure);
    assertThat(db.calls).containsExactly(ROLLED_BACK);
  }

  @Test
  void aDatabaseThatIsAwayIsTargetUnavailableNamingTheSystem() {
    Fake db = new Fake();

    assertThatThrownBy(() -> Transactions.call(db.dataSource(), "billing", failing(sql("08006"))))
        .isInstanceOf(TargetUnavailableException.class)
        .hasMessageStartingWith("billing ")
        .hasMessageContaining("SQLState 08006");
    assertThat(db.calls).contains("rollback").doesNotContain("commit");
  }

  @Test
  void aChangeTheDatabaseRejectsIsTargetRejectedNamingTheSystem() {
    Fake db = new Fake();

    assertThatThrownBy(
            () -> Transactions.call(db.dataSource(), "customerdb", failing(sql("23505"))))
        .isInstanceOf(TargetRejectedException.class)
        .hasMessageStartingWith("customerdb")
        .hasMessageContaining("SQLState 23505");
  }

  @Test
  void aFailedCommitIsRolledBackAndTranslated() {
    Fake db = new Fake();
    db.commitFails = sql("57P01");

    assertThatThrownBy(() -> Transactions.call(db.dataSource(), "hub database", c -> 1))
        .isInstanceOf(TargetUnavailableException.class)
        .hasCause(db.commitFails);
    assertThat(db.calls)
        .containsExactly("getConnection", "setAutoCommit(false)", "commit", "rollback", "close");
  }

  @Test
  void theCallerMayGiveItsOwnTranslation() {
    Fake db = new Fake();

    assertThatThrownBy(
            () ->
                Transactions.call(
                    db.dataSource(),
                    e ->
                        "23503".equals(e.getSQLState())
                            ? new NotYetKnownException("not yet")
                            : SqlFailures.translate("billing", e),
                    failing(sql("23503"))))
        .isInstanceOf(NotYetKnownException.class)
        .hasMessage("not yet");
  }

  @Test
  void aRollbackThatFailsTooIsKeptAsSuppressedAndTheCauseStillDecides() {
    Fake db = new Fake();
    db.rollbackFails = sql("08003");
    SQLException cause = sql("23505");

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> Transactions.call(db.dataSource(), "customerdb", failing(cause)));

    // the cause (a rejected change) decides, not the connection the rollback found closed
    assertThat(thrown).isInstanceOf(TargetRejectedException.class).hasCause(cause);
    assertThat(cause.getSuppressed()).containsExactly(db.rollbackFails);
  }

  @Test
  void aRollbackThatFailsAfterARuntimeExceptionIsKeptAsSuppressed() {
    Fake db = new Fake();
    db.rollbackFails = sql("08003");
    IllegalStateException cause = new IllegalStateException("refused");

    assertThatThrownBy(() -> Transactions.call(db.dataSource(), "hub database", failing(cause)))
        .isSameAs(cause);
    assertThat(cause.getSuppressed()).containsExactly(db.rollbackFails);
  }

  @Test
  void aUnitDecidesWhetherItsTransactionIsCommittedAndReturnsItsResult() {
    Fake held = new Fake();
    Fake done = new Fake();

    String result =
        Transactions.decide(
            held.dataSource(), "billing", c -> Transactions.Decision.rollback("held"));
    int count =
        Transactions.decide(done.dataSource(), "billing", c -> Transactions.Decision.commit(3));

    assertThat(result).isEqualTo("held");
    assertThat(held.calls).containsExactly(ROLLED_BACK);
    assertThat(count).isEqualTo(3);
    assertThat(done.calls).containsExactly(COMMITTED);
  }

  @Test
  void aReadIsAReadOnlyTransaction() {
    Fake db = new Fake();

    Transactions.read(db.dataSource(), "crm", c -> "rows");

    assertThat(db.calls)
        .containsExactly(
            "getConnection", "setAutoCommit(false)", "setReadOnly(true)", "commit", "close");
  }

  @Test
  void untranslatedLeavesTheSqlExceptionToTheCaller() {
    Fake db = new Fake();
    SQLException cause = sql("08006");

    assertThatThrownBy(() -> Transactions.untranslated(db.dataSource(), failing(cause)))
        .isSameAs(cause);
    assertThat(db.calls).contains("rollback");
  }

  @Test
  void aCheckedExceptionOfTheUnitLeavesUnchangedAfterTheRollback() {
    Fake db = new Fake();
    IOException cause = new IOException("disk full");
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    try {
      Transactions.call(
          db.dataSource(),
          "hub database",
          c -> {
            if (cause != null) {
              throw cause;
            }
            return null;
          });
    } catch (IOException e) {
      thrown.set(e);
    }

    assertThat(thrown.get()).isSameAs(cause);
    assertThat(db.calls).containsExactly(ROLLED_BACK);
  }
}
