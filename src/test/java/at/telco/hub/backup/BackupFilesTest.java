package at.telco.hub.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup's files are the owner's only, whatever the umask; a restore takes only the files its
 * manifest lists and refuses a backup that holds others, before it touches anything.
 */
class BackupFilesTest {

  @TempDir Path dir;

  @Test
  void backupFilesAndDirectoriesAreTheOwnersOnly() throws Exception {
    Path d = dir.resolve("backup").resolve("hubdb");
    HubBackup.ownerOnlyDirectory(d.getParent());
    HubBackup.ownerOnlyDirectory(d);
    try (OutputStream out = HubBackup.ownerOnlyFile(d.resolve("t.copy"))) {
      out.write(1);
    }
    assertThat(Files.getPosixFilePermissions(d.getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(d))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(d.resolve("t.copy")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    // an existing directory (e.g. made by the operator with the default umask) is narrowed
    Path existing = Files.createDirectory(dir.resolve("existing"));
    Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
    HubBackup.ownerOnlyDirectory(existing);
    assertThat(Files.getPosixFilePermissions(existing))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  /** A backup of one (empty) table and one file of a directory, as {@link HubBackup} writes it. */
  private Path backup() throws Exception {
    Path b = dir.resolve("b");
    Files.createDirectories(b.resolve("hubdb"));
    Files.createDirectories(b.resolve("artemis"));
    Files.writeString(b.resolve("hubdb/x.copy"), "rows");
    Files.writeString(b.resolve("artemis/journal-1.amq"), "journal");
    Files.writeString(
        b.resolve(HubBackup.MANIFEST),
        "{\"format\": \"telco-hub-backup/1\", \"schemaVersion\": \"1\", \"files\": {"
            + "\"hubdb/x.copy\": \""
            + sha("rows")
            + "\", \"artemis/journal-1.amq\": \""
            + sha("journal")
            + "\"}, \"directories\": [\"artemis\"]}");
    return b;
  }

  private static String sha(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aRestoreRefusesABackupWithFilesItsManifestDoesNotList() throws Exception {
    Path b = backup();
    assertThat(
            HubBackup.unlisted(
                b, HubBackup.listed(b, at.telco.hub.canonical.Json.parse(manifest(b)))))
        .isEmpty();
    // someone put a file into the backup's Artemis directory (or the hub database's)
    Files.writeString(b.resolve("artemis/extra.amq"), "not from the backup");
    Files.createSymbolicLink(b.resolve("hubdb/link.copy"), b.resolve("hubdb/x.copy"));
    AtomicBoolean touched = new AtomicBoolean();
    assertThatThrownBy(
            () ->
                HubBackup.restore(
                    null,
                    b,
                    Map.of("artemis", dir.resolve("live-artemis")),
                    version -> touched.set(true)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("holds files its manifest does not list, refused")
        .hasMessageContaining("artemis/extra.amq")
        .hasMessageContaining("hubdb/link.copy");
    assertThat(touched).as("nothing migrated or dropped").isFalse();
    assertThat(dir.resolve("live-artemis")).doesNotExist();
  }

  @Test
  void aManifestNamingAFileOutsideTheBackupIsRefused() throws Exception {
    Path b = backup();
    Files.writeString(
        b.resolve(HubBackup.MANIFEST),
        "{\"format\": \"telco-hub-backup/1\", \"files\": {\"../outside\": \"00\"}}");
    assertThatThrownBy(() -> HubBackup.restore(null, b, Map.of(), version -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("outside the backup");
  }

  private static String manifest(Path b) throws Exception {
    return Files.readString(b.resolve(HubBackup.MANIFEST));
  }
}
