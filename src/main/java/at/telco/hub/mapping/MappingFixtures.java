package at.telco.hub.mapping;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.schibsted.spt.data.jslt.Expression;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The golden fixtures of a mapping ({@code transformers/<name>/}): each {@code input-<case>.json}
 * must map to {@code expected-<case>.json}, or fail with the reason in {@code
 * expected-error-<case>.txt}. Run by the build for every mapping and by development mode before an
 * edited mapping is put in place.
 */
public final class MappingFixtures {

  /** Numbers compare by value: 7497 as int or long, 24.99 as whatever decimal node. */
  public static final Comparator<JsonNode> NUMBERS_BY_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  private MappingFixtures() {}

  /** The cases of a mapping's fixture directory, by name. */
  public static List<String> cases(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> inputs = Files.list(dir)) {
      return inputs
          .map(p -> p.getFileName().toString())
          .filter(f -> f.startsWith("input-") && f.endsWith(".json"))
          .map(f -> f.substring("input-".length(), f.length() - ".json".length()))
          .sorted()
          .toList();
    }
  }

  /** What is wrong with one case, or null when the mapping gives what the fixture expects. */
  public static String check(Expression mapping, Path dir, String kase) throws IOException {
    JsonNode input =
        Json.parse(
            Files.readString(dir.resolve("input-" + kase + ".json"), StandardCharsets.UTF_8));
    Path expected = dir.resolve("expected-" + kase + ".json");
    Path expectedError = dir.resolve("expected-error-" + kase + ".txt");
    if (Files.exists(expectedError)) {
      String reason = Files.readString(expectedError, StandardCharsets.UTF_8).strip();
      try {
        Mappings.apply(mapping, input);
        return kase + ": maps, but should fail with \"" + reason + "\"";
      } catch (MappingException e) {
        return reason.equals(e.getMessage())
            ? null
            : kase + ": fails with \"" + e.getMessage() + "\", not \"" + reason + "\"";
      }
    }
    if (!Files.exists(expected)) {
      return kase + ": no expected-" + kase + ".json (or expected-error-" + kase + ".txt)";
    }
    JsonNode actual;
    try {
      actual = Mappings.apply(mapping, input);
    } catch (MappingException e) {
      return kase + ": fails with \"" + e.getMessage() + "\"";
    }
    JsonNode wanted = Json.parse(Files.readString(expected, StandardCharsets.UTF_8));
    return actual.equals(NUMBERS_BY_VALUE, wanted)
        ? null
        : kase + ": differs from expected-" + kase + ".json in " + differing(actual, wanted);
  }

  /** The fields (paths) where two documents differ, without their values. */
  static List<String> differing(JsonNode actual, JsonNode wanted) {
    List<String> paths = new ArrayList<>();
    differing("", actual, wanted, paths);
    return paths;
  }

  private static void differing(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a != null && b != null && a.equals(NUMBERS_BY_VALUE, b)) {
      return;
    }
    if (a != null && b != null && a.isObject() && b.isObject()) {
      java.util.Set<String> fields = new java.util.TreeSet<>();
      a.fieldNames().forEachRemaining(fields::add);
      b.fieldNames().forEachRemaining(fields::add);
      for (String f : fields) {
        differing(path.isEmpty() ? f : path + "." + f, a.get(f), b.get(f), out);
      }
      return;
    }
    if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        differing(path + "[" + i + "]", a.get(i), b.get(i), out);
      }
      return;
    }
    out.add(path.isEmpty() ? "(the whole document)" : path);
  }

  /** What is wrong with every case (empty: all pass). */
  public static List<String> checkAll(Expression mapping, Path dir) throws IOException {
    List<String> problems = new ArrayList<>();
    for (String kase : cases(dir)) {
      String problem = check(mapping, dir, kase);
      if (problem != null) {
        problems.add(problem);
      }
    }
    return problems;
  }
}
