package at.telco.hub.erasure;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Whether an erasure can be honoured on Kafka: the canonical customer topic and the canonical
 * service topic are compacted ({@code cleanup.policy} includes {@code compact}) with a bounded
 * maximum compaction lag ({@code max.compaction.lag.ms} at most the configured one), whoever
 * created them. Only then does a tombstone remove the customer's earlier events and a detached
 * service record the records that linked the customer to the service (ADR 0013, 0019), so only then
 * is the erasure's Kafka part recorded as done. Read with the admin client's {@code
 * DescribeConfigs} (under SASL with ACLs the hub's user needs that operation on the topic); a
 * failure to read counts as "not honoured", with the reason.
 */
public final class TopicCompaction {

  /** The last check: honoured, or why not. */
  public record Verdict(boolean honoured, String reason, long checkedAtMillis) {}

  private static final long FRESH_MS = 5_000;

  private final Admin admin;
  private final List<String> topics;
  private final long maxLagMs;
  private volatile Verdict last;

  /**
   * @param topics the topics an erasure relies on (customer and service topic)
   * @param maxLagMs the largest {@code max.compaction.lag.ms} that still honours an erasure
   *     (hub.kafka.topic.customer.max-compaction-lag-ms)
   */
  public TopicCompaction(Admin admin, List<String> topics, long maxLagMs) {
    this.admin = admin;
    this.topics = List.copyOf(topics);
    this.maxLagMs = maxLagMs;
  }

  /** The topics checked, comma-separated. */
  public String topic() {
    return String.join(", ", topics);
  }

  /** Reads the topics' configuration now: honoured only when every topic honours an erasure. */
  public Verdict check() {
    List<String> not = new java.util.ArrayList<>();
    List<String> ok = new java.util.ArrayList<>();
    for (String topic : topics) {
      Verdict v = check(topic);
      (v.honoured() ? ok : not).add(v.reason());
    }
    Verdict v =
        not.isEmpty()
            ? new Verdict(true, String.join("; ", ok), System.currentTimeMillis())
            : new Verdict(false, String.join("; ", not), System.currentTimeMillis());
    last = v;
    return v;
  }

  private Verdict check(String topic) {
    Verdict v = new Verdict(false, null, System.currentTimeMillis());
    try {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(List.of(resource), new DescribeConfigsOptions().timeoutMs(4000))
              .all()
              .get(5, TimeUnit.SECONDS);
      v = judge(topic, configs.get(resource), maxLagMs);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String reason;
      if (cause instanceof AuthorizationException) {
        reason =
            "the hub may not read the configuration of topic "
                + topic
                + " (its Kafka user needs DescribeConfigs on the topic): whether it is compacted"
                + " is unknown";
      } else if (cause instanceof UnknownTopicOrPartitionException) {
        reason = "topic " + topic + " does not exist";
      } else {
        reason =
            "the configuration of topic "
                + topic
                + " could not be read ("
                + cause.getClass().getSimpleName()
                + ")";
      }
      v = new Verdict(false, reason, System.currentTimeMillis());
    } catch (TimeoutException e) {
      v =
          new Verdict(
              false,
              "Kafka did not answer: whether topic " + topic + " is compacted is unknown",
              System.currentTimeMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      v = new Verdict(false, "interrupted", System.currentTimeMillis());
    }
    return v;
  }

  /** The last verdict if it is at most a few seconds old, else a new check. */
  public Verdict recent() {
    Verdict v = last;
    if (v == null || System.currentTimeMillis() - v.checkedAtMillis() > FRESH_MS) {
      return check();
    }
    return v;
  }

  /** The last verdict without asking Kafka (null before the first check). */
  public Verdict last() {
    return last;
  }

  /** For a gauge: 1 honoured, 0 not, NaN not checked yet. */
  public double gaugeValue() {
    Verdict v = last;
    return v == null ? Double.NaN : v.honoured() ? 1 : 0;
  }

  /** The reason an erasure cannot be honoured on Kafka now, or null when it can (checked now). */
  public String notHonoured() {
    Verdict v = check();
    return v.honoured() ? null : v.reason();
  }

  /** The verdict on a topic's configuration (null: none was returned). */
  static Verdict judge(String topic, Config config, long maxLagMs) {
    long now = System.currentTimeMillis();
    if (config == null) {
      return new Verdict(false, "no configuration returned for topic " + topic, now);
    }
    ConfigEntry policy = config.get("cleanup.policy");
    String policies = policy == null || policy.value() == null ? "delete" : policy.value();
    boolean compacted =
        Arrays.stream(policies.split(","))
            .map(String::strip)
            .anyMatch(p -> p.equalsIgnoreCase("compact"));
    if (!compacted) {
      return new Verdict(
          false,
          "topic "
              + topic
              + " is not compacted (cleanup.policy="
              + policies
              + ", must include compact): an erased customer's earlier records are not removed",
          now);
    }
    ConfigEntry lagEntry = config.get("max.compaction.lag.ms");
    long lag;
    try {
      lag =
          lagEntry == null || lagEntry.value() == null
              ? Long.MAX_VALUE
              : Long.parseLong(lagEntry.value().strip());
    } catch (NumberFormatException e) {
      lag = Long.MAX_VALUE;
    }
    if (lag > maxLagMs) {
      return new Verdict(
          false,
          "topic "
              + topic
              + " has max.compaction.lag.ms="
              + (lag == Long.MAX_VALUE ? "unbounded" : Long.toString(lag))
              + ", more than "
              + maxLagMs
              + " (hub.kafka.topic.customer.max-compaction-lag-ms): an erased customer's records"
              + " could stay for ever",
          now);
    }
    return new Verdict(
        true,
        "topic "
            + topic
            + " is compacted (cleanup.policy="
            + policies
            + ", max.compaction.lag.ms="
            + lag
            + ")",
        now);
  }
}
