package at.telco.hub.erasure;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the canonical customer and service topics answer the hub's requirement for erasure
 * (compacted, with a bounded compaction lag; {@link TopicCompaction}). DOWN with the reason in
 * words when it does not: an erasure's Kafka part cannot be honoured, so the erasures stay open
 * (see docs/security.md, "Right to erasure", for why this is a readiness check and not only a
 * detail).
 */
public final class ErasureKafkaHealthCheck extends AbstractHealthCheck {

  private final TopicCompaction compaction;

  public ErasureKafkaHealthCheck(TopicCompaction compaction) {
    super("hub", "erasure-kafka");
    this.compaction = compaction;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    TopicCompaction.Verdict v = compaction.recent();
    builder.detail("topic", compaction.topic());
    builder.detail("erasure.honoured", v.honoured());
    if (v.honoured()) {
      builder.message(v.reason()).up();
    } else {
      builder
          .message(
              "erasure cannot be honoured on Kafka: "
                  + v.reason()
                  + "; every erasure's Kafka part stays open until it is")
          .down();
    }
  }
}
