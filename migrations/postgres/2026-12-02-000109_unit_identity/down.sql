DROP INDEX units_parent;
DROP INDEX units_code_from;
ALTER TABLE units ADD CONSTRAINT units_code_key UNIQUE (code);
