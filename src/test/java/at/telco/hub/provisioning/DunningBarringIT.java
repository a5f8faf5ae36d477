package at.telco.hub.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.simulator.NetworkSimulator;
import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestNetwork;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Flow 3: dunning -> barring -> network -> customerdb and CRM, exactly as FLOWS.md says. */
class DunningBarringIT {

  static BillingFixture f;
  static NetworkSimulator network;
  static HubInstance hub;

  @BeforeAll
  static void start() {
    f = new BillingFixture();
    hub = SharedHub.get();
    network = TestNetwork.get();
  }

  static Duration within() {
    return Duration.ofSeconds(30);
  }

  private String activeService(String ba, String serviceId, String msisdn) {
    network.activate(ba, serviceId, msisdn);
    await().atMost(within()).until(() -> "ACTIVE".equals(f.serviceStatus(serviceId)));
    return serviceId;
  }

  @Test
  void dunningThreeBarsEveryActiveServiceAndBackToZeroUnbarsThem() {
    String crm = "ACC-T07-0001";
    String ba = f.account(crm, "Tobias", "Wimmer");
    String s1 = activeService(ba, "SRV-T07-000001", "+436761000001");
    String s2 = activeService(ba, "SRV-T07-000002", "+436761000002");

    f.billing.invoice(ba, 7497);
    f.billing.dunning(ba, 2);
    await().atMost(within()).until(() -> f.notes(crm).size() == 1);
    assertThat(f.commands(ba)).isEmpty();

    f.billing.dunning(ba, 3);
    await()
        .atMost(within())
        .until(() -> "BARRED".equals(f.serviceStatus(s1)) && "BARRED".equals(f.serviceStatus(s2)));
    await()
        .atMost(within())
        .until(() -> f.commands(ba).stream().allMatch(c -> "DONE".equals(c.get("status"))));
    assertThat(f.commands(ba))
        .extracting(c -> c.get("command") + "/" + c.get("service_id") + "/" + c.get("reason"))
        .containsExactlyInAnyOrder(
            "BAR_OUTGOING/" + s1 + "/DUNNING_LEVEL_3", "BAR_OUTGOING/" + s2 + "/DUNNING_LEVEL_3");
    await()
        .atMost(within())
        .until(
            () ->
                f.notes(crm).stream()
                        .filter(n -> "Outgoing calls barred".equals(n.get("subject")))
                        .count()
                    == 2);
    assertThat(f.notes(crm))
        .extracting(n -> n.get("subject"))
        .contains(
            "Dunning level 2: payment reminder", "Dunning level 3: outgoing calls will be barred");
    assertThat(f.billingAccount(ba))
        .containsEntry("dunning_level", 3)
        .containsEntry("balance_cents", 7497L);

    // paid in full: billing goes back to 0, the hub lifts exactly its own barrings
    f.billing.payment(ba, 7497);
    await()
        .atMost(within())
        .until(() -> "ACTIVE".equals(f.serviceStatus(s1)) && "ACTIVE".equals(f.serviceStatus(s2)));
    await()
        .atMost(within())
        .until(
            () ->
                f.commands(ba).stream()
                        .filter(c -> "UNBAR".equals(c.get("command")))
                        .allMatch(c -> "DONE".equals(c.get("status")))
                    && f.commands(ba).size() == 4);
    assertThat(f.commands(ba))
        .filteredOn(c -> "BAR_OUTGOING".equals(c.get("command")))
        .allMatch(c -> c.get("lifted_by") != null);
    await()
        .atMost(within())
        .until(
            () ->
                f.notes(crm).stream()
                        .filter(n -> "Outgoing calls unbarred".equals(n.get("subject")))
                        .count()
                    == 2);
    assertThat(f.billingAccount(ba))
        .containsEntry("dunning_level", 0)
        .containsEntry("balance_cents", 0L);
  }

  @Test
  void aJumpFromOneToFourBarsAndLevelFourOnlyAddsANote() {
    String crm = "ACC-T07-0002";
    String ba = f.account(crm, "Verena", "Aigner");
    String s = activeService(ba, "SRV-T07-000003", "+436761000003");
    f.billing.invoice(ba, 2999);
    f.billing.dunning(ba, 1);
    f.billing.dunning(ba, 4);
    await().atMost(within()).until(() -> "BARRED".equals(f.serviceStatus(s)));
    await()
        .atMost(within())
        .until(
            () ->
                f.notes(crm).stream()
                    .anyMatch(
                        n -> "Dunning level 4: termination pending".equals(n.get("subject"))));
    assertThat(f.commands(ba))
        .extracting(c -> c.get("command") + "/" + c.get("reason"))
        .containsExactly("BAR_OUTGOING/DUNNING_LEVEL_4");
  }

