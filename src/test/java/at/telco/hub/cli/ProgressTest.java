package at.telco.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProgressTest {

  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  final AtomicLong now = new AtomicLong(1_000_000);

  List<String> lines() {
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void withoutATerminalALineAtEachTenPercentStepAndAtMostEveryFewSecondsInBetween() {
    Progress p = new Progress("replay-all", err, false, now::get);
    // 10,000 in 100 polls of half a second: 40 s
    for (int done = 0; done <= 10_000; done += 100) {
      p.update(done, 10_000);
      now.addAndGet(500);
    }
    p.finish(10_000, 10_000, null);
    List<String> lines = lines();
    assertThat(lines.get(0)).isEqualTo("replay-all: 0/10,000 (0 %)");
    assertThat(lines).contains("replay-all: 4,000/10,000 (40 %)");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("replay-all: 10,000/10,000 (100 %)");
    // each step once (a step is 4 s here, less than the interval): 0, 10, ..., 100
    assertThat(lines).hasSize(11);
  }

  @Test
  void aSlowJobGetsALineEveryFewSecondsEvenWithinAStep() {
    Progress p = new Progress("replay-all", err, false, now::get);
    for (int done = 0; done <= 1_000; done += 10) { // 1 % of 100,000 in 50 s
      p.update(done, 100_000, "20.0 per second");
      now.addAndGet(500);
    }
    List<String> lines = lines();
    // 50 s at most every 5 s: 11 lines, not 101
    assertThat(lines).hasSizeBetween(10, 11);
    assertThat(lines.get(1)).isEqualTo("replay-all: 100/100,000 (0 %), 20.0 per second");
  }

  @Test
  void aJobWithoutCountsShowsHowLongItRuns() {
    Progress p = new Progress("reconcile", err, false, now::get);
    for (int i = 0; i < 30; i++) { // 15 s
      p.update(0, 0);
      now.addAndGet(500);
    }
    p.finish(0, 0, "DONE");
    assertThat(lines())
        .containsExactly(
            "reconcile: running, 0 s",
            "reconcile: running, 5 s",
            "reconcile: running, 10 s",
            "reconcile: DONE after 15 s");
  }

  @Test
  void onATerminalABarRedrawnInPlace() {
    Progress p = new Progress("backup", err, true, now::get);
    p.update(0, 200);
    now.addAndGet(1000);
    p.update(100, 200);
    now.addAndGet(1000);
    p.finish(200, 200, null);
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("\n" + "backup").endsWith(System.lineSeparator());
    Matcher m =
        Pattern.compile("\rbackup \\[([=> ]{30})\\] ([\\d,]+)/200 \\((\\d+) %\\)").matcher(text);
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo(">" + " ".repeat(29));
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("=".repeat(15) + ">" + " ".repeat(14));
    assertThat(m.group(3)).isEqualTo("50");
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("=".repeat(30));
    assertThat(m.group(3)).isEqualTo("100");
  }
}
