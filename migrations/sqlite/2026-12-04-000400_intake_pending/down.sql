DROP TABLE intake_pending;
