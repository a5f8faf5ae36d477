-- One open dead letter per record and target (issue 23): a newer dead letter of the same record
-- and target replaces the older open ones. They stay, closed, in the newer one's history (and are
-- replayable from there); support works records, not letters.
--   REPLACED    closed: a newer dead letter of the same record and target (replaced_by) holds the
--               newer state; replaying that one applies it. Beside SUPERSEDED, which stays open
--               (the target applied a newer version, the letter still waits on its queue).
ALTER TABLE dead_letter DROP CONSTRAINT dead_letter_status_check;
ALTER TABLE dead_letter ADD CONSTRAINT dead_letter_status_check
  CHECK (status IN ('QUEUED', 'REPLAYING', 'SUPERSEDED', 'REPLACED', 'REPLAYED', 'RESOLVED',
                    'DISCARDED'));
ALTER TABLE dead_letter
  ADD COLUMN record_key  text,
  ADD COLUMN replaced_by uuid,
  ADD COLUMN replaced_at timestamptz;

-- The record a dead letter is a state of: only snapshot events of one entity (customer, billing
-- account, service) carry the whole state of their record, so only they replace each other; bills
-- (each one its own), source records and commands have no record key and are never replaced.
-- The same rule as DeadLetters.recordKey.
UPDATE dead_letter SET record_key = CASE
    WHEN event_type LIKE 'at.telco.hub.tmf629.%' AND crm_account_id IS NOT NULL
      THEN 'customer:' || crm_account_id
    WHEN event_type LIKE 'at.telco.hub.tmf666.%' AND billing_account IS NOT NULL
      THEN 'billing-account:' || billing_account
    WHEN event_type LIKE 'at.telco.hub.tmf638.%' AND msisdn IS NOT NULL
      THEN 'service:' || msisdn
  END
  WHERE event_type IS NOT NULL;

-- Already-open duplicates of existing installations: the newest of each record and target stays
-- open (newest version first: a master sequence number by value, a source snapshot by its xmax;
-- then the latest failure), the others are replaced by it. Letters being replayed are left alone.
WITH ranked AS (
  SELECT id, target, record_key,
         first_value(id) OVER w AS newest,
         row_number() OVER w AS n
  FROM dead_letter
  WHERE record_key IS NOT NULL AND status IN ('QUEUED', 'SUPERSEDED')
  WINDOW w AS (PARTITION BY target, record_key ORDER BY
    CASE WHEN entity_version ~ '^[0-9]{1,18}$' THEN entity_version::numeric
         WHEN entity_version ~ '^[0-9]{1,19}:[0-9]{1,19}:' THEN split_part(entity_version, ':', 2)::numeric
    END DESC NULLS LAST, last_failed_at DESC, id DESC)
), replaced AS (
  UPDATE dead_letter d SET status = 'REPLACED', replaced_by = r.newest, replaced_at = now()
  FROM ranked r WHERE d.id = r.id AND r.n > 1
  RETURNING d.message_id, d.target, d.body
)
-- their messages leave the queue (the body is kept here, so they stay replayable)
INSERT INTO dead_letter_queue_purge (message_id, target)
  SELECT message_id, target FROM replaced WHERE message_id IS NOT NULL AND body IS NOT NULL
  ON CONFLICT (message_id) DO NOTHING;

-- the open letters of a record in a target (found under a transaction-scoped advisory lock on
-- the pair, see DeadLetters.keepOneOpen) and the history of one open letter
CREATE INDEX dead_letter_open_by_record_key ON dead_letter (target, record_key)
  WHERE status IN ('QUEUED', 'REPLAYING', 'SUPERSEDED') AND record_key IS NOT NULL;
CREATE INDEX dead_letter_by_replaced_by ON dead_letter (replaced_by) WHERE replaced_by IS NOT NULL;
