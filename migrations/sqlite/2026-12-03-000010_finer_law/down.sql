DELETE FROM effects WHERE kind = 'keep';
CREATE TABLE effects_old (
    id INTEGER PRIMARY KEY,
    acting_id BIGINT NOT NULL REFERENCES documents (id),
    target_id BIGINT NOT NULL REFERENCES documents (id),
    kind TEXT NOT NULL CHECK (kind IN ('amend', 'replace', 'repeal', 'suspend', 'correct', 'implements', 'based_on', 'consolidates')),
    provisions TEXT NOT NULL,
    effective_on DATE NOT NULL,
    until_on DATE,
    note TEXT,
    CHECK (acting_id <> target_id)
);
INSERT INTO effects_old (id, acting_id, target_id, kind, provisions, effective_on, until_on, note) SELECT id, acting_id, target_id, kind, provisions, effective_on, until_on, note FROM effects;
DROP TABLE effects;
ALTER TABLE effects_old RENAME TO effects;
CREATE INDEX effects_target ON effects (target_id);
CREATE INDEX effects_acting ON effects (acting_id);
DROP TABLE class_ends;
DROP TABLE provision_dates;
