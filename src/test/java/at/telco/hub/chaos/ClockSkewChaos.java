package at.telco.hub.chaos;

import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.Probes;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestNetwork;
import at.telco.hub.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Clocks of the source systems that disagree with each other and with the hub: the CRM's change
 * times skewed at random by up to a day either way (a trigger in the CRM, as a CRM server with a
 * wrong clock would write them), and inventory events whose occurredAt runs backwards against their
 * sequence. The order of what is applied follows versions and sequences, never wall clocks.
 */
class ClockSkewChaos {

  @Test
  void crmChangeTimesSkewed() throws Exception {
    TestServers servers = TestServers.get();
    SharedHub.get();
    servers.execute(
        "crm",
        """
        CREATE FUNCTION public.x11_skew() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.account_id LIKE 'ACC-X11-%' THEN
            NEW.changed_at := clock_timestamp() + (random() * 2 - 1) * interval '1 day';
          END IF;
          RETURN NEW;
        END $$""",
        "CREATE TRIGGER x11_skew BEFORE INSERT ON crm.change_log FOR EACH ROW"
            + " EXECUTE FUNCTION public.x11_skew()");
    try {
      ChangeLoad load = new ChangeLoad(servers, "ACC-X11", 50);
      load.createAccounts();
      for (int r = 0; r < 4; r++) {
        load.round();
      }
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> load.unprocessed() == 0 && load.lost().isEmpty());
      ChaosTally.of("crm-clock-skewed-1-day", servers, load).check();
    } finally {
      servers.execute(
          "crm", "DROP TRIGGER x11_skew ON crm.change_log", "DROP FUNCTION public.x11_skew()");
    }
  }

  @Test
  void inventoryTimesRunningBackwards() throws Exception {
    BillingFixture f = new BillingFixture();
    SharedHub.get();
    Probes.installServiceProbe(f.servers);
    String ba = f.account("ACC-X12-0001", "Jakob", "Fuchs");
    Instant since = Instant.now();
    KafkaTopic inventory = new KafkaTopic(f.servers, "network.inventory.events");
    String msisdn = "+436641912001";
    // sequence 1 says it happened in 2031, sequence 2 in 2001, sequence 3 now
    String s1 =
        TestNetwork.inventoryEvent(
                UUID.randomUUID().toString(),
                "SERVICE_ACTIVATED",
                1,
                "SRV-X12-000001",
                msisdn,
                ba,
                "ACTIVE",
                "")
            .replace("2026-11-20T10:15:00.123Z", "2031-01-01T00:00:00Z");
    String s2 =
        TestNetwork.inventoryEvent(
                UUID.randomUUID().toString(),
                "SERVICE_BARRED",
                2,
                "SRV-X12-000001",
                msisdn,
                ba,
                "BARRED",
                "")
            .replace("2026-11-20T10:15:00.123Z", "2001-01-01T00:00:00Z");
    inventory.publish(msisdn, s1);
    inventory.publish(msisdn, s2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "BARRED".equals(f.serviceStatus("SRV-X12-000001")));
    // the older sequence with the later time again: changes nothing
    inventory.publish(msisdn, s1);
    String marker = "+436641912002";
    inventory.publish(
        marker,
        TestNetwork.inventoryEvent(
            UUID.randomUUID().toString(),
            "SERVICE_ACTIVATED",
            1,
            "SRV-X12-000002",
            marker,
            ba,
            "ACTIVE",
            ""));
    await().atMost(Duration.ofSeconds(30)).until(() -> f.service("SRV-X12-000002") != null);
    List<String> lost = new ArrayList<>();
    if (!"BARRED".equals(f.serviceStatus("SRV-X12-000001"))) {
      lost.add("SRV-X12-000001 sequence 2 (status " + f.serviceStatus("SRV-X12-000001") + ")");
    }
    // writes the service rows got; the expected ones: sequence 1 and the newest, and the marker
    long writes = Probes.serviceWrites(f.servers, "SRV-X12-%");
    ChaosTally.counted(
            "inventory-clock-backwards",
            4,
            writes,
            Math.max(0, writes - 3),
            lost,
            ChaosTally.deadLettersSince(f.servers, since))
        .check();
  }
}
