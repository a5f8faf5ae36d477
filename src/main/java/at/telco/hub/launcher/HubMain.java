package at.telco.hub.launcher;

import at.telco.hub.cli.CliContext;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PackageScanResourceResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * The jar's command (picocli). Without a command it starts the hub with Camel Main. With no
 * configuration it starts the embedded default: a real PostgreSQL, Kafka and Artemis from Maven
 * artifacts, sample data and a trickle of CRM changes. With {@code hub.embedded.enabled=false} it
 * connects to the servers its configuration names and starts nothing else.
 *
 * <pre>
 * java -jar telco-integration-hub.jar [--config=FILE] [--clean] [--data-dir=DIR] [CAMEL-MAIN-ARGS]
 * java -jar telco-integration-hub.jar backup --to=DIR    [--config=FILE] [--data-dir=DIR]
 * java -jar telco-integration-hub.jar restore --from=DIR [--config=FILE] [--data-dir=DIR]
 * java -jar telco-integration-hub.jar recover            [--config=FILE] [--data-dir=DIR]
 * java -jar telco-integration-hub.jar migrate            [--config=FILE] (as the owner role)
 * java -jar telco-integration-hub.jar audit-maintenance [--seals=FILE] [--config=FILE]
 * java -jar telco-integration-hub.jar dlq COMMAND ...     (the dead-letter command line)
 * java -jar telco-integration-hub.jar consistency COMMAND ... (reconciliation, drift, resync)
 * java -jar telco-integration-hub.jar erasure COMMAND ...     (erasure requests, the DPO's report)
 * java -jar telco-integration-hub.jar audit COMMAND ...       (verify the audit trail, list entries)
 * java -jar telco-integration-hub.jar hash-password      (a bcrypt hash for hub.auth.users)
 * java -jar telco-integration-hub.jar [COMMAND] --help
 * </pre>
 */
@Command(
    name = "java -jar telco-integration-hub.jar",
    customSynopsis = {
      "java -jar telco-integration-hub.jar [--config=FILE] [--clean]",
      "         [--data-dir=DIR] [CAMEL-MAIN-ARGUMENTS...]",
      "   or: java -jar telco-integration-hub.jar COMMAND [OPTIONS] (COMMAND --help)"
    },
    description = {
      "Starts the Telco Integration Hub (Camel Main); with no configuration the embedded default"
          + " (its own PostgreSQL, Kafka and Artemis in the data directory, sample data)."
          + " Arguments it does not know are passed on to Camel Main.",
      "With a command: the hub's maintenance (backup, restore, recover: with the hub stopped;"
          + " migrate, audit-maintenance: the owner's and the maintenance role's short jobs), or"
          + " a client of a running hub's management API (dlq, consistency, erasure, audit)."
    },
    exitCodeListHeading = "%nExit codes (each command's --help says what its codes mean):%n",
    exitCodeList = {
      "0:done (the hub: stopped)",
      "1:failed",
      "2:usage (an unknown option, a bad value, a missing argument), or a configuration the"
          + " embedded default refuses",
      "3:not signed in or not allowed",
      "4:not found",
      "5:conflict",
      "6:the hub (or a system behind it) unavailable",
      "7:invalid request"
    })
public final class HubMain implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(HubMain.class);

  /** Where the configuration and the embedded default's state are (a picocli mixin). */
  static final class LaunchOptions {
    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = "Properties file; overrides the defaults (default: $HUB_CONFIG; see README).")
    Path config;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "Embedded default: where state lives (default ./data).")
    String dataDir;

    /**
     * The settings as the launcher sees them: these options, else those given before the command
     * ({@code outer}), else $HUB_CONFIG. --data-dir becomes system property hub.embedded.data-dir.
     */
    LaunchProperties properties(LaunchOptions outer) {
      Path file = config != null ? config : outer != null ? outer.config : null;
      String dir = dataDir != null ? dataDir : outer != null ? outer.dataDir : null;
      Properties system = System.getProperties();
      if (dir != null) {
        system.setProperty("hub.embedded.data-dir", dir);
      }
      if (file == null && System.getenv("HUB_CONFIG") != null) {
        file = Path.of(System.getenv("HUB_CONFIG"));
      }
      return new LaunchProperties(file, System.getenv(), system);
    }
  }

  @Mixin LaunchOptions launch;

  @Option(
      names = "--clean",
      description = "Embedded default: delete the data directory and start empty.")
  boolean clean;

  @Option(
      names = "--dev",
      description =
          "Development mode: route files and mappings edited on disk are picked up without a"
              + " restart (a mapping only when it compiles and its fixtures pass). Never in"
              + " production.")
  boolean dev;

  @Unmatched List<String> camelArgs = new ArrayList<>();

  private final CliContext context;
  private boolean hubRan;

  HubMain(CliContext context) {
    this.context = context;
  }

  public static void main(String[] args) {
    HubMain hub = new HubMain(CliContext.system());
    int code = commandLine(hub).execute(args);
    if (hub.hubRan && code == 0) {
      return; // as ever: the JVM ends once Camel and the embedded servers have stopped
    }
    System.exit(code);
  }

  /**
   * The jar's command line: the hub, its maintenance commands and the API's clients. Only the hub
   * itself passes arguments it does not know on to Camel Main; every command refuses them.
   */
  static CommandLine commandLine(HubMain hub) {
    CommandLine cmd = new CommandLine(hub);
    for (Object group : HubCli.commands(hub.context)) {
      cmd.addSubcommand(group);
    }
    cmd.addSubcommand(new HashPasswordCommand());
    List<CommandLine> maintenance =
        List.of(
            new CommandLine(new MaintenanceCommands.Backup(hub)),
            new CommandLine(new MaintenanceCommands.Restore(hub)),
            new CommandLine(new MaintenanceCommands.Recover(hub)),
            new CommandLine(new MaintenanceCommands.Migrate(hub)),
            new CommandLine(new MaintenanceCommands.AuditMaintenanceCommand(hub)));
    maintenance.forEach(cmd::addSubcommand);
    cmd.getSubcommands().values().forEach(sub -> sub.setUnmatchedArgumentsAllowed(false));
    HubCli.configure(cmd, hub.context);
    // a backup or restore the hub refuses (a directory not empty, a damaged backup, the data
    // directory in use) is a usage error; anything else failed
    maintenance.forEach(
        m ->
            m.setExitCodeExceptionMapper(
                e -> e instanceof IllegalStateException ? HubCli.USAGE : HubCli.FAILED));
    return cmd;
  }

  CliContext context() {
    return context;
  }

  /**
   * Development mode: Camel's route reload watches the routes directory (only the changed file's
   * routes are reloaded, so the declared sinks' routes stay); the mappings are reloaded by the
   * mapping area ({@code MappingReloader}).
   */
  private void devMode(Settings settings, Properties overrides) {
    String routes = settings.get(HubSettings.ROUTES_LOCATION);
    if (!routes.startsWith("file:")) {
      LOG.warn(
          "development mode: routes are reloaded only from a directory (hub.routes.location=file:...),"
              + " not from {}",
          routes);
      return;
    }
    overrides.setProperty("camel.main.routes-reload-enabled", "true");
    overrides.setProperty("camel.main.routes-reload-directory", routes.substring("file:".length()));
    overrides.setProperty("camel.main.routes-reload-directory-recursive", "true");
    overrides.setProperty("camel.main.routes-reload-pattern", "*.yaml");
    overrides.setProperty("camel.main.routes-reload-remove-all-routes", "false");
    LOG.info("development mode: routes in {} are reloaded when they change", routes);
  }

  /** Starts the hub and runs it until it is stopped. */
  @Override
  public Integer call() throws Exception {
    hubRan = true;
    Instant started = Instant.now();
    if (dev) {
      System.setProperty(HubSettings.DEV.key(), "true");
    }
    LaunchProperties props = launch.properties(null);
    Settings settings = props.settings();
    boolean clean = this.clean || settings.get(HubSettings.EMBEDDED_CLEAN);

    Main main =
        new Main() {
          @Override
          protected CamelContext createCamelContext() {
            CamelContext camel = super.createCamelContext();
            // route files, sinks and mappings in the jar found from its directory of entries
            JarIndexResourceResolver resolver = new JarIndexResourceResolver();
            resolver.setCamelContext(camel);
            camel
                .getCamelContextExtension()
                .addContextPlugin(PackageScanResourceResolver.class, resolver);
            return camel;
          }
        };
    // the --config file's keys win over the built-in defaults, for placeholders and for Camel's
    // own camel.* settings alike; a system property or environment variable still wins over the
    // file
    Properties overrides = props.fileOverrides();
    EmbeddedInfrastructure infrastructure = null;
    if (settings.get(HubSettings.EMBEDDED_ENABLED)) {
      try {
        infrastructure = EmbeddedInfrastructure.start(settings, clean);
      } catch (IllegalStateException e) {
        context.err().println("telco-integration-hub: " + e.getMessage());
        return HubCli.USAGE;
      }
      overrides.putAll(infrastructure.connectionProperties());
    }
    if (settings.get(HubSettings.DEV)) {
      devMode(settings, overrides);
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
    return HubCli.OK;
  }
}
