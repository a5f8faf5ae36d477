package at.telco.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.Json;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.DeadLetterFactory;
import at.telco.hub.testing.SharedHub;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command line over the management API: JSON out, exit codes for scripts, the progress of a
 * bulk replay on standard error.
 */
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

  @Test
  void replayAllWaitsForTenThousandWithProgressLinesOnStandardError() throws Exception {
    int n = 10_000;
    DeadLetterFactory.deadLetters("ACC-T22-P", n, "cli progress: billing maintenance window");
    Run all =
        dlq(
            Api.SUPPORT,
            "replay-all",
            "--target=billing",
            "--reason=cli progress:",
            "--batch-size=500",
            "--wait");
    assertThat(all.code()).as(all.err()).isZero();
    // standard output: the job's last state, JSON only
    JsonNode job = all.json();
    assertThat(job.get("state").asText()).isEqualTo("FINISHED");
    assertThat(job.get("total").asInt()).isEqualTo(n);
    assertThat(job.get("applied").asInt()).isEqualTo(n);
    // standard error (not a terminal): "replay-all: 4,000/10,000 (40 %), ..." now and then
    Pattern line = Pattern.compile("replay-all: ([\\d,]+)/10,000 \\((\\d+) %\\)(, .*)?");
    List<Integer> percents = new ArrayList<>();
    List<String> lines = all.err().lines().toList();
    for (String l : lines) {
      Matcher m = line.matcher(l);
      assertThat(m.matches()).as("a progress line: " + l).isTrue();
      percents.add(Integer.parseInt(m.group(2)));
    }
    System.out.printf("replay-all --wait over %,d dead letters: %s%n", n, lines);
    assertThat(percents).isSorted();
    assertThat(percents.stream().distinct().count()).isGreaterThanOrEqualTo(4);
    assertThat(percents.get(percents.size() - 1)).isEqualTo(100);
    assertThat(lines.get(lines.size() - 1)).startsWith("replay-all: 10,000/10,000 (100 %)");
    // now and then, not at every poll: at most one line per 10 % step plus one every 5 s
    assertThat(lines.size())
        .isLessThanOrEqualTo(12 + (int) (job.get("elapsedSeconds").asDouble() / 5));
  }
}
