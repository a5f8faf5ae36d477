package at.telco.hub.platform;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the Artemis broker accepts a connection (dead letters and parked messages go there).
 */
public final class ArtemisHealthCheck extends AbstractHealthCheck {

  private final ConnectionFactory connectionFactory;

  public ArtemisHealthCheck(ConnectionFactory connectionFactory) {
    super("hub", "artemis");
    this.connectionFactory = connectionFactory;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    try (Connection c = connectionFactory.createConnection()) {
      c.start();
      builder.up();
    } catch (Exception e) {
      builder.message("Artemis broker is not reachable").error(e).down();
    }
  }
}
