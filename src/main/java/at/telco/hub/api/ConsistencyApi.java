package at.telco.hub.api;

import at.telco.hub.canonical.Json;
import at.telco.hub.consistency.ConsistencyJobs;
import at.telco.hub.consistency.DriftGuard;
import at.telco.hub.consistency.Pair;
import at.telco.hub.consistency.Reconciler;
import at.telco.hub.consistency.ReconciliationStore;
import at.telco.hub.consistency.Resync;
import at.telco.hub.consistency.SchemaDrift;
import at.telco.hub.observe.KeyHash;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * The management API's consistency operations ({@code routes/consistency-api.camel.yaml}):
 * reconciliation runs and their reports, schema drift, resync of a target from its master and the
 * rebuild of customerdb. Long work runs as a job (202 with the job; {@code GET
 * /consistency-jobs/{id}} follows it), audited when it starts and ends.
 */
public final class ConsistencyApi {

  private final CamelContext context;
  private final Reconciler reconciler;
  private final ReconciliationStore store;
  private final SchemaDrift drift;
  private final DriftGuard guard;
  private final Resync resync;
  private final ConsistencyJobs jobs;

  public ConsistencyApi(
      CamelContext context,
      Reconciler reconciler,
      ReconciliationStore store,
      SchemaDrift drift,
      DriftGuard guard,
      Resync resync,
      ConsistencyJobs jobs) {
    this.context = context;
    this.reconciler = reconciler;
    this.store = store;
    this.drift = drift;
    this.guard = guard;
    this.resync = resync;
    this.jobs = jobs;
  }

  private static String actor(Exchange ex) {
    return ApiSecurity.principal(ex).name();
  }

  // ---- reconciliation ---------------------------------------------------------------------------

  public void reconciliations(Exchange ex) {
    ManagementApi.respond(
        ex,
        200,
        () -> {
          ObjectNode n = Json.object();
          n.set("items", store.runs(ManagementApi.intParam(ex, "limit", 20, 1, 200)));
          return n;
        });
  }

  public void reconciliation(Exchange ex) {
    ManagementApi.respond(
        ex,
        200,
        () -> {
          UUID id = ManagementApi.uuid(ManagementApi.param(ex, "id"), "reconciliation id");
          String pair = ManagementApi.param(ex, "pair");
          if (pair != null) {
            pair = reconciler.pair(pair).label();
          }
          String kind = ManagementApi.param(ex, "kind");
          if (kind != null
              && !Set.of("MISSING", "EXTRA", "DIFFERENT", "UNMAPPABLE").contains(kind)) {
            throw ApiException.badRequest("kind is MISSING, EXTRA, DIFFERENT or UNMAPPABLE");
          }
          ObjectNode run =
              store.run(
                  id,
                  pair,
                  kind,
                  ManagementApi.param(ex, "after"),
                  ManagementApi.intParam(ex, "limit", 100, 1, 1000));
          if (run == null) {
            throw ApiException.notFound("no reconciliation " + id);
          }
          return run;
        });
  }

  public void startReconciliation(Exchange ex) {
    ManagementApi.respond(
        ex,
        202,
        () -> {
          JsonNode r = ManagementApi.optionalBody(ex);
          Set<Pair> pairs = new LinkedHashSet<>();
          if (r != null && r.has("pairs")) {
            for (JsonNode p : r.path("pairs")) {
              pairs.add(reconciler.pair(p.asText()));
            }
          }
          if (pairs.isEmpty()) {
            pairs = new LinkedHashSet<>(reconciler.pairs());
          }
          boolean repair = r != null && r.path("repair").asBoolean(false);
          if (repair && !reconciler.repairAllowed()) {
            throw new ApiException(
                409, "repair is not enabled here (hub.reconciliation.repair.enabled=false)");
          }
          JsonNode latest = store.runs(1).path(0);
          if ("RUNNING".equals(Json.text(latest, "status"))) {
            throw new ApiException(
                409, "reconciliation " + Json.text(latest, "id") + " is still running");
          }
          String actor = actor(ex);
          Set<Pair> chosen = pairs;
          return jobs.submit(
              repair ? "reconcile-repair" : "reconcile",
              actor,
              null,
              "pairs " + labels(chosen) + (repair ? ", repair" : ""),
              () -> reconciler.run("api", actor, chosen, repair).toJson());
        });
  }

  // ---- schema drift -----------------------------------------------------------------------------

  public void schemaDrift(Exchange ex) {
    ManagementApi.respond(ex, 200, () -> withStopped(drift.toJson()));
  }

