package at.telco.hub.launcher;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import at.telco.hub.embedded.EmbeddedInfrastructure;
import java.time.Duration;

/** What the hub prints once it is up: where everything listens and how to connect. */
final class Banner {

  private Banner() {}

  static String text(Settings settings, EmbeddedInfrastructure embedded, Duration took) {
    String version = Banner.class.getPackage().getImplementationVersion();
    int mgmtPort = settings.get(HubSettings.CAMEL_MANAGEMENT_PORT);
    int httpPort = settings.get(HubSettings.CAMEL_SERVER_PORT);
    StringBuilder b = new StringBuilder("\n");
    b.append("  Telco Integration Hub ")
        .append(version == null ? "(development)" : version)
        .append(" started in ")
        .append(String.format("%.1f s", took.toMillis() / 1000.0))
        .append(embedded == null ? " (external systems)" : " (embedded default)")
        .append('\n');
    if (embedded != null) {
      b.append(embedded.describe());
    } else {
      b.append("  CRM        ").append(settings.get(HubSettings.CRM_JDBC_URL)).append('\n');
      b.append("  billing    ").append(settings.get(HubSettings.BILLING_JDBC_URL)).append('\n');
      b.append("  customerdb ").append(settings.get(HubSettings.CUSTOMERDB_JDBC_URL)).append('\n');
      b.append("  hub db     ").append(settings.get(HubSettings.HUBDB_JDBC_URL)).append('\n');
      b.append("  Kafka      ").append(settings.get(HubSettings.KAFKA_BROKERS)).append('\n');
      b.append("  Artemis    ").append(settings.get(HubSettings.ARTEMIS_URL)).append('\n');
    }
    b.append("  Health     http://127.0.0.1:")
        .append(mgmtPort)
        .append("/observe/health  (/live, /ready)\n");
    b.append("  Metrics    http://127.0.0.1:").append(mgmtPort).append("/observe/metrics\n");
    b.append("  HTTP       http://127.0.0.1:")
        .append(httpPort)
        .append("/  (management API and console)\n");
    return b.toString();
  }
}
