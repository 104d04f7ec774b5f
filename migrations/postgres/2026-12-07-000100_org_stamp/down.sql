DROP TRIGGER org_stamp_units ON units;
DROP TRIGGER org_stamp_successions ON unit_successions;
DROP TRIGGER org_stamp_authorities ON authorities;
DROP FUNCTION org_stamp_touch();
DROP TABLE org_stamp;
