package at.telco.hub.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.TcpProxy;
import at.telco.hub.testing.TestServers;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness is UP only while every database, Kafka and Artemis answer and the routes run; liveness
 * only says the JVM and Camel work, so an outage never makes an orchestrator restart the hub.
 */
class HealthIT {

  static TestServers servers;
  static TcpProxy artemis;
  static TcpProxy customerdb;
  static HubInstance hub;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    servers = TestServers.get();
    artemis = new TcpProxy("127.0.0.1", servers.artemisPort());
    customerdb = new TcpProxy("127.0.0.1", servers.postgresPort());
    Properties p = servers.hubProperties();
    p.setProperty("hub.artemis.url", "tcp://127.0.0.1:" + artemis.port() + "?reconnectAttempts=0");
    p.setProperty(
        "hub.customerdb.jdbc-url",
        "jdbc:postgresql://127.0.0.1:" + customerdb.port() + "/customerdb");
    p.setProperty("hub.db.connection-timeout-ms", "1000");
    hub = HubInstance.start(p);
    base = "http://127.0.0.1:" + hub.managementPort() + "/observe/health";
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
    artemis.close();
    customerdb.close();
  }

  @Test
  void readyWhenEverythingAnswersAndDownWithTheReasonWhenArtemisOrADatabaseIsAway()
      throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(base + "/ready").status() == 200);
    Http.Response all = Http.get(base);
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.body())
        .contains(
            "\"database-crm\"",
            "\"database-billing\"",
            "\"database-customerdb\"",
            "\"database-hub\"")
        .contains("\"kafka\"", "\"artemis\"")
        .contains("route:sink-customerdb", "route:crm-customer-source");
    assertThat(Http.get(base + "/live").status()).isEqualTo(200);

    artemis.cut();
    // the answer that says DOWN says why (a second request could outlast the client's timeout
    // while the health check waits for the cut broker)
    assertThat(down(base).body()).contains("\"artemis\"").contains("DOWN");
    assertThat(Http.get(base + "/live").status())
        .as("an outage is no reason to restart")
        .isEqualTo(200);
    artemis.restore();
    await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(base + "/ready").status() == 200);

    customerdb.cut();
    Http.Response down = down(base);
    assertThat(down.body())
        .contains("database-customerdb")
        .contains("customerdb database is not reachable");
    assertThat(Http.get(base + "/live").status()).isEqualTo(200);
    customerdb.restore();
    await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(base + "/ready").status() == 200);
  }

  /** The first 503 of {@code /ready}, within 20 s. */
  private static Http.Response down(String base) {
    java.util.concurrent.atomic.AtomicReference<Http.Response> last =
        new java.util.concurrent.atomic.AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              last.set(Http.get(base + "/ready"));
              return last.get().status() == 503;
            });
    return last.get();
  }
}
