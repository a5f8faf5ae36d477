package at.telco.hub.source;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Collects the messages a split produced into one list for a single Kafka send (the producer sends
 * them together and waits for every acknowledgement). Items left empty (dead-lettered) are skipped.
 */
public final class PublishBatch implements AggregationStrategy {

  @Override
  @SuppressWarnings("unchecked")
  public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
    Exchange holder = oldExchange;
    if (holder == null) {
      holder = newExchange.copy();
      holder.getIn().removeHeaders("*");
      holder.getIn().setBody(new ArrayList<Message>());
    }
    Object body = newExchange.getIn().getBody();
    if (body instanceof String s && !s.isEmpty()) {
      holder.getIn().getBody(List.class).add(newExchange.getIn().copy());
    }
    return holder;
  }
}
