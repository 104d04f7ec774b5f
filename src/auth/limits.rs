//! Brute-force limits on password checks (the login form, a password change, minting an API
//! token), kept in the database so that they hold across restarts and across instances.
//!
//! - **Per account name** (known or not, so the answer never tells whether an account
//!   exists): the first [`Policy::free_failures`] failures cost nothing; after them each
//!   check waits a delay that starts at [`Policy::first_delay`] and doubles up to
//!   [`Policy::max_delay`]. Checks of one name are taken one at a time through the
//!   `login_throttle` row of that name, claimed in a write transaction (`BEGIN IMMEDIATE` on
//!   SQLite, `SELECT … FOR UPDATE` on PostgreSQL): a claim reserves the next slot and counts
//!   as a failure until the check succeeds, so parallel guesses and other instances cannot
//!   skip the delay. A slot further than the longest delay is not reserved (429 with
//!   `Retry-After`), so no queue of guesses can push the owner back more than the current
//!   delay; there is no hard lockout. A success deletes the row; failures are forgotten after
//!   [`Policy::forget_after`] without any attempt.
//! - **Per client address** (the resolved one: the peer, or behind a trusted proxy the
//!   forwarded address): after [`Policy::address_failures`] failures within
//!   [`Policy::address_window`], across names, the address gets 429 with `Retry-After`.
//!   Every admitted attempt is recorded in `login_failures` (name, address, time) when it is
//!   admitted, and the record removed if it was not a wrong password, so that attempts in
//!   flight count too; records are kept 30 days.

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime};

use crate::db::limits::{self, ThrottleRow};
use crate::db::{Db, DbError};

/// How long `login_failures` rows are kept.
pub const KEEP: Duration = Duration::days(30);

/// The numbers of the limits (configuration `[login]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Consecutive failures of one name checked without delay.
    pub free_failures: u32,
    /// The delay after the first failure past the free ones; it doubles with each failure.
    pub first_delay: StdDuration,
    /// The longest delay, and the furthest ahead a check may be scheduled.
    pub max_delay: StdDuration,
    /// A name's failures are forgotten after this long without an attempt.
    pub forget_after: Duration,
    /// Failures from one address, across names, after which it is refused (429).
    pub address_failures: u32,
    /// The window over which an address's failures are counted.
    pub address_window: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            free_failures: 5,
            first_delay: StdDuration::from_secs(1),
            max_delay: StdDuration::from_secs(60),
            forget_after: Duration::hours(1),
            address_failures: 100,
            address_window: Duration::hours(1),
        }
    }
}

impl Policy {
    /// The wait before the next check of a name that has `failures` consecutive failures:
    /// none up to `free_failures`, then `first_delay`, doubling, capped at `max_delay`.
    pub fn delay_after(&self, failures: i64) -> StdDuration {
        let free = i64::from(self.free_failures);
        if failures < free {
            return StdDuration::ZERO;
        }
        let exp = (failures - free).min(31) as u32;
        self.first_delay
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// A name's throttle state (its `login_throttle` row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub failures: i64,
    pub next_attempt_at: NaiveDateTime,
    pub last_attempt_at: NaiveDateTime,
}

impl From<ThrottleRow> for Throttle {
    fn from(r: ThrottleRow) -> Self {
        Throttle {
            failures: r.failures,
            next_attempt_at: r.next_attempt_at,
            last_attempt_at: r.last_attempt_at,
        }
    }
}

impl From<Throttle> for ThrottleRow {
    fn from(t: Throttle) -> Self {
        ThrottleRow {
            failures: t.failures,
            next_attempt_at: t.next_attempt_at,
            last_attempt_at: t.last_attempt_at,
        }
    }
}

/// The answer to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Check the password at `at` (now or after a wait); `row` is the state to store.
    Go { at: NaiveDateTime, row: Throttle },
    /// No slot within the longest delay: answer 429, try again after this long.
    Later(StdDuration),
}

fn chrono_of(d: StdDuration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::MAX)
}

/// `t + d`, saturating at `t` itself on overflow (never a panic on a configured delay).
fn plus(t: NaiveDateTime, d: StdDuration) -> NaiveDateTime {
    t.checked_add_signed(chrono_of(d)).unwrap_or(t)
}

/// Whole seconds, rounded up, at least one (for `Retry-After`).
pub fn retry_secs(d: StdDuration) -> u64 {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    s.max(1)
}

