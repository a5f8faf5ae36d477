package at.telco.hub.bench;

import at.telco.hub.testing.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The bench's own sessions in the databases it watches while an engine is measured: one per
 * database, opened once and kept. Their backends are known, so what they cost PostgreSQL (the
 * bench's looks at its probes, the counters it reads) is the bench's and not the engine's, and no
 * backend is started per look: a connection of its own per look started a backend five to ten times
 * a second during every drain, and a new backend's start costs PostgreSQL more than the look.
 */
final class BenchSessions implements AutoCloseable {

  private final TestServers servers;
  private final Map<String, Connection> open = new HashMap<>();
  private final Map<String, Long> backends = new HashMap<>();

  BenchSessions(TestServers servers) {
    this.servers = servers;
  }

  /**
   * The session in {@code database} (autocommit), opened at its first use or again after it broke;
   * for one thread at a time (the bench's looks and Awaitility's polling thread take turns).
   */
  synchronized Connection session(String database) throws SQLException {
    Connection c = open.get(database);
    if (c != null && c.isValid(2)) {
      return c;
    }
    if (c != null) {
      closeQuietly(c);
    }
    c = servers.owner(database).getConnection();
    c.setAutoCommit(true);
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      backends.put(database, rs.getLong(1));
    }
    open.put(database, c);
    return c;
  }

  /**
   * The process ids of the sessions' backends. A backend that ended (a broken session opened again)
   * is no longer among them: what it used then counts as PostgreSQL's, as every ended backend's.
   */
  synchronized Set<Long> backends() {
    return new HashSet<>(backends.values());
  }

  @Override
  public synchronized void close() {
    open.values().forEach(BenchSessions::closeQuietly);
    open.clear();
    backends.clear();
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // a session that broke: nothing to close
    }
  }
}
