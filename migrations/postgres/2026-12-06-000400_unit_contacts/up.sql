-- The one-stop office of a unit (Bộ phận tiếp nhận và trả kết quả, Bộ phận Một cửa) as citizens
-- reach it — address, opening hours, phone, email — and where they send feedback on procedures
-- (phản ánh, kiến nghị): a postal address, phone, email or web address. One row per unit; an
-- empty text is a field not known. Written through the import path (`unit_contact` records),
-- audited like every write.
CREATE TABLE unit_contacts (
    unit_id BIGINT PRIMARY KEY REFERENCES units (id),
    address TEXT NOT NULL DEFAULT '',
    hours TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    feedback_address TEXT NOT NULL DEFAULT '',
    feedback_phone TEXT NOT NULL DEFAULT '',
    feedback_email TEXT NOT NULL DEFAULT '',
    feedback_url TEXT NOT NULL DEFAULT ''
);

-- Where a procedure version is submitted online (dịch vụ công trực tuyến), http(s) only.
ALTER TABLE procedure_versions ADD COLUMN online_url TEXT;

-- The outbox also names units whose contact changed: not indexed, it moves the pages kept
-- until the database changes (the unit's procedures listing shows the contact).
ALTER TABLE outbox DROP CONSTRAINT outbox_entity_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_entity_check CHECK (entity IN ('document', 'authority', 'procedure', 'unit_contact'));
