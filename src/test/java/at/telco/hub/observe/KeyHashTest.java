package at.telco.hub.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyHashTest {

  @Test
  void theSameKeyAndSecretGiveTheSameHashAnotherSecretAnother() {
    KeyHash a = KeyHash.of("a-secret-of-the-installation-0001");
    KeyHash b = KeyHash.of("a-secret-of-the-installation-0002");
    String h = a.hash("ACC-000000000007");
    assertThat(h).matches("[0-9a-f]{32}").isEqualTo(a.hash("ACC-000000000007"));
    assertThat(h).isNotEqualTo(a.hash("ACC-000000000008")).isNotEqualTo(b.hash("ACC-000000000007"));
    assertThat(h).doesNotContain("000000000007");
    assertThat(a.hash(null)).isNull();
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> KeyHash.of("short")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSecretFileIsMadeOnceAndKept(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data").resolve("log-key-hash.secret");
    String first = KeyHash.secretInFile(file);
    assertThat(first).matches("[0-9a-f]{64}");
    assertThat(KeyHash.secretInFile(file)).isEqualTo(first);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }
}
