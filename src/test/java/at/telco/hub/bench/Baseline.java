package at.telco.hub.bench;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.Json;
import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.platform.DataSources;
import at.telco.hub.sink.DeadLetterSupersession;
import at.telco.hub.sink.SinkDeclaration;
import at.telco.hub.sink.SinkWriter;
import at.telco.hub.sink.TargetChange;
import at.telco.hub.sink.TargetStates;
import at.telco.hub.sink.billing.BillingSteps;
import at.telco.hub.sink.customerdb.BillingCustNos;
import at.telco.hub.sink.customerdb.CustomerDbSteps;
import at.telco.hub.source.crm.CrmDataQuality;
import at.telco.hub.source.crm.CrmSnapshots;
import at.telco.hub.source.crm.CustomerEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Flow 1 as plain Java, without Camel, Kafka or Artemis: each of {@code threads} workers claims a
 * batch of {@code crm.change_log} rows ({@code FOR UPDATE SKIP LOCKED}), reads the accounts in one
 * snapshot, records data-quality issues, maps them with the same JSLT mappings and functions,
 * builds and validates the same canonical events, applies them with the hub's writers (the same
 * version check and idempotency bookkeeping: batched upserts, one transaction per batch and target)
 * to customerdb and then billing, marks the rows processed and commits the claim: one commit per
 * batch and database. What it leaves out is exactly what the hub adds: the Kafka log between the
 * source and the targets (durability, replay, independent targets), Camel's routing, the
 * dead-letter queues on Artemis (a change a target refuses is only counted here).
 */
final class Baseline implements AutoCloseable {

  private static final String CLAIM =
      "SELECT change_id, entity, entity_id, account_id, operation, changed_at"
          + " FROM crm.change_log WHERE processed_at IS NULL"
          + " ORDER BY change_id LIMIT ? FOR UPDATE SKIP LOCKED";
  private static final String MARK =
      "UPDATE crm.change_log SET processed_at = now() WHERE change_id = ANY(?::bigint[])";

  private final HikariDataSource crm;
  private final HikariDataSource hub;
  private final HikariDataSource customerdb;
  private final HikariDataSource billing;
  private final IdentityRegistry registry;
  private final CrmDataQuality quality;
  private final Mappings mappings;
  private final CustomerEvents events;
  private final CanonicalSchemas schemas;
  private final SinkWriter customerDbWriter;
  private final SinkWriter billingWriter;
  private final int batchSize;
  private final long idleMs;
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private volatile boolean running = true;

