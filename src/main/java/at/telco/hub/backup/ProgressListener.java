package at.telco.hub.backup;

/**
 * Told how far a backup, restore or recovery has come: {@code done} of {@code total} steps (tables,
 * files, rows). Called from the working thread; {@code done == total} at the end.
 */
@FunctionalInterface
public interface ProgressListener {

  /** Tells nobody. */
  ProgressListener NONE = (done, total) -> {};

  void progress(long done, long total);
}
