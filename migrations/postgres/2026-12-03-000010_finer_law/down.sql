DELETE FROM effects WHERE kind = 'keep';
ALTER TABLE effects DROP COLUMN undated;
ALTER TABLE effects DROP CONSTRAINT effects_kind_check;
ALTER TABLE effects ADD CONSTRAINT effects_kind_check CHECK (kind IN ('amend', 'replace', 'repeal', 'suspend', 'correct', 'implements', 'based_on', 'consolidates'));
DROP TABLE class_ends;
DROP TABLE provision_dates;
