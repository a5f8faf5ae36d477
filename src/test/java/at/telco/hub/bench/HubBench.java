package at.telco.hub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.embedded.SystemDatabases;
import at.telco.hub.mapping.Languages;
import at.telco.hub.mapping.MappingFunctions;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.platform.HubDatabase;
import at.telco.hub.testing.ChildHub;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.Scrape;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Flow 1 (CRM -> customerdb and billing) under load: the hub (the built jar in its own JVM, heap
 * capped by {@code bench.hub-heap}) against a plain-Java {@link Baseline} doing the same work in
 * this JVM, on the same databases, one after the other. For each: a backlog of new accounts and a
 * backlog of changes drained at saturation (throughput: changes fully applied to both targets per
 * second), then open-loop changes at fixed rates (end-to-end latency from the CRM's commit to the
 * later of the two targets' writes, database timestamps, HdrHistogram; measured from the intended
 * send time as well, which corrects for coordinated omission). Prints a table, writes {@code
 * target/bench/hub-bench.json} and, last, a RESULT line. Run with {@code mvn -B -Pbench verify}
 * ({@code -Dbench.quick=true}: a reduced run); options: see the README's Performance section.
 */
class HubBench {

  static final boolean QUICK = Boolean.getBoolean("bench.quick");
  static final int ACCOUNTS = Integer.getInteger("bench.accounts", QUICK ? 10_000 : 40_000);

  /**
   * Per hub: billing accounts opened (billing's ACCOUNT_CREATED events) and then services activated
   * for them (the network's SERVICE_ACTIVATED events on Kafka), each a backlog drained at once:
   * half of them as warm-up (the hub has not run these flows before), then the other half measured;
   * 0: none. At most {@code bench.accounts}. The baseline does the CRM flow only.
   */
  static final int EVENTS =
      Math.min(ACCOUNTS, Integer.getInteger("bench.events", QUICK ? 5_000 : 20_000));

  static final String INVENTORY_TOPIC = "network.inventory.events";
  static final int RATE_SECONDS = Integer.getInteger("bench.rate-seconds", QUICK ? 20 : 120);
  static final String RATES = System.getProperty("bench.rates", "500,1000");
  static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup-seconds", 10);
  static final int REFERENCE_RATE = Integer.getInteger("bench.reference-rate", 500);
  static final String HUB_HEAP = System.getProperty("bench.hub-heap", "512m");
  static final int BASELINE_THREADS = Integer.getInteger("bench.baseline.threads", 2);
  static final int BATCH = Integer.getInteger("bench.batch", 500);

  /**
   * How often each engine drains the backlog of changes; the RESULT line takes each engine's median
   * (one drain of a few seconds moves by a quarter from run to run on these machines).
   */
  static final int SATURATION_ROUNDS = Integer.getInteger("bench.saturation-rounds", 3);

  /**
   * Drains of the change backlog before the measured ones, for every engine alike (shown in the
   * table as "warm-up", not in the RESULT line): at least {@link #SATURATION_WARMUP_MIN_ROUNDS},
   * then until the engine's just-in-time compiler used less than {@link #SATURATION_WARMUP_JIT} of
   * its JVM's CPU in a drain, at most this many. Sustained throughput is a warm JVM's: with a fixed
   * 4 warm-up drains the hub's compiler threads still used 0.9-1.2 of the 2.4-2.9 CPU-seconds its
   * JVM spent on each measured drain (the baseline's, in this JVM, 0.6-0.7 of 1.4-1.5); after 10-12
   * drains the hub's used 0.1-0.2 of 1.6.
   */
  static final int SATURATION_WARMUP_ROUNDS =
      Integer.getInteger("bench.saturation-warmup-rounds", 16);

  static final int SATURATION_WARMUP_MIN_ROUNDS =
      Math.min(
          SATURATION_WARMUP_ROUNDS, Integer.getInteger("bench.saturation-warmup-min-rounds", 4));

  /** The share of its JVM's CPU below which an engine's JIT compiler counts as settled. */
  static final double SATURATION_WARMUP_JIT =
      Double.parseDouble(System.getProperty("bench.saturation-warmup-jit", "0.15"));

  static final boolean JFR = Boolean.getBoolean("bench.jfr");

  /**
   * A long open loop after the rates, for the hub (not the variants; 0: none): backlog, latency and
   * the heap after garbage collection per window of {@code bench.soak-window-seconds}, to show they
   * stay flat.
   */
  static final int SOAK_SECONDS = Integer.getInteger("bench.soak-seconds", 0);

  static final int SOAK_RATE = Integer.getInteger("bench.soak-rate", 1000);
  static final int SOAK_WINDOW_SECONDS = Integer.getInteger("bench.soak-window-seconds", 60);
  static final String ENGINES = System.getProperty("bench.engines", "baseline,hub");

  /** The hub's JVM options besides the heap (a variant may give its own: entries starting -X). */
  static final String HUB_JVM = System.getProperty("bench.hub-jvm", "-XX:+UseSerialGC");

  private static final String JVM_OPTIONS = "bench.jvm-options";

  /**
   * More hubs to run after "hub", each with its own settings, for a before/after in one run: {@code
   * name:key=value,key=value;name2:...} (e.g. {@code before:hub.target.batching-interval-ms=100}).
   */
  static final String VARIANTS = System.getProperty("bench.hub.variants", "");

  /**
   * The baseline's saturation drains once more after the hubs ("baseline-again", its own accounts;
   * no open loop): the machine's speed drifts over minutes (the same baseline's medians were
   * 4,550-5,815 changes/s in runs of one afternoon), so the hubs are measured between two
   * baselines, and the ratio's baseline is the median of both runs' measured drains.
   */
  static final boolean BASELINE_AGAIN =
      Boolean.parseBoolean(System.getProperty("bench.baseline.again", "true"));

  static Mappings mappings() {
    return new Mappings(
        name ->
            Files.newBufferedReader(
                Path.of("transformers").resolve(name + ".jslt"), StandardCharsets.UTF_8),
        MappingFunctions.all(Languages.defaults()));
  }

