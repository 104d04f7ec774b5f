-- A stamp of the organisation (units, their successions, authorities): a new random number on
-- every change, set by triggers so that no write path can forget it. A process keeps the
-- organisation it loaded while the stamp is the same (one small read instead of 14,000 units
-- on every page). Random rather than counted: a change rolled back and another made after it
-- never give the stamp of an organisation held in memory again.
CREATE TABLE org_stamp (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    stamp BIGINT NOT NULL
);
INSERT INTO org_stamp (id, stamp) VALUES (1, random());

CREATE TRIGGER org_stamp_units_insert AFTER INSERT ON units
BEGIN UPDATE org_stamp SET stamp = random() WHERE id = 1; END;
CREATE TRIGGER org_stamp_units_update AFTER UPDATE ON units
BEGIN UPDATE org_stamp SET stamp = random() WHERE id = 1; END;
CREATE TRIGGER org_stamp_units_delete AFTER DELETE ON units
BEGIN UPDATE org_stamp SET stamp = random() WHERE id = 1; END;
CREATE TRIGGER org_stamp_successions_insert AFTER INSERT ON unit_successions
BEGIN UPDATE org_stamp SET stamp = random() WHERE id = 1; END;
CREATE TRIGGER org_stamp_successions_update AFTER UPDATE ON unit_successions
BEGIN UPDATE org_stamp SET stamp = random() WHERE id = 1; END;
CREATE TRIGGER org_stamp_successions_delete AFTER DELETE ON unit_successions
BEGIN UPDATE org_stamp SET stamp = random() WHERE id = 1; END;
CREATE TRIGGER org_stamp_authorities_insert AFTER INSERT ON authorities
BEGIN UPDATE org_stamp SET stamp = random() WHERE id = 1; END;
CREATE TRIGGER org_stamp_authorities_update AFTER UPDATE ON authorities
BEGIN UPDATE org_stamp SET stamp = random() WHERE id = 1; END;
CREATE TRIGGER org_stamp_authorities_delete AFTER DELETE ON authorities
BEGIN UPDATE org_stamp SET stamp = random() WHERE id = 1; END;
