package at.telco.hub.sink;

import at.telco.hub.observe.HubMetrics;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The end of a target writer's batch, the same for every writer. */
public final class Outcomes {

  private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);

  private Outcomes() {}

  /**
   * Counts each change's outcome (and logs it at debug), tells {@code listener} what was applied,
   * and returns the changes that failed on their own (to be tried alone, then dead-lettered).
   */
  public static List<TargetChange> report(
      String target, List<TargetChange> changes, HubMetrics metrics, AppliedChanges listener) {
    for (TargetChange change : changes) {
      if (change.outcome() != null) {
        metrics.applied(target, change.outcome());
        LOG.debug(
            "{} {} {} version {}",
            target,
            change.outcome(),
            change.event().customerId(),
            change.event().entityVersion());
      }
    }
    listener.applied(target, changes);
    return Versions.failed(changes);
  }
}
