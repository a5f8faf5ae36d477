package at.telco.hub.consistency;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.InvalidCanonicalEventException;
import at.telco.hub.canonical.Json;
import at.telco.hub.jdbc.Transactions;
import at.telco.hub.mapping.MappingException;
import at.telco.hub.sink.ApplyOutcome;
import at.telco.hub.sink.SinkWriter;
import at.telco.hub.sink.Sinks;
import at.telco.hub.sink.TargetChange;
import at.telco.hub.sink.TargetStates;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-sends the master's current state to a target through the target's normal route ({@code
 * direct:<target>-resync}: the same mapping, writer, version check, retries and dead letters as a
 * change from Kafka, never around them). The events carry the {@code resync} extension, so a target
 * writes the master's state again even where it holds the same version (it may have been changed
 * behind the hub's back, or restored), and still never over a newer one. Idempotent: resyncing
 * twice writes the same state.
 *
 * <p>For one record, a list, everything, or everything changed since a time; and the whole of
 * customerdb from nothing.
 */
public final class Resync {

  private static final Logger LOG = LoggerFactory.getLogger(Resync.class);

  private final DataSource crm;
  private final CrmMaster customers;
  private final BillingMaster accounts;
  private final TargetStates states;
  private final ProducerTemplate producer;
  private final Map<String, Object> kafka;
  private final String serviceTopic;
  private final int chunkSize;

  private final Sinks sinks;

  /** The sinks of customers (resynced from the CRM), by name. */
  public Set<String> customerTargets() {
    Set<String> names = new TreeSet<>();
    sinks.ofEntity("customer").forEach(w -> names.add(w.sink().name()));
    return names;
  }

  public Resync(
      DataSource crm,
      CrmMaster customers,
      BillingMaster accounts,
      TargetStates states,
      ProducerTemplate producer,
      Map<String, Object> kafka,
      String serviceTopic,
      int chunkSize,
      Sinks sinks) {
    this.sinks = sinks;
    this.crm = crm;
    this.states = states;
    this.customers = customers;
    this.accounts = accounts;
    this.producer = producer;
    this.kafka = kafka;
    this.serviceTopic = serviceTopic;
    this.chunkSize = chunkSize;
  }

  /** What a resync did: per target, how many changes ended how; and what could not be sent. */
  public static final class Result {
    private final Map<String, Map<String, AtomicLong>> outcomes = new ConcurrentHashMap<>();
    private final Set<String> unmappable = new TreeSet<>();
    private long read;

    void outcome(String target, String outcome) {
      outcomes
          .computeIfAbsent(target, t -> new ConcurrentHashMap<>())
          .computeIfAbsent(outcome, o -> new AtomicLong())
          .incrementAndGet();
    }

    /** Changes of {@code target} that ended {@code outcome} (e.g. applied, dead_lettered). */
    public long count(String target, String outcome) {
      AtomicLong n = outcomes.getOrDefault(target, Map.of()).get(outcome);
      return n == null ? 0 : n.get();
    }

    /** Keys whose master record the hub cannot map (they are not sent). */
    public Set<String> unmappable() {
      return unmappable;
    }

    public long read() {
      return read;
    }

    public ObjectNode toJson() {
      ObjectNode out = Json.object();
      out.put("read", read);
      ObjectNode byTarget = out.putObject("targets");
      new TreeMap<>(outcomes)
          .forEach(
              (t, o) -> {
                ObjectNode n = byTarget.putObject(t);
                new TreeMap<>(o).forEach((k, v) -> n.put(k, v.get()));
              });
      out.put("unmappable", unmappable.size());
      return out;
    }
  }

  // ---------------------------------------------------------------- customers (CRM-mastered)

  /** Re-sends the named CRM accounts (a deleted one as its delete event) to {@code targets}. */
  public Result customers(Collection<String> crmAccounts, Set<String> targets, String reason) {
    Result result = new Result();
    List<String> keys = new ArrayList<>(new TreeSet<>(crmAccounts));
    for (int i = 0; i < keys.size(); i += chunkSize) {
      List<String> chunk = keys.subList(i, Math.min(keys.size(), i + chunkSize));
      sendCustomers(customers.byKeys(chunk), targets, reason, result);
    }
    return result;
  }

