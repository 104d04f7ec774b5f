//! Completeness of the public posting of procedures at a unit (niêm yết, công khai thủ tục
//! hành chính): for one required procedure, given what is posted, when, and whether its legal
//! basis is in force, which gaps there are. Pure; `crate::procedures::check` gathers the facts.
//!
//! Grounds: Nghị định 63/2010/NĐ-CP, Điều 15–17 (as amended by Nghị định 92/2017/NĐ-CP) —
//! procedures announced by a decision are posted publicly where they are received, in their
//! current version; Thông tư 02/2017/TT-VPCP — within 5 working days after the announcing
//! decision (`calendar::POSTING_DEADLINE_WORKING_DAYS`). Until that deadline a missing or
//! outdated posting is pending, not yet a gap.

use chrono::NaiveDate;

use super::kinds::vocabulary;

vocabulary! {
    /// What is wrong with the posting of a procedure at a unit.
    GapKind {
        Missing = "missing", "Chưa niêm yết";
        Outdated = "outdated", "Niêm yết phiên bản cũ";
        Late = "late", "Niêm yết trễ hạn";
        BasisNotInForce = "basis_not_in_force", "Căn cứ pháp lý không còn hiệu lực";
        NotRequired = "not_required", "Niêm yết thủ tục không còn áp dụng";
    }
}

/// What is known of one required procedure at one unit on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFacts {
    pub date: NaiveDate,
    /// The last day the current version may be first posted.
    pub deadline: NaiveDate,
    /// Whether a posting of the current version is up on `date`.
    pub current_posted: bool,
    /// Whether a posting of an older version is up on `date`.
    pub older_posted: bool,
    /// The first day the current version was posted at the unit (on or before `date`).
    pub first_posted_current: Option<NaiveDate>,
    /// Whether every legal basis is in force on `date`.
    pub basis_in_force: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assessment {
    pub gaps: Vec<GapKind>,
    /// Not (or not correctly) posted yet, but the deadline has not passed.
    pub pending: bool,
}

pub fn assess(f: &ItemFacts) -> Assessment {
    let mut a = Assessment::default();
    let overdue = f.date > f.deadline;
    if f.current_posted {
        if f.first_posted_current.is_some_and(|p| p > f.deadline) {
            a.gaps.push(GapKind::Late);
        }
    } else if overdue {
        a.gaps.push(if f.older_posted {
            GapKind::Outdated
        } else {
            GapKind::Missing
        });
    } else {
        a.pending = true;
    }
    if !f.basis_in_force {
        a.gaps.push(GapKind::BasisNotInForce);
    }
    a
}

/// Percentage complete: items without gaps over required items (100 when none is required).
pub fn percent(complete: usize, required: usize) -> f64 {
    if required == 0 {
        return 100.0;
    }
    complete as f64 * 100.0 / required as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts() -> ItemFacts {
        ItemFacts {
            date: d("2026-03-01"),
            deadline: d("2026-01-09"),
            current_posted: true,
            older_posted: false,
            first_posted_current: Some(d("2026-01-08")),
            basis_in_force: true,
        }
    }

    #[test]
    fn each_gap() {
        assert_eq!(assess(&facts()), Assessment::default());
        let late = ItemFacts {
            first_posted_current: Some(d("2026-01-12")),
            ..facts()
        };
        assert_eq!(assess(&late).gaps, vec![GapKind::Late]);
        let missing = ItemFacts {
            current_posted: false,
            first_posted_current: None,
            ..facts()
        };
        assert_eq!(assess(&missing).gaps, vec![GapKind::Missing]);
        let outdated = ItemFacts {
            older_posted: true,
            ..missing.clone()
        };
        assert_eq!(assess(&outdated).gaps, vec![GapKind::Outdated]);
        let pending = ItemFacts {
            date: d("2026-01-09"),
            ..missing
        };
        assert_eq!(
            assess(&pending),
            Assessment {
                gaps: vec![],
                pending: true
            }
        );
        let basis = ItemFacts {
            basis_in_force: false,
            ..facts()
        };
        assert_eq!(assess(&basis).gaps, vec![GapKind::BasisNotInForce]);
        assert_eq!(percent(3, 4), 75.0);
        assert_eq!(percent(0, 0), 100.0);
    }

    proptest! {
        #[test]
        fn nothing_about_the_posting_is_a_gap_before_the_deadline(
            offset in 0i64..30, cur: bool, old: bool, first in proptest::option::of(0i64..30)
        ) {
            let deadline = d("2026-01-30");
            let date = deadline - chrono::Days::new(offset as u64);
            let f = ItemFacts {
                date,
                deadline,
                current_posted: cur,
                older_posted: old,
                first_posted_current: if cur { first.map(|o| date - chrono::Days::new(o as u64)) } else { None },
                basis_in_force: true,
            };
            prop_assert!(assess(&f).gaps.is_empty());
        }

        #[test]
        fn after_the_deadline_a_procedure_not_posted_in_its_current_version_is_a_gap(
            offset in 1i64..300, old: bool
        ) {
            let deadline = d("2026-01-30");
            let f = ItemFacts {
                date: deadline + chrono::Days::new(offset as u64),
                deadline,
                current_posted: false,
                older_posted: old,
                first_posted_current: None,
                basis_in_force: true,
            };
            let a = assess(&f);
            prop_assert_eq!(a.gaps.len(), 1);
            prop_assert!(!a.pending);
        }
    }
}