  public void checkSchemaDrift(Exchange ex) {
    ManagementApi.respond(
        ex,
        200,
        () -> {
          guard.check(context);
          return withStopped(drift.toJson());
        });
  }

  private ObjectNode withStopped(ObjectNode findings) {
    ObjectNode n = Json.object();
    n.set("systems", findings);
    n.set("stoppedRoutes", Json.MAPPER.valueToTree(new TreeSet<>(guard.stopped())));
    return n;
  }

  // ---- resync and rebuild -----------------------------------------------------------------------

  public void resync(Exchange ex) {
    ManagementApi.respond(
        ex,
        202,
        () -> {
          JsonNode r = ManagementApi.optionalBody(ex);
          if (r == null) {
            throw ApiException.badRequest(
                "a body: {\"target\", and \"keys\": [...], \"all\": true or \"changedSince\"}");
          }
          String target = Json.text(r, "target");
          List<String> keys = new ArrayList<>();
          r.path("keys").forEach(k -> keys.add(k.asText()));
          boolean all = r.path("all").asBoolean(false);
          Instant since = null;
          if (Json.text(r, "changedSince") != null) {
            try {
              since = Instant.parse(Json.text(r, "changedSince"));
            } catch (DateTimeParseException e) {
              throw ApiException.badRequest("changedSince is not an ISO-8601 instant");
            }
          }
          int ways = (keys.isEmpty() ? 0 : 1) + (all ? 1 : 0) + (since == null ? 0 : 1);
          if (ways != 1) {
            throw ApiException.badRequest("give exactly one of keys, all or changedSince");
          }
          String actor = actor(ex);
          String reason = "resync:" + actor;
          Instant from = since;
          // what the job record and the append-only audit trail keep: the keys as keyed hashes
          // (observe.KeyHash, as in the logs), never in clear - a key may be an erased person's
          String what =
              target
                  + ": "
                  + (all
                      ? "all"
                      : since != null
                          ? "changed since " + since
                          : keys.size() + " key(s) " + hashed(keys));
          Set<String> targets = Set.of(target);
          if (resync.billingTargets().contains(target)) {
            if (since != null) {
              throw ApiException.badRequest(
                  "changedSince is for customer targets (the CRM's change log)");
            }
            return jobs.submit(
                "resync",
                actor,
                target,
                what,
                () ->
                    (all
                            ? resync.allBillingAccounts(targets, reason)
                            : resync.billingAccounts(keys, targets, reason))
                        .toJson());
          }
          if (!resync.customerTargets().contains(target)) {
            throw ApiException.badRequest(
                "target is a sink of customers "
                    + resync.customerTargets()
                    + " or of billing accounts "
                    + resync.billingTargets());
          }
          return jobs.submit(
              "resync",
              actor,
              target,
              what,
              () ->
                  (all
                          ? resync.allCustomers(targets, reason)
                          : from != null
                              ? resync.customersChangedSince(from, targets, reason)
                              : resync.customers(keys, targets, reason))
                      .toJson());
        });
  }

  /** Business keys as the keyed hashes support finds in the logs ({@code key#<hash>}). */
  private List<String> hashed(List<String> keys) {
    KeyHash hash = context.getRegistry().lookupByNameAndType("keyHash", KeyHash.class);
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      out.add(hash == null ? "key#?" : "key#" + hash.hash(k));
    }
    return out;
  }

  public void rebuildCustomerDb(Exchange ex) {
    ManagementApi.respond(
        ex,
        202,
        () -> {
          String actor = actor(ex);
          return jobs.submit(
              "rebuild-customerdb",
              actor,
              "customerdb",
              "customerdb from the masters",
              () -> {
                ObjectNode n = Json.object();
                for (Map.Entry<String, Resync.Result> e :
                    resync.rebuild("customerdb", "rebuild:" + actor).entrySet()) {
                  n.set(e.getKey(), e.getValue().toJson());
                }
                return n;
              });
        });
  }

  public void job(Exchange ex) {
    ManagementApi.respond(
        ex,
        200,
        () -> {
          UUID id = ManagementApi.uuid(ManagementApi.param(ex, "id"), "job id");
          ObjectNode job = jobs.get(id);
          if (job == null) {
            throw ApiException.notFound("no consistency job " + id + " on this instance");
          }
          return job;
        });
  }

  private static List<String> labels(Set<Pair> pairs) {
    return pairs.stream().map(Pair::label).toList();
  }
}
