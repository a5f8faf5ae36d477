package at.telco.hub.launcher;

import at.telco.hub.embedded.EmbeddedInfrastructure;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/** What the hub prints once it is up: where everything listens and how to connect. */
final class Banner {

  private Banner() {}

  static String text(
      Function<String, Optional<String>> props, EmbeddedInfrastructure embedded, Duration took) {
    String version = Banner.class.getPackage().getImplementationVersion();
    String mgmtPort = props.apply("camel.management.port").orElse("9876");
    String httpPort = props.apply("camel.server.port").orElse("8080");
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
      b.append("  CRM        ").append(props.apply("hub.crm.jdbc-url").orElse("?")).append('\n');
      b.append("  billing    ")
          .append(props.apply("hub.billing.jdbc-url").orElse("?"))
          .append('\n');
      b.append("  customerdb ")
          .append(props.apply("hub.customerdb.jdbc-url").orElse("?"))
          .append('\n');
      b.append("  hub db     ").append(props.apply("hub.hubdb.jdbc-url").orElse("?")).append('\n');
      b.append("  Kafka      ").append(props.apply("hub.kafka.brokers").orElse("?")).append('\n');
      b.append("  Artemis    ").append(props.apply("hub.artemis.url").orElse("?")).append('\n');
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
