package at.telco.hub.chaos;

import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TcpProxy;
import at.telco.hub.testing.TestServers;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The target databases (customerdb and billing, behind one in-JVM TCP proxy) refuse connections for
 * a while ({@code chaos.outage}, 2 minutes under -Pchaos), and later hang - connections accepted
 * and kept, not a byte answered - ({@code chaos.hang}), while CRM changes keep coming. Afterwards
 * every target holds every account's last state, nothing written twice, nothing dead-lettered: an
 * outage is waited for, never a reason for a dead letter.
 */
class DatabaseOutageChaos {

  static TestServers servers;
  static TcpProxy proxy;
  static HubInstance hub;

  @BeforeAll
  static void start() throws Exception {
    servers = TestServers.get();
    SharedHub.stop(); // this hub polls the CRM alone
    proxy = new TcpProxy("127.0.0.1", servers.postgresPort());
    Properties p = servers.hubProperties();
    for (String target : new String[] {"customerdb", "billing"}) {
      p.setProperty(
          "hub." + target + ".jdbc-url",
          "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + target);
    }
    p.setProperty("hub.db.connection-timeout-ms", "2000");
    p.setProperty("hub.db.connect-timeout-s", "2");
    // a hanging server is noticed after 5 s without an answer (the default is 60 s)
    p.setProperty("hub.db.socket-timeout-s", "5");
    hub = HubInstance.start(p);
    await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(hub.managementPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (hub != null) {
      hub.close();
    }
    proxy.close();
  }

  /** Rounds of changes every {@code pause} until {@code done}, on a thread of its own. */
  static Thread writer(ChangeLoad load, AtomicBoolean done, Duration pause) {
    Thread t =
        new Thread(
            () -> {
              while (!done.get()) {
                load.round();
                try {
                  Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "chaos-writer");
    t.start();
    return t;
  }

  static void awaitConverged(ChangeLoad load, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> load.unprocessed() == 0 && load.lost().isEmpty());
  }

  @Test
  void targetDatabasesRefusingConnections() throws Exception {
    Duration outage = Duration.parse(System.getProperty("chaos.outage", "PT20S"));
    ChangeLoad load = new ChangeLoad(servers, "ACC-X01", 100);
    load.createAccounts();
    awaitConverged(load, Duration.ofSeconds(60));
    AtomicBoolean done = new AtomicBoolean();
    Thread writer = writer(load, done, Duration.ofSeconds(2));
    Thread.sleep(2000);
    proxy.cut();
    System.out.println("chaos: customerdb and billing refuse connections for " + outage);
    Thread.sleep(outage.toMillis());
    proxy.restore();
    Thread.sleep(2000);
    done.set(true);
    writer.join();
    awaitConverged(load, Duration.ofMinutes(2));
    ChaosTally.of("database-refusing-" + outage.toSeconds() + "s", servers, load).check();
  }

  @Test
  void targetDatabasesHanging() throws Exception {
    Duration hang = Duration.parse(System.getProperty("chaos.hang", "PT20S"));
    ChangeLoad load = new ChangeLoad(servers, "ACC-X02", 100);
    load.createAccounts();
    awaitConverged(load, Duration.ofSeconds(60));
    AtomicBoolean done = new AtomicBoolean();
    Thread writer = writer(load, done, Duration.ofSeconds(2));
    Thread.sleep(2000);
    proxy.freeze();
    System.out.println("chaos: customerdb and billing hang (accept, never answer) for " + hang);
    Thread.sleep(hang.toMillis());
    proxy.thaw();
    Thread.sleep(2000);
    done.set(true);
    writer.join();
    awaitConverged(load, Duration.ofMinutes(2));
    ChaosTally.of("database-hanging-" + hang.toSeconds() + "s", servers, load).check();
  }
}
