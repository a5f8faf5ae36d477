package at.telco.hub.canonical;

import java.util.List;

/** A canonical event that does not match its schema. Permanent; the message names the fields. */
public class InvalidCanonicalEventException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public InvalidCanonicalEventException(List<String> problems) {
    super("canonical event does not match its schema: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
