package at.telco.hub;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.prometheus.MicrometerPrometheus;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.spi.PackageScanResourceResolver;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.util.StringHelper;
import org.slf4j.LoggerFactory;

/**
 * The hub for a CamelContext that Camel Main does not run (the OSGi bundle under Karaf, whose
 * activator {@code at.telco.hub.karaf.HubActivator} creates the context): applies what Camel Main
 * takes from {@code camel.main.*}, {@code camel.route-controller.*}, {@code camel.health.*}, {@code
 * camel.rest.*} and {@code camel.component.*}, wires the hub's areas (the classes of {@code
 * camel.main.configuration-classes}, in their order, as Camel Main would), starts the HTTP servers
 * and loads the route files from {@code hub.routes.location}, the error handling of {@code
 * _config/} first. The settings come from the context's properties: under Karaf the Config Admin
 * PID {@code at.telco.hub} over the bundle's application.properties.
 */
public final class HubRoutes extends RouteBuilder {

  @Override
  public void configure() {
    // everything happens in addRoutesToCamelContext: the routes are files, not Java
  }

  @Override
  public void addRoutesToCamelContext(CamelContext context) throws Exception {
    setCamelContext(context);
    // the defaults of the settings catalogue, below everything else (as Camel Main's initial
    // properties under the launcher)
    PropertiesComponent properties = context.getPropertiesComponent();
    for (String key : HubSettings.defaults().stringPropertyNames()) {
      if (properties.resolveProperty(key).isEmpty()) {
        properties.addInitialProperty(key, HubSettings.defaults().getProperty(key));
      }
    }
    applyContextSettings(context);
    // the areas Camel Main would wire, in the same order (camel.main.configuration-classes)
    for (String name : areas(context)) {
      Class<?> type = context.getClassResolver().resolveMandatoryClass(name);
      ((CamelConfiguration) context.getInjector().newInstance(type, false)).configure(context);
    }
    bindComponentSettings(context);
    bindRestSettings(context);
    installHttpServers(context);
    installHealthChecks(context);
    String location = context.resolvePropertyPlaceholders("{{hub.routes.location}}");
    PackageScanResourceResolver resolver = PluginHelper.getPackageScanResourceResolver(context);
    List<Resource> resources =
        new ArrayList<>(resolver.findResources(location + "/_config/*.yaml"));
    resources.addAll(resolver.findResources(location + "/*.camel.yaml"));
    if (resources.isEmpty()) {
      throw new IllegalStateException("no route files in " + location);
    }
    PluginHelper.getRoutesLoader(context).loadRoutes(resources);
  }

