package at.telco.hub.consistency;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The attributes of one record that reconciliation compares, as text, in one normal form whatever
 * side they come from (a mapping's output or a row read back): a missing value and SQL NULL are the
 * same, numbers are compared by value, and nested records are flattened into {@code
 * contactMedia[EMAIL/PRIMARY].email}. Two records are equal when their attributes and values are;
 * only for the ones that are not are the attribute names that differ worked out. {@link #sameAs}
 * compares their SHA-256 hashes ({@link #hash()}).
 */
public final class Projection {

  private final SortedMap<String, String> values;
  private byte[] hash;

  private Projection(SortedMap<String, String> values) {
    this.values = values;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a projection; a null value is left out (as SQL NULL). */
  public static final class Builder {
    private final SortedMap<String, String> values = new TreeMap<>();

    public Builder put(String attribute, JsonNode value) {
      String text = text(value);
      if (text != null) {
        values.put(attribute, text);
      }
      return this;
    }

    public Builder put(String attribute, String value) {
      if (value != null) {
        values.put(attribute, value);
      }
      return this;
    }

    /** The listed fields of {@code record}, named {@code prefix + field}. */
    public Builder putAll(String prefix, JsonNode record, Iterable<String> fields) {
      for (String field : fields) {
        put(prefix + field, record.path(field));
      }
      return this;
    }

    public Projection build() {
      return new Projection(Collections.unmodifiableSortedMap(new TreeMap<>(values)));
    }
  }

  static String text(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    if (value.isNumber()) {
      BigDecimal d = value.decimalValue().stripTrailingZeros();
      return d.signum() == 0 ? "0" : d.toPlainString();
    }
    if (value.isValueNode()) {
      return value.asText();
    }
    return value.toString();
  }

  public Map<String, String> values() {
    return values;
  }

  public String get(String attribute) {
    return values.get(attribute);
  }

  /** SHA-256 of the attributes in their normal form (names and values, length-prefixed). */
  public byte[] hash() {
    if (hash == null) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Map.Entry<String, String> e : values.entrySet()) {
          feed(sha, e.getKey());
          feed(sha, e.getValue());
        }
        hash = sha.digest();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return hash;
  }

  private static void feed(MessageDigest sha, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    sha.update((byte) (bytes.length >>> 24));
    sha.update((byte) (bytes.length >>> 16));
    sha.update((byte) (bytes.length >>> 8));
    sha.update((byte) bytes.length);
    sha.update(bytes);
  }

  public boolean sameAs(Projection other) {
    return MessageDigest.isEqual(hash(), other.hash());
  }

  /**
   * The names of the attributes whose values differ (present on one side only, or different), in
   * order; never the values themselves.
   */
  public List<String> differingAttributes(Projection actual) {
    if (values.equals(actual.values)) {
      return List.of(); // the same attributes and values (cheaper than hashing both sides)
    }
    Set<String> names = new TreeSet<>(values.keySet());
    names.addAll(actual.values.keySet());
    List<String> differing = new ArrayList<>();
    for (String name : names) {
      if (!java.util.Objects.equals(values.get(name), actual.values.get(name))) {
        differing.add(name);
      }
    }
    return differing;
  }

  @Override
  public String toString() {
    // attribute names only: the values may be personal data
    return "Projection" + values.keySet();
  }
}
