package at.telco.hub.provisioning;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Provisioning commands waiting, overdue or rejected, as health details. Always UP: an overdue
 * command is for operations to see and alert on, not a reason to take the hub out of service.
 */
public final class ProvisioningHealthCheck extends AbstractHealthCheck {

  private final Barring barring;

  public ProvisioningHealthCheck(Barring barring) {
    super("hub", "provisioning-commands");
    this.barring = barring;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    try {
      Map<String, Long> counts = barring.counts();
      builder.detail("pending", counts.get("PENDING"));
      builder.detail("overdue", counts.get("OVERDUE"));
      builder.detail("rejected", counts.get("REJECTED"));
      builder.detail("done", counts.get("DONE"));
      long attention = counts.get("OVERDUE") + counts.get("REJECTED");
      builder.message(
          attention == 0
              ? "no provisioning command needs attention"
              : attention
                  + " provisioning command(s) overdue or rejected: see DLQ.network-provisioning");
    } catch (RuntimeException e) {
      builder.message("provisioning commands cannot be counted: " + e.getMessage());
    }
    builder.up();
  }
}
