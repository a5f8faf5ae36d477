package at.telco.hub.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.PackageScanResourceResolver;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.util.StringHelper;

/**
 * The hub for a CamelContext that Camel Main does not run (the OSGi bundle under Karaf, where a
 * Blueprint {@code camelContext} refers to it): wires the core (the classes of {@code
 * camel.main.configuration-classes}, {@link HubConfiguration} first), applies the {@code
 * camel.component.*} settings (Camel Main does that otherwise) and loads the route files from
 * {@code hub.routes.location}, the error handling of {@code _config/} first. The settings come from
 * the context's properties: under Karaf the Config Admin PID {@code at.telco.hub} over the bundle's
 * application.properties.
 */
public final class HubRoutes extends RouteBuilder {

  @Override
  public void configure() {
    // everything happens in addRoutesToCamelContext: the routes are files, not Java
  }

  @Override
  public void addRoutesToCamelContext(CamelContext context) throws Exception {
    setCamelContext(context);
    // the configuration classes Camel Main would run (camel.main.configuration-classes)
    String classes =
        context
            .getPropertiesComponent()
            .resolveProperty("camel.main.configuration-classes")
            .orElse(HubConfiguration.class.getName());
    for (String name : classes.split(",")) {
      Class<?> type = context.getClassResolver().resolveMandatoryClass(name.strip());
      ((CamelConfiguration) context.getInjector().newInstance(type)).configure(context);
    }
    bindComponentSettings(context);
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
}
