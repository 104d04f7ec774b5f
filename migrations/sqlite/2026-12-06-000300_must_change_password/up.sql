-- An account whose password was set by an administrator (a new account's temporary password,
-- or a reset) must choose its own at its next sign-in: until then every page but the change
-- form and sign-out leads there, and its API tokens are refused. Set by the admin pages only;
-- `vanban user add|passwd` and the demo accounts leave it false.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
