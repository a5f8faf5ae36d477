package at.telco.hub.it;

import at.telco.hub.simulator.NetworkSimulator;
import javax.sql.DataSource;

/** The network for the tests: the network simulator on the test servers, started once. */
public final class TestNetwork {

  private static NetworkSimulator network;

  private TestNetwork() {}

  public static synchronized NetworkSimulator get() {
    if (network == null) {
      TestServers servers = TestServers.get();
      DataSource db = servers.owner("network");
      NetworkSimulator.prepare(db);
      network =
          new NetworkSimulator(
              db,
              servers.kafkaBootstrap(),
              "network.inventory.events",
              "network.provisioning.commands",
              "network.provisioning.results");
      network.start();
    }
    return network;
  }

  /** Stops answering commands (the network is away). */
  public static synchronized void stop() {
    if (network != null) {
      network.close();
      network = null;
    }
  }
}
