//! Accounts: the `users` and `user_scopes` tables, shared by the command line, the admin pages
//! and the login. Every change is written with its audit entry in the caller's transaction;
//! password hashes never appear in the audit trail.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::password::{HashError, PasswordError};
use super::roles::{Role, Scope};
use crate::db::stored::{self, At, Corrupt};
use crate::db::users as db_users;
use crate::db::{Db, DbError};

/// An account, its role read from the stored code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub password_changed_at: NaiveDateTime,
    /// The password was set by an administrator: the user must choose their own before
    /// anything else (see `routes::guard`).
    pub must_change_password: bool,
}

impl TryFrom<db_users::UserRow> for User {
    type Error = Corrupt;

    /// A stored role the code does not know is corrupt: the account is never taken for
    /// another role, nor quietly for none.
    fn try_from(r: db_users::UserRow) -> Result<User, Corrupt> {
        let at = At::new("users", &r.id, "role");
        let role = stored::code(&r.role, at, Role::parse)?;
        Ok(User {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role,
            password_hash: r.password_hash,
            disabled: r.disabled,
            created_at: r.created_at,
            password_changed_at: r.password_changed_at,
            must_change_password: r.must_change_password,
        })
    }
}

fn user(row: Option<db_users::UserRow>) -> Result<Option<User>, DbError> {
    Ok(row.map(User::try_from).transpose()?)
}

/// Why an account change is refused. The messages are shown to users and on the console.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("Tên đăng nhập «{0}» không hợp lệ: dùng 3–64 ký tự gồm chữ cái không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang, bắt đầu bằng chữ cái hoặc chữ số.")]
    InvalidUsername(String),
    #[error("Tên đăng nhập «{0}» đã được dùng.")]
    Exists(String),
    #[error("Không có tài khoản «{0}».")]
    UnknownUser(String),
    #[error("Vai trò «{0}» không hợp lệ: chọn một trong admin, officer, approver, inspector.")]
    InvalidRole(String),
    #[error("Không có đơn vị hành chính mã «{0}».")]
    UnknownUnit(String),
    #[error("Họ tên hiển thị không hợp lệ: cần 1–100 ký tự, không có ký tự điều khiển.")]
    InvalidDisplayName,
    #[error("{0}")]
    Password(#[from] PasswordError),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// For [`crate::db::Conn::write`], whose transaction may fail to begin or commit.
impl From<diesel::result::Error> for AccountError {
    fn from(e: diesel::result::Error) -> Self {
        AccountError::Db(DbError::Query(e))
    }
}

impl AccountError {
    /// Whether the person asking can fix it (a 400, exit status 1) rather than a fault.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, AccountError::Hash(_) | AccountError::Db(_))
    }
}

