CREATE TABLE outbox_old (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('document', 'authority')),
    entity_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO outbox_old (id, entity, entity_id, created_at) SELECT id, entity, entity_id, created_at FROM outbox WHERE entity <> 'procedure';
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
DROP TABLE calendar_days;
DROP TABLE dossier_counts;
DROP TABLE inspection_findings;
DROP TABLE inspections;
DROP TABLE postings;
DROP TABLE procedure_basis;
DROP TABLE procedure_versions;
DROP TABLE procedures;
