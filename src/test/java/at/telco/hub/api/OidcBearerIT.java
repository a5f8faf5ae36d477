package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.testing.Api;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestIdentityProvider;
import java.util.List;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bearer JWTs of the identity provider: accepted with the role their group claim maps to; refused
 * (401) for a wrong issuer, a wrong audience, an expired token, a bad signature, or no mapped role.
 */
class OidcBearerIT {

  static int port;
  static TestIdentityProvider idp;

  @BeforeAll
  static void start() {
    port = Api.port(SharedHub.get());
    idp = TestIdentityProvider.get();
  }

  static Api bearer(String token) {
    return Api.withAuthorization(port, "Bearer " + token);
  }

  @Test
  void aValidTokenIsAcceptedWithItsMappedRole() {
    Api support =
        bearer(
            idp.sign(
                TestIdentityProvider.claims(
                    "jane.support", List.of("staff", "telco-hub-support"))));
    Api.Answer me = support.get("/api/v1/session");
    assertThat(me.status()).as(me.body()).isEqualTo(200);
    assertThat(me.json().get("user").asText())
        .isEqualTo(TestIdentityProvider.hubName("jane.support"))
        .isEqualTo("oidc:it-idp:sub-jane.support");
    assertThat(me.json().get("role").asText()).isEqualTo("support");
    // support, not admin
    assertThat(support.get("/api/v1/users").status()).isEqualTo(403);
    // the highest mapped group counts
    Api admin =
        bearer(
            idp.sign(
                TestIdentityProvider.claims(
                    "ops.lead", List.of("telco-hub-viewers", "telco-hub-admins"))));
    assertThat(admin.get("/api/v1/users").status()).isEqualTo(200);
  }

  @Test
  void aTokenOfAnotherIssuerIsRefused() {
    JwtClaims c = TestIdentityProvider.claims("mallory", List.of("telco-hub-admins"));
    c.setIssuer("https://idp.elsewhere.test/realms/telco");
    assertThat(bearer(idp.sign(c)).get("/api/v1/session").status()).isEqualTo(401);
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() {
    JwtClaims c = TestIdentityProvider.claims("mallory", List.of("telco-hub-admins"));
    c.setAudience("another-application");
    assertThat(bearer(idp.sign(c)).get("/api/v1/session").status()).isEqualTo(401);
  }

  @Test
  void anExpiredTokenIsRefused() {
    JwtClaims c = TestIdentityProvider.claims("jane.support", List.of("telco-hub-support"));
    NumericDate expired = NumericDate.now();
    expired.addSeconds(-120);
    c.setExpirationTime(expired);
    assertThat(bearer(idp.sign(c)).get("/api/v1/session").status()).isEqualTo(401);
  }

  @Test
  void aTokenWithABadSignatureIsRefused() {
    JwtClaims c = TestIdentityProvider.claims("mallory", List.of("telco-hub-admins"));
    assertThat(bearer(idp.signWithAnotherKey(c)).get("/api/v1/session").status()).isEqualTo(401);
    // and a valid token whose payload was changed after signing
    String valid = idp.sign(TestIdentityProvider.claims("jane", List.of("telco-hub-viewers")));
    String[] parts = valid.split("\\.");
    String forged =
        parts[0]
            + "."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    TestIdentityProvider.claims("jane", List.of("telco-hub-admins"))
                        .toJson()
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertThat(bearer(forged).get("/api/v1/users").status()).isEqualTo(401);
  }

  /**
   * A token whose preferred_username (or subject) is {@code admin} is the identity provider's user,
   * named by issuer and subject: it is not the local admin, has only its mapped role, and the audit
   * names it as what it is.
   */
  @Test
  void aTokenNamedAdminDoesNotActAsTheLocalAdmin() {
    JwtClaims c = TestIdentityProvider.claims("someone", List.of("telco-hub-viewers"));
    c.setClaim("preferred_username", "admin");
    Api viewerNamedAdmin = bearer(idp.sign(c));
    Api.Answer me = viewerNamedAdmin.get("/api/v1/session");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("user").asText()).isEqualTo("oidc:it-idp:sub-someone");
    assertThat(me.json().get("role").asText()).isEqualTo("viewer");
    assertThat(viewerNamedAdmin.get("/api/v1/users").status()).isEqualTo(403);
    // the local admin's password cannot be changed through it
    assertThat(
            viewerNamedAdmin
                .put(
                    "/api/v1/session/password",
                    "{\"currentPassword\":\""
                        + Api.PASSWORD
                        + "\",\"newPassword\":\"taken-over-password-1\"}")
                .status())
        .isEqualTo(404);
    assertThat(Api.as(port, Api.ADMIN).get("/api/v1/session").status()).isEqualTo(200);
    // subject admin: still the issuer's user, in the audit too
    JwtClaims sub = TestIdentityProvider.claims("x", List.of("telco-hub-admins"));
    sub.setSubject("admin");
    sub.setClaim("preferred_username", "admin");
    Api oidcAdmin = bearer(idp.sign(sub));
    assertThat(oidcAdmin.get("/api/v1/session").json().get("user").asText())
        .isEqualTo("oidc:it-idp:admin");
    assertThat(oidcAdmin.get("/api/v1/audit/verify").status()).isEqualTo(200);
    com.fasterxml.jackson.databind.JsonNode rows =
        Api.as(port, Api.ADMIN)
            .get("/api/v1/audit?action=audit-verify&limit=1&actor=" + Api.q("oidc:it-idp:admin"))
            .json()
            .get("items");
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("actor").asText()).isEqualTo("oidc:it-idp:admin");
  }

  /** The name claim is validated: anything outside its characters or length is refused. */
  @Test
  void aTokenWhoseSubjectIsNoValidNameIsRefused() {
    for (String bad : List.of("a:b", "with space", "x".repeat(129), "new\nline", "../admin")) {
      JwtClaims c = TestIdentityProvider.claims("x", List.of("telco-hub-viewers"));
      c.setSubject(bad);
      assertThat(bearer(idp.sign(c)).get("/api/v1/session").status()).as(bad).isEqualTo(401);
    }
  }

  /** The algorithm allow-list: no unsigned token, no HMAC with the public key, no unknown key. */
  @Test
  void anUnsignedTokenAnHmacWithThePublicKeyAndAnUnknownKeyIdAreRefused() {
    JwtClaims c = TestIdentityProvider.claims("mallory", List.of("telco-hub-admins"));
    assertThat(bearer(idp.unsigned(c)).get("/api/v1/users").status()).isEqualTo(401);
    for (String token : idp.hmacWithPublicKey(c)) {
      assertThat(bearer(token).get("/api/v1/users").status()).isEqualTo(401);
    }
    assertThat(bearer(idp.signWithUnknownKeyId(c)).get("/api/v1/users").status()).isEqualTo(401);
    // the same claims, properly signed, pass (the refusals are about the signature alone)
    assertThat(bearer(idp.sign(c)).get("/api/v1/users").status()).isEqualTo(200);
  }

  @Test
  void aTokenWithoutAMappedRoleIsRefused() {
    assertThat(
            bearer(idp.sign(TestIdentityProvider.claims("visitor", List.of("staff"))))
                .get("/api/v1/session")
                .status())
        .isEqualTo(401);
  }
}
