package at.telco.hub.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

/** When an erasure can be honoured on Kafka: the customer topic's configuration, judged. */
class TopicCompactionTest {

  static final long DAY = 86_400_000L;

  static Config config(String policy, String lag) {
    return new Config(
        List.of(
            new ConfigEntry("cleanup.policy", policy),
            new ConfigEntry("max.compaction.lag.ms", lag)));
  }

  @Test
  void aCompactedTopicWithABoundedLagHonoursAnErasure() {
    var v = TopicCompaction.judge("c", config("compact", "86400000"), DAY);
    assertThat(v.honoured()).isTrue();
    assertThat(TopicCompaction.judge("c", config("compact,delete", "1000"), DAY).honoured())
        .isTrue();
  }

  @Test
  void aTopicThatOnlyDeletesDoesNot() {
    var v = TopicCompaction.judge("c", config("delete", "86400000"), DAY);
    assertThat(v.honoured()).isFalse();
    assertThat(v.reason()).contains("not compacted", "cleanup.policy=delete");
  }

  @Test
  void anUnboundedOrTooLongCompactionLagDoesNot() {
    var unbounded =
        TopicCompaction.judge("c", config("compact", Long.toString(Long.MAX_VALUE)), DAY);
    assertThat(unbounded.honoured()).isFalse();
    assertThat(unbounded.reason()).contains("max.compaction.lag.ms=unbounded");
    var week = TopicCompaction.judge("c", config("compact", "604800000"), DAY);
    assertThat(week.honoured()).isFalse();
    assertThat(week.reason()).contains("604800000");
    assertThat(TopicCompaction.judge("c", null, DAY).honoured()).isFalse();
  }
}
