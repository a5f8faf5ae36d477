-- The hub's own state. Owned by the hub; changed only through new versioned migrations.

-- Identity registry: the enterprise customer id of every CRM account, assigned at first sight and
-- kept for ever (also when customerdb is rebuilt), with each system's own key recorded against it.
CREATE TABLE customer_identity (
  customer_id      uuid         PRIMARY KEY,
  crm_account_id   varchar(18)  NOT NULL UNIQUE,
  billing_cust_no  bigint       UNIQUE,
  first_seen_at    timestamptz  NOT NULL DEFAULT now(),
  updated_at       timestamptz  NOT NULL DEFAULT now()
);

-- What the hub applied to a target that has no place for versions of its own (billing).
-- pending_version is written before the target commit, applied_version after it: a crash in
-- between leaves pending_version set, which still fences off anything older.
CREATE TABLE target_state (
  target           varchar(32)  NOT NULL,
  entity_key       varchar(64)  NOT NULL,
  applied_version  text,
  pending_version  text,
  applied_status   varchar(16),
  applied_at       timestamptz,
  PRIMARY KEY (target, entity_key)
);

-- Index of the messages in the Artemis dead-letter queues, so support can search by business key
-- without browsing queues.
CREATE TABLE dead_letter (
  id               uuid         PRIMARY KEY,
  target           varchar(32)  NOT NULL,
  status           varchar(10)  NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'REPLAYED', 'DISCARDED')),
  reason           text         NOT NULL,
  exception_class  text,
  route_id         text,
  attempts         integer      NOT NULL DEFAULT 0,
  first_failed_at  timestamptz  NOT NULL,
  last_failed_at   timestamptz  NOT NULL,
  correlation_id   text,
  event_id         text,
  event_type       text,
  entity_version   text,
  customer_id      uuid,
  crm_account_id   varchar(18),
  billing_account  varchar(12),
  msisdn           varchar(16),
  body_sha256      char(64),
  created_at       timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX dead_letter_by_target ON dead_letter (target, status, created_at);
CREATE INDEX dead_letter_by_customer ON dead_letter (customer_id);
CREATE INDEX dead_letter_by_crm_account ON dead_letter (crm_account_id);
CREATE INDEX dead_letter_by_billing_account ON dead_letter (billing_account);
CREATE INDEX dead_letter_by_msisdn ON dead_letter (msisdn);

-- Source data the hub could not use as it is (e.g. a phone number that cannot be normalised).
-- No personal values: the entity key, the field and the reason only.
CREATE TABLE data_quality_issue (
  source           varchar(16)  NOT NULL,
  entity_key       varchar(64)  NOT NULL,
  field            varchar(64)  NOT NULL,
  reason           text         NOT NULL,
  first_seen_at    timestamptz  NOT NULL DEFAULT now(),
  last_seen_at     timestamptz  NOT NULL DEFAULT now(),
  occurrences      integer      NOT NULL DEFAULT 1,
  resolved_at      timestamptz,
  PRIMARY KEY (source, entity_key, field)
);
