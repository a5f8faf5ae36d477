package at.telco.hub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * The company's identity provider as the test hubs see it: an RSA key made for this run (its public
 * half in a JWKS file the hub reads), and signed tokens with chosen claims.
 */
public final class TestIdentityProvider {

  public static final String ISSUER = "https://idp.example.test/realms/telco";
  public static final String AUDIENCE = "telco-integration-hub";

  /** The issuer's short name in the hub's names of its users: {@code oidc:it-idp:<sub>}. */
  public static final String ALIAS = "it-idp";

  /** The hub's name for the caller of a token made from {@link #claims(String, List)}. */
  public static String hubName(String user) {
    return "oidc:" + ALIAS + ":sub-" + user;
  }

  private static TestIdentityProvider instance;

  private final RsaJsonWebKey key;
  private final Path jwks;

  private TestIdentityProvider(Path directory) throws JoseException, IOException {
    key = RsaJwkGenerator.generateJwk(2048);
    key.setKeyId("it-key-1");
    jwks = directory.resolve("idp-jwks.json");
    Files.writeString(
        jwks,
        new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY),
        StandardCharsets.UTF_8);
  }

  public static synchronized TestIdentityProvider get() {
    if (instance == null) {
      try {
        instance = new TestIdentityProvider(TestServers.get().directory());
      } catch (JoseException e) {
        throw new IllegalStateException(e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  /** The hub's settings for this provider. */
  public void configure(Properties p) {
    p.setProperty("hub.auth.oidc.issuer", ISSUER);
    p.setProperty("hub.auth.oidc.audience", AUDIENCE);
    p.setProperty("hub.auth.oidc.jwks-file", jwks.toString());
    p.setProperty("hub.auth.oidc.role-claim", "groups");
    p.setProperty("hub.auth.oidc.alias", ALIAS);
    p.setProperty(
        "hub.auth.oidc.role-map",
        "telco-hub-viewers=viewer,telco-hub-support=support,telco-hub-ops=operator,"
            + "telco-hub-admins=admin");
  }

  /** Claims valid for ten minutes, for the hub. */
  public static JwtClaims claims(String user, List<String> groups) {
    JwtClaims c = new JwtClaims();
    c.setIssuer(ISSUER);
    c.setAudience(AUDIENCE);
    c.setSubject("sub-" + user);
    c.setClaim("preferred_username", user);
    c.setStringListClaim("groups", groups);
    c.setIssuedAtToNow();
    c.setExpirationTimeMinutesInTheFuture(10);
    return c;
  }

  public String sign(JwtClaims claims) {
    return sign(claims, key);
  }

  /** Signed with another key (of the same id): a forged token. */
  public String signWithAnotherKey(JwtClaims claims) {
    try {
      RsaJsonWebKey other = RsaJwkGenerator.generateJwk(2048);
      other.setKeyId(key.getKeyId());
      return sign(claims, other);
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signed with the right key but naming a key id the issuer does not have. */
  public String signWithUnknownKeyId(JwtClaims claims) {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.getPrivateKey());
    jws.setKeyIdHeaderValue("no-such-key");
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    return serialize(jws);
  }

  /** Not signed at all: {@code alg: none}. */
  public String unsigned(JwtClaims claims) {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
    jws.setKeyIdHeaderValue(key.getKeyId());
    return serialize(jws);
  }

  /**
   * HS256 with the issuer's public key as the HMAC secret (the key confusion attack), once with the
   * key's DER bytes and once with its JWKS text.
   */
  public List<String> hmacWithPublicKey(JwtClaims claims) {
    List<String> tokens = new java.util.ArrayList<>();
    for (byte[] secret :
        List.of(
            key.getPublicKey().getEncoded(),
            key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
                .getBytes(StandardCharsets.UTF_8))) {
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(new org.jose4j.keys.HmacKey(secret));
      jws.setDoKeyValidation(false);
      jws.setKeyIdHeaderValue(key.getKeyId());
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
      tokens.add(serialize(jws));
    }
    return tokens;
  }

  private static String serialize(JsonWebSignature jws) {
    try {
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(JwtClaims claims, RsaJsonWebKey k) {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(k.getPrivateKey());
    jws.setKeyIdHeaderValue(k.getKeyId());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    try {
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }
}
