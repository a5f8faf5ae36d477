-- Flows 2-4: billing accounts, provisioning commands, parked network events.

-- Which customer a billing account belongs to (billing.billing_account -> billing.customer ->
-- CRM account -> customer_id), recorded when the hub first sees the account; the network names
-- only the billing account (subscriberRef), so services are resolved through this.
CREATE TABLE billing_account_identity (
  ba_no            varchar(12)  PRIMARY KEY,
  cust_no          bigint       NOT NULL,
  crm_account_id   varchar(18),
  customer_id      uuid,
  first_seen_at    timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX billing_account_identity_by_customer ON billing_account_identity (customer_id);

-- Commands the hub sent to the network, with their result. The id is derived from the cause
-- (billing account, service, billing event, command), so reprocessing resends the same id.
CREATE TABLE provisioning_command (
  command_id       uuid         PRIMARY KEY,
  command          varchar(16)  NOT NULL,
  ba_no            varchar(12)  NOT NULL,
  service_id       varchar(24)  NOT NULL,
  msisdn           varchar(16)  NOT NULL,
  reason           varchar(32)  NOT NULL,
  cause_event_seq  bigint       NOT NULL,
  status           varchar(10)  NOT NULL DEFAULT 'PENDING'
                   CHECK (status IN ('PENDING', 'DONE', 'REJECTED', 'OVERDUE')),
  detail           text,
  requested_at     timestamptz  NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  lifted_by        uuid         -- a BAR_OUTGOING the hub made: the UNBAR that lifted it
);
CREATE INDEX provisioning_command_by_account ON provisioning_command (ba_no, command);
CREATE INDEX provisioning_command_open ON provisioning_command (status, requested_at)
  WHERE status IN ('PENDING', 'OVERDUE');
