package at.telco.hub.backup;

import at.telco.hub.canonical.Json;
import at.telco.hub.jdbc.Transactions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Backup and restore of the hub's own state: the hub database (every table of schema {@code hub},
 * exported with COPY in one consistent snapshot, so it can be taken while the hub runs) and, in the
 * embedded default, the Artemis journal and the Kafka data (copied as files, with their servers
 * stopped). A manifest records the schema version, the rows and a SHA-256 of every file; a restore
 * checks them before it touches anything, recreates the schema at the backup's version, loads the
 * rows, sets the sequences, and then migrates to the running version.
 *
 * <p>The systems (CRM, billing, customerdb, network) are not part of it: they are the masters and
 * copies the hub keeps in step, restored (if ever) by their owners; after a restore of the hub,
 * {@link Recovery} takes back what the hub learnt since the backup from them.
 */
public final class HubBackup {

  public static final String MANIFEST = "manifest.json";
  static final String FORMAT = "telco-hub-backup/1";

  private HubBackup() {}

  /** What a backup holds (or a restore loaded). */
  public record Result(
      Path location, String schemaVersion, Map<String, Long> rows, List<String> directories) {}

  /**
   * Backs up the hub database and the given directories (name -> directory, e.g. {@code artemis} ->
   * the journal; their servers must be stopped) into {@code to}, which must not exist or be empty.
   */
  public static Result backup(DataSource hub, Path to, Map<String, Path> directories)
      throws IOException, SQLException {
    return backup(hub, to, directories, ProgressListener.NONE);
  }

