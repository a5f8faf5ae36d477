package at.telco.hub.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.Crm;
import at.telco.hub.testing.Http;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * With an OTLP endpoint configured, the route hops become OpenTelemetry spans exported over
 * OTLP/HTTP, and the trace context travels on Kafka ({@code traceparent} header) from the CRM
 * source to the targets. Without one (every other test) no tracer is installed.
 */
class TracingIT {

  @Test
  void spansOfSourceAndTargetRoutesAreExportedAndTheContextTravelsOnKafka() throws Exception {
    TestServers servers = TestServers.get();
    List<byte[]> exports = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/v1/traces",
        exchange -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          exchange.getRequestBody().transferTo(body);
          exports.add(body.toByteArray());
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    collector.start();
    SharedHub.stop(); // this hub polls the CRM alone
    Properties p = servers.hubProperties();
    p.setProperty(
        "hub.tracing.otlp-endpoint", "http://127.0.0.1:" + collector.getAddress().getPort());
    p.setProperty("hub.tracing.export-delay-ms", "200");
    try (HubInstance hub = HubInstance.start(p)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> Http.ready(hub.managementPort()));
      String account = "ACC-O03-0001";
      new Crm(servers).person(account, "Valentina", "Hofer", "ACTIVE");
      KafkaTopic topic = new KafkaTopic(servers, "canonical.customer.v1");
      await().atMost(Duration.ofSeconds(20)).until(() -> !topic.values(account).isEmpty());
      String traceparent = topic.header(account, "traceparent").get(0);
      assertThat(traceparent)
          .as("W3C trace context on the record")
          .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
      String traceId = traceparent.split("-")[1];

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                String all = text(exports);
                return all.contains("crm-customer-source")
                    && all.contains("sink-customerdb")
                    && all.contains("sink-billing");
              });
      String all = text(exports);
      assertThat(all).contains("telco-integration-hub"); // service.name
      // the source's trace holds the poll route's span and the Kafka send (the target routes
      // consume in batches, so each batch is a trace of its own: see the README)
      byte[] id = java.util.HexFormat.of().parseHex(traceId);
      long spansOfTrace = exports.stream().mapToLong(b -> occurrences(b, id)).sum();
      System.out.println(
          exports.size() + " OTLP exports; spans of trace " + traceId + ": " + spansOfTrace);
      assertThat(spansOfTrace).as("spans of the source's trace").isGreaterThanOrEqualTo(2);
    } finally {
      collector.stop(0);
    }
  }

  static String text(List<byte[]> exports) {
    StringBuilder sb = new StringBuilder();
    exports.forEach(b -> sb.append(new String(b, StandardCharsets.ISO_8859_1)));
    return sb.toString();
  }

  static long occurrences(byte[] haystack, byte[] needle) {
    long n = 0;
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      n++;
    }
    return n;
  }
}
