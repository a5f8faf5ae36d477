package at.telco.hub.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.testing.ChangeLoad;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.TestServers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one comparison every reliability scenario ends with (mvn -Pchaos verify): what was sent, what
 * the targets applied, what they applied twice, what is missing in a target, and what was
 * dead-lettered with which reason. Printed as one line per scenario ({@code scenario=... sent=N
 * applied=N duplicates=N lost=N dead-lettered=N (reasons)}); the scenario fails on any loss or
 * duplicate, and on dead letters it did not expect.
 *
 * @param sent changes the scenario made in the source (CRM change-log rows)
 * @param applied states the targets wrote (customerdb and billing, each write that changed data)
 * @param duplicates writes of a state a target already had (the write probes)
 * @param lost changes not processed, plus accounts whose last state is missing in a target
 * @param deadLettered dead letters of the scenario's accounts, by reason
 */
public record ChaosTally(
    String scenario,
    long sent,
    long applied,
    long duplicates,
    long lost,
    List<String> lostKeys,
    Map<String, Long> deadLettered) {

  /** Compares customerdb and billing with the CRM for the accounts of {@code load}. */
  public static ChaosTally of(String scenario, TestServers servers, ChangeLoad load) {
    List<String> lostAccounts = load.lost();
    long unprocessed = load.unprocessed();
    List<String> lostKeys = new java.util.ArrayList<>(lostAccounts);
    if (unprocessed > 0) {
      lostKeys.add(unprocessed + " unprocessed change rows");
    }
    return new ChaosTally(
        scenario,
        sentChanges(servers, load.keyPattern()),
        load.applied(),
        load.duplicates(),
        lostAccounts.size() + unprocessed,
        lostKeys,
        deadLetterReasons(servers, load.keyPattern()));
  }

  /** A scenario that counted for itself (inputs on several channels). */
  public static ChaosTally counted(
      String scenario,
      long sent,
      long applied,
      long duplicates,
      List<String> lostKeys,
      Map<String, Long> deadLettered) {
    return new ChaosTally(
        scenario, sent, applied, duplicates, lostKeys.size(), lostKeys, deadLettered);
  }

  /** Every dead letter indexed since {@code since}, by target and reason. */
  static Map<String, Long> deadLettersSince(TestServers servers, java.time.Instant since) {
    Map<String, Long> reasons = new LinkedHashMap<>();
    for (Map<String, Object> r :
        Crm.rows(
            servers.owner("hub"),
            "SELECT target, reason, count(*) AS n FROM hub.dead_letter WHERE created_at >= ?"
                + " GROUP BY target, reason ORDER BY target, reason",
            java.sql.Timestamp.from(since))) {
      reasons.put(r.get("target") + ": " + r.get("reason"), (Long) r.get("n"));
    }
    return reasons;
  }

  static long sentChanges(TestServers servers, String keyPattern) {
    return (long)
        Crm.row(
                servers.owner("crm"),
                "SELECT count(*) AS n FROM crm.change_log WHERE account_id LIKE ?",
                keyPattern)
            .get("n");
  }

  /** Dead letters of the matching CRM accounts, by target and reason (reasons hold no names). */
  static Map<String, Long> deadLetterReasons(TestServers servers, String keyPattern) {
    Map<String, Long> reasons = new LinkedHashMap<>();
    for (Map<String, Object> r :
        Crm.rows(
            servers.owner("hub"),
            "SELECT target, reason, count(*) AS n FROM hub.dead_letter WHERE crm_account_id LIKE ?"
                + " GROUP BY target, reason ORDER BY target, reason",
            keyPattern)) {
      reasons.put(r.get("target") + ": " + r.get("reason"), (Long) r.get("n"));
    }
    return reasons;
  }

  public long deadLetterCount() {
    return deadLettered.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The scenario's line. */
  public String line() {
    String reasons =
        deadLettered.isEmpty()
            ? ""
            : deadLettered.entrySet().stream()
                .map(e -> e.getValue() + " x " + e.getKey())
                .collect(Collectors.joining("; ", " (", ")"));
    return String.format(
        "scenario=%s sent=%d applied=%d duplicates=%d lost=%d dead-lettered=%d%s",
        scenario, sent, applied, duplicates, lost, deadLetterCount(), reasons);
  }

  /** Prints the line and fails on any loss, duplicate or unexpected dead letter. */
  public ChaosTally check(long expectedDeadLetters) {
    System.out.println(line());
    assertThat(lost).as(scenario + ": lost " + lostKeys).isZero();
    assertThat(duplicates).as(scenario + ": applied twice").isZero();
    assertThat(deadLetterCount()).as(scenario + ": dead letters").isEqualTo(expectedDeadLetters);
    assertThat(sent).as(scenario + ": something was sent").isPositive();
    return this;
  }

  public ChaosTally check() {
    return check(0);
  }

  /** The same, the line followed by the scenario's own figures (e.g. seconds of delay). */
  public ChaosTally check(String figures) {
    return new ChaosTally(
            scenario + " " + figures, sent, applied, duplicates, lost, lostKeys, deadLettered)
        .check(0);
  }
}
