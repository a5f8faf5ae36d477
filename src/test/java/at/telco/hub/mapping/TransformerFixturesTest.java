package at.telco.hub.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every golden fixture of transformers/: for each mapping {@code <name>.jslt}, each {@code
 * <name>/input-<case>.json} must map to {@code <name>/expected-<case>.json}, or fail with the
 * reason in {@code <name>/expected-error-<case>.txt}. Integration engineers add a case by adding
 * two files.
 */
class TransformerFixturesTest {

  static final Path TRANSFORMERS = Path.of("transformers");

  static Mappings mappings() {
    return new Mappings(
        name ->
            Files.newBufferedReader(TRANSFORMERS.resolve(name + ".jslt"), StandardCharsets.UTF_8),
        MappingFunctions.all(Languages.defaults()));
  }

  @TestFactory
  List<DynamicTest> everyFixture() throws IOException {
    Mappings mappings = mappings();
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> files = Files.list(TRANSFORMERS)) {
      for (Path mapping : files.filter(p -> p.toString().endsWith(".jslt")).sorted().toList()) {
        String name = mapping.getFileName().toString().replace(".jslt", "");
        Path dir = TRANSFORMERS.resolve(name);
        assertThat(dir).as("fixtures of " + name).isDirectory();
        try (Stream<Path> inputs = Files.list(dir)) {
          for (Path input :
              inputs
                  .filter(p -> p.getFileName().toString().startsWith("input-"))
                  .sorted()
                  .toList()) {
            String kase =
                input
                    .getFileName()
                    .toString()
                    .replaceFirst("^input-", "")
                    .replaceFirst("\\.json$", "");
            tests.add(
                DynamicTest.dynamicTest(
                    name + " / " + kase, () -> check(mappings, name, dir, kase)));
          }
        }
      }
    }
    assertThat(tests).hasSizeGreaterThanOrEqualTo(10);
    return tests;
  }

  private static void check(Mappings mappings, String name, Path dir, String kase)
      throws IOException {
    try (var text = Files.newBufferedReader(TRANSFORMERS.resolve(name + ".jslt"))) {
      assertThat(MappingFixtures.check(mappings.compile(name, text), dir, kase))
          .as("mapping %s, case %s", name, kase)
          .isNull();
    }
  }
}
