package at.telco.hub.erasure;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The erasure's part on the canonical service topic (flow 5, ADR 0019). The topic is keyed by
 * service id and compacted; it is the services' history a rebuild of {@code customerdb.service}
 * replays ({@code Resync.replayServices}). An erased customer's services are published again in
 * their detached state (the newest state the topic has of each, the same network sequence, without
 * the customer: no {@code customerid}, no id in the Customer related party), keyed by service id,
 * so compaction removes every earlier record that linked the person to the service's numbers, and a
 * rebuild still finds every service, detached - as {@code customerdb.service} keeps it.
 *
 * <p>Records from before the key change (keyed by MSISDN, "legacy keys") that link the person are
 * removed by a tombstone of the legacy key, but only after every service found under that key (also
 * other customers' services, when a number moved) has its newest state published under its service
 * id, so the tombstone takes no service's only state with it.
 */
public final class ServiceTopicErasure implements Function<UUID, ServiceTopicErasure.Outcome> {

  /** What was published: services detached (or moved to their key), legacy keys tombstoned. */
  public record Outcome(int services, int legacyKeys) {}

  /** One record of the topic as read: key, value (null: a tombstone). */
  public record Rec(String key, String value) {}

  /** One record to publish: key, value (null: a tombstone). */
  public record Publish(String key, String value) {}

  private final Map<String, Object> kafka;
  private final String topic;

  /**
   * @param kafka the hub's Kafka client settings (bootstrap servers, security)
   */
  public ServiceTopicErasure(Map<String, Object> kafka, String topic) {
    this.kafka = kafka;
    this.topic = topic;
  }

  @Override
  public Outcome apply(UUID customerId) {
    List<Publish> plan = plan(read(), customerId.toString());
    send(plan);
    int services = 0;
    int legacy = 0;
    for (Publish p : plan) {
      if (p.value() == null) {
        legacy++;
      } else {
        services++;
      }
    }
    return new Outcome(services, legacy);
  }

  /**
   * For a service topic from before ADR 0019 (keyed by MSISDN), before compaction is switched on:
   * every service whose newest state is not under its service id gets it published there, so
   * compaction of the MSISDN keys (a number that moved keeps only its newest record) takes no
   * service's only state. Idempotent: a second run publishes nothing. Returns how many.
   */
  public int rekey() {
    List<Publish> plan = rekeyPlan(read());
    send(plan);
    return plan.size();
  }

  /** What {@link #rekey} publishes for these records. */
  public static List<Publish> rekeyPlan(List<Rec> records) {
    Map<String, List<CanonicalEvent>> byKey = live(records);
    Map<String, CanonicalEvent> newest = new LinkedHashMap<>();
    Map<String, String> newestKey = new HashMap<>();
    for (Map.Entry<String, List<CanonicalEvent>> k : byKey.entrySet()) {
      for (CanonicalEvent e : k.getValue()) {
        String service = serviceId(e);
        CanonicalEvent before = newest.get(service);
        if (before == null
            || sequence(e) > sequence(before)
            || (sequence(e) == sequence(before) && k.getKey().equals(service))) {
          newest.put(service, e);
          newestKey.put(service, k.getKey());
        }
      }
    }
    List<Publish> plan = new ArrayList<>();
    newest.forEach(
        (service, e) -> {
          if (!service.equals(newestKey.get(service))) {
            plan.add(new Publish(service, e.toJson()));
          }
        });
    return plan;
  }

  /** The live records per key: a tombstone voids the key's records before it. */
  private static Map<String, List<CanonicalEvent>> live(List<Rec> records) {
    Map<String, List<CanonicalEvent>> byKey = new LinkedHashMap<>();
    for (Rec r : records) {
      if (r.key() == null) {
        continue;
      }
      if (r.value() == null) {
        byKey.remove(r.key());
        continue;
      }
      CanonicalEvent e;
      try {
        e = CanonicalEvent.parse(r.value());
      } catch (RuntimeException ex) {
        continue; // not a canonical event: nothing of a customer the hub could read either
      }
      byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(e);
    }
    return byKey;
  }

  /**
   * What to publish so that no record of the topic links {@code customerId} after compaction:
   * {@code records} in the order of their partitions (a key's records in offset order).
   */
  public static List<Publish> plan(List<Rec> records, String customerId) {
    Map<String, List<CanonicalEvent>> byKey = live(records);
    // the newest state of each service, under whatever key
    Map<String, CanonicalEvent> newest = new HashMap<>();
    Set<String> linked = new LinkedHashSet<>();
    Set<String> legacyKeys = new LinkedHashSet<>();
    for (Map.Entry<String, List<CanonicalEvent>> k : byKey.entrySet()) {
      for (CanonicalEvent e : k.getValue()) {
        String service = serviceId(e);
        CanonicalEvent before = newest.get(service);
        if (before == null || sequence(e) >= sequence(before)) {
          newest.put(service, e);
        }
        if (links(e, customerId)) {
          linked.add(service);
          if (!k.getKey().equals(service)) {
            legacyKeys.add(k.getKey());
          }
        }
      }
    }
    Set<String> services = new LinkedHashSet<>(linked);
    for (String key : legacyKeys) {
      byKey.get(key).forEach(e -> services.add(serviceId(e)));
    }
    List<Publish> plan = new ArrayList<>();
    for (String service : services) {
      CanonicalEvent e = newest.get(service);
      plan.add(new Publish(service, links(e, customerId) ? detached(e, customerId) : e.toJson()));
    }
    for (String key : legacyKeys) {
      plan.add(new Publish(key, null));
    }
    return plan;
  }

  private static String serviceId(CanonicalEvent e) {
    return e.data().path("id").asText();
  }

  private static long sequence(CanonicalEvent e) {
    try {
      return Long.parseLong(e.entityVersion());
    } catch (RuntimeException ex) {
      return Long.MIN_VALUE;
    }
  }

  /** Whether the event names the customer (envelope or a Customer related party). */
  static boolean links(CanonicalEvent e, String customerId) {
    if (customerId.equals(e.customerId())) {
      return true;
    }
    for (JsonNode party : e.data().path("relatedParty")) {
      if (customerId.equals(Json.text(party.path("partyOrPartyRole"), "id"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The same state without the customer: the envelope's {@code customerid} and the related party's
   * reference removed (the Customer role stays, without whom: schema service v1 keeps validating,
   * and so does TMF638, whose PartyRoleRef would need an id); id, network sequence and everything
   * else as they were.
   */
  static String detached(CanonicalEvent e, String customerId) {
    ObjectNode copy = e.envelope().deepCopy();
    copy.remove("customerid");
    for (JsonNode party : copy.path("data").path("relatedParty")) {
      JsonNode ref = party.path("partyOrPartyRole");
      if (ref.isObject() && customerId.equals(Json.text(ref, "id"))) {
        ((ObjectNode) party).remove("partyOrPartyRole");
      }
    }
    return Json.write(copy);
  }

  private List<Rec> read() {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "telco-hub-erasure");
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    List<Rec> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            records.add(new Rec(r.key(), r.value()));
          }
        }
      }
    }
    return records;
  }

  private void send(List<Publish> plan) {
    if (plan.isEmpty()) {
      return;
    }
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "telco-hub-erasure");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      for (Publish p : plan) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, p.key(), p.value());
        if (p.value() != null) {
          CanonicalEvent e = CanonicalEvent.parse(p.value());
          header(record, "ce_id", e.id());
          header(record, "ce_type", e.type());
          header(record, "correlationId", e.correlationId());
        }
        producer.send(record).get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Kafka did not take the detached services: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not acknowledge the detached services", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void header(ProducerRecord<String, String> record, String name, String value) {
    if (value != null) {
      record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
