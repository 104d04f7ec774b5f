-- Declared expiries (công bố hết hiệu lực theo kết quả rà soát) as registry records: written
-- when a review decision declaring a document (or provisions) expired is approved, ended (not
-- deleted) when a later correction supersedes that decision. The status derivation reads this
-- table, not the review's. The decisions approved before this migration are turned into
-- records by the audited upgrade step that `vanban migrate` and `vanban serve` run after the
-- migrations (registry::upgrade), since the audit trail is hash-chained. Ids are never reused
-- (AUTOINCREMENT on SQLite), as audit entries name records by id.
CREATE TABLE declared_expiries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    provisions TEXT NOT NULL,
    effective_on DATE NOT NULL,
    decision BIGINT NOT NULL CHECK (decision > 0),
    ended_at TIMESTAMP,
    UNIQUE (document_id, decision)
);
