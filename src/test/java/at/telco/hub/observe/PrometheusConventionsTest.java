package at.telco.hub.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class PrometheusConventionsTest {

  @Test
  void labelNamesBecomeSnakeCase() {
    assertThat(PrometheusConventions.snakeCase("routeId")).isEqualTo("route_id");
    assertThat(PrometheusConventions.snakeCase("camelContext")).isEqualTo("camel_context");
    assertThat(PrometheusConventions.snakeCase("target")).isEqualTo("target");
    assertThat(PrometheusConventions.snakeCase("event.type")).isEqualTo("event_type");
  }

  @Test
  void aScrapeHasSnakeCaseLabelsHelpTextAndNoAbbreviatedUnits() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new PrometheusConventions());
    Counter.builder("camel.exchanges").tag("routeId", "sink-one").register(registry).increment();
    Gauge.builder("system.cpu.count", () -> 2).register(registry);
    Counter.builder("process.cpu.time").baseUnit("ns").register(registry);
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("camel_exchanges_total{route_id=\"sink-one\"} 1.0")
        .contains("# HELP camel_exchanges_total camel exchanges")
        .contains("system_cpus 2.0")
        .doesNotContain("routeId")
        .doesNotContain("process_cpu_time");
  }
}
