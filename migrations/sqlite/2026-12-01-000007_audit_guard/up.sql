-- The audit trail only grows at its head: an insert must carry the next sequence number and
-- the head's hash as prev_hash. This also refuses INSERT OR REPLACE / REPLACE of an existing
-- entry (its number is not the next one), which the UPDATE and DELETE triggers do not see:
-- REPLACE deletes the old row without firing delete triggers unless recursive_triggers is on.
-- `vanban audit verify` compares this definition with the one in sqlite_master.
CREATE TRIGGER audit_log_append_at_head BEFORE INSERT ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: an entry must continue the chain')
    WHERE NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log)
       OR NEW.prev_hash IS NOT COALESCE(
            (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
            '0000000000000000000000000000000000000000000000000000000000000000');
END;
