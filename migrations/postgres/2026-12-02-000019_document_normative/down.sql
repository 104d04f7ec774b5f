ALTER TABLE documents DROP COLUMN normative;
