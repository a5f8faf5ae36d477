-- Each writer's segments form one chain (issue 20): when an entry opens a new segment, the writer's
-- open segments of earlier days are sealed first (they can no longer grow: entries go to today's
-- segment), the new segment names the writer's previous segment (prev_segment), and its first
-- entry's prev_hash is that segment's seal. A segment deleted together with its entries (behind
-- the triggers' back) then leaves its successor pointing at a segment that is neither in the trail
-- nor in audit_segment_dropped, and a successor whose first entry does not continue the seal:
-- verify reports both. Segments opened before this migration start their writer's chain.
CREATE OR REPLACE FUNCTION audit_entry_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
  seg  audit_segment;
  prev audit_segment;
  w    text;
  d    date;
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
    -- a new segment: the writer's earlier days are over; seal them and chain to the last one
    UPDATE audit_segment s SET sealed_at = now(), seal = audit_segment_seal(s)
     WHERE s.writer = w AND s.sealed_at IS NULL AND s.day < d;
    SELECT * INTO prev FROM audit_segment WHERE writer = w ORDER BY id DESC LIMIT 1;
    INSERT INTO audit_segment (day, writer, prev_segment) VALUES (d, w, prev.id)
      ON CONFLICT (day, writer) WHERE sealed_at IS NULL DO NOTHING;
  END LOOP;
  IF seg.id IS NULL THEN
    RAISE EXCEPTION 'no open audit segment for % %', d, w;
  END IF;
  NEW.segment_id := seg.id;
  NEW.seq := seg.last_seq + 1;
  IF seg.last_seq = 0 AND seg.prev_segment IS NOT NULL THEN
    SELECT s.seal INTO NEW.prev_hash FROM audit_segment s WHERE s.id = seg.prev_segment;
  ELSE
    NEW.prev_hash := seg.last_hash;
  END IF;
  NEW.hash := audit_entry_hash(NEW.prev_hash, NEW);
  UPDATE audit_segment SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = seg.id;
  RETURN NEW;
END
$$;
