package at.telco.hub.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectionTest {

  static Projection of(String json) {
    return Projection.builder()
        .putAll("", Json.parse(json), List.of("name", "city", "balance", "active", "born"))
        .build();
  }

  @Test
  void theSameValuesFromEitherSideHashAlike() {
    // a mapping's output and a row read back: absent = null, numbers by value
    Projection expected = of("{\"name\":\"Anna\",\"balance\":1200,\"active\":true}");
    Projection actual =
        of("{\"name\":\"Anna\",\"city\":null,\"balance\":1200.00,\"active\":true,\"born\":null}");
    assertThat(expected.sameAs(actual)).isTrue();
    assertThat(expected.differingAttributes(actual)).isEmpty();
  }

  @Test
  void differencesAreNamedNeverValued() {
    Projection expected = of("{\"name\":\"Anna\",\"city\":\"Wien\",\"balance\":0}");
    Projection actual = of("{\"name\":\"Anne\",\"balance\":0,\"born\":\"1980-02-29\"}");
    assertThat(expected.sameAs(actual)).isFalse();
    assertThat(expected.differingAttributes(actual)).containsExactly("born", "city", "name");
    assertThat(expected.toString()).doesNotContain("Anna", "Wien");
  }

  @Test
  void lengthPrefixedHashingKeepsNeighboursApart() {
    Projection a = Projection.builder().put("a", "bc").put("d", "e").build();
    Projection b = Projection.builder().put("a", "b").put("cd", "e").build();
    assertThat(a.sameAs(b)).isFalse();
  }
}
