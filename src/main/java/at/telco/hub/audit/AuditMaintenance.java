package at.telco.hub.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's job: seals the segments of past days and, when a retention period is configured
 * and the maintenance role is available, drops the sealed segments older than it (each drop is
 * itself recorded in the audit trail, with the dropped segments' seals).
 */
public final class AuditMaintenance extends ServiceSupport {

  private static final Logger LOG = LoggerFactory.getLogger(AuditMaintenance.class);

  private final CamelContext context;
  private final AuditChain chain;
  private final AuditTrail trail;
  private final Period retention;
  private final Duration interval;
  private ScheduledExecutorService executor;

  /**
   * @param retention how long sealed segments are kept, or null to keep them for ever
   */
  public AuditMaintenance(
      CamelContext context,
      AuditChain chain,
      AuditTrail trail,
      Period retention,
      Duration interval) {
    this.context = context;
    this.chain = chain;
    this.trail = trail;
    this.retention = retention;
    this.interval = interval;
  }

  /** One round: seal, then retention. */
  public void runOnce() {
    chain.sealClosed();
    if (retention != null && chain.retentionAvailable()) {
      LocalDate before = LocalDate.now(ZoneOffset.UTC).minus(retention);
      ArrayNode dropped = chain.dropExpired(before, null);
      if (!dropped.isEmpty()) {
        recordDrop(trail, dropped, before);
      }
    }
  }

  /** Records a retention drop (segments, days, seals: no personal data). */
  public static void recordDrop(AuditTrail trail, ArrayNode dropped, LocalDate before) {
    long entries = 0;
    for (var d : dropped) {
      entries += d.path("entries").asLong();
    }
    trail.record(
        AuditTrail.Entry.action(
            "hub",
            null,
            "audit-retention",
            "audit-segments",
            "dropped",
            dropped.size()
                + " sealed segments before "
                + before
                + " ("
                + entries
                + " entries): "
                + dropped));
    LOG.info("audit retention dropped {} sealed segments before {}", dropped.size(), before);
  }

  private void safeRun() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      LOG.warn("audit maintenance failed, next try in {}: {}", interval, e.toString());
    }
  }

  @Override
  protected void doStart() {
    if (retention != null && !chain.retentionAvailable()) {
      LOG.warn(
          "hub.audit.retention is set but no maintenance role is configured"
              + " (hub.audit.maintenance.username): audit segments are sealed, never dropped");
    }
    executor =
        context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "audit-chain");
    executor.scheduleWithFixedDelay(
        this::safeRun, 5_000, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  protected void doStop() {
    if (executor != null) {
      context.getExecutorServiceManager().shutdownNow(executor);
      executor = null;
    }
  }
}
