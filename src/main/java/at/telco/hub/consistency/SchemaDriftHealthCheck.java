package at.telco.hub.consistency;

import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Schema drift as a health detail: every finding by system, and the routes held stopped. UP either
 * way (the hub keeps serving its API and console, and the other flows run): drift is for operations
 * to see and alert on ({@code hub_schema_drift_findings}), and its routes are already stopped.
 */
public final class SchemaDriftHealthCheck extends AbstractHealthCheck {

  private final SchemaDrift drift;
  private final DriftGuard guard;

  public SchemaDriftHealthCheck(SchemaDrift drift, DriftGuard guard) {
    super("hub", "schema-drift");
    this.drift = drift;
    this.guard = guard;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    int total = 0;
    for (Map.Entry<String, List<SchemaDrift.Finding>> e : drift.findings().entrySet()) {
      total += e.getValue().size();
      for (SchemaDrift.Finding f : e.getValue()) {
        builder.detail("drift." + f.object(), f.problem());
      }
    }
    builder.detail("findings", total);
    builder.detail("stopped.routes", String.join(",", guard.stopped()));
    builder.message(
        total == 0
            ? "every system's schema fits what the hub's mappings need"
            : total
                + " schema drift finding(s): their routes are stopped until the schema fits again");
    builder.up();
  }
}
