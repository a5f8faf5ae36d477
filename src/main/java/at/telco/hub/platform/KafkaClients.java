package at.telco.hub.platform;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Setting;
import at.telco.hub.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.camel.component.kafka.KafkaConfiguration;

/**
 * The one place where the hub's Kafka client settings are made: the bootstrap servers and the
 * security (SASL, SSL) of {@code hub.kafka.*}, for camel-kafka's component (every route's producer
 * and consumer, the erasure tombstones) and for the clients the hub creates itself (the admin
 * client of topic creation, lag and health; resync's consumer).
 *
 * <ul>
 *   <li>{@code hub.kafka.security-protocol}: PLAINTEXT (default), SSL, SASL_PLAINTEXT, SASL_SSL
 *   <li>{@code hub.kafka.sasl-mechanism}: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (or any other with
 *       {@code hub.kafka.sasl-jaas-config})
 *   <li>{@code hub.kafka.username} with {@code hub.kafka.password} / {@code -file}: the JAAS line
 *       of PLAIN or SCRAM is built from them; or the whole {@code hub.kafka.sasl-jaas-config} /
 *       {@code -file}
 *   <li>{@code hub.kafka.ssl-truststore-location}, {@code -type}, {@code -password} / {@code -file}
 *   <li>{@code hub.kafka.ssl-keystore-location}, {@code -type}, {@code -password} / {@code -file},
 *       {@code hub.kafka.ssl-key-password} / {@code -file} (client certificates)
 *   <li>{@code hub.kafka.ssl-endpoint-identification-algorithm}: {@code https} (Kafka's default) or
 *       {@code none} to switch host name verification off
 * </ul>
 *
 * Secrets come from the environment or files ({@link Settings#secret}); {@link #toString} masks
 * them, and Kafka's clients log them as {@code [hidden]}.
 */
public final class KafkaClients {

  /** Client properties whose values are secrets. */
  static final Set<String> SECRET =
      Set.of(
          "sasl.jaas.config",
          "ssl.truststore.password",
          "ssl.keystore.password",
          "ssl.key.password");

  private final String bootstrapServers;
  private final Map<String, String> security;

  private KafkaClients(String bootstrapServers, Map<String, String> security) {
    this.bootstrapServers = bootstrapServers;
    this.security = Map.copyOf(security);
  }

  public static KafkaClients of(Settings settings) {
    Map<String, String> s = new LinkedHashMap<>();
    settings
        .optional(HubSettings.KAFKA_SECURITY_PROTOCOL)
        .map(String::toUpperCase)
        .ifPresent(v -> s.put("security.protocol", v));
    String mechanism = settings.optional(HubSettings.KAFKA_SASL_MECHANISM).orElse(null);
    if (mechanism != null) {
      s.put("sasl.mechanism", mechanism);
    }
    String jaas = settings.secret(HubSettings.KAFKA_SASL_JAAS_CONFIG).strip();
    if (jaas.isEmpty() && settings.optional(HubSettings.KAFKA_USERNAME).isPresent()) {
      jaas =
          jaasConfig(
              mechanism == null ? "PLAIN" : mechanism,
              settings.get(HubSettings.KAFKA_USERNAME),
              settings.secret(HubSettings.KAFKA_PASSWORD).strip());
    }
    if (!jaas.isEmpty()) {
      s.put("sasl.jaas.config", jaas);
    }
    store(
        settings,
        s,
        "truststore",
        HubSettings.KAFKA_SSL_TRUSTSTORE_LOCATION,
        HubSettings.KAFKA_SSL_TRUSTSTORE_TYPE,
        HubSettings.KAFKA_SSL_TRUSTSTORE_PASSWORD);
    store(
        settings,
        s,
        "keystore",
        HubSettings.KAFKA_SSL_KEYSTORE_LOCATION,
        HubSettings.KAFKA_SSL_KEYSTORE_TYPE,
        HubSettings.KAFKA_SSL_KEYSTORE_PASSWORD);
    String keyPassword = settings.secret(HubSettings.KAFKA_SSL_KEY_PASSWORD).strip();
    if (!keyPassword.isEmpty()) {
      s.put("ssl.key.password", keyPassword);
    }
    // "none" switches host name verification off (Kafka's empty value)
    settings
        .optional(HubSettings.KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM)
        .map(v -> v.equalsIgnoreCase("none") ? "" : v)
        .ifPresent(v -> s.put("ssl.endpoint.identification.algorithm", v));
    return new KafkaClients(settings.get(HubSettings.KAFKA_BROKERS), s);
  }

