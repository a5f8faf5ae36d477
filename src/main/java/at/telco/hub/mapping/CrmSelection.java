package at.telco.hub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.StreamSupport;

/** Which CRM rows make the customer (FLOWS.md, "Which CRM rows make the customer"). */
public final class CrmSelection {

  private CrmSelection() {}

  /**
   * The primary contact: the lowest {@code contact_id} among those marked {@code is_primary}; if
   * none is marked, the lowest {@code contact_id}.
   */
  public static Optional<JsonNode> primaryContact(JsonNode contacts) {
    if (contacts == null || !contacts.isArray() || contacts.isEmpty()) {
      return Optional.empty();
    }
    Comparator<JsonNode> byId = Comparator.comparing(c -> c.path("contact_id").asText());
    Optional<JsonNode> marked =
        StreamSupport.stream(contacts.spliterator(), false)
            .filter(c -> c.path("is_primary").asBoolean(false))
            .min(byId);
    return marked.isPresent()
        ? marked
        : StreamSupport.stream(contacts.spliterator(), false).min(byId);
  }

  /**
   * Of several addresses of one type, the most recently modified (ties: the higher row version,
   * then the higher id, so the choice is stable).
   */
  public static Optional<JsonNode> latestAddress(JsonNode addresses, String type) {
    if (addresses == null || !addresses.isArray()) {
      return Optional.empty();
    }
    Comparator<JsonNode> recency =
        Comparator.comparing((JsonNode a) -> modified(a))
            .thenComparingLong(a -> a.path("row_version").asLong())
            .thenComparing(a -> a.path("address_id").asText());
    return StreamSupport.stream(addresses.spliterator(), false)
        .filter(a -> type.equals(a.path("address_type").asText()))
        .max(recency);
  }

  private static OffsetDateTime modified(JsonNode address) {
    String text = address.path("last_modified").asText(null);
    return text == null ? OffsetDateTime.MIN : OffsetDateTime.parse(text);
  }
}
