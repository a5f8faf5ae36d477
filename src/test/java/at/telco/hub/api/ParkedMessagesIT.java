package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.cli.HubCli;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestNetwork;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parked messages through the API and the CLI, with real servers: a network event whose billing
 * account the hub does not know is parked, listed, looked into (the event only for role support),
 * released and applied; another is dead-lettered by hand (two operators at once: one dead letter)
 * and appears among the dead letters with the reason. The test hubs dead-letter a parked event
 * after 15 s (hub.parking.max-time), so each step is quick.
 */
class ParkedMessagesIT {

  static BillingFixture f;
  static KafkaTopic inventory;
  static int port;

  @BeforeAll
  static void start() {
    f = new BillingFixture();
    port = Api.port(SharedHub.get());
    inventory = new KafkaTopic(f.servers, "network.inventory.events");
  }

  record Run(int code, String out, String err) {
    JsonNode json() {
      return Json.parse(out);
    }
  }

  static Run parked(String user, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        HubCli.runParked(
            args,
            Map.of(
                "HUB_API_URL",
                "http://127.0.0.1:" + port,
                "HUB_API_USER",
                user,
                "HUB_API_PASSWORD",
                Api.PASSWORD),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static void publish(String msisdn, String serviceId, String ba) {
    inventory.publish(
        msisdn,
        TestNetwork.inventoryEvent(
            UUID.randomUUID().toString(),
            "SERVICE_ACTIVATED",
            1,
            serviceId,
            msisdn,
            ba,
            "ACTIVE",
            ""));
  }

  /** The parked message waiting for {@code ba}, once there is one. */
  static JsonNode awaitParked(String ba) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Run list = parked(Api.VIEWER, "list", "--key=" + ba);
              assertThat(list.code()).as(list.err()).isZero();
              JsonNode items = list.json().get("items");
              return items.isEmpty() ? null : items.get(0);
            },
            n -> n != null);
  }

  @Test
  void aParkedEventIsListedLookedIntoMaskedForAViewerReleasedAndApplied() {
    // a customer the hub knows, and a second billing account of theirs it learns only later
    String known = f.account("ACC-T23-PK001", "Lena", "Parker");
    String ba = "BA9230000001";
    String msisdn = "+436641923001";
    publish(msisdn, "SRV-T23-PK0001", ba);
    JsonNode listed = awaitParked(ba);
    String id = listed.get("id").asText();
    assertThat(listed.get("waitingFor").asText()).isEqualTo("billing account " + ba);
    assertThat(listed.get("eventType").asText()).isEqualTo("SERVICE_ACTIVATED");
    assertThat(listed.get("attempts").asInt()).isEqualTo(1);
    assertThat(listed.get("nextDeliveryAt").asText()).isNotBlank();
    assertThat(listed.get("eventVisible").asBoolean()).isFalse();
    assertThat(listed.toString()).doesNotContain(msisdn);

    // the viewer: what it waits for and when, not the event (personal data)
    Run viewer = parked(Api.VIEWER, "show", id);
    assertThat(viewer.code()).as(viewer.err()).isZero();
    assertThat(viewer.json().get("eventVisible").asBoolean()).isFalse();
    assertThat(viewer.json().has("event")).isFalse();
    assertThat(viewer.out()).doesNotContain(msisdn).doesNotContain("SRV-T23-PK0001");
    assertThat(viewer.json().get("eventSha256").asText()).hasSize(64);
    // nor may a viewer release
    assertThat(parked(Api.VIEWER, "release", id).code()).isEqualTo(HubCli.DENIED);

    // support reads the event as received
    Run support = parked(Api.SUPPORT, "show", id);
    assertThat(support.code()).as(support.err()).isZero();
    assertThat(support.json().get("event").asText()).contains(msisdn).contains("SRV-T23-PK0001");

    // the hub learns the account without the billing flow (so nothing releases it by itself)
    f.servers.execute(
        "hub",
        "INSERT INTO hub.billing_account_identity (ba_no, cust_no, crm_account_id, customer_id)"
            + " SELECT '"
            + ba
            + "', cust_no, crm_account_id, customer_id FROM hub.billing_account_identity"
            + " WHERE ba_no = '"
            + known
            + "'");
    long released = System.nanoTime();
    Run release = parked(Api.SUPPORT, "release", id);
    assertThat(release.code()).as(release.err()).isZero();
    assertThat(release.json().get("outcome").asText()).isEqualTo("released");
    await().atMost(Duration.ofSeconds(30)).until(() -> f.service("SRV-T23-PK0001") != null);
    // its next scheduled delivery was 10 s after parking: only the release explains this
    assertThat((System.nanoTime() - released) / 1e9).isLessThan(8);
    assertThat(f.service("SRV-T23-PK0001")).containsEntry("ba_no", ba);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> parked(Api.VIEWER, "show", id).code() == HubCli.NOT_FOUND);
    // releasing it again finds nothing: it went once
    assertThat(parked(Api.SUPPORT, "release", id).code()).isEqualTo(HubCli.NOT_FOUND);

    JsonNode audit =
        Api.as(port, Api.VIEWER)
            .get("/api/v1/audit?action=parked-release&object=parked:" + id)
            .json()
            .get("items");
    assertThat(audit).hasSize(2);
    assertThat(audit.get(0).get("actor").asText()).isEqualTo(Api.SUPPORT);
  }

  @Test
  void twoOperatorsDeadLetterAParkedEventAtOnceAndItBecomesOneDeadLetterWithTheReason()
      throws Exception {
    String ba = "BA9230000002";
    publish("+436641923002", "SRV-T23-PK0002", ba);
    String id = awaitParked(ba).get("id").asText();

    assertThat(parked(Api.SUPPORT, "dead-letter", id).code()).isEqualTo(HubCli.USAGE);
    assertThat(parked(Api.SUPPORT, "dead-letter", id, "--reason=x").code())
        .isEqualTo(HubCli.INVALID);
    String reason = "network ordered a number for a closed account " + UUID.randomUUID();
    Api support = Api.as(port, Api.SUPPORT);
    Api operator = Api.as(port, Api.OPERATOR);
    String body = "{\"reason\":\"" + reason + "\"}";
    CompletableFuture<Api.Answer> a =
        CompletableFuture.supplyAsync(
            () -> support.post("/api/v1/parked/" + id + "/dead-letter", body));
    CompletableFuture<Api.Answer> b =
        CompletableFuture.supplyAsync(
            () -> operator.post("/api/v1/parked/" + id + "/dead-letter", body));
    List<Integer> statuses = new ArrayList<>(List.of(a.get().status(), b.get().status()));
    assertThat(statuses).as(a.get().body() + " / " + b.get().body()).containsOnlyOnce(202);
    statuses.remove(Integer.valueOf(202));
    // the other: the decision was taken (409), or the message already gone (404)
    assertThat(statuses.get(0)).isIn(404, 409);

    JsonNode letter = support.awaitDeadLetter("network-inventory", ba);
    assertThat(letter.get("reason").asText())
        .contains("dead-lettered by hand from parking")
        .contains(reason);
    assertThat(letter.get("billingAccount").asText()).isEqualTo(ba);
    // a message cannot be applied twice or lost: exactly one dead letter, nothing parked
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode letters =
                  support
                      .get("/api/v1/dead-letters?status=all&businessKey=" + ba)
                      .json()
                      .get("items");
              assertThat(letters).hasSize(1);
              assertThat(parked(Api.VIEWER, "list", "--key=" + ba).json().get("items")).isEmpty();
            });
    assertThat(f.service("SRV-T23-PK0002")).isNull();

    // support sees it as a dead letter with the event as received, and the audit trail has who
    JsonNode detail = support.get("/api/v1/dead-letters/" + letter.get("id").asText()).json();
    assertThat(detail.get("body").asText()).contains("SRV-T23-PK0002");
    JsonNode audit =
        support
            .get("/api/v1/audit?action=parked-dead-letter&object=parked:" + id)
            .json()
            .get("items");
    assertThat(audit).isNotEmpty();
    assertThat(audit.findValuesAsText("outcome")).contains("requested");
    assertThat(audit.findValuesAsText("detail")).contains(reason);
  }
}
