DELETE FROM outbox WHERE entity = 'unit_contact';
ALTER TABLE outbox DROP CONSTRAINT outbox_entity_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_entity_check CHECK (entity IN ('document', 'authority', 'procedure'));
ALTER TABLE procedure_versions DROP COLUMN online_url;
DROP TABLE unit_contacts;
