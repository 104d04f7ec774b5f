//! Brute-force limits on the login form, counted in `login_failures` so that they survive a
//! restart and hold across instances sharing the database. Per account name (known or not,
//! so the answer never tells whether an account exists): a growing delay after 5 failures in
//! the last hour, refusal after 100. Per client address, a second line: refusal after 300.
//! Records are kept for 30 days (a success clears nothing), then pruned.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::login_failures;
use crate::db::{Db, DbError};

pub const WINDOW: Duration = Duration::hours(1);
pub const FREE_FAILURES: i64 = 5;
pub const ACCOUNT_LIMIT: i64 = 100;
pub const IP_LIMIT: i64 = 300;
pub const MAX_DELAY_SECS: u64 = 30;
pub const KEEP: Duration = Duration::days(30);

/// The wait before answering an attempt when the account name already has `failures` in the
/// window: none up to 5, then 1 s, 2 s, 4 s … capped at 30 s.
pub fn delay(failures: i64) -> std::time::Duration {
    if failures < FREE_FAILURES {
        return std::time::Duration::ZERO;
    }
    let exp = (failures - FREE_FAILURES).min(16) as u32;
    std::time::Duration::from_secs((1u64 << exp).min(MAX_DELAY_SECS))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Try the password after waiting this long.
    Proceed(std::time::Duration),
    /// Do not even try: too many failures for this name or from this address.
    Refuse,
}

pub fn verdict(account_failures: i64, ip_failures: i64) -> Verdict {
    if account_failures >= ACCOUNT_LIMIT || ip_failures >= IP_LIMIT {
        Verdict::Refuse
    } else {
        Verdict::Proceed(delay(account_failures))
    }
}

/// Failures in the window for this account name and for this address.
pub fn counts(
    db: &mut Db<'_>,
    username: &str,
    ip: &str,
    now: NaiveDateTime,
) -> Result<(i64, i64), DbError> {
    let since = now - WINDOW;
    let by_name: i64 = crate::with_db!(db, c => login_failures::table
        .filter(login_failures::username.eq(username))
        .filter(login_failures::at.gt(since))
        .count()
        .get_result(c))?;
    let by_ip: i64 = crate::with_db!(db, c => login_failures::table
        .filter(login_failures::ip.eq(ip))
        .filter(login_failures::at.gt(since))
        .count()
        .get_result(c))?;
    Ok((by_name, by_ip))
}

pub fn record(db: &mut Db<'_>, username: &str, ip: &str, at: NaiveDateTime) -> Result<(), DbError> {
    crate::with_db!(db, c => diesel::insert_into(login_failures::table)
        .values((
            login_failures::username.eq(username),
            login_failures::ip.eq(ip),
            login_failures::at.eq(at),
        ))
        .execute(c))?;
    Ok(())
}

/// Deletes records older than [`KEEP`].
pub fn prune(db: &mut Db<'_>, now: NaiveDateTime) -> Result<usize, DbError> {
    Ok(crate::with_db!(db, c => diesel::delete(
        login_failures::table.filter(login_failures::at.lt(now - KEEP)),
    )
    .execute(c))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_grows_after_five_failures_and_is_capped() {
        let secs: Vec<u64> = (0..12).map(|n| delay(n).as_secs()).collect();
        assert_eq!(secs, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(delay(99).as_secs(), 30);
        assert_eq!(delay(i64::MAX).as_secs(), 30);
    }

    #[test]
    fn refusal_after_100_per_name_or_300_per_address() {
        assert_eq!(verdict(0, 0), Verdict::Proceed(std::time::Duration::ZERO));
        assert_eq!(
            verdict(99, 299),
            Verdict::Proceed(std::time::Duration::from_secs(30))
        );
        assert_eq!(verdict(100, 0), Verdict::Refuse);
        assert_eq!(verdict(0, 300), Verdict::Refuse);
    }
}
