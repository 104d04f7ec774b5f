//! API tokens for scripts and integrations: `vb_<prefix>_<secret>`, made by a user for
//! themselves, shown once, stored as SHA-256, acting with the user's role and scope, revocable.
//! The prefix (8 hex digits) is stored in clear so a user can tell tokens apart.
//!
//! A token expires ([`DEFAULT_LIFETIME`], configuration `[api_tokens] lifetime_days`), and
//! every token of a user is revoked when their password is changed or reset and when the
//! account is disabled; enabling the account again revives none of them.

use chrono::{Duration, NaiveDateTime};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::users::AccountError;
use crate::db::tokens as rows;
pub use crate::db::tokens::TokenRow;
use crate::db::{Db, DbError};

/// `last_used_at` is written at most this often (not a write per request).
pub const TOUCH_AFTER: Duration = Duration::seconds(60);

/// How long a new token lives unless configured otherwise.
pub const DEFAULT_LIFETIME: Duration = Duration::days(90);

/// Why a token was revoked (stored in `revoked_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeReason {
    /// Its user revoked it.
    Owner,
    /// The user's password was changed or reset.
    Password,
    /// The account was disabled.
    Disabled,
}

impl RevokeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Owner => "owner",
            RevokeReason::Password => "password",
            RevokeReason::Disabled => "disabled",
        }
    }

    pub fn parse(s: &str) -> Option<RevokeReason> {
        [
            RevokeReason::Owner,
            RevokeReason::Password,
            RevokeReason::Disabled,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// What the account page says.
    pub fn label(self) -> &'static str {
        match self {
            RevokeReason::Owner => "thu hồi bởi chủ tài khoản",
            RevokeReason::Password => "mật khẩu đã được đổi hoặc đặt lại",
            RevokeReason::Disabled => "tài khoản đã bị khoá",
        }
    }
}

/// A fresh token and its prefix.
pub fn generate() -> (String, String) {
    let mut p = [0u8; 4];
    let mut s = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut p);
    rand::rngs::OsRng.fill_bytes(&mut s);
    let prefix = hex::encode(p);
    (format!("vb_{prefix}_{}", hex::encode(s)), prefix)
}

