package at.telco.hub.testing;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The statuses the management API's OpenAPI document lists for each operation (the document kept in
 * the repository, which {@code ApiContractTest} and {@code ApiSecurityIT} keep identical to the one
 * the hub serves). Every answer the tests' client ({@link Api}) gets is checked against it: an
 * operation answering a status its document does not list fails the test that called it.
 */
public final class ApiContractCheck {

  public static final Path DOCUMENT = Path.of("src/main/openapi/hub-api.json");
  private static final String BASE = "/api/v1";

  /** One operation: its method, its path as a pattern, and the statuses it may answer. */
  record Operation(String method, String template, Pattern pattern, Set<Integer> statuses) {}

  private static volatile List<Operation> operations;

  private ApiContractCheck() {}

  static List<Operation> operations(JsonNode doc) {
    List<Operation> ops = new ArrayList<>();
    doc.path("paths")
        .properties()
        .forEach(
            p -> {
              String regex =
                  Pattern.quote(p.getKey())
                      .replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q")
                      .replace("\\Q\\E", "");
              Pattern pattern = Pattern.compile(regex);
              p.getValue()
                  .properties()
                  .forEach(
                      m -> {
                        Set<Integer> statuses = new TreeSet<>();
                        m.getValue()
                            .path("responses")
                            .fieldNames()
                            .forEachRemaining(s -> statuses.add(Integer.parseInt(s)));
                        ops.add(
                            new Operation(
                                m.getKey().toUpperCase(Locale.ROOT),
                                p.getKey(),
                                pattern,
                                statuses));
                      });
            });
    // a literal path before a template that would match it too (/dead-letters/summary)
    ops.sort(Comparator.comparingLong(o -> o.template().chars().filter(c -> c == '{').count()));
    return ops;
  }

  private static List<Operation> operations() {
    List<Operation> ops = operations;
    if (ops == null) {
      try {
        ops = operations(Json.parse(Files.readString(DOCUMENT, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      operations = ops;
    }
    return ops;
  }

  /** Fails if the answer's status is not one the document lists for the operation it called. */
  public static void check(String method, String path, int status) {
    check(operations(), method, path, status);
  }

  static void check(List<Operation> ops, String method, String path, int status) {
    int q = path.indexOf('?');
    String p = q < 0 ? path : path.substring(0, q);
    if (!p.startsWith(BASE + "/")) {
      return;
    }
    p = p.substring(BASE.length());
    String m = method.toUpperCase(Locale.ROOT);
    for (Operation op : ops) {
      if (op.method().equals(m) && op.pattern().matcher(p).matches()) {
        if (!op.statuses().contains(status)) {
          throw new AssertionError(
              m
                  + " "
                  + BASE
                  + op.template()
                  + " answered "
                  + status
                  + ", which its OpenAPI document does not list ("
                  + op.statuses()
                  + "): list it (REST DSL responseMessage) or fix the route");
        }
        return;
      }
    }
    // not an operation of the API (a wrong method, an unknown path): the router answers
  }
}
