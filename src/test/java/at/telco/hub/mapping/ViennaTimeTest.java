package at.telco.hub.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ViennaTimeTest {

  @Test
  void winterIsUtcPlusOneAndSummerUtcPlusTwo() {
    assertThat(ViennaTime.parse("2026-01-15T12:00:00"))
        .isEqualTo(Instant.parse("2026-01-15T11:00:00Z"));
    assertThat(ViennaTime.parse("2026-07-15T12:00:00"))
        .isEqualTo(Instant.parse("2026-07-15T10:00:00Z"));
  }

  @Test
  void theAutumnOverlapIsReadAsTheEarlierInstant() {
    // 2026-10-25 02:30 happens twice in Vienna; billing means the first (summer time, +02:00)
    assertThat(ViennaTime.parse("2026-10-25T02:30:00"))
        .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
  }

  @Test
  void theSpringGapIsShiftedForwardByTheGap() {
    // 2026-03-29 02:30 does not exist in Vienna; billing means 03:30 +02:00
    assertThat(ViennaTime.parse("2026-03-29T02:30:00"))
        .isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
  }

  @Test
  void instantsGoBackToViennaLocalTime() {
    assertThat(ViennaTime.toLocal(Instant.parse("2026-11-20T01:00:00Z")).toString())
        .isEqualTo("2026-11-20T02:00");
  }
}
