package at.telco.hub.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.canonical.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The check of the tests' client: a status an operation's document does not list fails. */
class ApiContractCheckTest {

  private static final List<ApiContractCheck.Operation> OPS =
      ApiContractCheck.operations(
          Json.parse(
              """
              {"paths": {
                "/dead-letters/{id}": {"get": {"responses": {"200": {}, "404": {}}}},
                "/dead-letters/summary": {"get": {"responses": {"200": {}}}},
                "/dead-letters/{id}/replay": {"post": {"responses": {"200": {}, "409": {}}}}
              }}
              """));

  @Test
  void aListedStatusPasses() {
    assertThatCode(
            () -> ApiContractCheck.check(OPS, "GET", "/api/v1/dead-letters/3f2b8c1e?x=1", 404))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> ApiContractCheck.check(OPS, "post", "/api/v1/dead-letters/abc/replay", 409))
        .doesNotThrowAnyException();
  }

  @Test
  void aStatusTheDocumentDoesNotListFails() {
    assertThatThrownBy(
            () -> ApiContractCheck.check(OPS, "POST", "/api/v1/dead-letters/abc/replay", 404))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("POST /api/v1/dead-letters/{id}/replay answered 404");
    // the literal path, not the template that would match it too
    assertThatThrownBy(
            () -> ApiContractCheck.check(OPS, "GET", "/api/v1/dead-letters/summary", 404))
        .hasMessageContaining("/dead-letters/summary answered 404");
  }

  @Test
  void whatIsNoOperationIsNotChecked() {
    assertThatCode(
            () -> {
              ApiContractCheck.check(OPS, "DELETE", "/api/v1/dead-letters/summary", 405);
              ApiContractCheck.check(OPS, "GET", "/api/v1/nothing-here", 404);
              ApiContractCheck.check(OPS, "GET", "/console/index.html", 200);
            })
        .doesNotThrowAnyException();
  }

  @Test
  void theKeptDocumentLoads() {
    assertThatCode(() -> ApiContractCheck.check("GET", "/api/v1/dead-letters/summary", 200))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ApiContractCheck.check("GET", "/api/v1/dead-letters/summary", 418))
        .isInstanceOf(AssertionError.class);
  }
}
