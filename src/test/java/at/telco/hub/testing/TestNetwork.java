package at.telco.hub.testing;

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

  /** A network inventory event as the network publishes it (JSON), for the tests to send. */
  public static String inventoryEvent(
      String eventId,
      String type,
      long seq,
      String serviceId,
      String msisdn,
      String ba,
      String status,
      String extra) {
    return "{\"eventId\":\""
        + eventId
        + "\",\"eventType\":\""
        + type
        + "\",\"sequence\":"
        + seq
        + ",\"occurredAt\":\"2026-11-20T10:15:00.123Z\""
        + extra
        + ",\"service\":{\"serviceId\":\""
        + serviceId
        + "\",\"msisdn\":\""
        + msisdn
        + "\",\"iccid\":\"8943010000000004711\",\"imsi\":\"232011234567890\","
        + "\"productCode\":\"MOBILE_XL\",\"subscriberRef\":\""
        + ba
        + "\",\"status\":\""
        + status
        + "\"}}";
  }
}
