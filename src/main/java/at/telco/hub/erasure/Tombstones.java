package at.telco.hub.erasure;

import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Publishes a tombstone (the key with a null value) through a route that sends to the canonical
 * customer topic with the hub's Kafka settings ({@code direct:erasure-tombstone}), and waits for
 * Kafka's acknowledgement.
 */
public final class Tombstones implements Consumer<String> {

  private final CamelContext context;
  private final String endpoint;
  private ProducerTemplate template;

  public Tombstones(CamelContext context, String endpoint) {
    this.context = context;
    this.endpoint = endpoint;
  }

  @Override
  public void accept(String key) {
    Exchange sent =
        template()
            .send(
                endpoint,
                ex -> {
                  ex.getMessage().setHeader(KafkaConstants.KEY, key);
                  ex.getMessage().setBody(null);
                });
    if (sent.getException() != null) {
      throw new IllegalStateException(
          "Kafka did not take the tombstone: " + sent.getException().getMessage(),
          sent.getException());
    }
  }

  private synchronized ProducerTemplate template() {
    if (template == null) {
      template = context.createProducerTemplate();
    }
    return template;
  }
}
