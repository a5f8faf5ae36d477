package at.telco.hub.consistency;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
    List<String> all = new ArrayList<>();
    for (Map.Entry<String, List<SchemaDrift.Finding>> e : drift.findings().entrySet()) {
      for (SchemaDrift.Finding f : e.getValue()) {
        builder.detail("drift." + f.object(), f.problem());
        all.add(f.toString());
      }
    }
    builder.detail("findings", all.size());
    builder.detail("stopped.routes", String.join(",", guard.stopped()));
    // the message is what /observe/health shows: the findings themselves
    builder.message(
        all.isEmpty()
            ? "every system's schema fits what the hub's mappings need"
            : "schema drift: "
                + String.join("; ", all)
                + " (stopped until the schema fits again: "
                + String.join(", ", new TreeSet<>(guard.stopped()))
                + ")");
    builder.up();
  }
}