/// Reserves the next check of a name (pure): the slot is the later of now and the row's next
/// attempt time; it is refused when further away than the longest delay. A reserved check
/// counts as a failure (so a parallel one waits as if it had failed) until it succeeds.
pub fn claim(policy: &Policy, row: Option<Throttle>, now: NaiveDateTime) -> Claim {
    let (failures, next) = match row {
        Some(r) if now - r.last_attempt_at <= policy.forget_after => {
            (r.failures, r.next_attempt_at)
        }
        Some(r) => (0, r.next_attempt_at),
        None => (0, now),
    };
    let at = next.max(now);
    let latest = plus(now, policy.max_delay);
    if at > latest {
        let wait = (at - latest).to_std().unwrap_or(StdDuration::ZERO);
        return Claim::Later(wait);
    }
    let failures = failures.saturating_add(1);
    Claim::Go {
        at,
        row: Throttle {
            failures,
            next_attempt_at: plus(at, policy.delay_after(failures)),
            last_attempt_at: now,
        },
    }
}

/// Whether an address with `failures` in the window, the oldest at `oldest`, is refused, and
/// for how long (pure).
pub fn address_refusal(
    policy: &Policy,
    failures: i64,
    oldest: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Option<StdDuration> {
    if failures < i64::from(policy.address_failures) {
        return None;
    }
    let until = oldest.map_or(now, |t| {
        t.checked_add_signed(policy.address_window).unwrap_or(t)
    });
    Some((until - now).to_std().unwrap_or(StdDuration::ZERO))
}

/// Whether this address is refused now, and for how long.
pub fn check_address(
    db: &mut Db<'_>,
    policy: &Policy,
    ip: &str,
    now: NaiveDateTime,
) -> Result<Option<StdDuration>, DbError> {
    let (n, oldest) = limits::address_failures(db, ip, now - policy.address_window)?;
    Ok(address_refusal(policy, n, oldest, now))
}

/// Claims the next check of `username`; call inside a write transaction
/// ([`crate::db::Conn::write`]), which the row lock serialises per name.
pub fn claim_slot(
    db: &mut Db<'_>,
    policy: &Policy,
    username: &str,
    now: NaiveDateTime,
) -> Result<Claim, DbError> {
    let row = Throttle::from(limits::hold_throttle(db, username, now)?);
    // A row just inserted has no failures; `claim` treats it as absent.
    let claimed = claim(policy, Some(row), now);
    if let Claim::Go { row, .. } = claimed {
        limits::store_throttle(db, username, &row.into())?;
    }
    Ok(claimed)
}

/// What a password check may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Check at `at`; the attempt is already recorded as the failure `failure_id` (so that
    /// parallel attempts from one address count), to be forgiven if it succeeds.
    Go { at: NaiveDateTime, failure_id: i64 },
    /// Refused unchecked (the address or the name): try again after this long.
    Later(StdDuration),
}

/// Admits a password check of `username` from `ip`, or not: the address limit first, then
/// the name's slot. Call inside a write transaction; on PostgreSQL the attempts of one
/// address are serialised by an advisory lock (SQLite's write lock already does it).
pub fn admit(
    db: &mut Db<'_>,
    policy: &Policy,
    username: &str,
    ip: &str,
    now: NaiveDateTime,
) -> Result<Attempt, DbError> {
    limits::lock_address(db, ip)?;
    if let Some(wait) = check_address(db, policy, ip, now)? {
        return Ok(Attempt::Later(wait));
    }
    match claim_slot(db, policy, username, now)? {
        Claim::Later(wait) => Ok(Attempt::Later(wait)),
        Claim::Go { at, .. } => {
            let failure_id = limits::insert_failure(db, username, ip, now)?;
            Ok(Attempt::Go { at, failure_id })
        }
    }
}

/// An admitted attempt that was not a wrong password (right, or never checked because the
/// queue was full): its failure record is removed.
pub fn forgive(db: &mut Db<'_>, failure_id: i64) -> Result<(), DbError> {
    limits::delete_failure(db, failure_id)
}

/// A right password: the name's failures are cleared.
pub fn succeeded(db: &mut Db<'_>, username: &str) -> Result<(), DbError> {
    limits::delete_throttle(db, username)
}

/// Records a failure for the address count (admitted attempts are recorded by [`admit`]).
pub fn record(db: &mut Db<'_>, username: &str, ip: &str, at: NaiveDateTime) -> Result<(), DbError> {
    limits::insert_failure(db, username, ip, at)?;
    Ok(())
}

