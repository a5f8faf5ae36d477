package at.telco.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a key store configured, the business HTTP port speaks TLS: a real handshake with a key store
 * made by the JDK's keytool for this test, trusted by the client; plain HTTP gets no answer. The
 * key store's password comes from a file.
 */
class BusinessTlsTest {

  @TempDir Path dir;

  @Test
  void theBusinessPortServesTlsWithTheConfiguredKeyStore() throws Exception {
    Path keystore = dir.resolve("hub-tls.p12");
    String password = "tls-test-" + System.nanoTime();
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "hub",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password)
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue())
        .as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();
    Path passwordFile = dir.resolve("keystore-password");
    Files.writeString(passwordFile, password + "\n");

    int port = freePort();
    Properties p = new Properties();
    p.setProperty("camel.server.port", Integer.toString(port));
    p.setProperty("camel.server.host", "127.0.0.1");
    p.setProperty("camel.management.enabled", "false");
    p.setProperty("hub.server.tls.keystore", keystore.toString());
    p.setProperty("hub.server.tls.keystore-password-file", passwordFile.toString());
    try (DefaultCamelContext context = new DefaultCamelContext()) {
      context.getPropertiesComponent().setInitialProperties(p);
      HubRoutes.installHttpServers(context);
      context.addRoutes(
          new RouteBuilder() {
            @Override
            public void configure() {
              from("platform-http:/tls-check?httpMethodRestrict=GET").setBody(constant("over tls"));
            }
          });
      context.start();

      KeyStore trusted = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        trusted.load(in, password.toCharArray());
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient https =
          HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> r =
          https.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/tls-check"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("over tls");
      assertThat(r.sslSession()).isPresent();
      assertThat(r.sslSession().get().getProtocol()).startsWith("TLSv1.");
      assertThat(r.sslSession().get().getPeerCertificates()).isNotEmpty();

      // a client that does not trust the hub's certificate fails the handshake
      HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(
              () ->
                  untrusting.send(
                      HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/tls-check"))
                          .timeout(Duration.ofSeconds(10))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
      // and plain HTTP gets no HTTP answer
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(
              () ->
                  plain.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tls-check"))
                          .timeout(Duration.ofSeconds(5))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
