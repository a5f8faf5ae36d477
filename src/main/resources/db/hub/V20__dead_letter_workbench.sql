-- The dead-letter workbench: what support needs to find, understand, fix and replay a failed
-- message, the audit trail of what they did, and the management API's users and sessions.

-- A dead letter is one failed change for one target. It keeps its identity while it is replayed
-- and fails again; the Artemis message that currently holds it is message_id.
--   QUEUED      waiting for support
--   REPLAYING   claimed by a replay whose outcome is not recorded yet (a crashed replay is
--               claimable again after hub.dead-letter.replay-timeout-s)
--   SUPERSEDED  still waiting, but the target has since applied a newer version of the record
--   REPLAYED    replayed: applied, or skipped because the target had it or something newer
--   RESOLVED    fixed by a resync from the master
--   DISCARDED   discarded by support, with a reason
ALTER TABLE dead_letter DROP CONSTRAINT dead_letter_status_check;
ALTER TABLE dead_letter ADD CONSTRAINT dead_letter_status_check
  CHECK (status IN ('QUEUED', 'REPLAYING', 'SUPERSEDED', 'REPLAYED', 'RESOLVED', 'DISCARDED'));
ALTER TABLE dead_letter
  ADD COLUMN message_id            text,
  ADD COLUMN body                  text,
  ADD COLUMN original_body         text,
  ADD COLUMN headers               jsonb,
  ADD COLUMN failures              integer      NOT NULL DEFAULT 1,
  ADD COLUMN replay_started_at     timestamptz,
  ADD COLUMN replay_by             text,
  ADD COLUMN resolution            text,
  ADD COLUMN resolved_at           timestamptz,
  ADD COLUMN resolved_by           text,
  ADD COLUMN superseded_by_version text,
  ADD COLUMN superseded_at         timestamptz;

-- the page support looks at first: open dead letters, newest failure first
CREATE INDEX dead_letter_open_by_time ON dead_letter (last_failed_at DESC, id DESC)
  WHERE status IN ('QUEUED', 'REPLAYING', 'SUPERSEDED');
CREATE INDEX dead_letter_by_time ON dead_letter (last_failed_at DESC, id DESC);
-- the same, of one target (the console's and the CLI's usual view)
CREATE INDEX dead_letter_open_by_target_time ON dead_letter (target, last_failed_at DESC, id DESC)
  WHERE status IN ('QUEUED', 'REPLAYING', 'SUPERSEDED');
-- a newer version applied to a target supersedes the open dead letters of that record
CREATE INDEX dead_letter_open_by_record ON dead_letter (target, crm_account_id)
  WHERE status IN ('QUEUED', 'SUPERSEDED');

-- Every failure of a dead letter: the first one and each failed replay.
CREATE TABLE dead_letter_failure (
  id               bigserial    PRIMARY KEY,
  dead_letter_id   uuid         NOT NULL REFERENCES dead_letter (id) ON DELETE CASCADE,
  failed_at        timestamptz  NOT NULL,
  reason           text         NOT NULL,
  exception_class  text,
  route_id         text,
  attempts         integer      NOT NULL,
  message_id       text,
  replayed_by      text
);
CREATE INDEX dead_letter_failure_by_dead_letter ON dead_letter_failure (dead_letter_id, id);

-- Artemis messages to remove from their dead-letter queue: written in the same transaction as the
-- outcome that makes them obsolete, removed by the purge route; a crash in between leaves the
-- request here, never a message without its record.
CREATE TABLE dead_letter_queue_purge (
  message_id       text         PRIMARY KEY,
  target           varchar(32)  NOT NULL,
  requested_at     timestamptz  NOT NULL DEFAULT now()
);

-- Audit trail (its start: a later migration hardens it). No bodies, only their hashes.
CREATE TABLE audit_entry (
  id               bigserial    PRIMARY KEY,
  at               timestamptz  NOT NULL DEFAULT now(),
  actor            text         NOT NULL,
  action           text         NOT NULL,
  dead_letter_id   uuid,
  target           varchar(32),
  before_sha256    char(64),
  after_sha256     char(64),
  outcome          text         NOT NULL,
  detail           text,
  job_id           uuid
);
CREATE INDEX audit_entry_by_dead_letter ON audit_entry (dead_letter_id, id);
CREATE INDEX audit_entry_by_time ON audit_entry (at DESC, id DESC);

-- Bulk replays: the set of dead letters is fixed when the job starts, so progress is exact and a
-- stop (from any hub instance) takes effect between two batches.
CREATE TABLE replay_job (
  id               uuid         PRIMARY KEY,
  created_by       text         NOT NULL,
  created_at       timestamptz  NOT NULL DEFAULT now(),
  filter           jsonb        NOT NULL,
  batch_size       integer      NOT NULL,
  state            varchar(12)  NOT NULL CHECK (state IN ('RUNNING', 'STOPPED', 'FINISHED', 'INTERRUPTED', 'FAILED')),
  total            integer      NOT NULL,
  done             integer      NOT NULL DEFAULT 0,
  applied          integer      NOT NULL DEFAULT 0,
  skipped          integer      NOT NULL DEFAULT 0,
  failed           integer      NOT NULL DEFAULT 0,
  stop_requested_by text,
  started_at       timestamptz  NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  last_error       text,
  instance         text         NOT NULL
);
CREATE TABLE replay_job_item (
  job_id           uuid         NOT NULL REFERENCES replay_job (id) ON DELETE CASCADE,
  seq              integer      NOT NULL,
  dead_letter_id   uuid         NOT NULL,
  outcome          text,
  PRIMARY KEY (job_id, seq)
);

-- Users of the management API kept by the hub (the bootstrap admin, users an admin creates);
-- users from hub.auth.users / hub.auth.users-file are not stored here. bcrypt hashes only.
CREATE TABLE api_user (
  name             varchar(64)  PRIMARY KEY,
  password_hash    text         NOT NULL,
  roles            text         NOT NULL,
  created_at       timestamptz  NOT NULL DEFAULT now(),
  updated_at       timestamptz  NOT NULL DEFAULT now()
);

-- Console sessions: only the SHA-256 of the bearer token is stored.
CREATE TABLE api_session (
  token_sha256     char(64)     PRIMARY KEY,
  user_name        varchar(64)  NOT NULL,
  roles            text         NOT NULL,
  created_at       timestamptz  NOT NULL DEFAULT now(),
  expires_at       timestamptz  NOT NULL
);
CREATE INDEX api_session_by_expiry ON api_session (expires_at);
