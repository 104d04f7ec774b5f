//! How values that need care go on the wire. Timestamps are kept as naive UTC in the database;
//! in JSON they are RFC 3339 with the `Z` an integrator's date-time parser needs (the OpenAPI
//! document says `date-time`).

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serializer;

fn rfc3339(t: &NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `#[serde(serialize_with = "crate::wire::utc")]`
pub fn utc<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(t))
}

/// `#[serde(serialize_with = "crate::wire::utc_opt")]`
pub fn utc_opt<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(t)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_carry_their_zone() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
            .and_then(|d| d.and_hms_nano_opt(1, 39, 4, 99_009_505));
        assert_eq!(
            t.map(|t| rfc3339(&t)).as_deref(),
            Some("2026-11-27T01:39:04.099009505Z")
        );
    }
}
