package at.telco.hub.cli;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;

/**
 * The one loop that follows a long job of the API (a bulk replay, a reconciliation, a resync, a
 * rebuild) until it is no longer RUNNING, showing its progress on standard error: done of total
 * where the job says so (bulk replays), otherwise how long it has been running.
 */
final class JobWatch {

  static final Duration POLL = Duration.ofMillis(500);

  private JobWatch() {}

  /**
   * The job's last state; or, when asking for it was answered with an error, that answer (in {@code
   * failed}).
   */
  record End(JsonNode state, ApiClient.Answer failed) {}

  /** Follows the job at {@code path} (GET), starting from its state {@code first}. */
  static End follow(ApiClient api, String path, JsonNode first, Progress progress)
      throws IOException, InterruptedException {
    JsonNode state = first;
    try (progress) {
      progress.update(done(state), total(state), note(state));
      while ("RUNNING".equals(Json.text(state, "state"))) {
        Thread.sleep(POLL.toMillis());
        ApiClient.Answer s = api.get(path);
        if (!s.ok()) {
          return new End(state, s);
        }
        state = s.json();
        if ("RUNNING".equals(Json.text(state, "state"))) {
          progress.update(done(state), total(state), note(state));
        }
      }
      progress.finish(
          done(state), total(state), total(state) > 0 ? note(state) : Json.text(state, "state"));
      return new End(state, null);
    }
  }

  private static long done(JsonNode state) {
    return state.path("done").asLong();
  }

  /** A bulk replay's total; 0 (not known) for the consistency jobs, which do not count. */
  private static long total(JsonNode state) {
    return state.path("total").asLong();
  }

  private static String note(JsonNode state) {
    return state.has("ratePerSecond") ? state.path("ratePerSecond").asText() + " per second" : null;
  }
}
