//! The account commands of the command line (`vanban user …`) and the demo accounts of
//! `serve --demo`. Each change is one transaction with its audit entry (actor `cli`), so a
//! refused command writes nothing.

use rand::Rng;

use super::password::{self, NewPassword};
use super::roles::Role;
use super::users::{self, AccountError, AccountView, NewAccount, Username};
use crate::db::DbPool;

pub const CLI_ACTOR: &str = "cli";

/// Reads a password given on standard input: the first line, without its line ending.
pub fn read_password(input: &mut impl std::io::BufRead) -> Result<String, AccountError> {
    let mut line = String::new();
    let n = input.read_line(&mut line).map_err(|e| {
        AccountError::Refused(format!("Không đọc được mật khẩu từ đầu vào chuẩn: {e}"))
    })?;
    if n == 0 {
        return Err(AccountError::Refused(
            "Không có mật khẩu ở đầu vào chuẩn (ví dụ: echo 'câu mật khẩu dài' | vanban user add …).".into(),
        ));
    }
    let pw = line.strip_suffix('\n').unwrap_or(&line);
    Ok(pw.strip_suffix('\r').unwrap_or(pw).to_string())
}

fn user_id(db: &mut crate::db::Db<'_>, username: &str) -> Result<i64, AccountError> {
    let name = Username::parse(username)?;
    users::find_by_username(db, name.as_str())?
        .map(|u| u.id)
        .ok_or_else(|| AccountError::UnknownUser(name.as_str().to_string()))
}

pub fn add(
    pool: &DbPool,
    username: &str,
    role: &str,
    scope: &[String],
    name: Option<&str>,
    password: &str,
) -> Result<i64, AccountError> {
    let username = Username::parse(username)?;
    let role = users::parse_role(role)?;
    let display_name = match name {
        Some(n) => users::parse_display_name(n)?,
        None => username.as_str().to_string(),
    };
    let pw = NewPassword::parse(password, username.as_str())?;
    let scope_codes: Vec<String> = scope.iter().flat_map(|s| users::split_codes(s)).collect();
    let mut conn = pool.get()?;
    // Checked before the slow hash so that mistakes are reported at once.
    {
        let mut db = conn.db();
        if users::find_by_username(&mut db, username.as_str())?.is_some() {
            return Err(AccountError::Exists(username.as_str().to_string()));
        }
        users::units_for_codes(&mut db, &scope_codes)?;
    }
    let account = NewAccount {
        username,
        display_name,
        role,
        scope_codes,
        password_hash: password::hash(&pw)?,
        must_change_password: false,
    };
    conn.write(|db| users::create(db, CLI_ACTOR, &account, crate::clock::now()))
}

/// Sets a new password (a reset by whoever runs the machine); every session of the user ends
/// and every API token is revoked.
pub fn passwd(pool: &DbPool, username: &str, password: &str) -> Result<(), AccountError> {
    let mut conn = pool.get()?;
    let name = Username::parse(username)?;
    let id = user_id(&mut conn.db(), name.as_str())?;
    let pw = NewPassword::parse(password, name.as_str())?;
    let hash = password::hash(&pw)?;
    conn.write(|db| {
        users::set_password(
            db,
            CLI_ACTOR,
            id,
            &hash,
            None,
            crate::clock::now(),
            users::PasswordBy::Holder,
        )
    })
}

pub fn set_disabled(pool: &DbPool, username: &str, disabled: bool) -> Result<(), AccountError> {
    let mut conn = pool.get()?;
    let id = user_id(&mut conn.db(), username)?;
    conn.write(|db| users::set_disabled(db, CLI_ACTOR, id, disabled))
}

