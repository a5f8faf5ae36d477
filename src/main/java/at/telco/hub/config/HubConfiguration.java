package at.telco.hub.config;

import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.CustomerEvents;
import at.telco.hub.crm.CrmChangePoller;
import at.telco.hub.crm.CrmDataQuality;
import at.telco.hub.deadletter.DeadLetters;
import at.telco.hub.deadletter.FailureCounter;
import at.telco.hub.health.ArtemisHealthCheck;
import at.telco.hub.health.DatabaseHealthCheck;
import at.telco.hub.health.KafkaClusterHealthCheck;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.kafka.KafkaBatches;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Languages;
import at.telco.hub.mapping.MappingFunctions;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.observe.Observations;
import at.telco.hub.observe.PrometheusConventions;
import at.telco.hub.observe.Tracing;
import at.telco.hub.support.HubMetrics;
import at.telco.hub.support.PublishBatch;
import at.telco.hub.support.SourceOutages;
import at.telco.hub.target.TargetStates;
import at.telco.hub.target.billing.BillingCustomerWriter;
import at.telco.hub.target.customerdb.CustomerDbWriter;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.flywaydb.core.Flyway;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/**
 * Wires the hub's core into a CamelContext from its settings: connection pools, the hub database's
 * migrations, the identity registry, the mappings of {@code transformers/}, the target writers,
 * dead letters, health checks and metrics. Knows nothing of the Camel Main launcher or of the
 * embedded servers, so the same core runs wherever a CamelContext does.
 */
public class HubConfiguration implements CamelConfiguration {