  Baseline(Properties hubProperties, Mappings mappings, int threads, int batchSize, long idleMs) {
    Settings settings = new Settings(k -> Optional.ofNullable(hubProperties.getProperty(k)));
    this.crm = DataSources.create(settings, HubSettings.CRM, null);
    this.hub = DataSources.create(settings, HubSettings.HUBDB, null);
    this.customerdb = DataSources.create(settings, HubSettings.CUSTOMERDB, null);
    this.billing =
        DataSources.create(settings, HubSettings.BILLING, "SET TIME ZONE 'Europe/Vienna'");
    Clock clock = Clock.systemUTC();
    HubMetrics metrics = new HubMetrics(new SimpleMeterRegistry());
    this.registry = new IdentityRegistry(hub);
    this.quality =
        new CrmDataQuality(hub, metrics, KeyHash.of("the baseline bench key-hash secret"));
    this.mappings = mappings;
    this.events = new CustomerEvents(clock);
    this.schemas = new CanonicalSchemas();
    DeadLetterSupersession supersession = new DeadLetterSupersession(hub);
    // the hub's own sinks, from their declarations, with their steps
    BillingCustNos custNos = new BillingCustNos(customerdb, registry);
    TargetStates states = new TargetStates(hub);
    this.customerDbWriter =
        new SinkWriter(
            declaration("customerdb", hubProperties),
            customerdb,
            states,
            mappings,
            metrics,
            clock,
            supersession,
            List.of(
                CustomerDbSteps.erasure(registry),
                CustomerDbSteps.billingCustNo(registry, custNos)));
    this.billingWriter =
        new SinkWriter(
            declaration("billing", hubProperties),
            billing,
            states,
            mappings,
            metrics,
            clock,
            supersession,
            List.of(
                BillingSteps.erasure(registry),
                BillingSteps.status(),
                BillingSteps.custNo(registry, custNos)));
    this.batchSize = batchSize;
    this.idleMs = idleMs;
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::work, "baseline-" + i);
      t.setDaemon(true);
      workers.add(t);
    }
  }

  /** A sink declaration of the jar ({@code sinks/<name>.yaml}), its settings from {@code p}. */
  static SinkDeclaration declaration(String name, Properties p) {
    try (var in = Baseline.class.getResourceAsStream("/sinks/" + name + ".yaml")) {
      String yaml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      java.util.Properties all = HubSettings.defaults();
      all.putAll(p);
      return SinkDeclaration.parse(
          name,
          yaml,
          text -> {
            String out = text;
            for (String key : all.stringPropertyNames()) {
              out = out.replace("{{" + key + "}}", all.getProperty(key));
            }
            return out;
          });
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  void start() {
    workers.forEach(Thread::start);
  }

  long refused() {
    return refused.get();
  }

  long batches() {
    return batches.get();
  }

  private void work() {
    while (running) {
      try {
        if (batch() == 0) {
          Thread.sleep(idleMs);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | java.sql.SQLException e) {
        // a serialization conflict or the like: the claim is rolled back and taken again
        System.err.println("baseline: batch failed, retrying: " + e);
      }
    }
  }

  /** One batch, start to end; returns the number of change rows it took. */
  int batch() throws java.sql.SQLException {
    try (Connection c = crm.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<Long> ids = new ArrayList<>();
        Map<String, List<ObjectNode>> byAccount = new TreeMap<>();
        Map<String, Instant> latest = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
          ps.setInt(1, batchSize);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              long id = rs.getLong(1);
              ids.add(id);
              ObjectNode change = Json.object();
              change.put("changeId", id);
              change.put("entity", rs.getString(2));
              change.put("entityId", rs.getString(3));
              change.put("operation", rs.getString(5));
              String account = rs.getString(4);
              byAccount.computeIfAbsent(account, k -> new ArrayList<>()).add(change);
              latest.merge(account, rs.getTimestamp(6).toInstant(), (a, b) -> a.isAfter(b) ? a : b);
            }
          }
        }
        if (ids.isEmpty()) {
          c.rollback();
          return 0;
        }
        Map<String, UUID> customerIds = registry.identify(byAccount.keySet());
        List<JsonNode> snapshots = new ArrayList<>();
        for (ObjectNode doc : CrmSnapshots.byIds(c, byAccount.keySet())) {
          String account = Json.text(doc, "accountId");
          doc.put("customerId", customerIds.get(account).toString());
          ArrayNode changes = doc.putArray("changes");
          byAccount.get(account).forEach(changes::add);
          doc.put("changedAt", latest.get(account).toString());
          snapshots.add(doc);
        }
        quality.inspect(snapshots);
        List<CanonicalEvent> canonical = new ArrayList<>(snapshots.size());
        for (JsonNode snapshot : snapshots) {
          try {
            JsonNode data = mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, snapshot);
            canonical.add(schemas.validate(events.fromCrm(snapshot, data)));
          } catch (RuntimeException e) {
            refused.incrementAndGet();
          }
        }
        apply(canonical, customerDbWriter);
        apply(canonical, billingWriter);
        try (PreparedStatement ps = c.prepareStatement(MARK)) {
          ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
          ps.executeUpdate();
        }
        c.commit();
        batches.incrementAndGet();
        return ids.size();
      } catch (java.sql.SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private void apply(List<CanonicalEvent> canonical, SinkWriter writer) {
    List<TargetChange> changes = new ArrayList<>(canonical.size());
    for (CanonicalEvent event : canonical) {
      changes.add(TargetChange.of(writer.sink().name(), event));
    }
    for (TargetChange alone : writer.applyBatch(changes)) {
      try {
        writer.applyOne(alone);
      } catch (RuntimeException e) {
        refused.incrementAndGet();
      }
    }
  }

  @Override
  public void close() {
    running = false; // no interrupt: a worker stops between batches, never inside JDBC
    for (Thread t : workers) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    crm.close();
    customerdb.close();
    billing.close();
    hub.close();
  }
}
