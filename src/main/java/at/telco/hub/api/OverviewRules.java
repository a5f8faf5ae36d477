package at.telco.hub.api;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import java.util.Collection;
import java.util.Locale;

/**
 * When the console's overview shows something red, amber or green, and the reason in words
 * ("billing: 4 open dead letters, oldest 12 min"). The thresholds are settings ({@code
 * hub.overview.*}); a figure that could not be sampled (NaN) is amber, "unknown", never green. A
 * value above a threshold crosses it: with {@code amber-above} 0 the first dead letter is amber.
 */
public final class OverviewRules {

  /** Red, amber, green; ordered from good to bad. */
  public enum Rag {
    GREEN,
    AMBER,
    RED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    Rag worse(Rag other) {
      return other.ordinal() > ordinal() ? other : this;
    }
  }

  /** A colour and why (null when green). */
  public record Verdict(Rag rag, String reason) {
    static final Verdict GREEN = new Verdict(Rag.GREEN, null);

    static Verdict of(Rag rag, String reason) {
      return rag == Rag.GREEN ? GREEN : new Verdict(rag, reason);
    }
  }

  /** The thresholds: a figure above {@code amber} is amber, above {@code red} red. */
  public record Thresholds(
      long lagAmber,
      long lagRed,
      long latencyAmberSeconds,
      long latencyRedSeconds,
      long deadLettersAmber,
      long deadLettersRed,
      long deadLetterRedAfterMinutes,
      long parkedAmber,
      long parkedRed,
      long overdueAmber,
      long overdueRed,
      long differencesAmber,
      long differencesRed) {

    public static Thresholds of(Settings s) {
      return new Thresholds(
          s.get(HubSettings.OVERVIEW_LAG_AMBER_ABOVE),
          s.get(HubSettings.OVERVIEW_LAG_RED_ABOVE),
          s.get(HubSettings.OVERVIEW_LATENCY_AMBER_ABOVE_SECONDS),
          s.get(HubSettings.OVERVIEW_LATENCY_RED_ABOVE_SECONDS),
          s.get(HubSettings.OVERVIEW_DEAD_LETTERS_AMBER_ABOVE),
          s.get(HubSettings.OVERVIEW_DEAD_LETTERS_RED_ABOVE),
          s.get(HubSettings.OVERVIEW_DEAD_LETTERS_RED_AFTER_MINUTES),
          s.get(HubSettings.OVERVIEW_PARKED_AMBER_ABOVE),
          s.get(HubSettings.OVERVIEW_PARKED_RED_ABOVE),
          s.get(HubSettings.OVERVIEW_OVERDUE_AMBER_ABOVE),
          s.get(HubSettings.OVERVIEW_OVERDUE_RED_ABOVE),
          s.get(HubSettings.OVERVIEW_DIFFERENCES_AMBER_ABOVE),
          s.get(HubSettings.OVERVIEW_DIFFERENCES_RED_ABOVE));
    }
  }

  private final Thresholds t;

  public OverviewRules(Thresholds thresholds) {
    this.t = thresholds;
  }

  private static Rag rag(double value, long amberAbove, long redAbove) {
    return value > redAbove ? Rag.RED : value > amberAbove ? Rag.AMBER : Rag.GREEN;
  }

  /** A target's consumer: changes on its topic it has not taken yet. */
  public Verdict lag(String target, double lag) {
    if (Double.isNaN(lag)) {
      return Verdict.of(Rag.AMBER, target + ": lag unknown (Kafka not answering)");
    }
    Rag r = rag(lag, t.lagAmber(), t.lagRed());
    return Verdict.of(
        r,
        target + ": lag " + number(lag) + " changes, " + (r == Rag.RED ? "far behind" : "behind"));
  }

  /** A polled source table: change rows not taken yet, and the oldest one's age. */
  public Verdict backlog(String source, double rows, double oldestSeconds) {
    if (Double.isNaN(rows)) {
      return Verdict.of(Rag.AMBER, source + ": backlog unknown (database not answering)");
    }
    Rag r = rag(rows, t.lagAmber(), t.lagRed());
    return Verdict.of(
        r,
        source
            + ": "
            + number(rows)
            + " changes not taken yet, oldest "
            + age(oldestSeconds)
            + ", "
            + (r == Rag.RED ? "far behind" : "behind"));
  }