/// A user name: 3–64 characters `a-z 0-9 . _ -`, starting with a letter or digit, compared in
/// lower case. No control characters, spaces or look-alike letters can get in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Username, AccountError> {
        let s = raw.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(Username(s))
        } else {
            Err(AccountError::InvalidUsername(
                raw.escape_default().to_string(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: trimmed, 1–100 characters, no control characters.
pub fn parse_display_name(raw: &str) -> Result<String, AccountError> {
    let s: String = unicode_normalization::UnicodeNormalization::nfc(raw.trim()).collect();
    let n = s.chars().count();
    if n == 0 || n > 100 || crate::domain::input::line("display_name", &s).is_err() {
        return Err(AccountError::InvalidDisplayName);
    }
    Ok(s)
}

pub fn parse_role(raw: &str) -> Result<Role, AccountError> {
    Role::parse(raw).ok_or_else(|| AccountError::InvalidRole(raw.to_string()))
}

pub fn find_by_username(db: &mut Db<'_>, username: &str) -> Result<Option<User>, DbError> {
    user(db_users::find_by_username(db, username)?)
}

pub fn find(db: &mut Db<'_>, id: i64) -> Result<Option<User>, DbError> {
    user(db_users::find(db, id)?)
}

pub fn count(db: &mut Db<'_>) -> Result<i64, DbError> {
    db_users::count(db)
}

/// The units of a user's scope, as (id, code, name), by code.
pub fn scope_units(db: &mut Db<'_>, user_id: i64) -> Result<Vec<(i64, String, String)>, DbError> {
    db_users::scope_units(db, user_id)
}

pub fn scope_of(db: &mut Db<'_>, user_id: i64) -> Result<Scope, DbError> {
    Ok(Scope::from_units(
        scope_units(db, user_id)?.into_iter().map(|u| u.0),
    ))
}

/// Unit ids for unit codes, refusing unknown codes; duplicates are dropped.
pub fn units_for_codes(db: &mut Db<'_>, codes: &[String]) -> Result<Vec<i64>, AccountError> {
    let mut ids = Vec::new();
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let id = db_users::unit_id(db, code)?;
        match id {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => return Err(AccountError::UnknownUnit(code.to_string())),
        }
    }
    Ok(ids)
}

/// Splits a list of unit codes typed as `32153, 32156 32174`.
pub fn split_codes(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// What the audit trail records of an account (never the password hash).
fn snapshot(db: &mut Db<'_>, id: i64) -> Result<serde_json::Value, AccountError> {
    let u = find(db, id)?.ok_or_else(|| AccountError::UnknownUser(id.to_string()))?;
    let scope: Vec<String> = scope_units(db, id)?.into_iter().map(|u| u.1).collect();
    Ok(serde_json::json!({
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role.as_str(),
        "scope": scope,
        "disabled": u.disabled,
        "must_change_password": u.must_change_password,
    }))
}

fn set_scope(db: &mut Db<'_>, user_id: i64, unit_ids: &[i64]) -> Result<(), AccountError> {
    Ok(db_users::set_scope(db, user_id, unit_ids)?)
}

/// A new account, checked and ready to insert (the password already hashed).
pub struct NewAccount {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub scope_codes: Vec<String>,
    pub password_hash: String,
    /// A temporary password chosen by an administrator (the admin page): the user must change
    /// it at the first sign-in. The command line and the demo accounts leave it false.
    pub must_change_password: bool,
}

/// Creates an account with its scope and audit entry; call inside a write transaction.
pub fn create(
    db: &mut Db<'_>,
    actor: &str,
    a: &NewAccount,
    now: NaiveDateTime,
) -> Result<i64, AccountError> {
    if find_by_username(db, a.username.as_str())?.is_some() {
        return Err(AccountError::Exists(a.username.as_str().to_string()));
    }
    let units = units_for_codes(db, &a.scope_codes)?;
    let row = db_users::NewUserRow {
        username: a.username.as_str(),
        display_name: &a.display_name,
        role: a.role.as_str(),
        password_hash: &a.password_hash,
        disabled: false,
        created_at: now,
        password_changed_at: now,
        must_change_password: a.must_change_password,
    };
    let id = db_users::insert(db, &row)?;
    set_scope(db, id, &units)?;
    let after = snapshot(db, id)?;
    crate::audit::append(
        db,
        actor,
        "user.create",
        "user",
        &id.to_string(),
        None,
        Some(&after),
    )?;
    Ok(id)
}

/// Changes name, role and scope.
pub fn update(
    db: &mut Db<'_>,
    actor: &str,
    id: i64,
    display_name: &str,
    role: Role,
    scope_codes: &[String],
) -> Result<(), AccountError> {
    let before = snapshot(db, id)?;
    let units = units_for_codes(db, scope_codes)?;
    db_users::set_name_and_role(db, id, display_name, role.as_str())?;
    set_scope(db, id, &units)?;
    let after = snapshot(db, id)?;
    if after != before {
        crate::audit::append(
            db,
            actor,
            "user.update",
            "user",
            &id.to_string(),
            Some(&before),
            Some(&after),
        )?;
    }
    Ok(())
}

/// Who chose a new password, which decides whether it must be changed at the next sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordBy {
    /// The user themselves, or whoever runs the machine (`vanban user passwd`).
    Holder,
    /// An administrator on the admin page: a temporary password the user must replace.
    Administrator,
}

/// Sets a new password hash, ends the user's other sessions (`keep`: the id hash of the
/// session that asked, which stays signed in) and revokes all their API tokens. A password
/// set by an administrator must be changed at the next sign-in; one the user chose clears that.
pub fn set_password(
    db: &mut Db<'_>,
    actor: &str,
    id: i64,
    hash: &str,
    keep: Option<&str>,
    now: NaiveDateTime,
    by: PasswordBy,
) -> Result<(), AccountError> {
    let must_change = by == PasswordBy::Administrator;
    let n = db_users::set_password(db, id, hash, now, must_change)?;
    if n == 0 {
        return Err(AccountError::UnknownUser(id.to_string()));
    }
    super::session::delete_for_user(db, id, keep)?;
    super::tokens::revoke_all(db, actor, id, super::tokens::RevokeReason::Password, now)?;
    let after = serde_json::json!({ "must_change_password": must_change });
    crate::audit::append(
        db,
        actor,
        "user.password",
        "user",
        &id.to_string(),
        None,
        Some(&after),
    )?;
    Ok(())
}

/// Replaces a hash made with weaker parameters after a successful login (same password).
pub fn upgrade_hash(
    db: &mut Db<'_>,
    id: i64,
    username: &str,
    hash: &str,
) -> Result<(), AccountError> {
    db_users::set_hash(db, id, hash)?;
    crate::audit::append(
        db,
        &format!("user:{username}"),
        "user.password_rehash",
        "user",
        &id.to_string(),
        None,
        None,
    )?;
    Ok(())
}

/// Disables (ending every session and revoking every API token at once) or enables an
/// account. Enabling revives neither: the user signs in again and makes new tokens.
pub fn set_disabled(
    db: &mut Db<'_>,
    actor: &str,
    id: i64,
    disabled: bool,
) -> Result<(), AccountError> {
    let before = snapshot(db, id)?;
    db_users::set_disabled(db, id, disabled)?;
    if disabled {
        super::session::delete_for_user(db, id, None)?;
        super::tokens::revoke_all(
            db,
            actor,
            id,
            super::tokens::RevokeReason::Disabled,
            crate::clock::now(),
        )?;
    }
    let after = snapshot(db, id)?;
    if after != before {
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        crate::audit::append(
            db,
            actor,
            action,
            "user",
            &id.to_string(),
            Some(&before),
            Some(&after),
        )?;
    }
    Ok(())
}

/// An account as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_label: String,
    pub scope: Vec<ScopeUnit>,
    pub disabled: bool,
    pub created_at: String,
    /// The password is temporary (set by an administrator) and not yet changed.
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScopeUnit {
    pub code: String,
    pub name: String,
}

pub fn view(db: &mut Db<'_>, u: &User) -> Result<AccountView, DbError> {
    Ok(AccountView {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.as_str().to_string(),
        role_label: u.role.label().to_string(),
        scope: scope_units(db, u.id)?
            .into_iter()
            .map(|(_, code, name)| ScopeUnit { code, name })
            .collect(),
        disabled: u.disabled,
        created_at: crate::domain::text::datetime_vn(u.created_at),
        must_change_password: u.must_change_password,
    })
}

/// Every account's row, by user name (no scopes: one query).
pub fn rows(db: &mut Db<'_>) -> Result<Vec<User>, DbError> {
    db_users::all(db)?
        .into_iter()
        .map(|r| Ok(User::try_from(r)?))
        .collect()
}

/// Every account, by user name, with its scope.
pub fn list(db: &mut Db<'_>) -> Result<Vec<AccountView>, DbError> {
    rows(db)?.iter().map(|u| view(db, u)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_plain_and_lower_case() {
        assert_eq!(
            Username::parse(" Lan.Nguyen ").unwrap().as_str(),
            "lan.nguyen"
        );
        assert!(Username::parse("can_bo-01").is_ok());
        for bad in [
            "ab",
            "lan\u{0}",
            "lan\nadmin",
            "lan nguyen",
            "lân",
            ".lan",
            &"a".repeat(65),
            "lan\u{202e}",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
        // The message shows control characters escaped.
        let msg = Username::parse("a\u{7}b").unwrap_err().to_string();
        assert!(msg.contains("\\u{7}"), "{msg}");
    }

    #[test]
    fn display_names_and_codes() {
        assert_eq!(
            parse_display_name("  Nguyễn Thị Lan ").unwrap(),
            "Nguyễn Thị Lan"
        );
        assert!(parse_display_name("").is_err());
        assert!(parse_display_name("a\u{1b}[31m").is_err());
        assert_eq!(
            split_codes("32153, 32156 ;32174"),
            ["32153", "32156", "32174"]
        );
        assert!(split_codes("  ").is_empty());
    }
}
