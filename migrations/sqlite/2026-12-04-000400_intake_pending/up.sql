-- A file uploaded on the new-document form, held between the upload and «Lưu» (the review step)
-- so that the client never sends it back: known by a random token, for the user who sent it,
-- until it expires. Saving moves it to document_files and deletes it here.
CREATE TABLE intake_pending (
    token TEXT PRIMARY KEY CHECK (length(token) = 64),
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX intake_pending_expires ON intake_pending (expires_at);
