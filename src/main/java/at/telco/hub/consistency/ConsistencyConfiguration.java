package at.telco.hub.consistency;

import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.platform.KafkaClients;
import at.telco.hub.sink.SinkDeclaration;
import at.telco.hub.sink.SinkWriter;
import at.telco.hub.sink.Sinks;
import at.telco.hub.sink.TargetStates;
import at.telco.hub.source.billing.BillingEvents;
import at.telco.hub.source.crm.CustomerEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Consistency: reconciliation of the masters against the targets, resync, schema drift (a route
 * whose tables drift does not start: the drift guard) and the schedule (Quartz, with the clustered
 * JDBC job store when {@code hub.schedule.clustered=true}).
 *
 * <p>Binds {@code resync}, {@code reconciliationStore}, {@code reconciler}, {@code
 * consistencyJobs}, {@code schemaDrift}, {@code driftGuard}.
 */
public class ConsistencyConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource hub = bean("hubDataSource", DataSource.class);
    DataSource crm = bean("crmDataSource", DataSource.class);
    DataSource billing = bean("billingDataSource", DataSource.class);
    DataSource customerdb = bean("customerDbDataSource", DataSource.class);
    Clock clock = bean("hubClock", Clock.class);
    Mappings mappings = bean("mappings", Mappings.class);
    CanonicalSchemas schemas = bean("canonicalSchemas", CanonicalSchemas.class);
    IdentityRegistry identities = bean("identityRegistry", IdentityRegistry.class);
    TargetStates states = bean("targetStates", TargetStates.class);
    MeterRegistry meters = bean("metricsRegistry", MeterRegistry.class);
    Sinks sinks = bean("sinks", Sinks.class);

    CrmMaster crmMaster =
        new CrmMaster(crm, identities, mappings, new CustomerEvents(clock), schemas);
    BillingMaster billingMaster =
        new BillingMaster(billing, identities, mappings, new BillingEvents(clock), schemas);
    // the comparisons a declaration may name where the generic one does not fit
    bind("customerdbComparison", new CustomerDbComparison(mappings, "billing"));
    bind("billingComparison", new BillingComparison(mappings));
    Map<Pair, Comparison> comparisons = new LinkedHashMap<>();
    for (SinkWriter w : sinks.all()) {
      SinkDeclaration sink = w.sink();
      if (sink.reconcile() == null) {
        continue;
      }
      Pair pair = Pair.of(sink, List.of(crmMaster, billingMaster));
      String named = sink.reconcile().compare();
      Comparison comparison =
          named == null ? new DeclaredComparison(mappings) : bean(named, Comparison.class);
      comparisons.put(pair, comparison);
    }
    // the systems' databases: the hub's own, and the sinks' databases of their own
    Map<String, DataSource> systems = new LinkedHashMap<>();
    systems.put("crm", crm);
    systems.put("billing", billing);
    systems.put("customerdb", customerdb);
    List<SinkDeclaration> declared = new ArrayList<>();
    for (SinkWriter sink : sinks.all()) {
      declared.add(sink.sink());
      systems.putIfAbsent(sink.sink().database().name(), sink.dataSource());
    }
    ConsistencyMetrics metrics =
        new ConsistencyMetrics(meters, comparisons.keySet(), systems.keySet());

    // the same bootstrap servers and security as every other Kafka client of the hub
    Map<String, Object> kafka = bean("kafkaClients", KafkaClients.class).properties();
    kafka.put(ConsumerConfig.CLIENT_ID_CONFIG, "telco-hub-resync");
    Resync resync =
        new Resync(
            crm,
            crmMaster,
            billingMaster,
            states,
            context.createProducerTemplate(),
            kafka,
            settings.get(HubSettings.KAFKA_TOPIC_SERVICE),
            settings.get(HubSettings.RESYNC_CHUNK_SIZE),
            sinks);
    bind("resync", resync);
    ReconciliationStore store = new ReconciliationStore(hub);
    bind("reconciliationStore", store);
    Reconciler reconciler =
        new Reconciler(
            hub,
            identities,
            comparisons,
            sinks,
            store,
            resync,
            metrics,
            clock,
            new Reconciler.Options(
                settings.get(HubSettings.RECONCILIATION_CHUNK_SIZE),
                settings.get(HubSettings.RECONCILIATION_SETTLE),
                settings.get(HubSettings.RECONCILIATION_MAX_LISTED),
                settings.get(HubSettings.RECONCILIATION_REPAIR_ENABLED),
                settings.get(HubSettings.RECONCILIATION_REPAIR_CHUNK_SIZE),
                settings.instanceId(),
                settings.get(HubSettings.RECONCILIATION_PARALLELISM)));
    bind("reconciler", reconciler);
    reconciler.abandonStale();

    AuditTrail audit = bean("auditTrail", AuditTrail.class);
    reconciler.auditWith(audit, bean("keyHash", at.telco.hub.observe.KeyHash.class));
    ConsistencyJobs jobs = new ConsistencyJobs(audit, clock);
    bind("consistencyJobs", jobs);

    SchemaDrift drift =
        new SchemaDrift(
            systems,
            SchemaContract.load(context, settings.get(HubSettings.CONTRACTS_LOCATION), declared),
            hub,
            metrics);
    bind("schemaDrift", drift);
    DriftGuard guard = new DriftGuard(drift);
    bind("driftGuard", guard);
    // before any route starts: a route whose tables drift does not start
    drift.check();
    guard.install(context);
    HealthCheckRegistry.get(context).register(new SchemaDriftHealthCheck(drift, guard));

    if (settings.get(HubSettings.SCHEDULE_CLUSTERED)) {
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
