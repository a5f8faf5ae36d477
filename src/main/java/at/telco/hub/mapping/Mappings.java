package at.telco.hub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.schibsted.spt.data.jslt.Expression;
import com.schibsted.spt.data.jslt.Function;
import com.schibsted.spt.data.jslt.JsltException;
import com.schibsted.spt.data.jslt.Parser;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The declarative mappings in {@code transformers/<name>.jslt}, compiled once with the {@link
 * MappingFunctions}, and applied to Jackson trees without a round trip through text.
 */
public final class Mappings {

  /** Opens the text of a mapping by its name. */
  @FunctionalInterface
  public interface Source {
    Reader open(String name) throws IOException;
  }

  private final Source source;
  private final Collection<Function> functions;
  private final Map<String, Expression> compiled = new ConcurrentHashMap<>();

  public Mappings(Source source, Collection<Function> functions) {
    this.source = source;
    this.functions = functions;
  }

  /** Compiles the named mapping now, so a broken mapping fails at start, not on first use. */
  public void load(String name) {
    expression(name);
  }

  private Expression expression(String name) {
    return compiled.computeIfAbsent(
        name,
        n -> {
          try (Reader reader = source.open(n)) {
            return new Parser(reader).withSource(n + ".jslt").withFunctions(functions).compile();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read mapping " + n + ".jslt", e);
          }
        });
  }

  /**
   * Applies mapping {@code name} to {@code input}.
   *
   * @throws MappingException when the data breaks a rule of the mapping (the message says which)
   */
  public JsonNode apply(String name, JsonNode input) {
    try {
      return expression(name).apply(input);
    } catch (MappingException e) {
      throw e;
    } catch (JsltException e) {
      Throwable cause = e.getCause();
      while (cause != null) {
        if (cause instanceof MappingException m) {
          throw m;
        }
        cause = cause.getCause();
      }
      // error("...") in a mapping: its text is the reason
      throw new MappingException(stripLocation(e.getMessage()));
    }
  }

  private static String stripLocation(String message) {
    if (message == null) {
      return "mapping failed";
    }
    String m = message.startsWith("error: ") ? message.substring("error: ".length()) : message;
    int at = m.indexOf(" at ");
    return at > 0 && m.contains(".jslt") ? m.substring(0, at) : m;
  }
}
