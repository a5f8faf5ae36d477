package at.telco.hub.bench;

import at.telco.hub.testing.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a phase's CPU went (the machine, the hub's JVM, this JVM with the brokers and the baseline,
 * PostgreSQL's processes, the rest) and which tables it scanned, from /proc and PostgreSQL's
 * statistics views.
 */
record Usage(
    long machine,
    long idle,
    long engine,
    long self,
    long postgres,
    long benchSessions,
    double probeMillis,
    long[] engineThreads,
    long[] selfThreads,
    Map<String, long[]> tables,
    Map<String, Double> exchanges,
    Map<String, Long> statements) {

  /**
   * The flow's routes: the source route's exchanges are its polls, a target route's its batches.
   */
  static final List<String> ROUTES =
      List.of("crm-customer-source", "sink-customerdb", "sink-billing");

  static final List<String> DATABASES = List.of("crm", "customerdb", "billing", "hub");

  /**
   * The figures now. PostgreSQL's CPU is its processes' but the backends of the bench's own {@code
   * sessions}, through which every statistic here is read (after the CPU figures, so a phase's
   * reads fall outside it or on the bench's backends).
   */
  static Usage now(long enginePid, int metricsPort, BenchSessions sessions) {
    long[] cpu = machineTicks();
    long[] postgres = postgresTicks(sessions.backends());
    Map<String, Double> exchanges = new HashMap<>();
    if (metricsPort > 0) {
      try {
        Scrape sc = Scrape.of(metricsPort);
        for (String route : ROUTES) {
          exchanges.put(route, sc.valueOrZero("camel_exchanges_total", "route_id", route));
        }
      } catch (RuntimeException e) {
        // no figures from a hub going down
      }
    }
    return new Usage(
        cpu[0],
        cpu[1],
        enginePid < 0 ? 0 : processTicks(enginePid),
        processTicks(ProcessHandle.current().pid()),
        postgres[0],
        postgres[1],
        probeMillis(sessions),
        enginePid < 0 ? new long[2] : compilerAndGcTicks(enginePid),
        compilerAndGcTicks(ProcessHandle.current().pid()),
        tables(sessions),
        exchanges,
        statements(sessions));
  }

  /** The role the bench itself uses (its load, its probes, these counters): not the engine's. */
  static final String BENCH_ROLE = "postgres";

  /**
   * database:role -> statements executed ({@code pg_stat_statements}, which the embedded PostgreSQL
   * preloads; the extension is created in the hub database). Empty where it is not there.
   */
  static Map<String, Long> statements(BenchSessions sessions) {
    Map<String, Long> m = new HashMap<>();
    try (Statement st = sessions.session("hub").createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT d.datname || ':' || r.rolname, sum(p.calls) FROM pg_stat_statements p"
                    + " JOIN pg_database d ON d.oid = p.dbid JOIN pg_roles r ON r.oid = p.userid"
                    + " GROUP BY 1")) {
      while (rs.next()) {
        m.put(rs.getString(1), rs.getLong(2));
      }
    } catch (SQLException e) {
      // no pg_stat_statements: no statement counts
    }
    return m;
  }

  /** The databases where the bench's probe triggers run (HubBench.installProbes). */
  static final List<String> PROBED = List.of("crm", "customerdb", "billing");

  /**
   * Milliseconds spent in the bench's probe trigger functions ({@code public.bench_*}), from {@code
   * pg_stat_user_functions} where {@code track_functions} is on (0 where it is off): wall-clock
   * time inside PostgreSQL, so at most their CPU.
   */
  static double probeMillis(BenchSessions sessions) {
    double ms = 0;
    for (String db : PROBED) {
      try (Statement st = sessions.session(db).createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT coalesce(sum(total_time), 0) FROM pg_stat_user_functions WHERE"
                      + " schemaname = 'public' AND funcname LIKE 'bench\\_%'")) {
        rs.next();
        ms += rs.getDouble(1);
      } catch (SQLException e) {
        // a database not there: nothing to count
      }
    }
    return ms;
  }

  /**
   * The database work of the engine since {@code before}: statements executed by any role but the
   * bench's own (NaN without pg_stat_statements), index scans and rows written in the systems' and
   * the hub's tables (the bench's load of the CRM included, the same for every engine; its probe
   * tables not), PostgreSQL's CPU seconds (its processes' but the bench's sessions'), the CPU
   * seconds of the machine outside both JVMs (PostgreSQL, the kernel's work for the loopback
   * network, anything else), the seconds in the bench's probe triggers (part of PostgreSQL's, at
   * most their CPU) and the CPU seconds of the bench's sessions (not part of PostgreSQL's).
   */
  double[] databaseWork(Usage before) {
    double statementCount = 0;
    for (Map.Entry<String, Long> e : statements.entrySet()) {
      if (!e.getKey().endsWith(":" + BENCH_ROLE)) {
        statementCount += e.getValue() - before.statements.getOrDefault(e.getKey(), 0L);
      }
    }
    long indexScans = 0;
    long rowsWritten = 0;
    for (Map.Entry<String, long[]> e : tables.entrySet()) {
      if (e.getKey().contains(":public.") || e.getKey().contains(INDEX)) {
        continue; // the bench's own probes; an index's scans are its table's too
      }
      long[] b = before.tables.getOrDefault(e.getKey(), new long[4]);
      indexScans += e.getValue()[2] - b[2];
      rowsWritten += e.getValue()[3] - b[3];
    }
    double rest = (machine - before.machine) - (engine - before.engine) - (self - before.self);
    return new double[] {
      statements.isEmpty() ? Double.NaN : statementCount,
      indexScans,
      rowsWritten,
      (postgres - before.postgres) / 100.0,
      rest / 100.0,
      (probeMillis - before.probeMillis) / 1000.0,
      (benchSessions - before.benchSessions) / 100.0
    };
  }

  /** Busy and idle clock ticks of the whole machine. */
  static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      long idle = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        long v = Long.parseLong(f[i]);
        if (i == 4 || i == 5) {
          idle += v;
        } else {
          busy += v;
        }
      }
      return new long[] {busy, idle};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /**
   * User + system clock ticks of every PostgreSQL process on the machine (the bench's servers are
   * the only ones): the postmaster and its live backends, plus what the ended backends used, which
   * the postmaster collected when it reaped them (its children's ticks). A backend that ends
   * between two readings moves from the first sum to the second, so the total stays whole. Returns
   * {the processes but the {@code excluded} backends, the excluded backends}.
   */
  static long[] postgresTicks(Set<Long> excluded) {
    long ticks = 0;
    long excludedTicks = 0;
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path proc : (Iterable<Path>) procs::iterator) {
        String pid = proc.getFileName().toString();
        if (pid.isEmpty() || !Character.isDigit(pid.charAt(0))) {
          continue;
        }
        try {
          String stat = Files.readString(proc.resolve("stat"));
          if (!stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).equals("postgres")) {
            continue;
          }
          String[] f = fields(stat);
          // utime, stime, and the reaped children's cutime, cstime
          long t =
              Long.parseLong(f[11])
                  + Long.parseLong(f[12])
                  + Long.parseLong(f[13])
                  + Long.parseLong(f[14]);
          if (excluded.contains(Long.parseLong(pid))) {
            excludedTicks += t;
          } else {
            ticks += t;
          }
        } catch (IOException | RuntimeException e) {
          // a process that ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: no figure
    }
    return new long[] {ticks, excludedTicks};
  }

  /** The fields of a /proc stat line after the process's name (the state first). */
  private static String[] fields(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
  }

  /** User + system clock ticks of one process. */
  static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = fields(stat);
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * Clock ticks of one JVM's just-in-time compiler threads and of its garbage collection (the VM
   * thread, where the serial collector runs, and any GC worker threads), from the threads' names in
   * /proc: a JVM still compiling its hot code is not yet measuring its steady state. (A compiler
   * thread the JVM stops in between takes its ticks with it; on two cores it runs one of each kind
   * and stops none.)
   */
  static long[] compilerAndGcTicks(long pid) {
    long[] ticks = new long[2];
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = fields(stat);
          long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          if (name.contains("CompilerThre")) {
            ticks[0] += t;
          } else if (name.equals("VM Thread") || name.startsWith("GC Thread")) {
            ticks[1] += t;
          }
        } catch (IOException | RuntimeException e) {
          // a thread that ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      // no figures from a process going down
    }
    return ticks;
  }

  /** What separates a table from one of its indexes in the keys of {@link #tables}. */
  static final String INDEX = " / ";

  /**
   * database.table -> {seq scans, rows read by them, index scans, rows written}, and database.table
   * / index -> {0, 0, index scans, 0}.
   */
  static Map<String, long[]> tables(BenchSessions sessions) {
    Map<String, long[]> m = new HashMap<>();
    for (String db : DATABASES) {
      try (Statement st = sessions.session(db).createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT schemaname || '.' || relname, seq_scan, seq_tup_read,"
                      + " coalesce(idx_scan, 0), n_tup_ins + n_tup_upd + n_tup_del FROM"
                      + " pg_stat_user_tables")) {
        while (rs.next()) {
          m.put(
              db + ":" + rs.getString(1),
              new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)});
        }
        // and per index (key "db:schema.table / index"), to see which statement scans what
        try (ResultSet ix =
            st.executeQuery(
                "SELECT schemaname || '.' || relname, indexrelname, idx_scan FROM"
                    + " pg_stat_user_indexes")) {
          while (ix.next()) {
            m.put(
                db + ":" + ix.getString(1) + INDEX + ix.getString(2),
                new long[] {0, 0, ix.getLong(3), 0});
          }
        }
      } catch (SQLException e) {
        // a database not there: nothing to count
      }
    }
    return m;
  }

  /**
   * The share of the engine's JVM's CPU (this JVM's for the baseline, {@code engineJvm} false) its
   * just-in-time compiler threads used since {@code before}.
   */
  double jitShare(Usage before, boolean engineJvm) {
    long cpu = engineJvm ? engine - before.engine : self - before.self;
    long jit =
        engineJvm
            ? engineThreads[0] - before.engineThreads[0]
            : selfThreads[0] - before.selfThreads[0];
    return cpu <= 0 ? 0 : (double) jit / cpu;
  }

  void print(String phase, Usage before) {
    double hz = 100.0;
    System.out.printf(
        "%s, CPU seconds: machine busy %.1f idle %.1f | engine JVM %.1f (JIT %.1f, GC %.1f) |"
            + " bench JVM (brokers, baseline) %.1f (JIT %.1f, GC %.1f) | PostgreSQL %.1f (and the"
            + " bench's sessions %.1f) | rest %.1f%n",
        phase,
        (machine - before.machine) / hz,
        (idle - before.idle) / hz,
        (engine - before.engine) / hz,
        (engineThreads[0] - before.engineThreads[0]) / hz,
        (engineThreads[1] - before.engineThreads[1]) / hz,
        (self - before.self) / hz,
        (selfThreads[0] - before.selfThreads[0]) / hz,
        (selfThreads[1] - before.selfThreads[1]) / hz,
        (postgres - before.postgres) / hz,
        (benchSessions - before.benchSessions) / hz,
        (machine
                - before.machine
                - (engine - before.engine)
                - (self - before.self)
                - (postgres - before.postgres)
                - (benchSessions - before.benchSessions))
            / hz);
    if (!exchanges.isEmpty()) {
      StringBuilder line =
          new StringBuilder(
              "  exchanges (the source route's: its polls; a target route's: its batches):");
      for (String route : ROUTES) {
        line.append(
            String.format(
                " %s %.0f",
                route, exchanges.get(route) - before.exchanges.getOrDefault(route, 0.0)));
      }
      System.out.println(line);
    }
    tables.entrySet().stream()
        .map(
            e -> {
              long[] b = before.tables.getOrDefault(e.getKey(), new long[4]);
              long[] d = new long[4];
              for (int i = 0; i < 4; i++) {
                d[i] = e.getValue()[i] - b[i];
              }
              return Map.entry(e.getKey(), d);
            })
        .filter(e -> e.getValue()[1] + e.getValue()[2] + e.getValue()[3] >= 1000)
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              if (e.getKey().contains(INDEX)) {
                System.out.printf(
                    "  %-40s   of which %-33s index scans %8d%n",
                    "",
                    e.getKey().substring(e.getKey().indexOf(INDEX) + INDEX.length()),
                    e.getValue()[2]);
              } else {
                System.out.printf(
                    "  %-40s seq scans %7d rows read by them %11d | index scans %8d | rows"
                        + " written %8d%n",
                    e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3]);
              }
            });
  }
}
