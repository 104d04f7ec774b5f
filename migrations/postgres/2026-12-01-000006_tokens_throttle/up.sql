-- API tokens expire: a token made before this migration lives 90 days from its creation. The
-- default (long past) only matters to a row written without an expiry, which is then expired.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE api_tokens SET expires_at = created_at + INTERVAL '90 days';
-- Why a token was revoked: 'owner' (its user), 'password' (password changed or reset),
-- 'disabled' (account disabled); NULL for tokens revoked before this migration.
ALTER TABLE api_tokens ADD COLUMN revoked_reason TEXT;

-- The login throttle: one row per account name typed (known or not), claimed in a write
-- transaction (SELECT … FOR UPDATE) by every password check, so that checks of one name are
-- taken one at a time across instances. `failures` counts consecutive failures (a check in
-- progress counts as one); `next_attempt_at` is the earliest time the next check may run.
CREATE TABLE login_throttle (
    username TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_attempt_at TIMESTAMP NOT NULL
);
CREATE INDEX login_throttle_last ON login_throttle (last_attempt_at);
