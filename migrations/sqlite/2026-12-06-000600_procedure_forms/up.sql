-- The forms of a procedure version (mẫu đơn, tờ khai), kept like the originals of documents:
-- checked by their bytes, known by their SHA-256 (the same bytes are stored once per version),
-- their bytes in parts of at most 1 MiB written and read by the same code as document_file_parts.
-- A form entered in error is withdrawn (never deleted); it then answers 404.
CREATE TABLE procedure_forms (
    id INTEGER PRIMARY KEY,
    version_id BIGINT NOT NULL REFERENCES procedure_versions (id),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    description TEXT CHECK (description IS NULL OR length(description) <= 500),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_by TEXT,
    withdrawn_reason TEXT,
    UNIQUE (version_id, sha256)
);

CREATE TABLE procedure_form_parts (
    file_id BIGINT NOT NULL REFERENCES procedure_forms (id),
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (file_id, seq)
);
