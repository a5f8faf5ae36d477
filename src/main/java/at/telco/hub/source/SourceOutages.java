package at.telco.hub.source;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A polled source (or Kafka behind it) is away: say so once a minute, not on every poll, and wait a
 * little longer before each next poll (up to 5 s) so an outage does not turn into a busy loop. The
 * claimed rows were rolled back; the next successful poll takes them.
 */
public final class SourceOutages {

  private static final Logger LOG = LoggerFactory.getLogger(SourceOutages.class);
  private static final long MAX_WAIT_MS = 5000;

  private record Outage(long since, long lastLogged, long waitMs) {}

  private final Map<String, Outage> outages = new ConcurrentHashMap<>();

  public void report(Exchange exchange) throws InterruptedException {
    String route = exchange.getFromRouteId();
    Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    long now = System.currentTimeMillis();
    Outage o = outages.get(route);
    if (o == null) {
      o = new Outage(now, now, 250);
      LOG.warn("{}: {}; retrying", route, cause == null ? "failed" : cause.getMessage());
    } else if (now - o.lastLogged() > 60_000) {
      LOG.warn(
          "{}: still failing since {} s: {}",
          route,
          (now - o.since()) / 1000,
          cause == null ? "failed" : cause.getMessage());
      o = new Outage(o.since(), now, o.waitMs());
    }
    outages.put(
        route, new Outage(o.since(), o.lastLogged(), Math.min(MAX_WAIT_MS, o.waitMs() * 2)));
    Thread.sleep(o.waitMs());
  }

  /** Called when a poll of the route succeeded. */
  public void recovered(Exchange exchange) {
    Outage o = outages.remove(exchange.getFromRouteId());
    if (o != null) {
      LOG.info(
          "{}: working again after {} s",
          exchange.getFromRouteId(),
          (System.currentTimeMillis() - o.since()) / 1000);
    }
  }
}
