package at.telco.hub.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Reads, writes and watches a Kafka topic of the test servers, as the test's own client. */
public final class KafkaTopic {

  private final String bootstrap;
  private final String topic;

  public KafkaTopic(TestServers servers, String topic) {
    this("127.0.0.1:" + servers.kafkaPort(), topic);
  }

  /** A topic of another broker (e.g. an {@link EmbeddedHub}'s). */
  public KafkaTopic(String bootstrap, String topic) {
    this.bootstrap = bootstrap;
    this.topic = topic;
  }

  /** Every value on the topic, oldest first per partition (null for a tombstone). */
  public List<String> all() {
    return read(null, null);
  }

  /** Every value on the topic with this key, oldest first. */
  public List<String> values(String key) {
    return read(key, null);
  }

  /**
   * The value of a header of every record with this key, oldest first (null where it is absent).
   */
  public List<String> header(String key, String header) {
    return read(key, header);
  }

  private List<String> read(String key, String header) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (key == null || key.equals(r.key())) {
            if (header == null) {
              values.add(r.value());
            } else {
              var h = r.headers().lastHeader(header);
              values.add(
                  h == null
                      ? null
                      : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
            }
          }
        }
      }
    }
    return values;
  }

  public void publish(String key, String value) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether every consumer group has committed offsets up to the end of the topic. */
  public boolean consumedBy(String... groups) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (var d :
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
        latest.put(new TopicPartition(topic, d.partition()), OffsetSpec.latest());
      }
      var ends = admin.listOffsets(latest).all().get();
      for (String group : groups) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        for (var e : ends.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          long end = e.getValue().offset();
          if (end > 0 && (c == null || c.offset() < end)) {
            return false;
          }
        }
      }
      return true;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
