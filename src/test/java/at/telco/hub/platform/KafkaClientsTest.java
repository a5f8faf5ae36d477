package at.telco.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.util.SensitiveUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientsTest {

  static KafkaClients of(Map<String, String> s) {
    return KafkaClients.of(new Settings(k -> Optional.ofNullable(s.get(k))));
  }

  @Test
  void plaintextByDefault() {
    KafkaClients c = of(Map.of("hub.kafka.brokers", "k1:9092,k2:9092"));
    assertThat(c.secured()).isFalse();
    assertThat(c.properties()).containsExactly(Map.entry("bootstrap.servers", "k1:9092,k2:9092"));
  }

  @Test
  void scramFromUserAndPasswordFileAndSslForCamelAndThePlainClients(@TempDir Path dir)
      throws Exception {
    Path password = dir.resolve("kafka-password");
    Files.writeString(password, "pa\"ss\\word\n");
    Path trust = dir.resolve("trust-password");
    Files.writeString(trust, "trust-secret\n");
    Map<String, String> s = new HashMap<>();
    s.put("hub.kafka.brokers", "k1:9093");
    s.put("hub.kafka.security-protocol", "sasl_ssl");
    s.put("hub.kafka.sasl-mechanism", "SCRAM-SHA-512");
    s.put("hub.kafka.username", "telco-hub");
    s.put("hub.kafka.password-file", password.toString());
    s.put("hub.kafka.ssl-truststore-location", "/etc/kafka/truststore.p12");
    s.put("hub.kafka.ssl-truststore-type", "PKCS12");
    s.put("hub.kafka.ssl-truststore-password-file", trust.toString());
    KafkaClients c = of(s);
    String jaas =
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"telco-hub\" password=\"pa\\\"ss\\\\word\";";
    assertThat(c.properties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", jaas)
        .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
        .containsEntry("ssl.truststore.type", "PKCS12")
        .containsEntry("ssl.truststore.password", "trust-secret");

    KafkaConfiguration camel = new KafkaConfiguration();
    c.configure(camel);
    assertThat(camel.getSecurityProtocol()).isEqualTo("SASL_SSL");
    assertThat(camel.getSaslMechanism()).isEqualTo("SCRAM-SHA-512");
    assertThat(camel.getSaslJaasConfig()).isEqualTo(jaas);
    assertThat(camel.getSslTruststoreLocation()).isEqualTo("/etc/kafka/truststore.p12");
    assertThat(camel.getSslTruststorePassword()).isEqualTo("trust-secret");
    // what camel-kafka gives its clients
    assertThat(camel.createProducerProperties())
        .containsEntry("sasl.jaas.config", jaas)
        .containsEntry("security.protocol", "SASL_SSL");

    // never in a log line: masked by the hub, and Camel treats the option as a secret
    assertThat(c.toString())
        .contains("SASL_SSL", "SCRAM-SHA-512", "k1:9093")
        .doesNotContain("pa\\\"ss", "trust-secret", "ScramLoginModule");
    assertThat(SensitiveUtils.containsSensitive("camel.component.kafka.sasl-jaas-config")).isTrue();
    assertThat(SensitiveUtils.containsSensitive("camel.component.kafka.saslJaasConfig")).isTrue();
    assertThat(SensitiveUtils.containsSensitive("camel.component.kafka.ssl-truststore-password"))
        .isTrue();
    // and the hub's own keys of the secrets (Camel masks them wherever it prints properties)
    for (String key :
        new String[] {
          "hub.kafka.password",
          "hub.kafka.sasl-jaas-config",
          "hub.kafka.ssl-truststore-password",
          "hub.kafka.ssl-keystore-password",
          "hub.kafka.ssl-key-password",
          "hub.artemis.password"
        }) {
      assertThat(SensitiveUtils.containsSensitive(key)).as(key).isTrue();
    }
  }

  @Test
  void aWholeJaasLineWinsAndAnUnknownMechanismNeedsOne() {
    Map<String, String> s = new HashMap<>();
    s.put("hub.kafka.brokers", "k1:9093");
    s.put("hub.kafka.sasl-mechanism", "OAUTHBEARER");
    s.put("hub.kafka.username", "telco-hub");
    s.put("hub.kafka.password", "x");
    assertThatThrownBy(() -> of(s)).hasMessageContaining("hub.kafka.sasl-jaas-config");
    s.put("hub.kafka.sasl-jaas-config", "org.example.Login required;");
    assertThat(of(s).properties()).containsEntry("sasl.jaas.config", "org.example.Login required;");
    s.remove("hub.kafka.sasl-jaas-config");
    s.put("hub.kafka.sasl-mechanism", "PLAIN");
    s.remove("hub.kafka.password");
    assertThatThrownBy(() -> of(s)).hasMessageContaining("hub.kafka.password");
  }
}
