package at.telco.hub.config;

import java.time.Duration;
import java.time.Period;
import java.util.function.Function;

/**
 * One setting of the hub, declared once in {@link HubSettings}: its key, its type, its default (or
 * none, and then what happens without it), what it means, and whether it is a secret (then it may
 * also be given as a file, {@code <key>-file}, and is never logged or shown).
 *
 * @param <T> the type {@link Settings#get(Setting)} returns
 */
public final class Setting<T> {

  /** How a value is read from its text. */
  public enum Type {
    TEXT(s -> s),
    NUMBER(Integer::parseInt),
    /** A number with a fraction, e.g. a rate per minute. */
    DECIMAL(Double::parseDouble),
    FLAG(Boolean::parseBoolean),
    /** ISO-8601, e.g. {@code PT10M}. */
    DURATION(Duration::parse),
    /** ISO-8601, e.g. {@code P30D}. */
    PERIOD(Period::parse);

    private final Function<String, Object> parse;

    Type(Function<String, Object> parse) {
      this.parse = parse;
    }
  }

  private final String key;
  private final Type type;
  private final String defaultValue;
  private final String withoutValue;
  private final String meaning;
  private final boolean secret;

  Setting(
      String key,
      Type type,
      String defaultValue,
      String withoutValue,
      String meaning,
      boolean secret) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.withoutValue = withoutValue;
    this.meaning = meaning;
    this.secret = secret;
  }

  public String key() {
    return key;
  }

  public Type type() {
    return type;
  }

  /** The default as text, or null when the setting has none. */
  public String defaultValue() {
    return defaultValue;
  }

  /** What happens when a setting without a default is not set (for the docs), or null. */
  public String withoutValue() {
    return withoutValue;
  }

  public String meaning() {
    return meaning;
  }

  public boolean secret() {
    return secret;
  }

  /** Camel's own setting (application.properties holds its value), read by the hub too. */
  public boolean camels() {
    return key.startsWith("camel.");
  }

  @SuppressWarnings("unchecked")
  T parse(String text) {
    try {
      return (T) type.parse.apply(text.strip());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "setting " + key + " is not a valid " + type.name().toLowerCase() + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public String toString() {
    return key;
  }
}
