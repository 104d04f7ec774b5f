-- The day an announcing decision (quyết định công bố) takes effect, when it states one later
-- than its signing: a version is current from this day (from the signing day when NULL). The
-- posting deadline is still counted from the signing day.
ALTER TABLE procedure_versions ADD COLUMN decision_effective_on DATE;
