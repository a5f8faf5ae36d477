package at.telco.hub;

import at.telco.hub.api.ApiSecurity;
import at.telco.hub.api.ApiUsers;
import at.telco.hub.api.ConsoleResources;
import at.telco.hub.api.ManagementApi;
import at.telco.hub.api.OidcTokens;
import at.telco.hub.api.RateLimits;
import at.telco.hub.audit.AuditChain;
import at.telco.hub.audit.AuditMaintenance;
import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.deadletter.BulkReplays;
import at.telco.hub.deadletter.DeadLetterQueue;
import at.telco.hub.deadletter.DeadLetterSearch;
import at.telco.hub.deadletter.DeadLetterWorkbench;
import at.telco.hub.deadletter.DeadLetters;
import at.telco.hub.deadletter.FailureCounter;
import at.telco.hub.erasure.DeadLetterRetention;
import at.telco.hub.erasure.ErasureQueues;
import at.telco.hub.erasure.Erasures;
import at.telco.hub.erasure.Tombstones;
import at.telco.hub.identity.BillingAccountIdentities;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Languages;
import at.telco.hub.mapping.MappingFunctions;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.observe.Observations;
import at.telco.hub.observe.PrometheusConventions;
import at.telco.hub.observe.Tracing;
import at.telco.hub.platform.ArtemisHealthCheck;
import at.telco.hub.platform.DataSources;
import at.telco.hub.platform.DatabaseHealthCheck;
import at.telco.hub.platform.KafkaClients;
import at.telco.hub.platform.KafkaClusterHealthCheck;
import at.telco.hub.platform.KafkaTopics;
import at.telco.hub.provisioning.Barring;
import at.telco.hub.provisioning.ProvisioningCommands;
import at.telco.hub.provisioning.ProvisioningHealthCheck;
import at.telco.hub.settings.Settings;
import at.telco.hub.sink.DeadLetterSupersession;
import at.telco.hub.sink.KafkaBatches;
import at.telco.hub.sink.TargetStates;
import at.telco.hub.sink.billing.BillingCustomerWriter;
import at.telco.hub.sink.crm.CrmNotes;
import at.telco.hub.sink.customerdb.BillingAccountWriter;
import at.telco.hub.sink.customerdb.CustomerDbWriter;
import at.telco.hub.sink.customerdb.ServiceWriter;
import at.telco.hub.source.Parking;
import at.telco.hub.source.PollPacing;
import at.telco.hub.source.PublishBatch;
import at.telco.hub.source.SourceOutages;
import at.telco.hub.source.billing.BillingEventPoller;
import at.telco.hub.source.billing.BillingEvents;
import at.telco.hub.source.crm.CrmChangePoller;
import at.telco.hub.source.crm.CrmDataQuality;
import at.telco.hub.source.crm.CustomerEvents;
import at.telco.hub.source.network.NetworkInventory;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
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

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(HubConfiguration.class);

  @Override
  public void configure(CamelContext context) throws Exception {
    Settings settings = new Settings(k -> context.getPropertiesComponent().resolveProperty(k));
    // the source routes' scheduler: a few ms between polls under load, idle-interval-ms when idle
    PollPacing.derive(context.getPropertiesComponent(), settings, "hub.crm.poll");
    PollPacing.derive(context.getPropertiesComponent(), settings, "hub.billing.poll");
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

    // every hub connection names its writer: the audit trail's segments are per writer and day
    HikariDataSource hub =
        DataSources.create(
            settings, "hubdb", "SET hub.audit_writer = '" + auditWriter(settings) + "'");
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
      migrateAsOwner(settings, hub);
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
    HubTransformers.register(
        context, mappings, new CustomerEvents(clock), new BillingEvents(clock), clock, schemas);

    registry.bind(
        "crmChangePoller",
        new CrmChangePoller(
            crm, identities, metrics, settings.getInt("hub.crm.poll.batch-size", 500)));
    KeyHash keyHash = keyHash(settings);
    registry.bind("keyHash", keyHash);
    registry.bind("crmDataQuality", new CrmDataQuality(hub, metrics, keyHash));
    DeadLetterSupersession supersession = new DeadLetterSupersession(hub);
    CustomerDbWriter customerDbWriter =
        new CustomerDbWriter(customerdb, identities, metrics, clock, supersession);
    registry.bind("customerDbWriter", customerDbWriter);
    registry.bind(
        "billingCustomerWriter",
        new BillingCustomerWriter(
            billing, states, identities, customerDbWriter, metrics, clock, supersession));
    registry.bind("kafkaBatches", new KafkaBatches(context, metrics));

    // flows 2-4: billing accounts and bills, dunning to barring, network inventory
    BillingAccountIdentities billingAccounts = new BillingAccountIdentities(hub);
    registry.bind("billingAccountIdentities", billingAccounts);
    Parking parking =
        new Parking(
            pooledArtemis(settings),
            settings.get("hub.parking.queue", "PARK.network-inventory"),
            Duration.parse(settings.get("hub.parking.max-time", "PT1H")),
            Duration.parse(settings.get("hub.parking.first-delay", "PT5S")),
            Duration.parse(settings.get("hub.parking.max-delay", "PT5M")));
    registry.bind("parking", parking);
    registry.bind(
        "billingEventPoller",
        new BillingEventPoller(
            billing,
            identities,
            billingAccounts,
            parking,
            metrics,
            settings.getInt("hub.billing.poll.batch-size", 500)));
    registry.bind(
        "billingAccountWriter", new BillingAccountWriter(customerdb, states, metrics, clock));
    registry.bind("serviceWriter", new ServiceWriter(customerdb, states, metrics, clock));
    CrmNotes crmNotes = new CrmNotes(crm, metrics);
    registry.bind("crmNotes", crmNotes);
    Barring barring =
        new Barring(
            new ProvisioningCommands(hub, customerdb),
            crmNotes,
            metrics,
            clock,
            Duration.parse(settings.get("hub.provisioning.overdue-after", "PT10M")));
    barring.keyHash(keyHash);
    registry.bind("barring", barring);
    registry.bind("networkInventory", new NetworkInventory(billingAccounts, parking, clock));
    registry.bind("publishBatch", new PublishBatch());
    registry.bind("sourceOutages", new SourceOutages());
    registry.bind("deadLetters", new DeadLetters(hub, metrics, clock, keyHash));
    registry.bind("failureCounter", new FailureCounter(clock));

    registry.bind("artemisConnectionFactory", pooledArtemis(settings));

    workbench(context, settings, registry, hub, pooledArtemis(settings), schemas, clock);

    // Kafka: bootstrap servers and security (SASL, SSL) for Camel's component and the hub's own
    // clients alike
    KafkaClients kafkaClients = KafkaClients.of(settings);
    registry.bind("kafkaClients", kafkaClients);
    kafkaClients.configure(context.getComponent("kafka", KafkaComponent.class).getConfiguration());
    if (kafkaClients.secured()) {
      org.slf4j.LoggerFactory.getLogger(HubConfiguration.class)
          .info("Kafka clients: {}", kafkaClients); // secrets masked
    }
    Properties adminProps = kafkaClients.asProperties();
    adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
    adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "telco-hub-admin");
    Admin admin = Admin.create(adminProps);
    registry.bind("kafkaAdmin", admin);
    int replication = settings.getInt("hub.kafka.topics.replication-factor", 1);
    if (settings.getBoolean("hub.kafka.topics.create", true)) {
      KafkaTopics.ensure(
          admin,
          List.of(
              settings.get("hub.kafka.topic.customer"),
              settings.get("hub.kafka.topic.billing"),
              settings.get("hub.kafka.topic.service")),
          settings.getInt("hub.kafka.topics.partitions", 6),
          (short) replication,
          settings.getInt("hub.kafka.topics.min-insync-replicas", replication >= 3 ? 2 : 1),
          // the network keeps no state the hub can read: the canonical service topic is its
          // history, kept for a rebuild of customerdb.service (Resync.replayServices)
          java.util.Map.of(
              settings.get("hub.kafka.topic.service"),
              java.util.Map.of(
                  "retention.ms", settings.get("hub.kafka.topic.service.retention-ms", "-1")),
              settings.get("hub.kafka.topic.customer"),
              customerTopicConfig(settings)));
      // also a customer topic created before it was compacted
      KafkaTopics.align(
          admin,
          java.util.Map.of(
              settings.get("hub.kafka.topic.customer"), customerTopicConfig(settings)));
    }

    HealthCheckRegistry health = HealthCheckRegistry.get(context);
    health.register(new DatabaseHealthCheck("hub", hub, true));
    health.register(new DatabaseHealthCheck("crm", crm));
    health.register(new DatabaseHealthCheck("billing", billing));
    health.register(new DatabaseHealthCheck("customerdb", customerdb));
    health.register(new ArtemisHealthCheck(pooledArtemis(settings)));
    health.register(new ProvisioningHealthCheck(barring));
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
    List<String> deadLetterTargets =
        List.of(
            "canonical-customer",
            "canonical-billing",
            "canonical-service",
            "customerdb",
            "billing",
            "customerdb.billing_account",
            "customerdb.service",
            "crm.activity",
            "network-inventory",
            "network-provisioning");
    observations.deadLetters(
        hub, deadLetterTargets, settings.getInt("hub.observe.dead-letters.attention-above", 10));
    deadLetterTargets.forEach(metrics::declareDeadLetterTarget);
    // the polled source tables
    observations.backlog(
        "crm.change_log",
        crm,
        "SELECT count(*), min(changed_at) FROM crm.change_log WHERE processed_at IS NULL");
    // billing writes local (Vienna) time: the age is computed in its session's time zone
    observations.backlog(
        "billing.event_out",
        billing,
        "SELECT count(*), coalesce(extract(epoch FROM localtimestamp - min(created_at)), 0)"
            + " FROM billing.event_out WHERE picked_up_at IS NULL");
    // every consumer group: the targets of the canonical topics, and the network's topics
    String customerTopic = settings.get("hub.kafka.topic.customer");
    String billingTopic = settings.get("hub.kafka.topic.billing");
    String serviceTopic = settings.get("hub.kafka.topic.service");
    observations.consumerLag(
        admin, "customerdb", settings.get("hub.target.customerdb.group"), customerTopic);
    observations.consumerLag(
        admin, "billing", settings.get("hub.target.billing.group"), customerTopic);
    observations.consumerLag(
        admin,
        "customerdb.billing_account",
        settings.get("hub.target.billing-account.group"),
        billingTopic);
    observations.consumerLag(
        admin, "crm.activity", settings.get("hub.target.crm-notes.group"), billingTopic);
    observations.consumerLag(
        admin, "network-provisioning", settings.get("hub.target.barring.group"), billingTopic);
    observations.consumerLag(
        admin, "customerdb.service", settings.get("hub.target.service.group"), serviceTopic);
    observations.consumerLag(
        admin,
        "network-inventory",
        settings.get("hub.network.inventory.group"),
        settings.get("hub.network.topic.inventory"));
    observations.consumerLag(
        admin,
        "provisioning-results",
        settings.get("hub.network.results.group"),
        settings.get("hub.network.topic.results"));
    // network events whose billing account is not known yet, and the barring commands
    observations.parkingQueue(
        settings.get("hub.parking.queue", "PARK.network-inventory"), pooledArtemis(settings));
    observations.provisioningCommands(barring::counts);

    // flow 5: the right to erasure
    ErasureQueues erasureQueues =
        new ErasureQueues(
            pooledArtemis(settings),
            settings.get("hub.dead-letter.queue-prefix", "DLQ."),
            settings.get("hub.parking.queue", "PARK.network-inventory"));
    Erasures erasures =
        new Erasures(
            hub,
            customerdb,
            billing,
            erasureQueues,
            new Tombstones(context, "direct:erasure-tombstone"),
            clock,
            settings.getInt("hub.erasure.batch-size", 50));
    registry.bind("erasures", erasures);
    registry.bind("erasureApi", new at.telco.hub.api.ErasureApi(erasures));
    registry.bind(
        "deadLetterRetention",
        new DeadLetterRetention(
            hub,
            Duration.parse(settings.get("hub.dead-letter.retention", "P30D")),
            settings.getInt("hub.dead-letter.purge-batch-size", 500),
            clock));
  }

  /**
   * The canonical customer topic is compacted (flow 5): its events are customer states keyed by CRM
   * account, so the newest per key is all a consumer needs; an erasure publishes a tombstone for
   * the key, and compaction removes every earlier event of the customer within the maximum
   * compaction lag (segments roll at least that often), the tombstone itself after the delete
   * retention.
   */
  private static java.util.Map<String, String> customerTopicConfig(Settings settings) {
    String lag = settings.get("hub.kafka.topic.customer.max-compaction-lag-ms", "86400000");
    return java.util.Map.of(
        "cleanup.policy",
        "compact",
        "max.compaction.lag.ms",
        lag,
        "segment.ms",
        lag,
        "delete.retention.ms",
        settings.get("hub.kafka.topic.customer.delete-retention-ms", "86400000"));
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

  private JmsPoolConnectionFactory artemis;

  /** One pooled Artemis connection factory for everything the hub sends and receives. */
  private JmsPoolConnectionFactory pooledArtemis(Settings settings) {
    if (artemis == null) {
      ActiveMQConnectionFactory factory =
          new ActiveMQConnectionFactory(
              settings.get("hub.artemis.url"),
              settings.optional("hub.artemis.username").orElse(null),
              emptyToNull(settings.secret("hub.artemis.password")));
      artemis = new JmsPoolConnectionFactory();
      artemis.setConnectionFactory(factory);
      artemis.setMaxConnections(settings.getInt("hub.artemis.pool-size", 4));
    }
    return artemis;
  }

  /**
   * The dead-letter workbench and the management API: users and their roles, the gate in front of
   * /api/ on the business HTTP port, search, replay, bulk replay, audit trail, the queue purge and
   * the console.
   */
  private static void workbench(
      CamelContext context,
      Settings settings,
      Registry registry,
      HikariDataSource hub,
      JmsPoolConnectionFactory artemis,
      CanonicalSchemas schemas,
      Clock clock)
      throws Exception {
    ApiUsers users = new ApiUsers(hub, settings, clock);
    registry.bind("apiUsers", users);
    users
        .bootstrapAdmin(settings.secret("hub.admin.password"))
        .ifPresent(
            password ->
                System.out.println(
                    "\n  The management API's user 'admin' was created with the password\n\n      "
                        + password
                        + "\n\n  It is shown this once. Sign in at /console/ and change it, or set"
                        + " HUB_ADMIN_PASSWORD\n  before the first start. (hub database table"
                        + " hub.api_user)\n"));
    ApiSecurity security = new ApiSecurity(context, users);
    registry.bind("apiSecurity", security);
    OidcTokens.fromSettings(settings).ifPresent(security::acceptJwts);
    security.limitRates(RateLimits.fromSettings(settings));
    if (settings.getBoolean("camel.server.enabled", true)) {
      int port = settings.getInt("camel.server.port", 8080);
      // platform-http consumers must find the business server's router; with a second server
      // (management, port 9876) the engine cannot tell which one it is and falls back to 8080.
      // The gate goes in front of /api/ when the first consumer is created: after the server is
      // up, before any route answers.
      VertxPlatformHttpEngine engine =
          new VertxPlatformHttpEngine() {
            @Override
            public int getServerPort() {
              return port;
            }

            @Override
            public PlatformHttpConsumer createConsumer(
                PlatformHttpEndpoint endpoint, Processor processor) {
              security.installOnce(port);
              return super.createConsumer(endpoint, processor);
            }
          };
      engine.setCamelContext(context);
      registry.bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, engine);
    }
    DeadLetterSearch search = new DeadLetterSearch(hub, clock);
    AuditTrail audit = new AuditTrail(hub);
    DeadLetterWorkbench workbench =
        new DeadLetterWorkbench(
            context,
            hub,
            schemas,
            Duration.ofSeconds(settings.getInt("hub.dead-letter.replay-timeout-s", 300)),
            registry.lookupByNameAndType("hubMetrics", HubMetrics.class));
    String instance =
        settings.get(
            "hub.instance-id", hostName() + ":" + settings.get("camel.server.port", "8080"));
    BulkReplays bulk =
        new BulkReplays(
            hub,
            workbench,
            context
                .getExecutorServiceManager()
                .newFixedThreadPool(BulkReplays.class, "bulk-replay", 2),
            instance);
    bulk.interruptLeftovers();
    registry.bind("deadLetterWorkbench", workbench);
    registry.bind("bulkReplays", bulk);
    registry.bind("auditTrail", audit);
    security.auditWith(audit, registry.lookupByNameAndType("keyHash", KeyHash.class));
    HikariDataSource auditMaintenance =
        settings.optional("hub.audit.maintenance.username").isPresent()
            ? DataSources.create(settings, "audit.maintenance", null)
            : null;
    AuditChain chain = new AuditChain(hub, auditMaintenance);
    registry.bind("auditChain", chain);
    String retention = settings.get("hub.audit.retention", "");
    context.addService(
        new AuditMaintenance(
            context,
            chain,
            audit,
            retention.isBlank() ? null : Period.parse(retention),
            Duration.ofMillis(settings.getInt("hub.audit.maintenance-interval-ms", 3_600_000))),
        true,
        false);
    registry.bind(
        "deadLetterQueue",
        new DeadLetterQueue(
            hub,
            artemis,
            settings.get("hub.dead-letter.queue-prefix", "DLQ."),
            settings.getInt("hub.dead-letter.purge-batch-size", 500)));
    registry.bind(
        "managementApi", new ManagementApi(users, security, search, workbench, bulk, audit, chain));
    registry.bind("consoleResources", new ConsoleResources());
  }

  /** The audit trail's writer: the instance id (quotes removed, it goes into a SET). */
  static String auditWriter(Settings settings) {
    String id =
        settings.get(
            "hub.instance.id",
            settings.get(
                "hub.instance-id", hostName() + ":" + settings.get("camel.server.port", "8080")));
    return id.replaceAll("[^A-Za-z0-9._:@-]", "_");
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "hub";
    }
  }

  /**
   * The hub database as the owner of its schema and tables ({@code hub.hubdb.migration.username},
   * password from {@code hub.hubdb.migration.password} or {@code -password-file}, the hub
   * database's URL unless {@code hub.hubdb.migration.jdbc-url}), or null when none is configured.
   */
  public static HikariDataSource migrationDataSource(Settings settings) {
    if (settings.optional("hub.hubdb.migration.username").isEmpty()) {
      return null;
    }
    Settings migration =
        new Settings(
            k ->
                k.equals("hub.hubdb.migration.jdbc-url")
                    ? settings.optional(k).or(() -> settings.optional("hub.hubdb.jdbc-url"))
                    // Flyway holds two connections: its lock and the migration
                    : k.equals("hub.hubdb.migration.pool-size")
                        ? Optional.of("2")
                        : settings.optional(k));
    return DataSources.create(migration, "hubdb.migration", null);
  }

  /**
   * Applies the migrations as the owner role, which then owns every hub table while the runtime
   * role ({@code hub.hubdb.username}) gets only the privileges the migrations grant it. Without an
   * owner role configured the runtime role migrates and owns the tables itself: it still works, but
   * then the runtime role could switch the audit trail's triggers off or grant itself back what it
   * gave up, which is said loudly.
   */
  static void migrateAsOwner(Settings settings, HikariDataSource hub) {
    String runtime = settings.get("hub.hubdb.username");
    String owner = settings.optional("hub.hubdb.migration.username").orElse(runtime);
    if (owner.equals(runtime)) {
      LOG.warn(
          "no owner role for the hub database (hub.hubdb.migration.username): the runtime role {}"
              + " runs the migrations and owns the hub's tables, so the audit trail is NOT"
              + " protected from the hub's own role (it could disable the append-only triggers or"
              + " grant itself UPDATE and DELETE); see deploy/README.md, Database roles",
          runtime);
      migrate(hub, runtime, null);
      return;
    }
    try (HikariDataSource migration = migrationDataSource(settings)) {
      migrate(migration, runtime, null);
    }
    LOG.info(
        "hub database migrated as its owner role {}; the hub runs as {}, which does not own it",
        owner,
        runtime);
  }

  /**
   * Brings the hub database's schema to {@code target} (a migration version), or to the latest for
   * null, as the data source's user (who then owns what the migrations create); the runtime role is
   * whoever runs the hub unless {@link #migrate(javax.sql.DataSource, String, String)} names it.
   */
  public static void migrate(javax.sql.DataSource hub, String target) {
    migrate(hub, null, target);
  }

  /**
   * Brings the hub database's schema to {@code target} (a migration version), or to the latest for
   * null, as the data source's user; {@code runtimeRole} (null or the same user: none) is granted
   * what the hub needs at run time.
   */
  public static void migrate(javax.sql.DataSource hub, String runtimeRole, String target) {
    var config =
        Flyway.configure()
            .dataSource(hub)
            .schemas("hub")
            .defaultSchema("hub")
            .locations("classpath:db/hub")
            // V61: the runtime role the migrations grant to (empty: the migrating user itself)
            .placeholders(Map.of("hub_runtime_role", runtimeRole == null ? "" : runtimeRole))
            // features are developed in parallel with their own version ranges (README,
            // Development)
            .outOfOrder(true)
            .connectRetries(30);
    if (target != null) {
      config.target(target);
    }
    config.load().migrate();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
