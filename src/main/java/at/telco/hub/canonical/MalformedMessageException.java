package at.telco.hub.canonical;

/** A message that cannot be read at all (not JSON, not XML, not a CloudEvent). Permanent. */
public class MalformedMessageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String message) {
    super(message);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
