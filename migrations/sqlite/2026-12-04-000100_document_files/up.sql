-- The originals of a document (the signed PDF, the Word file, annexes), kept in the database so
-- that every instance serves them and every backup carries them. A file is known by its
-- SHA-256: the same bytes are stored once per document. A file entered in error is withdrawn by
-- an administrator with a reason (never deleted); it then answers 410. The bytes are kept in
-- parts of at most 1 MiB (document_file_parts), so that storing, serving and verifying a file
-- never holds a whole 20 MiB value in one statement.
CREATE TABLE document_files (
    id INTEGER PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('signed', 'word', 'annex')),
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_by TEXT,
    withdrawn_reason TEXT,
    UNIQUE (document_id, sha256)
);

CREATE TABLE document_file_parts (
    file_id BIGINT NOT NULL REFERENCES document_files (id),
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (file_id, seq)
);
