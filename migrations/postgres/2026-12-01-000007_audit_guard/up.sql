-- The audit trail only grows at its head: an insert must carry the next sequence number and
-- the head's hash as prev_hash. This also refuses INSERT … ON CONFLICT DO UPDATE over an
-- existing entry (BEFORE INSERT row triggers fire before the conflict is seen).
-- `vanban audit verify` compares these definitions with pg_trigger and pg_proc.
CREATE FUNCTION audit_log_continue_chain() RETURNS trigger AS $$
DECLARE
    head_seq BIGINT;
    head_hash TEXT;
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        head_seq := 0;
        head_hash := '0000000000000000000000000000000000000000000000000000000000000000';
    END IF;
    IF NEW.seq IS DISTINCT FROM head_seq + 1 OR NEW.prev_hash IS DISTINCT FROM head_hash THEN
        RAISE EXCEPTION 'audit_log is append-only: an entry must continue the chain (next is %)', head_seq + 1;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_append_at_head BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_continue_chain();
