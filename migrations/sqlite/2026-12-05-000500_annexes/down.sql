DELETE FROM provisions WHERE kind = 'phu-luc';
CREATE TABLE provisions_old (
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('chuong', 'muc', 'dieu', 'khoan', 'diem')),
    label TEXT NOT NULL,
    parent_key TEXT,
    heading TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (document_id, key)
) WITHOUT ROWID;
INSERT INTO provisions_old (document_id, key, ordinal, kind, label, parent_key, heading, body)
    SELECT document_id, key, ordinal, kind, label, parent_key, heading, body FROM provisions;
DROP TABLE provisions;
ALTER TABLE provisions_old RENAME TO provisions;
