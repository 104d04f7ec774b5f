DROP TABLE effects;
DROP TABLE provisions;
DROP TABLE documents;
DROP TABLE authorities;
DROP TABLE unit_successions;
DROP TABLE units;
