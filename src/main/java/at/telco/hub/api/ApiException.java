package at.telco.hub.api;

import at.telco.hub.canonical.Json;
import at.telco.hub.failure.Refused;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An answer of the management API that is not a success: its HTTP status and a problem document
 * (RFC 9457, {@code application/problem+json}: a stable {@code type} URI per kind of error, {@code
 * title}, {@code status}, {@code detail}, and for a rejected body the {@code problems}, each naming
 * its field). The kinds are listed in {@link #KINDS} and in the OpenAPI document's {@code Problem}
 * schema. Never carries personal data.
 */
public class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The prefix of every problem type: a URN, so no client tries to fetch it. */
  public static final String TYPE_PREFIX = "urn:telco-hub:problem:";

  /** Every kind of problem the API answers, with its status (a kind has exactly one). */
  public static final Map<String, Integer> KINDS = kinds();

  private static Map<String, Integer> kinds() {
    Map<String, Integer> k = new LinkedHashMap<>();
    k.put("invalid-request", 400);
    k.put("authentication-required", 401);
    k.put("forbidden", 403);
    k.put("cross-site-request", 403);
    k.put("not-found", 404);
    k.put("method-not-allowed", 405);
    k.put("not-acceptable", 406);
    k.put("conflict", 409);
    k.put("unsupported-media-type", 415);
    k.put("rate-limited", 429);
    k.put("sign-in-throttled", 429);
    k.put("internal-error", 500);
    k.put("unavailable", 503);
    return Collections.unmodifiableMap(k);
  }

  private final int status;
  private final transient ObjectNode problem;

  public ApiException(int status, String detail) {
    this(status, kind(status), detail);
  }

  /** A problem of a named kind (one of {@link #KINDS}, whose status it must have). */
  public ApiException(int status, String kind, String detail) {
    super(detail);
    if (!Integer.valueOf(status).equals(KINDS.get(kind))) {
      throw new IllegalArgumentException("no problem kind " + kind + " with status " + status);
    }
    this.status = status;
    this.problem = Json.object();
    problem.put("type", TYPE_PREFIX + kind);
    problem.put("title", title(status));
    problem.put("status", status);
    problem.put("detail", detail);
  }

  /** The kind of a status when nothing more specific is named. */
  static String kind(int status) {
    return switch (status) {
      case 400 -> "invalid-request";
      case 401 -> "authentication-required";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 406 -> "not-acceptable";
      case 409 -> "conflict";
      case 415 -> "unsupported-media-type";
      case 429 -> "rate-limited";
      case 503 -> "unavailable";
      default -> "internal-error";
    };
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
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 409 -> "Conflict";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
