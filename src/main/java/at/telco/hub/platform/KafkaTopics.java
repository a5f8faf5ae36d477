package at.telco.hub.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the canonical topics the hub publishes to, when they are missing and this is allowed. */
public final class KafkaTopics {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

  private KafkaTopics() {}

  public static void ensure(
      Admin admin, List<String> topics, int partitions, short replication, int minInSyncReplicas) {
    ensure(admin, topics, partitions, replication, minInSyncReplicas, Map.of());
  }

  /**
   * Creates the missing topics with {@code min.insync.replicas} (with {@code acks=all} an event is
   * acknowledged only when that many replicas have it: 2 of 3 in production, see the README's High
   * availability), each with its own configuration in {@code configs} (if any).
   */
  public static void ensure(
      Admin admin,
      List<String> topics,
      int partitions,
      short replication,
      int minInSyncReplicas,
      Map<String, Map<String, String>> configs) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String t : topics) {
        if (!existing.contains(t)) {
          missing.add(
              new NewTopic(t, partitions, replication)
                  .configs(topicConfig(configs.getOrDefault(t, Map.of()), minInSyncReplicas)));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      LOG.info(
          "created Kafka topics {} ({} partitions, replication factor {}, min.insync.replicas {})",
          missing.stream().map(NewTopic::name).toList(),
          partitions,
          replication,
          minInSyncReplicas);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        LOG.warn("could not create Kafka topics {}: {}", topics, e.getCause().toString());
      }
    } catch (TimeoutException e) {
      LOG.warn("Kafka did not answer while creating topics {}; the routes retry", topics);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sets these configurations on existing topics (e.g. a topic created before the hub made it
   * compacted); a topic that is missing or a broker that refuses is reported and left alone.
   */
  public static void align(Admin admin, Map<String, Map<String, String>> configs) {
    Map<ConfigResource, java.util.Collection<AlterConfigOp>> ops = new java.util.HashMap<>();
    configs.forEach(
        (topic, config) ->
            ops.put(
                new ConfigResource(ConfigResource.Type.TOPIC, topic),
                config.entrySet().stream()
                    .map(
                        e ->
                            new AlterConfigOp(
                                new ConfigEntry(e.getKey(), e.getValue()),
                                AlterConfigOp.OpType.SET))
                    .toList()));
    try {
      admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      LOG.warn(
          "could not set the configuration of Kafka topics {}: {}",
          configs.keySet(),
          e.getCause().toString());
    } catch (TimeoutException e) {
      LOG.warn("Kafka did not answer while configuring topics {}", configs.keySet());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Map<String, String> topicConfig(
      Map<String, String> config, int minInSyncReplicas) {
    Map<String, String> all = new java.util.HashMap<>(config);
    all.putIfAbsent("min.insync.replicas", Integer.toString(minInSyncReplicas));
    return all;
  }
}
