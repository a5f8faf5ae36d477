package at.telco.hub.consistency;

import at.telco.hub.api.ConsistencyApi;
import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.settings.Settings;
import at.telco.hub.sink.TargetStates;
import at.telco.hub.source.billing.BillingEvents;
import at.telco.hub.source.crm.CustomerEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Registry;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Wires reconciliation, resync, schema drift and the schedule (after {@code HubConfiguration},
 * whose beans it uses): {@code reconciler}, {@code resync}, {@code schemaDrift}, {@code driftGuard}
 * and {@code reconciliationStore} in the registry; the drift guard on every route; Quartz's
 * clustered JDBC job store when {@code hub.schedule.clustered=true}.
 */
public class ConsistencyConfiguration implements CamelConfiguration {

  /** The host name and process id: how logs and reports name this instance by default. */
  static String defaultInstanceId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "hub";
      }
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  @Override
  public void configure(CamelContext context) throws Exception {
    Settings settings = new Settings(k -> context.getPropertiesComponent().resolveProperty(k));
    Registry registry = context.getRegistry();
    DataSource hub = registry.lookupByNameAndType("hubDataSource", DataSource.class);
    DataSource crm = registry.lookupByNameAndType("crmDataSource", DataSource.class);
    DataSource billing = registry.lookupByNameAndType("billingDataSource", DataSource.class);
    DataSource customerdb = registry.lookupByNameAndType("customerDbDataSource", DataSource.class);
    Clock clock = registry.lookupByNameAndType("hubClock", Clock.class);
    Mappings mappings = registry.lookupByNameAndType("mappings", Mappings.class);
    CanonicalSchemas schemas =
        registry.lookupByNameAndType("canonicalSchemas", CanonicalSchemas.class);
    IdentityRegistry identities =
        registry.lookupByNameAndType("identityRegistry", IdentityRegistry.class);
    TargetStates states = registry.lookupByNameAndType("targetStates", TargetStates.class);
    MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);

    ConsistencyMetrics metrics = new ConsistencyMetrics(meters);
    CustomerComparison customers =
        new CustomerComparison(mappings, new CustomerEvents(clock), schemas);
    BillingAccountComparison accounts =
        new BillingAccountComparison(mappings, new BillingEvents(clock), schemas);
    // the same bootstrap servers and security as every other Kafka client of the hub
    Map<String, Object> kafka =
        registry
            .lookupByNameAndType("kafkaClients", at.telco.hub.platform.KafkaClients.class)
            .properties();
    kafka.put(ConsumerConfig.CLIENT_ID_CONFIG, "telco-hub-resync");
    Resync resync =
        new Resync(
            crm,
            billing,
            identities,
            states,
            customers,
            accounts,
            context.createProducerTemplate(),
            kafka,
            settings.get("hub.kafka.topic.service"),
            settings.getInt("hub.resync.chunk-size", 500));
    registry.bind("resync", resync);
    ReconciliationStore store = new ReconciliationStore(hub);
    registry.bind("reconciliationStore", store);
    Reconciler reconciler =
        new Reconciler(
            crm,
            billing,
            customerdb,
            hub,
            identities,
            customers,
            accounts,
            store,
            resync,
            metrics,
            clock,
            new Reconciler.Options(
                settings.getInt("hub.reconciliation.chunk-size", 5000),
                Duration.parse(settings.get("hub.reconciliation.settle", "PT10S")),
                settings.getInt("hub.reconciliation.max-listed", 100_000),
                settings.getBoolean("hub.reconciliation.repair.enabled", false),
                settings.getInt("hub.reconciliation.repair.chunk-size", 200),
                settings.get("hub.instance.id", defaultInstanceId())));
    registry.bind("reconciler", reconciler);
    reconciler.abandonStale();

    AuditTrail audit = new AuditTrail(hub);
    reconciler.auditWith(audit);
    ConsistencyJobs jobs = new ConsistencyJobs(audit, clock);
    registry.bind("consistencyJobs", jobs);

    SchemaDrift drift =
        new SchemaDrift(
            Map.of("crm", crm, "billing", billing, "customerdb", customerdb),
            SchemaContract.load(),
            hub,
            metrics);
    registry.bind("schemaDrift", drift);
    DriftGuard guard = new DriftGuard(drift);
    registry.bind("driftGuard", guard);
    // before any route starts: a route whose tables drift does not start
    drift.check();
    guard.install(context);
    HealthCheckRegistry.get(context).register(new SchemaDriftHealthCheck(drift, guard));
    registry.bind(
        "consistencyApi",
        new ConsistencyApi(context, reconciler, store, drift, guard, resync, jobs));

    if (settings.getBoolean("hub.schedule.clustered", false)) {
      Properties quartz = new Properties();
      quartz.put("org.quartz.scheduler.instanceName", "telco-hub");
      quartz.put("org.quartz.scheduler.instanceId", "AUTO");
      quartz.put("org.quartz.threadPool.threadCount", "2");
      quartz.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
      quartz.put(
          "org.quartz.jobStore.driverDelegateClass",
          "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
      quartz.put("org.quartz.jobStore.isClustered", "true");
      quartz.put("org.quartz.jobStore.clusterCheckinInterval", "5000");
      quartz.put("org.quartz.jobStore.tablePrefix", "hub.qrtz_");
      quartz.put("org.quartz.jobStore.dataSource", "hub");
      quartz.put(
          "org.quartz.dataSource.hub.connectionProvider.class", QuartzConnections.class.getName());
      quartz.put("org.quartz.dataSource.hub.pool", QuartzConnections.register(hub));
      context.getComponent("quartz", QuartzComponent.class).setProperties(quartz);
    }
  }
}
