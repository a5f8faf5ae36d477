package at.telco.hub.testing;

import at.telco.hub.config.HubSettings;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The hub's core (every area of camel.main.configuration-classes and every route file) in this JVM,
 * on Camel Main.
 */
public final class HubInstance implements AutoCloseable {

  private final Main main;
  private final Properties properties;

  private HubInstance(Main main, Properties properties) {
    this.main = main;
    this.properties = properties;
  }

  public static HubInstance start(Properties properties) {
    Main main = new Main();
    main.setInitialProperties(HubSettings.defaults());
    main.setOverrideProperties(properties);
    try {
      main.start();
    } catch (Exception e) {
      throw new IllegalStateException("the hub did not start", e);
    }
    return new HubInstance(main, properties);
  }

  public CamelContext context() {
    return main.getCamelContext();
  }

  public <T> T bean(String name, Class<T> type) {
    return context().getRegistry().lookupByNameAndType(name, type);
  }

  public int managementPort() {
    return Integer.parseInt(properties.getProperty("camel.management.port"));
  }

  public String property(String key) {
    return properties.getProperty(key);
  }

  @Override
  public void close() {
    try {
      main.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
