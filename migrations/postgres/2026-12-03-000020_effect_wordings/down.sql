DROP TABLE effect_wordings;
