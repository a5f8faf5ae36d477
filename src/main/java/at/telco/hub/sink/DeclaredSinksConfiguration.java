package at.telco.hub.sink;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.observe.Observations;
import at.telco.hub.platform.DataSources;
import at.telco.hub.platform.DatabaseHealthCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The declared sinks ({@code sinks/*.yaml} of {@code hub.sinks.location}): each declaration becomes
 * a writer ({@link SinkWriter}, with the steps it names, which earlier areas bound), a route from
 * the template {@code sink}, its dead-letter queue, its consumer lag and dead-letter depth in the
 * observations, and, for a database of its own, a connection pool and a readiness check. Runs after
 * the areas that bind the steps.
 *
 * <p>Binds {@code sinks} (which Camel also asks for the routes to create) and {@code sink.<name>}
 * for each writer.
 */
public class DeclaredSinksConfiguration extends AreaConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(DeclaredSinksConfiguration.class);

  /** The data source beans of the databases the hub knows, by the name a declaration gives. */
  private static final Map<String, String> KNOWN =
      Map.of(
          "crm", "crmDataSource",
          "billing", "billingDataSource",
          "customerdb", "customerDbDataSource",
          "hub", "hubDataSource");

  @Override
  protected void wire() throws Exception {
    Sinks sinks = bind("sinks", new Sinks());
    Observations observations = bean("hubObservations", Observations.class);
    Admin admin = bean("kafkaAdmin", Admin.class);
    int defaultBatch = settings.get(HubSettings.TARGET_BATCH_SIZE);
    for (SinkDeclaration sink : declarations()) {
      List<SinkStep> steps = new ArrayList<>();
      for (String step : sink.steps()) {
        SinkStep s = registry.lookupByNameAndType(step, SinkStep.class);
        if (s == null) {
          throw new IllegalStateException(
              "sink " + sink.name() + " names the step " + step + ", which no area binds");
        }
        steps.add(s);
      }
      SinkWriter writer =
          new SinkWriter(
              sink,
              dataSource(sink),
              bean("targetStates", TargetStates.class),
              bean("mappings", Mappings.class),
              bean("hubMetrics", HubMetrics.class),
              bean("hubClock", Clock.class),
              bean("deadLetterSupersession", DeadLetterSupersession.class),
              steps);
      bean("mappings", Mappings.class).load(sink.mapping());
      sinks.add(writer, sink.batchSize() == null ? defaultBatch : sink.batchSize());
      bind("sink." + sink.name(), writer);
      observations.consumerLag(admin, sink.name(), sink.group(), sink.topic());
      observations.deadLetterTarget(sink.name());
      LOG.info(
          "sink {}: {} -> {} ({})",
          sink.name(),
          sink.topic(),
          String.join(", ", sink.tables().stream().map(SinkDeclaration.Table::name).toList()),
          sink.database().name());
    }
  }

  private DataSource dataSource(SinkDeclaration sink) throws IOException {
    SinkDeclaration.Database db = sink.database();
    if (db.known()) {
      String bean = KNOWN.get(db.name());
      if (bean == null) {
        throw new IllegalStateException(
            "sink "
                + sink.name()
                + ": the hub knows no database "
                + db.name()
                + " (known: "
                + KNOWN.keySet()
                + "); declare jdbcUrl and username for a database of its own");
      }
      return bean(bean, DataSource.class);
    }
    String name = "sinkDataSource." + db.name();
    DataSource existing = registry.lookupByNameAndType(name, DataSource.class);
    if (existing != null) {
      return existing; // two sinks in one database of their own
    }
    String password = "";
    if (db.passwordFile() != null) {
      password = Files.readString(Path.of(db.passwordFile()), StandardCharsets.UTF_8).strip();
    } else if (db.passwordEnv() != null && System.getenv(db.passwordEnv()) != null) {
      password = System.getenv(db.passwordEnv());
    }
    DataSource ds =
        bind(
            name,
            DataSources.create(
                settings, db.name(), db.jdbcUrl(), db.username(), password, 4, null));
    HealthCheckRegistry.get(context).register(new DatabaseHealthCheck(db.name(), ds));
    return ds;
  }

  /** The declarations, in the order of their file names. */
  private List<SinkDeclaration> declarations() throws Exception {
    String location = settings.get(HubSettings.SINKS_LOCATION);
    List<Resource> resources =
        new ArrayList<>(
            PluginHelper.getPackageScanResourceResolver(context)
                .findResources(location + "/*.yaml"));
    resources.sort(Comparator.comparing(Resource::getLocation));
    List<SinkDeclaration> out = new ArrayList<>();
    for (Resource r : resources) {
      String text;
      try (InputStream in = r.getInputStream()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      out.add(SinkDeclaration.parse(r.getLocation(), text, context::resolvePropertyPlaceholders));
    }
    if (out.isEmpty()) {
      LOG.warn("no sink declarations in {}: nothing is written to the targets", location);
    }
    return out;
  }
}
