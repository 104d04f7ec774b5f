-- Review tracker: campaigns and their frozen document lists, review decisions (never edited:
-- a correction supersedes), handling stages, and the publication of annual lists.
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ongoing', 'systematisation', 'thematic', 'higher_document', 'reorganisation')),
    basis_document_id BIGINT REFERENCES documents (id),
    predecessor_unit_id BIGINT REFERENCES units (id),
    authority_ids TEXT NOT NULL,
    doc_types TEXT NOT NULL,
    fields TEXT NOT NULL,
    issued_from DATE,
    issued_to DATE,
    deadline DATE NOT NULL,
    started_on DATE,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE campaign_documents (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    document_id BIGINT NOT NULL REFERENCES documents (id),
    officer_id BIGINT REFERENCES users (id),
    PRIMARY KEY (campaign_id, document_id)
);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    document_id BIGINT NOT NULL REFERENCES documents (id),
    supersedes_id BIGINT REFERENCES decisions (id),
    kind TEXT NOT NULL CHECK (kind IN ('keep', 'amend', 'replace', 'repeal', 'declare_expired', 'suspend')),
    partial BOOLEAN NOT NULL,
    provisions TEXT NOT NULL,
    ground TEXT,
    reason TEXT NOT NULL,
    legal_basis_document_id BIGINT REFERENCES documents (id),
    legal_basis_provision TEXT,
    effective_on DATE,
    state TEXT NOT NULL CHECK (state IN ('proposed', 'returned', 'approved', 'superseded', 'closed')),
    proposed_by BIGINT NOT NULL REFERENCES users (id),
    proposed_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    comment TEXT,
    handling_document_id BIGINT REFERENCES documents (id),
    closed_at TIMESTAMP,
    version INTEGER NOT NULL
);
CREATE INDEX decisions_campaign ON decisions (campaign_id, document_id);

CREATE TABLE decision_stages (
    decision_id BIGINT NOT NULL REFERENCES decisions (id),
    stage TEXT NOT NULL CHECK (stage IN ('registered', 'consultation', 'appraisal', 'submitted', 'issued')),
    done_on DATE NOT NULL,
    paper TEXT NOT NULL,
    agency TEXT,
    planned_on DATE,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (decision_id, stage)
);

CREATE TABLE annual_list_publications (
    year INTEGER NOT NULL,
    authority_id BIGINT NOT NULL REFERENCES authorities (id),
    published_at TIMESTAMP NOT NULL,
    published_by BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (year, authority_id)
);
