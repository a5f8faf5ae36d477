package at.telco.hub.api;

import at.telco.hub.canonical.Json;
import at.telco.hub.failure.Refused;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * An answer of the management API that is not a success: its HTTP status and a problem document
 * (RFC 9457 style: {@code status}, {@code title}, {@code detail}, and for a rejected body the
 * {@code problems}, each naming its field). Never carries personal data.
 */
public class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient ObjectNode problem;

  public ApiException(int status, String detail) {
    super(detail);
    this.status = status;
    this.problem = Json.object();
    problem.put("status", status);
    problem.put("title", title(status));
    problem.put("detail", detail);
  }

  /** The API's answer to a refusal of the domain: its kind decides the status. */
  public static ApiException of(Refused refused) {
    ApiException e =
        new ApiException(
            switch (refused.kind()) {
              case INVALID -> 400;
              case NOT_FOUND -> 404;
              case CONFLICT -> 409;
              case BUSY -> 429;
              case UNAVAILABLE -> 503;
            },
            refused.getMessage());
    if (!refused.problems().isEmpty()) {
      refused.problems().forEach(e.problem.putArray("problems")::add);
    }
    return e;
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, detail);
  }

  public static ApiException invalid(String detail, List<String> problems) {
    ApiException e = new ApiException(400, detail);
    problems.forEach(e.problem.putArray("problems")::add);
    return e;
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, detail);
  }

  public static ApiException conflict(String detail) {
    return new ApiException(409, detail);
  }

  public int status() {
    return status;
  }

  public ObjectNode problem() {
    return problem;
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
