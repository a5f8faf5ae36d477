package at.telco.hub.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.cli.HubCli;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reconciliation, resync and schema drift through the management API and its command line: a run
 * asked for by an operator, its report, a repair by resync, and the audit trail of both.
 */
class ConsistencyApiIT {

  static int port;
  static Crm crm;
  static DataSource billing;

  @BeforeAll
  static void start() {
    port = Api.port(SharedHub.get());
    crm = new Crm(TestServers.get());
    billing = TestServers.get().owner("billing");
  }

  record Run(int code, String out, String err) {
    JsonNode json() {
      return Json.parse(out);
    }
  }

  static Run consistency(String user, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        HubCli.runConsistency(
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

  static String nameLine1(String account) {
    Map<String, Object> r =
        Crm.row(
            billing, "SELECT name_line1 FROM billing.customer WHERE crm_account_id = ?", account);
    return r == null ? null : (String) r.get("name_line1");
  }

  @Test
  void anOperatorFindsRepairsAndLeavesATrail() {
    String a = "ACC-CA-0001";
    crm.person(a, "Clara", "Api", "ACTIVE");
    Crm.awaitPersonSynced(TestServers.get(), a);
    assertThat(nameLine1(a)).isEqualTo("Clara Api");
    TestServers.get()
        .execute(
            "billing",
            "UPDATE billing.customer SET name_line1 = 'Edited' WHERE crm_account_id = '" + a + "'");

    // a viewer may read but not start
    assertThat(consistency(Api.VIEWER, "reconcile").code()).isEqualTo(HubCli.DENIED);
    Run reconcile = consistency(Api.OPERATOR, "reconcile", "--pairs=crm->billing", "--wait");
    assertThat(reconcile.code()).as(reconcile.err()).isEqualTo(HubCli.FAILED); // it found some
    JsonNode job = reconcile.json();
    assertThat(job.path("state").asText()).isEqualTo("DONE");
    String run = job.path("result").path("id").asText();

    Run report =
        consistency(
            Api.VIEWER, "report", run, "--pair=crm->billing", "--kind=DIFFERENT", "--format=tsv");
    assertThat(report.code()).as(report.err()).isZero();
    assertThat(report.out().lines())
        .anyMatch(l -> l.startsWith("crm->billing\t" + a + "\tDIFFERENT\t[\"name_line1\"]"));
    assertThat(report.out()).doesNotContain("Edited", "Clara");
    assertThat(consistency(Api.VIEWER, "runs", "--format=tsv").out()).contains(run);

    Run resync = consistency(Api.OPERATOR, "resync", "--target=billing", "--keys=" + a, "--wait");
    assertThat(resync.code()).as(resync.err()).isZero();
    assertThat(resync.json().path("result").path("targets").path("billing").path("applied").asInt())
        .isEqualTo(1);
    assertThat(nameLine1(a)).isEqualTo("Clara Api");

    JsonNode audit =
        Api.as(port, Api.ADMIN).get("/api/v1/audit?actor=" + Api.OPERATOR + "&limit=50").json();
    assertThat(audit.path("items").findValuesAsText("action")).contains("reconcile", "resync");
    // the resync's key is in the append-only audit trail as a keyed hash only (issue 20)
    assertThat(audit.toString())
        .contains("billing: 1 key(s) [key#")
        .doesNotContain("[" + a + "]")
        .doesNotContain("Clara");

    // schema drift, for anyone who may read
    Run drift = consistency(Api.VIEWER, "drift");
    assertThat(drift.code()).isZero();
    assertThat(drift.json().path("systems").path("billing").path("findings")).isEmpty();
    assertThat(consistency(Api.VIEWER, "drift", "--check").code()).isEqualTo(HubCli.DENIED);
    assertThat(consistency(Api.OPERATOR, "frobnicate").code()).isEqualTo(HubCli.USAGE);
  }

  @Test
  void aRepairingRunIsAuditedRecordByRecord() {
    String a = "ACC-CA-0002";
    crm.person(a, "Carl", "Api", "ACTIVE");
    Crm.awaitPersonSynced(TestServers.get(), a);
    TestServers.get()
        .execute(
            "billing",
            "UPDATE billing.customer SET zip = '9999' WHERE crm_account_id = '" + a + "'");
    Api.Answer started =
        Api.as(port, Api.OPERATOR)
            .post("/api/v1/reconciliations", "{\"pairs\":[\"crm->billing\"],\"repair\":true}");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String job = started.json().path("id").asText();
    JsonNode[] done = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              done[0] = Api.as(port, Api.VIEWER).get("/api/v1/consistency-jobs/" + job).json();
              return !"RUNNING".equals(done[0].path("state").asText());
            });
    String run = done[0].path("result").path("id").asText();
    assertThat(run).as(done[0].toString()).isNotEmpty();
    assertThat(
            Crm.row(billing, "SELECT zip FROM billing.customer WHERE crm_account_id = ?", a)
                .get("zip"))
        .isEqualTo("1020");
    // the shared servers hold other tests' drift too: the entries of this run, page by page
    // the repaired record's key is in the append-only trail as a keyed hash only (issue 20)
    String hashedKey =
        "key#" + SharedHub.get().bean("keyHash", at.telco.hub.observe.KeyHash.class).hash(a);
    List<String> mine = new ArrayList<>();
    String page = "/api/v1/audit?action=reconciliation-repair&limit=1000";
    JsonNode items = Api.as(port, Api.ADMIN).get(page).json().path("items");
    while (!items.isEmpty()) {
      for (JsonNode item : items) {
        if (run.equals(item.path("jobId").asText())
            && item.path("detail").asText().contains(hashedKey)) {
          mine.add(item.toString());
        }
      }
      long last = items.get(items.size() - 1).path("id").asLong();
      items = Api.as(port, Api.ADMIN).get(page + "&before=" + last).json().path("items");
    }
    assertThat(String.join("\n", mine))
        .as(done[0].toString())
        .contains("crm->billing " + hashedKey + " DIFFERENT [zip]")
        .doesNotContain(" " + a + " ")
        .doesNotContain("9999");
  }
}
