package at.telco.hub.consistency;

import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.InvalidCanonicalEventException;
import at.telco.hub.canonical.Json;
import at.telco.hub.consistency.Difference.Kind;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import at.telco.hub.jdbc.Transactions.Decision;
import at.telco.hub.mapping.MappingException;
import at.telco.hub.sink.SinkWriter;
import at.telco.hub.sink.Sinks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares each master with its copies, record by record, and reports what differs; with repair,
 * re-sends the master's state of each differing record through the target's normal route.
 *
 * <p>A run reads the master in key order through a cursor and compares each slice of it with the
 * copies' rows of the same keys (by index) on a small pool ({@code hub.reconciliation.parallelism})
 * while the next slice is read; then it reads each copy's keys the same way for records the master
 * does not have. Nothing holds a whole table: at most the pool's slices and the one being read;
 * their findings are merged in read order, so a run reports what one slice after the other would.
 * What the copy should hold is worked out by the very mappings the routes use, as a canonical
 * projection compared as a whole (only for records that differ are the attribute names worked out,
 * and their events checked against the canonical schemas). A record found different is looked at
 * again after a settle time, so a change still on its way through the hub is not reported; only
 * what is still different then is. Reports carry keys and attribute names, never values.
 *
 * <p>One run at a time across all instances (a PostgreSQL advisory lock in the hub database).
 */
