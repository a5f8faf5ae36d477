package at.telco.hub.api;

import at.telco.hub.canonical.Json;
import at.telco.hub.erasure.Erasures;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * The data protection officer's report of erasures ({@code routes/erasure.camel.yaml}): each
 * request with every system it reached and when, a legal hold with its reason, what the hub does
 * not touch. Ids, times, counts and outcomes only: no personal data.
 */
public final class ErasureApi {

  private static final Set<String> STATUSES = Set.of("PENDING", "HELD", "DONE");

  private final Erasures erasures;

  public ErasureApi(Erasures erasures) {
    this.erasures = erasures;
  }

  public void list(Exchange ex) {
    ManagementApi.respond(
        ex,
        200,
        () -> {
          String status = ManagementApi.param(ex, "status");
          if (status != null) {
            status = status.toUpperCase(java.util.Locale.ROOT);
            if (!STATUSES.contains(status)) {
              throw ApiException.badRequest("status is PENDING, HELD or DONE");
            }
          }
          ObjectNode n = Json.object();
          n.set("items", erasures.list(status, ManagementApi.intParam(ex, "limit", 50, 1, 500)));
          return n;
        });
  }

  public void show(Exchange ex) {
    ManagementApi.respond(
        ex,
        200,
        () -> {
          String key = ManagementApi.param(ex, "id");
          ObjectNode n = key == null ? null : erasures.show(key);
          if (n == null) {
            throw ApiException.notFound("no erasure request for '" + key + "'");
          }
          return n;
        });
  }
}
