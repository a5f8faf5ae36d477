package at.telco.hub.platform;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Readiness: the Kafka cluster answers and has brokers. */
public final class KafkaClusterHealthCheck extends AbstractHealthCheck {

  private final Admin admin;

  public KafkaClusterHealthCheck(Admin admin) {
    super("hub", "kafka");
    this.admin = admin;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    try {
      int brokers =
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(3000))
              .nodes()
              .get(4, TimeUnit.SECONDS)
              .size();
      builder.detail("brokers", brokers);
      if (brokers > 0) {
        builder.up();
      } else {
        builder.message("Kafka cluster has no brokers").down();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      builder.message("interrupted").down();
    } catch (Exception e) {
      builder.message("Kafka is not reachable").error(e).down();
    }
  }
}