  private static void store(
      Settings settings,
      Map<String, String> s,
      String store,
      Setting<String> location,
      Setting<String> type,
      Setting<String> password) {
    settings.optional(location).ifPresent(v -> s.put("ssl." + store + ".location", v));
    settings.optional(type).ifPresent(v -> s.put("ssl." + store + ".type", v));
    String secret = settings.secret(password).strip();
    if (!secret.isEmpty()) {
      s.put("ssl." + store + ".password", secret);
    }
  }

  /** The JAAS line of a SASL mechanism with a user name and password (PLAIN, SCRAM-*). */
  static String jaasConfig(String mechanism, String username, String password) {
    String module;
    if (mechanism.equalsIgnoreCase("PLAIN")) {
      module = "org.apache.kafka.common.security.plain.PlainLoginModule";
    } else if (mechanism.toUpperCase().startsWith("SCRAM-")) {
      module = "org.apache.kafka.common.security.scram.ScramLoginModule";
    } else {
      throw new IllegalStateException(
          "hub.kafka.username works with PLAIN and SCRAM-*; for "
              + mechanism
              + " give hub.kafka.sasl-jaas-config(-file)");
    }
    if (password.isEmpty()) {
      throw new IllegalStateException(
          "hub.kafka.username is set but hub.kafka.password(-file) is empty");
    }
    return module
        + " required username=\""
        + quoted(username)
        + "\" password=\""
        + quoted(password)
        + "\";";
  }

  private static String quoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Bootstrap servers and security, for a client the hub creates itself (a new, mutable map). */
  public Map<String, Object> properties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("bootstrap.servers", bootstrapServers);
    p.putAll(security);
    return p;
  }

  public Properties asProperties() {
    Properties p = new Properties();
    p.putAll(properties());
    return p;
  }

  /** Whether any security setting is configured (else the clients use PLAINTEXT). */
  public boolean secured() {
    return !security.isEmpty();
  }

  /**
   * The same security on camel-kafka's component configuration, which every kafka: endpoint copies
   * (only what is configured; {@code camel.component.kafka.*} can still set the rest).
   */
  public void configure(KafkaConfiguration camel) {
    security.forEach(
        (key, value) -> {
          switch (key) {
            case "security.protocol" -> camel.setSecurityProtocol(value);
            case "sasl.mechanism" -> camel.setSaslMechanism(value);
            case "sasl.jaas.config" -> camel.setSaslJaasConfig(value);
            case "ssl.truststore.location" -> camel.setSslTruststoreLocation(value);
            case "ssl.truststore.type" -> camel.setSslTruststoreType(value);
            case "ssl.truststore.password" -> camel.setSslTruststorePassword(value);
            case "ssl.keystore.location" -> camel.setSslKeystoreLocation(value);
            case "ssl.keystore.type" -> camel.setSslKeystoreType(value);
            case "ssl.keystore.password" -> camel.setSslKeystorePassword(value);
            case "ssl.key.password" -> camel.setSslKeyPassword(value);
            case "ssl.endpoint.identification.algorithm" -> camel.setSslEndpointAlgorithm(value);
            default -> throw new IllegalStateException("no camel-kafka option for " + key);
          }
        });
  }

  /** What is configured, secrets masked (safe to log). */
  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>();
    shown.put("bootstrap.servers", bootstrapServers);
    security.forEach((k, v) -> shown.put(k, SECRET.contains(k) ? "xxxxxx" : v));
    return "KafkaClients" + shown;
  }
}
