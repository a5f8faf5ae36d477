package at.telco.hub.observe;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry.OpenTelemetryTracer;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry tracing of the route hops (camel-opentelemetry): off unless an OTLP endpoint is
 * configured ({@code hub.tracing.otlp-endpoint}, e.g. {@code http://otel-collector:4318}); then
 * every route, and every Kafka, JMS and direct hop, is a span, and the W3C {@code traceparent}
 * travels in the Kafka record headers so a target's spans join the source's trace.
 */
public final class Tracing {

  private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);

  private Tracing() {}

  /** Installs the tracer if an endpoint is configured; returns whether it did. */
  public static boolean install(CamelContext context, Settings settings) {
    Optional<String> endpoint = settings.optional(HubSettings.TRACING_OTLP_ENDPOINT);
    if (endpoint.isEmpty()) {
      return false;
    }
    String url = endpoint.get().replaceAll("/+$", "") + "/v1/traces";
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(url).setTimeout(Duration.ofSeconds(10)).build();
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        settings.get(HubSettings.TRACING_SERVICE_NAME))));
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(
                BatchSpanProcessor.builder(exporter)
                    .setScheduleDelay(
                        Duration.ofMillis(settings.get(HubSettings.TRACING_EXPORT_DELAY_MS)))
                    .build())
            .build();
    OpenTelemetryTracer tracer = new OpenTelemetryTracer();
    tracer.setTracer(provider.get("telco-integration-hub"));
    tracer.setContextPropagators(
        ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
    tracer.init(context);
    try {
      context.addService(
          new ServiceSupport() {
            @Override
            protected void doStop() {
              provider.close(); // flushes what is buffered
            }
          },
          true,
          true);
    } catch (Exception e) {
      provider.close();
      throw new IllegalStateException(e);
    }
    LOG.info("tracing: spans are exported to {}", url);
    return true;
  }
}
