-- Reconciliation: what each run compared and what differed. No personal values: keys (CRM
-- account, billing account), attribute names and the hub's own reasons only.
CREATE TABLE reconciliation_run (
  id               uuid         PRIMARY KEY,
  trigger          varchar(16)  NOT NULL,          -- schedule, api, cli, restore
  requested_by     varchar(64)  NOT NULL,          -- the schedule, or who asked
  pairs            text[]       NOT NULL,
  repair           boolean      NOT NULL,
  started_at       timestamptz  NOT NULL,
  finished_at      timestamptz,
  status           varchar(10)  NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
  error            text,
  compared         jsonb        NOT NULL DEFAULT '{}',   -- per pair: records compared
  differences      jsonb        NOT NULL DEFAULT '{}',   -- per pair and kind: how many
  not_listed       integer      NOT NULL DEFAULT 0,      -- differences counted beyond the listing limit
  repaired         integer      NOT NULL DEFAULT 0
);
CREATE INDEX reconciliation_run_by_time ON reconciliation_run (started_at DESC);

CREATE TABLE reconciliation_difference (
  run_id           uuid         NOT NULL REFERENCES reconciliation_run ON DELETE CASCADE,
  pair             varchar(40)  NOT NULL,          -- crm->customerdb, crm->billing, billing->customerdb
  record_key       varchar(64)  NOT NULL,
  kind             varchar(12)  NOT NULL CHECK (kind IN ('MISSING', 'EXTRA', 'DIFFERENT', 'UNMAPPABLE')),
  attributes       text[]       NOT NULL DEFAULT '{}',
  reason           text,                           -- why the master's record cannot be mapped
  repair           varchar(16),                    -- REPAIRED, NOT_REPAIRED, NOT_REPAIRABLE (null: no repair asked)
  repaired_at      timestamptz,
  PRIMARY KEY (run_id, pair, record_key)
);
CREATE INDEX reconciliation_difference_by_key ON reconciliation_difference (record_key);

-- Schema drift as last seen per system (the health detail and the API read it).
CREATE TABLE schema_drift (
  system           varchar(16)  NOT NULL,
  object           varchar(128) NOT NULL,          -- table or table.column
  problem          text         NOT NULL,
  routes           text[]       NOT NULL DEFAULT '{}',
  first_seen_at    timestamptz  NOT NULL DEFAULT now(),
  last_seen_at     timestamptz  NOT NULL DEFAULT now(),
  PRIMARY KEY (system, object)
);

-- Work a maintenance command leaves for the next start (e.g. a restore asks for a repairing
-- reconciliation once the routes run).
CREATE TABLE maintenance_request (
  id               bigserial    PRIMARY KEY,
  kind             varchar(32)  NOT NULL,
  reason           text         NOT NULL,
  requested_at     timestamptz  NOT NULL DEFAULT now(),
  done_at          timestamptz
);
