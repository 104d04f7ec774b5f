-- Unit identity: an official code is reused (a unit formed on 1 July 2025 often keeps the code
-- of one of the units it was formed of), so a unit is its code plus its first day
-- (valid_from; none: existed before any recorded date). The code alone is no longer unique;
-- the writer refuses two units of one code whose dates overlap (registry::write_org).
ALTER TABLE units DROP CONSTRAINT units_code_key;
CREATE UNIQUE INDEX units_code_from ON units (code, COALESCE(valid_from, DATE '0001-01-01'));
CREATE INDEX units_parent ON units (parent_id);
