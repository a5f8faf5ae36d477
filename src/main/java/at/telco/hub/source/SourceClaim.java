package at.telco.hub.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rows claimed from a polled source table ({@code SELECT ... FOR UPDATE SKIP LOCKED}): the open
 * transaction holds them until {@link #markProcessed} writes the consumption mark and commits; if
 * the exchange fails first, the transaction is rolled back and the rows are claimed again later.
 */
public final class SourceClaim implements Synchronization {

  /** Exchange property holding the open claim. */
  public static final String PROPERTY = "hubSourceClaim";

  /** Exchange property: the batch was full, so the route polls again at once. */
  public static final String MORE = "hubMoreWork";

  private static final Logger LOG = LoggerFactory.getLogger(SourceClaim.class);

  private final Connection connection;
  private final String markSql;
  private final List<Long> ids;
  private final List<String> rows;

  private SourceClaim(Connection connection, String markSql, List<Long> ids, List<String> rows) {
    this.connection = connection;
    this.markSql = markSql;
    this.ids = ids;
    this.rows = rows;
  }

  /**
   * Starts a poll of the source: nothing more to do unless the claim is full; the scheduler (see
   * {@link PollPacing}) counts the run as idle unless some poll of it claimed rows.
   */
  public static void begin(Exchange exchange) {
    exchange.setProperty(MORE, false);
    if (exchange.getProperty(Exchange.SCHEDULER_POLLED_MESSAGES) == null) {
      exchange.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, false);
    }
  }

  /**
   * Starts a poll of {@code source} (see {@link #begin(Exchange)}) and opens the transaction that
   * claims its rows: a connection with auto-commit off, which the caller hands to {@link
   * #openLocated} once it claimed rows, or ends with {@link #nothingClaimed} (or {@link #abandon}
   * on a failure).
   */
  public static Connection begin(Exchange exchange, DataSource source) throws SQLException {
    begin(exchange);
    Connection connection = source.getConnection();
    try {
      connection.setAutoCommit(false);
    } catch (SQLException | RuntimeException e) {
      try {
        connection.close();
      } catch (SQLException | RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return connection;
  }

  /**
   * Ends a claim's transaction that found no rows: rolled back, the connection back to its pool.
   */
  public static void nothingClaimed(Connection connection) throws SQLException {
    connection.rollback();
    connection.close();
  }

  /**
   * Closes the connection of a claim that failed before it was {@link #openLocated opened} (its
   * transaction ends with it); nothing when {@code connection} is null.
   */
  public static void abandon(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing a failed connection
    }
  }

  /**
   * Attaches a claim to the exchange whose rows are marked where the claim found them: the claim
   * locked them ({@code FOR UPDATE}), so their {@code ctid}s stay theirs until the commit, and the
   * mark looks up no index.
   *
   * @param markSql the update that marks the claimed rows, with one array parameter of their ctids
   *     ({@code WHERE ctid = ANY(?::tid[])})
   * @param ctids the claimed rows' {@code ctid::text}, as the claim read them
   */
  public static SourceClaim openLocated(
      Exchange exchange,
      Connection connection,
      String markSql,
      List<Long> ids,
      List<String> ctids,
      boolean full) {
    return attach(exchange, new SourceClaim(connection, markSql, ids, ctids), full);
  }

  private static SourceClaim attach(Exchange exchange, SourceClaim claim, boolean full) {
    exchange.setProperty(PROPERTY, claim);
    exchange.setProperty(MORE, full);
    exchange.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, true);
    exchange.getExchangeExtension().addOnCompletion(claim);
    return claim;
  }

  public Connection connection() {
    return connection;
  }

  public List<Long> ids() {
    return ids;
  }

  /** Marks the claimed rows, commits and returns the connection to its pool. */
  public void markProcessed() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(markSql)) {
      ps.setArray(1, connection.createArrayOf("text", rows.toArray()));
      ps.executeUpdate();
    }
    connection.commit();
    // back to the pool: a loop of batches must not hold one connection per batch
    connection.close();
  }

  /** Marks and commits the claim on the exchange, if there is one. */
  public static void complete(Exchange exchange) throws SQLException {
    SourceClaim claim = exchange.getProperty(PROPERTY, SourceClaim.class);
    if (claim != null) {
      claim.markProcessed();
      exchange.removeProperty(PROPERTY);
    }
  }

  private void release() {
    try {
      if (!connection.isClosed()) {
        connection.rollback();
        connection.close();
      }
    } catch (SQLException e) {
      LOG.debug("releasing a source claim: {}", e.getMessage());
    }
  }

  @Override
  public void onComplete(Exchange exchange) {
    release();
  }

  @Override
  public void onFailure(Exchange exchange) {
    release();
  }
}
