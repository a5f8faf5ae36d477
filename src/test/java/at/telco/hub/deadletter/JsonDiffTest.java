package at.telco.hub.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class JsonDiffTest {

  @Test
  void namesEveryChangedLeafByItsJsonPath() {
    JsonNode changes =
        JsonDiff.between(
            "{\"data\":{\"status\":\"ACTIV\",\"name\":\"A\",\"media\":[{\"t\":1},{\"t\":2}]},\"x\":1}",
            "{\"data\":{\"status\":\"ACTIVE\",\"name\":\"A\",\"media\":[{\"t\":1}],\"vat\":\"ATU1\"},\"x\":1}");
    assertThat(changes).hasSize(3);
    assertThat(changes.get(0).get("path").asText()).isEqualTo("$.data.status");
    assertThat(changes.get(0).get("change").asText()).isEqualTo("changed");
    assertThat(changes.get(0).get("before").asText()).isEqualTo("ACTIV");
    assertThat(changes.get(0).get("after").asText()).isEqualTo("ACTIVE");
    assertThat(changes.get(1).get("path").asText()).isEqualTo("$.data.media[1]");
    assertThat(changes.get(1).get("change").asText()).isEqualTo("removed");
    assertThat(changes.get(2).get("path").asText()).isEqualTo("$.data.vat");
    assertThat(changes.get(2).get("change").asText()).isEqualTo("added");
  }

  @Test
  void sameDocumentsOrNotJsonHaveNoChanges() {
    assertThat(JsonDiff.between("{\"a\":[1,2]}", "{ \"a\" : [1, 2] }")).isEmpty();
    assertThat(JsonDiff.between("{not json", "{}")).isEmpty();
  }
}
