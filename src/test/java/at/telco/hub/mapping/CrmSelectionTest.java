package at.telco.hub.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class CrmSelectionTest {

  @Test
  void thePrimaryContactIsTheLowestIdAmongThoseMarked() {
    JsonNode contacts =
        Json.parse(
            "[{\"contact_id\":\"CON-3\",\"is_primary\":true},{\"contact_id\":\"CON-1\",\"is_primary\":false},"
                + "{\"contact_id\":\"CON-2\",\"is_primary\":true}]");
    assertThat(CrmSelection.primaryContact(contacts).orElseThrow().path("contact_id").asText())
        .isEqualTo("CON-2");
  }

  @Test
  void withoutAMarkedContactTheLowestIdCounts() {
    JsonNode contacts =
        Json.parse(
            "[{\"contact_id\":\"CON-9\",\"is_primary\":false},{\"contact_id\":\"CON-4\",\"is_primary\":false}]");
    assertThat(CrmSelection.primaryContact(contacts).orElseThrow().path("contact_id").asText())
        .isEqualTo("CON-4");
    assertThat(CrmSelection.primaryContact(Json.parse("[]"))).isEmpty();
  }

  @Test
  void ofSeveralAddressesOfOneTypeTheMostRecentlyModifiedCounts() {
    JsonNode addresses =
        Json.parse(
            "[{\"address_id\":\"ADR-1\",\"address_type\":\"BILLING\",\"last_modified\":\"2026-11-15T10:00:00+00:00\",\"row_version\":1},"
                + "{\"address_id\":\"ADR-2\",\"address_type\":\"BILLING\",\"last_modified\":\"2026-11-15T11:00:00+01:00\",\"row_version\":5},"
                + "{\"address_id\":\"ADR-3\",\"address_type\":\"BILLING\",\"last_modified\":\"2026-11-16T09:00:00+00:00\",\"row_version\":1},"
                + "{\"address_id\":\"ADR-4\",\"address_type\":\"POSTAL\",\"last_modified\":\"2026-12-01T09:00:00+00:00\",\"row_version\":1}]");
    assertThat(
            CrmSelection.latestAddress(addresses, "BILLING")
                .orElseThrow()
                .path("address_id")
                .asText())
        .isEqualTo("ADR-3");
    assertThat(CrmSelection.latestAddress(addresses, "SERVICE")).isEmpty();
  }

  @Test
  void aTieOnModificationTimeIsBrokenStablyByRowVersionThenId() {
    JsonNode addresses =
        Json.parse(
            "[{\"address_id\":\"ADR-1\",\"address_type\":\"POSTAL\",\"last_modified\":\"2026-11-15T10:00:00+00:00\",\"row_version\":2},"
                + "{\"address_id\":\"ADR-2\",\"address_type\":\"POSTAL\",\"last_modified\":\"2026-11-15T10:00:00+00:00\",\"row_version\":1}]");
    assertThat(
            CrmSelection.latestAddress(addresses, "POSTAL")
                .orElseThrow()
                .path("address_id")
                .asText())
        .isEqualTo("ADR-1");
  }
}
