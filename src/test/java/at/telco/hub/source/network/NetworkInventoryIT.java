package at.telco.hub.source.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestNetwork;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Flow 4: network inventory events become customerdb.service rows, in order, once. */
class NetworkInventoryIT {

  static BillingFixture f;
  static KafkaTopic inventory;
  static KafkaTopic services;

  @BeforeAll
  static void start() {
    f = new BillingFixture();
    SharedHub.get();
    inventory = new KafkaTopic(f.servers, "network.inventory.events");
    services = new KafkaTopic(f.servers, "canonical.service.v1");
  }

  static Duration within() {
    return Duration.ofSeconds(30);
  }

  @Test
  void inventoryEventsCreateAndUpdateServicesOfTheRightCustomer() {
    String ba = f.account("ACC-T09-0001", "Jakob", "Fuchs");
    String msisdn = "+436641900001";
    inventory.publish(
        msisdn,
        TestNetwork.inventoryEvent(
            UUID.randomUUID().toString(),
            "SERVICE_ACTIVATED",
            1,
            "SRV-T09-000001",
            msisdn,
            ba,
            "ACTIVE",
            ",\"networkElement\":\"MSC-VIE-01\",\"radio\":{\"rat\":\"5G\"}"));
    await().atMost(within()).until(() -> f.service("SRV-T09-000001") != null);
    Map<String, Object> s = f.service("SRV-T09-000001");
    Object customerId =
        Crm.row(
                f.customerdb,
                "SELECT customer_id FROM customerdb.customer WHERE crm_account_id = 'ACC-T09-0001'")
            .get("customer_id");
    assertThat(s)
        .containsEntry("customer_id", customerId)
        .containsEntry("ba_no", ba)
        .containsEntry("msisdn", msisdn)
        .containsEntry("iccid", "8943010000000004711")
        .containsEntry("imsi", "232011234567890")
        .containsEntry("product_code", "MOBILE_XL")
        .containsEntry("status", "ACTIVE");
    // the canonical service topic is keyed by service id (ADR 0019): compacted per service
    assertThat(services.values("SRV-T09-000001"))
        .as("records keyed by the service id")
        .isNotEmpty();
    assertThat(services.values(msisdn)).as("records keyed by the MSISDN").isEmpty();

    inventory.publish(
        msisdn,
        TestNetwork.inventoryEvent(
                UUID.randomUUID().toString(),
                "SIM_SWAPPED",
                2,
                "SRV-T09-000001",
                msisdn,
                ba,
                "ACTIVE",
                "")
            .replace("8943010000000004711", "8943010000000009999"));
    await()
        .atMost(within())
        .until(() -> "8943010000000009999".equals(f.service("SRV-T09-000001").get("iccid")));
  }

  @Test
  void aDuplicateEventOrAnOlderSequenceChangesNothing() {
    String ba = f.account("ACC-T09-0002", "Marie", "Binder");
    String msisdn = "+436641900002";
    String id = UUID.randomUUID().toString();
    String barred =
        TestNetwork.inventoryEvent(
            id, "SERVICE_BARRED", 5, "SRV-T09-000002", msisdn, ba, "BARRED", "");
    inventory.publish(msisdn, barred);
    await().atMost(within()).until(() -> "BARRED".equals(f.serviceStatus("SRV-T09-000002")));
    Object updated = f.service("SRV-T09-000002").get("updated_at");

    // the same event again, and an older one (a network-side restart) after it
    inventory.publish(msisdn, barred);
    inventory.publish(
        msisdn,
        TestNetwork.inventoryEvent(
            UUID.randomUUID().toString(),
            "SERVICE_ACTIVATED",
            3,
            "SRV-T09-000002",
            msisdn,
            ba,
            "ACTIVE",
            ""));
    await()
        .atMost(within())
        .until(
            () ->
                inventory.consumedBy("hub-network-inventory")
                    && services.consumedBy("hub-customerdb-service"));
    assertThat(f.service("SRV-T09-000002"))
        .containsEntry("status", "BARRED")
        .containsEntry("updated_at", updated);

    inventory.publish(
        msisdn,
        TestNetwork.inventoryEvent(
            UUID.randomUUID().toString(),
            "SERVICE_UNBARRED",
            6,
            "SRV-T09-000002",
            msisdn,
            ba,
            "ACTIVE",
            ""));
    await().atMost(within()).until(() -> "ACTIVE".equals(f.serviceStatus("SRV-T09-000002")));
  }

  @Test
  void anEventForAnAccountTheHubDoesNotKnowYetIsParkedAndReleasedAsSoonAsItIsKnown() {
    // billing will open BA9100000001 only later: the network knows it first
    f.crm.person("ACC-T09-0003", "Elias", "Wolf", "ACTIVE");
    await()
        .atMost(within())
        .until(
            () ->
                Crm.row(
                        f.billingDb,
                        "SELECT cust_no FROM billing.customer WHERE crm_account_id = 'ACC-T09-0003'")
                    != null);
    long custNo =
        (long)
            Crm.row(
                    f.billingDb,
                    "SELECT cust_no FROM billing.customer WHERE crm_account_id = 'ACC-T09-0003'")
                .get("cust_no");
    String ba = "BA9100000001";
    String msisdn = "+436641900003";
    inventory.publish(
        msisdn,
        TestNetwork.inventoryEvent(
            UUID.randomUUID().toString(),
            "SERVICE_ACTIVATED",
            1,
            "SRV-T09-000003",
            msisdn,
            ba,
            "ACTIVE",
            ""));
    await().atMost(within()).until(() -> inventory.consumedBy("hub-network-inventory"));
    assertThat(f.service("SRV-T09-000003")).as("parked, not applied").isNull();

    f.servers.execute(
        "billing",
        "INSERT INTO billing.billing_account (ba_no, cust_no) VALUES ('"
            + ba
            + "', "
            + custNo
            + ")");
    long known = System.nanoTime();
    f.billing.rawEvent(
        "ACCOUNT_CREATED",
        ba,
        "<BillingEvent type=\"ACCOUNT_CREATED\"><BaNo>"
            + ba
            + "</BaNo><CustNo>"
            + custNo
            + "</CustNo><CreatedAt>2026-11-20T10:20:00</CreatedAt></BillingEvent>");
    await().atMost(within()).until(() -> f.service("SRV-T09-000003") != null);
    double seconds = (System.nanoTime() - known) / 1e9;
    // the parked event's next scheduled delivery is 10 s away: only the release explains this
    assertThat(seconds).as("released when the account became known").isLessThan(8);
    assertThat(f.service("SRV-T09-000003"))
        .containsEntry("ba_no", ba)
        .containsEntry("status", "ACTIVE");
  }

  @Test
  void anEventWhoseAccountNeverBecomesKnownIsDeadLetteredAfterTheMaximumTime() throws Exception {
    String msisdn = "+436641900004";
    inventory.publish(
        msisdn,
        TestNetwork.inventoryEvent(
            UUID.randomUUID().toString(),
            "SERVICE_ACTIVATED",
            1,
            "SRV-T09-000004",
            msisdn,
            "BA9199999999",
            "ACTIVE",
            ""));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                !Queues.browse("DLQ.network-inventory", "hubBillingAccount = 'BA9199999999'")
                    .isEmpty());
    String reason =
        Queues.browse("DLQ.network-inventory", "hubBillingAccount = 'BA9199999999'")
            .get(0)
            .getStringProperty("hubReason");
    assertThat(reason)
        .contains("billing account BA9199999999 is unknown to the hub since")
        .contains("PT15S");
    assertThat(f.service("SRV-T09-000004")).isNull();
  }
}