  /**
   * As {@link #backup(DataSource, Path, Map)}, telling {@code progress} after each table and each
   * file copied.
   */
  public static Result backup(
      DataSource hub, Path to, Map<String, Path> directories, ProgressListener progress)
      throws IOException, SQLException {
    if (Files.exists(to)) {
      try (var entries = Files.list(to)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalStateException(to + " is not empty: a backup goes into a new directory");
        }
      }
    }
    // the backup holds personal data (dead letters) and the audit trail: the owner's only, 0700
    // directories and 0600 files, whatever the umask
    ownerOnlyDirectory(to);
    ownerOnlyDirectory(to.resolve("hubdb"));
    ObjectNode manifest = Json.object();
    manifest.put("format", FORMAT);
    manifest.put("createdAt", Instant.now().toString());
    ObjectNode files = manifest.putObject("files");
    Map<String, Long> rows = new LinkedHashMap<>();
    Steps steps = new Steps(progress);
    String version =
        Transactions.untranslated(
            hub,
            c -> {
              // one snapshot for every table: the backup is consistent while the hub writes on
              c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
              c.setReadOnly(true);
              String v = schemaVersion(c);
              CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
              List<String> tables = tablesInLoadOrder(c);
              steps.total = tables.size() + countFiles(directories.values());
              for (String table : tables) {
                Path file = to.resolve("hubdb").resolve(table + ".copy");
                MessageDigest sha = sha256();
                try (OutputStream out = new DigestOutputStream(ownerOnlyFile(file), sha)) {
                  copy.copyOut("COPY hub." + table + " TO STDOUT (FORMAT binary)", out);
                }
                rows.put(table, count(c, table));
                files.put("hubdb/" + table + ".copy", HexFormat.of().formatHex(sha.digest()));
                steps.step();
              }
              return v;
            });
    manifest.put("schemaVersion", version);
    manifest.set("rows", Json.MAPPER.valueToTree(rows));
    List<String> dirs = new ArrayList<>();
    for (Map.Entry<String, Path> d : directories.entrySet()) {
      if (d.getValue() != null && Files.isDirectory(d.getValue())) {
        copyTree(d.getValue(), to.resolve(d.getKey()), files, to, steps, null);
        dirs.add(d.getKey());
      }
    }
    manifest.set("directories", Json.MAPPER.valueToTree(dirs));
    try (OutputStream out = ownerOnlyFile(to.resolve(MANIFEST))) {
      out.write(
          Json.MAPPER
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(manifest)
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    steps.end();
    return new Result(to, version, rows, dirs);
  }

  /**
   * Restores a backup: checks every file's hash, recreates schema {@code hub} at the backup's
   * version ({@code migrateTo} runs the migrations up to a version, or to the latest for null),
   * loads the rows, sets the sequences, migrates to the latest version, and puts the backed-up
   * directories in place of the given ones (their servers must be stopped).
   */
  public static Result restore(
      DataSource hub, Path from, Map<String, Path> directories, Consumer<String> migrateTo)
      throws IOException, SQLException {
    return restore(hub, from, directories, migrateTo, ProgressListener.NONE);
  }

  /**
   * As {@link #restore(DataSource, Path, Map, Consumer)}, telling {@code progress} after each file
   * checked, each table loaded and each file put in place.
   */
  public static Result restore(
      DataSource hub,
      Path from,
      Map<String, Path> directories,
      Consumer<String> migrateTo,
      ProgressListener progress)
      throws IOException, SQLException {
    JsonNode manifest = Json.parse(Files.readString(from.resolve(MANIFEST)));
    if (!FORMAT.equals(Json.text(manifest, "format"))) {
      throw new IllegalStateException(from + " is not a hub backup (" + MANIFEST + ")");
    }
    Steps steps = new Steps(progress);
    // each file is checked, then loaded (hubdb/) or put in place (a directory restored here)
    for (Map.Entry<String, JsonNode> f : manifest.path("files").properties()) {
      String top = f.getKey().substring(0, Math.max(f.getKey().indexOf('/'), 0));
      steps.total += top.equals("hubdb") || directories.get(top) != null ? 2 : 1;
    }
    Set<String> listed = listed(from, manifest);
    List<String> unlisted = unlisted(from, listed);
    if (!unlisted.isEmpty()) {
      throw new IllegalStateException(
          "backup "
              + from
              + " holds files its manifest does not list, refused (a backup is restored only as it"
              + " was written; remove them or take another backup): "
              + unlisted);
    }
    verify(from, manifest, steps);
    String version = Json.text(manifest, "schemaVersion");
    try (Connection c = hub.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS hub CASCADE");
    }
    migrateTo.accept(version);
    Map<String, Long> rows = new LinkedHashMap<>();
    Transactions.untranslated(
        hub,
        c -> {
          CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
          for (String table : tablesInLoadOrder(c)) {
            Path file = from.resolve("hubdb").resolve(table + ".copy");
            if (!Files.exists(file)) {
              continue; // a table the backup's version did not have
            }
            try (InputStream in = Files.newInputStream(file)) {
              rows.put(table, copy.copyIn("COPY hub." + table + " FROM STDIN (FORMAT binary)", in));
            }
            steps.step();
          }
          resetSequences(c);
          return null;
        });
    migrateTo.accept(null);
    List<String> dirs = new ArrayList<>();
    for (JsonNode d : manifest.path("directories")) {
      Path target = directories.get(d.asText());
      if (target == null) {
        continue;
      }
      deleteTree(target);
      copyTree(from.resolve(d.asText()), target, null, from, steps, listed);
      dirs.add(d.asText());
    }
    steps.end();
    return new Result(from, version, rows, dirs);
  }

  /** Counts steps done for a {@link ProgressListener}. */
  private static final class Steps {
    private final ProgressListener listener;
    long total;
    private long done;

    Steps(ProgressListener listener) {
      this.listener = listener;
    }

    void step() {
      listener.progress(Math.min(++done, total), total);
    }

    void end() {
      listener.progress(total, total);
    }
  }

  /** The files in these directories (what a backup copies of them). */
  private static long countFiles(Iterable<Path> directories) throws IOException {
    long n = 0;
    for (Path d : directories) {
      if (d != null && Files.isDirectory(d)) {
        try (var walk = Files.walk(d)) {
          n +=
              walk.filter(Files::isRegularFile)
                  .filter(f -> !f.getFileName().toString().endsWith(".lock"))
                  .count();
        }
      }
    }
    return n;
  }

  private static void verify(Path from, JsonNode manifest, Steps steps) throws IOException {
    for (Map.Entry<String, JsonNode> f : manifest.path("files").properties()) {
      Path file = from.resolve(f.getKey());
      if (!Files.exists(file)) {
        throw new IllegalStateException("backup is incomplete: " + f.getKey() + " is missing");
      }
      MessageDigest sha = sha256();
      try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      if (!HexFormat.of().formatHex(sha.digest()).equals(f.getValue().asText())) {
        throw new IllegalStateException(
            "backup is damaged: " + f.getKey() + " does not match its hash");
      }
      steps.step();
    }
  }

  static String schemaVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version FROM hub.flyway_schema_history WHERE success AND version IS NOT NULL"
                    + " ORDER BY installed_rank DESC")) {
      String max = null;
      while (rs.next()) {
        String v = rs.getString(1);
        if (max == null || compareVersions(v, max) > 0) {
          max = v;
        }
      }
      return max;
    }
  }

  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      long p = i < x.length ? Long.parseLong(x[i]) : 0;
      long q = i < y.length ? Long.parseLong(y[i]) : 0;
      if (p != q) {
        return Long.compare(p, q);
      }
    }
    return 0;
  }

  /** The hub's tables (without Flyway's history), referenced tables before referencing ones. */
  static List<String> tablesInLoadOrder(Connection c) throws SQLException {
    Set<String> tables = new java.util.TreeSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'hub'"
                    + " AND tablename <> 'flyway_schema_history'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    Map<String, Set<String>> dependsOn = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT t.relname, r.relname FROM pg_constraint k"
                    + " JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid"
                    + " JOIN pg_namespace n ON n.oid = t.relnamespace"
                    + " WHERE k.contype = 'f' AND n.nspname = 'hub'")) {
      while (rs.next()) {
        if (!rs.getString(1).equals(rs.getString(2))) {
          dependsOn
              .computeIfAbsent(rs.getString(1), k -> new java.util.TreeSet<>())
              .add(rs.getString(2));
        }
      }
    }
    Set<String> ordered = new LinkedHashSet<>();
    while (ordered.size() < tables.size()) {
      boolean progress = false;
      for (String t : tables) {
        if (!ordered.contains(t) && ordered.containsAll(dependsOn.getOrDefault(t, Set.of()))) {
          ordered.add(t);
          progress = true;
        }
      }
      if (!progress) {
        throw new IllegalStateException("the hub's tables reference each other in a cycle");
      }
    }
    return new ArrayList<>(ordered);
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM hub." + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void resetSequences(Connection c) throws SQLException {
    List<String[]> serials = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name, column_name,"
                    + " pg_get_serial_sequence('hub.' || table_name, column_name)"
                    + " FROM information_schema.columns WHERE table_schema = 'hub'"
                    + " AND pg_get_serial_sequence('hub.' || table_name, column_name) IS NOT NULL")) {
      while (rs.next()) {
        serials.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
      }
    }
    for (String[] s : serials) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT setval(?, coalesce((SELECT max("
                  + s[1]
                  + ") FROM hub."
                  + s[0]
                  + "), 0) + 1, false)")) {
        ps.setString(1, s[2]);
        ps.executeQuery().close();
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The files a backup's manifest lists, as paths relative to the backup (checked to stay in it).
   */
  static Set<String> listed(Path from, JsonNode manifest) {
    Set<String> listed = new java.util.TreeSet<>();
    Path root = from.toAbsolutePath().normalize();
    for (Map.Entry<String, JsonNode> f : manifest.path("files").properties()) {
      Path p = root.resolve(f.getKey()).normalize();
      if (!p.startsWith(root) || p.equals(root)) {
        throw new IllegalStateException(
            "backup manifest names a file outside the backup, refused: " + f.getKey());
      }
      listed.add(root.relativize(p).toString().replace('\\', '/'));
    }
    return listed;
  }

  /**
   * Files (and links, and anything else that is not a directory) in a backup that its manifest does
   * not list; the manifest itself excepted.
   */
  static List<String> unlisted(Path from, Set<String> listed) throws IOException {
    List<String> unlisted = new ArrayList<>();
    Path root = from.toAbsolutePath().normalize();
    try (var walk = Files.walk(root)) {
      walk.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
          .forEach(
              p -> {
                String rel = root.relativize(p).toString().replace('\\', '/');
                boolean regular = Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (!(regular && (rel.equals(MANIFEST) || listed.contains(rel)))) {
                  unlisted.add(rel);
                }
              });
    }
    return unlisted;
  }

  private static final boolean POSIX =
      java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  /** A directory (created if missing) that only its owner may read: 0700. */
  static void ownerOnlyDirectory(Path dir) throws IOException {
    if (!POSIX) {
      Files.createDirectories(dir);
      return;
    }
    var perms = java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
    if (!Files.isDirectory(dir)) {
      if (dir.getParent() != null) {
        Files.createDirectories(dir.getParent());
      }
      Files.createDirectory(
          dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(perms));
    }
    Files.setPosixFilePermissions(dir, perms); // the umask may have taken some away, or it existed
  }

  /** A new file (replacing one) that only its owner may read and write, 0600, open for writing. */
  static OutputStream ownerOnlyFile(Path file) throws IOException {
    Files.deleteIfExists(file);
    if (POSIX) {
      var perms = java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
      Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(perms));
      Files.setPosixFilePermissions(file, perms);
    }
    return Files.newOutputStream(file);
  }

  /**
   * Copies a tree; with {@code files}, records each file's SHA-256 relative to {@code root}; a step
   * for each file. A backup is written owner-only; with {@code only} (a restore), only the files it
   * lists (relative to {@code root}) are copied.
   */
  private static void copyTree(
      Path source, Path target, ObjectNode files, Path root, Steps steps, Set<String> only)
      throws IOException {
    Path base = root == null ? null : root.toAbsolutePath().normalize();
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Path d = target.resolve(source.relativize(dir).toString());
            if (files != null) {
              ownerOnlyDirectory(d);
            } else {
              Files.createDirectories(d);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (file.getFileName().toString().endsWith(".lock")) {
              return FileVisitResult.CONTINUE; // a server's lock file belongs to its process
            }
            if (only != null
                && !only.contains(
                    base.relativize(file.toAbsolutePath().normalize())
                        .toString()
                        .replace('\\', '/'))) {
              return FileVisitResult.CONTINUE; // not the manifest's: never restored
            }
            Path copy = target.resolve(source.relativize(file).toString());
            if (files != null) {
              try (OutputStream out = ownerOnlyFile(copy)) {
                Files.copy(file, out);
              }
            } else {
              Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            if (files != null) {
              try (InputStream in = Files.newInputStream(copy)) {
                MessageDigest sha = sha256();
                try (InputStream d = new DigestInputStream(in, sha)) {
                  d.transferTo(OutputStream.nullOutputStream());
                }
                files.put(
                    root.relativize(copy).toString().replace('\\', '/'),
                    HexFormat.of().formatHex(sha.digest()));
              }
            }
            steps.step();
            return FileVisitResult.CONTINUE;
          }
        });
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
