CREATE TABLE outbox_old (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('document', 'authority', 'procedure')),
    entity_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO outbox_old (id, entity, entity_id, created_at) SELECT id, entity, entity_id, created_at FROM outbox WHERE entity <> 'unit_contact';
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
ALTER TABLE procedure_versions DROP COLUMN online_url;
DROP TABLE unit_contacts;
