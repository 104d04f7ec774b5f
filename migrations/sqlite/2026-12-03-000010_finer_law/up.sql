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

-- A detailing link (implements) recorded without a date of its own: stored with the acting
-- document's effective date, and exported without one.
ALTER TABLE effects ADD COLUMN undated BOOLEAN NOT NULL DEFAULT 0;
