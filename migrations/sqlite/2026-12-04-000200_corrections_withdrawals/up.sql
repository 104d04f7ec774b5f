-- Corrections (đính chính) and withdrawals of documents entered in error. A published
-- document is never deleted: a correction changes it through the one write path (audited with
-- before, after and the reason) and, when another document corrects it, names that document
-- here; a withdrawal keeps the record, which then acts on no status, is dropped from search,
-- feeds and listings, and its public addresses answer 410 with the reason. Ids are never
-- reused (AUTOINCREMENT on SQLite), as audit entries name records by id.
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    correcting_document_id BIGINT NOT NULL REFERENCES documents (id),
    -- The audit entry of the change the correction made.
    audit_seq BIGINT NOT NULL,
    -- The fields it changed, a JSON array of names.
    fields TEXT NOT NULL,
    CHECK (document_id <> correcting_document_id)
);
CREATE INDEX corrections_document ON corrections (document_id);

CREATE TABLE withdrawals (
    document_id BIGINT PRIMARY KEY REFERENCES documents (id),
    withdrawn_on DATE NOT NULL,
    reason TEXT NOT NULL CHECK (reason <> '')
);
