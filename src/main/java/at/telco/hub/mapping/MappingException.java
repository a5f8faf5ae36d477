package at.telco.hub.mapping;

/**
 * Source data that cannot be mapped to a target as it is. Permanent: retrying the same data gives
 * the same answer, so it goes to the target's dead-letter queue with this reason. The message names
 * the field and the rule, never the personal value.
 */
public class MappingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String field;

  public MappingException(String field, String problem) {
    super(field + " " + problem);
    this.field = field;
  }

  public MappingException(String message) {
    super(message);
    this.field = null;
  }

  public String field() {
    return field;
  }
}
