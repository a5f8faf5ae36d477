package at.telco.hub.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the canonical topics the hub publishes to, when they are missing and this is allowed. */
public final class KafkaTopics {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

  private KafkaTopics() {}

  public static void ensure(Admin admin, List<String> topics, int partitions, short replication) {
    ensure(admin, topics, partitions, replication, java.util.Map.of());
  }

  /** Creates the missing topics, each with its configuration in {@code configs} (if any). */
  public static void ensure(
      Admin admin,
      List<String> topics,
      int partitions,
      short replication,
      java.util.Map<String, java.util.Map<String, String>> configs) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String t : topics) {
        if (!existing.contains(t)) {
          missing.add(
              new NewTopic(t, partitions, replication)
                  .configs(configs.getOrDefault(t, java.util.Map.of())));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      LOG.info(
          "created Kafka topics {} ({} partitions)",
          missing.stream().map(NewTopic::name).toList(),
          partitions);
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
}
