package at.telco.hub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.canonical.Json;
import at.telco.hub.config.HubSettings;
import at.telco.hub.consistency.BillingComparison;
import at.telco.hub.consistency.BillingMaster;
import at.telco.hub.consistency.Comparison;
import at.telco.hub.consistency.ConsistencyMetrics;
import at.telco.hub.consistency.CrmMaster;
import at.telco.hub.consistency.CustomerDbComparison;
import at.telco.hub.consistency.Difference;
import at.telco.hub.consistency.Master;
import at.telco.hub.consistency.Pair;
import at.telco.hub.consistency.Reconciler;
import at.telco.hub.consistency.ReconciliationStore;
import at.telco.hub.consistency.Resync;
import at.telco.hub.consistency.TargetReads;
import at.telco.hub.embedded.SystemDatabases;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.mapping.HubTransformers;
import at.telco.hub.mapping.Languages;
import at.telco.hub.mapping.MappingFunctions;
import at.telco.hub.mapping.Mappings;
import at.telco.hub.sink.SinkDeclaration;
import at.telco.hub.sink.SinkWriter;
import at.telco.hub.sink.Sinks;
import at.telco.hub.source.billing.BillingEvents;
import at.telco.hub.source.crm.CrmSnapshots;
import at.telco.hub.source.crm.CustomerEvents;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Reconciles {@code bench.customers} (default 1,000,000; 50,000 with {@code -Dbench.quick=true})
 * customers across the CRM, customerdb and billing (real PostgreSQL), with 0.1 % of billing rows
 * edited and 0.05 % of customerdb rows deleted behind the hub's back, and prints the time, the peak
 * heap and the ratio to a plain keyset scan that only reads and hashes the same rows (measured in
 * the same run, before and after). Run with {@code mvn -B -Pbench verify}.
 */
class ReconciliationBench {

  static final int N =
      Integer.getInteger("bench.customers", Boolean.getBoolean("bench.quick") ? 50_000 : 1_000_000);
  static final int CHUNK = Integer.getInteger("bench.chunk", 10_000);
  static final int PARALLELISM =
      Integer.getInteger(
          "bench.parallelism",
          Integer.parseInt(HubSettings.RECONCILIATION_PARALLELISM.defaultValue()));
  static final int LOAD_BATCH = 20_000;

  static final String[] FIRST = {
    "Anna", "Lukas", "Sophie", "Maximilian", "Marie", "Elias", "Lena", "Jakob", "Emma", "Felix"
  };
  static final String[] LAST = {
    "Gruber", "Huber", "Wagner", "Müller", "Pichler", "Steiner", "Moser", "Mayer", "Hofer",
    "Leitner"
  };
  static final String[] CITY = {
    "Wien", "Graz", "Linz", "Salzburg", "Innsbruck", "Klagenfurt", "Villach", "Wels"
  };

  static Mappings mappings() {
    return new Mappings(
        name ->
            Files.newBufferedReader(
                Path.of("transformers").resolve(name + ".jslt"), StandardCharsets.UTF_8),
        MappingFunctions.all(Languages.defaults()));
  }

