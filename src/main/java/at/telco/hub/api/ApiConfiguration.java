package at.telco.hub.api;

import at.telco.hub.audit.AuditChain;
import at.telco.hub.audit.AuditTrail;
import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.consistency.ConsistencyJobs;
import at.telco.hub.consistency.DriftGuard;
import at.telco.hub.consistency.Reconciler;
import at.telco.hub.consistency.ReconciliationStore;
import at.telco.hub.consistency.Resync;
import at.telco.hub.consistency.SchemaDrift;
import at.telco.hub.deadletter.BulkReplays;
import at.telco.hub.deadletter.DeadLetterSearch;
import at.telco.hub.deadletter.DeadLetterWorkbench;
import at.telco.hub.erasure.Erasures;
import at.telco.hub.observe.ChangeRates;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.observe.Observations;
import at.telco.hub.source.ParkedMessages;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * The management API and the console on the business HTTP port, last of the areas (it exposes what
 * the others bound): the API's users and roles, the gate in front of {@code /api/} (sign-in, roles,
 * rate limits, the audit of sign-ins), and the beans the REST routes call for the workbench,
 * consistency and erasure. The domain's refusals become HTTP statuses here only.
 *
 * <p>Binds {@code apiUsers}, {@code apiSecurity}, the platform-http engine, {@code managementApi},
 * {@code consistencyApi}, {@code erasureApi}, {@code parkedApi}, {@code overviewApi}, {@code
 * consoleResources}, {@code apiContract} (the OpenAPI document).
 */
public class ApiConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    ApiUsers users =
        bind(
            "apiUsers",
            new ApiUsers(
                bean("hubDataSource", DataSource.class), settings, bean("hubClock", Clock.class)));
    // a generated password goes to an owner-only file, never to standard output or the log
    GeneratedAdminPassword.bootstrap(users, settings);
    ApiSecurity security = bind("apiSecurity", new ApiSecurity(context, users));
    OidcTokens.fromSettings(settings).ifPresent(security::acceptJwts);
    security.limitRates(RateLimits.fromSettings(settings));
    security.throttleSignIns(SignInThrottle.fromSettings(settings, Clock.systemUTC()));
    security.allowOrigins(settings.optional(HubSettings.API_ALLOWED_ORIGINS).orElse(null));
    MeterRegistry meters =
        context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
    if (meters != null) {
      FunctionCounter.builder("hub.auth.password.checks", users, ApiUsers::passwordChecks)
          .description("bcrypt checks of a password (sign-ins and password changes)")
          .register(meters);
    }
    AuditTrail audit = bean("auditTrail", AuditTrail.class);
    security.auditWith(audit, bean("keyHash", KeyHash.class));
    if (settings.get(HubSettings.CAMEL_SERVER_ENABLED)) {
      httpEngine(security, settings.get(HubSettings.CAMEL_SERVER_PORT));
    }

    bind(
        "managementApi",
        new ManagementApi(
            users,
            security,
            bean("deadLetterSearch", DeadLetterSearch.class),
            bean("deadLetterWorkbench", DeadLetterWorkbench.class),
            bean("bulkReplays", BulkReplays.class),
            audit,
            bean("auditChain", AuditChain.class)));
    bind(
        "consistencyApi",
        new ConsistencyApi(
            context,
            bean("reconciler", Reconciler.class),
            bean("reconciliationStore", ReconciliationStore.class),
            bean("schemaDrift", SchemaDrift.class),
            bean("driftGuard", DriftGuard.class),
            bean("resync", Resync.class),
            bean("consistencyJobs", ConsistencyJobs.class)));
    bind("erasureApi", new ErasureApi(bean("erasures", Erasures.class)));
    bind("parkedApi", new ParkedApi(bean("parkedMessages", ParkedMessages.class), audit));
    bind("overviewApi", overview(meters != null ? meters : new SimpleMeterRegistry()));
    bind("consoleResources", new ConsoleResources());
    bind("apiContract", new ApiContract(context));
  }

  /**
   * The console's overview: the last hour of changes per minute is sampled with the other
   * observations, the rest is read from the gauges and stores when asked.
   */
  private OverviewApi overview(MeterRegistry meters) {
    Clock clock = bean("hubClock", Clock.class);
    ChangeRates rates = new ChangeRates(meters, clock);
    Observations observations = bean("hubObservations", Observations.class);
    observations.probe("change-rates", rates::sample);
    Map<String, String> topics = new LinkedHashMap<>();
    topics.put(settings.get(HubSettings.KAFKA_TOPIC_CUSTOMER), "customer");
    topics.put(settings.get(HubSettings.KAFKA_TOPIC_BILLING), "billing");
    topics.put(settings.get(HubSettings.KAFKA_TOPIC_SERVICE), "network");
    topics.put(settings.get(HubSettings.NETWORK_TOPIC_INVENTORY), "network");
    topics.put(settings.get(HubSettings.NETWORK_TOPIC_RESULTS), "network");
    return new OverviewApi(
        meters,
        rates,
        observations,
        bean("reconciliationStore", ReconciliationStore.class),
        bean("schemaDrift", SchemaDrift.class),
        new OverviewRules(OverviewRules.Thresholds.of(settings)),
        OverviewApi.flowsOf(topics),
        settings.get(HubSettings.OVERVIEW_REFRESH_SECONDS),
        clock);
  }

  /**
   * Platform-http consumers must find the business server's router; with a second server
   * (management, port 9876) the engine cannot tell which one it is and falls back to 8080. The gate
   * goes in front of /api/ when the first consumer is created: after the server is up, before any
   * route answers.
   */
  private void httpEngine(ApiSecurity security, int port) {
    VertxPlatformHttpEngine engine =
        new VertxPlatformHttpEngine() {
          @Override
          public int getServerPort() {
            return port;
          }

          @Override
          public PlatformHttpConsumer createConsumer(
              PlatformHttpEndpoint endpoint, Processor processor) {
            security.installOnce(port);
            // the caller goes to the route out of band, as exchange properties
            return super.createConsumer(endpoint, security.attaching(processor));
          }
        };
    engine.setCamelContext(context);
    bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, engine);
  }
}