  /** End-to-end latency p95 of a target (NaN: nothing applied lately, nothing to say). */
  public Verdict latency(String target, double p95Seconds) {
    if (Double.isNaN(p95Seconds)) {
      return Verdict.GREEN;
    }
    Rag r = rag(p95Seconds, t.latencyAmberSeconds(), t.latencyRedSeconds());
    return Verdict.of(r, target + ": end-to-end latency p95 " + age(p95Seconds) + ", slow");
  }

  /** A target's open dead letters and the age of the oldest. */
  public Verdict deadLetters(String target, double open, double oldestSeconds) {
    if (Double.isNaN(open)) {
      return Verdict.of(Rag.AMBER, target + ": dead letters unknown (hub database not answering)");
    }
    Rag r = rag(open, t.deadLettersAmber(), t.deadLettersRed());
    if (r == Rag.AMBER
        && !Double.isNaN(oldestSeconds)
        && oldestSeconds > t.deadLetterRedAfterMinutes() * 60) {
      r = Rag.RED;
    }
    return Verdict.of(
        r,
        target
            + ": "
            + number(open)
            + (open == 1 ? " open dead letter" : " open dead letters")
            + (Double.isNaN(oldestSeconds) ? "" : ", oldest " + age(oldestSeconds)));
  }

  /** Messages parked on a queue. */
  public Verdict parked(String queue, double messages) {
    if (Double.isNaN(messages)) {
      return Verdict.of(Rag.AMBER, queue + ": parked messages unknown (broker not answering)");
    }
    return Verdict.of(
        rag(messages, t.parkedAmber(), t.parkedRed()),
        queue + ": " + number(messages) + " parked messages");
  }

  /** Provisioning commands not acknowledged in time. */
  public Verdict overdue(double overdue) {
    if (Double.isNaN(overdue)) {
      return Verdict.of(Rag.AMBER, "provisioning: commands unknown (hub database not answering)");
    }
    return Verdict.of(
        rag(overdue, t.overdueAmber(), t.overdueRed()),
        "provisioning: "
            + number(overdue)
            + (overdue == 1 ? " command overdue" : " commands overdue"));
  }

  /**
   * The last reconciliation: its differences (null: none has finished yet), and whether the newest
   * run failed.
   */
  public Verdict reconciliation(Long differences, boolean newestFailed) {
    Verdict v =
        differences == null
            ? Verdict.GREEN
            : Verdict.of(
                rag(differences, t.differencesAmber(), t.differencesRed()),
                "reconciliation: "
                    + number(differences)
                    + (differences == 1 ? " record differs" : " records differ")
                    + " between master and copy");
    if (newestFailed && v.rag() == Rag.GREEN) {
      return Verdict.of(Rag.AMBER, "reconciliation: the last run failed");
    }
    return v;
  }

  /** Schema drift of a system: any finding holds routes stopped, so red. */
  public Verdict drift(String system, int findings, String first) {
    if (findings == 0) {
      return Verdict.GREEN;
    }
    return Verdict.of(
        Rag.RED,
        system
            + ": schema drift, "
            + findings
            + (findings == 1 ? " finding" : " findings")
            + (first == null ? "" : " (" + first + ")"));
  }

  /** A readiness check: down is red. */
  public Verdict readiness(String check, boolean up, String message) {
    return up
        ? Verdict.GREEN
        : Verdict.of(
            Rag.RED, check + ": not ready" + (message == null ? "" : " (" + message + ")"));
  }

  /** The worst of some verdicts. */
  public static Rag worst(Collection<Verdict> verdicts) {
    Rag r = Rag.GREEN;
    for (Verdict v : verdicts) {
      r = r.worse(v.rag());
    }
    return r;
  }

  /** 5,200 */
  static String number(double n) {
    return String.format(Locale.ROOT, "%,d", Math.round(n));
  }

  /** 45 s, 12 min, 3 h, 2 days (as the console writes ages). */
  static String age(double seconds) {
    if (Double.isNaN(seconds)) {
      return "unknown";
    }
    if (seconds < 10) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    if (seconds < 120) {
      return Math.round(seconds) + " s";
    }
    if (seconds < 7200) {
      return Math.round(seconds / 60) + " min";
    }
    if (seconds < 172800) {
      return Math.round(seconds / 3600) + " h";
    }
    return Math.round(seconds / 86400) + " days";
  }
}
