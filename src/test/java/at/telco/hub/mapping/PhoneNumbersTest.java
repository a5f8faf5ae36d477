package at.telco.hub.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "+436641234567|+436641234567",
        "0664 1234567|+436641234567",
        "+43 (664) 123 45 67|+436641234567",
        "+43 (0)664 1234567|+436641234567",
        "0043 664 1234567|+436641234567",
        "0664/1234567|+436641234567",
        "0664-123-45-67|+436641234567",
        "01 588 88|+43158888",
        "+49 151 12345619|+4915112345619",
        "  +33 6 12 34 56 20  |+33612345620"
      })
  void normalisesTheFormatsTheCrmHolds(String raw, String e164) {
    assertThat(PhoneNumbers.toE164(raw)).contains(e164);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bitte nicht anrufen",
        "12345",
        "664 1234567",
        "+43 664 CALL ME",
        "+0043664123",
        "+4366412345678901234"
      })
  void reportsWhyANumberCannotBeNormalised(String raw) {
    PhoneNumbers.Result r = PhoneNumbers.normalise(raw);
    assertThat(r.ok()).isFalse();
    assertThat(r.problem()).isNotBlank();
    // the reason never repeats the personal value
    assertThat(r.problem()).doesNotContain(raw.strip());
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   "})
  void aMissingNumberIsNeitherANumberNorAProblem(String raw) {
    PhoneNumbers.Result r = PhoneNumbers.normalise(raw);
    assertThat(r.e164()).isNull();
    assertThat(r.problem()).isNull();
  }
}
