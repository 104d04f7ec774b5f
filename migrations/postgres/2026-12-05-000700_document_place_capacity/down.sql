ALTER TABLE documents DROP COLUMN signing_for;
ALTER TABLE documents DROP COLUMN signing_capacity;
ALTER TABLE documents DROP COLUMN place;