/// Whether a string has the shape of a token (so junk never reaches the database).
pub fn well_formed(token: &str) -> bool {
    let Some(rest) = token.strip_prefix("vb_") else {
        return false;
    };
    let Some((prefix, secret)) = rest.split_once('_') else {
        return false;
    };
    prefix.len() == 8
        && secret.len() == 64
        && prefix
            .bytes()
            .chain(secret.bytes())
            .all(|b| b.is_ascii_hexdigit())
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token name: trimmed, 1–100 characters, no control characters.
pub fn parse_name(raw: &str) -> Result<String, AccountError> {
    let s = raw.trim();
    let n = s.chars().count();
    if n == 0 || n > 100 || s.chars().any(char::is_control) {
        return Err(AccountError::Refused(
            "Tên mã truy cập cần 1–100 ký tự, không có ký tự điều khiển.".into(),
        ));
    }
    Ok(s.to_string())
}

/// Creates a token for `user_id` living [`DEFAULT_LIFETIME`]; see [`create_for`].
pub fn create(
    db: &mut Db<'_>,
    actor: &str,
    user_id: i64,
    name: &str,
    now: NaiveDateTime,
) -> Result<(i64, String), AccountError> {
    create_for(db, actor, user_id, name, now, DEFAULT_LIFETIME)
}

/// Creates a token for `user_id` that expires after `lifetime`; returns its id and the token,
/// which is never shown again.
pub fn create_for(
    db: &mut Db<'_>,
    actor: &str,
    user_id: i64,
    name: &str,
    now: NaiveDateTime,
    lifetime: Duration,
) -> Result<(i64, String), AccountError> {
    let (token, prefix) = generate();
    let expires_at = now
        .checked_add_signed(lifetime)
        .ok_or_else(|| AccountError::Refused("Thời hạn của mã truy cập không hợp lệ.".into()))?;
    let id = rows::insert(
        db,
        &rows::NewToken {
            user_id,
            name,
            prefix: &prefix,
            token_hash: &hash(&token),
            created_at: now,
            expires_at,
        },
    )?;
    let after = serde_json::json!({
        "user_id": user_id,
        "name": name,
        "prefix": prefix,
        "expires_at": expires_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    });
    crate::audit::append(
        db,
        actor,
        "api_token.create",
        "api_token",
        &id.to_string(),
        None,
        Some(&after),
    )?;
    Ok((id, token))
}

pub fn list_for_user(db: &mut Db<'_>, user_id: i64) -> Result<Vec<TokenRow>, DbError> {
    rows::for_user(db, user_id)
}

/// Revokes one of the user's own tokens. `false` when the user has no such live token.
pub fn revoke(
    db: &mut Db<'_>,
    actor: &str,
    user_id: i64,
    token_id: i64,
    now: NaiveDateTime,
) -> Result<bool, AccountError> {
    let row = rows::live_of_user(db, user_id, token_id)?;
    let Some(row) = row else {
        return Ok(false);
    };
    revoke_row(db, actor, &row, RevokeReason::Owner, now)?;
    Ok(true)
}

fn revoke_row(
    db: &mut Db<'_>,
    actor: &str,
    row: &TokenRow,
    reason: RevokeReason,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    rows::set_revoked(db, row.id, now, reason.as_str())?;
    let before = serde_json::json!({ "user_id": row.user_id, "name": row.name, "prefix": row.prefix, "revoked": false });
    let after = serde_json::json!({ "user_id": row.user_id, "name": row.name, "prefix": row.prefix, "revoked": true, "reason": reason.as_str() });
    crate::audit::append(
        db,
        actor,
        "api_token.revoke",
        "api_token",
        &row.id.to_string(),
        Some(&before),
        Some(&after),
    )?;
    Ok(())
}

/// Revokes every live token of a user (password changed or reset, account disabled), each
/// with its audit entry; returns how many. Call inside the transaction of that change.
pub fn revoke_all(
    db: &mut Db<'_>,
    actor: &str,
    user_id: i64,
    reason: RevokeReason,
    now: NaiveDateTime,
) -> Result<usize, AccountError> {
    let live = rows::all_live_of_user(db, user_id)?;
    for row in &live {
        revoke_row(db, actor, row, reason, now)?;
    }
    Ok(live.len())
}

/// The live (not revoked, not expired) token a bearer credential names, recording its use
/// (at most once a minute).
pub fn authenticate(
    db: &mut Db<'_>,
    token: &str,
    now: NaiveDateTime,
) -> Result<Option<TokenRow>, DbError> {
    if !well_formed(token) {
        return Ok(None);
    }
    let row = rows::by_hash(db, &hash(token), now)?;
    if let Some(r) = &row {
        if r.last_used_at.is_none_or(|t| now - t >= TOUCH_AFTER) {
            rows::set_last_used(db, r.id, now)?;
        }
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_a_visible_prefix_and_a_long_secret() {
        let (t, prefix) = generate();
        assert!(t.starts_with(&format!("vb_{prefix}_")));
        assert!(well_formed(&t));
        assert_eq!(t.len(), 3 + 8 + 1 + 64);
        assert_ne!(generate().0, t);
        assert_eq!(hash(&t).len(), 64);
        for bad in [
            "",
            "vb_",
            "vb_1234567_",
            &t[..t.len() - 1],
            &t.replace("vb_", "xx_"),
            &format!("{t}0"),
        ] {
            assert!(!well_formed(bad), "{bad}");
        }
    }

    #[test]
    fn revocation_reasons_are_stored_by_code() {
        for r in [
            RevokeReason::Owner,
            RevokeReason::Password,
            RevokeReason::Disabled,
        ] {
            assert_eq!(RevokeReason::parse(r.as_str()), Some(r));
            assert!(!r.label().is_empty());
        }
        assert_eq!(RevokeReason::parse("other"), None);
    }
}
