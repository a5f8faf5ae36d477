package at.telco.hub.observe;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * What a log line about one change carries besides Camel's own MDC ({@code camel.routeId}, {@code
 * camel.exchangeId}): {@code correlationId}, {@code target} and {@code keyHash} (the business key
 * as a {@link KeyHash}, never the key itself). In JSON logs these are fields of the line; the text
 * pattern shows them too. Closing restores what the MDC held before.
 */
public final class LogContext implements AutoCloseable {

  public static final String CORRELATION_ID = "correlationId";
  public static final String TARGET = "target";
  public static final String KEY_HASH = "keyHash";

  private final Map<String, String> previous = new HashMap<>();

  private LogContext() {}

  public static LogContext of(String target, String correlationId, String keyHash) {
    LogContext c = new LogContext();
    c.put(TARGET, target);
    c.put(CORRELATION_ID, correlationId);
    c.put(KEY_HASH, keyHash);
    return c;
  }

  private void put(String key, String value) {
    previous.put(key, MDC.get(key));
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  @Override
  public void close() {
    previous.forEach(
        (k, v) -> {
          if (v == null) {
            MDC.remove(k);
          } else {
            MDC.put(k, v);
          }
        });
  }
}
