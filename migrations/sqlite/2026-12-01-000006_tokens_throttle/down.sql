DROP TABLE login_throttle;
ALTER TABLE api_tokens DROP COLUMN revoked_reason;
ALTER TABLE api_tokens DROP COLUMN expires_at;
