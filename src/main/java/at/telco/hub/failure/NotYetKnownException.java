package at.telco.hub.failure;

/**
 * A change refers to a record its target does not have yet (a billing account of a customer that
 * customerdb has not received yet). It is retried for a while, then dead-lettered with the reason.
 */
public class NotYetKnownException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public NotYetKnownException(String message) {
    super(message);
  }
}
