-- Unit identity: an official code is reused (a unit formed on 1 July 2025 often keeps the code
-- of one of the units it was formed of), so a unit is its code plus its first day
-- (valid_from; none: existed before any recorded date). The code alone is no longer unique;
-- the writer refuses two units of one code whose dates overlap (registry::write_org).
-- SQLite cannot drop a column constraint: the table is rebuilt with the same ids, foreign keys
-- off for the rebuild (metadata.toml: not in diesel's transaction) and checked before commit.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE units_new (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('tinh', 'huyen', 'xa')),
    parent_id BIGINT REFERENCES units (id),
    valid_from DATE,
    valid_to DATE
);
INSERT INTO units_new (id, code, name, level, parent_id, valid_from, valid_to)
    SELECT id, code, name, level, parent_id, valid_from, valid_to FROM units;
DROP TABLE units;
ALTER TABLE units_new RENAME TO units;
CREATE UNIQUE INDEX units_code_from ON units (code, COALESCE(valid_from, '0001-01-01'));
CREATE INDEX units_parent ON units (parent_id);
COMMIT;
PRAGMA foreign_keys = ON;
