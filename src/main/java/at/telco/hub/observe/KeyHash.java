package at.telco.hub.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Business keys (CRM account, billing account, MSISDN) appear in logs only as a keyed hash
 * (HMAC-SHA256 with a secret of the installation, first 16 bytes in hex): support can find every
 * line about one customer by hashing the key with the same secret ({@code
 * at.telco.hub.observe.KeyHash} has a {@code main} for that), while a leaked log does not name
 * anybody and cannot be reversed by hashing a list of account numbers.
 */
public final class KeyHash {

  private final SecretKeySpec key;

  public KeyHash(byte[] secret) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("the key-hash secret must have at least 16 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  public static KeyHash of(String secret) {
    return new KeyHash(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** A new random secret (for an installation that has none yet). */
  public static String newSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** The secret kept in {@code file}; created (readable by the owner only) if it does not exist. */
  public static String secretInFile(Path file) {
    return at.telco.hub.config.Settings.secretInFile(file);
  }

  /** The hash of a business key; null for null. */
  public String hash(String businessKey) {
    if (businessKey == null) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] h = mac.doFinal(businessKey.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Support's tool: {@code java -cp telco-integration-hub.jar at.telco.hub.observe.KeyHash
   * SECRET_FILE KEY...} prints the hash of each key, to search the logs for one customer.
   */
  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: KeyHash SECRET_FILE BUSINESS_KEY...");
      System.exit(2);
    }
    KeyHash h;
    try {
      h = of(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 1; i < args.length; i++) {
      System.out.println(args[i] + " " + h.hash(args[i]));
    }
  }
}