  /** The hub's areas in the order they are wired: {@code camel.main.configuration-classes}. */
  public static List<String> areas(CamelContext context) {
    String classes =
        context
            .getPropertiesComponent()
            .resolveProperty("camel.main.configuration-classes")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "camel.main.configuration-classes is not set: it lists the hub's areas"));
    List<String> names = new ArrayList<>();
    for (String name : classes.split(",")) {
      if (!name.isBlank()) {
        names.add(name.strip());
      }
    }
    return names;
  }

  /**
   * What Camel Main takes from {@code camel.main.*} and {@code camel.route-controller.*} for the
   * context itself: its name, MDC logging, stream caching, the graceful shutdown's timeout, and the
   * supervising route controller (a route whose start fails is retried, the context starts).
   */
  static void applyContextSettings(CamelContext context) {
    PropertiesComponent p = context.getPropertiesComponent();
    if (!context.isStarted()) {
      p.resolveProperty("camel.main.name")
          .ifPresent(name -> context.getCamelContextExtension().setName(name));
      p.resolveProperty("camel.main.use-mdc-logging")
          .ifPresent(v -> context.setUseMDCLogging(Boolean.parseBoolean(v)));
      p.resolveProperty("camel.main.stream-caching-enabled")
          .ifPresent(v -> context.setStreamCaching(Boolean.parseBoolean(v)));
      if (p.resolveProperty("camel.route-controller.enabled")
          .map(Boolean::parseBoolean)
          .orElse(false)) {
        var supervising = context.getRouteController().supervising();
        p.resolveProperty("camel.route-controller.back-off-delay")
            .ifPresent(v -> supervising.setBackOffDelay(Long.parseLong(v)));
        p.resolveProperty("camel.route-controller.back-off-max-attempts")
            .ifPresent(v -> supervising.setBackOffMaxAttempts(Long.parseLong(v)));
        p.resolveProperty("camel.route-controller.initial-delay")
            .ifPresent(v -> supervising.setInitialDelay(Long.parseLong(v)));
      }
    }
    p.resolveProperty("camel.main.shutdown-timeout")
        .ifPresent(v -> context.getShutdownStrategy().setTimeout(Long.parseLong(v)));
  }

  /**
   * {@code camel.rest.*} onto the context's REST configuration, as Camel Main does: the management
   * API's component, context path ({@code /api/v1}) and OpenAPI document.
   */
  static void bindRestSettings(CamelContext context) {
    Map<String, Object> options = new LinkedHashMap<>();
    Properties all = context.getPropertiesComponent().loadProperties();
    for (String key : all.stringPropertyNames()) {
      if (key.startsWith("camel.rest.")) {
        String option = key.substring("camel.rest.".length());
        int bracket = option.indexOf('[');
        String name =
            bracket < 0
                ? StringHelper.dashToCamelCase(option)
                : StringHelper.dashToCamelCase(option.substring(0, bracket))
                    + option.substring(bracket);
        options.put(
            name,
            context.resolvePropertyPlaceholders(
                context.getPropertiesComponent().resolveProperty(key).orElse("")));
      }
    }
    if (!options.isEmpty()) {
      PropertyBindingSupport.build()
          .withCamelContext(context)
          .withTarget(context.getRestConfiguration())
          .withProperties(options)
          .withIgnoreCase(true)
          .withMandatory(true)
          .bind();
    }
  }

  /**
   * The health checks Camel Main registers from {@code camel.health.*}: the context, the routes and
   * the consumers (enabled unless switched off), the producers (off unless switched on).
   */
  static void installHealthChecks(CamelContext context) {
    PropertiesComponent p = context.getPropertiesComponent();
    HealthCheckRegistry registry = HealthCheckRegistry.get(context);
    if (registry == null
        || !p.resolveProperty("camel.health.enabled").map(Boolean::parseBoolean).orElse(true)) {
      return;
    }
    registry.setEnabled(true);
    Object check = registry.resolveById("context");
    if (check != null) {
      registry.register(check);
    }
    for (String id : List.of("routes", "consumers", "producers")) {
      boolean enabled =
          p.resolveProperty("camel.health." + id + "-enabled")
              .map(Boolean::parseBoolean)
              .orElse(!id.equals("producers"));
      HealthCheckRepository repository =
          registry
              .getRepository(id)
              .orElseGet(() -> (HealthCheckRepository) registry.resolveById(id));
      if (repository != null) {
        repository.setEnabled(enabled);
        registry.register(repository);
      }
    }
  }

  /** {@code camel.component.<name>.<option> = value} onto the component, as Camel Main does. */
  static void bindComponentSettings(CamelContext context) {
    Properties all = context.getPropertiesComponent().loadProperties();
    Map<String, Map<String, Object>> byComponent = new LinkedHashMap<>();
    for (String key : all.stringPropertyNames()) {
      if (!key.startsWith("camel.component.")) {
        continue;
      }
      String rest = key.substring("camel.component.".length());
      int dot = rest.indexOf('.');
      if (dot < 0) {
        continue;
      }
      String value =
          context.resolvePropertyPlaceholders(
              context.getPropertiesComponent().resolveProperty(key).orElse(""));
      byComponent
          .computeIfAbsent(rest.substring(0, dot), k -> new LinkedHashMap<>())
          .put(StringHelper.dashToCamelCase(rest.substring(dot + 1)), value);
    }
    byComponent.forEach(
        (name, options) -> {
          Component component = context.getComponent(name, true);
          if (component == null) {
            throw new IllegalStateException(
                "no Camel component " + name + " for camel.component." + name);
          }
          PropertyBindingSupport.build()
              .withCamelContext(context)
              .withTarget(component)
              // the component's configurer knows its nested options (Kafka's configuration)
              .withConfigurer(component.getComponentPropertyConfigurer())
              .withProperties(options)
              .withIgnoreCase(true)
              .withMandatory(true)
              .bind();
        });
  }

  /**
   * What Camel Main starts from {@code camel.server.*}, {@code camel.management.*} and {@code
   * camel.metrics.*}: the business HTTP server (management API, console), the management server
   * with {@code /observe/health} and {@code /observe/metrics}, and the Prometheus metrics.
   */
  /**
   * TLS for the business HTTP port when {@code hub.server.tls.keystore} names a key store (PKCS12
   * by default, {@code hub.server.tls.keystore-type}); its password from {@code
   * hub.server.tls.keystore-password} or {@code -password-file} (the key's, if different, from
   * {@code hub.server.tls.key-password(-file)}). Null without a key store.
   */
  static SSLContextParameters businessTls(Settings settings) {
    String keystore = settings.optional(HubSettings.SERVER_TLS_KEYSTORE).orElse(null);
    if (keystore == null) {
      return null;
    }
    String password = settings.secret(HubSettings.SERVER_TLS_KEYSTORE_PASSWORD);
    String keyPassword = settings.secret(HubSettings.SERVER_TLS_KEY_PASSWORD);
    KeyStoreParameters store = new KeyStoreParameters();
    store.setResource(keystore.contains(":") ? keystore : "file:" + keystore);
    store.setType(settings.get(HubSettings.SERVER_TLS_KEYSTORE_TYPE));
    store.setPassword(password);
    KeyManagersParameters keys = new KeyManagersParameters();
    keys.setKeyStore(store);
    keys.setKeyPassword(keyPassword.isEmpty() ? password : keyPassword);
    SSLContextParameters tls = new SSLContextParameters();
    tls.setKeyManagers(keys);
    tls.setSecureSocketProtocol("TLS");
    LoggerFactory.getLogger(HubRoutes.class)
        .info("business HTTP port: TLS with the key store {}", keystore);
    return tls;
  }

  static void installHttpServers(CamelContext context) throws Exception {
    Settings settings = Settings.of(context);
    SSLContextParameters tls = businessTls(settings);
    MainHttpServer existing = context.hasService(MainHttpServer.class);
    if (settings.get(HubSettings.CAMEL_SERVER_ENABLED) && existing == null) {
      MainHttpServer server = new MainHttpServer();
      server.setCamelContext(context);
      server.setHost(settings.get(HubSettings.CAMEL_SERVER_HOST));
      server.setPort(settings.get(HubSettings.CAMEL_SERVER_PORT));
      server.setPath("/");
      if (tls != null) {
        server.setSslContextParameters(tls);
      }
      context.addService(server, true, false);
    } else if (existing != null && tls != null) {
      if (existing.isStarted()) {
        throw new IllegalStateException(
            "hub.server.tls.keystore is set, but the business HTTP server is already running");
      }
      existing.setSslContextParameters(tls);
    }
    if (settings.get(HubSettings.CAMEL_MANAGEMENT_ENABLED)
        && context.hasService(ManagementHttpServer.class) == null) {
      ManagementHttpServer management = new ManagementHttpServer();
      management.setCamelContext(context);
      management.setHost(settings.get(HubSettings.CAMEL_MANAGEMENT_HOST));
      management.setPort(settings.get(HubSettings.CAMEL_MANAGEMENT_PORT));
      management.setPath("/");
      management.setHealthCheckEnabled(true);
      management.setHealthPath(settings.get(HubSettings.CAMEL_MANAGEMENT_HEALTH_PATH));
      management.setMetricsEnabled(settings.get(HubSettings.CAMEL_MANAGEMENT_METRICS_ENABLED));
      management.setInfoEnabled(false);
      management.setDevConsoleEnabled(false);
      context.addService(management, true, false);
    }
    // after the management server: it serves its scrape on that server's router
    if (settings.get(HubSettings.CAMEL_METRICS_ENABLED)
        && context.hasService(MicrometerPrometheus.class) == null) {
      MicrometerPrometheus metrics = new MicrometerPrometheus();
      metrics.setCamelContext(context);
      metrics.setPath(settings.get(HubSettings.CAMEL_METRICS_PATH));
      metrics.setEnableRoutePolicy(settings.get(HubSettings.CAMEL_METRICS_ENABLE_ROUTE_POLICY));
      metrics.setEnableExchangeEventNotifier(
          settings.get(HubSettings.CAMEL_METRICS_ENABLE_EXCHANGE_EVENT_NOTIFIER));
      metrics.setEnableRouteEventNotifier(
          settings.get(HubSettings.CAMEL_METRICS_ENABLE_ROUTE_EVENT_NOTIFIER));
      metrics.setBinders(settings.get(HubSettings.CAMEL_METRICS_BINDERS));
      context.addService(metrics, true, false);
    }
    HealthCheckRegistry health = HealthCheckRegistry.get(context);
    health.setExposureLevel(settings.get(HubSettings.CAMEL_HEALTH_EXPOSURE_LEVEL));
  }
}
