package at.telco.hub.mapping;

import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Set;

/** ISO 3166-1 country codes: the CRM keeps alpha-2, billing wants alpha-3. */
public final class Countries {

  private static final Set<String> ALPHA2 = Set.of(Locale.getISOCountries());

  private Countries() {}

  /**
   * @throws MappingException for a code that is not an ISO 3166-1 alpha-2 country
   */
  public static String alpha3(String alpha2) {
    String code = alpha2 == null ? "" : alpha2.strip().toUpperCase(Locale.ROOT);
    if (!ALPHA2.contains(code)) {
      throw new MappingException("country", "is not an ISO 3166-1 alpha-2 code");
    }
    try {
      return new Locale("", code).getISO3Country();
    } catch (MissingResourceException e) {
      throw new MappingException("country", "has no ISO 3166-1 alpha-3 code");
    }
  }
}
