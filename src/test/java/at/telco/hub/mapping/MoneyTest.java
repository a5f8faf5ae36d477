package at.telco.hub.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.node.LongNode;
import org.junit.jupiter.api.Test;

class MoneyTest {

  @Test
  void centsAndAmountsConvertExactly() {
    assertThat(Json.write(Money.amount(LongNode.valueOf(2499)))).isEqualTo("24.99");
    assertThat(Json.write(Money.amount(LongNode.valueOf(2500)))).isEqualTo("25.00");
    assertThat(Json.write(Money.amount(LongNode.valueOf(-5)))).isEqualTo("-0.05");
    assertThat(Money.cents(Json.parse("24.99")).asLong()).isEqualTo(2499);
    assertThat(Money.cents(Json.parse("0.1")).asLong()).isEqualTo(10);
    // through a document and back, never through floating point
    for (long cents : new long[] {1, 10, 99, 12345678901L, 2499, 7497}) {
      String json = Json.write(Money.amount(LongNode.valueOf(cents)));
      assertThat(Money.cents(Json.parse(json)).asLong()).isEqualTo(cents);
    }
  }

  @Test
  void fractionsOfACentAreAnError() {
    assertThatThrownBy(() -> Money.cents(Json.parse("24.999")))
        .isInstanceOf(MappingException.class);
  }
}