/// Deletes failures older than [`KEEP`] and throttle rows that no longer hold anything back.
pub fn prune(db: &mut Db<'_>, policy: &Policy, now: NaiveDateTime) -> Result<usize, DbError> {
    limits::prune(db, now - KEEP, now - policy.forget_after, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t0() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .unwrap_or_default()
    }

    #[test]
    fn the_delay_starts_after_five_failures_doubles_and_is_capped_at_a_minute() {
        let p = Policy::default();
        let secs: Vec<u64> = (0..14).map(|n| p.delay_after(n).as_secs()).collect();
        assert_eq!(secs, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(p.delay_after(99).as_secs(), 60);
        assert_eq!(p.delay_after(i64::MAX).as_secs(), 60);
        assert_eq!(p.delay_after(-3), StdDuration::ZERO);
        let fast = Policy {
            free_failures: 0,
            first_delay: StdDuration::from_millis(100),
            max_delay: StdDuration::from_millis(350),
            ..Policy::default()
        };
        let ms: Vec<u128> = (0..5).map(|n| fast.delay_after(n).as_millis()).collect();
        assert_eq!(ms, [100, 200, 350, 350, 350]);
    }

    #[test]
    fn parallel_claims_are_spaced_and_refused_past_the_longest_delay() {
        let p = Policy::default();
        let now = t0();
        // Five failures already: each reserved check pushes the next one back.
        let mut row = Some(Throttle {
            failures: 5,
            next_attempt_at: now,
            last_attempt_at: now,
        });
        let mut slots = Vec::new();
        let mut refused = Vec::new();
        for _ in 0..10 {
            match claim(&p, row, now) {
                Claim::Go { at, row: r } => {
                    slots.push((at - now).num_seconds());
                    row = Some(r);
                }
                Claim::Later(wait) => refused.push(retry_secs(wait)),
            }
        }
        // Each reserved check counts as the 6th, 7th … failure: 0, 2, 2+4, 6+8, 14+16, and
        // the next (30+32 s) is further than a minute: refused from then on.
        assert_eq!(slots, [0, 2, 6, 14, 30]);
        assert_eq!(refused, [2, 2, 2, 2, 2], "until 62 − 60 s from now");
    }

    #[test]
    fn failures_are_forgotten_after_an_idle_hour() {
        let p = Policy::default();
        let now = t0();
        let old = Throttle {
            failures: 40,
            next_attempt_at: now - Duration::minutes(61),
            last_attempt_at: now - Duration::minutes(62),
        };
        match claim(&p, Some(old), now) {
            Claim::Go { at, row } => {
                assert_eq!(at, now);
                assert_eq!(row.failures, 1);
                assert_eq!(row.next_attempt_at, now);
            }
            other => panic!("{other:?}"),
        }
        let recent = Throttle {
            last_attempt_at: now - Duration::minutes(10),
            ..old
        };
        match claim(&p, Some(recent), now) {
            Claim::Go { at, row } => {
                assert_eq!(at, now);
                assert_eq!(row.failures, 41);
                assert_eq!(row.next_attempt_at, now + Duration::seconds(60));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_address_is_refused_from_its_hundredth_failure_until_the_oldest_ages_out() {
        let p = Policy::default();
        let now = t0();
        let oldest = Some(now - Duration::minutes(45));
        assert_eq!(address_refusal(&p, 99, oldest, now), None);
        assert_eq!(
            address_refusal(&p, 100, oldest, now),
            Some(StdDuration::from_secs(15 * 60))
        );
        assert_eq!(retry_secs(StdDuration::from_millis(1)), 1);
        assert_eq!(retry_secs(StdDuration::ZERO), 1);
        assert_eq!(retry_secs(StdDuration::from_millis(2001)), 3);
    }

    proptest! {
        #[test]
        fn delays_never_shrink_and_never_pass_the_cap(
            free in 0u32..20,
            first in 1u64..5_000,
            extra in 0u64..120_000,
            n in 0i64..10_000,
        ) {
            let p = Policy {
                free_failures: free,
                first_delay: StdDuration::from_millis(first),
                max_delay: StdDuration::from_millis(first + extra),
                ..Policy::default()
            };
            prop_assert!(p.delay_after(n) <= p.delay_after(n + 1));
            prop_assert!(p.delay_after(n) <= p.max_delay);
            if n >= i64::from(free) {
                prop_assert!(p.delay_after(n) >= p.first_delay);
            } else {
                prop_assert_eq!(p.delay_after(n), StdDuration::ZERO);
            }
        }

        #[test]
        fn no_burst_of_claims_gets_more_checks_than_the_delays_allow(
            failures in 0i64..30,
            burst in 1usize..40,
        ) {
            // However many claims arrive at once, the reserved slots are spaced by the
            // schedule and none is further than the longest delay: the owner waits at most
            // that long, and the checks within any span stay bounded.
            let p = Policy::default();
            let now = t0();
            let mut row = Some(Throttle { failures, next_attempt_at: now, last_attempt_at: now });
            let mut last: Option<NaiveDateTime> = None;
            for _ in 0..burst {
                if let Claim::Go { at, row: r } = claim(&p, row, now) {
                    prop_assert!(at - now <= Duration::seconds(60));
                    if let Some(prev) = last {
                        let gap = (at - prev).to_std().unwrap_or_default();
                        prop_assert!(gap >= p.delay_after(r.failures - 1));
                    }
                    last = Some(at);
                    row = Some(r);
                }
            }
        }
    }
}
