package at.telco.hub.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A source poll's batch mapped on one exchange: what the Kafka send and the dead letters get. */
class SourceBatchTest {

  private static ObjectNode record(String account, String name) {
    ObjectNode r = Json.object();
    r.put("accountId", account);
    r.put("name", name);
    return r;
  }

  private static CanonicalEvent event(JsonNode record) {
    if (record.path("name").asText().isBlank()) {
      throw new MappingException("account " + record.path("accountId").asText() + ": no name");
    }
    ObjectNode e = Json.object();
    e.put("specversion", "1.0");
    e.put("id", "id-" + record.path("accountId").asText());
    e.put("source", "crm");
    e.put("type", "CustomerCreateEvent");
    e.put("subject", record.path("accountId").asText());
    e.put("correlationid", "corr-" + record.path("accountId").asText());
    e.set("data", record);
    return CanonicalEvent.of(e);
  }

  @Test
  void eachRecordThatMapsIsOneKafkaMessageAndOneThatDoesNotIsSetAsideWithItsReason() {
    Exchange exchange = new DefaultExchange(new DefaultCamelContext());
    List<JsonNode> records =
        List.of(record("ACC-1", "Jürgen Müller"), record("ACC-2", " "), record("ACC-3", "Eva"));

    HubTransformers.toBatch(exchange.getMessage(), records, SourceBatchTest::event);

    List<?> messages = exchange.getMessage().getBody(List.class);
    assertThat(messages).hasSize(2);
    Message first = (Message) messages.get(0);
    assertThat(first.getHeader("kafka.KEY")).isEqualTo("ACC-1");
    assertThat(first.getHeader("ce_id")).isEqualTo("id-ACC-1");
    assertThat(first.getHeader("ce_type")).isEqualTo("CustomerCreateEvent");
    assertThat(first.getHeader("correlationId")).isEqualTo("corr-ACC-1");
    // UTF-8 bytes of the event, umlauts included, for the route's ByteArraySerializer
    assertThat(first.getBody()).isInstanceOf(byte[].class);
    CanonicalEvent sent =
        CanonicalEvent.parse(new String((byte[]) first.getBody(), StandardCharsets.UTF_8));
    assertThat(sent.data().path("name").asText()).isEqualTo("Jürgen Müller");
    assertThat(((Message) messages.get(1)).getHeader("kafka.KEY")).isEqualTo("ACC-3");

    List<?> unmapped = exchange.getProperty(HubTransformers.UNMAPPED, List.class);
    assertThat(unmapped).hasSize(1);
    Unmapped bad = (Unmapped) unmapped.get(0);
    assertThat(bad.record().path("accountId").asText()).isEqualTo("ACC-2");
    assertThat(bad.failure()).isInstanceOf(MappingException.class).hasMessageContaining("no name");
  }

  @Test
  void anEmptyPollIsAnEmptySendWithNothingSetAside() {
    Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    HubTransformers.toBatch(exchange.getMessage(), List.of(), SourceBatchTest::event);

    assertThat((List<?>) exchange.getMessage().getBody(List.class)).isEmpty();
    assertThat((List<?>) exchange.getProperty(HubTransformers.UNMAPPED, List.class)).isEmpty();
  }
}
