package at.telco.hub.mapping;

import at.telco.hub.config.HubSettings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The CRM keeps ISO 639-1 languages ({@code de}); billing wants a locale ({@code de_AT}) and
 * customerdb a BCP 47 tag ({@code de-AT}). Which locale a language means is configuration ({@code
 * hub.mapping.language-locales}).
 */
public final class Languages {

  /** billing.sql's default mapping: the default of {@code hub.mapping.language-locales}. */
  public static final String DEFAULT_MAPPING = HubSettings.MAPPING_LANGUAGE_LOCALES.defaultValue();

  public static final String FALLBACK_LOCALE = "de_AT";

  private final Map<String, String> locales;

  public Languages(Map<String, String> locales) {
    this.locales = Map.copyOf(locales);
  }

  /** Parses {@code de:de_AT,en:en_GB,...}. */
  public static Languages parse(String mapping) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String pair : mapping.split(",")) {
      String p = pair.strip();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.indexOf(':');
      if (colon <= 0 || colon == p.length() - 1) {
        throw new IllegalArgumentException(
            "language mapping entry '" + p + "' is not of the form language:locale");
      }
      map.put(
          p.substring(0, colon).strip().toLowerCase(Locale.ROOT), p.substring(colon + 1).strip());
    }
    return new Languages(map);
  }

  public static Languages defaults() {
    return parse(DEFAULT_MAPPING);
  }

  /** Billing's locale: the configured one, any other language gets {@code de_AT}. */
  public String billingLocale(String language) {
    if (language == null) {
      return FALLBACK_LOCALE;
    }
    return locales.getOrDefault(language.strip().toLowerCase(Locale.ROOT), FALLBACK_LOCALE);
  }

  /**
   * customerdb's BCP 47 tag: the configured locale as a tag ({@code de-AT}); a language without a
   * configured locale keeps its own code rather than being mislabelled.
   */
  public String bcp47(String language) {
    if (language == null || language.isBlank()) {
      return null;
    }
    String lang = language.strip().toLowerCase(Locale.ROOT);
    String locale = locales.get(lang);
    return locale == null ? lang : locale.replace('_', '-');
  }
}