public final class Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private static final long LOCK_KEY = 0x6875625f72636e6cL; // "hub_rcnl"

  /**
   * Records of a master compared per task: the copies' rows are read for a slice at a time, and
   * what the tasks in flight hold (the records, their canonical events, the copies' rows) stays
   * small enough to die young. With slices of 1,000 and the master fetched 10,000 at a time, a
   * quarter of a run's CPU went to the collector: each young collection copied a hundred megabytes
   * of slices still in flight, and what did not fit was promoted and filled the old generation.
   */
  static final int SLICE = 250;

  /** The master's records fetched per round trip of its cursor (whole documents). */
  static final int FETCH = 4 * SLICE;

  /** How runs are done. */
  public record Options(
      int chunkSize,
      Duration settle,
      int maxListed,
      boolean repairAllowed,
      int repairChunk,
      String instance,
      int parallelism) {

    public Options {
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
      }
    }
  }

  /** A run is already going (on this or another instance). */
  public static final class AlreadyRunningException extends RuntimeException {
    AlreadyRunningException() {
      super("a reconciliation is already running");
    }
  }

  private final DataSource hub;
  private final IdentityRegistry registry;
  private final List<Pair> pairs;
  private final Map<Pair, Comparison> comparisons;
  private final Map<String, Pair> bySink = new LinkedHashMap<>();
  private final Sinks sinks;
  private final ReconciliationStore store;
  private final Resync resync;
  private final ConsistencyMetrics metrics;
  private final Clock clock;
  private final Options options;
  private AuditTrail audit;
  private at.telco.hub.observe.KeyHash keyHash;

  /**
   * @param comparisons how each pair is compared (every pair has one)
   * @param sinks the sinks' writers: their databases and column types
   */
  public Reconciler(
      DataSource hub,
      IdentityRegistry registry,
      Map<Pair, Comparison> comparisons,
      Sinks sinks,
      ReconciliationStore store,
      Resync resync,
      ConsistencyMetrics metrics,
      Clock clock,
      Options options) {
    this.hub = hub;
    this.registry = registry;
    this.pairs = List.copyOf(comparisons.keySet());
    this.comparisons = Map.copyOf(comparisons);
    this.sinks = sinks;
    this.store = store;
    this.resync = resync;
    this.metrics = metrics;
    this.clock = clock;
    this.options = options;
    for (Pair p : pairs) {
      bySink.put(p.target(), p);
    }
    for (Map.Entry<Pair, Comparison> e : comparisons.entrySet()) {
      for (String needed : e.getValue().needs()) {
        if (!bySink.containsKey(needed)
            || !bySink.get(needed).master().equals(e.getKey().master())) {
          throw new IllegalArgumentException(
              e.getKey()
                  + " compares with the rows of sink "
                  + needed
                  + ", which is not reconciled with "
                  + e.getKey().master().name());
        }
      }
    }
  }

  /** The pairs reconciliation compares, as the sinks declare them. */
  public List<Pair> pairs() {
    return pairs;
  }

  /**
   * The pair of a label ({@code crm->customerdb}).
   *
   * @throws IllegalArgumentException naming the pairs there are
   */
  public Pair pair(String label) {
    for (Pair p : pairs) {
      if (p.label().equals(label)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown reconciliation pair " + label + " (there are " + pairs + ")");
  }

  /** What a run found. */
  public record Outcome(
      UUID id,
      Map<Pair, Long> compared,
      List<Difference> differences,
      int notListed,
      int repaired) {

    public long count(Pair pair, Difference.Kind kind) {
      return differences.stream().filter(d -> d.pair() == pair && d.kind() == kind).count();
    }

    public ObjectNode toJson() {
      ObjectNode out = Json.object();
      out.put("id", id.toString());
      ObjectNode c = out.putObject("compared");
      compared.forEach((p, n) -> c.put(p.label(), n));
      ObjectNode d = out.putObject("differences");
      for (Difference diff : differences) {
        ObjectNode byPair = d.withObjectProperty(diff.pair().label());
        byPair.put(diff.kind().name(), byPair.path(diff.kind().name()).asLong() + 1);
      }
      out.put("notListed", notListed);
      out.put("repaired", repaired);
      return out;
    }
  }

  /** Whether repair may be asked for (hub.reconciliation.repair.enabled). */
  public boolean repairAllowed() {
    return options.repairAllowed();
  }

  /** Repairs are written to the audit trail (who asked, which record, what became of it). */
  public void auditWith(AuditTrail audit) {
    this.audit = audit;
  }

  /**
   * As {@link #auditWith(AuditTrail)}, the record's key written as a keyed hash (the append-only
   * trail must not keep business keys in clear: an erased person's key would stay for ever).
   */
  public void auditWith(AuditTrail audit, at.telco.hub.observe.KeyHash keyHash) {
    this.audit = audit;
    this.keyHash = keyHash;
  }

  /** Marks runs left RUNNING by an instance that died as FAILED (when no run holds the lock). */
  public void abandonStale() {
    try (Connection lock = hub.getConnection()) {
      if (tryLock(lock)) {
        try {
          store.abandon("the hub instance running it stopped before it finished");
        } finally {
          unlock(lock);
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /**
   * Runs the reconciliations a maintenance command asked for (a restore asks for a repairing one):
   * once, on one instance, after the routes have caught up. Repairs only where repair is enabled.
   */
  public void runRequested() {
    Transactions.decide(
        hub,
        "hub database",
        c -> {
          List<Long> ids = new ArrayList<>();
          List<String> reasons = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, reason FROM hub.maintenance_request WHERE kind = 'RECONCILE_REPAIR'"
                      + " AND done_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED")) {
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getLong(1));
                reasons.add(rs.getString(2));
              }
            }
          }
          if (ids.isEmpty()) {
            return Decision.rollback(null);
          }
          LOG.info("reconciliation requested: {}", reasons);
          if (!options.repairAllowed()) {
            LOG.warn(
                "repair is not enabled (hub.reconciliation.repair.enabled): the requested"
                    + " reconciliation only reports; repair what it finds through the API or"
                    + " CLI");
          }
          run(
              "restore",
              "maintenance request",
              new LinkedHashSet<>(pairs),
              options.repairAllowed());
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE hub.maintenance_request SET done_at = now()"
                      + " WHERE id = ANY(?::bigint[])")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            ps.executeUpdate();
          }
          return Decision.commit(null);
        });
  }

  /** The quartz schedule's entry: a run of every pair, repairing when the settings allow it. */
  public void scheduled() {
    try {
      run(
          "schedule",
          "schedule@" + options.instance(),
          new LinkedHashSet<>(pairs),
          options.repairAllowed());
    } catch (AlreadyRunningException e) {
      LOG.info("scheduled reconciliation skipped: another one is still running");
    }
  }

  /**
   * Runs a reconciliation of {@code pairs}.
   *
   * @param repair re-send the master's state of each differing record (only when repair is allowed
   *     by the settings)
   * @throws AlreadyRunningException when another run holds the lock
   */
  public Outcome run(String trigger, String requestedBy, Set<Pair> pairs, boolean repair) {
    if (repair && !options.repairAllowed()) {
      throw new IllegalStateException(
          "repair is not enabled (hub.reconciliation.repair.enabled=false)");
    }
    try (Connection lock = hub.getConnection()) {
      if (!tryLock(lock)) {
        throw new AlreadyRunningException();
      }
      try {
        return locked(trigger, requestedBy, pairs, repair);
      } finally {
        unlock(lock);
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  private Outcome locked(String trigger, String requestedBy, Set<Pair> pairs, boolean repair) {
    UUID id = UUID.randomUUID();
    Instant started = clock.instant();
    store.start(id, trigger, requestedBy, pairs, repair, started);
    LOG.info("reconciliation {} started ({}, pairs {}, repair {})", id, trigger, pairs, repair);
    Map<Pair, Long> compared = new LinkedHashMap<>();
    pairs.forEach(p -> compared.put(p, 0L));
    Suspects suspects = new Suspects(options.maxListed());
    try {
      for (Map.Entry<Master, Set<Pair>> m : byMaster(pairs).entrySet()) {
        long t = System.nanoTime();
        scanMaster(m.getKey(), m.getValue(), compared, suspects);
        LOG.info(
            "reconciliation {}: {} read and compared in {} ms",
            id,
            m.getKey().name(),
            (System.nanoTime() - t) / 1_000_000);
        for (Pair p : m.getValue()) {
          t = System.nanoTime();
          scanOrphans(p, compared, suspects);
          LOG.info(
              "reconciliation {}: {} searched for records {} does not have in {} ms",
              id,
              p.target(),
              m.getKey().name(),
              (System.nanoTime() - t) / 1_000_000);
        }
      }
      List<Difference> confirmed = confirm(suspects);
      store.differences(id, confirmed);
      int repaired = repair ? repair(id, requestedBy, confirmed) : 0;
      Outcome outcome = new Outcome(id, compared, confirmed, suspects.notListed, repaired);
      store.finish(
          id,
          "DONE",
          null,
          labels(compared),
          counts(confirmed, pairs),
          suspects.notListed,
          repaired,
          clock.instant());
      metrics.finished(outcome, pairs, started, clock.instant());
      LOG.info(
          "reconciliation {} done in {} ms: compared {}, {} differences{}",
          id,
          Duration.between(started, clock.instant()).toMillis(),
          labels(compared),
          confirmed.size() + suspects.notListed,
          repair ? ", " + repaired + " repaired" : "");
      return outcome;
    } catch (RuntimeException e) {
      store.finish(
          id,
          "FAILED",
          e.getMessage(),
          labels(compared),
          Map.of(),
          suspects.notListed,
          0,
          clock.instant());
      metrics.failed();
      throw e;
    }
  }

  private static Map<Master, Set<Pair>> byMaster(Collection<Pair> pairs) {
    Map<Master, Set<Pair>> out = new LinkedHashMap<>();
    for (Pair p : pairs) {
      out.computeIfAbsent(p.master(), m -> new LinkedHashSet<>()).add(p);
    }
    return out;
  }

  // ---------------------------------------------------------------- passes

  /**
   * Reads the master in key order (through a cursor, where it has one), comparing each slice with
   * the copies on the run's pool while the next slice is read.
   */
  private void scanMaster(
      Master master, Set<Pair> pairs, Map<Pair, Long> compared, Suspects suspects) {
    try (Chunks chunks = new Chunks(compared, suspects)) {
      master.all(
          Math.min(options.chunkSize(), FETCH),
          Math.min(options.chunkSize(), SLICE),
          records ->
              chunks.submit(
                  found ->
                      compare(master, records, pairs, found.compared, found.differences::add)));
      chunks.finish();
    }
  }

  /** Compares records of one master (present or absent) with the copies' rows of their keys. */
  private void compare(
      Master master,
      List<Master.Record> records,
      Set<Pair> pairs,
      Map<Pair, Long> compared,
      Consumer<Difference> found) {
    master.identify(records);
    // the copies read: the pairs', and those their comparisons need
    Set<Pair> read = new LinkedHashSet<>(pairs);
    for (Pair p : pairs) {
      comparisons.get(p).needs().forEach(n -> read.add(bySink.get(n)));
    }
    Map<Pair, Map<String, ObjectNode>> rows = new LinkedHashMap<>();
    for (Pair p : read) {
      rows.put(p, rowsOf(p, records));
    }
    for (Master.Record r : records) {
      judge(master, r, pairs, comparisons, bySink, rows, compared, found);
    }
  }

  /**
   * Compares one record of a master with the copies' rows of it ({@code rows}: by pair, by the
   * master's key). Its canonical event is made without the schema check, which only a record found
   * different needs: a record whose copies hold what it maps to is in step, whatever a check of its
   * event would say; one found different whose event the schemas refuse is UNMAPPABLE in each pair,
   * as the routes could not have sent it.
   */
  static void judge(
      Master master,
      Master.Record r,
      Set<Pair> pairs,
      Map<Pair, Comparison> comparisons,
      Map<String, Pair> bySink,
      Map<Pair, Map<String, ObjectNode>> rows,
      Map<Pair, Long> compared,
      Consumer<Difference> found) {
    CanonicalEvent event;
    try {
      event = master.unchecked(r);
    } catch (MappingException | InvalidCanonicalEventException e) {
      unmappable(r, pairs, e, compared, found);
      return;
    }
    List<Difference> differences = new ArrayList<>(1);
    RuntimeException failed = null;
    for (Pair p : pairs) {
      Comparison comparison = comparisons.get(p);
      Map<String, JsonNode> others = new LinkedHashMap<>();
      for (String n : comparison.needs()) {
        ObjectNode other = rows.get(bySink.get(n)).get(r.key());
        if (other != null) {
          others.put(n, other);
        }
      }
      try {
        Difference d =
            comparison.compare(
                p, new Comparison.Subject(r, event, rows.get(p).get(r.key()), others));
        if (d != null) {
          differences.add(d);
        }
      } catch (RuntimeException e) {
        failed = e; // an event the schemas would refuse may break a comparison
      }
    }
    if (event != null && (failed != null || !differences.isEmpty())) {
      try {
        master.check(event);
      } catch (InvalidCanonicalEventException e) {
        unmappable(r, pairs, e, compared, found);
        return;
      }
    }
    if (failed != null) {
      throw failed;
    }
    differences.forEach(found);
    for (Pair p : pairs) {
      compared.merge(p, 1L, Long::sum);
    }
  }

  /** A record the routes could not send on: unmappable in each of the pairs. */
  private static void unmappable(
      Master.Record r,
      Set<Pair> pairs,
      RuntimeException e,
      Map<Pair, Long> compared,
      Consumer<Difference> found) {
    for (Pair p : pairs) {
      found.accept(new Difference(p, r.key(), Kind.UNMAPPABLE, List.of(), e.getMessage()));
      compared.merge(p, 1L, Long::sum);
    }
  }

  /** The copy's rows of the records, by the master's key. */
  private Map<String, ObjectNode> rowsOf(Pair p, List<Master.Record> records) {
    Map<String, String> keyOf = new LinkedHashMap<>();
    for (Master.Record r : records) {
      String value = p.byCustomerId() ? r.customerId() : r.key();
      if (value != null) {
        keyOf.put(value, r.key());
      }
    }
    if (keyOf.isEmpty()) {
      return Map.of();
    }
    SinkWriter writer = sinks.writer(p.target());
    Map<String, ObjectNode> byValue;
    try (Connection c = writer.dataSource().getConnection()) {
      c.setReadOnly(true);
      byValue = TargetReads.rows(c, writer, p.by(), keyOf.keySet());
    } catch (SQLException e) {
      throw SqlFailures.translate(p.target(), e);
    }
    Map<String, ObjectNode> out = new HashMap<>();
    byValue.forEach((value, row) -> out.put(keyOf.get(value), row));
    return out;
  }

  /**
   * Reads a copy's keys (through a cursor, in the column's order) for records the master does not
   * have, each chunk looked up in the master on the run's pool while the next is read.
   */
  private void scanOrphans(Pair pair, Map<Pair, Long> compared, Suspects suspects) {
    SinkWriter writer = sinks.writer(pair.target());
    try (Chunks chunks = new Chunks(compared, suspects)) {
      Transactions.read(
          writer.dataSource(),
          pair.target(),
          c -> {
            TargetReads.allKeys(
                c,
                writer,
                pair.by(),
                options.chunkSize(),
                values -> chunks.submit(found -> orphans(pair, values, found)));
            return null;
          });
      chunks.finish();
    }
  }

  /** Compares the records of a chunk of a copy's keys that the master does not have. */
  private void orphans(Pair pair, List<String> values, Found found) {
    Master master = pair.master();
    List<String> keys = values;
    if (pair.byCustomerId()) {
      keys = masterKeys(pair, values, found.compared, found.differences::add);
    }
    Set<String> existing = keys.isEmpty() ? Set.of() : master.existing(keys);
    List<Master.Record> gone = new ArrayList<>();
    for (String key : keys) {
      if (!existing.contains(key)) {
        gone.add(master.absent(key));
      }
    }
    if (!gone.isEmpty()) {
      compare(master, gone, Set.of(pair), found.compared, found.differences::add);
    }
  }

  /** What the comparison of one chunk found, merged into the run's in the order chunks are read. */
  private static final class Found {
    final Map<Pair, Long> compared = new HashMap<>();
    final List<Difference> differences = new ArrayList<>();
  }

  /**
   * Slices compared on a pool of {@code hub.reconciliation.parallelism} threads while the reader
   * goes on: at most twice that many in flight (the reader waits for the oldest before it hands on
   * another), their findings merged in the order they were read, so a run reports as it would one
   * slice after the other. Closing it stops what is still running (after a failure).
   */
  private final class Chunks implements AutoCloseable {
    private final Map<Pair, Long> compared;
    private final Suspects suspects;
    private final ExecutorService pool;
    private final Deque<Future<Found>> inFlight = new ArrayDeque<>();

    Chunks(Map<Pair, Long> compared, Suspects suspects) {
      this.compared = compared;
      this.suspects = suspects;
      AtomicInteger n = new AtomicInteger();
      this.pool =
          Executors.newFixedThreadPool(
              options.parallelism(),
              r -> {
                Thread t = new Thread(r, "reconciliation-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }

    void submit(Consumer<Found> work) {
      // as many waiting as running, so no thread waits for the reader
      while (inFlight.size() >= 2 * options.parallelism()) {
        mergeOldest();
      }
      inFlight.add(
          pool.submit(
              () -> {
                Found found = new Found();
                work.accept(found);
                return found;
              }));
    }

    void finish() {
      while (!inFlight.isEmpty()) {
        mergeOldest();
      }
    }

    private void mergeOldest() {
      Found found;
      try {
        found = inFlight.peekFirst().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("reconciliation interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
      inFlight.removeFirst();
      found.compared.forEach((p, n) -> compared.merge(p, n, Long::sum));
      found.differences.forEach(suspects::add);
    }

    @Override
    public void close() {
      inFlight.forEach(f -> f.cancel(true));
      pool.shutdownNow();
    }
  }

  /**
   * The master's keys of customer ids a copy holds; an id the hub never assigned is a row the hub
   * did not write, reported as such (by the id: there is no master key).
   */
  private List<String> masterKeys(
      Pair pair, List<String> customerIds, Map<Pair, Long> compared, Consumer<Difference> found) {
    Map<UUID, String> accounts =
        registry.accounts(customerIds.stream().map(UUID::fromString).toList());
    List<String> keys = new ArrayList<>();
    for (String id : customerIds) {
      String account = accounts.get(UUID.fromString(id));
      if (account != null) {
        keys.add(account);
      } else {
        found.accept(
            new Difference(
                pair,
                id,
                Kind.EXTRA,
                List.of(),
                "not written by the hub (no CRM account has this customer_id): a person decides"
                    + " whether it goes"));
        compared.merge(pair, 1L, Long::sum);
      }
    }
    return keys;
  }

  // ---------------------------------------------------------------- confirm

  /** Records found different, looked at again once the settle time has passed. */
  private static final class Suspects {
    final int max;
    final Map<Pair, Map<String, Difference>> byPair = new LinkedHashMap<>();
    int listed;
    int notListed;
    Instant lastFound;

    Suspects(int max) {
      this.max = max;
    }

    void add(Difference d) {
      lastFound = Instant.now();
      if (listed >= max) {
        notListed++;
        return;
      }
      if (byPair.computeIfAbsent(d.pair(), p -> new TreeMap<>()).put(d.key(), d) == null) {
        listed++;
      }
    }
  }

  private List<Difference> confirm(Suspects suspects) {
    if (suspects.listed == 0) {
      return List.of();
    }
    Duration wait = options.settle().minus(Duration.between(suspects.lastFound, Instant.now()));
    if (!wait.isNegative() && !wait.isZero()) {
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("reconciliation interrupted", e);
      }
    }
    return recheck(suspects.byPair);
  }

  /**
   * Compares the given records again, now; returns those that still differ (pair by pair, in the
   * order given). The pairs of one master share its reads: a record suspected in two copies is read
   * once (the CRM's contacts and addresses, without an index by account, are scanned once per chunk
   * of keys, not once per pair).
   */
  List<Difference> recheck(Map<Pair, ? extends Map<String, Difference>> byPair) {
    Map<Pair, List<Difference>> still = new LinkedHashMap<>();
    Map<Master, Map<Pair, Set<String>>> byMaster = new LinkedHashMap<>();
    for (Map.Entry<Pair, ? extends Map<String, Difference>> e : byPair.entrySet()) {
      Pair pair = e.getKey();
      List<Difference> found = still.computeIfAbsent(pair, p -> new ArrayList<>());
      Set<String> keys =
          byMaster
              .computeIfAbsent(pair.master(), m -> new LinkedHashMap<>())
              .computeIfAbsent(pair, p -> new LinkedHashSet<>());
      for (Difference d : e.getValue().values()) {
        if (d.reason() != null && d.kind() == Kind.EXTRA && pair.byCustomerId()) {
          found.add(d); // a row by an id the hub never assigned: nothing to read again
        } else {
          keys.add(d.key());
        }
      }
    }
    for (Map.Entry<Master, Map<Pair, Set<String>>> m : byMaster.entrySet()) {
      Master master = m.getKey();
      Set<String> union = new TreeSet<>();
      m.getValue().values().forEach(union::addAll);
      List<String> keys = new ArrayList<>(union);
      for (int i = 0; i < keys.size(); i += options.chunkSize()) {
        List<Master.Record> records =
            master.byKeys(keys.subList(i, Math.min(keys.size(), i + options.chunkSize())));
        for (Map.Entry<Pair, Set<String>> p : m.getValue().entrySet()) {
          List<Master.Record> mine =
              records.stream().filter(r -> p.getValue().contains(r.key())).toList();
          if (!mine.isEmpty()) {
            compare(master, mine, Set.of(p.getKey()), new HashMap<>(), still.get(p.getKey())::add);
          }
        }
      }
    }
    List<Difference> out = new ArrayList<>();
    still.values().forEach(out::addAll);
    return out;
  }

  // ---------------------------------------------------------------- repair

  private int repair(UUID run, String requestedBy, List<Difference> differences) {
    Map<Pair, List<Difference>> todo = new LinkedHashMap<>();
    for (Pair p : repairOrder()) {
      todo.put(p, new ArrayList<>());
    }
    for (Difference d : differences) {
      if (d.repairable()) {
        todo.get(d.pair()).add(d);
      } else {
        store.repair(run, d, "NOT_REPAIRABLE", clock.instant());
        audit(requestedBy, run, d, "not-repairable");
      }
    }
    String reason = "reconciliation:" + run;
    int repaired = 0;
    for (Map.Entry<Pair, List<Difference>> e : todo.entrySet()) {
      Pair pair = e.getKey();
      List<Difference> list = e.getValue();
      for (int i = 0; i < list.size(); i += options.repairChunk()) {
        List<Difference> chunk = list.subList(i, Math.min(list.size(), i + options.repairChunk()));
        List<String> keys = chunk.stream().map(Difference::key).toList();
        pair.master().resend(resync, keys, pair.target(), reason);
        // repaired is what compares equal afterwards, not what was sent
        Map<String, Difference> sent = new TreeMap<>();
        chunk.forEach(d -> sent.put(d.key(), d));
        Set<String> stillDifferent = new LinkedHashSet<>();
        recheck(Map.of(pair, sent)).forEach(d -> stillDifferent.add(d.key()));
        for (Difference d : chunk) {
          boolean ok = !stillDifferent.contains(d.key());
          store.repair(run, d, ok ? "REPAIRED" : "NOT_REPAIRED", clock.instant());
          audit(requestedBy, run, d, ok ? "repaired" : "not-repaired");
          if (ok) {
            repaired++;
          }
        }
      }
    }
    metrics.repaired(repaired);
    return repaired;
  }

  /**
   * The pairs in the order repairs go: a copy whose rows another comparison shows first (billing's
   * customer number, which a customer billing gets anew only then has, is shown by customerdb).
   */
  List<Pair> repairOrder() {
    List<Pair> order = new ArrayList<>();
    for (Pair p : pairs) {
      for (String n : comparisons.get(p).needs()) {
        Pair needed = bySink.get(n);
        if (!order.contains(needed)) {
          order.add(needed);
        }
      }
      if (!order.contains(p)) {
        order.add(p);
      }
    }
    return order;
  }

  private void audit(String requestedBy, UUID run, Difference d, String outcome) {
    if (audit != null) {
      // the key (as a keyed hash) and the attribute names, never values
      audit.record(
          new AuditTrail.Entry(
              requestedBy,
              "reconciliation-repair",
              null,
              d.pair().target(),
              null,
              null,
              outcome,
              d.pair().label()
                  + " "
                  + (keyHash == null ? d.key() : "key#" + keyHash.hash(d.key()))
                  + " "
                  + d.kind()
                  + " "
                  + d.attributes(),
              run));
    }
  }

  // ----------------------------------------------------------------

  private static boolean tryLock(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      ps.setLong(1, LOCK_KEY);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static void unlock(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      ps.setLong(1, LOCK_KEY);
      ps.executeQuery().close();
    }
  }

  private static Map<String, Long> labels(Map<Pair, Long> compared) {
    Map<String, Long> out = new TreeMap<>();
    compared.forEach((p, n) -> out.put(p.label(), n));
    return out;
  }

  static Map<String, Map<String, Long>> counts(Collection<Difference> diffs, Set<Pair> pairs) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (Pair p : pairs) {
      Map<String, Long> kinds = new TreeMap<>();
      for (Difference.Kind k : Difference.Kind.values()) {
        kinds.put(k.name(), 0L);
      }
      out.put(p.label(), kinds);
    }
    for (Difference d : diffs) {
      out.get(d.pair().label()).merge(d.kind().name(), 1L, Long::sum);
    }
    return out;
  }
}