  /** What one engine did in one phase. */
  record Phase(
      String engine,
      String name,
      int offeredRate,
      long changes,
      double seconds,
      double throughput,
      Histogram fromCommit,
      Histogram fromIntended,
      long backlogAtEnd,
      double drainSeconds) {

    double p(Histogram h, double percentile) {
      return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    double max(Histogram h) {
      return h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1000.0;
    }
  }

  /**
   * Timestamps recorded by triggers, so every figure comes from the databases' own clocks. With
   * {@code track_functions} on for PL functions, the time in them shows in {@code
   * pg_stat_user_functions}: the probes' part of PostgreSQL's work (Usage.probeMillis); off again
   * in {@link #cleanUp}.
   */
  static void installProbes(TestServers s) {
    s.execute("hub", "ALTER SYSTEM SET track_functions = 'pl'", "SELECT pg_reload_conf()");
    installProbe(s, "crm", "crm.contact", "email", "INSERT OR UPDATE OF email");
    installProbe(s, "customerdb", "customerdb.contact_medium", "email", "INSERT OR UPDATE");
    installProbe(s, "billing", "billing.customer", "email_invoice", "INSERT OR UPDATE");
    installKeyProbe(s, "customerdb.billing_account", "ba_no", "BA9");
    installKeyProbe(s, "customerdb.service", "service_id", "SRV-9");
  }

  /**
   * A trigger on customerdb's {@code table} that records in public.bench_key_probe when a row whose
   * {@code key} starts with {@code prefix} (the bench's billing accounts and services) was
   * inserted.
   */
  private static void installKeyProbe(TestServers s, String table, String key, String prefix) {
    String function = "public.bench_key_probe_" + key;
    s.execute(
        "customerdb",
        "CREATE TABLE IF NOT EXISTS public.bench_key_probe (key text, at timestamptz DEFAULT"
            + " clock_timestamp())",
        "CREATE INDEX IF NOT EXISTS bench_key_probe_key ON public.bench_key_probe (key"
            + " text_pattern_ops)",
        """
        CREATE OR REPLACE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN INSERT INTO public.bench_key_probe (key) VALUES (NEW.%s); RETURN NULL; END $$"""
            .formatted(function, key),
        "DROP TRIGGER IF EXISTS bench_key_probe ON " + table,
        "CREATE TRIGGER bench_key_probe AFTER INSERT ON "
            + table
            + " FOR EACH ROW WHEN (NEW."
            + key
            + " LIKE '"
            + prefix
            + "%') EXECUTE FUNCTION "
            + function
            + "()");
  }

  /** key -> first insert (epoch microseconds), for the keys starting with {@code prefix}. */
  Map<String, Long> keyProbes(String prefix) throws SQLException {
    return firstWrites(customerdb, "public.bench_key_probe", "key", prefix);
  }

  /** Waits until customerdb has {@code n} keys starting with {@code prefix}; false on timeout. */
  boolean awaitKeys(String prefix, int n) {
    return within(
        Math.max(120_000, n * 20L),
        () -> count("customerdb", "public.bench_key_probe", "key", prefix) >= n);
  }

  /** The bench's billing accounts of hub {@code e}: BA9, a digit per hub, 8 digits. */
  static String billingAccountPrefix(char e) {
    return "BA9" + ((e - 'H') % 10);
  }

  /**
   * Saturation of flow 2: billing opens a billing account for {@code count} of the hub's customers
   * (after the first {@code offset}) in one transaction (account rows and ACCOUNT_CREATED events,
   * as billing writes them); the clock runs from that commit to the last billing account inserted
   * into customerdb.
   */
  Phase billingEvents(String engine, char e, String name, int offset, int count) throws Exception {
    String prefix = billingAccountPrefix(e);
    Instant committed;
    try (Connection c = billing.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "WITH c AS (SELECT cust_no, row_number() OVER (ORDER BY cust_no) AS n FROM"
                  + " billing.customer WHERE crm_account_id LIKE ? ORDER BY cust_no LIMIT ? OFFSET"
                  + " ?), a AS"
                  + " (INSERT INTO billing.billing_account (ba_no, cust_no) SELECT ? || lpad(n::text,"
                  + " 8, '0'), cust_no FROM c RETURNING ba_no, cust_no) INSERT INTO billing.event_out"
                  + " (event_type, ref_key, payload) SELECT 'ACCOUNT_CREATED', ba_no,"
                  + " '<BillingEvent type=\"ACCOUNT_CREATED\"><BaNo>' || ba_no || '</BaNo><CustNo>'"
                  + " || cust_no || '</CustNo><CreatedAt>' || to_char(now() AT TIME ZONE"
                  + " 'Europe/Vienna', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '</CreatedAt></BillingEvent>'"
                  + " FROM a ORDER BY ba_no")) {
        ps.setString(1, "BEN-" + e + "%");
        ps.setInt(2, count);
        ps.setInt(3, offset);
        ps.setString(4, prefix);
        assertThat(ps.executeUpdate()).as("billing accounts opened").isEqualTo(count);
      }
      c.commit();
      committed = Instant.now();
    }
    boolean done = awaitKeys(prefix, offset + count);
    long start = micros(committed);
    Map<String, Long> sent = new HashMap<>();
    for (int i = offset + 1; i <= offset + count; i++) {
      sent.put(String.format("%s%08d", prefix, i), start);
    }
    return keyPhase(engine, name, sent, keyProbes(prefix), done);
  }

  /**
   * Saturation of flow 3: the network activates a service for each of those billing accounts
   * (SERVICE_ACTIVATED on the inventory topic, sent at once); the clock runs from each event's
   * Kafka timestamp to its service inserted into customerdb.
   */
  Phase networkEvents(String engine, char e, String name, int offset, int count) throws Exception {
    int hubDigit = (e - 'H') % 10;
    String prefix = "SRV-9" + hubDigit;
    Map<String, Long> sent = new ConcurrentHashMap<>();
    Properties p = new Properties();
    p.put("bootstrap.servers", s.kafkaBootstrap());
    p.put("acks", "all");
    p.put("linger.ms", "5");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      Instant now = Instant.now();
      for (int i = offset + 1; i <= offset + count; i++) {
        String serviceId = String.format("%s%012d", prefix, i);
        String msisdn = String.format("+4369%d%07d", hubDigit, i);
        ObjectNode ev = Json.object();
        ev.put(
            "eventId",
            UUID.nameUUIDFromBytes(serviceId.getBytes(StandardCharsets.UTF_8)).toString());
        ev.put("eventType", "SERVICE_ACTIVATED");
        ev.put("sequence", 1);
        ev.put("occurredAt", now.toString());
        ObjectNode sv = ev.putObject("service");
        sv.put("serviceId", serviceId);
        sv.put("msisdn", msisdn);
        sv.put("iccid", String.format("89430199%011d", i));
        sv.put("imsi", String.format("2320199%08d", i));
        sv.put("productCode", "MOBILE_M");
        sv.put("subscriberRef", String.format("%s%08d", billingAccountPrefix(e), i));
        sv.put("status", "ACTIVE");
        ev.put("networkElement", "MSC-VIE-01");
        producer.send(
            new ProducerRecord<>(INVENTORY_TOPIC, msisdn, Json.write(ev)),
            (meta, failure) -> {
              if (failure == null) {
                sent.put(serviceId, meta.timestamp() * 1000);
              }
            });
      }
      producer.flush();
    }
    assertThat(sent).as("network events on Kafka").hasSize(count);
    boolean done = awaitKeys(prefix, offset + count);
    return keyPhase(engine, name, sent, keyProbes(prefix), done);
  }

  /** A drain of keyed events: latency from each one's source time to its insert in customerdb. */
  Phase keyPhase(
      String engine, String name, Map<String, Long> sent, Map<String, Long> applied, boolean done) {
    Histogram h = new Histogram(3_600_000_000L, 3);
    long first = sent.values().stream().mapToLong(Long::longValue).min().orElse(0);
    long last = first;
    // applied holds the earlier rounds' keys too: only this round's (those sent) count
    for (Map.Entry<String, Long> a : applied.entrySet()) {
      Long from = sent.get(a.getKey());
      if (from != null) {
        h.recordValue(Math.max(0, a.getValue() - from));
        last = Math.max(last, a.getValue());
      }
    }
    long n = h.getTotalCount();
    double seconds = (last - first) / 1e6;
    if (!done) {
      System.out.printf(
          "%s %s: only %d of %d applied before the timeout%n", engine, name, n, sent.size());
    }
    assertThat(n).as(engine + " " + name + ": all applied").isEqualTo(sent.size());
    return new Phase(engine, name, 0, n, seconds, n / seconds, h, h, sent.size() - n, 0);
  }

  /**
   * A trigger on {@code table} that records in the database's public.bench_probe when an email
   * starting with "bench-" was written to its {@code column}.
   */
  private static void installProbe(
      TestServers s, String db, String table, String column, String events) {
    s.execute(
        db,
        "CREATE TABLE IF NOT EXISTS public.bench_probe (email text, at timestamptz DEFAULT"
            + " clock_timestamp())",
        "CREATE INDEX IF NOT EXISTS bench_probe_email ON public.bench_probe (email text_pattern_ops)",
        """
        CREATE OR REPLACE FUNCTION public.bench_probe() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER AS $$
        BEGIN INSERT INTO public.bench_probe (email) VALUES (NEW.%s); RETURN NULL; END $$"""
            .formatted(column),
        "DROP TRIGGER IF EXISTS bench_probe ON " + table,
        "CREATE TRIGGER bench_probe AFTER "
            + events
            + " ON "
            + table
            + " FOR EACH ROW WHEN (NEW."
            + column
            + " LIKE 'bench-%') EXECUTE FUNCTION public.bench_probe()");
  }

  /** email -> first write (epoch microseconds), for the emails starting with {@code prefix}. */
  static Map<String, Long> probes(DataSource db, String prefix) throws SQLException {
    return firstWrites(db, "public.bench_probe", "email", prefix);
  }

  /** A probe table's first write (epoch microseconds) per value of {@code column} with a prefix. */
  private static Map<String, Long> firstWrites(
      DataSource db, String table, String column, String prefix) throws SQLException {
    Map<String, Long> at = new HashMap<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT %s, (extract(epoch FROM min(at)) * 1000000)::bigint FROM %s WHERE %s LIKE ?"
                        .formatted(column, table, column)
                    + " GROUP BY "
                    + column)) {
      ps.setString(1, prefix + "%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          at.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return at;
  }

  long count(String database, String prefix) throws SQLException {
    return count(database, "public.bench_probe", "email", prefix);
  }

  /** How many distinct values of a probe table's {@code column} start with {@code prefix}. */
  long count(String database, String table, String column, String prefix) throws SQLException {
    try (PreparedStatement ps =
        sessions
            .session(database)
            .prepareStatement(
                "SELECT count(DISTINCT %s) FROM %s WHERE %s LIKE ?"
                    .formatted(column, table, column))) {
      ps.setString(1, prefix + "%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
  }

  static String account(char engine, int i) {
    return String.format("BEN-%c%08d", engine, i);
  }

  static String email(String tag, long n) {
    return "bench-" + tag + "." + n + "@example.at";
  }

  final TestServers s = TestServers.get();
  final DataSource crm = s.owner("crm");
  final DataSource customerdb = s.owner("customerdb");
  final DataSource billing = s.owner("billing");

  /** The bench's own sessions for what it reads while an engine is measured. */
  final BenchSessions sessions = new BenchSessions(s);

  final List<Phase> phases = new ArrayList<>();

  /** Accounts, each with a primary contact and a billing address, in one CRM transaction. */
  Instant createAccounts(char engine, String tag) throws SQLException {
    try (Connection c = crm.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        String id = "'BEN-" + engine + "' || lpad(g::text, 8, '0')";
        String range = " FROM generate_series(0, " + (ACCOUNTS - 1) + ") AS g";
        st.execute(
            "INSERT INTO crm.account (account_id, account_type, name, status, segment) SELECT "
                + id
                + ", 'B2C', 'Kundin Nummer' || g, 'ACTIVE', 'CONSUMER'"
                + range);
        st.execute(
            "INSERT INTO crm.contact (contact_id, account_id, is_primary, salutation, first_name,"
                + " last_name, birth_date, email, phone, language) SELECT "
                + id
                + " || '-C1', "
                + id
                + ", true, 'Frau', 'Kundin', 'Nummer' || g, DATE '1980-02-29', 'bench-"
                + tag
                + ".' || g || '@example.at', '+43664' || lpad(g::text, 7, '0'), 'de'"
                + range);
        st.execute(
            "INSERT INTO crm.address (address_id, account_id, address_type, street, house_number,"
                + " postal_code, city) SELECT "
                + id
                + " || '-A1', "
                + id
                + ", 'BILLING', 'Lassallestraße', (1 + g % 200)::text, '1020', 'Wien'"
                + range);
      }
      c.commit();
      return Instant.now();
    }
  }

  /** Every account's email changed, in one CRM transaction: a backlog of ACCOUNTS changes. */
  Instant changeAll(char engine, String tag) throws SQLException {
    try (Connection c = crm.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE crm.contact SET email = 'bench-' || ? || '.' || substr(account_id, 6)::int"
                  + " || '@example.at' WHERE contact_id LIKE ?")) {
        ps.setString(1, tag);
        ps.setString(2, "BEN-" + engine + "%");
        assertThat(ps.executeUpdate()).isEqualTo(ACCOUNTS);
      }
      c.commit();
      return Instant.now();
    }
  }

  /** Waits until both targets hold every email of the tag; false on timeout. */
  boolean awaitApplied(String tag, long expected, long timeoutMs) {
    String prefix = "bench-" + tag + ".";
    return within(
        timeoutMs,
        () -> count("billing", prefix) >= expected && count("customerdb", prefix) >= expected);
  }

  /**
   * Whether {@code condition} held within {@code timeoutMs}, checked every 200 ms (the bench reads
   * its figures from the databases' timestamps, not from when it noticed).
   */
  static boolean within(long timeoutMs, Callable<Boolean> condition) {
    try {
      await()
          .pollInterval(Duration.ofMillis(200))
          .atMost(Duration.ofMillis(timeoutMs))
          .until(condition);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  /**
   * Saturation: a backlog committed at once, drained by the engine; changes per second from the
   * backlog's commit to the last change applied to both targets.
   */
  Phase drain(String engine, String name, String tag, Instant committed, long changes, Usage before)
      throws Exception {
    boolean done = awaitApplied(tag, changes, Math.max(120_000, changes * 20));
    // the CPU figures end here, before this JVM reads the probes and the Kafka log
    lastUsage = Usage.now(enginePid, enginePort, sessions);
    lastUsage.print(engine + " " + name, before);
    String prefix = "bench-" + tag + ".";
    Map<String, Long> a = probes(customerdb, prefix);
    Map<String, Long> b = probes(billing, prefix);
    Histogram h = new Histogram(3_600_000_000L, 3);
    long start = micros(committed);
    long last = start;
    for (Map.Entry<String, Long> e : a.entrySet()) {
      Long other = b.get(e.getKey());
      if (other != null) {
        long applied = Math.max(e.getValue(), other);
        last = Math.max(last, applied);
        h.recordValue(Math.max(0, applied - start));
      }
    }
    long applied = h.getTotalCount();
    double seconds = (last - start) / 1e6;
    Phase p =
        new Phase(engine, name, 0, applied, seconds, applied / seconds, h, h, changes - applied, 0);
    if (!done) {
      System.out.printf(
          "%s %s: only %d of %d applied before the timeout%n", engine, name, applied, changes);
    }
    double[] work = lastUsage.databaseWork(before);
    System.out.printf(
        "%s %s: per change %.2f statements, %.1f index scans, %.1f rows written; PostgreSQL %.2f"
            + " CPU-s per 10,000 changes (of it at most %.2f in the bench's probe triggers; the"
            + " bench's own sessions %.2f more; the machine outside both JVMs %.2f)%n",
        engine,
        name,
        work[0] / applied,
        work[1] / applied,
        work[2] / applied,
        work[3] * 10_000 / applied,
        work[5] * 10_000 / applied,
        work[6] * 10_000 / applied,
        work[4] * 10_000 / applied);
    if (name.startsWith("saturation: changes")) {
      databaseWork
          .computeIfAbsent(engine, k -> new ArrayList<>())
          .add(
              new double[] {
                work[0] / applied,
                work[1] / applied,
                work[2] / applied,
                work[3] * 10_000 / applied,
                work[4] * 10_000 / applied,
                work[5] * 10_000 / applied
              });
    }
    if (!engine.startsWith("baseline")) {
      long lastOnKafka =
          onKafka(tag, start).values().stream().mapToLong(Long::longValue).max().orElse(start);
      System.out.printf(
          "%s %s: the source route had all on Kafka after %.1f s, both targets had them after"
              + " %.1f s%n",
          engine, name, (lastOnKafka - start) / 1e6, seconds);
    }
    return p;
  }

  /**
   * Open loop: change i is sent at start + i/rate whatever happened to the ones before (a sender
   * that falls behind sends at once, and the delay counts: latency from the intended time).
   */
  Phase openLoop(String engine, char e, int rate, String kind, int seconds) throws Exception {
    return openLoop(engine, e, rate, kind, seconds, null);
  }

  /** An open loop; with a heap sampler, also a table per soak window (see SOAK_SECONDS). */
  Phase openLoop(String engine, char e, int rate, String kind, int seconds, HeapSampler heap)
      throws Exception {
    String tag = Character.toLowerCase(e) + kind + rate;
    long n = (long) rate * seconds;
    long[] intended = new long[(int) n];
    long interval = 1_000_000_000L / rate;
    try (Connection c = crm.getConnection();
        PreparedStatement ps =
            c.prepareStatement("UPDATE crm.contact SET email = ? WHERE contact_id = ?")) {
      c.setAutoCommit(true);
      long t0 = System.nanoTime();
      long epoch0 = micros(Instant.now());
      for (int i = 0; i < n; i++) {
        long due = t0 + i * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        intended[i] = epoch0 + (i * interval) / 1000;
        ps.setString(1, email(tag, i));
        ps.setString(2, account(e, i % ACCOUNTS) + "-C1");
        ps.executeUpdate();
      }
    }
    long sentEnd = micros(Instant.now());
    String prefix = "bench-" + tag + ".";
    // a change superseded by the next change of its account before the engine read it is applied
    // when that next one is
    awaitLastPerAccount(tag, e, n);
    Map<String, Long> src = probes(crm, prefix);
    Map<String, Long> a = probes(customerdb, prefix);
    Map<String, Long> b = probes(billing, prefix);
    long[] applied = new long[(int) n];
    long[] next = new long[ACCOUNTS];
    java.util.Arrays.fill(next, Long.MAX_VALUE);
    for (int i = (int) n - 1; i >= 0; i--) {
      String mail = email(tag, i);
      Long x = a.get(mail);
      Long y = b.get(mail);
      int acc = i % ACCOUNTS;
      applied[i] = x != null && y != null ? Math.max(x, y) : next[acc];
      next[acc] = applied[i];
    }
    Histogram fromCommit = new Histogram(3_600_000_000L, 3);
    Histogram fromIntended = new Histogram(3_600_000_000L, 3);
    long backlog = 0;
    long last = 0;
    long missing = 0;
    for (int i = 0; i < n; i++) {
      if (applied[i] == Long.MAX_VALUE) {
        missing++;
        continue;
      }
      Long committed = src.get(email(tag, i));
      fromCommit.recordValue(
          Math.max(0, applied[i] - (committed == null ? intended[i] : committed)));
      fromIntended.recordValue(Math.max(0, applied[i] - intended[i]));
      if (applied[i] > sentEnd) {
        backlog++;
      }
      last = Math.max(last, applied[i]);
    }
    if (missing > 0) {
      System.out.printf("%s %d/s: %d changes never applied%n", engine, rate, missing);
    }
    if (heap != null) {
      soakTable(engine, rate, intended, applied, heap);
    } else if (!engine.startsWith("baseline") && !kind.equals("w")) {
      stages(engine, rate, tag, n, src, applied, intended);
    }
    double took = (last - intended[0]) / 1e6;
    return new Phase(
        engine,
        heap == null ? "open loop " + rate + "/s" : "soak " + rate + "/s",
        rate,
        n - missing,
        took,
        (n - missing) / took,
        fromCommit,
        fromIntended,
        backlog,
        Math.max(0, (last - sentEnd) / 1e6));
  }

  /**
   * Where an open loop's latency goes, from the Kafka record timestamps of the canonical events
   * (set by the hub's producer when it sends): CRM commit -> on Kafka (the source route: poll,
   * claim, read, map, send) and on Kafka -> written to both targets (the target routes).
   */
  void stages(
      String engine,
      int rate,
      String tag,
      long n,
      Map<String, Long> src,
      long[] applied,
      long[] intended) {
    Map<Integer, Long> sent = onKafka(tag, intended[0]);
    Histogram source = new Histogram(3_600_000_000L, 3);
    Histogram targets = new Histogram(3_600_000_000L, 3);
    for (int i = 0; i < n; i++) {
      Long committed = src.get(email(tag, i));
      Long onKafka = sent.get(i);
      if (committed != null && onKafka != null && applied[i] != Long.MAX_VALUE) {
        source.recordValue(Math.max(0, onKafka - committed));
        targets.recordValue(Math.max(0, applied[i] - onKafka));
      }
    }
    System.out.printf(
        "%s %d/s, where the time goes (ms, p50/p99, %d changes; Kafka timestamps are whole ms):"
            + " CRM commit -> on Kafka %.1f/%.1f, on Kafka -> both targets %.1f/%.1f%n",
        engine,
        rate,
        source.getTotalCount(),
        source.getValueAtPercentile(50) / 1000.0,
        source.getValueAtPercentile(99) / 1000.0,
        targets.getValueAtPercentile(50) / 1000.0,
        targets.getValueAtPercentile(99) / 1000.0);
    slowest(engine, rate, tag, n, src, sent, applied, intended);
  }

  /**
   * The slowest 1 % of an open loop's changes, by when they were due (windows of 250 ms): how many
   * fell in each window and, at most, where their time went - the bench's own send (due -> CRM
   * commit), the source (-> on Kafka), the targets (-> both written). A few windows mean stalls,
   * many mean a queue.
   */
  void slowest(
      String engine,
      int rate,
      String tag,
      long n,
      Map<String, Long> src,
      Map<Integer, Long> sent,
      long[] applied,
      long[] intended) {
    List<Integer> done = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (applied[i] != Long.MAX_VALUE) {
        done.add(i);
      }
    }
    done.sort((x, y) -> Long.compare(applied[y] - intended[y], applied[x] - intended[x]));
    List<Integer> slow = done.subList(0, Math.max(1, done.size() / 100));
    Map<Long, long[]> windows = new java.util.TreeMap<>();
    for (int i : slow) {
      long[] w = windows.computeIfAbsent((intended[i] - intended[0]) / 250_000, k -> new long[5]);
      Long committed = src.get(email(tag, i));
      Long onKafka = sent.get(i);
      w[0]++;
      w[1] = Math.max(w[1], applied[i] - intended[i]);
      if (committed != null) {
        w[2] = Math.max(w[2], committed - intended[i]);
        if (onKafka != null) {
          w[3] = Math.max(w[3], onKafka - committed);
          w[4] = Math.max(w[4], applied[i] - onKafka);
        }
      }
    }
    StringBuilder b = new StringBuilder();
    windows.forEach(
        (k, w) ->
            b.append(
                String.format(
                    "%n  at %5.2f s: %3d changes, up to %.0f ms (send %.0f, source %.0f, targets"
                        + " %.0f)",
                    k * 0.25, w[0], w[1] / 1000.0, w[2] / 1000.0, w[3] / 1000.0, w[4] / 1000.0)));
    System.out.printf(
        "%s %d/s, the slowest %d changes in %d windows of 250 ms:%s%n",
        engine, rate, slow.size(), windows.size(), b);
  }

  /**
   * Email number -> when the hub put its canonical event on Kafka (epoch microseconds), from the
   * records sent since {@code sinceMicros}.
   */
  Map<Integer, Long> onKafka(String tag, long sinceMicros) {
    Map<Integer, Long> sent = new HashMap<>();
    java.util.regex.Pattern email =
        java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote("bench-" + tag + ".") + "(\\d+)@example\\.at");
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", "127.0.0.1:" + s.kafkaPort());
    p.setProperty("key.deserializer", StringDeserializer.class.getName());
    p.setProperty("value.deserializer", StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor("canonical.customer.v1")
          .forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
      consumer.assign(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      // only what was sent since the phase began (a second earlier for clock granularity), not the
      // whole topic again after every phase
      Map<TopicPartition, Long> at = new HashMap<>();
      parts.forEach(tp -> at.put(tp, sinceMicros / 1000 - 1000));
      consumer
          .offsetsForTimes(at)
          .forEach((tp, o) -> consumer.seek(tp, o == null ? end.get(tp) : o.offset()));
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          java.util.regex.Matcher m = email.matcher(r.value() == null ? "" : r.value());
          if (m.find()) {
            sent.merge(Integer.parseInt(m.group(1)), r.timestamp() * 1000, Math::min);
          }
        }
      }
    }
    return sent;
  }

  /**
   * Per window of intended send times: changes, latency from the intended time, how far the last
   * change sent in the window was behind when the window ended (a growing backlog grows this), and
   * the hub's old generation as the last collection before the window's end left it.
   */
  static void soakTable(
      String engine, int rate, long[] intended, long[] applied, HeapSampler heap) {
    System.out.printf(
        "%nsoak %s at %d changes/s, windows of %d s%n", engine, rate, SOAK_WINDOW_SECONDS);
    System.out.printf(
        "%-7s %8s | %-26s | %12s | %s%n",
        "window",
        "changes",
        "ms from intended p50/p99/max",
        "behind at end",
        "old gen MB after GC (live data / in use)");
    long window = SOAK_WINDOW_SECONDS * 1_000_000L;
    int windows = (int) ((intended[intended.length - 1] - intended[0]) / window) + 1;
    for (int w = 0; w < windows; w++) {
      long from = intended[0] + w * window;
      long to = from + window;
      Histogram h = new Histogram(3_600_000_000L, 3);
      long behind = 0;
      for (int i = 0; i < intended.length; i++) {
        if (intended[i] >= from && intended[i] < to && applied[i] != Long.MAX_VALUE) {
          h.recordValue(Math.max(0, applied[i] - intended[i]));
          // sent before the window's end, applied after it: still to do when the window ended
          if (applied[i] > to) {
            behind++;
          }
        }
      }
      long[] mem = heap.at(to / 1000);
      System.out.printf(
          "%3d-%3dm %8d | %8.1f %8.1f %8.1f | %12d | %s / %s%n",
          w * SOAK_WINDOW_SECONDS / 60,
          (w + 1) * SOAK_WINDOW_SECONDS / 60,
          h.getTotalCount(),
          h.getValueAtPercentile(50) / 1000.0,
          h.getValueAtPercentile(99) / 1000.0,
          h.getMaxValue() / 1000.0,
          behind,
          mem[0] < 0 ? "-" : Long.toString(mem[0] >> 20),
          mem[1] < 0 ? "-" : Long.toString(mem[1] >> 20));
    }
  }

  /** Waits until the last change of every account is in both targets. */
  void awaitLastPerAccount(String tag, char e, long n) throws Exception {
    long deadline = System.currentTimeMillis() + Math.max(120_000, n * 10);
    String sql = "SELECT count(*) FROM public.bench_probe WHERE email = ANY(?::text[])";
    List<String> lastEmails = new ArrayList<>();
    for (long i = Math.max(0, n - ACCOUNTS); i < n; i++) {
      lastEmails.add(email(tag, i));
    }
    while (System.currentTimeMillis() < deadline) {
      boolean all = true;
      for (String db : List.of("customerdb", "billing")) {
        Connection c = sessions.session(db);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setArray(1, c.createArrayOf("text", lastEmails.toArray()));
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            all &= rs.getLong(1) >= lastEmails.size();
          }
        }
      }
      if (all) {
        return;
      }
      Thread.sleep(200);
    }
    System.out.printf("%s: the last changes of %s were not all applied in time%n", e, tag);
  }

  /** The hub's process while one runs (-1: the baseline, in this JVM). */
  long enginePid = -1;

  /** The CPU figures of the last drain, from its backlog's commit to its last change applied. */
  Usage lastUsage;

  /**
   * engine -> per measured saturation drain: statements, index scans and rows written per change,
   * PostgreSQL's CPU-s and the machine's outside both JVMs per 10,000 changes ({@link
   * Usage#databaseWork}).
   */
  final Map<String, List<double[]>> databaseWork = new LinkedHashMap<>();

  /** The median of one figure of {@link #databaseWork} over the given engines' drains. */
  double medianDatabaseWork(List<String> engines, int figure) {
    double[] x =
        engines.stream()
            .flatMap(e -> databaseWork.getOrDefault(e, List.of()).stream())
            .mapToDouble(w -> w[figure])
            .sorted()
            .toArray();
    if (x.length == 0) {
      return Double.NaN;
    }
    return x.length % 2 == 1 ? x[x.length / 2] : (x[x.length / 2 - 1] + x[x.length / 2]) / 2;
  }

  /** Per engine: the warm-up drains it needed (see SATURATION_WARMUP_ROUNDS). */
  final Map<String, Integer> warmupDrains = new LinkedHashMap<>();

  /** Its management port (metrics), -1 for the baseline. */
  int enginePort = -1;

  /** A class histogram of the hub: where it was written and the live bytes it counts in all. */
  record ClassHistogram(Path file, long liveBytes) {}

  /**
   * The hub's live objects by class ({@code jcmd <pid> GC.class_histogram}, which runs a full
   * collection first) in {@code target/bench/<name>.histogram.txt}, with their total: the soak's
   * memory figure, independent of whether a major collection happened to run during the soak, and
   * what grew if it did.
   */
  ClassHistogram classHistogram(String name) throws Exception {
    byte[] out = jcmd("GC.class_histogram");
    Path file = Path.of("target", "bench", name + ".histogram.txt");
    Files.createDirectories(file.getParent());
    Files.write(file, out);
    // the last line: "Total <instances> <bytes>"
    String[] lines = new String(out, java.nio.charset.StandardCharsets.UTF_8).strip().split("\n");
    String[] total = lines[lines.length - 1].trim().split("\\s+");
    assertThat(total[0]).as("the histogram's last line").isEqualTo("Total");
    return new ClassHistogram(file, Long.parseLong(total[2]));
  }

  /** Runs a jcmd command against the hub's process and returns its output. */
  byte[] jcmd(String command) throws Exception {
    Process jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(enginePid),
                command)
            .redirectErrorStream(true)
            .start();
    byte[] out = jcmd.getInputStream().readAllBytes();
    assertThat(jcmd.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as(command).isTrue();
    assertThat(jcmd.exitValue()).as(command + " exit code").isZero();
    return out;
  }

  /** The phases every engine runs, the engine already started. */
  void run(String engine, char e, HeapSampler heap) throws Exception {
    run(engine, e, heap, true);
  }

  /** The phases, without the open loops when {@code openLoops} is false. */
  void run(String engine, char e, HeapSampler heap, boolean openLoops) throws Exception {
    // every engine starts from the same clean databases: the engine before it left tens of
    // thousands of dead rows, which autovacuum would otherwise work off while this one is measured
    settleAll();
    String ins = Character.toLowerCase(e) + "ins";
    Instant committed = createAccounts(e, ins);
    // from the backlog's commit (its own CPU, the same for every engine, not counted)
    Usage before = Usage.now(enginePid, enginePort, sessions);
    phases.add(drain(engine, "saturation: new accounts", ins, committed, ACCOUNTS, before));
    // the targets' statistics brought up to date after the new rows (autoanalyze would, about a
    // minute later): the first engine of a run would otherwise write the changes with plans made
    // for near-empty tables
    settle();
    int warmups = 0;
    boolean warm = SATURATION_WARMUP_ROUNDS == 0;
    while (!warm) {
      warmups++;
      String upd = Character.toLowerCase(e) + "upd" + warmups;
      committed = changeAll(e, upd);
      before = Usage.now(enginePid, enginePort, sessions);
      phases.add(drain(engine, "warm-up: changes #" + warmups, upd, committed, ACCOUNTS, before));
      settle();
      double jit = lastUsage.jitShare(before, enginePid >= 0);
      warm =
          warmups >= SATURATION_WARMUP_ROUNDS
              || (warmups >= SATURATION_WARMUP_MIN_ROUNDS && jit < SATURATION_WARMUP_JIT);
      if (warm) {
        warmupDrains.put(engine, warmups);
        System.out.printf(
            "%s: warm after %d drains (its JIT compiler %.0f %% of its JVM's CPU in the last;"
                + " settled below %.0f %%, at least %d drains, at most %d)%n",
            engine,
            warmups,
            jit * 100,
            SATURATION_WARMUP_JIT * 100,
            SATURATION_WARMUP_MIN_ROUNDS,
            SATURATION_WARMUP_ROUNDS);
      }
    }
    for (int round = 1; round <= SATURATION_ROUNDS; round++) {
      String upd = Character.toLowerCase(e) + "upd" + (warmups + round);
      String name = "saturation: changes #" + round;
      committed = changeAll(e, upd);
      boolean lastRound = round == SATURATION_ROUNDS;
      if (lastRound) {
        // before the CPU figures' start, which reads the statement counts
        s.execute("hub", "SELECT pg_stat_statements_reset()");
      }
      before = Usage.now(enginePid, enginePort, sessions);
      phases.add(drain(engine, name, upd, committed, ACCOUNTS, before));
      if (lastRound) {
        System.out.printf(
            "%s %s, PostgreSQL's heaviest statements:%s%n",
            engine, name, String.join("", ReconciliationBench.heaviestStatements(s)));
      }
      settle();
    }
    if (!openLoops) {
      verify(e);
      return;
    }
    // not measured: the first seconds after the backlogs (the server still writing them out)
    openLoop(engine, e, REFERENCE_RATE, "w", WARMUP_SECONDS);
    for (String r : RATES.split(",")) {
      s.execute("hub", "SELECT pg_stat_statements_reset()");
      phases.add(openLoop(engine, e, Integer.parseInt(r.trim()), "r", RATE_SECONDS));
      System.out.printf(
          "%s open loop %s/s, PostgreSQL's heaviest statements:%s%n",
          engine, r.trim(), String.join("", ReconciliationBench.heaviestStatements(s)));
    }
    if (SOAK_SECONDS > 0 && heap != null && engine.equals("hub")) {
      ClassHistogram histogramBefore = classHistogram(engine + "-before-soak");
      phases.add(openLoop(engine, e, SOAK_RATE, "s", SOAK_SECONDS, heap));
      ClassHistogram histogramAfter = classHistogram(engine + "-after-soak");
      System.out.printf(
          "%s soak: live objects after a full collection (jcmd GC.class_histogram): %.1f MB"
              + " before, %.1f MB after (by class: %s, %s)%n",
          engine,
          histogramBefore.liveBytes() / 1048576.0,
          histogramAfter.liveBytes() / 1048576.0,
          histogramBefore.file(),
          histogramAfter.file());
    }
    if (EVENTS > 0 && !engine.startsWith("baseline")) {
      // flows 2 and 3, for the hub only (the baseline does the CRM flow): a warm-up round each,
      // then one measured
      int half = EVENTS / 2;
      phases.add(billingEvents(engine, e, "warm-up: billing events", 0, half));
      phases.add(networkEvents(engine, e, "warm-up: network events", 0, half));
      phases.add(billingEvents(engine, e, "saturation: billing events", half, EVENTS - half));
      phases.add(networkEvents(engine, e, "saturation: network events", half, EVENTS - half));
    }
    verify(e);
  }

  /**
   * After a backlog: the dead rows it left vacuumed away (the CRM's contact and address scans of
   * every snapshot read would otherwise pay for them in the next phase), for either engine alike.
   */
  void settle() {
    for (String[] t :
        new String[][] {
          {"crm", "crm.account"},
          {"crm", "crm.contact"},
          {"crm", "crm.address"},
          {"crm", "crm.change_log"},
          {"customerdb", "customerdb.customer"},
          {"customerdb", "customerdb.contact_medium"},
          {"billing", "billing.customer"},
          {"hub", "hub.target_state"},
          {"hub", "hub.customer_identity"}
        }) {
      s.execute(t[0], "VACUUM ANALYZE " + t[1]);
    }
    s.execute("crm", "CHECKPOINT");
  }

  /** Every database vacuumed and analysed, then a checkpoint. */
  void settleAll() {
    for (String db : Usage.DATABASES) {
      s.execute(db, "VACUUM ANALYZE");
    }
    s.execute("crm", "CHECKPOINT");
  }

  /** Nothing lost, nothing applied twice, nothing older over newer: the final states agree. */
  void verify(char e) throws SQLException {
    String like = "BEN-" + e + "%";
    Map<String, String> source =
        emails(crm, "SELECT account_id, email FROM crm.contact WHERE account_id LIKE ?", like);
    Map<String, String> a =
        emails(
            customerdb,
            "SELECT c.crm_account_id, m.email FROM customerdb.customer c JOIN"
                + " customerdb.contact_medium m USING (customer_id) WHERE c.crm_account_id LIKE ?"
                + " AND m.medium_type = 'EMAIL'",
            like);
    Map<String, String> b =
        emails(
            billing,
            "SELECT crm_account_id, email_invoice FROM billing.customer WHERE crm_account_id LIKE ?",
            like);
    long unprocessed;
    try (Connection c = crm.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM crm.change_log WHERE account_id LIKE ? AND processed_at IS NULL")) {
      ps.setString(1, like);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        unprocessed = rs.getLong(1);
      }
    }
    assertThat(source).hasSize(ACCOUNTS);
    assertThat(a).as("customerdb agrees with the CRM").isEqualTo(source);
    assertThat(b).as("billing agrees with the CRM").isEqualTo(source);
    assertThat(unprocessed).as("unprocessed change rows").isZero();
  }

  static Map<String, String> emails(DataSource db, String sql, String like) throws SQLException {
    Map<String, String> m = new HashMap<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, like);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          m.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return m;
  }

  /**
   * An engine's CRM rows go (no change rows: the CRM's triggers off), so every engine sees the same
   * CRM. Contacts and addresses explicitly: with the triggers off, ON DELETE CASCADE does not fire
   * either, and left behind they made every later engine's snapshot reads scan twice the rows.
   */
  void forgetInCrm(char e) throws SQLException {
    try (Connection c = crm.getConnection();
        Statement st = c.createStatement()) {
      st.execute("SET session_replication_role = replica");
      for (String table : List.of("crm.contact", "crm.address", "crm.account")) {
        st.execute("DELETE FROM " + table + " WHERE account_id LIKE 'BEN-" + e + "%'");
      }
      st.execute("VACUUM ANALYZE crm.account");
      st.execute("VACUUM ANALYZE crm.contact");
      st.execute("VACUUM ANALYZE crm.address");
    }
  }

  /** The hub's heap in use (all heap pools), sampled every second from its metrics. */
  static final class HeapSampler implements AutoCloseable {
    final AtomicLong peak = new AtomicLong();
    final AtomicLong oldGenFirst = new AtomicLong(-1);
    final AtomicLong oldGenLast = new AtomicLong(-1);

    /** Per sample: epoch ms, live data after the last major collection, old generation in use. */
    final List<long[]> series = java.util.Collections.synchronizedList(new ArrayList<>());

    final Thread thread;
    volatile boolean running = true;

    /** {live data, old generation in use} of the last sample at or before the time; -1 if none. */
    long[] at(long epochMillis) {
      long[] found = {-1, -1};
      synchronized (series) {
        for (long[] x : series) {
          if (x[0] <= epochMillis) {
            found = new long[] {x[1], x[2]};
          }
        }
      }
      return found;
    }

    HeapSampler(int port) {
      thread =
          new Thread(
              () -> {
                while (running) {
                  try {
                    Scrape sc = Scrape.of(port);
                    double heap = 0;
                    double old = 0;
                    for (Scrape.Sample x : sc.find("jvm_memory_used_bytes", "area", "heap")) {
                      heap += x.value();
                      if (x.labels().getOrDefault("id", "").contains("Tenured")
                          || x.labels().getOrDefault("id", "").contains("Old")) {
                        old += x.value();
                      }
                    }
                    peak.accumulateAndGet((long) heap, Math::max);
                    double live =
                        sc.find("jvm_gc_live_data_size_bytes").stream()
                            .mapToDouble(Scrape.Sample::value)
                            .sum();
                    series.add(new long[] {System.currentTimeMillis(), (long) live, (long) old});
                    oldGenFirst.compareAndSet(-1, (long) old);
                    oldGenLast.set((long) old);
                  } catch (RuntimeException ignored) {
                    // not up yet, or going down
                  }
                  try {
                    Thread.sleep(1000);
                  } catch (InterruptedException ex) {
                    return;
                  }
                }
              },
              "hub-heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }

  @Test
  void hubAgainstPlainBaseline() throws Exception {
    long t0 = System.nanoTime();
    try (HikariDataSource hub = new HikariDataSource()) {
      hub.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + s.postgresPort() + "/hub");
      hub.setUsername(SystemDatabases.OWNER_ROLE);
      hub.setMaximumPoolSize(4);
      // the hub's tables, as at its start: migrated by the owner, granted to the runtime role
      HubDatabase.migrate(hub, SystemDatabases.HUB_ROLE, null);
    }
    installProbes(s);
    testProbes(s, false);
    try {
      measure(t0);
    } finally {
      cleanUp(); // the probes on again and the bench's rows gone, also after a failure
    }
  }

  private void measure(long t0) throws Exception {
    // statement counts: the view of the preloaded pg_stat_statements (EmbeddedPostgresServer)
    s.execute("hub", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    Properties props = s.hubProperties();
    // the product's own pace, not the tests' (which sample, check and purge many times as often)
    for (String key : TestServers.testPace().keySet()) {
      props.remove(key);
    }
    props.setProperty("hub.crm.poll.batch-size", Integer.toString(BATCH));
    props.setProperty("hub.target.batch-size", Integer.toString(BATCH));
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("bench.hub.")) { // e.g. -Dbench.hub.hub.kafka.consumers=3
        props.setProperty(key.substring("bench.hub.".length()), System.getProperty(key));
      }
    }
    System.out.printf(
        "HubBench: %,d accounts per engine, open loop at %s changes/s for %d s each, batches of"
            + " %d, baseline %d threads, hub heap %s%s%n",
        ACCOUNTS, RATES, RATE_SECONDS, BATCH, BASELINE_THREADS, HUB_HEAP, QUICK ? " (quick)" : "");

    long hubPeakMb = -1;
    long oldFirstMb = -1;
    long oldLastMb = -1;
    if (ENGINES.contains("baseline")) {
      runBaseline(props, "baseline", 'B', true);
    }
    Map<String, Properties> hubs = new LinkedHashMap<>();
    if (ENGINES.contains("hub")) {
      hubs.put("hub", props);
    }
    for (String v : VARIANTS.split(";")) {
      if (v.isBlank()) {
        continue;
      }
      String[] nameAndSettings = v.split(":", 2);
      Properties variant = new Properties();
      variant.putAll(props);
      for (String kv : nameAndSettings.length > 1 ? nameAndSettings[1].split(",") : new String[0]) {
        if (kv.isBlank()) {
          continue;
        }
        if (kv.trim().startsWith("-X")) {
          // a JVM option of this hub, e.g. -XX:+UseG1GC
          variant.setProperty(JVM_OPTIONS, variant.getProperty(JVM_OPTIONS, "") + " " + kv.trim());
          continue;
        }
        String[] x = kv.split("=", 2);
        variant.setProperty(x[0].trim(), x[1].trim());
      }
      hubs.put("hub-" + nameAndSettings[0].trim(), variant);
    }
    char letter = 'H';
    for (Map.Entry<String, Properties> h : hubs.entrySet()) {
      String name = h.getKey();
      Properties p = h.getValue();
      // every hub its own management and HTTP ports, consumer groups from the start of the topic
      p.setProperty("camel.management.port", Integer.toString(TestServers.freePort()));
      p.setProperty("camel.server.port", Integer.toString(TestServers.freePort()));
      List<String> jvm = new ArrayList<>(List.of("-Xmx" + HUB_HEAP));
      String options = (String) p.remove(JVM_OPTIONS);
      jvm.addAll(List.of((options == null ? HUB_JVM : options).trim().split("\\s+")));
      Path jfr = Path.of("target", "bench", name + ".jfr").toAbsolutePath();
      if (JFR) {
        Files.createDirectories(jfr.getParent());
        jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
      }
      int port = Integer.parseInt(p.getProperty("camel.management.port"));
      try (ChildHub child = ChildHub.start("bench-" + name, p, Map.of(), jvm);
          HeapSampler heap = new HeapSampler(port)) {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Http.ready(port)) {
          assertThat(child.isAlive()).as("the hub runs").isTrue();
          assertThat(System.currentTimeMillis())
              .as("the hub is ready in 2 min")
              .isLessThan(deadline);
          Thread.sleep(250);
        }
        enginePid = child.pid();
        enginePort = port;
        run(name, letter, heap);
        enginePid = -1;
        enginePort = -1;
        if (name.equals("hub")) {
          hubPeakMb = heap.peak.get() / (1024 * 1024);
          oldFirstMb = heap.oldGenFirst.get() / (1024 * 1024);
          oldLastMb = heap.oldGenLast.get() / (1024 * 1024);
        }
        System.out.printf("%s: heap peak %d MB%n", name, heap.peak.get() / (1024 * 1024));
      }
      forgetInCrm(letter);
      if (JFR) {
        System.out.println("JFR recording of " + name + ": " + jfr);
      }
      letter++;
    }
    if (BASELINE_AGAIN && ENGINES.contains("baseline") && !hubs.isEmpty()) {
      runBaseline(props, "baseline-again", 'A', false);
    }
    report(hubPeakMb, oldFirstMb, oldLastMb, (System.nanoTime() - t0) / 1e9);
  }

  void runBaseline(Properties props, String name, char letter, boolean openLoops) throws Exception {
    try (Baseline baseline = new Baseline(props, mappings(), BASELINE_THREADS, BATCH, 50)) {
      baseline.start();
      run(name, letter, null, openLoops);
      System.out.printf(
          "%s: %d batches, %d changes refused%n", name, baseline.batches(), baseline.refused());
    }
    forgetInCrm(letter);
  }

  /**
   * The test servers' write probes ({@link at.telco.hub.testing.Probes}: every write to
   * customerdb's and billing's customer rows copied with its rows as jsonb, for the tests that look
   * for a change applied twice) are the tests' work, not an engine's: off while the bench measures
   * (with them, the baseline's PostgreSQL used 3.0-3.8 CPU-seconds per 10,000 changes, without them
   * 1.7), on again at its end.
   */
  static void testProbes(TestServers s, boolean on) {
    String verb = on ? "ENABLE" : "DISABLE";
    s.execute("customerdb", "ALTER TABLE customerdb.customer " + verb + " TRIGGER hub_probe");
    s.execute("billing", "ALTER TABLE billing.customer " + verb + " TRIGGER hub_probe");
  }

  /**
   * The bench's accounts go from every database again (the CRM's triggers off), so the benchmarks
   * after it (ReconciliationBench counts every customer) find the databases as they were.
   */
  void cleanUp() {
    sessions.close();
    testProbes(s, true);
    s.execute("hub", "ALTER SYSTEM RESET track_functions", "SELECT pg_reload_conf()");
    s.execute(
        "crm",
        "SET session_replication_role = replica",
        "DELETE FROM crm.contact WHERE account_id LIKE 'BEN-%'",
        "DELETE FROM crm.address WHERE account_id LIKE 'BEN-%'",
        "DELETE FROM crm.account WHERE account_id LIKE 'BEN-%'",
        "DELETE FROM crm.change_log WHERE account_id LIKE 'BEN-%'",
        "DELETE FROM crm.activity WHERE account_id LIKE 'BEN-%'",
        "DELETE FROM public.bench_probe");
    s.execute(
        "customerdb",
        "DELETE FROM customerdb.contact_medium WHERE customer_id IN (SELECT customer_id FROM"
            + " customerdb.customer WHERE crm_account_id LIKE 'BEN-%')",
        "DELETE FROM customerdb.service WHERE service_id LIKE 'SRV-9%'",
        "DELETE FROM customerdb.billing_account WHERE ba_no LIKE 'BA9%'",
        "DELETE FROM customerdb.customer WHERE crm_account_id LIKE 'BEN-%'",
        "DELETE FROM public.bench_probe",
        "DELETE FROM public.bench_key_probe");
    s.execute(
        "billing",
        "DELETE FROM billing.event_out WHERE ref_key LIKE 'BA9%'",
        "DELETE FROM billing.billing_account WHERE ba_no LIKE 'BA9%'",
        "DELETE FROM billing.customer WHERE crm_account_id LIKE 'BEN-%'",
        "DELETE FROM public.bench_probe");
    s.execute(
        "hub",
        "DELETE FROM hub.target_state WHERE entity_key LIKE 'BEN-%' OR entity_key IN (SELECT"
            + " customer_id::text FROM hub.customer_identity WHERE crm_account_id LIKE 'BEN-%')",
        "DELETE FROM hub.target_state WHERE entity_key LIKE 'BA9%' OR entity_key LIKE 'SRV-9%'",
        "DELETE FROM hub.billing_account_identity WHERE ba_no LIKE 'BA9%'",
        "DELETE FROM hub.customer_identity WHERE crm_account_id LIKE 'BEN-%'");
    settle();
  }

  Phase find(String engine, String name) {
    for (Phase p : phases) {
      if (p.engine().equals(engine) && p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** The median changes per second of an engine's drains of the change backlog; NaN if none. */
  /** The median of the engine's measured drains. */
  double medianThroughput(String engine) {
    return medianThroughput(List.of(engine));
  }

  /** The ratio's baseline: the median of both baseline runs' measured drains (BASELINE_AGAIN). */
  double baselineThroughput() {
    return medianThroughput(List.of("baseline", "baseline-again"));
  }

  double medianThroughput(List<String> engines) {
    double[] x =
        phases.stream()
            .filter(p -> engines.contains(p.engine()) && p.name().startsWith("saturation: changes"))
            .mapToDouble(Phase::throughput)
            .sorted()
            .toArray();
    if (x.length == 0) {
      return Double.NaN;
    }
    return x.length % 2 == 1 ? x[x.length / 2] : (x[x.length / 2 - 1] + x[x.length / 2]) / 2;
  }

  void report(long hubPeakMb, long oldFirstMb, long oldLastMb, double seconds) throws Exception {
    System.out.println();
    System.out.printf(
        "%-14s %-26s %8s %9s %10s | %-33s | %-33s | %8s%n",
        "engine",
        "phase",
        "changes",
        "seconds",
        "changes/s",
        "ms from commit p50/p95/p99/max",
        "ms from intended p50/p95/p99/max",
        "backlog");
    ObjectNode doc = Json.object();
    ArrayNode rows = doc.putArray("phases");
    for (Phase p : phases) {
      System.out.printf(
          "%-14s %-26s %8d %9.1f %10.0f | %7.1f %7.1f %7.1f %8.1f | %7.1f %7.1f %7.1f %8.1f | %8d%n",
          p.engine(),
          p.name(),
          p.changes(),
          p.seconds(),
          p.throughput(),
          p.p(p.fromCommit(), 50),
          p.p(p.fromCommit(), 95),
          p.p(p.fromCommit(), 99),
          p.max(p.fromCommit()),
          p.p(p.fromIntended(), 50),
          p.p(p.fromIntended(), 95),
          p.p(p.fromIntended(), 99),
          p.max(p.fromIntended()),
          p.backlogAtEnd());
      ObjectNode r = rows.addObject();
      r.put("engine", p.engine());
      r.put("phase", p.name());
      r.put("offered_rate", p.offeredRate());
      r.put("changes", p.changes());
      r.put("seconds", p.seconds());
      r.put("changes_per_second", p.throughput());
      for (String kind : List.of("from_commit", "from_intended")) {
        Histogram h = kind.equals("from_commit") ? p.fromCommit() : p.fromIntended();
        ObjectNode l = r.putObject("latency_ms_" + kind);
        l.put("p50", p.p(h, 50));
        l.put("p95", p.p(h, 95));
        l.put("p99", p.p(h, 99));
        l.put("p999", p.p(h, 99.9));
        l.put("max", p.max(h));
      }
      r.put("applied_after_sending_ended", p.backlogAtEnd());
      r.put("drain_seconds_after_sending_ended", p.drainSeconds());
    }
    double hubSat = medianThroughput("hub");
    double baseSat = baselineThroughput();
    Phase hubRef = find("hub", "open loop " + REFERENCE_RATE + "/s");
    double ratio = Double.isNaN(hubSat) || Double.isNaN(baseSat) ? Double.NaN : hubSat / baseSat;
    double p99 = hubRef == null ? Double.NaN : hubRef.p(hubRef.fromIntended(), 99);
    doc.put("quick", QUICK);
    doc.put("accounts", ACCOUNTS);
    doc.put("rate_seconds", RATE_SECONDS);
    doc.put("batch", BATCH);
    doc.put("baseline_threads", BASELINE_THREADS);
    doc.put("hub_heap_cap", HUB_HEAP);
    doc.put("hub_heap_peak_mb", hubPeakMb);
    doc.put("hub_old_gen_first_mb", oldFirstMb);
    doc.put("hub_old_gen_last_mb", oldLastMb);
    doc.put("saturation_rounds", SATURATION_ROUNDS);
    doc.set("saturation_warmup_drains", Json.MAPPER.valueToTree(warmupDrains));
    doc.put("hub_median_changes_per_second", hubSat);
    doc.put("baseline_median_changes_per_second", baseSat);
    doc.put("baseline_first_median_changes_per_second", medianThroughput("baseline"));
    doc.put("baseline_again_median_changes_per_second", medianThroughput("baseline-again"));
    doc.put("throughput_ratio", ratio);
    doc.put("p99_ms_at_reference_rate", p99);
    doc.put("reference_rate", REFERENCE_RATE);
    doc.put("seconds", seconds);
    // the database work per change: counts that do not drift with the machine's noise
    String[] figures = {
      "db_statements_per_change",
      "index_scans_per_change",
      "rows_written_per_change",
      "pg_cpu_s_per_10k",
      "rest_cpu_s_per_10k",
      "pg_probe_s_per_10k"
    };
    StringBuilder work = new StringBuilder();
    Map<String, String> workSummary = new LinkedHashMap<>();
    for (int i = 0; i < figures.length; i++) {
      double hubFigure = medianDatabaseWork(List.of("hub"), i);
      double baseFigure = medianDatabaseWork(List.of("baseline", "baseline-again"), i);
      doc.put(figures[i], hubFigure);
      doc.put("baseline_" + figures[i], baseFigure);
      work.append(String.format(" %s=%.2f", figures[i], hubFigure));
      workSummary.put(
          figures[i] + ", median of the measured drains: hub / baseline",
          String.format("%.2f / %.2f", hubFigure, baseFigure));
    }
    Path out = Path.of("target", "bench", "hub-bench.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, Json.write(doc));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("hub heap peak MB (cap " + HUB_HEAP + ")", hubPeakMb);
    summary.put("hub old generation MB, first/last sample", oldFirstMb + "/" + oldLastMb);
    phases.stream()
        .map(Phase::engine)
        .distinct()
        .forEach(
            engine ->
                summary.put(
                    engine + " changes/s at saturation, median of " + SATURATION_ROUNDS,
                    String.format(
                        "%.0f (%.2f of the baseline)",
                        medianThroughput(engine), medianThroughput(engine) / baseSat)));
    if (!Double.isNaN(medianThroughput("baseline-again"))) {
      summary.put(
          "the ratio's baseline: both baseline runs' changes/s at saturation, median of "
              + 2 * SATURATION_ROUNDS,
          String.format("%.0f", baseSat));
    }
    summary.putAll(workSummary);
    summary.put("bench seconds", String.format("%.0f", seconds));
    summary.put("json", out.toAbsolutePath());
    summary.forEach((k, v) -> System.out.println(k + ": " + v));
    System.out.printf(
        "RESULT throughput_ratio=%.2f p99_ms=%.1f heap_mb=%d%s%n", ratio, p99, hubPeakMb, work);
  }
}
