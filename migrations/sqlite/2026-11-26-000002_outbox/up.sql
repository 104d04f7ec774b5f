-- Every write appends, in its transaction, the records whose search entries must change.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('document', 'authority')),
    entity_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