  @Test
  void aPartialPaymentFromThreeToOneLiftsNothing() {
    String crm = "ACC-T07-0003";
    String ba = f.account(crm, "Andreas", "Ebner");
    String s = activeService(ba, "SRV-T07-000004", "+436761000004");
    f.billing.invoice(ba, 6000);
    f.billing.dunning(ba, 3);
    await().atMost(within()).until(() -> "BARRED".equals(f.serviceStatus(s)));
    f.billing.payment(ba, 1000); // billing lowers the level to 1
    await().atMost(within()).until(() -> f.billingAccount(ba).get("dunning_level").equals(1));
    f.billing.invoice(ba, 100); // something after it, to know the dunning change is behind us
    await().atMost(within()).until(() -> f.billingAccount(ba).get("balance_cents").equals(5100L));
    assertThat(f.commands(ba)).extracting(c -> c.get("command")).containsExactly("BAR_OUTGOING");
    assertThat(f.serviceStatus(s)).isEqualTo("BARRED");
  }

  @Test
  void aBarringTheHubDidNotMakeIsNeverLifted() {
    String crm = "ACC-T07-0004";
    String ba = f.account(crm, "Christina", "Haas");
    String fraud = activeService(ba, "SRV-T07-000005", "+436761000005");
    String normal = activeService(ba, "SRV-T07-000006", "+436761000006");
    network.changeStatus(fraud, "BARRED", "SERVICE_BARRED"); // the fraud team, not the hub
    await().atMost(within()).until(() -> "BARRED".equals(f.serviceStatus(fraud)));

    f.billing.invoice(ba, 5000);
    f.billing.dunning(ba, 3);
    await().atMost(within()).until(() -> "BARRED".equals(f.serviceStatus(normal)));
    f.billing.payment(ba, 5000);
    await().atMost(within()).until(() -> "ACTIVE".equals(f.serviceStatus(normal)));
    assertThat(f.serviceStatus(fraud)).isEqualTo("BARRED");
    assertThat(f.commands(ba))
        .extracting(c -> c.get("command") + "/" + c.get("service_id"))
        .containsExactlyInAnyOrder("BAR_OUTGOING/" + normal, "UNBAR/" + normal);
  }

  @Test
  void aRejectedCommandIsVisibleAsMetricHealthDetailCrmNoteAndDeadLetter() throws Exception {
    String crm = "ACC-T07-0005";
    String ba = f.account(crm, "Stefan", "Lehner");
    // a service the inventory reported but the provisioning side does not know (a stale number)
    KafkaTopic inventory = new KafkaTopic(f.servers, "network.inventory.events");
    inventory.publish(
        "+436761000099",
        "{\"eventId\":\""
            + UUID.randomUUID()
            + "\",\"eventType\":\"SERVICE_ACTIVATED\",\"sequence\":1,"
            + "\"occurredAt\":\"2026-11-20T10:00:00Z\",\"service\":{\"serviceId\":\"SRV-T07-000099\","
            + "\"msisdn\":\"+436761000099\",\"subscriberRef\":\""
            + ba
            + "\",\"status\":\"ACTIVE\"}}");
    await().atMost(within()).until(() -> "ACTIVE".equals(f.serviceStatus("SRV-T07-000099")));

    f.billing.invoice(ba, 4000);
    f.billing.dunning(ba, 3);
    await()
        .atMost(within())
        .until(() -> f.commands(ba).stream().anyMatch(c -> "REJECTED".equals(c.get("status"))));
    assertThat(f.commands(ba).get(0)).containsEntry("detail", "UNKNOWN_MSISDN");
    await()
        .atMost(within())
        .until(
            () ->
                f.notes(crm).stream()
                    .anyMatch(n -> "Network rejected BAR_OUTGOING".equals(n.get("subject"))));
    await()
        .atMost(within())
        .until(
            () ->
                !Queues.browse("DLQ.network-provisioning", "hubBillingAccount = '" + ba + "'")
                    .isEmpty());
    assertThat(
            Queues.browse("DLQ.network-provisioning", "hubBillingAccount = '" + ba + "'")
                .get(0)
                .getStringProperty("hubReason"))
        .contains("REJECTED")
        .contains("UNKNOWN_MSISDN");
    String metrics =
        Http.get("http://127.0.0.1:" + hub.managementPort() + "/observe/metrics").body();
    assertThat(metrics)
        .containsPattern(
            "hub_provisioning_commands_total\\{command=\"BAR_OUTGOING\",event=\"rejected\"\\} [1-9]");
    String health =
        Http.get("http://127.0.0.1:" + hub.managementPort() + "/observe/health?data=true").body();
    assertThat(health).contains("provisioning-commands").containsPattern("\"rejected\":[1-9]");
    assertThat(f.serviceStatus("SRV-T07-000099")).isEqualTo("ACTIVE");
  }

