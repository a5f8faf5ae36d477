package at.telco.hub.consistency;

import at.telco.hub.audit.AuditTrail;
import at.telco.hub.canonical.Json;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import at.telco.hub.jdbc.Transactions.Decision;
import at.telco.hub.source.billing.BillingSnapshots;
import at.telco.hub.source.crm.CrmSnapshots;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares each master with its copies, record by record, and reports what differs; with repair,
 * re-sends the master's state of each differing record through the target's normal route.
 *
 * <p>A run reads the master in key order, a chunk at a time (keyset pagination), and for each chunk
 * the copies' rows of the same keys (by index); then it pages through each copy's keys for records
 * the master does not have. Nothing holds a whole table. What the copy should hold is worked out by
 * the very mappings the routes use, as a canonical projection compared by hash (only for records
 * whose hashes differ are the attribute names worked out). A record found different is looked at
 * again after a settle time, so a change still on its way through the hub is not reported; only
 * what is still different then is. Reports carry keys and attribute names, never values.
 *
 * <p>One run at a time across all instances (a PostgreSQL advisory lock in the hub database).
 */
public final class Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private static final long LOCK_KEY = 0x6875625f72636e6cL; // "hub_rcnl"

  /** How runs are done. */
  public record Options(
      int chunkSize,
      Duration settle,
      int maxListed,
      boolean repairAllowed,
      int repairChunk,
      String instance) {}

  /** A run is already going (on this or another instance). */
  public static final class AlreadyRunningException extends RuntimeException {
    AlreadyRunningException() {
      super("a reconciliation is already running");
    }
  }

  private final DataSource crm;
  private final DataSource billing;
  private final DataSource customerdb;
  private final DataSource hub;
  private final IdentityRegistry registry;
  private final CustomerComparison customers;
  private final BillingAccountComparison accounts;
  private final ReconciliationStore store;
  private final Resync resync;
  private final ConsistencyMetrics metrics;
  private final Clock clock;
  private final Options options;
  private AuditTrail audit;

  public Reconciler(
      DataSource crm,
      DataSource billing,
      DataSource customerdb,
      DataSource hub,
      IdentityRegistry registry,
      CustomerComparison customers,
      BillingAccountComparison accounts,
      ReconciliationStore store,
      Resync resync,
      ConsistencyMetrics metrics,
      Clock clock,
      Options options) {
    this.crm = crm;
    this.billing = billing;
    this.customerdb = customerdb;
    this.hub = hub;
    this.registry = registry;
    this.customers = customers;
    this.accounts = accounts;
    this.store = store;
    this.resync = resync;
    this.metrics = metrics;
    this.clock = clock;
    this.options = options;
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
          run("restore", "maintenance request", EnumSet.allOf(Pair.class), options.repairAllowed());
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
          EnumSet.allOf(Pair.class),
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
    Map<Pair, Long> compared = new EnumMap<>(Pair.class);
    pairs.forEach(p -> compared.put(p, 0L));
    Suspects suspects = new Suspects(options.maxListed());
    try {
      if (pairs.contains(Pair.CRM_CUSTOMERDB) || pairs.contains(Pair.CRM_BILLING)) {
        Set<Pair> customerPairs = EnumSet.copyOf(pairs);
        customerPairs.remove(Pair.BILLING_CUSTOMERDB);
        scanCrm(customerPairs, compared, suspects);
        if (pairs.contains(Pair.CRM_CUSTOMERDB)) {
          scanOrphans(customerdb, "customerdb.customer", Pair.CRM_CUSTOMERDB, compared, suspects);
        }
        if (pairs.contains(Pair.CRM_BILLING)) {
          scanOrphans(billing, "billing.customer", Pair.CRM_BILLING, compared, suspects);
        }
      }
      if (pairs.contains(Pair.BILLING_CUSTOMERDB)) {
        scanBillingAccounts(compared, suspects);
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

  // ---------------------------------------------------------------- passes

  private void scanCrm(Set<Pair> pairs, Map<Pair, Long> compared, Suspects suspects) {
    String after = "";
    while (true) {
      List<ObjectNode> docs;
      try (Connection c = crm.getConnection()) {
        c.setReadOnly(true);
        docs = CrmSnapshots.after(c, after, options.chunkSize());
      } catch (SQLException e) {
        throw SqlFailures.translate("crm", e);
      }
      if (docs.isEmpty()) {
        return;
      }
      after = Json.text(docs.get(docs.size() - 1), "accountId");
      compareCustomers(docs, pairs, compared, suspects::add);
      if (docs.size() < options.chunkSize()) {
        return;
      }
    }
  }

  /** Compares CRM documents (existing or deleted accounts) with the copies' rows of their keys. */
  private void compareCustomers(
      List<ObjectNode> docs,
      Set<Pair> pairs,
      Map<Pair, Long> compared,
      Consumer<Difference> found) {
    Set<String> keys = new LinkedHashSet<>();
    docs.forEach(d -> keys.add(Json.text(d, "accountId")));
    Map<String, UUID> ids = registry.identify(keys);
    Map<String, ObjectNode> inCustomerDb = Map.of();
    Map<String, ObjectNode> inBilling;
    try (Connection c = billing.getConnection()) {
      c.setReadOnly(true);
      // customerdb's billing_cust_no is compared with billing's cust_no
      inBilling = TargetReads.billingCustomers(c, keys);
    } catch (SQLException e) {
      throw SqlFailures.translate("billing", e);
    }
    if (pairs.contains(Pair.CRM_CUSTOMERDB)) {
      try (Connection c = customerdb.getConnection()) {
        c.setReadOnly(true);
        inCustomerDb = TargetReads.customerDbCustomers(c, keys);
      } catch (SQLException e) {
        throw SqlFailures.translate("customerdb", e);
      }
    }
    for (ObjectNode doc : docs) {
      String key = Json.text(doc, "accountId");
      doc.put("customerId", ids.get(key).toString());
      for (Difference d :
          customers.compare(doc, inCustomerDb.get(key), inBilling.get(key), pairs)) {
        found.accept(d);
      }
      pairs.forEach(p -> compared.merge(p, 1L, Long::sum));
    }
  }

  /** Pages through a copy's CRM account keys for accounts the CRM does not have. */
  private void scanOrphans(
      DataSource copy, String table, Pair pair, Map<Pair, Long> compared, Suspects suspects) {
    String after = "";
    while (true) {
      List<String> keys;
      try (Connection c = copy.getConnection()) {
        c.setReadOnly(true);
        keys = TargetReads.keysAfter(c, table, "crm_account_id", after, options.chunkSize());
      } catch (SQLException e) {
        throw SqlFailures.translate(pair.target(), e);
      }
      if (keys.isEmpty()) {
        return;
      }
      after = keys.get(keys.size() - 1);
      Set<String> inCrm;
      try (Connection c = crm.getConnection()) {
        c.setReadOnly(true);
        inCrm = TargetReads.existing(c, "crm.account", "account_id", keys);
      } catch (SQLException e) {
        throw SqlFailures.translate("crm", e);
      }
      List<ObjectNode> gone = new ArrayList<>();
      for (String key : keys) {
        if (!inCrm.contains(key)) {
          gone.add(CustomerComparison.deleted(key, null));
        }
      }
      if (!gone.isEmpty()) {
        Map<Pair, Long> counted = new EnumMap<>(Pair.class);
        compareCustomers(gone, EnumSet.of(pair), counted, suspects::add);
        compared.merge(pair, counted.getOrDefault(pair, 0L), Long::sum);
      }
      if (keys.size() < options.chunkSize()) {
        return;
      }
    }
  }

  private void scanBillingAccounts(Map<Pair, Long> compared, Suspects suspects) {
    String after = "";
    while (true) {
      Map<String, ObjectNode> states;
      try (Connection c = billing.getConnection()) {
        c.setReadOnly(true);
        states = BillingSnapshots.after(c, after, options.chunkSize());
      } catch (SQLException e) {
        throw SqlFailures.translate("billing", e);
      }
      if (states.isEmpty()) {
        break;
      }
      List<String> keys = new ArrayList<>(states.keySet());
      after = keys.get(keys.size() - 1);
      compareAccounts(states, compared, suspects::add);
      if (states.size() < options.chunkSize()) {
        break;
      }
    }
    // customerdb's billing accounts that billing does not have
    after = "";
    while (true) {
      List<String> keys;
      try (Connection c = customerdb.getConnection()) {
        c.setReadOnly(true);
        keys =
            TargetReads.keysAfter(
                c, "customerdb.billing_account", "ba_no", after, options.chunkSize());
      } catch (SQLException e) {
        throw SqlFailures.translate("customerdb", e);
      }
      if (keys.isEmpty()) {
        return;
      }
      after = keys.get(keys.size() - 1);
      Set<String> inBilling;
      try (Connection c = billing.getConnection()) {
        c.setReadOnly(true);
        inBilling = TargetReads.existing(c, "billing.billing_account", "ba_no", keys);
      } catch (SQLException e) {
        throw SqlFailures.translate("billing", e);
      }
      Map<String, ObjectNode> gone = new LinkedHashMap<>();
      for (String key : keys) {
        if (!inBilling.contains(key)) {
          ObjectNode none = Json.object();
          none.putNull("account");
          gone.put(key, none);
        }
      }
      if (!gone.isEmpty()) {
        compareAccounts(gone, compared, suspects::add);
      }
      if (keys.size() < options.chunkSize()) {
        return;
      }
    }
  }

  private void compareAccounts(
      Map<String, ObjectNode> states, Map<Pair, Long> compared, Consumer<Difference> found) {
    resync.identifyCustomers(states);
    Map<String, ObjectNode> actual;
    try (Connection c = customerdb.getConnection()) {
      c.setReadOnly(true);
      actual = TargetReads.customerDbBillingAccounts(c, states.keySet());
    } catch (SQLException e) {
      throw SqlFailures.translate("customerdb", e);
    }
    for (Map.Entry<String, ObjectNode> s : states.entrySet()) {
      JsonNode state = s.getValue().path("account").isObject() ? s.getValue() : null;
      Difference d = accounts.compare(s.getKey(), state, actual.get(s.getKey()));
      if (d != null) {
        found.accept(d);
      }
      compared.merge(Pair.BILLING_CUSTOMERDB, 1L, Long::sum);
    }
  }

  // ---------------------------------------------------------------- confirm

  /** Records found different, looked at again once the settle time has passed. */
  private static final class Suspects {
    final int max;
    final Map<Pair, Map<String, Difference>> byPair = new EnumMap<>(Pair.class);
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

  /** Compares the given records again, now; returns those that still differ. */
  List<Difference> recheck(Map<Pair, ? extends Map<String, Difference>> byPair) {
    List<Difference> still = new ArrayList<>();
    for (Map.Entry<Pair, ? extends Map<String, Difference>> e : byPair.entrySet()) {
      List<String> keys = new ArrayList<>(e.getValue().keySet());
      for (int i = 0; i < keys.size(); i += options.chunkSize()) {
        List<String> chunk = keys.subList(i, Math.min(keys.size(), i + options.chunkSize()));
        if (e.getKey() == Pair.BILLING_CUSTOMERDB) {
          Map<String, ObjectNode> states;
          try (Connection c = billing.getConnection()) {
            c.setReadOnly(true);
            states = BillingSnapshots.byIds(c, chunk, List.of());
          } catch (SQLException ex) {
            throw SqlFailures.translate("billing", ex);
          }
          compareAccounts(states, new EnumMap<>(Pair.class), still::add);
        } else {
          List<ObjectNode> docs;
          try (Connection c = crm.getConnection()) {
            c.setReadOnly(true);
            docs = CrmSnapshots.byIds(c, chunk);
          } catch (SQLException ex) {
            throw SqlFailures.translate("crm", ex);
          }
          compareCustomers(docs, EnumSet.of(e.getKey()), new EnumMap<>(Pair.class), still::add);
        }
      }
    }
    return still;
  }

  // ---------------------------------------------------------------- repair

  private int repair(UUID run, String requestedBy, List<Difference> differences) {
    // billing first: a customer billing gets anew has a new cust_no, which customerdb then shows
    Map<Pair, List<Difference>> todo = new LinkedHashMap<>();
    todo.put(Pair.CRM_BILLING, new ArrayList<>());
    todo.put(Pair.CRM_CUSTOMERDB, new ArrayList<>());
    todo.put(Pair.BILLING_CUSTOMERDB, new ArrayList<>());
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
      List<Difference> list = e.getValue();
      for (int i = 0; i < list.size(); i += options.repairChunk()) {
        List<Difference> chunk = list.subList(i, Math.min(list.size(), i + options.repairChunk()));
        List<String> keys = chunk.stream().map(Difference::key).toList();
        switch (e.getKey()) {
          case CRM_CUSTOMERDB -> resync.customers(keys, Set.of("customerdb"), reason);
          case CRM_BILLING -> resync.customers(keys, Set.of("billing"), reason);
          case BILLING_CUSTOMERDB -> resync.billingAccounts(keys, reason);
        }
        // repaired is what compares equal afterwards, not what was sent
        Map<String, Difference> sent = new TreeMap<>();
        chunk.forEach(d -> sent.put(d.key(), d));
        Set<String> stillDifferent = new LinkedHashSet<>();
        recheck(Map.of(e.getKey(), sent)).forEach(d -> stillDifferent.add(d.key()));
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

  private void audit(String requestedBy, UUID run, Difference d, String outcome) {
    if (audit != null) {
      // the key and the attribute names, never values
      audit.record(
          new AuditTrail.Entry(
              requestedBy,
              "reconciliation-repair",
              null,
              d.pair().target(),
              null,
              null,
              outcome,
              d.pair().label() + " " + d.key() + " " + d.kind() + " " + d.attributes(),
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
