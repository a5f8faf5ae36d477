package at.telco.hub.mapping;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises the phone numbers the CRM holds (E.164, national {@code 0664 1234567}, decorated
 * {@code +43 (664) 123 45 67}, international {@code 0043 ...}) to E.164.
 */
public final class PhoneNumbers {

  /** Austria: the CRM's national numbers are Austrian. */
  public static final String DEFAULT_COUNTRY_CODE = "43";

  private static final Pattern DECORATION = Pattern.compile("[\\s()\\-/.]");
  private static final Pattern TRUNK_ZERO_IN_BRACKETS = Pattern.compile("\\(\\s*0\\s*\\)");
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final int MIN_DIGITS = 7;
  private static final int MAX_DIGITS = 15; // E.164

  private PhoneNumbers() {}

  /** The outcome of a normalisation: the E.164 number, or why there is none. */
  public record Result(String e164, String problem) {
    public boolean ok() {
      return e164 != null;
    }
  }

  /** E.164 form of {@code raw}, or empty when it is blank or cannot be normalised. */
  public static Optional<String> toE164(String raw) {
    return Optional.ofNullable(normalise(raw).e164());
  }

  /**
   * Normalises {@code raw}. A blank value gives neither a number nor a problem; a value that cannot
   * be normalised gives the reason (never the value itself, which is personal data).
   */
  public static Result normalise(String raw) {
    if (raw == null || raw.isBlank()) {
      return new Result(null, null);
    }
    String s = raw.strip();
    boolean international = s.startsWith("+") || s.startsWith("00");
    if (international) {
      // "+43 (0)664 ..." writes the national trunk zero in brackets: it is not dialled
      s = TRUNK_ZERO_IN_BRACKETS.matcher(s).replaceFirst("");
    }
    s = DECORATION.matcher(s).replaceAll("");
    String digits;
    if (s.startsWith("+")) {
      digits = s.substring(1);
    } else if (s.startsWith("00")) {
      digits = s.substring(2);
    } else if (s.startsWith("0")) {
      digits = DEFAULT_COUNTRY_CODE + s.substring(1);
    } else {
      return new Result(null, "no country code and no national trunk prefix 0");
    }
    if (!DIGITS.matcher(digits).matches()) {
      return new Result(null, "contains characters other than digits and separators");
    }
    if (digits.startsWith("0")) {
      return new Result(null, "country code starts with 0");
    }
    if (digits.length() < MIN_DIGITS) {
      return new Result(null, "too short for a phone number (" + digits.length() + " digits)");
    }
    if (digits.length() > MAX_DIGITS) {
      return new Result(
          null, "longer than E.164 allows (" + digits.length() + " digits, at most 15)");
    }
    return new Result("+" + digits, null);
  }
}
