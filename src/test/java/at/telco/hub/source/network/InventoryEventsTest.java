package at.telco.hub.source.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.canonical.MalformedMessageException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InventoryEventsTest {

  static final String EVENT =
      "{\"eventId\":\"8f1c7a52-2a57-4c1e-9a43-1f0f3b1f6a10\",\"eventType\":\"SERVICE_ACTIVATED\","
          + "\"sequence\":41,\"occurredAt\":\"2026-11-20T10:15:00.123Z\",\"service\":{\"serviceId\":"
          + "\"SRV-000000004711\",\"msisdn\":\"+436641234567\",\"iccid\":\"8943010000000004711\","
          + "\"imsi\":\"232011234567890\",\"productCode\":\"MOBILE_XL\",\"subscriberRef\":\"BA0000001234\","
          + "\"status\":\"ACTIVE\"}}";

  @Test
  void readsTheEventAndIgnoresFieldsItDoesNotKnow() {
    ObjectNode plain = InventoryEvents.read(EVENT);
    ObjectNode extra =
        InventoryEvents.read(
            EVENT
                .replace("\"sequence\":41,", "\"sequence\":41,\"networkElement\":\"MSC-VIE-01\",")
                .replace(
                    "\"status\":\"ACTIVE\"}",
                    "\"status\":\"ACTIVE\",\"apn\":{\"name\":\"internet\"}}"));
    assertThat(extra).isEqualTo(plain);
    assertThat(plain.path("sequence").asLong()).isEqualTo(41);
    assertThat(plain.path("service").path("subscriberRef").asText()).isEqualTo("BA0000001234");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"eventType\":\"SERVICE_ACTIVATED\"|\"eventType\":\"SERVICE_EXPLODED\"|unknown eventType",
        "\"sequence\":41|\"sequence\":\"41\"|sequence is missing or not a whole number",
        "\"sequence\":41|\"sequence\":4.5|sequence is missing or not a whole number",
        "\"msisdn\":\"+436641234567\"|\"msisdn\":\"0664 1234567\"|msisdn is not E.164",
        "\"subscriberRef\":\"BA0000001234\"|\"subscriberRef\":\"ACC-1\"|subscriberRef is not a billing account",
        "\"status\":\"ACTIVE\"|\"status\":\"DORMANT\"|unknown status",
        "\"occurredAt\":\"2026-11-20T10:15:00.123Z\"|\"occurredAt\":\"yesterday\"|occurredAt is not an instant",
        "\"serviceId\":\"SRV-000000004711\",|\"serviceId\":\"\",|serviceId is missing"
      })
  void strictAboutWhatTheHubNeeds(String from, String to, String message) {
    assertThatThrownBy(() -> InventoryEvents.read(EVENT.replace(from, to)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining("0664");
  }
}
