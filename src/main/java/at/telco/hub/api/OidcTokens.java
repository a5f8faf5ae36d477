package at.telco.hub.api;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer JWTs from the company's identity provider (OIDC), besides the users file: the signature
 * (RS256/ES256 and relatives, keys from a JWKS file or URL), the issuer, the audience and the
 * expiry are checked; the role comes from a configured claim whose values are mapped to hub roles
 * (the highest mapped one counts; a token without a mapped value is refused). The caller is named
 * {@code oidc:<alias>:<user claim>} ({@code sub} by default, validated), so no token names a local
 * user such as {@code admin}.
 */
public final class OidcTokens {

  private static final Logger LOG = LoggerFactory.getLogger(OidcTokens.class);

  private final JwtConsumer consumer;
  private final String roleClaim;
  private final String userClaim;
  private final Map<String, Role> roleMap;
  private final String prefix;

  /** The issuer's short name in its users' names. */
  static final Pattern ALIAS = Pattern.compile("[a-z0-9-]{1,32}");

  /** What the user claim may hold: no ':' (the name's separator), no spaces, no controls. */
  static final Pattern CLAIM_VALUE = Pattern.compile("[A-Za-z0-9._@|+=-]{1,128}");

  OidcTokens(
      VerificationKeyResolver keys,
      String issuer,
      String audience,
      String roleClaim,
      String userClaim,
      Map<String, Role> roleMap,
      String alias) {
    if (!ALIAS.matcher(alias).matches()) {
      throw new IllegalStateException(
          "hub.auth.oidc.alias '" + alias + "' is not 1 to 32 of a-z 0-9 -");
    }
    this.prefix = "oidc:" + alias + ":";
    this.consumer =
        new JwtConsumerBuilder()
            .setRequireExpirationTime()
            .setAllowedClockSkewInSeconds(30)
            .setRequireSubject()
            .setExpectedIssuer(issuer)
            .setExpectedAudience(audience)
            .setVerificationKeyResolver(keys)
            .setJwsAlgorithmConstraints(
                AlgorithmConstraints.ConstraintType.PERMIT,
                AlgorithmIdentifiers.RSA_USING_SHA256,
                AlgorithmIdentifiers.RSA_USING_SHA384,
                AlgorithmIdentifiers.RSA_USING_SHA512,
                AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384)
            .build();
    this.roleClaim = roleClaim;
    this.userClaim = userClaim;
    this.roleMap = Map.copyOf(roleMap);
  }

  /**
   * From {@code hub.auth.oidc.*}; empty when no issuer is configured. The JWKS comes from {@code
   * jwks-file} (read at start) or {@code jwks-url} (fetched and cached, refreshed on an unknown key
   * id).
   */
  public static Optional<OidcTokens> fromSettings(Settings settings) {
    String issuer = settings.optional(HubSettings.AUTH_OIDC_ISSUER).orElse("");
    if (issuer.isBlank()) {
      return Optional.empty();
    }
    String audience = settings.optional(HubSettings.AUTH_OIDC_AUDIENCE).orElse("");
    if (audience.isBlank()) {
      throw new IllegalStateException("hub.auth.oidc.audience is required with an issuer");
    }
    String file = settings.optional(HubSettings.AUTH_OIDC_JWKS_FILE).orElse("");
    String url = settings.optional(HubSettings.AUTH_OIDC_JWKS_URL).orElse("");
    VerificationKeyResolver keys;
    if (!file.isBlank()) {
      try {
        keys =
            new JwksVerificationKeyResolver(
                new JsonWebKeySet(Files.readString(Path.of(file), StandardCharsets.UTF_8))
                    .getJsonWebKeys());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read hub.auth.oidc.jwks-file " + file, e);
      } catch (JoseException e) {
        throw new IllegalStateException("hub.auth.oidc.jwks-file " + file + " is no JWKS", e);
      }
    } else if (!url.isBlank()) {
      keys = new HttpsJwksVerificationKeyResolver(new HttpsJwks(url));
    } else {
      throw new IllegalStateException(
          "hub.auth.oidc.jwks-file or hub.auth.oidc.jwks-url is required with an issuer");
    }
    Map<String, Role> map = parseRoleMap(settings.get(HubSettings.AUTH_OIDC_ROLE_MAP));
    LOG.info(
        "bearer JWTs of issuer {} (audience {}) accepted; roles from claim '{}'",
        issuer,
        audience,
        settings.get(HubSettings.AUTH_OIDC_ROLE_CLAIM));
    return Optional.of(
        new OidcTokens(
            keys,
            issuer,
            audience,
            settings.get(HubSettings.AUTH_OIDC_ROLE_CLAIM),
            settings.get(HubSettings.AUTH_OIDC_USER_CLAIM),
            map,
            settings.get(HubSettings.AUTH_OIDC_ALIAS)));
  }

  /** {@code value=role,value=role}. */
  static Map<String, Role> parseRoleMap(String s) {
    Map<String, Role> map = new LinkedHashMap<>();
    for (String pair : s.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.lastIndexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "hub.auth.oidc.role-map: '" + pair.strip() + "' is not value=role");
      }
      map.put(pair.substring(0, eq).strip(), Role.parse(pair.substring(eq + 1)));
    }
    return map;
  }

  /**
   * Whether a bearer credential is a JWT (three dot-separated parts) rather than a session token.
   */
  static boolean looksLikeJwt(String token) {
    return token.chars().filter(c -> c == '.').count() == 2;
  }

  /** The caller of a valid token with a mapped role; empty for any invalid or unmapped token. */
  public Optional<ApiPrincipal> authenticate(String token) {
    JwtClaims claims;
    try {
      claims = consumer.processToClaims(token);
    } catch (InvalidJwtException e) {
      // the reason (expired, issuer, audience, signature) without the token or its claims
      LOG.info("bearer JWT refused: {}", reason(e));
      return Optional.empty();
    }
    Role role = null;
    for (String value : values(claims.getClaimValue(roleClaim))) {
      Role r = roleMap.get(value);
      if (r != null && (role == null || r.includes(role))) {
        role = r;
      }
    }
    if (role == null) {
      LOG.info("bearer JWT refused: no value of claim '{}' maps to a hub role", roleClaim);
      return Optional.empty();
    }
    // never a local user's name: local names have no ':'
    Object value = claims.getClaimValue(userClaim);
    String user = value instanceof String v ? v : null;
    if (user == null || !CLAIM_VALUE.matcher(user).matches()) {
      LOG.info(
          "bearer JWT refused: claim '{}' is missing or not 1 to 128 of A-Z a-z 0-9 . _ @ | + = -",
          userClaim);
      return Optional.empty();
    }
    return Optional.of(new ApiPrincipal(prefix + user, role));
  }

  private static String reason(InvalidJwtException e) {
    List<String> reasons = new ArrayList<>();
    e.getErrorDetails().forEach(d -> reasons.add(d.getErrorCode() + ""));
    if (e.hasExpired()) {
      return "expired";
    }
    return "error codes " + reasons + " (see org.jose4j.jwt.consumer.ErrorCodes)";
  }

  private static List<String> values(Object claim) {
    List<String> list = new ArrayList<>();
    if (claim instanceof String s) {
      for (String v : s.split("[ ,]")) {
        if (!v.isBlank()) {
          list.add(v);
        }
      }
    } else if (claim instanceof List<?> l) {
      l.forEach(v -> list.add(String.valueOf(v)));
    }
    return list;
  }
}
