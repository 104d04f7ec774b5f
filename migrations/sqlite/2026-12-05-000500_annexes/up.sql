-- Annexes (phụ lục) are provisions of their own kind, 'phu-luc' (keys `phu-luc-I`, `phu-luc`):
-- addressed, shown and searched like an article, and the target of an effect. SQLite cannot
-- change a CHECK constraint in place: the table is rebuilt with the same rows.
CREATE TABLE provisions_new (
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('chuong', 'muc', 'dieu', 'khoan', 'diem', 'phu-luc')),
    label TEXT NOT NULL,
    parent_key TEXT,
    heading TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (document_id, key)
) WITHOUT ROWID;
INSERT INTO provisions_new (document_id, key, ordinal, kind, label, parent_key, heading, body)
    SELECT document_id, key, ordinal, kind, label, parent_key, heading, body FROM provisions;
DROP TABLE provisions;
ALTER TABLE provisions_new RENAME TO provisions;
