package at.telco.hub.mapping;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Billing keeps Europe/Vienna local time without a zone. A local time in the autumn overlap is the
 * earlier instant (summer time); one in the spring gap is shifted forward by the gap (billing.sql).
 */
public final class ViennaTime {

  public static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");

  private ViennaTime() {}

  public static Instant toInstant(LocalDateTime local) {
    // ofLocal with no preferred offset takes the earlier offset in an overlap and shifts a time in
    // a gap forward by the length of the gap: exactly billing's rule
    return ZonedDateTime.ofLocal(local, VIENNA, null).toInstant();
  }

  public static Instant parse(String localDateTime) {
    return toInstant(LocalDateTime.parse(localDateTime.strip()));
  }

  public static LocalDateTime toLocal(Instant instant) {
    return LocalDateTime.ofInstant(instant, VIENNA);
  }
}
