package at.telco.hub.it;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.Json;
import at.telco.hub.cli.HubCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The command line over the management API: JSON out, exit codes for scripts. */
class HubCliIT {

  static int port;

  @BeforeAll
  static void start() {
    port = Api.port(SharedHub.get());
  }

  record Run(int code, String out, String err) {
    JsonNode json() {
      return Json.parse(out);
    }
  }

  static Run dlq(String user, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env =
        Map.of(
            "HUB_API_URL",
            "http://127.0.0.1:" + port,
            "HUB_API_USER",
            user,
            "HUB_API_PASSWORD",
            Api.PASSWORD);
    int code =
        HubCli.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void listShowReplayAndDiscardWithExitCodes() throws Exception {
    DeadLetterFactory.deadLetters("ACC-T22-C", 3, "cli test: billing maintenance window");
    Run list = dlq(Api.SUPPORT, "list", "--key=ACC-T22-C00001");
    assertThat(list.code()).as(list.err()).isZero();
    JsonNode items = list.json().get("items");
    assertThat(items).hasSize(1);
    String id = items.get(0).get("id").asText();

    Run tsv = dlq(Api.VIEWER, "list", "--reason=cli test", "--format=tsv");
    assertThat(tsv.code()).isZero();
    assertThat(tsv.out().lines()).hasSize(3).allMatch(l -> l.split("\t").length >= 6);

    Run show = dlq(Api.SUPPORT, "show", id);
    assertThat(show.code()).isZero();
    assertThat(show.json().get("body").asText()).contains("ACC-T22-C00001");

    // a viewer may not replay: exit 3
    assertThat(dlq(Api.VIEWER, "replay", id).code()).isEqualTo(HubCli.DENIED);
    // an edited body that breaks the schema: exit 7, the field named on standard error
    ObjectNode edited = (ObjectNode) Json.parse(show.json().get("body").asText());
    ((ObjectNode) edited.get("data")).put("status", "SOMETIMES");
    Path file = Files.createTempFile("edited-", ".json");
    Files.writeString(file, Json.write(edited));
    Run invalid = dlq(Api.SUPPORT, "replay", id, "--body-file=" + file);
    assertThat(invalid.code()).isEqualTo(HubCli.INVALID);
    assertThat(invalid.err()).contains("$.data.status");

    Run replay = dlq(Api.SUPPORT, "replay", id);
    assertThat(replay.code()).as(replay.err()).isZero();
    assertThat(replay.json().get("outcome").asText()).isEqualTo("applied");
    // not open any more: exit 5
    assertThat(dlq(Api.SUPPORT, "replay", id).code()).isEqualTo(HubCli.CONFLICT);

    String other =
        dlq(Api.SUPPORT, "list", "--key=ACC-T22-C00002")
            .json()
            .get("items")
            .get(0)
            .get("id")
            .asText();
    assertThat(dlq(Api.SUPPORT, "discard", other).code()).isEqualTo(HubCli.USAGE);
    Run discard = dlq(Api.SUPPORT, "discard", other, "--reason=duplicate test record");
    assertThat(discard.code()).isZero();
    assertThat(discard.json().get("status").asText()).isEqualTo("DISCARDED");

    Run audit = dlq(Api.VIEWER, "audit", other);
    assertThat(audit.json().get("items").get(0).get("detail").asText())
        .isEqualTo("duplicate test record");

    Run dry = dlq(Api.SUPPORT, "replay-all", "--reason=cli test", "--dry-run");
    assertThat(dry.code()).isZero();
    assertThat(dry.json().get("wouldReplay").asInt()).isEqualTo(1);
    Run all = dlq(Api.SUPPORT, "replay-all", "--reason=cli test", "--wait");
    assertThat(all.code()).as(all.err()).isZero();
    assertThat(all.json().get("state").asText()).isEqualTo("FINISHED");
    assertThat(all.json().get("applied").asInt()).isEqualTo(1);

    assertThat(dlq(Api.SUPPORT, "show", java.util.UUID.randomUUID().toString()).code())
        .isEqualTo(HubCli.NOT_FOUND);
    assertThat(dlq(Api.SUPPORT, "frobnicate").code()).isEqualTo(HubCli.USAGE);
    Run wrong =
        new Run(
            HubCli.run(
                new String[] {"summary"},
                Map.of(
                    "HUB_API_URL",
                    "http://127.0.0.1:" + port,
                    "HUB_API_USER",
                    Api.SUPPORT,
                    "HUB_API_PASSWORD",
                    "wrong"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)),
            "",
            "");
    assertThat(wrong.code()).isEqualTo(HubCli.DENIED);
  }
}
