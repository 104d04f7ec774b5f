DROP TABLE declared_expiries;