  @Override
  public void configure(CamelContext context) throws Exception {
    Settings settings = new Settings(k -> context.getPropertiesComponent().resolveProperty(k));
    Registry registry = context.getRegistry();
    Clock clock = Clock.systemUTC();
    registry.bind("hubClock", clock);

    // the registry camel-micrometer-prometheus serves on /observe/metrics (it may exist already)
    MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
    if (meters == null) {
      meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry.bind("metricsRegistry", meters);
    }
    // before any meter is registered: Camel's, the JVM's and the hub's alike
    meters.config().meterFilter(new PrometheusConventions());
    // bound here rather than through camel.metrics.binders, so the conventions apply to it
    new ProcessorMetrics().bindTo(meters);
    HubMetrics metrics = new HubMetrics(meters);
    registry.bind("hubMetrics", metrics);

    // spans over the route hops, only when an OTLP endpoint is configured
    Tracing.install(context, settings);

    HikariDataSource hub = DataSources.create(settings, "hubdb", null);
    HikariDataSource crm = DataSources.create(settings, "crm", null);
    // billing's sessions run in Vienna local time; so must every session that writes there
    HikariDataSource billing =
        DataSources.create(settings, "billing", "SET TIME ZONE 'Europe/Vienna'");
    HikariDataSource customerdb = DataSources.create(settings, "customerdb", null);
    registry.bind("hubDataSource", hub);
    registry.bind("crmDataSource", crm);
    registry.bind("billingDataSource", billing);
    registry.bind("customerDbDataSource", customerdb);

    if (settings.getBoolean("hub.hubdb.migrate", true)) {
      migrate(hub);
    }

    IdentityRegistry identities = new IdentityRegistry(hub);
    TargetStates states = new TargetStates(hub);
    registry.bind("identityRegistry", identities);
    registry.bind("targetStates", states);

    CanonicalSchemas schemas = new CanonicalSchemas();
    registry.bind("canonicalSchemas", schemas);
    Languages languages =
        Languages.parse(settings.get("hub.mapping.language-locales", Languages.DEFAULT_MAPPING));
    String location = settings.get("hub.transformers.location", "classpath:transformers");
    Mappings mappings =
        new Mappings(
            name -> {
              Resource r =
                  PluginHelper.getResourceLoader(context)
                      .resolveResource(location + "/" + name + ".jslt");
              if (r == null || !r.exists()) {
                throw new java.io.FileNotFoundException(location + "/" + name + ".jslt");
              }
              return new InputStreamReader(r.getInputStream(), StandardCharsets.UTF_8);
            },
            MappingFunctions.all(languages));
    registry.bind("mappings", mappings);
    HubTransformers.register(context, mappings, new CustomerEvents(clock), schemas);

    registry.bind(
        "crmChangePoller",
        new CrmChangePoller(
            crm, identities, metrics, settings.getInt("hub.crm.poll.batch-size", 500)));
    KeyHash keyHash = keyHash(settings);
    registry.bind("keyHash", keyHash);
    registry.bind("crmDataQuality", new CrmDataQuality(hub, metrics, keyHash));
    CustomerDbWriter customerDbWriter =
        new CustomerDbWriter(customerdb, identities, metrics, clock);
    registry.bind("customerDbWriter", customerDbWriter);
    registry.bind(
        "billingCustomerWriter",
        new BillingCustomerWriter(billing, states, identities, customerDbWriter, metrics, clock));
    registry.bind("kafkaBatches", new KafkaBatches(context));
    registry.bind("publishBatch", new PublishBatch());
    registry.bind("sourceOutages", new SourceOutages());
    registry.bind("deadLetters", new DeadLetters(hub, metrics, clock, keyHash));
    registry.bind("failureCounter", new FailureCounter(clock));

    ActiveMQConnectionFactory artemis =
        new ActiveMQConnectionFactory(
            settings.get("hub.artemis.url"),
            settings.optional("hub.artemis.username").orElse(null),
            emptyToNull(settings.secret("hub.artemis.password")));
    JmsPoolConnectionFactory pooled = new JmsPoolConnectionFactory();
    pooled.setConnectionFactory(artemis);
    pooled.setMaxConnections(settings.getInt("hub.artemis.pool-size", 4));
    registry.bind("artemisConnectionFactory", pooled);

    Properties adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get("hub.kafka.brokers"));
    adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
    adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "telco-hub-admin");
    Admin admin = Admin.create(adminProps);
    registry.bind("kafkaAdmin", admin);
    int replication = settings.getInt("hub.kafka.topics.replication-factor", 1);
    if (settings.getBoolean("hub.kafka.topics.create", true)) {
      KafkaTopics.ensure(
          admin,
          List.of(settings.get("hub.kafka.topic.customer")),
          settings.getInt("hub.kafka.topics.partitions", 6),
          (short) replication,
          settings.getInt("hub.kafka.topics.min-insync-replicas", replication >= 3 ? 2 : 1));
    }

    HealthCheckRegistry health = HealthCheckRegistry.get(context);
    health.register(new DatabaseHealthCheck("hub", hub));
    health.register(new DatabaseHealthCheck("crm", crm));
    health.register(new DatabaseHealthCheck("billing", billing));
    health.register(new DatabaseHealthCheck("customerdb", customerdb));
    health.register(new ArtemisHealthCheck(pooled));
    health.register(new KafkaClusterHealthCheck(admin));

    // what operations watch (metrics and health details); each flow registers what it owns
    Observations observations =
        new Observations(
            context,
            meters,
            clock,
            Duration.ofMillis(settings.getInt("hub.observe.interval-ms", 10000)));
    registry.bind("hubObservations", observations);
    context.addService(observations, true, false);
    observations.healthAsMetrics();
    observations.deadLetters(
        hub,
        List.of("canonical-customer", "customerdb", "billing"),
        settings.getInt("hub.observe.dead-letters.attention-above", 10));
    // flow 1: the CRM change log and the two targets of canonical.customer.v1
    observations.backlog(
        "crm.change_log",
        crm,
        "SELECT count(*), min(changed_at) FROM crm.change_log WHERE processed_at IS NULL");
    String customerTopic = settings.get("hub.kafka.topic.customer");
    observations.consumerLag(
        admin, "customerdb", settings.get("hub.target.customerdb.group"), customerTopic);
    observations.consumerLag(
        admin, "billing", settings.get("hub.target.billing.group"), customerTopic);
  }

  /**
   * The secret of the business-key hashes in the logs: {@code hub.log.key-hash-secret} or {@code
   * -file} (the embedded default keeps one in its data directory). Without one the hub makes up a
   * secret for this run only, so the hashes cannot be compared across restarts.
   */
  private static KeyHash keyHash(Settings settings) {
    String secret = settings.secret("hub.log.key-hash-secret");
    if (secret.isEmpty()) {
      org.slf4j.LoggerFactory.getLogger(HubConfiguration.class)
          .warn(
              "hub.log.key-hash-secret(-file) is not set: business keys in the logs are hashed with"
                  + " a secret of this run only");
      secret = KeyHash.newSecret();
    }
    return KeyHash.of(secret);
  }

  private static void migrate(HikariDataSource hub) {
    Flyway.configure()
        .dataSource(hub)
        .schemas("hub")
        .defaultSchema("hub")
        .locations("classpath:db/hub")
        // features are developed in parallel with their own version ranges (README, Development)
        .outOfOrder(true)
        .connectRetries(30)
        .load()
        .migrate();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