  static HikariDataSource pool(TestServers s, String user, String db) {
    HikariDataSource ds = new HikariDataSource();
    ds.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + s.postgresPort() + "/" + db);
    ds.setUsername(user);
    ds.setMaximumPoolSize(4);
    return ds;
  }

  /** COPY text format, a row at a time. */
  static final class Copy {
    final String table;
    final StringBuilder rows = new StringBuilder();
    int count;

    Copy(String table) {
      this.table = table;
    }

    Copy row(Object... values) {
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          rows.append('\t');
        }
        Object v = values[i];
        if (v == null) {
          rows.append("\\N");
        } else {
          String t = v.toString();
          for (int k = 0; k < t.length(); k++) {
            char c = t.charAt(k);
            switch (c) {
              case '\\' -> rows.append("\\\\");
              case '\t' -> rows.append("\\t");
              case '\n' -> rows.append("\\n");
              default -> rows.append(c);
            }
          }
        }
      }
      rows.append('\n');
      count++;
      return this;
    }

    void flush(DataSource ds, String columns) throws Exception {
      if (count == 0) {
        return;
      }
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        s.execute("SET session_replication_role = replica"); // the CRM's change triggers stay off
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        copy.copyIn(
            "COPY " + table + " (" + columns + ") FROM STDIN", new StringReader(rows.toString()));
      }
      rows.setLength(0);
      count = 0;
    }
  }

  static String text(JsonNode n, String f) {
    return Json.text(n, f);
  }

  record Loaded(int edited, int deleted, Duration took) {}

  static Loaded load(TestServers s, Mappings mappings) throws Exception {
    long t0 = System.nanoTime();
    DataSource crm = s.owner("crm");
    DataSource customerdb = s.owner("customerdb");
    DataSource billing = s.owner("billing");
    DataSource hub = s.owner("hub");
    Copy account = new Copy("crm.account");
    Copy contact = new Copy("crm.contact");
    Copy address = new Copy("crm.address");
    Copy customer = new Copy("customerdb.customer");
    Copy medium = new Copy("customerdb.contact_medium");
    Copy bill = new Copy("billing.customer");
    Copy identity = new Copy("hub.customer_identity");
    int edited = 0;
    int deleted = 0;
    for (int i = 1; i <= N; i++) {
      String id = String.format("ACC-B%011d", i);
      boolean b2b = i % 10 == 0;
      String status = i % 50 == 0 ? "PROSPECT" : "ACTIVE";
      String first = FIRST[i % FIRST.length];
      String last = LAST[(i / 10) % LAST.length];
      String name = b2b ? last + " " + first + " Handels GmbH" : first + " " + last;
      String vat = b2b ? String.format("ATU%08d", i % 100_000_000) : null;
      String segment = b2b ? "SOHO" : "CONSUMER";
      String email = first.toLowerCase() + "." + i + "@example.at";
      String phone = String.format("+43664%07d", i % 10_000_000);
      String birth = String.format("19%02d-%02d-%02d", 50 + i % 50, 1 + i % 12, 1 + i % 28);
      String city = CITY[i % CITY.length];
      String zip = String.valueOf(1010 + i % 8990);
      String street = "Hauptstraße";
      String house = String.valueOf(1 + i % 200);
      UUID customerId = UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));

      ObjectNode doc = Json.object();
      doc.put("accountId", id);
      doc.put("customerId", customerId.toString());
      ObjectNode a = doc.putObject("account");
      a.put("account_id", id).put("account_type", b2b ? "B2B" : "B2C").put("name", name);
      a.put("vat_id", vat).put("status", status).put("segment", segment).put("row_version", 1);
      ObjectNode c = doc.putArray("contacts").addObject();
      c.put("contact_id", id + "-C").put("account_id", id).put("is_primary", true);
      c.put("salutation", i % 2 == 0 ? "Frau" : "Herr")
          .put("first_name", first)
          .put("last_name", last);
      c.put("birth_date", birth).put("email", email).put("phone", phone).put("language", "de");
      c.put("marketing_opt_in", i % 3 == 0).put("row_version", 1);
      ObjectNode d = doc.putArray("addresses").addObject();
      d.put("address_id", id + "-A").put("account_id", id).put("address_type", "BILLING");
      d.put("street", street).put("house_number", house).put("postal_code", zip);
      d.put("city", city).put("country", "AT").put("last_modified", "2026-01-01T00:00:00+00:00");
      d.put("row_version", 1);

      account.row(id, a.get("account_type").asText(), name, vat, status, segment, 1);
      contact.row(
          id + "-C",
          id,
          true,
          text(c, "salutation"),
          first,
          last,
          birth,
          email,
          phone,
          "de",
          c.get("marketing_opt_in").asBoolean(),
          1);
      address.row(id + "-A", id, "BILLING", street, house, zip, city, "AT", 1);

      JsonNode data = mappings.apply(HubTransformers.CRM_TO_CANONICAL_CUSTOMER, doc);
      JsonNode row = mappings.apply(HubTransformers.CUSTOMER_TO_CUSTOMERDB, data);
      JsonNode billingRow = mappings.apply(HubTransformers.CUSTOMER_TO_BILLING, data);
      long custNo = 10_000_000L + i;
      boolean inBilling = "UPSERT".equals(text(billingRow, "action"));
      identity.row(customerId, id, inBilling ? custNo : null);
      if (i % 2000 == 1000) {
        deleted++; // customerdb lost this one
      } else {
        JsonNode cu = row.path("customer");
        customer.row(
            customerId,
            id,
            inBilling ? custNo : null,
            text(cu, "party_type"),
            text(cu, "given_name"),
            text(cu, "family_name"),
            text(cu, "organization_name"),
            text(cu, "vat_id"),
            text(cu, "birth_date"),
            text(cu, "language"),
            text(cu, "segment"),
            text(cu, "status"),
            cu.path("marketing_opt_in").asBoolean(),
            "{}",
            "2026-01-01T00:00:00Z");
        for (JsonNode m : row.path("contactMedia")) {
          medium.row(
              customerId,
              text(m, "medium_type"),
              text(m, "role"),
              text(m, "email"),
              text(m, "phone_e164"),
              text(m, "street"),
              text(m, "house_number"),
              text(m, "postal_code"),
              text(m, "city"),
              text(m, "country"),
              "2026-01-01T00:00:00Z");
        }
      }
      if (inBilling) {
        String line1 = text(billingRow, "name_line1");
        if (i % 1000 == 501) {
          line1 = "Edited By Hand";
          edited++;
        }
        bill.row(
            custNo,
            id,
            text(billingRow, "cust_type"),
            line1,
            text(billingRow, "name_line2"),
            text(billingRow, "street_line"),
            text(billingRow, "zip"),
            text(billingRow, "city"),
            text(billingRow, "country_iso3"),
            text(billingRow, "vat_id"),
            text(billingRow, "email_invoice"),
            text(billingRow, "language_code"),
            "ACTIVE",
            false,
            "2026-01-01 00:00:00");
      }
      if (i % LOAD_BATCH == 0 || i == N) {
        account.flush(crm, "account_id, account_type, name, vat_id, status, segment, row_version");
        contact.flush(
            crm,
            "contact_id, account_id, is_primary, salutation, first_name, last_name, birth_date,"
                + " email, phone, language, marketing_opt_in, row_version");
        address.flush(
            crm,
            "address_id, account_id, address_type, street, house_number, postal_code, city,"
                + " country, row_version");
        customer.flush(
            customerdb,
            "customer_id, crm_account_id, billing_cust_no, party_type, given_name, family_name,"
                + " organization_name, vat_id, birth_date, language, segment, status,"
                + " marketing_opt_in, source_versions, updated_at");
        medium.flush(
            customerdb,
            "customer_id, medium_type, role, email, phone_e164, street, house_number, postal_code,"
                + " city, country, updated_at");
        bill.flush(
            billing,
            "cust_no, crm_account_id, cust_type, name_line1, name_line2, street_line, zip, city,"
                + " country_iso3, vat_id, email_invoice, language_code, status, anonymized,"
                + " updated_at");
        identity.flush(hub, "customer_id, crm_account_id, billing_cust_no");
      }
    }
    // analysed as a database that has held a million customers for a while would be (the hub's
    // registry too: unanalysed, it is read by sequential scans until autovacuum gets to it)
    for (String db : new String[] {"crm", "customerdb", "billing", "hub"}) {
      s.execute(db, "VACUUM ANALYZE");
    }
    return new Loaded(edited, deleted, Duration.ofNanos(System.nanoTime() - t0));
  }

  /** The plain scan: the same rows, by the same keyset pages and key lookups, only hashed. */
  /** A writer of a declared sink, used here only to read its rows. */
  static SinkWriter reader(SinkDeclaration sink, DataSource db, Mappings mappings) {
    return new SinkWriter(sink, db, null, mappings, null, Clock.systemUTC(), null, List.of());
  }

  static long baseline(DataSource crm, SinkWriter customerDbSink, SinkWriter billingSink)
      throws Exception {
    DataSource customerdb = customerDbSink.dataSource();
    DataSource billing = billingSink.dataSource();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    String after = "";
    long rows = 0;
    while (true) {
      List<ObjectNode> docs;
      try (Connection c = crm.getConnection()) {
        docs = CrmSnapshots.after(c, after, CHUNK);
      }
      if (docs.isEmpty()) {
        return rows;
      }
      Set<String> keys = new LinkedHashSet<>();
      for (ObjectNode d : docs) {
        keys.add(Json.text(d, "accountId"));
        sha.update(Json.write(d).getBytes(StandardCharsets.UTF_8));
      }
      after = Json.text(docs.get(docs.size() - 1), "accountId");
      Map<String, ObjectNode> a;
      Map<String, ObjectNode> b;
      try (Connection c = customerdb.getConnection()) {
        a = TargetReads.rows(c, customerDbSink, "crm_account_id", keys);
      }
      try (Connection c = billing.getConnection()) {
        b = TargetReads.rows(c, billingSink, "crm_account_id", keys);
      }
      for (ObjectNode r : a.values()) {
        sha.update(Json.write(r).getBytes(StandardCharsets.UTF_8));
      }
      for (ObjectNode r : b.values()) {
        sha.update(Json.write(r).getBytes(StandardCharsets.UTF_8));
      }
      sha.digest();
      rows += docs.size();
      if (docs.size() < CHUNK) {
        return rows;
      }
    }
  }

  /**
   * Closes the pools' idle connections and waits for the statistics collector: a PostgreSQL 14
   * backend reports its table counters when its transaction ends only if it last did more than half
   * a second before, else when it next works or exits, so a pooled connection would carry the plain
   * scan's counts into the reconciliation's or keep the reconciliation's last ones back.
   */
  static void flushStatistics(HikariDataSource... pools) throws InterruptedException {
    for (HikariDataSource p : pools) {
      if (p.getHikariPoolMXBean() != null) { // null: the pool has not connected yet
        p.getHikariPoolMXBean().softEvictConnections();
      }
    }
    Thread.sleep(1500);
  }

  /**
   * The six statements (of every database) that took most of PostgreSQL's time since the last
   * reset, with the blocks they touched (which do not drift with the machine's load).
   */
  static List<String> heaviestStatements(TestServers s) {
    List<String> out = new ArrayList<>();
    try (Connection c = s.owner("hub").getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT calls, shared_blks_hit + shared_blks_read, rows,"
                    + " round(total_exec_time), left(regexp_replace(query, '\\s+', ' ', 'g'), 160)"
                    + " FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 6")) {
      while (rs.next()) {
        out.add(
            String.format(
                "%n  %,d calls, %,d blocks, %,d rows, %,d ms: %s",
                rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5)));
      }
    } catch (SQLException e) {
      out.add("(no pg_stat_statements: " + e.getMessage() + ")");
    }
    return out;
  }

  /** The heap in use after a full collection: the servers of this JVM and what is loaded. */
  static long usedAfterGcMb() {
    System.gc();
    long used = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        used += p.getUsage().getUsed();
      }
    }
    return used / (1024 * 1024);
  }

  static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  static long peakHeapMb() {
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    return peak / (1024 * 1024);
  }

  @Test
  void reconcilesAMillionCustomersAcrossTheThreeDatabases() throws Exception {
    TestServers s = TestServers.get();
    // the hub's tables, as at its start: migrated by the owner, granted to the runtime role
    try (HikariDataSource hub = pool(s, SystemDatabases.OWNER_ROLE, "hub")) {
      at.telco.hub.platform.HubDatabase.migrate(hub, SystemDatabases.HUB_ROLE, null);
    }
    Mappings mappings = mappings();
    Loaded loaded = load(s, mappings);
    System.out.printf(
        "loaded %,d customers (CRM account, contact, address; customerdb; billing) in %.1f s;"
            + " behind the hub's back: %d billing rows edited, %d customerdb rows deleted%n",
        N, loaded.took().toMillis() / 1000.0, loaded.edited(), loaded.deleted());

    try (HikariDataSource crm = pool(s, "hub_integration", "crm");
        HikariDataSource customerdb = pool(s, "hub_integration", "customerdb");
        HikariDataSource billing = pool(s, "hub_integration", "billing");
        HikariDataSource hub = pool(s, "hub_app", "hub");
        BenchSessions sessions = new BenchSessions(s)) {
      Clock clock = Clock.systemUTC();
      CanonicalSchemas schemas = new CanonicalSchemas();
      IdentityRegistry registry = new IdentityRegistry(hub);
      CrmMaster crmMaster =
          new CrmMaster(crm, registry, mappings, new CustomerEvents(clock), schemas);
      BillingMaster billingMaster =
          new BillingMaster(billing, registry, mappings, new BillingEvents(clock), schemas);
      SinkWriter customerDbSink =
          reader(Baseline.declaration("customerdb", new Properties()), customerdb, mappings);
      SinkWriter billingSink =
          reader(Baseline.declaration("billing", new Properties()), billing, mappings);
      Sinks sinks = Sinks.of(List.of(customerDbSink, billingSink));
      List<Master> masters = List.of(crmMaster, billingMaster);
      Map<Pair, Comparison> comparisons = new LinkedHashMap<>();
      comparisons.put(
          Pair.of(customerDbSink.sink(), masters), new CustomerDbComparison(mappings, "billing"));
      comparisons.put(Pair.of(billingSink.sink(), masters), new BillingComparison(mappings));
      Reconciler reconciler =
          new Reconciler(
              hub,
              registry,
              comparisons,
              sinks,
              new ReconciliationStore(hub),
              new Resync(crm, crmMaster, billingMaster, null, null, Map.of(), null, CHUNK, sinks),
              new ConsistencyMetrics(new SimpleMeterRegistry(), comparisons.keySet(), List.of()),
              clock,
              new Reconciler.Options(
                  CHUNK, Duration.ZERO, 100_000, false, 200, "bench", PARALLELISM));

      resetPeaks();
      long t = System.nanoTime();
      long scanned = baseline(crm, customerDbSink, billingSink);
      double baseline1 = (System.nanoTime() - t) / 1e9;
      long baselineHeap = peakHeapMb();

      long idle = usedAfterGcMb();
      resetPeaks();
      s.execute("hub", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      s.execute("hub", "SELECT pg_stat_statements_reset()");
      flushStatistics(crm, customerdb, billing, hub);
      Usage before = Usage.now(-1, 0, sessions);
      t = System.nanoTime();
      Reconciler.Outcome outcome =
          reconciler.run(
              "bench",
              "ReconciliationBench",
              Set.of(reconciler.pair("crm->customerdb"), reconciler.pair("crm->billing")),
              false);
      double reconcile = (System.nanoTime() - t) / 1e9;
      long reconcileHeap = peakHeapMb();
      flushStatistics(crm, customerdb, billing, hub);
      Usage after = Usage.now(-1, 0, sessions);
      List<String> statements = heaviestStatements(s);

      resetPeaks();
      t = System.nanoTime();
      baseline(crm, customerDbSink, billingSink);
      double baseline2 = (System.nanoTime() - t) / 1e9;
      double baseline = Math.min(baseline1, baseline2);

      long different = outcome.count(reconciler.pair("crm->billing"), Difference.Kind.DIFFERENT);
      long missing = outcome.count(reconciler.pair("crm->customerdb"), Difference.Kind.MISSING);
      long max = Runtime.getRuntime().maxMemory() / (1024 * 1024);
      System.out.printf(
          "reconciliation of %,d customers (crm->customerdb, crm->billing) in chunks of %,d: %.1f s"
              + " (%,.0f customers/s), peak heap %d MB of %d MB (%d MB in use before it: the test"
              + " servers in this JVM); found %d DIFFERENT in billing, %d MISSING in customerdb%n",
          N, CHUNK, reconcile, N / reconcile, reconcileHeap, max, idle, different, missing);
      long seqRows = 0;
      long indexScans = 0;
      Map<String, String> seqByTable = new TreeMap<>();
      for (Map.Entry<String, long[]> e : after.tables().entrySet()) {
        long[] b = before.tables().getOrDefault(e.getKey(), new long[4]);
        seqRows += e.getValue()[1] - b[1];
        indexScans += e.getValue()[2] - b[2];
        if (e.getValue()[1] > b[1]) {
          seqByTable.put(
              e.getKey(),
              String.format(
                  "%,d scans reading %,d rows", e.getValue()[0] - b[0], e.getValue()[1] - b[1]));
        }
      }
      System.out.printf("sequential scans of the reconciliation, by table: %s%n", seqByTable);
      System.out.println(
          "the reconciliation's statements that took PostgreSQL longest: " + statements);
      System.out.printf(
          "where the reconciliation's time went: machine %.1f CPU-s (%.1f s idle), this JVM %.1f"
              + " (JIT %.1f, GC %.1f), PostgreSQL %.1f, the rest (the kernel, whatever else runs"
              + " on the machine) %.1f; %,d rows read by sequential scans, %,d index scans%n",
          (after.machine() - before.machine()) / 100.0,
          (after.idle() - before.idle()) / 100.0,
          (after.self() - before.self()) / 100.0,
          (after.selfThreads()[0] - before.selfThreads()[0]) / 100.0,
          (after.selfThreads()[1] - before.selfThreads()[1]) / 100.0,
          (after.postgres() - before.postgres()) / 100.0,
          ((after.machine() - before.machine())
                  - (after.self() - before.self())
                  - (after.postgres() - before.postgres()))
              / 100.0,
          seqRows,
          indexScans);
      System.out.printf(
          "plain keyset scan reading and hashing the same rows: %.1f s and %.1f s (peak heap %d MB)%n",
          baseline1, baseline2, baselineHeap);
      System.out.printf(
          "RESULT reconciliation customers=%d seconds=%.1f customers_per_second=%.0f"
              + " peak_heap_mb=%d heap_before_mb=%d baseline_seconds=%.1f ratio_to_baseline=%.2f%n",
          N, reconcile, N / reconcile, reconcileHeap, idle, baseline, reconcile / baseline);

      assertThat(scanned).isEqualTo(N);
      assertThat(outcome.compared().get(reconciler.pair("crm->customerdb"))).isEqualTo((long) N);
      assertThat(different).isEqualTo(loaded.edited());
      assertThat(missing).isEqualTo(loaded.deleted());
      assertThat(outcome.differences())
          .allMatch(
              d ->
                  d.kind() == Difference.Kind.DIFFERENT
                      ? d.attributes().equals(List.of("name_line1"))
                      : d.kind() == Difference.Kind.MISSING);
    }
  }
}
