DROP TABLE withdrawals;
DROP INDEX IF EXISTS corrections_document;
DROP TABLE corrections;
