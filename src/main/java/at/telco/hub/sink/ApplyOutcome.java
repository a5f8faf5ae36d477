package at.telco.hub.sink;

/** What applying one canonical change to one target did. */
public enum ApplyOutcome {
  /** The target now holds this version. */
  APPLIED,
  /** The target already holds exactly this version (a duplicate delivery): nothing written. */
  DUPLICATE,
  /** The target holds a newer version: nothing written. */
  STALE,
  /** A newer change for the same key in the same batch was applied instead. */
  SUPERSEDED,
  /** The target does not take this record (yet), e.g. a PROSPECT in billing: not an error. */
  NOT_ELIGIBLE,
  /** Could not be applied; dead-lettered with its reason. */
  FAILED
}
