-- Registry core: administrative units, authorities, documents, their provisions and effects.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('tinh', 'huyen', 'xa')),
    parent_id BIGINT REFERENCES units (id),
    valid_from DATE,
    valid_to DATE
);

CREATE TABLE unit_successions (
    predecessor_id BIGINT NOT NULL REFERENCES units (id),
    successor_id BIGINT NOT NULL REFERENCES units (id),
    effective_on DATE NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id)
);
CREATE INDEX unit_successions_successor ON unit_successions (successor_id);

CREATE TABLE authorities (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('hdnd', 'ubnd', 'chu_tich_ubnd', 'central')),
    unit_id BIGINT REFERENCES units (id)
);
CREATE INDEX authorities_unit ON authorities (unit_id);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    authority_id BIGINT NOT NULL REFERENCES authorities (id),
    doc_type TEXT NOT NULL,
    number TEXT NOT NULL,
    number_key TEXT NOT NULL,
    title TEXT NOT NULL,
    fields TEXT NOT NULL,
    signer TEXT NOT NULL,
    signer_position TEXT NOT NULL,
    issued_on DATE NOT NULL,
    effective_on DATE NOT NULL,
    end_on DATE,
    gazette TEXT,
    full_text TEXT NOT NULL,
    preamble TEXT NOT NULL,
    UNIQUE (authority_id, number_key)
);
CREATE INDEX documents_issued ON documents (issued_on);
CREATE INDEX documents_number_key ON documents (number_key);

CREATE TABLE provisions (
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

CREATE TABLE effects (
    id INTEGER PRIMARY KEY,
    acting_id BIGINT NOT NULL REFERENCES documents (id),
    target_id BIGINT NOT NULL REFERENCES documents (id),
    kind TEXT NOT NULL CHECK (kind IN ('amend', 'replace', 'repeal', 'suspend', 'correct', 'implements', 'based_on', 'consolidates')),
    provisions TEXT NOT NULL,
    effective_on DATE NOT NULL,
    until_on DATE,
    note TEXT,
    CHECK (acting_id <> target_id)
);
CREATE INDEX effects_target ON effects (target_id);
CREATE INDEX effects_acting ON effects (acting_id);
