-- Flow 5, right to erasure: the requests and what each reached, and the identity registry's mark
-- that a customer is erased (no target may take a change of that customer afterwards).
-- No personal data: the hub's own ids, the CRM account id (which customerdb keeps for an erased
-- customer too), systems, times, counts and outcomes.

ALTER TABLE customer_identity ADD COLUMN erased_at timestamptz;

--   PENDING  registered, or a step waits for its system (retried)
--   HELD     everything done except billing: a billing account has an open balance (legal hold,
--            GDPR Art. 17(3)(b) and (e)); completed when the balance is settled
--   DONE     every system reached
CREATE TABLE erasure_request (
  id               uuid         PRIMARY KEY,
  customer_id      uuid         NOT NULL UNIQUE,
  crm_account_id   varchar(18)  NOT NULL,
  trigger          varchar(32)  NOT NULL,
  requested_at     timestamptz  NOT NULL DEFAULT now(),
  status           varchar(8)   NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'HELD', 'DONE')),
  hold_reason      text,
  held_since       timestamptz,
  completed_at     timestamptz,
  attempts         integer      NOT NULL DEFAULT 0,
  last_error       text,
  steps            jsonb        NOT NULL DEFAULT '{}'
);
CREATE INDEX erasure_request_open ON erasure_request (requested_at) WHERE status <> 'DONE';
CREATE INDEX erasure_request_by_account ON erasure_request (crm_account_id);
