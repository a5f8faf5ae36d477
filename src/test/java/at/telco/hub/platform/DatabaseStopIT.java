package at.telco.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.embedded.EmbeddedPostgresServer;
import at.telco.hub.embedded.SystemDatabases;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.Isolated;
import at.telco.hub.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL server that stops and starts again (not a cut connection): readiness turns DOWN
 * naming each database that is away while liveness stays UP, and readiness is UP again once the
 * server is back, without restarting the hub. The server is the test's own (the four databases of
 * the contracts), the hub uses its own topics and consumer groups, so nothing else is disturbed.
 */
class DatabaseStopIT {

  @Test
  void readinessIsDownWhileTheDatabaseServerIsStoppedAndUpWhenItIsBack() throws Exception {
    TestServers servers = TestServers.get();
    Path dir = Files.createTempDirectory(servers.directory(), "pg-stop-");
    int port = TestServers.freePort();
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir, port);
    SystemDatabases.prepare(pg);

    Properties p = servers.hubProperties();
    for (String db : SystemDatabases.SYSTEMS) {
      p.setProperty("hub." + db + ".jdbc-url", pg.jdbcUrl(db));
    }
    p.setProperty("hub.hubdb.jdbc-url", pg.jdbcUrl(SystemDatabases.HUB_DATABASE));
    Isolated.topicsAndGroups(p, "o06");
    p.setProperty("hub.db.connection-timeout-ms", "1000");
    String base = null;
    try (HubInstance hub = HubInstance.start(p)) {
      base = "http://127.0.0.1:" + hub.managementPort() + "/observe/health";
      String ready = base + "/ready";
      await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(ready).status() == 200);

      pg.close(); // PostgreSQL stops (fast shutdown): every connection of the hub is gone
      await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(ready).status() == 503);
      Http.Response down = Http.get(ready);
      System.out.println("readiness while PostgreSQL is stopped: " + down.body());
      assertThat(down.body())
          .contains("\"database-customerdb\"")
          .contains("customerdb database is not reachable")
          .contains("crm database is not reachable")
          .contains("hub database is not reachable");
      assertThat(Http.get(base + "/live").status())
          .as("a database outage is no reason to restart the hub")
          .isEqualTo(200);

      pg = EmbeddedPostgresServer.start(dir, port);
      await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(ready).status() == 200);
      assertThat(Http.get(ready).body()).doesNotContain("not reachable");
    } finally {
      pg.close();
    }
  }
}
