-- Support's decisions on parked messages (the parking queue, hub.parking.queue): one per parked
-- message (its parking id, kept when it is parked again), so that of two operators who act at once
-- only the first decides. DEAD_LETTER: the parked route dead-letters the message with this reason
-- when it next takes it (support releases it at once). The reason is the operator's words, as for
-- a discarded dead letter; who and when are also in the audit trail.
CREATE TABLE parked_message_decision (
  parking_id  text PRIMARY KEY,
  queue       text NOT NULL,
  action      text NOT NULL CHECK (action IN ('DEAD_LETTER')),
  reason      text NOT NULL,
  decided_by  text NOT NULL,
  decided_at  timestamptz NOT NULL
);
