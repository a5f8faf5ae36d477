package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which Accept headers take the API's JSON (else a request no operation took is 406). */
class AcceptsJsonTest {

  @Test
  void jsonOrAnyTypeOrNoHeaderIsAccepted() {
    assertThat(ApiSecurity.acceptsJson(null)).isTrue();
    assertThat(ApiSecurity.acceptsJson(" ")).isTrue();
    assertThat(ApiSecurity.acceptsJson("*/*")).isTrue();
    assertThat(ApiSecurity.acceptsJson("application/*")).isTrue();
    assertThat(ApiSecurity.acceptsJson("Application/JSON; charset=utf-8")).isTrue();
    assertThat(ApiSecurity.acceptsJson("text/html, application/json;q=0.9")).isTrue();
  }

  @Test
  void otherTypesAreNot() {
    assertThat(ApiSecurity.acceptsJson("text/html")).isFalse();
    assertThat(ApiSecurity.acceptsJson("text/*, image/png")).isFalse();
    assertThat(ApiSecurity.acceptsJson("application/xml,,")).isFalse();
  }
}
