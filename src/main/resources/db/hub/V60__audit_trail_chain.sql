-- The audit trail becomes tamper-evident (issue 6):
--  * append-only: the hub's runtime role (the owner, who runs these migrations) gives up UPDATE,
--    DELETE and TRUNCATE on it, and triggers refuse them for everyone but the maintenance role
--    hub_audit_maintenance, which may only delete whole sealed segments (retention);
--  * chained: every entry belongs to a segment (one open per UTC day and writer, the hub instance, so
--    instances never wait for each other) and carries the SHA-256 of the previous entry's hash and
--    its own content; a changed entry no longer matches its hash, a removed one leaves a gap in the
--    sequence numbers and a chain that does not continue;
--  * sealed: a segment of a past day is closed with a digest over its identity, length and last
--    hash, and then cannot change.
-- hub.audit_entry_hash and hub.audit_segment_seal are the one definition of both digests: the
-- triggers use them to write, the verify command to check. The functions name their schema (hub)
-- themselves: they run in sessions whose search path does not include it.

CREATE TABLE audit_segment (
  id          bigserial    PRIMARY KEY,
  day         date         NOT NULL,
  writer      text         NOT NULL,
  opened_at   timestamptz  NOT NULL DEFAULT clock_timestamp(),
  last_seq    bigint       NOT NULL DEFAULT 0,
  last_hash   char(64),
  sealed_at   timestamptz,
  seal        char(64)
);
-- at most one open segment per day and writer (a sealed one is followed by a new one)
CREATE UNIQUE INDEX audit_segment_open ON audit_segment (day, writer) WHERE sealed_at IS NULL;
CREATE INDEX audit_segment_by_day ON audit_segment (day, writer);

ALTER TABLE audit_entry
  ADD COLUMN writer      text,
  ADD COLUMN role        text,
  ADD COLUMN object      text,
  -- no foreign key: its check would need a row lock on audit_entry, which the owner has given up
  -- (verify reports an entry whose segment is missing)
  ADD COLUMN segment_id  bigint,
  ADD COLUMN seq         bigint,
  ADD COLUMN prev_hash   char(64),
  ADD COLUMN hash        char(64);
CREATE INDEX audit_entry_by_segment ON audit_entry (segment_id, seq);
CREATE INDEX audit_entry_by_actor ON audit_entry (actor, id);
CREATE INDEX audit_entry_by_object ON audit_entry (object, id) WHERE object IS NOT NULL;

-- The content an entry's hash covers: every column but the hash itself, in a fixed order and text
-- form (times in UTC with microseconds).
CREATE FUNCTION audit_entry_hash(prev char(64), e audit_entry) RETURNS char(64)
LANGUAGE sql IMMUTABLE SET search_path = hub, pg_temp AS $$
  SELECT encode(sha256(convert_to(coalesce(prev, '') || jsonb_build_array(
    e.id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.actor, e.role,
    e.action, e.object, e.dead_letter_id, e.target, e.before_sha256, e.after_sha256, e.outcome,
    e.detail, e.job_id, e.writer, e.segment_id, e.seq)::text, 'UTF8')), 'hex')::char(64)
$$;

CREATE FUNCTION audit_segment_seal(s audit_segment) RETURNS char(64)
LANGUAGE sql IMMUTABLE SET search_path = hub, pg_temp AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
    s.id, s.day::text, s.writer, s.last_seq, s.last_hash)::text, 'UTF8')), 'hex')::char(64)
$$;

-- Whether the session may delete sealed segments (retention): the maintenance role, if it exists.
CREATE FUNCTION audit_maintenance_session() RETURNS boolean
LANGUAGE sql STABLE SET search_path = hub, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hub_audit_maintenance')
     AND pg_has_role(current_user, 'hub_audit_maintenance', 'MEMBER')
$$;

-- Appends an entry to its segment's chain. The segment row stays locked until the transaction
-- ends, so the entries of one writer and day form one sequence; an entry that comes with its chain
-- already (a restore of a backup) keeps it.
CREATE FUNCTION audit_entry_chain() RETURNS trigger
LANGUAGE plpgsql SET search_path = hub, pg_temp AS $$
DECLARE
  seg audit_segment;
  w   text;
  d   date;
