//! The one clock of the service: the current time as the database stores it (UTC, no zone), and
//! today's date in Vietnam (UTC+7), where statuses change at local midnight.

use chrono::{NaiveDate, NaiveDateTime, Utc};

/// Today's date as a value that can be handed around: the system's in the service, a fixed
/// day in tests whose answers must not change with the calendar.
pub type Clock = std::sync::Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// The system clock as a [`Clock`].
pub fn system() -> Clock {
    std::sync::Arc::new(today)
}

/// The current time as stored in the database (UTC, no zone).
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Today in Vietnam (UTC+7).
pub fn today() -> NaiveDate {
    vietnam_date(Utc::now().naive_utc())
}

/// The date in Vietnam at a UTC time.
pub fn vietnam_date(utc: NaiveDateTime) -> NaiveDate {
    crate::domain::text::date_in_vietnam(utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn the_day_turns_at_midnight_in_vietnam() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(vietnam_date(at("2026-12-01 16:59:59")), d("2026-12-01"));
        assert_eq!(vietnam_date(at("2026-12-01 17:00:00")), d("2026-12-02"));
        assert_eq!(vietnam_date(at("2026-12-31 23:00:00")), d("2027-01-01"));
    }

    #[test]
    fn today_is_the_date_of_now_in_vietnam() {
        let before = vietnam_date(now());
        let t = today();
        let after = vietnam_date(now());
        assert!(before <= t && t <= after);
    }
}
