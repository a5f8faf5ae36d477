package at.telco.hub.observe;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A {@link HealthDetail} as a readiness check that is always UP: its message and data say what
 * needs attention, the alert rules page; an orchestrator never drops or restarts the hub for it.
 */
final class HealthDetailCheck extends AbstractHealthCheck {

  private final HealthDetail detail;

  HealthDetailCheck(HealthDetail detail) {
    super("hub", detail.id());
    this.detail = detail;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    HealthDetail.Report report = detail.report();
    builder.detail("attention", report.attention());
    report.data().forEach(builder::detail);
    builder.message((report.attention() ? "ATTENTION: " : "") + report.message());
    builder.up();
  }
}