BEGIN
  IF NEW.hash IS NOT NULL AND NEW.segment_id IS NOT NULL THEN
    RETURN NEW;
  END IF;
  NEW.at := clock_timestamp();
  w := coalesce(NEW.writer, nullif(current_setting('hub.audit_writer', true), ''), 'unnamed');
  NEW.writer := w;
  d := (NEW.at AT TIME ZONE 'UTC')::date;
  FOR attempt IN 1..10 LOOP
    -- (a segment sealed while this waited for its lock no longer qualifies: then a new one)
    SELECT * INTO seg FROM audit_segment
      WHERE day = d AND writer = w AND sealed_at IS NULL FOR UPDATE;
    EXIT WHEN FOUND;
    INSERT INTO audit_segment (day, writer) VALUES (d, w)
      ON CONFLICT (day, writer) WHERE sealed_at IS NULL DO NOTHING;
  END LOOP;
  IF seg.id IS NULL THEN
    RAISE EXCEPTION 'no open audit segment for % %', d, w;
  END IF;
  NEW.segment_id := seg.id;
  NEW.seq := seg.last_seq + 1;
  NEW.prev_hash := seg.last_hash;
  NEW.hash := audit_entry_hash(seg.last_hash, NEW);
  UPDATE audit_segment SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = seg.id;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_entry_chain BEFORE INSERT ON audit_entry
  FOR EACH ROW EXECUTE FUNCTION audit_entry_chain();

CREATE FUNCTION audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = hub, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' AND audit_maintenance_session()
     AND EXISTS (SELECT 1 FROM audit_segment s WHERE s.id = OLD.segment_id AND s.sealed_at IS NOT NULL) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only (% refused; retention drops whole sealed segments)', TG_OP;
END
$$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
  FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();

CREATE FUNCTION audit_no_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path = hub, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only (TRUNCATE refused)';
END
$$;
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
  FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();
CREATE TRIGGER audit_segment_no_truncate BEFORE TRUNCATE ON audit_segment
  FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();

-- A segment only grows by one entry at a time, is sealed once, and is then immutable; only the
-- maintenance role deletes it, sealed and empty.
CREATE FUNCTION audit_segment_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = hub, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF audit_maintenance_session() AND OLD.sealed_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM audit_entry e WHERE e.segment_id = OLD.id) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit segment % cannot be deleted (only sealed and emptied, by retention)', OLD.id;
  END IF;
  IF OLD.sealed_at IS NOT NULL THEN
    RAISE EXCEPTION 'audit segment % is sealed', OLD.id;
  END IF;
  IF NEW.id <> OLD.id OR NEW.day <> OLD.day OR NEW.writer <> OLD.writer OR NEW.opened_at <> OLD.opened_at THEN
    RAISE EXCEPTION 'audit segment % cannot be renamed', OLD.id;
  END IF;
  IF NEW.sealed_at IS NULL AND NEW.seal IS NULL AND NEW.last_seq = OLD.last_seq + 1 THEN
    RETURN NEW;
  END IF;
  IF NEW.sealed_at IS NOT NULL AND NEW.last_seq = OLD.last_seq
     AND NEW.last_hash IS NOT DISTINCT FROM OLD.last_hash AND NEW.seal = audit_segment_seal(NEW) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit segment % may only grow by one entry or be sealed', OLD.id;
END
$$;
CREATE TRIGGER audit_segment_guard BEFORE UPDATE OR DELETE ON audit_segment
  FOR EACH ROW EXECUTE FUNCTION audit_segment_guard();

-- The entries written before this migration: chained into segments of their own writer
-- 'before-chain', one per day, in id order.
DO $$
DECLARE
  r   record;
  seg audit_segment;
  e   audit_entry;
BEGIN
  ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only;
  FOR r IN SELECT id, (at AT TIME ZONE 'UTC')::date AS d FROM audit_entry ORDER BY id LOOP
    INSERT INTO audit_segment (day, writer) VALUES (r.d, 'before-chain')
      ON CONFLICT (day, writer) WHERE sealed_at IS NULL DO NOTHING;
    SELECT * INTO seg FROM audit_segment WHERE day = r.d AND writer = 'before-chain';
    UPDATE audit_entry SET writer = 'before-chain', segment_id = seg.id, seq = seg.last_seq + 1,
        prev_hash = seg.last_hash WHERE id = r.id RETURNING * INTO e;
    UPDATE audit_entry SET hash = audit_entry_hash(e.prev_hash, e) WHERE id = r.id RETURNING * INTO e;
    UPDATE audit_segment SET last_seq = e.seq, last_hash = e.hash WHERE id = seg.id;
  END LOOP;
  ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only;
END
$$;

-- The runtime role (the owner) keeps INSERT and SELECT only.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry FROM CURRENT_USER;
REVOKE DELETE, TRUNCATE ON audit_segment FROM CURRENT_USER;

-- The maintenance role (created by the embedded default; in external mode by the DBA, see
-- deploy/README.md) reads and deletes whole sealed segments.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hub_audit_maintenance') THEN
    GRANT USAGE ON SCHEMA hub TO hub_audit_maintenance;
    GRANT SELECT, DELETE ON audit_entry, audit_segment TO hub_audit_maintenance;
  END IF;
END
$$;
