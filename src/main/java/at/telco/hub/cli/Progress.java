package at.telco.hub.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress of a long job on standard error, so standard output stays machine-readable: on a
 * terminal a bar redrawn in place; otherwise a line such as {@code replay-all: 4,000/10,000 (40 %)}
 * at each 10 % step and, in between, at most every {@value #LINE_INTERVAL_MS} ms. A job whose total
 * is not known (0 or less) shows how long it has been running instead.
 */
public final class Progress implements AutoCloseable {

  static final long LINE_INTERVAL_MS = 5_000;
  private static final long REDRAW_MS = 200;
  private static final int BAR = 30;
  private static final String SPINNER = "|/-\\";

  private final String label;
  private final PrintStream err;
  private final boolean terminal;
  private final LongSupplier millis;
  private final long started;
  private boolean printed;
  private long lastAt;
  private int lastStep = -1;
  private long lastDone = -1;
  private boolean drawn;
  private int spin;

  Progress(String label, PrintStream err, boolean terminal, LongSupplier millis) {
    this.label = label;
    this.err = err;
    this.terminal = terminal;
    this.millis = millis;
    this.started = millis.getAsLong();
  }

  /** Progress of {@code label} on {@code err}: a bar on a terminal, lines otherwise. */
  public static Progress of(String label, PrintStream err, boolean terminal) {
    return new Progress(label, err, terminal, System::currentTimeMillis);
  }

  /** Progress for a command of this context (a bar when its standard error is a terminal). */
  public static Progress of(String label, CliContext context) {
    return of(label, context.err(), context.terminal());
  }

  /** {@code done} of {@code total} (0 or less: not known). */
  public void update(long done, long total) {
    update(done, total, null);
  }

  /** As {@link #update(long, long)}, with a note after the counts (e.g. the rate). */
  public synchronized void update(long done, long total, String note) {
    long now = millis.getAsLong();
    if (terminal) {
      if (!drawn || now - lastAt >= REDRAW_MS || done != lastDone) {
        draw(now, done, total, note);
      }
      return;
    }
    if (total > 0) {
      int step = percent(done, total) / 10;
      if (!printed || step > lastStep || (now - lastAt >= LINE_INTERVAL_MS && done != lastDone)) {
        line(now, counts(done, total), note);
        lastStep = step;
        lastDone = done;
      }
    } else if (!printed || now - lastAt >= LINE_INTERVAL_MS) {
      line(now, "running, " + seconds(now) + " s", note);
    }
  }

  /**
   * The end: the last counts if they were not shown yet (with a total not known: {@code note}, or
   * "finished", and how long it took), then the line is closed.
   */
  public synchronized void finish(long done, long total, String note) {
    long now = millis.getAsLong();
    if (terminal) {
      draw(now, done, total, note);
    } else if (total > 0) {
      if (done != lastDone || !printed) {
        line(now, counts(done, total), note);
        lastDone = done;
      }
    } else {
      line(now, (note != null ? note : "finished") + " after " + seconds(now) + " s", null);
    }
    close();
  }

  @Override
  public synchronized void close() {
    if (terminal && drawn) {
      err.println();
      err.flush();
      drawn = false;
    }
  }

  private void line(long now, String text, String note) {
    err.println(label + ": " + text + (note == null ? "" : ", " + note));
    err.flush();
    printed = true;
    lastAt = now;
  }

  private void draw(long now, long done, long total, String note) {
    StringBuilder b = new StringBuilder("\r").append(label).append(' ');
    if (total > 0) {
      int filled = (int) Math.min(BAR, done * BAR / total);
      b.append('[')
          .append("=".repeat(filled))
          .append(filled < BAR ? ">" : "")
          .append(" ".repeat(Math.max(0, BAR - filled - 1)))
          .append("] ")
          .append(counts(done, total));
    } else {
      b.append(SPINNER.charAt(spin++ % SPINNER.length()))
          .append(' ')
          .append(seconds(now))
          .append(" s");
    }
    if (note != null) {
      b.append(", ").append(note);
    }
    b.append("\033[K"); // the rest of a longer previous line
    err.print(b);
    err.flush();
    drawn = true;
    lastAt = now;
    lastDone = done;
  }

  private long seconds(long now) {
    return (now - started) / 1000;
  }

  static int percent(long done, long total) {
    return (int) Math.max(0, Math.min(100, done * 100 / total));
  }

  static String counts(long done, long total) {
    return String.format(Locale.ROOT, "%,d/%,d (%d %%)", done, total, percent(done, total));
  }
}
