package at.telco.hub.source;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.Collection;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Artemis parking queue for network events whose billing account the hub does not know yet. A
 * parked event is delivered again on a schedule (with backoff), and at once when the billing flow
 * learns its account; it is dead-lettered only after the configured time.
 */
public final class Parking {

  /** JMS property: the billing account a parked event waits for. */
  public static final String BILLING_ACCOUNT = "hubBillingAccount";

  /** JMS property: when the event was first parked. */
  public static final String PARKED_AT = "hubParkedAt";

  /** JMS property: how many times it was parked. */
  public static final String ATTEMPTS = "hubParkAttempts";

  /**
   * JMS property: the parked message's id for support (the API, CLI and console), kept when it is
   * parked again.
   */
  public static final String PARKING_ID = "hubParkingId";

  /**
   * JMS property: a copy of the parked event as received. Artemis lists scheduled messages with
   * their properties but without their bodies, and support reads a parked event through that list
   * (never by taking it off the queue); the broker's management-message-attribute-size-limit must
   * let it through (65536 on PARK.#, deploy/ha).
   */
  public static final String EVENT = "hubParkedEvent";

  /** JMS property: the parked event's type (e.g. SERVICE_ACTIVATED). */
  public static final String EVENT_TYPE = "hubEventType";

  /** Artemis: deliver at this time (epoch millis). */
  public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

  private static final Logger LOG = LoggerFactory.getLogger(Parking.class);

  private final ConnectionFactory connectionFactory;
  private final String queue;
  private final Duration maxParkTime;
  private final Duration firstDelay;
  private final Duration maxDelay;

  public Parking(
      ConnectionFactory connectionFactory,
      String queue,
      Duration maxParkTime,
      Duration firstDelay,
      Duration maxDelay) {
    this.connectionFactory = connectionFactory;
    this.queue = queue;
    this.maxParkTime = maxParkTime;
    this.firstDelay = firstDelay;
    this.maxDelay = maxDelay;
  }

  public String queue() {
    return queue;
  }

  public Duration maxParkTime() {
    return maxParkTime;
  }

  /** Delay before the {@code attempt}-th redelivery: doubling from the first delay, capped. */
  public Duration delay(int attempt) {
    long ms = firstDelay.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
    return Duration.ofMillis(Math.min(ms, maxDelay.toMillis()));
  }

  /**
   * Asks Artemis to deliver now the parked events of these billing accounts (best effort: if it
   * does not happen, their next scheduled delivery takes them).
   */
  public void release(Collection<String> baNos) {
    if (baNos.isEmpty()) {
      return;
    }
    String filter =
        BILLING_ACCOUNT
            + " IN ("
            + baNos.stream()
                .filter(b -> b.matches("BA\\d{10}"))
                .map(b -> "'" + b + "'")
                .collect(Collectors.joining(","))
            + ")";
    try (Connection c = connectionFactory.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      at.telco.hub.platform.ArtemisManagement.send(
          s, "queue." + queue, "deliverScheduledMessages", filter);
      LOG.debug("asked Artemis to release parked events of {} billing account(s)", baNos.size());
    } catch (Exception e) {
      LOG.debug(
          "could not release parked events now ({}); their schedule takes them", e.toString());
    }
  }
}
