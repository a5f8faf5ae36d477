package at.telco.hub.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CountriesAndLanguagesTest {

  @Test
  void alpha2BecomesAlpha3() {
    assertThat(Countries.alpha3("AT")).isEqualTo("AUT");
    assertThat(Countries.alpha3("de")).isEqualTo("DEU");
    assertThat(Countries.alpha3("HR")).isEqualTo("HRV");
  }

  @Test
  void anUnknownCountryIsAnError() {
    assertThatThrownBy(() -> Countries.alpha3("XX")).isInstanceOf(MappingException.class);
    assertThatThrownBy(() -> Countries.alpha3(null)).isInstanceOf(MappingException.class);
  }

  @Test
  void billingLocalesFollowTheConfiguredMappingAndFallBackToGermanAustria() {
    Languages languages = Languages.defaults();
    assertThat(languages.billingLocale("de")).isEqualTo("de_AT");
    assertThat(languages.billingLocale("sr")).isEqualTo("sr_RS");
    assertThat(languages.billingLocale("fr")).isEqualTo("de_AT");
    assertThat(languages.billingLocale(null)).isEqualTo("de_AT");
  }

  @Test
  void customerDbGetsBcp47AndKeepsAnUnmappedLanguage() {
    Languages languages = Languages.defaults();
    assertThat(languages.bcp47("de")).isEqualTo("de-AT");
    assertThat(languages.bcp47("en")).isEqualTo("en-GB");
    assertThat(languages.bcp47("fr")).isEqualTo("fr");
    assertThat(languages.bcp47(null)).isNull();
  }

  @Test
  void theMappingIsConfiguration() {
    Languages languages = Languages.parse("de:de_DE, en:en_US");
    assertThat(languages.billingLocale("de")).isEqualTo("de_DE");
    assertThat(languages.bcp47("en")).isEqualTo("en-US");
    assertThatThrownBy(() -> Languages.parse("de=de_AT"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