  /** Re-sends every CRM account to {@code targets}, chunk by chunk in key order. */
  public Result allCustomers(Set<String> targets, String reason) {
    Result result = new Result();
    String after = "";
    while (true) {
      List<Master.Record> records = customers.after(after, chunkSize);
      if (records.isEmpty()) {
        return result;
      }
      after = records.get(records.size() - 1).key();
      sendCustomers(records, targets, reason, result);
      if (records.size() < chunkSize) {
        return result;
      }
    }
  }

  /**
   * Re-sends every CRM account changed (its account, a contact or an address, or deleted) at or
   * after {@code since}, by the CRM's change log.
   */
  public Result customersChangedSince(Instant since, Set<String> targets, String reason) {
    // read-only, auto-commit off: a cursor, the keys come in pages
    Set<String> changed =
        Transactions.read(
            crm,
            "crm",
            c -> {
              Set<String> keys = new TreeSet<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT DISTINCT account_id FROM crm.change_log WHERE changed_at >= ?")) {
                ps.setFetchSize(5000);
                ps.setTimestamp(1, Timestamp.from(since));
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    keys.add(rs.getString(1));
                  }
                }
              }
              return keys;
            });
    return customers(changed, targets, reason);
  }

  private void sendCustomers(
      List<Master.Record> records, Set<String> targets, String reason, Result result) {
    customers.identify(records);
    List<CanonicalEvent> events = new ArrayList<>();
    for (Master.Record r : records) {
      result.read++;
      try {
        events.add(customers.canonical(r).asResync(reason));
      } catch (MappingException | InvalidCanonicalEventException e) {
        // already in DLQ.canonical-customer with its reason from when it changed
        result.unmappable.add(r.key());
      }
    }
    for (String target : new TreeSet<>(targets)) {
      if (!customerTargets().contains(target)) {
        throw new IllegalArgumentException(
            "unknown target " + target + " (the sinks of customers: " + customerTargets() + ")");
      }
      send(target, events, result);
    }
  }

  // ---------------------------------------------------------------- billing accounts

  /** Re-sends the named billing accounts' state to the sinks of billing accounts. */
  public Result billingAccounts(Collection<String> baNos, String reason) {
    return billingAccounts(baNos, billingTargets(), reason);
  }

  /** Re-sends the named billing accounts' state to {@code targets}. */
  public Result billingAccounts(Collection<String> baNos, Set<String> targets, String reason) {
    Result result = new Result();
    List<String> keys = new ArrayList<>(new TreeSet<>(baNos));
    for (int i = 0; i < keys.size(); i += chunkSize) {
      List<String> chunk = keys.subList(i, Math.min(keys.size(), i + chunkSize));
      sendAccounts(accounts.byKeys(chunk), targets, reason, result);
    }
    return result;
  }

  /** Re-sends every billing account's state to {@code targets}. */
  public Result allBillingAccounts(Set<String> targets, String reason) {
    Result result = new Result();
    String after = "";
    while (true) {
      List<Master.Record> records = accounts.after(after, chunkSize);
      if (records.isEmpty()) {
        return result;
      }
      after = records.get(records.size() - 1).key();
      sendAccounts(records, targets, reason, result);
      if (records.size() < chunkSize) {
        return result;
      }
    }
  }

  /** The sinks of billing accounts (resynced from billing), by name. */
  public Set<String> billingTargets() {
    Set<String> names = new TreeSet<>();
    sinks.ofEntity("billing").forEach(w -> names.add(w.sink().name()));
    return names;
  }

  private void sendAccounts(
      List<Master.Record> records, Set<String> targets, String reason, Result result) {
    accounts.identify(records);
    List<CanonicalEvent> events = new ArrayList<>();
    for (Master.Record r : records) {
      if (!r.present()) {
        continue; // billing does not have it
      }
      result.read++;
      try {
        events.add(accounts.canonical(r).asResync(reason));
      } catch (MappingException | InvalidCanonicalEventException e) {
        result.unmappable.add(r.key());
      }
    }
    for (String target : new TreeSet<>(targets)) {
      if (!billingTargets().contains(target)) {
        throw new IllegalArgumentException(
            "unknown target "
                + target
                + " (the sinks of billing accounts: "
                + billingTargets()
                + ")");
      }
      send(target, events, result);
    }
  }

  // ---------------------------------------------------------------- services (network-mastered)

  /**
   * Replays the canonical service topic from its beginning into customerdb.service, after the hub's
   * marks for customerdb.service are reset (the network is the master and keeps no state the hub
   * can read; the topic is its history, kept without time limit).
   */
  public Result replayServices(String reason) {
    Set<String> targets = new TreeSet<>();
    sinks.ofEntity("service").forEach(w -> targets.add(w.sink().name()));
    return replayServices(targets, reason);
  }

  /** Replays the canonical service topic into {@code targets} (sinks of services). */
  public Result replayServices(Set<String> targets, String reason) {
    Result result = new Result();
    if (targets.isEmpty()) {
      return result;
    }
    for (String target : targets) {
      states.reset(target);
    }
    Map<String, Object> config = new java.util.HashMap<>(kafka);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, chunkSize);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(serviceTopic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        List<CanonicalEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          if (r.value() == null) {
            continue; // a tombstone of a key from before ADR 0019 (an erasure): nothing to replay
          }
          result.read++;
          try {
            events.add(CanonicalEvent.parse(r.value()).asResync(reason));
          } catch (RuntimeException e) {
            result.unmappable.add(r.topic() + "/" + r.partition() + "@" + r.offset());
          }
        }
        // a service's events stay in their order: one partition per key, sent in offset order
        for (String target : targets) {
          send(target, events, result);
        }
      }
    }
    return result;
  }

  // ---------------------------------------------------------------- a database from nothing

  /**
   * Rebuilds the sinks of one database from the masters: every CRM customer into its sinks of
   * customers (customer ids from the identity registry, so they are the ones it had before; for
   * customerdb with billing's customer number), then every billing account into its sinks of
   * billing accounts (the hub's marks for them reset first), then every service from the canonical
   * service topic into its sinks of services.
   */
  public Map<String, Result> rebuild(String database, String reason) {
    Map<String, Result> results = new java.util.LinkedHashMap<>();
    results.put("customers", allCustomers(sinksOf("customer", database), reason));
    Set<String> billingSinks = sinksOf("billing", database);
    billingSinks.forEach(states::reset);
    results.put("billingAccounts", allBillingAccounts(billingSinks, reason));
    results.put("services", replayServices(sinksOf("service", database), reason));
    return results;
  }

  private Set<String> sinksOf(String entity, String database) {
    Set<String> names = new TreeSet<>();
    for (SinkWriter w : sinks.ofEntity(entity)) {
      if (w.sink().database().name().equals(database)) {
        names.add(w.sink().name());
      }
    }
    return names;
  }

  // ----------------------------------------------------------------

  private void send(String target, List<CanonicalEvent> events, Result result) {
    if (events.isEmpty()) {
      return;
    }
    List<TargetChange> changes = new ArrayList<>();
    for (CanonicalEvent e : events) {
      changes.add(TargetChange.of(target, e));
    }
    Exchange done =
        producer.send(
            "direct:sink-resync",
            ex -> {
              ex.getMessage().setBody(changes);
              ex.setProperty(Sinks.TARGET, target);
            });
    if (done.getException() != null) {
      throw org.apache.camel.RuntimeCamelException.wrapRuntimeException(done.getException());
    }
    for (TargetChange change : changes) {
      ApplyOutcome outcome = change.outcome();
      result.outcome(
          target,
          outcome == null || outcome == ApplyOutcome.FAILED
              ? "dead_lettered"
              : outcome.name().toLowerCase());
    }
    LOG.debug("resync: {} changes sent to {}", changes.size(), target);
  }
}
