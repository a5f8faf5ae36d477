package at.telco.hub.consistency;

import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciliations, resyncs and rebuilds asked for through the API or the command line run here, one
 * at a time per instance, in the background: the request answers at once with the job, whose state
 * and result are then read by id. Each job is audited when it starts and when it ends (who, what,
 * the outcome; keys and counts only).
 */
public final class ConsistencyJobs implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsistencyJobs.class);
  private static final int KEPT = 200;

  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "consistency-job");
            t.setDaemon(true);
            return t;
          });
  private final Map<UUID, ObjectNode> jobs =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, ObjectNode> eldest) {
          return size() > KEPT;
        }
      };
  private final AuditTrail audit;
  private final Clock clock;

  public ConsistencyJobs(AuditTrail audit, Clock clock) {
    this.audit = audit;
    this.clock = clock;
  }

  /** Starts a job; returns its state now (RUNNING). */
  public ObjectNode submit(
      String kind, String actor, String target, String what, Supplier<JsonNode> work) {
    UUID id = UUID.randomUUID();
    ObjectNode job = Json.object();
    job.put("id", id.toString());
    job.put("kind", kind);
    job.put("requestedBy", actor);
    job.put("request", what);
    job.put("state", "RUNNING");
    job.put("startedAt", clock.instant().toString());
    synchronized (jobs) {
      jobs.put(id, job);
    }
    audit.record(new AuditTrail.Entry(actor, kind, null, target, null, null, "started", what, id));
    executor.submit(
        () -> {
          try {
            JsonNode result = work.get();
            finish(id, "DONE", result, null);
            audit.record(
                new AuditTrail.Entry(
                    actor, kind, null, target, null, null, "done", Json.write(result), id));
          } catch (RuntimeException e) {
            LOG.error("{} job {} failed: {}", kind, id, e.toString(), e);
            finish(id, "FAILED", null, e.getMessage());
            audit.record(
                new AuditTrail.Entry(
                    actor, kind, null, target, null, null, "failed", e.getMessage(), id));
          }
        });
    return job.deepCopy();
  }

  private void finish(UUID id, String state, JsonNode result, String error) {
    synchronized (jobs) {
      ObjectNode job = jobs.get(id);
      if (job == null) {
        return;
      }
      job.put("state", state);
      job.put("finishedAt", Instant.now(clock).toString());
      if (result != null) {
        job.set("result", result);
      }
      if (error != null) {
        job.put("error", error);
      }
    }
  }

  /** A job's state, or null when this instance does not know it. */
  public ObjectNode get(UUID id) {
    synchronized (jobs) {
      ObjectNode job = jobs.get(id);
      return job == null ? null : job.deepCopy();
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
