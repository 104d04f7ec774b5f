-- A stamp of the organisation (units, their successions, authorities): a new random number on
-- every change, set by triggers so that no write path can forget it. A process keeps the
-- organisation it loaded while the stamp is the same (one small read instead of 14,000 units
-- on every page). Random rather than counted: a change rolled back and another made after it
-- never give the stamp of an organisation held in memory again.
CREATE TABLE org_stamp (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    stamp BIGINT NOT NULL
);
INSERT INTO org_stamp (id, stamp)
VALUES (1, floor((random() - 0.5) * 9.2e18)::BIGINT);

CREATE FUNCTION org_stamp_touch() RETURNS trigger AS $$
BEGIN
    UPDATE org_stamp SET stamp = floor((random() - 0.5) * 9.2e18)::BIGINT WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER org_stamp_units AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION org_stamp_touch();
CREATE TRIGGER org_stamp_successions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_successions
    FOR EACH STATEMENT EXECUTE FUNCTION org_stamp_touch();
CREATE TRIGGER org_stamp_authorities AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON authorities
    FOR EACH STATEMENT EXECUTE FUNCTION org_stamp_touch();
