-- The audit trail's seals and retention are bounded by the database, not by its callers (issue 20):
--  * only segments of past days (UTC) are sealed: audit_seal_segments refuses a day that has not
--    ended, and the guard trigger admits no seal of today's segment, whoever asks;
--  * a sealed segment is deleted only when older than the retention in audit_retention, a table
--    of the owner's alone (written by the migrate command from hub.audit.retention; no row: kept
--    for ever): neither the runtime nor the maintenance role can change it;
--  * every deleted segment is recorded, with its seal, in audit_segment_dropped (by a trigger that
--    runs as the owner), so verify tells a segment dropped by retention from one that vanished;
--  * a segment names its writer's previous segment (prev_segment; V63 chains its first entry to
--    that segment's seal).

CREATE TABLE audit_retention (
  singleton  boolean      PRIMARY KEY DEFAULT true CHECK (singleton),
  keep       interval     NOT NULL CHECK (keep >= interval '1 day'),
  set_at     timestamptz  NOT NULL DEFAULT now(),
  set_by     text         NOT NULL DEFAULT session_user
);

CREATE TABLE audit_segment_dropped (
  id          bigint       PRIMARY KEY,
  day         date         NOT NULL,
  writer      text         NOT NULL,
  last_seq    bigint       NOT NULL,
  last_hash   char(64),
  seal        char(64),
  dropped_at  timestamptz  NOT NULL DEFAULT now(),
  dropped_by  text         NOT NULL
);

ALTER TABLE audit_segment ADD COLUMN prev_segment bigint;

-- The first day whose sealed segments are still kept: segments of days before it may be deleted.
-- Null (no retention configured): none may. Runs as the owner, so the table stays the owner's.
CREATE FUNCTION audit_retention_horizon() RETURNS date
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp AS $$
  SELECT ((now() AT TIME ZONE 'UTC')::date - keep)::date FROM hub.audit_retention WHERE singleton
$$;

-- Today in UTC: the day whose segments are still open.
CREATE FUNCTION audit_today() RETURNS date
LANGUAGE sql STABLE SET search_path = hub, pg_temp AS $$
  SELECT (clock_timestamp() AT TIME ZONE 'UTC')::date
$$;

CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = hub, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' AND audit_maintenance_session()
     AND EXISTS (SELECT 1 FROM audit_segment s WHERE s.id = OLD.segment_id
                  AND s.sealed_at IS NOT NULL AND s.day < audit_retention_horizon()) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only (% refused; retention drops whole sealed segments older than the retention)', TG_OP;
END
$$;

CREATE OR REPLACE FUNCTION audit_segment_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = hub, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF audit_maintenance_session() AND OLD.sealed_at IS NOT NULL
       AND OLD.day < audit_retention_horizon()
       AND NOT EXISTS (SELECT 1 FROM audit_entry e WHERE e.segment_id = OLD.id) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit segment % cannot be deleted (only sealed, emptied and older than the retention, by the maintenance role)', OLD.id;
  END IF;
  IF OLD.sealed_at IS NOT NULL THEN
    RAISE EXCEPTION 'audit segment % is sealed', OLD.id;
  END IF;
  IF NEW.id <> OLD.id OR NEW.day <> OLD.day OR NEW.writer <> OLD.writer OR NEW.opened_at <> OLD.opened_at
     OR NEW.prev_segment IS DISTINCT FROM OLD.prev_segment THEN
    RAISE EXCEPTION 'audit segment % cannot be renamed', OLD.id;
  END IF;
  IF NEW.sealed_at IS NULL AND NEW.seal IS NULL AND NEW.last_seq = OLD.last_seq + 1 THEN
    RETURN NEW;
  END IF;
  IF NEW.sealed_at IS NOT NULL AND NEW.last_seq = OLD.last_seq
     AND NEW.last_hash IS NOT DISTINCT FROM OLD.last_hash AND NEW.seal = audit_segment_seal(NEW) THEN
    IF OLD.day >= audit_today() THEN
      RAISE EXCEPTION 'audit segment % of % is still open: only segments of past days (UTC) are sealed', OLD.id, OLD.day;
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit segment % may only grow by one entry or be sealed', OLD.id;
END
$$;

