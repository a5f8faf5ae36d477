package at.telco.hub.launcher;

import at.telco.hub.cli.HashPassword;
import at.telco.hub.cli.HubCli;
import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import at.telco.hub.embedded.EmbeddedInfrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * java -jar telco-integration-hub.jar backup --to=DIR    [--config=FILE] [--data-dir=DIR]
 * java -jar telco-integration-hub.jar restore --from=DIR [--config=FILE] [--data-dir=DIR]
 * java -jar telco-integration-hub.jar recover            [--config=FILE] [--data-dir=DIR]
 * java -jar telco-integration-hub.jar dlq COMMAND ...     (the dead-letter command line)
 * java -jar telco-integration-hub.jar consistency COMMAND ... (reconciliation, drift, resync)
 * java -jar telco-integration-hub.jar erasure COMMAND ...     (erasure requests, the DPO's report)
 * java -jar telco-integration-hub.jar audit COMMAND ...       (verify the audit trail, list entries)
 * java -jar telco-integration-hub.jar hash-password      (a bcrypt hash for hub.auth.users)
 * </pre>
 */
public final class HubMain {

  private static final Logger LOG = LoggerFactory.getLogger(HubMain.class);

  private HubMain() {}

  public static void main(String[] args) throws Exception {
    // the command line of the dead-letter workbench and its helper: clients, nothing is started
    if (args.length > 0 && args[0].equals("dlq")) {
      System.exit(
          HubCli.run(
              java.util.Arrays.copyOfRange(args, 1, args.length),
              System.getenv(),
              System.out,
              System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("consistency")) {
      System.exit(
          HubCli.runConsistency(
              java.util.Arrays.copyOfRange(args, 1, args.length),
              System.getenv(),
              System.out,
              System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("erasure")) {
      System.exit(
          HubCli.runErasure(
              java.util.Arrays.copyOfRange(args, 1, args.length),
              System.getenv(),
              System.out,
              System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("audit")) {
      System.exit(
          HubCli.runAudit(
              java.util.Arrays.copyOfRange(args, 1, args.length),
              System.getenv(),
              System.out,
              System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("hash-password")) {
      System.exit(HashPassword.run());
      return;
    }
    Instant started = Instant.now();
    Path config = null;
    boolean clean = false;
    String command = null;
    Path location = null;
    List<String> camelArgs = new ArrayList<>();
    Properties system = System.getProperties();
    for (String arg : args) {
      if (arg.startsWith("--config=")) {
        config = Path.of(arg.substring("--config=".length()));
      } else if ((arg.equals("backup") || arg.equals("restore") || arg.equals("recover"))
          && command == null) {
        command = arg;
      } else if (arg.startsWith("--to=") || arg.startsWith("--from=")) {
        location = Path.of(arg.substring(arg.indexOf('=') + 1)).toAbsolutePath();
      } else if (arg.equals("--clean")) {
        clean = true;
      } else if (arg.startsWith("--data-dir=")) {
        system.setProperty("hub.embedded.data-dir", arg.substring("--data-dir=".length()));
      } else if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println(
            "usage: java -jar telco-integration-hub.jar [--config=FILE] [--clean] [--data-dir=DIR]\n"
                + "       java -jar telco-integration-hub.jar backup --to=DIR [--config=FILE] [--data-dir=DIR]\n"
                + "       java -jar telco-integration-hub.jar restore --from=DIR [--config=FILE] [--data-dir=DIR]\n"
                + "       java -jar telco-integration-hub.jar recover [--config=FILE] [--data-dir=DIR]\n"
                + "  --config=FILE   properties file (overrides the defaults; see README)\n"
                + "  --clean         embedded default: delete the data directory and start empty\n"
                + "  --data-dir=DIR  embedded default: where state lives (default ./data)\n"
                + "  backup, restore the hub's own state (hub database; embedded: also the Artemis\n"
                + "                  journal and Kafka data), with the hub stopped; see README\n"
                + "       java -jar telco-integration-hub.jar dlq COMMAND ...  (dlq --help)\n"
                + "       java -jar telco-integration-hub.jar consistency COMMAND ...  (consistency --help)\n"
                + "       java -jar telco-integration-hub.jar erasure COMMAND ...  (erasure --help)\n"
                + "       java -jar telco-integration-hub.jar audit COMMAND ...  (audit --help)\n"
                + "       java -jar telco-integration-hub.jar hash-password");
        return;
      } else {
        camelArgs.add(arg);
      }
    }
    if (config == null && System.getenv("HUB_CONFIG") != null) {
      config = Path.of(System.getenv("HUB_CONFIG"));
    }
    LaunchProperties props = new LaunchProperties(config, System.getenv(), system);
    Settings settings = props.settings();
    clean = clean || settings.get(HubSettings.EMBEDDED_CLEAN);
    if (command != null) {
      if (location == null && !command.equals("recover")) {
        System.err.println(
            "telco-integration-hub: "
                + command
                + " needs "
                + (command.equals("backup") ? "--to=DIR" : "--from=DIR"));
        System.exit(2);
        return;
      }
      try {
        System.exit(Maintenance.run(command, location, props));
      } catch (IllegalStateException e) {
        System.err.println("telco-integration-hub: " + command + ": " + e.getMessage());
        System.exit(2);
      }
      return;
    }

    Main main = new Main();
    // the --config file's keys win over the built-in defaults, for placeholders and for Camel's
    // own camel.* settings alike; a system property or environment variable still wins over the
    // file
    Properties overrides = props.fileOverrides();
    EmbeddedInfrastructure infrastructure = null;
    if (settings.get(HubSettings.EMBEDDED_ENABLED)) {
      try {
        infrastructure = EmbeddedInfrastructure.start(settings, clean);
      } catch (IllegalStateException e) {
        System.err.println("telco-integration-hub: " + e.getMessage());
        System.exit(2);
        return;
      }
      overrides.putAll(infrastructure.connectionProperties());
    }
    // the defaults of the settings catalogue, below everything else
    main.setInitialProperties(HubSettings.defaults());
    main.setOverrideProperties(overrides);
    EmbeddedInfrastructure embedded = infrastructure;
    main.addMainListener(
        new MainListenerSupport() {
          @Override
          public void afterStart(BaseMainSupport m) {
            String banner =
                Banner.text(settings, embedded, Duration.between(started, Instant.now()));
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
    // on SIGTERM the JVM ends once its shutdown hooks are done: this one waits until the embedded
    // servers are stopped below, after Camel (so PostgreSQL, Kafka and Artemis outlive the routes)
    CountDownLatch stopped = new CountDownLatch(1);
    if (embedded != null) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      stopped.await(90, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "embedded-servers-stop"));
    }
    try {
      main.run(camelArgs.toArray(String[]::new));
    } finally {
      if (embedded != null) {
        LOG.info("stopping the embedded servers");
        embedded.close();
      }
      stopped.countDown();
    }
  }
}
