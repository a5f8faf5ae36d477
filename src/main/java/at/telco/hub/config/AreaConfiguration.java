package at.telco.hub.config;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * One area of the hub (a flow, the workbench, consistency, ...) wired into a CamelContext: the
 * beans it binds, the health checks and observations it owns. The areas run in the order of {@code
 * camel.main.configuration-classes} (application.properties), under Camel Main and under {@code
 * HubRoutes} alike; an area finds what an earlier one bound with {@link #bean}, which says which
 * bean is missing when the order is wrong.
 *
 * <p>Beans are bound in {@link #wire()} (Camel's {@code configure}), not with {@code
 * BindToRegistry} methods: Camel Main post-processes a configuration class once when it
 * instantiates it and once more before {@code configure}, and each pass calls every {@code
 * BindToRegistry} method again (two connection pools, two schedulers); {@code configure} runs once.
 */
public abstract class AreaConfiguration implements CamelConfiguration {

  protected CamelContext context;
  protected Registry registry;
  protected Settings settings;

  @Override
  public final void configure(CamelContext context) throws Exception {
    this.context = context;
    this.registry = context.getRegistry();
    this.settings = Settings.of(context);
    wire();
  }

  /** Binds the area's beans and registers what it owns. */
  protected abstract void wire() throws Exception;

  /** A bean an earlier area bound; fails, naming it, when there is none. */
  protected <T> T bean(String name, Class<T> type) {
    T bean = registry.lookupByNameAndType(name, type);
    if (bean == null) {
      throw new IllegalStateException(
          getClass().getSimpleName()
              + " needs the bean '"
              + name
              + "' ("
              + type.getSimpleName()
              + "), which an area before it binds: check the order of"
              + " camel.main.configuration-classes");
    }
    return bean;
  }

  /** Binds {@code bean} under {@code name} and returns it. */
  protected <T> T bind(String name, T bean) {
    registry.bind(name, bean);
    return bean;
  }
}
