package at.telco.hub.config;

/**
 * The settings of one database the hub connects to: its pgJDBC URL, user, password (a secret) and
 * pool size, declared in {@link HubSettings}. An unset URL of a database without a default falls
 * back to {@code fallbackUrl} (e.g. the hub database's).
 */
public record Database(
    String name,
    Setting<String> jdbcUrl,
    Setting<String> username,
    Setting<String> password,
    Setting<Integer> poolSize,
    Setting<String> fallbackUrl) {

  Database(
      String name,
      Setting<String> jdbcUrl,
      Setting<String> username,
      Setting<String> password,
      Setting<Integer> poolSize) {
    this(name, jdbcUrl, username, password, poolSize, null);
  }

  /** The URL to connect to: the database's own, else its fallback's. */
  public String url(Settings settings) {
    return settings
        .optional(jdbcUrl)
        .orElseGet(
            () -> {
              if (fallbackUrl == null) {
                return settings.get(jdbcUrl); // says what is missing
              }
              return settings.get(fallbackUrl);
            });
  }
}