/// Creates an API token for an enabled account (for scripts: load tests, integrations),
/// living `lifetime`; the token is returned to be printed once, and its creation is audited
/// (actor `cli`). No password is asked: whoever runs this already controls the database.
pub fn token(
    pool: &DbPool,
    username: &str,
    name: &str,
    lifetime: chrono::Duration,
) -> Result<String, AccountError> {
    let name = super::tokens::parse_name(name)?;
    let user = Username::parse(username)?;
    let mut conn = pool.get()?;
    conn.write(|db| {
        let row = users::find_by_username(db, user.as_str())?
            .ok_or_else(|| AccountError::UnknownUser(user.as_str().to_string()))?;
        if row.disabled {
            return Err(AccountError::Refused(format!(
                "Tài khoản «{}» đang bị khoá: không tạo mã truy cập.",
                row.username
            )));
        }
        let (_, token) =
            super::tokens::create_for(db, CLI_ACTOR, row.id, &name, crate::clock::now(), lifetime)?;
        Ok(token)
    })
}

pub fn list(pool: &DbPool) -> Result<Vec<AccountView>, AccountError> {
    let mut conn = pool.get()?;
    Ok(users::list(&mut conn.db())?)
}

/// A random password that is easy to type: four groups of four letters and digits without
/// look-alikes (about 80 bits).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// One demo account.
pub struct DemoAccount {
    pub username: &'static str,
    pub role: Role,
    pub scope: Vec<String>,
    pub password: String,
}

/// The units of Đầm Dơi after the 2025 reorganisation in the sample data; with their
/// predecessors they cover the former district and its communes.
const DAM_DOI: [&str; 4] = ["32152", "32155", "32167", "32182"];

/// Creates one account per role with random passwords, only when there is no account yet.
/// Returns the accounts made (to print once), or nothing.
pub fn demo_accounts(pool: &DbPool) -> Result<Vec<DemoAccount>, AccountError> {
    let mut conn = pool.get()?;
    if users::count(&mut conn.db())? > 0 {
        return Ok(Vec::new());
    }
    let mut scope = Vec::new();
    for code in DAM_DOI {
        if users::units_for_codes(&mut conn.db(), &[code.to_string()]).is_ok() {
            scope.push(code.to_string());
        }
    }
    let plan = [
        (
            "quantri",
            Role::Admin,
            "Quản trị viên (thử nghiệm)",
            Vec::new(),
        ),
        (
            "canbo",
            Role::Officer,
            "Cán bộ pháp chế Đầm Dơi (thử nghiệm)",
            scope,
        ),
        (
            "pheduyet",
            Role::Approver,
            "Người phê duyệt (thử nghiệm)",
            Vec::new(),
        ),
        (
            "thanhtra",
            Role::Inspector,
            "Thanh tra (thử nghiệm)",
            Vec::new(),
        ),
    ];
    let mut made = Vec::new();
    let mut accounts = Vec::new();
    for (username, role, display, scope) in plan {
        let password = random_password();
        let pw = NewPassword::parse(&password, username)?;
        accounts.push(NewAccount {
            username: Username::parse(username)?,
            display_name: display.to_string(),
            role,
            scope_codes: scope.clone(),
            password_hash: password::hash(&pw)?,
            must_change_password: false,
        });
        made.push(DemoAccount {
            username,
            role,
            scope,
            password,
        });
    }
    let created = conn.write(|db| {
        // Another instance may have made accounts meanwhile.
        if users::count(db)? > 0 {
            return Ok(false);
        }
        for a in &accounts {
            users::create(db, CLI_ACTOR, a, crate::clock::now())?;
        }
        Ok::<_, AccountError>(true)
    })?;
    Ok(if created { made } else { Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_read_without_the_line_ending() {
        let mut input = std::io::Cursor::new("câu mật khẩu dài\r\nsecond line\n");
        assert_eq!(read_password(&mut input).unwrap(), "câu mật khẩu dài");
        let mut empty = std::io::Cursor::new("");
        assert!(read_password(&mut empty).is_err());
        let mut no_newline = std::io::Cursor::new("x y z");
        assert_eq!(read_password(&mut no_newline).unwrap(), "x y z");
    }

    #[test]
    fn random_passwords_meet_the_rule() {
        let p = random_password();
        assert_eq!(p.len(), 19);
        assert!(NewPassword::parse(&p, "quantri").is_ok());
        assert_ne!(random_password(), p);
    }
}
