package at.telco.hub.canonical;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one shared, thread-safe object mapper (never one per message). */
public final class Json {

  /**
   * Money is exact: decimals are read as BigDecimal, never as double. Field names are not
   * canonicalised: the hub's documents carry keys made of record ids (source versions such as
   * {@code crm:CONTACT:CON-3}), and with a shared symbol table every parse that met a new key
   * copied the whole table (a quarter of a target consumer's time in a JFR profile of HubBench).
   */
  public static final ObjectMapper MAPPER =
      configure(
          new ObjectMapper(
              JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build()));

  /**
   * For canonical events as Kafka carries them (UTF-8 bytes): their field names are a fixed
   * vocabulary (the CloudEvents envelope, the TM Forum model; record ids are values, never keys),
   * so here the shared symbol table pays: names are canonicalised, and Jackson parses the bytes
   * directly (without canonicalisation it decodes them through a Reader first). Bytes that are not
   * UTF-8 are refused, not read with replacement characters.
   */
  private static final ObjectMapper EVENTS = configure(new ObjectMapper());

  private Json() {}

  private static ObjectMapper configure(ObjectMapper mapper) {
    return mapper
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
  }

  public static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw malformed(e);
    }
  }

  public static JsonNode parse(byte[] bytes) {
    return parse(MAPPER, bytes);
  }

  /** A canonical event's UTF-8 JSON as Kafka delivered it (see {@link #EVENTS}). */
  public static JsonNode parseEvent(byte[] bytes) {
    return parse(EVENTS, bytes);
  }

  private static JsonNode parse(ObjectMapper mapper, byte[] bytes) {
    try {
      return mapper.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new MalformedMessageException(
          "message cannot be read: " + e.getClass().getSimpleName());
    }
  }

  /** Where the JSON breaks, without quoting it (the text may hold personal data). */
  private static MalformedMessageException malformed(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    return new MalformedMessageException("message is not well-formed JSON" + where);
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The UTF-8 JSON of a document, written straight to bytes (for Kafka). */
  public static byte[] writeBytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Text of a field, or null when it is missing or JSON null. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
