PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE units_old (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('tinh', 'huyen', 'xa')),
    parent_id BIGINT REFERENCES units (id),
    valid_from DATE,
    valid_to DATE
);
INSERT INTO units_old (id, code, name, level, parent_id, valid_from, valid_to)
    SELECT id, code, name, level, parent_id, valid_from, valid_to FROM units;
DROP TABLE units;
ALTER TABLE units_old RENAME TO units;
COMMIT;
PRAGMA foreign_keys = ON;
