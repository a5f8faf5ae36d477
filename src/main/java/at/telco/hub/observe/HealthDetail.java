package at.telco.hub.observe;

import java.util.Map;

/**
 * Something operations should look at that is no reason to restart the hub or take it out of
 * service: dead letters piling up, overdue provisioning commands, schema drift. Shown as a
 * readiness check that stays UP, with a message when it needs attention and its figures under
 * {@code ?data=true}; the alerts (deploy/prometheus) are where it pages someone.
 */
public interface HealthDetail {

  /** The health check's id, e.g. {@code dead-letters}. */
  String id();

  /** The current state, from the last sample: cheap, never blocks on a server. */
  Report report();

  /** What the detail says now. */
  record Report(boolean attention, String message, Map<String, Object> data) {

    public static Report fine(String message, Map<String, Object> data) {
      return new Report(false, message, data);
    }

    public static Report attention(String message, Map<String, Object> data) {
      return new Report(true, message, data);
    }
  }
}
