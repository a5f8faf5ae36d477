package at.telco.hub.sink;

import at.telco.hub.observe.HubMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of a target route in batching mode: turns a polled batch into target changes, and
 * commits its offsets (per partition) only after the target committed. If a batch fails in a way
 * the route did not handle, offsets are no longer committed for that route and its consumer is
 * restarted, so it resumes from the last committed offset: nothing behind the failed batch is
 * committed past it, and the repeats are absorbed by the targets' version check.
 *
 * <p>It is also the Kafka consumers' exception handler ({@code exceptionHandler: "#kafkaBatches"}):
 * a batch that failed past every error handler of its route (for example a dead letter that could
 * not be stored for a reason the dead-letter route does not retry) is rewound the same way instead
 * of being logged and skipped, which would let the next batch commit past it.
 */
public final class KafkaBatches implements ExceptionHandler {

  /** Exchange property: the records of the batch, for the commit. */
  public static final String RECORDS = "hubKafkaRecords";

  /** Exchange property naming the target of the route. */
  public static final String TARGET = "hubTarget";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBatches.class);

  private final CamelContext context;
  private final HubMetrics metrics;
  private final ExecutorService restarter;
  private final Set<String> fenced = ConcurrentHashMap.newKeySet();

  public KafkaBatches(CamelContext context, HubMetrics metrics) {
    this.context = context;
    this.metrics = metrics;
    this.restarter =
        context.getExecutorServiceManager().newSingleThreadExecutor(this, "kafka-batch-rewind");
  }

  /**
   * A record's value as text: Kafka's bytes (the component's ByteArrayDeserializer) read as UTF-8,
   * whatever the JVM's default charset is; any other body converted by Camel.
   */
  public static String text(org.apache.camel.Message message) {
    Object body = message.getBody();
    return body instanceof byte[] bytes
        ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
        : message.getBody(String.class);
  }

  /** The batch's records as target changes for the route's target. */
  public List<TargetChange> changes(Exchange exchange) {
    String target = exchange.getProperty(TARGET, String.class);
    if (target == null) {
      throw new IllegalStateException("route " + exchange.getFromRouteId() + " sets no hubTarget");
    }
    List<?> records = exchange.getMessage().getBody(List.class);
    List<Exchange> kept = new ArrayList<>(records.size());
    List<TargetChange> changes = new ArrayList<>(records.size());
    for (Object r : records) {
      Exchange record = (Exchange) r;
      kept.add(record);
      Object body = record.getMessage().getBody();
      if (body == null) {
        // a tombstone (an erased customer's key on a compacted topic): nothing to apply, its
        // offset is committed with the batch
        continue;
      }
      // bytes from the routes' ByteArrayDeserializer: parsed as UTF-8 JSON, no String in between
      changes.add(
          body instanceof byte[] bytes
              ? TargetChange.read(target, bytes, record)
              : TargetChange.read(target, record.getMessage().getBody(String.class), record));
    }
    exchange.setProperty(RECORDS, kept);
    return changes;
  }

  /** Commits the offsets of the batch, one commit per partition. */
  public void commit(Exchange exchange) {
    String route = exchange.getFromRouteId();
    if (fenced.contains(route)) {
      LOG.warn("route {} is rewinding: offsets of this batch are not committed", route);
      return;
    }
    List<?> records = exchange.getProperty(RECORDS, List.class);
    if (records == null || records.isEmpty()) {
      return;
    }
    Map<String, Exchange> lastPerPartition = new LinkedHashMap<>();
    for (Object r : records) {
      Exchange record = (Exchange) r;
      String partition =
          record.getMessage().getHeader(KafkaConstants.TOPIC, String.class)
              + "/"
              + record.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class);
      lastPerPartition.put(partition, record);
    }
    List<KafkaManualCommit> commits = new ArrayList<>();
    for (Exchange last : lastPerPartition.values()) {
      KafkaManualCommit manual =
          last.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
      if (manual == null) {
        throw new IllegalStateException(
            "route " + route + " consumes without allowManualCommit: offsets cannot be committed");
      }
      commits.add(manual);
    }
    try {
      commitAll(commits);
    } catch (RebalanceInProgressException | CommitFailedException e) {
      // the partition is moving to another consumer: the batch is applied, only its offset is
      // not recorded, so the new owner gets these records again and the version check absorbs
      // them
      LOG.warn(
          "route {}: offsets not committed ({}); the records may be delivered again",
          route,
          e.getClass().getSimpleName());
    }
  }

  /**
   * The offsets of every partition of the batch in one synchronous commit (one round trip to the
   * group coordinator, where a commit per partition took one each). This runs on the consumer's own
   * polling thread (a batch is processed there), the only thread that may use the consumer.
   */
  private static void commitAll(List<KafkaManualCommit> commits) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
    Consumer<?, ?> consumer = null;
    long timeout = 0;
    for (KafkaManualCommit c : commits) {
      if (!(c instanceof DefaultKafkaManualCommit d)
          || (consumer != null && consumer != d.getConsumer())) {
        // not the default commit of one consumer: each partition its own commit
        for (KafkaManualCommit each : commits) {
          each.commit();
        }
        return;
      }
      consumer = d.getConsumer();
      timeout = Math.max(timeout, d.getCommitTimeout());
      offsets.put(d.getPartition(), new OffsetAndMetadata(d.getRecordOffset() + 1));
    }
    if (consumer != null) {
      consumer.commitSync(offsets, Duration.ofMillis(timeout));
    }
  }

  /**
   * A batch failed unexpectedly: commit nothing more on this route and restart its consumer from
   * the last committed offsets.
   */
  public void rewind(Exchange exchange) {
    rewind(
        exchange.getFromRouteId(),
        exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class),
        "a batch failed unexpectedly");
  }

  /** A batch failed and nothing in its route handled it (the consumer's exception handler). */
  @Override
  public void handleException(String message, Exchange exchange, Throwable exception) {
    if (exchange == null || exchange.getFromRouteId() == null) {
      // not a batch (the consumer itself failed, e.g. polling): the consumer retries by itself
      LOG.warn("kafka consumer: {} ({})", message, exception == null ? "unknown" : exception);
      return;
    }
    rewind(exchange.getFromRouteId(), exception, "a batch failed past the route's error handling");
  }

  @Override
  public void handleException(String message, Throwable exception) {
    handleException(message, null, exception);
  }

  @Override
  public void handleException(Throwable exception) {
    handleException("failure", null, exception);
  }

  private void rewind(String route, Throwable cause, String what) {
    // counted before the fence: every failed batch, also one that fails while the route restarts
    metrics.batchRewound(route);
    if (route == null || !fenced.add(route)) {
      return;
    }
    LOG.error(
        "route {}: {} ({}); nothing of it is committed, its consumer restarts from the last"
            + " committed offsets",
        route,
        what,
        cause == null ? "unknown" : cause.toString());
    restarter.submit(
        () -> {
          try {
            context.getRouteController().stopRoute(route);
            context.getRouteController().startRoute(route);
          } catch (Exception e) {
            LOG.error("could not restart route {}: {}", route, e.toString());
          } finally {
            fenced.remove(route);
          }
        });
  }
}
