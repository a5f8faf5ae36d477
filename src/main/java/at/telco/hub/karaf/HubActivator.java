package at.telco.hub.karaf;

import at.telco.hub.HubRoutes;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PackageScanResourceResolver;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub under an OSGi container (Apache Karaf) without Camel Karaf: the bundle's start registers
 * a {@link ManagedService} for the Config Admin PID {@value #PID} ({@code etc/at.telco.hub.cfg});
 * with its configuration the hub's CamelContext ({@link HubRoutes}) starts, a changed configuration
 * stops it and starts it again with the new settings (live, no bundle restart), and the bundle's
 * stop stops it gracefully (in-flight exchanges complete, offsets are committed).
 *
 * <p>Everything runs on one thread of the hub whose context class loader is the bundle's class
 * loader, and every thread the context starts inherits it: the Kafka clients load their serializers
 * and the Vert.x servers their service providers through the thread's context class loader, which
 * OSGi otherwise leaves at the container's (ClassNotFoundException for a class inside this bundle).
 * The bundle carries its libraries on its own Bundle-ClassPath, so the bundle's class loader sees
 * all of them, as the class path does standalone.
 */
public final class HubActivator implements BundleActivator, ManagedService {

  /** The Config Admin PID of the hub's settings. */
  public static final String PID = "at.telco.hub";

  private static final Logger LOG = LoggerFactory.getLogger(HubActivator.class);

  /** What Config Admin and File Install add to the configuration: not settings of the hub. */
  private static final Set<String> NOT_SETTINGS =
      Set.of(
          Constants.SERVICE_PID,
          "service.factoryPid",
          "service.bundleLocation",
          "felix.fileinstall.filename");

  private final ClassLoader bundleLoader = HubActivator.class.getClassLoader();
  private BundleContext bundleContext;
  private ExecutorService worker;
  private ServiceRegistration<ManagedService> registration;
  private DefaultCamelContext camel;
  private Properties running;

  @Override
  public void start(BundleContext bundleContext) {
    this.bundleContext = bundleContext;
    worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "telco-hub-lifecycle");
              t.setContextClassLoader(bundleLoader);
              return t;
            });
    Dictionary<String, Object> properties = new Hashtable<>();
    properties.put(Constants.SERVICE_PID, PID);
    registration = bundleContext.registerService(ManagedService.class, this, properties);
    LOG.info("bundle started: waiting for the configuration {}", PID);
  }

  @Override
  public void stop(BundleContext bundleContext) throws Exception {
    registration.unregister();
    worker.submit(this::stopCamel).get();
    worker.shutdown();
    if (!worker.awaitTermination(60, TimeUnit.SECONDS)) {
      LOG.warn("the hub's lifecycle thread did not end within 60 s");
    }
    this.bundleContext = null;
  }

  /** Config Admin's thread: the work is handed to the hub's own thread. */
  @Override
  public void updated(Dictionary<String, ?> configuration) {
    Properties settings = configuration == null ? null : settings(configuration);
    worker.execute(() -> apply(settings));
  }

  static Properties settings(Dictionary<String, ?> configuration) {
    Properties p = new Properties();
    for (String key : Collections.list(configuration.keys())) {
      if (!NOT_SETTINGS.contains(key)) {
        p.setProperty(key, String.valueOf(configuration.get(key)));
      }
    }
    return p;
  }

  private void apply(Properties settings) {
    if (settings == null) {
      LOG.warn("no configuration {} (etc/{}.cfg): the hub does not run", PID, PID);
      stopCamel();
      return;
    }
    if (settings.equals(running)) {
      return;
    }
    if (camel != null) {
      LOG.info("configuration {} changed: the hub restarts with it", PID);
      stopCamel();
    }
    try {
      camel = startCamel(settings);
      running = settings;
    } catch (Exception e) {
      LOG.error("the hub did not start with the configuration {}", PID, e);
      stopCamel();
    }
  }

  private DefaultCamelContext startCamel(Properties settings) throws Exception {
    DefaultCamelContext context = new DefaultCamelContext(false);
    context.setApplicationContextClassLoader(bundleLoader);
    // route files, sinks and mappings inside this bundle: found through the bundle's entries
    context
        .getCamelContextExtension()
        .addContextPlugin(
            PackageScanResourceResolver.class,
            new BundleResourceResolver(bundleContext.getBundle()));
    context.getPropertiesComponent().setLocation("classpath:application.properties");
    context.getPropertiesComponent().setOverrideProperties(settings);
    context.build();
    context.addRoutes(new HubRoutes());
    context.start();
    LOG.info("the hub runs ({} routes)", context.getRoutesSize());
    return context;
  }

  private void stopCamel() {
    DefaultCamelContext context = camel;
    camel = null;
    running = null;
    if (context != null) {
      LOG.info("the hub stops");
      context.stop();
      LOG.info("the hub stopped");
    }
  }
}
