package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** An optional request body: absent, blank or JSON null is none; anything but an object is 400. */
class OptionalBodyTest {

  static Exchange with(String body) {
    Exchange ex = new DefaultExchange(new DefaultCamelContext());
    ex.getMessage().setBody(body);
    return ex;
  }

  @Test
  void absentBlankAndJsonNullAreNoBody() {
    assertThat(ManagementApi.optionalBody(with(null))).isNull();
    assertThat(ManagementApi.optionalBody(with("  "))).isNull();
    assertThat(ManagementApi.optionalBody(with("null"))).isNull();
  }

  @Test
  void anObjectIsTheBodyAndAnythingElseIsABadRequest() {
    assertThat(ManagementApi.optionalBody(with("{\"reason\":\"x\"}")).path("reason").asText())
        .isEqualTo("x");
    assertThatThrownBy(() -> ManagementApi.optionalBody(with("[1]")))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("JSON object");
  }
}
