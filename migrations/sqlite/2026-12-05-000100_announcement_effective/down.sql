ALTER TABLE procedure_versions DROP COLUMN decision_effective_on;
