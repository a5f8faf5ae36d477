-- The hub's tables belong to the role that runs these migrations (hub.hubdb.migration.username:
-- hub_owner in the embedded default, a DBA's role in production); the hub runs as another role
-- (hub.hubdb.username, the placeholder hub_runtime_role), which owns nothing here and gets only what
-- it needs:
--  * every table: SELECT, INSERT, UPDATE, DELETE; every sequence: USAGE, SELECT; the same for the
--    tables and sequences later migrations create (the owner's default privileges in schema hub;
--    a later append-only table must revoke what it does not want the runtime role to have);
--  * the audit trail: SELECT and INSERT on audit_entry, SELECT on audit_segment. Appending an entry
--    advances its segment in the chain trigger, which runs as the owner (SECURITY DEFINER); sealing
--    runs through audit_seal_segments, likewise. Not owning the tables, the runtime role can neither
--    ALTER them (DISABLE TRIGGER), GRANT itself anything back, TRUNCATE nor DROP them;
--  * the migration history: SELECT (the backup reads the schema version).
-- Without a separate owner (the placeholder empty or the migrating role itself) nothing is granted:
-- the migrating role owns and uses the tables, and the hub warns that the audit trail is then not
-- protected from its own role.

-- An entry that comes with its chain already (a restore of a backup) keeps it only when the owner
-- writes it; any other role's entry is chained anew. Runs as the owner: the runtime role appends
-- to a segment without holding UPDATE on audit_segment.
CREATE OR REPLACE FUNCTION audit_entry_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
  seg audit_segment;
  w   text;
  d   date;
BEGIN
  IF NEW.hash IS NOT NULL AND NEW.segment_id IS NOT NULL
     AND pg_has_role(session_user,
                     (SELECT c.relowner FROM pg_class c WHERE c.oid = 'hub.audit_entry'::regclass),
                     'MEMBER') THEN
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

-- Seals the open segments of days before p_before (of one writer, or of all for null), as the
-- owner; answers what it sealed. The guard trigger still admits only a correct seal.
CREATE FUNCTION audit_seal_segments(p_before date, p_writer text)
RETURNS TABLE (id bigint, day date, writer text, last_seq bigint, seal char(64))
LANGUAGE sql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
  UPDATE hub.audit_segment s SET sealed_at = now(), seal = hub.audit_segment_seal(s)
   WHERE s.sealed_at IS NULL AND s.day < p_before AND (p_writer IS NULL OR s.writer = p_writer)
  RETURNING s.id, s.day, s.writer, s.last_seq, s.seal
$$;
REVOKE ALL ON FUNCTION audit_seal_segments(date, text) FROM PUBLIC;

DO $$
DECLARE
  rt text := '${hub_runtime_role}';
BEGIN
  IF rt = '' OR rt = current_user THEN
    RAISE NOTICE 'no separate runtime role: % owns and uses the hub''s tables', current_user;
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = rt) THEN
    RAISE EXCEPTION 'the hub''s runtime role % does not exist (deploy/README.md, Database roles)', rt;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA hub TO %I', rt);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA hub TO %I', rt);
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA hub TO %I', rt);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA hub GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', rt);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA hub GRANT USAGE, SELECT ON SEQUENCES TO %I', rt);
  -- the audit trail: read and append, nothing else
  EXECUTE format('REVOKE ALL ON audit_entry, audit_segment FROM %I', rt);
  EXECUTE format('GRANT SELECT, INSERT ON audit_entry TO %I', rt);
  EXECUTE format('GRANT SELECT ON audit_segment TO %I', rt);
  EXECUTE format('GRANT EXECUTE ON FUNCTION audit_seal_segments(date, text) TO %I', rt);
  -- the migration history is the owner's
  EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON flyway_schema_history FROM %I', rt);
END
$$;
