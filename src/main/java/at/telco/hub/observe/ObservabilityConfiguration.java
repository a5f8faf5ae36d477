package at.telco.hub.observe;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * The first area: the clock, the metrics registry that {@code /observe/metrics} serves (with the
 * Prometheus naming conventions, before any meter exists), the hub's own metrics, the secret of the
 * business-key hashes in the logs, tracing, and the sampler of what operations watch ({@link
 * Observations}), where every later area registers what it owns.
 *
 * <p>Binds {@code hubClock}, {@code metricsRegistry}, {@code hubMetrics}, {@code keyHash}, {@code
 * hubObservations}.
 */
public class ObservabilityConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    Clock clock = bind("hubClock", Clock.systemUTC());
    // the registry camel-micrometer-prometheus serves on /observe/metrics (it may exist already)
    MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
    if (meters == null) {
      meters = bind("metricsRegistry", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }
    // before any meter is registered: Camel's, the JVM's and the hub's alike
    meters.config().meterFilter(new PrometheusConventions());
    // bound here rather than through camel.metrics.binders, so the conventions apply to it
    new ProcessorMetrics().bindTo(meters);
    HubMetrics metrics = bind("hubMetrics", new HubMetrics(meters));
    bind("keyHash", keyHash());
    // spans over the route hops, only when an OTLP endpoint is configured
    Tracing.install(context, settings);

    Observations observations =
        bind(
            "hubObservations",
            new Observations(
                context,
                meters,
                metrics,
                clock,
                Duration.ofMillis(settings.get(HubSettings.OBSERVE_INTERVAL_MS))));
    context.addService(observations, true, false);
    observations.healthAsMetrics();
  }

  /**
   * The secret of the business-key hashes in the logs: {@code hub.log.key-hash-secret} or {@code
   * -file} (the embedded default keeps one in its data directory). Without one the hub makes up a
   * secret for this run only, so the hashes cannot be compared across restarts.
   */
  private KeyHash keyHash() {
    String secret = settings.secret(HubSettings.LOG_KEY_HASH_SECRET);
    if (secret.isEmpty()) {
      org.slf4j.LoggerFactory.getLogger(ObservabilityConfiguration.class)
          .warn(
              "hub.log.key-hash-secret(-file) is not set: business keys in the logs are hashed with"
                  + " a secret of this run only");
      secret = KeyHash.newSecret();
    }
    return KeyHash.of(secret);
  }
}
