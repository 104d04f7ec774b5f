-- Administrative procedures (thủ tục hành chính): the catalogue (one row per national code),
-- its versions (one per announcing decision; a new version never overwrites an old one),
-- the legal basis of each version, postings at units' reception points or portals,
-- inspections with their findings, monthly dossier counts, and the days that override the
-- built-in working-day calendar.
CREATE TABLE procedures (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE
);

CREATE TABLE procedure_versions (
    id INTEGER PRIMARY KEY,
    procedure_id BIGINT NOT NULL REFERENCES procedures (id),
    name TEXT NOT NULL,
    field TEXT NOT NULL,
    levels TEXT NOT NULL,
    agency TEXT NOT NULL,
    applicants TEXT NOT NULL,
    steps TEXT NOT NULL,
    channels TEXT NOT NULL,
    dossier TEXT NOT NULL,
    statutory_days INTEGER NOT NULL CHECK (statutory_days >= 0),
    local_days INTEGER NOT NULL CHECK (local_days >= 0),
    time_warning TEXT,
    fees TEXT NOT NULL,
    result TEXT NOT NULL,
    conditions TEXT NOT NULL,
    online_level TEXT NOT NULL CHECK (online_level IN ('1', '2', '3', '4', 'full', 'partial', 'none')),
    one_stop TEXT NOT NULL CHECK (one_stop IN ('one_stop', 'inter_agency')),
    decision_authority_id BIGINT NOT NULL REFERENCES authorities (id),
    decision_number TEXT NOT NULL,
    decision_number_key TEXT NOT NULL,
    decision_date DATE NOT NULL,
    announcement TEXT NOT NULL CHECK (announcement IN ('new', 'amended', 'replaced', 'abolished')),
    UNIQUE (procedure_id, decision_authority_id, decision_number_key)
);
CREATE INDEX procedure_versions_decision ON procedure_versions (decision_authority_id, decision_number_key);

CREATE TABLE procedure_basis (
    version_id BIGINT NOT NULL REFERENCES procedure_versions (id),
    ordinal INTEGER NOT NULL,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    provision TEXT,
    PRIMARY KEY (version_id, ordinal)
);
CREATE INDEX procedure_basis_document ON procedure_basis (document_id);

CREATE TABLE postings (
    id INTEGER PRIMARY KEY,
    version_id BIGINT NOT NULL REFERENCES procedure_versions (id),
    procedure_id BIGINT NOT NULL REFERENCES procedures (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    point TEXT NOT NULL CHECK (point IN ('reception', 'portal')),
    from_on DATE NOT NULL,
    to_on DATE,
    CHECK (to_on IS NULL OR to_on >= from_on),
    UNIQUE (version_id, unit_id, point, from_on)
);
CREATE INDEX postings_unit ON postings (unit_id, procedure_id);

CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    inspected_on DATE NOT NULL,
    inspector TEXT NOT NULL,
    note TEXT NOT NULL,
    UNIQUE (unit_id, inspected_on, inspector)
);

CREATE TABLE inspection_findings (
    inspection_id BIGINT NOT NULL REFERENCES inspections (id),
    procedure_id BIGINT NOT NULL REFERENCES procedures (id),
    finding TEXT NOT NULL CHECK (finding IN ('ok', 'missing', 'outdated', 'late', 'basis_not_in_force', 'not_required')),
    note TEXT,
    PRIMARY KEY (inspection_id, procedure_id)
);

CREATE TABLE dossier_counts (
    procedure_id BIGINT NOT NULL REFERENCES procedures (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    month DATE NOT NULL,
    received INTEGER NOT NULL CHECK (received >= 0),
    online INTEGER NOT NULL CHECK (online >= 0 AND online <= received),
    on_time INTEGER NOT NULL CHECK (on_time >= 0 AND on_time <= received),
    PRIMARY KEY (procedure_id, unit_id, month)
);
CREATE INDEX dossier_counts_unit ON dossier_counts (unit_id, month);

CREATE TABLE calendar_days (
    day DATE PRIMARY KEY NOT NULL,
    working BOOLEAN NOT NULL,
    note TEXT NOT NULL
);

-- The search outbox also names procedures (indexed by a later search task).
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('document', 'authority', 'procedure')),
    entity_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO outbox_new (id, entity, entity_id, created_at) SELECT id, entity, entity_id, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
