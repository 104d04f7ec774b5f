ALTER TABLE effects DROP COLUMN undated;
DROP TABLE class_ends;
DROP TABLE provision_dates;
