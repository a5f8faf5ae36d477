package at.telco.hub.launcher;

import at.telco.hub.embedded.EmbeddedInfrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the hub with Camel Main. With no configuration it starts the embedded default: a real
 * PostgreSQL, Kafka and Artemis from Maven artifacts, sample data and a trickle of CRM changes.
 * With {@code hub.embedded.enabled=false} it connects to the servers its configuration names and
 * starts nothing else.
 *
 * <pre>
 * java -jar telco-integration-hub.jar [--config=FILE] [--clean] [--data-dir=DIR] [--help]
 * </pre>
 */
public final class HubMain {

  private static final Logger LOG = LoggerFactory.getLogger(HubMain.class);

  private HubMain() {}

  public static void main(String[] args) throws Exception {
    Instant started = Instant.now();
    Path config = null;
    boolean clean = false;
    List<String> camelArgs = new ArrayList<>();
    Properties system = System.getProperties();
    for (String arg : args) {
      if (arg.startsWith("--config=")) {
        config = Path.of(arg.substring("--config=".length()));
      } else if (arg.equals("--clean")) {
        clean = true;
      } else if (arg.startsWith("--data-dir=")) {
        system.setProperty("hub.embedded.data-dir", arg.substring("--data-dir=".length()));
      } else if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println(
            "usage: java -jar telco-integration-hub.jar [--config=FILE] [--clean] [--data-dir=DIR]\n"
                + "  --config=FILE   properties file (overrides the defaults; see README)\n"
                + "  --clean         embedded default: delete the data directory and start empty\n"
                + "  --data-dir=DIR  embedded default: where state lives (default ./data)");
        return;
      } else {
        camelArgs.add(arg);
      }
    }
    if (config == null && System.getenv("HUB_CONFIG") != null) {
      config = Path.of(System.getenv("HUB_CONFIG"));
    }
    LaunchProperties props = new LaunchProperties(config, System.getenv(), system);
    clean = clean || props.getBoolean("hub.embedded.clean", false);

    Main main = new Main();
    // the --config file's keys win over the built-in defaults, for placeholders and for Camel's
    // own camel.* settings alike; a system property or environment variable still wins over the
    // file
    Properties overrides = props.fileOverrides();
    EmbeddedInfrastructure infrastructure = null;
    if (props.getBoolean("hub.embedded.enabled", true)) {
      try {
        infrastructure = EmbeddedInfrastructure.start(props::get, clean);
      } catch (IllegalStateException e) {
        System.err.println("telco-integration-hub: " + e.getMessage());
        System.exit(2);
        return;
      }
      overrides.putAll(infrastructure.connectionProperties());
    }
    main.setOverrideProperties(overrides);
    EmbeddedInfrastructure embedded = infrastructure;
    main.addMainListener(
        new MainListenerSupport() {
          @Override
          public void afterStart(BaseMainSupport m) {
            String banner =
                Banner.text(props::get, embedded, Duration.between(started, Instant.now()));
            if ("json".equals(System.getenv("HUB_LOG_FORMAT"))) {
              LOG.info(banner); // stdout holds JSON lines only
            } else {
              System.out.println(banner);
            }
            if (embedded != null) {
              embedded.startSimulators();
            }
          }

          @Override
          public void beforeStop(BaseMainSupport m) {
            if (embedded != null) {
              embedded.stopSimulators();
            }
          }
        });
    try {
      main.run(camelArgs.toArray(String[]::new));
    } finally {
      if (embedded != null) {
        LOG.info("stopping the embedded servers");
        embedded.close();
      }
    }
  }
}
