package at.telco.hub.audit;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's job: seals the segments of past days, exports their seals out of the database
 * (the log; and {@code hub.audit.seals-file}, when set) and, when the maintenance role is available
 * to this process (the embedded default; in production the separate {@code audit-maintenance}
 * command), drops the sealed segments older than the retention the owner set in the database (each
 * drop is itself recorded in the audit trail, with the dropped segments' seals).
 */
public final class AuditMaintenance extends ServiceSupport {

  private static final Logger LOG = LoggerFactory.getLogger(AuditMaintenance.class);

  private final CamelContext context;
  private final AuditChain chain;
  private final AuditTrail trail;
  private final Path sealsFile;
  private final Duration interval;
  private ScheduledExecutorService executor;

  /**
   * @param sealsFile where the seals are exported to besides the log, or null
   */
  public AuditMaintenance(
      CamelContext context, AuditChain chain, AuditTrail trail, Path sealsFile, Duration interval) {
    this.context = context;
    this.chain = chain;
    this.trail = trail;
    this.sealsFile = sealsFile;
    this.interval = interval;
  }

  /** One round: seal, export the seals, then retention (when this process may). */
  public void runOnce() {
    runOnce(chain, trail, sealsFile);
  }

  /**
   * Seals the past days' segments, exports the seals to {@code sealsFile} (null: the log only),
   * and, with the maintenance role, drops the sealed segments older than the database's retention.
   * Answers the dropped segments.
   */
  public static ArrayNode runOnce(AuditChain chain, AuditTrail trail, Path sealsFile) {
    chain.sealClosed();
    if (sealsFile != null) {
      chain.exportSeals(sealsFile);
    }
    if (!chain.retentionAvailable()) {
      return Json.MAPPER.createArrayNode();
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    ArrayNode dropped = chain.dropExpired(today, null);
    if (!dropped.isEmpty()) {
      recordDrop(trail, dropped, today);
    }
    return dropped;
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
                + " sealed segments older than the retention on "
                + before
                + " ("
                + entries
                + " entries): "
                + dropped));
    LOG.info("audit retention dropped {} sealed segments on {}", dropped.size(), before);
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
    if (!chain.retentionAvailable()) {
      LOG.info(
          "no audit maintenance role in this process (hub.audit.maintenance.username): audit"
              + " segments are sealed here; expired ones are dropped by the audit-maintenance"
              + " command, if it runs");
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
