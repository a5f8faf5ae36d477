package at.telco.hub.sink;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A rule of one target that a declaration names in {@code steps:} and the generic writer calls: a
 * bean in the registry under that name. What is truly specific to a target stays a small step
 * (billing's status rule, its customer numbers, the erasure guard), not a writer of its own.
 */
public interface SinkStep {

  /**
   * In the target's transaction, after the keys were locked and their rows read, before anything is
   * written (or a pending version recorded): may take writes out (giving them their outcome),
   * change what they write, or write on its own in {@code c}.
   */
  default void decide(SinkBatch batch, Connection c) throws SQLException {}

  /** After the target's commit (and the hub's record of what was applied). */
  default void afterCommit(SinkBatch batch) {}
}
