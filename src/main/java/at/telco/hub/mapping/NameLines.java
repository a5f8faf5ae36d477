package at.telco.hub.mapping;

/**
 * Splits a name into billing's two 60-character name lines at a word boundary, never cutting a word
 * and never silently shortening the name.
 */
public final class NameLines {

  public static final int LINE_LENGTH = 60;

  private NameLines() {}

  /** The two lines; {@code line2} is null when the name fits on one line. */
  public record Lines(String line1, String line2) {}

  /**
   * @throws MappingException when the name is blank or does not fit into two lines split at a word
   *     boundary
   */
  public static Lines split(String name) {
    return split(name, LINE_LENGTH);
  }

  static Lines split(String name, int lineLength) {
    if (name == null || name.isBlank()) {
      throw new MappingException("name", "is empty");
    }
    String s = name.strip().replaceAll("\\s+", " ");
    int length = s.codePointCount(0, s.length());
    if (length <= lineLength) {
      return new Lines(s, null);
    }
    // the last space at which the first line still fits
    int limit = s.offsetByCodePoints(0, lineLength);
    int cut = s.lastIndexOf(' ', limit);
    if (cut <= 0) {
      throw new MappingException(
          "name",
          "is "
              + length
              + " characters with no word boundary in the first "
              + lineLength
              + ": it cannot be split into name lines of at most "
              + lineLength);
    }
    String line1 = s.substring(0, cut);
    String line2 = s.substring(cut + 1);
    if (line2.codePointCount(0, line2.length()) > lineLength) {
      throw new MappingException(
          "name",
          "is "
              + length
              + " characters: it does not fit into two name lines of at most "
              + lineLength
              + " split at a word boundary");
    }
    return new Lines(line1, line2);
  }
}
