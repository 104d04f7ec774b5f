-- Finer law (issue 15, item 4).
-- Provisions taking effect on their own date, later than their document's ("Điều 5 có hiệu
-- lực từ ngày 01/01/2027"): one row per group of provisions (keys, a JSON array) as the
-- document record states them, in their order.
CREATE TABLE provision_dates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    provisions TEXT NOT NULL,
    effective_on DATE NOT NULL
);
CREATE INDEX provision_dates_document ON provision_dates (document_id);

-- An end date that a transitional provision (basis document + provision key) sets for a whole
-- class of documents: by issuer kind, unit level and type (JSON arrays of codes; empty = any)
-- and issue dates. ceases_on is the first day no longer in force.
CREATE TABLE class_ends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    basis_id BIGINT NOT NULL REFERENCES documents (id),
    provision TEXT NOT NULL,
    authority_kinds TEXT NOT NULL,
    levels TEXT NOT NULL,
    types TEXT NOT NULL,
    issued_from DATE,
    issued_to DATE,
    ceases_on DATE NOT NULL,
    note TEXT,
    UNIQUE (basis_id, provision)
);

-- A new effect kind, keep (Luật 80/2015 Điều 154 khoản 2: the new document keeps provisions
-- of a detailing document whose base ceased), and a detailing link (implements) recorded
-- without a date of its own: stored with the acting document's effective date, flagged
-- undated, and exported without one. SQLite cannot change a CHECK constraint in place: the
-- table is rebuilt with the same ids.
CREATE TABLE effects_new (
    id INTEGER PRIMARY KEY,
    acting_id BIGINT NOT NULL REFERENCES documents (id),
    target_id BIGINT NOT NULL REFERENCES documents (id),
    kind TEXT NOT NULL CHECK (kind IN ('amend', 'replace', 'repeal', 'suspend', 'correct', 'implements', 'based_on', 'consolidates', 'keep')),
    provisions TEXT NOT NULL,
    effective_on DATE NOT NULL,
    until_on DATE,
    note TEXT,
    undated BOOLEAN NOT NULL DEFAULT 0,
    CHECK (acting_id <> target_id)
);
INSERT INTO effects_new (id, acting_id, target_id, kind, provisions, effective_on, until_on, note) SELECT id, acting_id, target_id, kind, provisions, effective_on, until_on, note FROM effects;
DROP TABLE effects;
ALTER TABLE effects_new RENAME TO effects;
CREATE INDEX effects_target ON effects (target_id);
CREATE INDEX effects_acting ON effects (acting_id);
