package at.telco.hub.api;

import at.telco.hub.api.OverviewRules.Rag;
import at.telco.hub.api.OverviewRules.Verdict;
import at.telco.hub.canonical.Json;
import at.telco.hub.consistency.ReconciliationStore;
import at.telco.hub.consistency.SchemaDrift;
import at.telco.hub.observe.ChangeRates;
import at.telco.hub.observe.Observations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/overview}: the hub at a glance for the console's first page. Per flow its
 * polled sources (backlog, changes per minute) and its targets (consumer lag, end-to-end latency
 * p95, open dead letters and the oldest one's age, changes per minute over the last hour); then
 * parked messages, overdue provisioning commands, the last reconciliation's differences, schema
 * drift and the readiness of each system. Each part is red, amber or green with the reason in words
 * ({@link OverviewRules}).
 *
 * <p>Everything comes from what the hub samples anyway (the gauges of {@link Observations}, every
 * {@code hub.observe.interval-ms}, and {@link ChangeRates}) and two small reads (the newest
 * reconciliation runs, the schema drift in memory): a console asking every few seconds costs the
 * systems nothing. The answer is kept for a second, for many consoles at once.
 */
public final class OverviewApi {

  private final MeterRegistry registry;
  private final ChangeRates rates;
  private final Supplier<ArrayNode> newestRun;
  private final Supplier<ObjectNode> lastFinishedRun;
  private final Supplier<Map<String, List<SchemaDrift.Finding>>> driftFindings;
  private final Supplier<List<Observations.Readiness>> readiness;
  private final OverviewRules rules;
  private final Map<String, String> flows;
  private final int refreshSeconds;
  private final Clock clock;
  private ObjectNode cached;
  private long cachedAt;

  /**
   * @param flows the flow of each target, source or topic that no latency names (e.g. {@code
   *     canonical.customer.v1 -> customer}); what is in none is under the flow "other"
   */
  public OverviewApi(
      MeterRegistry registry,
      ChangeRates rates,
      Observations observations,
      ReconciliationStore reconciliations,
      SchemaDrift drift,
      OverviewRules rules,
      Map<String, String> flows,
      int refreshSeconds,
      Clock clock) {
    this(
        registry,
        rates,
        () -> reconciliations.runs(1),
        reconciliations::latestFinished,
        drift::findings,
        observations::readiness,
        rules,
        flows,
        refreshSeconds,
        clock);
  }

  /** With the stores as functions (for tests). */
  OverviewApi(
      MeterRegistry registry,
      ChangeRates rates,
      Supplier<ArrayNode> newestRun,
      Supplier<ObjectNode> lastFinishedRun,
      Supplier<Map<String, List<SchemaDrift.Finding>>> driftFindings,
      Supplier<List<Observations.Readiness>> readiness,
      OverviewRules rules,
      Map<String, String> flows,
      int refreshSeconds,
      Clock clock) {
    this.registry = registry;
    this.rates = rates;
    this.newestRun = newestRun;
    this.lastFinishedRun = lastFinishedRun;
    this.driftFindings = driftFindings;
    this.readiness = readiness;
    this.rules = rules;
    this.flows = Map.copyOf(flows);
    this.refreshSeconds = refreshSeconds;
    this.clock = clock;
  }

  public void overview(Exchange ex) {
    ManagementApi.respond(ex, 200, this::current);
  }

  synchronized ObjectNode current() {
    long now = clock.millis();
    if (cached == null || now - cachedAt >= 1000) {
      cached = build();
      cachedAt = now;
    }
    return cached;
  }

  /** What a target is made of in the gauges. */
  private static final class Target {
    final String name;
    String flow;
    double lag;
    boolean lagKnown;
    final List<String> topics = new ArrayList<>();
    boolean deadLettersWatched;
    double deadLetters = Double.NaN;
    double oldestDeadLetter = Double.NaN;

    Target(String name) {
      this.name = name;
    }
  }

  ObjectNode build() {
    ObjectNode out = Json.object();
    out.put("at", Instant.ofEpochMilli(clock.millis()).toString());
    out.put("refreshSeconds", refreshSeconds);
    out.put("minutes", ChangeRates.MINUTES);
    out.put("latencyMinutes", ChangeRates.LATENCY_MINUTES);
    List<Verdict> all = new ArrayList<>();

    // ---- targets and sources, by flow
    Map<String, String> latencyFlows = rates.flowsOfTargets();
    Map<String, Target> targets = new TreeMap<>();
    for (Gauge g : registry.find("hub.consumer.lag.records").gauges()) {
      Target t = targets.computeIfAbsent(g.getId().getTag("target"), Target::new);
      String topic = g.getId().getTag("topic");
      t.topics.add(topic);
      double v = g.value();
      t.lag = t.lagKnown && !Double.isNaN(t.lag) ? t.lag + v : v;
      t.lagKnown = true;
      if (t.flow == null) {
        t.flow = flows.get(topic);
      }
    }
    for (Gauge g : registry.find("hub.dead.letters.queued").gauges()) {
      Target t = targets.computeIfAbsent(g.getId().getTag("target"), Target::new);
      t.deadLettersWatched = true;
      t.deadLetters = g.value();
    }
    for (Gauge g : registry.find("hub.dead.letters.oldest.age").gauges()) {
      targets.computeIfAbsent(g.getId().getTag("target"), Target::new).oldestDeadLetter = g.value();
    }
    registry
        .find("hub.target.changes")
        .counters()
        .forEach(c -> targets.computeIfAbsent(c.getId().getTag("target"), Target::new));
    latencyFlows.keySet().forEach(name -> targets.computeIfAbsent(name, Target::new));

    Map<String, ObjectNode> flowNodes = new TreeMap<>(Comparator.comparing(this::flowOrder));
    for (Target t : targets.values()) {
      String flow = latencyFlows.getOrDefault(t.name, t.flow);
      if (flow == null) {
        flow = flows.getOrDefault(t.name, "other");
      }
      ObjectNode n = flowNode(flowNodes, flow).withArray("targets").addObject();
      n.put("target", t.name);
      ArrayNode topics = n.putArray("topics");
      t.topics.forEach(topics::add);
      List<Verdict> verdicts = new ArrayList<>();
      if (t.lagKnown) {
        number(n, "lag", t.lag);
        verdicts.add(rules.lag(t.name, t.lag));
      } else {
        n.putNull("lag");
      }
      double p95 = rates.p95Seconds(flow, t.name);
      number(n, "latencyP95Seconds", p95);
      verdicts.add(rules.latency(t.name, p95));
      if (!t.deadLettersWatched) {
        n.putNull("deadLetters"); // a consumer without a dead-letter queue of its own
      } else {
        ObjectNode dl = n.putObject("deadLetters");
        number(dl, "open", t.deadLetters);
        number(dl, "oldestAgeSeconds", t.deadLetters > 0 ? t.oldestDeadLetter : Double.NaN);
        verdicts.add(
            rules.deadLetters(
                t.name, t.deadLetters, t.deadLetters > 0 ? t.oldestDeadLetter : Double.NaN));
      }
      series(n, "target:" + t.name);
      verdict(n, verdicts, all);
    }
    for (Gauge g : registry.find("hub.source.backlog.changes").gauges()) {
      String source = g.getId().getTag("source");
      Gauge ageGauge = registry.find("hub.source.backlog.oldest.age").tag("source", source).gauge();
      double age = ageGauge == null ? Double.NaN : ageGauge.value();
      ObjectNode n =
          flowNode(flowNodes, flows.getOrDefault(source, "other")).withArray("sources").addObject();
      n.put("source", source);
      number(n, "backlog", g.value());
      number(n, "oldestAgeSeconds", age);
      series(n, "source:" + source);
      verdict(n, List.of(rules.backlog(source, g.value(), age)), all);
    }
    ArrayNode flowList = out.putArray("flows");
    for (ObjectNode f : flowNodes.values()) {
      List<Verdict> worst = new ArrayList<>();
      for (String part : List.of("sources", "targets")) {
        for (JsonNode n : f.withArray(part)) {
          worst.add(new Verdict(Rag.valueOf(n.path("status").asText().toUpperCase()), null));
        }
      }
      f.put("status", OverviewRules.worst(worst).label());
      flowList.add(f);
    }

    // ---- parked messages
    ArrayNode parked = out.putArray("parked");
    for (Gauge g : registry.find("hub.parked.messages").gauges()) {
      ObjectNode n = parked.addObject();
      String queue = g.getId().getTag("queue");
      n.put("queue", queue);
      number(n, "messages", g.value());
      verdict(n, List.of(rules.parked(queue, g.value())), all);
    }

    // ---- provisioning commands
    Gauge overdue = registry.find("hub.provisioning.commands.overdue").gauge();
    if (overdue != null) {
      ObjectNode n = out.putObject("provisioning");
      Gauge pending = registry.find("hub.provisioning.commands.pending").gauge();
      number(n, "pending", pending == null ? Double.NaN : pending.value());
      number(n, "overdue", overdue.value());
      verdict(n, List.of(rules.overdue(overdue.value())), all);
    }

    // ---- the last reconciliation
    ObjectNode rec = out.putObject("reconciliation");
    try {
      ArrayNode newest = newestRun.get();
      boolean newestFailed =
          !newest.isEmpty() && "FAILED".equals(newest.get(0).path("status").asText());
      ObjectNode last = lastFinishedRun.get();
      Long differences = null;
      if (last != null) {
        long d = 0;
        for (JsonNode kinds : last.path("differences")) {
          for (JsonNode c : kinds) {
            d += c.asLong();
          }
        }
        differences = d;
        ObjectNode l = rec.putObject("last");
        l.put("id", last.path("id").asText());
        l.put("startedAt", last.path("startedAt").asText());
        l.set("finishedAt", last.path("finishedAt"));
        l.put("differences", d);
        l.set("byPair", last.path("differences"));
      } else {
        rec.putNull("last");
      }
      verdict(rec, List.of(rules.reconciliation(differences, newestFailed)), all);
    } catch (RuntimeException e) {
      rec.putNull("last");
      verdict(
          rec,
          List.of(
              new Verdict(Rag.AMBER, "reconciliation: runs unknown (hub database not answering)")),
          all);
    }

    // ---- schema drift
    ObjectNode driftNode = out.putObject("schemaDrift");
    ObjectNode systems = driftNode.putObject("systems");
    List<Verdict> driftVerdicts = new ArrayList<>();
    driftFindings
        .get()
        .forEach(
            (system, findings) -> {
              systems.put(system, findings.size());
              driftVerdicts.add(
                  rules.drift(
                      system,
                      findings.size(),
                      findings.isEmpty() ? null : findings.get(0).toString()));
            });
    verdict(driftNode, driftVerdicts, all);

    // ---- readiness
    ObjectNode ready = out.putObject("readiness");
    ArrayNode checks = ready.putArray("checks");
    List<Verdict> readyVerdicts = new ArrayList<>();
    for (Observations.Readiness r : readiness.get()) {
      ObjectNode c = checks.addObject();
      c.put("check", r.check());
      c.put("up", r.up());
      if (!r.up() && r.message() != null) {
        c.put("message", r.message());
      }
      readyVerdicts.add(rules.readiness(r.check(), r.up(), r.message()));
    }
    verdict(ready, readyVerdicts, all);

    out.put("status", OverviewRules.worst(all).label());
    ArrayNode reasons = out.putArray("reasons");
    all.stream()
        .filter(v -> v.reason() != null)
        .sorted(Comparator.comparing((Verdict v) -> v.rag()).reversed())
        .forEach(
            v -> {
              ObjectNode r = reasons.addObject();
              r.put("status", v.rag().label());
              r.put("reason", v.reason());
            });
    return out;
  }

  private int flowOrder(String flow) {
    int i = List.of("customer", "billing", "network").indexOf(flow);
    return i < 0 ? 3 : i;
  }

  private static ObjectNode flowNode(Map<String, ObjectNode> nodes, String flow) {
    return nodes.computeIfAbsent(
        flow,
        f -> {
          ObjectNode n = Json.object();
          n.put("flow", f);
          n.putArray("sources");
          n.putArray("targets");
          return n;
        });
  }

  private void series(ObjectNode n, String series) {
    long[] perMinute = rates.perMinute(series);
    ArrayNode a = n.putArray("changesPerMinute");
    long hour = 0;
    for (long c : perMinute) {
      a.add(c);
      hour += c;
    }
    n.put("changesLastHour", hour);
  }

  private static void verdict(ObjectNode n, List<Verdict> verdicts, List<Verdict> all) {
    n.put("status", OverviewRules.worst(verdicts).label());
    ArrayNode reasons = n.putArray("reasons");
    for (Verdict v : verdicts) {
      if (v.reason() != null) {
        reasons.add(v.reason());
      }
    }
    all.addAll(verdicts);
  }

  private static void number(ObjectNode n, String field, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      n.putNull(field);
    } else if (v == Math.rint(v)) {
      n.put(field, (long) v);
    } else {
      n.put(field, Math.round(v * 1000) / 1000.0);
    }
  }

  /** The flow of each topic, source and dead-letter target the hub knows, for the wiring. */
  static Map<String, String> flowsOf(Map<String, String> topics) {
    Map<String, String> m = new LinkedHashMap<>(topics);
    m.put("crm.change_log", "customer");
    m.put("canonical-customer", "customer");
    m.put("billing.event_out", "billing");
    m.put("canonical-billing", "billing");
    m.put("canonical-service", "network");
    m.put("network-inventory", "network");
    return m;
  }
}
