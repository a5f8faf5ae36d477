package at.telco.hub.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NameLinesTest {

  @Test
  void aShortNameIsOneLine() {
    assertThat(NameLines.split("Jürgen Müller"))
        .isEqualTo(new NameLines.Lines("Jürgen Müller", null));
  }

  @Test
  void exactlySixtyCharactersStillFitOneLine() {
    String sixty = "A".repeat(29) + " " + "B".repeat(30);
    assertThat(NameLines.split(sixty).line2()).isNull();
  }

  @Test
  void aLongNameIsSplitAtTheLastWordBoundaryThatFits() {
    NameLines.Lines lines =
        NameLines.split(
            "Österreichische Telekommunikations- und Infrastrukturberatungsgesellschaft mbH");
    assertThat(lines.line1()).isEqualTo("Österreichische Telekommunikations- und");
    assertThat(lines.line2()).isEqualTo("Infrastrukturberatungsgesellschaft mbH");
    assertThat(lines.line1().length()).isLessThanOrEqualTo(60);
    assertThat(lines.line2().length()).isLessThanOrEqualTo(60);
  }

  @Test
  void countsCharactersNotBytes() {
    // 60 non-ASCII letters are 60 characters, though more than 60 bytes in UTF-8
    String name = "Đ".repeat(60);
    assertThat(NameLines.split(name).line1()).isEqualTo(name);
  }

  @Test
  void aNameThatCannotBeSplitIsAnErrorNeverACut() {
    assertThatThrownBy(() -> NameLines.split("X".repeat(61)))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("no word boundary");
    assertThatThrownBy(() -> NameLines.split("Wort ".repeat(30)))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("does not fit into two name lines");
  }

  @Test
  void anEmptyNameIsAnError() {
    assertThatThrownBy(() -> NameLines.split("  ")).isInstanceOf(MappingException.class);
  }
}
