package at.telco.hub.sink;

import java.util.List;

/** Told what a target writer applied, after the target committed. */
public interface AppliedChanges {

  AppliedChanges NONE = (target, changes) -> {};

  /** {@code changes} as the writer handled them; each has its outcome (or its failure). */
  void applied(String target, List<TargetChange> changes);
}
