package at.telco.hub.deadletter;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Called by the error handler on every failed attempt: counts the attempts and keeps the time of
 * the first failure, for the dead letter's headers.
 */
public final class FailureCounter implements Processor {

  public static final String ATTEMPTS = "hubFailedAttempts";
  public static final String FIRST_FAILED_AT = "hubFirstFailedAt";

  private final Clock clock;

  public FailureCounter(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void process(Exchange exchange) {
    exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1);
    if (exchange.getProperty(FIRST_FAILED_AT) == null) {
      exchange.setProperty(FIRST_FAILED_AT, clock.instant().toString());
    }
  }
}