-- Records each deleted segment with its seal; runs as the owner (the maintenance role cannot
-- write the record itself, nor leave it out).
CREATE FUNCTION audit_segment_record_drop() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
BEGIN
  INSERT INTO audit_segment_dropped (id, day, writer, last_seq, last_hash, seal, dropped_by)
  VALUES (OLD.id, OLD.day, OLD.writer, OLD.last_seq, OLD.last_hash, OLD.seal, session_user);
  RETURN OLD;
END
$$;
CREATE TRIGGER audit_segment_record_drop AFTER DELETE ON audit_segment
  FOR EACH ROW EXECUTE FUNCTION audit_segment_record_drop();

CREATE FUNCTION audit_dropped_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = hub, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'the record of dropped audit segments is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER audit_segment_dropped_guard BEFORE UPDATE OR DELETE ON audit_segment_dropped
  FOR EACH ROW EXECUTE FUNCTION audit_dropped_guard();
CREATE TRIGGER audit_segment_dropped_no_truncate BEFORE TRUNCATE ON audit_segment_dropped
  FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();

-- Seals the open segments of days before p_before (of one writer, or of all for null), as the
-- owner; p_before may be today at the latest (UTC): today's segments are still open.
CREATE OR REPLACE FUNCTION audit_seal_segments(p_before date, p_writer text)
RETURNS TABLE (id bigint, day date, writer text, last_seq bigint, seal char(64))
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
BEGIN
  IF p_before IS NULL OR p_before > hub.audit_today() THEN
    RAISE EXCEPTION 'audit segments are sealed only for past days: % is after today (%, UTC)',
      p_before, hub.audit_today() USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
    UPDATE hub.audit_segment s SET sealed_at = now(), seal = hub.audit_segment_seal(s)
     WHERE s.sealed_at IS NULL AND s.day < p_before AND (p_writer IS NULL OR s.writer = p_writer)
    RETURNING s.id, s.day, s.writer, s.last_seq, s.seal;
END
$$;
REVOKE ALL ON FUNCTION audit_seal_segments(date, text) FROM PUBLIC;

-- Sets (or, with null, removes) the retention: the owner's (the migrate command) alone.
CREATE FUNCTION audit_set_retention(p_keep interval) RETURNS void
LANGUAGE sql SET search_path = hub, pg_temp AS $$
  DELETE FROM hub.audit_retention WHERE p_keep IS NULL;
  INSERT INTO hub.audit_retention (keep) SELECT p_keep WHERE p_keep IS NOT NULL
    ON CONFLICT (singleton) DO UPDATE SET keep = excluded.keep, set_at = now(), set_by = session_user;
$$;
REVOKE ALL ON FUNCTION audit_set_retention(interval) FROM PUBLIC;

-- The runtime role reads both (verify, the backup) and writes neither;
-- the maintenance role reads the record and writes neither (the horizon is a function of all).
DO $$
DECLARE
  rt text := '${hub_runtime_role}';
BEGIN
  IF rt <> '' AND rt <> current_user AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = rt) THEN
    EXECUTE format('REVOKE ALL ON audit_retention, audit_segment_dropped FROM %I', rt);
    EXECUTE format('GRANT SELECT ON audit_retention, audit_segment_dropped TO %I', rt);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hub_audit_maintenance') THEN
    EXECUTE 'REVOKE ALL ON audit_retention, audit_segment_dropped FROM hub_audit_maintenance';
    EXECUTE 'GRANT SELECT ON audit_segment_dropped TO hub_audit_maintenance';
  END IF;
END
$$;