  @Test
  void aCommandWithoutAResultBecomesOverdueAndALateResultStillCounts() throws Exception {
    String crm = "ACC-T07-0006";
    String ba = f.account(crm, "Julia", "Winkler");
    String s = activeService(ba, "SRV-T07-000007", "+436761000007");
    TestNetwork.stop(); // the network does not answer
    try {
      f.billing.invoice(ba, 3000);
      f.billing.dunning(ba, 3);
      await()
          .atMost(within())
          .until(() -> f.commands(ba).stream().anyMatch(c -> "OVERDUE".equals(c.get("status"))));
      await()
          .atMost(within())
          .until(
              () ->
                  f.notes(crm).stream()
                      .anyMatch(
                          n ->
                              "No answer from the network for BAR_OUTGOING"
                                  .equals(n.get("subject"))));
      await()
          .atMost(within())
          .until(
              () ->
                  !Queues.browse(
                          "DLQ.network-provisioning",
                          "hubBillingAccount = '" + ba + "' AND hubReason LIKE '%no result%'")
                      .isEmpty());
      String health =
          Http.get("http://127.0.0.1:" + hub.managementPort() + "/observe/health?data=true").body();
      assertThat(health).containsPattern("\"overdue\":[1-9]");
      assertThat(
              Http.get("http://127.0.0.1:" + hub.managementPort() + "/observe/health/ready")
                  .status())
          .as("an overdue command is a detail, not a reason to take the hub out of service")
          .isEqualTo(200);
    } finally {
      network = TestNetwork.get(); // back: it works off the command it has not answered
    }
    await().atMost(within()).until(() -> "BARRED".equals(f.serviceStatus(s)));
    await()
        .atMost(within())
        .until(() -> f.commands(ba).stream().allMatch(c -> "DONE".equals(c.get("status"))));
  }

  @Test
  void reprocessingTheSameBillingEventSendsNoSecondCommand() {
    String crm = "ACC-T07-0007";
    String ba = f.account(crm, "Magdalena", "Koller");
    String s = activeService(ba, "SRV-T07-000008", "+436761000008");
    f.billing.invoice(ba, 3000);
    f.billing.dunning(ba, 3);
    await().atMost(within()).until(() -> "BARRED".equals(f.serviceStatus(s)));
    List<Map<String, Object>> before = f.commands(ba);
    UUID id = (UUID) before.get(0).get("command_id");
    assertThat(network.received(id)).isEqualTo(1);

    // billing's events are read again (as after a restore of the hub's state)
    f.servers.execute(
        "billing", "UPDATE billing.event_out SET picked_up_at = NULL WHERE ref_key = '" + ba + "'");
    await()
        .atMost(within())
        .until(
            () ->
                Crm.row(
                        f.billingDb,
                        "SELECT count(*) AS n FROM billing.event_out WHERE ref_key = ? AND picked_up_at IS NULL",
                        ba)
                    .get("n")
                    .equals(0L));
    f.billing.invoice(ba, 100); // an event after the repeat, to know the repeat is behind us
    await().atMost(within()).until(() -> f.billingAccount(ba).get("balance_cents").equals(3100L));
    assertThat(f.commands(ba)).hasSize(1);
    assertThat(f.commands(ba).get(0).get("command_id")).isEqualTo(id);
    assertThat(network.received(id)).as("the network got that command once").isEqualTo(1);
    // and the CRM has its notes once
    assertThat(
            f.notes(crm).stream()
                .filter(n -> String.valueOf(n.get("external_ref")).startsWith("hub:dunning:")))
        .hasSize(1);
  }
}
