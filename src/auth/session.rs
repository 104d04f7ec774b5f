//! Server-side sessions. The cookie holds a random 256-bit id; the database holds only its
//! SHA-256, so a copy of the database does not let anyone take over a session. A session ends
//! after 30 minutes without a request or 12 hours after login, whichever comes first; logout
//! and disabling the user delete it at once.

use chrono::{Duration, NaiveDateTime};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::sessions as rows;
pub use crate::db::sessions::SessionRow;
use crate::db::{Db, DbError};

pub const IDLE: Duration = Duration::minutes(30);
pub const ABSOLUTE: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often (one write per minute, not per request).
pub const TOUCH_AFTER: Duration = Duration::seconds(60);

/// Cookie names: with the `__Host-` prefix over HTTPS (the browser then insists on `Secure`,
/// `Path=/` and no `Domain`), plain names on a loopback address over http.
pub const SESSION_COOKIE_HTTPS: &str = "__Host-vanban";
pub const SESSION_COOKIE_LOOPBACK: &str = "vanban_session";
pub const LOGIN_CSRF_COOKIE_HTTPS: &str = "__Host-vanban-csrf";
pub const LOGIN_CSRF_COOKIE_LOOPBACK: &str = "vanban_csrf";

/// 32 random bytes from the operating system, hex-encoded.
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// What the database stores for a secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether a session is still alive at `now`, and whether to record that it was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    Live { touch: bool },
    IdleExpired,
    AbsoluteExpired,
}

pub fn freshness(
    created: NaiveDateTime,
    last_seen: NaiveDateTime,
    now: NaiveDateTime,
) -> Freshness {
    if now - created >= ABSOLUTE {
        Freshness::AbsoluteExpired
    } else if now - last_seen >= IDLE {
        Freshness::IdleExpired
    } else {
        Freshness::Live {
            touch: now - last_seen >= TOUCH_AFTER,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    Lax,
    Strict,
}

/// A `Set-Cookie` value. `secure` adds the `Secure` attribute (HTTPS); every cookie here is
/// `HttpOnly` and host-only (no `Domain`), on the whole site.
pub fn set_cookie(
    name: &str,
    value: &str,
    secure: bool,
    same_site: SameSite,
    max_age: Option<i64>,
) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly");
    if secure {
        c.push_str("; Secure");
    }
    c.push_str(match same_site {
        SameSite::Lax => "; SameSite=Lax",
        SameSite::Strict => "; SameSite=Strict",
    });
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// A `Set-Cookie` value that makes the browser forget the cookie.
pub fn clear_cookie(name: &str, secure: bool) -> String {
    set_cookie(name, "", secure, SameSite::Lax, Some(0))
}

/// The value of cookie `name` in `Cookie` header values, if present and made of visible ASCII.
pub fn read_cookie<'a>(headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    headers
        .into_iter()
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_graphic()))
}

/// A new session for `user_id`; returns the secret for the cookie and the row.
pub fn create(
    db: &mut Db<'_>,
    user_id: i64,
    now: NaiveDateTime,
) -> Result<(String, SessionRow), DbError> {
    let secret = new_secret();
    let row = SessionRow {
        id_hash: hash_secret(&secret),
        user_id,
        csrf_token: super::csrf::new_token(),
        created_at: now,
        last_seen_at: now,
    };
    rows::insert(db, &row)?;
    Ok((secret, row))
}

/// The live session the secret names, recording its use; an expired one is deleted.
pub fn lookup(
    db: &mut Db<'_>,
    secret: &str,
    now: NaiveDateTime,
) -> Result<Option<SessionRow>, DbError> {
    let h = hash_secret(secret);
    let row = rows::find(db, &h)?;
    let Some(row) = row else {
        return Ok(None);
    };
    match freshness(row.created_at, row.last_seen_at, now) {
        Freshness::Live { touch } => {
            if touch {
                rows::touch(db, &h, now)?;
            }
            Ok(Some(row))
        }
        Freshness::IdleExpired | Freshness::AbsoluteExpired => {
            rows::delete(db, &h)?;
            Ok(None)
        }
    }
}

pub fn delete(db: &mut Db<'_>, id_hash: &str) -> Result<usize, DbError> {
    rows::delete(db, id_hash)
}

/// Ends every session of a user, except `keep` (the id hash of the session that asked).
pub fn delete_for_user(
    db: &mut Db<'_>,
    user_id: i64,
    keep: Option<&str>,
) -> Result<usize, DbError> {
    rows::delete_for_user(db, user_id, keep.unwrap_or(""))
}

/// Deletes sessions that can no longer be used.
pub fn prune(db: &mut Db<'_>, now: NaiveDateTime) -> Result<usize, DbError> {
    rows::delete_stale(db, now - IDLE, now - ABSOLUTE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64, m: i64, s: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap()
            + Duration::hours(h)
            + Duration::minutes(m)
            + Duration::seconds(s)
    }

    #[test]
    fn sessions_expire_when_idle_or_too_old() {
        let start = t(0, 0, 0);
        assert_eq!(
            freshness(start, start, t(0, 0, 59)),
            Freshness::Live { touch: false }
        );
        assert_eq!(
            freshness(start, start, t(0, 1, 0)),
            Freshness::Live { touch: true }
        );
        assert_eq!(
            freshness(start, start, t(0, 29, 59)),
            Freshness::Live { touch: true }
        );
        assert_eq!(freshness(start, start, t(0, 30, 0)), Freshness::IdleExpired);
        // Active all along, still ended after 12 hours.
        assert_eq!(
            freshness(start, t(11, 59, 0), t(11, 59, 30)),
            Freshness::Live { touch: false }
        );
        assert_eq!(
            freshness(start, t(11, 59, 0), t(12, 0, 0)),
            Freshness::AbsoluteExpired
        );
    }

    #[test]
    fn secrets_are_long_random_and_stored_hashed() {
        let a = new_secret();
        let b = new_secret();
        assert_eq!(a.len(), 64, "256 bits");
        assert_ne!(a, b);
        assert_eq!(hash_secret(&a).len(), 64);
        assert_ne!(hash_secret(&a), a);
        assert_eq!(hash_secret(&a), hash_secret(&a));
    }

    #[test]
    fn cookie_attributes() {
        assert_eq!(
            set_cookie(SESSION_COOKIE_HTTPS, "abc", true, SameSite::Lax, None),
            "__Host-vanban=abc; Path=/; HttpOnly; Secure; SameSite=Lax"
        );
        assert_eq!(
            set_cookie(
                SESSION_COOKIE_LOOPBACK,
                "abc",
                false,
                SameSite::Lax,
                Some(43200)
            ),
            "vanban_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200"
        );
        assert_eq!(
            clear_cookie(SESSION_COOKIE_HTTPS, true),
            "__Host-vanban=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0"
        );
        assert!(set_cookie("x", "1", true, SameSite::Strict, None).contains("SameSite=Strict"));
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let h = ["a=1; vanban_session=abc; vanban_csrf=\"x\"", "other=2"];
        assert_eq!(read_cookie(h, "vanban_session"), Some("abc"));
        assert_eq!(read_cookie(h, "vanban_csrf"), Some("x"));
        assert_eq!(read_cookie(h, "other"), Some("2"));
        assert_eq!(read_cookie(h, "session"), None);
        assert_eq!(read_cookie(["vanban_session=a b"], "vanban_session"), None);
        assert_eq!(read_cookie(["vanban_session="], "vanban_session"), None);
    }
}
