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
            return compile(n, reader);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read mapping " + n + ".jslt", e);
          }
        });
  }

  /**
   * Compiles a mapping's text with the hub's functions, without putting it in place.
   *
   * @throws JsltException when it does not compile
   */
  public Expression compile(String name, Reader text) {
    return new Parser(text).withSource(name + ".jslt").withFunctions(functions).compile();
  }

  /** Puts a compiled mapping in place of {@code name}'s: the next change is mapped with it. */
  public void replace(String name, Expression expression) {
    compiled.put(name, expression);
  }

  /** Whether the named mapping was loaded. */
  public boolean loaded(String name) {
    return compiled.containsKey(name);
  }

  /**
   * Applies mapping {@code name} to {@code input}.
   *
   * @throws MappingException when the data breaks a rule of the mapping (the message says which)
   */
  public JsonNode apply(String name, JsonNode input) {
    return apply(expression(name), input);
  }

  /** Applies a compiled mapping; a failure as {@link #apply(String, JsonNode)} says it. */
  public static JsonNode apply(Expression expression, JsonNode input) {
    try {
      return expression.apply(input);
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
