package at.telco.hub.deadletter;

import at.telco.hub.canonical.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * Which dead letters: by target, business key (customer id, CRM account, billing account or
 * MSISDN), a part of the reason, failed since, and status ({@code open} by default: queued, being
 * replayed or superseded; a dead letter REPLACED by a newer one of its record is not open).
 */
public record DeadLetterFilter(
    String target, String businessKey, String reason, Instant since, Set<String> statuses) {

  public static final Set<String> OPEN = Set.of("QUEUED", "REPLAYING", "SUPERSEDED");
  public static final Set<String> ALL =
      Set.of("QUEUED", "REPLAYING", "SUPERSEDED", "REPLACED", "REPLAYED", "RESOLVED", "DISCARDED");

  /** {@code open} (default), {@code all}, or a comma-separated list of statuses. */
  public static Set<String> statuses(String s) {
    if (s == null || s.isBlank() || s.equalsIgnoreCase("open")) {
      return OPEN;
    }
    if (s.equalsIgnoreCase("all")) {
      return ALL;
    }
    Set<String> set = new java.util.TreeSet<>();
    for (String part : s.split(",")) {
      String st = part.strip().toUpperCase(java.util.Locale.ROOT);
      if (!ALL.contains(st)) {
        throw new IllegalArgumentException(
            "status '" + part.strip() + "' is not one of open, all, " + String.join(", ", ALL));
      }
      set.add(st);
    }
    return set;
  }

  /** Appends the WHERE conditions (alias {@code d}) and their parameters. */
  void where(StringBuilder sql, List<Object> params) {
    // literals (from the fixed set of statuses), so the planner can use the partial indexes of
    // the open statuses also for a generic plan
    StringJoiner in = new StringJoiner("', '", " WHERE d.status IN ('", "')");
    statuses.stream()
        .sorted()
        .forEach(
            st -> {
              if (!ALL.contains(st)) {
                throw new IllegalArgumentException("unknown status " + st);
              }
              in.add(st);
            });
    sql.append(in);
    if (target != null) {
      sql.append(" AND d.target = ?");
      params.add(target);
    }
    if (businessKey != null) {
      UUID customerId = uuid(businessKey);
      sql.append(" AND (d.crm_account_id = ? OR d.billing_account = ? OR d.msisdn = ?");
      params.add(businessKey);
      params.add(businessKey);
      params.add(msisdn(businessKey));
      if (customerId != null) {
        sql.append(" OR d.customer_id = ?");
        params.add(customerId);
      }
      sql.append(")");
    }
    if (reason != null) {
      sql.append(" AND d.reason ILIKE ?");
      params.add("%" + reason.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
    }
    if (since != null) {
      sql.append(" AND d.last_failed_at >= ?");
      params.add(Timestamp.from(since));
    }
  }

  private static UUID uuid(String s) {
    try {
      return s.length() == 36 ? UUID.fromString(s) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** An MSISDN as the hub keeps it (E.164 with +), from what support types. */
  static String msisdn(String s) {
    String digits = s.replaceAll("[\\s()/-]", "");
    if (digits.startsWith("00")) {
      return "+" + digits.substring(2);
    }
    if (digits.matches("\\d{8,15}") && !digits.startsWith("0")) {
      return "+" + digits;
    }
    return digits;
  }

  public ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("target", target);
    n.put("businessKey", businessKey);
    n.put("reason", reason);
    n.put("since", since == null ? null : since.toString());
    statuses.stream().sorted().forEach(n.putArray("status")::add);
    return n;
  }
}
