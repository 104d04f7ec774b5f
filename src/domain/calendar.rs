//! The Vietnamese working-day calendar of state agencies: Saturdays and Sundays off, public
//! holidays (Bộ luật Lao động 2019, Điều 112), compensatory days off and make-up working days.
//! Deadlines counted in working days (processing times, the posting deadline after an
//! announcing decision) come from here.
//!
//! Built in, for 2020–2030:
//! - Tết Dương lịch 1/1; 30/4; 1/5; 2/9, and from 2021 one adjacent day (1/9 or 3/9, as the
//!   Prime Minister decides each year — the decided day for 2021–2025, an estimate later);
//! - Giỗ Tổ Hùng Vương, 10/3 of the lunar calendar;
//! - Tết Nguyên đán: the days off the government announced for civil servants (2020–2026),
//!   and for 2027–2030 an estimate (the eve and the first four weekdays of the lunar year);
//! - a holiday on a Saturday or Sunday gives a day off on the next working day (Điều 111.3);
//! - the announced swaps (a weekday off, a Saturday worked) of 2024 and 2025.
//!
//! Announced schedules change: [`Calendar::with_overrides`] applies days off and working days
//! given per date (the `calendar_days` table, written by the `calendar_day` record), and an
//! override always wins over the built-in rules.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The years whose holidays are built in.
pub const FIRST_YEAR: i32 = 2020;
pub const LAST_YEAR: i32 = 2030;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Mùng 1 Tết (first day of the lunar year) per year, 2020–2030.
const TET: [(i32, u32, u32); 11] = [
    (2020, 1, 25),
    (2021, 2, 12),
    (2022, 2, 1),
    (2023, 1, 22),
    (2024, 2, 10),
    (2025, 1, 29),
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 3),
];

/// Giỗ Tổ Hùng Vương (10/3 lunar) per year, 2020–2030.
const HUNG_KINGS: [(i32, u32, u32); 11] = [
    (2020, 4, 2),
    (2021, 4, 21),
    (2022, 4, 10),
    (2023, 4, 29),
    (2024, 4, 18),
    (2025, 4, 7),
    (2026, 4, 26),
    (2027, 4, 16),
    (2028, 4, 4),
    (2029, 4, 23),
    (2030, 4, 12),
];

/// The Tết days off announced for civil servants (first and last day, weekends included).
/// (month, day).
type MonthDay = (u32, u32);
/// (year, month, day).
type Ymd = (i32, u32, u32);

const TET_ANNOUNCED: [(i32, MonthDay, MonthDay); 7] = [
    (2020, (1, 23), (1, 29)),
    (2021, (2, 10), (2, 16)),
    (2022, (1, 29), (2, 6)),
    (2023, (1, 20), (1, 26)),
    (2024, (2, 8), (2, 14)),
    (2025, (1, 25), (2, 2)),
    (2026, (2, 14), (2, 22)),
];

/// The day off next to 2 September as decided (2021–2025).
const NATIONAL_DAY_EXTRA: [(i32, u32, u32); 5] = [
    (2021, 9, 3),
    (2022, 9, 1),
    (2023, 9, 1),
    (2024, 9, 3),
    (2025, 9, 1),
];

/// Announced swaps: (weekday given off, Saturday worked instead).
const SWAPS: [(Ymd, Ymd); 2] = [((2024, 4, 29), (2024, 5, 4)), ((2025, 5, 2), (2025, 4, 26))];

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// What makes a day off or a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    /// A day off, with its name (holiday, compensatory day, announced day off).
    Off(String),
    /// A working day, with why it is one when it falls on a weekend (make-up day).
    Working(String),
}

/// A day given by an announcement, overriding the built-in rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub date: NaiveDate,
    pub working: bool,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Calendar {
    /// Days whose kind differs from "Monday–Friday work, weekend off".
    special: BTreeMap<NaiveDate, DayKind>,
}

impl Calendar {
    /// Weekends only (no holidays): for tests and as a base.
    pub fn weekends_only() -> Calendar {
        Calendar::default()
    }

    /// The built-in calendar, 2020–2030.
    pub fn vietnam() -> Calendar {
        let mut c = Calendar::default();
        for y in FIRST_YEAR..=LAST_YEAR {
            c.add_year(y);
        }
        c
    }

    fn off(&mut self, d: NaiveDate, name: &str) {
        self.special.insert(d, DayKind::Off(name.to_string()));
    }

    /// A holiday; on a weekend, the next working day is off instead (Bộ luật Lao động 2019,
    /// Điều 111.3).
    fn holiday(&mut self, d: NaiveDate, name: &str) {
        if is_weekend(d) || matches!(self.special.get(&d), Some(DayKind::Off(_))) {
            if !self.special.contains_key(&d) {
                self.off(d, name);
            }
            let mut next = d;
            loop {
                next = next + Days::new(1);
                if !is_weekend(next) && !self.special.contains_key(&next) {
                    break;
                }
            }
            self.off(next, &format!("Nghỉ bù {name}"));
        } else {
            self.off(d, name);
        }
    }

    fn add_year(&mut self, y: i32) {
        // Tết Nguyên đán first: its days are given as a block (weekends included).
        let tet = TET
            .iter()
            .find(|(ty, _, _)| *ty == y)
            .map(|(ty, m, d)| ymd(*ty, *m, *d));
        if let Some((_, from, to)) = TET_ANNOUNCED.iter().find(|(ty, _, _)| *ty == y) {
            let mut d = ymd(y, from.0, from.1);
            let end = ymd(y, to.0, to.1);
            while d <= end {
                self.off(d, "Tết Nguyên đán");
                d = d + Days::new(1);
            }
        } else if let Some(t) = tet {
            // Estimate: the eve and the first four weekdays of the lunar year (5 days off).
            let mut d = t - Days::new(1);
            let mut left = 5;
            while left > 0 {
                if !is_weekend(d) {
                    self.off(d, "Tết Nguyên đán (ước tính)");
                    left -= 1;
                }
                d = d + Days::new(1);
            }
        }
        self.holiday(ymd(y, 1, 1), "Tết Dương lịch");
        if let Some((hy, m, d)) = HUNG_KINGS.iter().find(|(hy, _, _)| *hy == y) {
            self.holiday(ymd(*hy, *m, *d), "Giỗ Tổ Hùng Vương");
        }
        self.holiday(ymd(y, 4, 30), "Ngày Chiến thắng");
        self.holiday(ymd(y, 5, 1), "Ngày Quốc tế lao động");
        self.holiday(ymd(y, 9, 2), "Quốc khánh");
        if y >= 2021 {
            let extra = NATIONAL_DAY_EXTRA
                .iter()
                .find(|(ny, _, _)| *ny == y)
                .map(|(ny, m, d)| ymd(*ny, *m, *d))
                .unwrap_or_else(|| {
                    // Estimate: the day that joins a weekend when one does, else 3/9.
                    match ymd(y, 9, 2).weekday() {
                        Weekday::Tue | Weekday::Fri | Weekday::Sat => ymd(y, 9, 1),
                        _ => ymd(y, 9, 3),
                    }
                });
            self.holiday(extra, "Quốc khánh");
        }
        for ((oy, om, od), (wy, wm, wd)) in SWAPS.iter().filter(|(o, _)| o.0 == y) {
            self.off(ymd(*oy, *om, *od), "Nghỉ hoán đổi");
            self.special.insert(
                ymd(*wy, *wm, *wd),
                DayKind::Working("Làm bù (hoán đổi ngày làm việc)".into()),
            );
        }
    }

    /// The calendar with announced days applied; they win over the built-in rules.
    pub fn with_overrides(mut self, overrides: &[Override]) -> Calendar {
        for o in overrides {
            let kind = if o.working {
                DayKind::Working(o.note.clone())
            } else {
                DayKind::Off(o.note.clone())
            };
            self.special.insert(o.date, kind);
        }
        self
    }

    /// What the day is, when it is not an ordinary weekday or weekend day.
    pub fn special(&self, d: NaiveDate) -> Option<&DayKind> {
        self.special.get(&d)
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.special.get(&d) {
            Some(DayKind::Off(_)) => false,
            Some(DayKind::Working(_)) => true,
            None => !is_weekend(d),
        }
    }

    /// The deadline `n` working days after `start`: the day on which the n-th working day after
    /// `start` falls (`start` itself does not count — Bộ luật Dân sự 2015, Điều 147: a period
    /// counted in days starts the day after the event). `n = 0` gives `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            match d.checked_add_days(Days::new(1)) {
                Some(next) => d = next,
                None => return d,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days in `(a, b]`: after `a`, up to and including `b` (0 when `b <= a`).
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = a;
        while d < b {
            match d.checked_add_days(Days::new(1)) {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }
}

/// Posting deadline (thời hạn niêm yết): working days after the announcing decision by which
/// its procedures must be publicly posted at the reception points. Thông tư 02/2017/TT-VPCP
/// (hướng dẫn nghiệp vụ kiểm soát thủ tục hành chính, under Nghị định 63/2010/NĐ-CP as amended by
/// Nghị định 92/2017/NĐ-CP) asks for public posting no later than 5 working days after the
/// announcing decision; counted here from the decision's date (the date of receipt is not
/// recorded), which is the stricter reading.
pub const POSTING_DEADLINE_WORKING_DAYS: u32 = 5;

/// The last day a procedure announced on `announced_on` may be first posted.
pub fn posting_deadline(cal: &Calendar, announced_on: NaiveDate, working_days: u32) -> NaiveDate {
    cal.add_working_days(announced_on, working_days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weekends_and_fixed_holidays_are_off() {
        let c = Calendar::vietnam();
        assert!(c.is_working_day(d("2024-05-06")));
        assert!(!c.is_working_day(d("2024-05-05")), "Sunday");
        assert!(!c.is_working_day(d("2024-01-01")), "Tết Dương lịch");
        assert!(!c.is_working_day(d("2024-04-30")));
        assert!(!c.is_working_day(d("2024-05-01")));
        assert!(!c.is_working_day(d("2024-04-18")), "Giỗ Tổ 2024");
        assert!(!c.is_working_day(d("2025-04-07")), "Giỗ Tổ 2025");
        assert!(!c.is_working_day(d("2020-09-02")));
        assert!(
            c.is_working_day(d("2020-09-03")),
            "no adjacent day before 2021"
        );
        assert!(
            !c.is_working_day(d("2021-09-03")),
            "adjacent day since 2021"
        );
        assert!(!c.is_working_day(d("2024-09-03")));
        assert!(!c.is_working_day(d("2025-09-01")));
    }

    #[test]
    fn announced_tet_holidays() {
        let c = Calendar::vietnam();
        // Tết Ất Tỵ 2025: 25/1 – 2/2.
        for day in 25..=31 {
            assert!(!c.is_working_day(ymd(2025, 1, day)), "2025-01-{day}");
        }
        assert!(!c.is_working_day(d("2025-02-02")));
        assert!(c.is_working_day(d("2025-02-03")));
        assert!(c.is_working_day(d("2025-01-24")));
        // Tết Bính Ngọ 2026: 14/2 – 22/2.
        assert!(!c.is_working_day(d("2026-02-16")));
        assert!(!c.is_working_day(d("2026-02-20")));
        assert!(c.is_working_day(d("2026-02-23")));
        // Tết Giáp Thìn 2024: 8/2 – 14/2.
        assert!(!c.is_working_day(d("2024-02-08")));
        assert!(c.is_working_day(d("2024-02-15")));
        // Estimated 2027 (mùng 1 is Saturday 6/2): eve Friday 5/2, then Mon–Thu.
        assert!(!c.is_working_day(d("2027-02-05")));
        assert!(!c.is_working_day(d("2027-02-11")));
        assert!(c.is_working_day(d("2027-02-12")));
    }

    #[test]
    fn compensatory_days_and_swaps() {
        let c = Calendar::vietnam();
        // 1/1/2023 was a Sunday: Monday 2/1 off.
        assert!(!c.is_working_day(d("2023-01-02")));
        // Giỗ Tổ 2023 on Saturday 29/4, 30/4 on Sunday: 1/5 Mon holiday, 2/5 and 3/5 off.
        assert!(!c.is_working_day(d("2023-05-02")));
        assert!(!c.is_working_day(d("2023-05-03")));
        assert!(c.is_working_day(d("2023-05-04")));
        // 2025: 2/5 off, Saturday 26/4 worked.
        assert!(!c.is_working_day(d("2025-05-02")));
        assert!(c.is_working_day(d("2025-04-26")));
        assert!(matches!(
            c.special(d("2025-04-26")),
            Some(DayKind::Working(_))
        ));
        // 2/9/2023 on Saturday: 4/9 Monday off.
        assert!(!c.is_working_day(d("2023-09-04")));
    }

    #[test]
    fn overrides_win() {
        let c = Calendar::vietnam().with_overrides(&[
            Override {
                date: d("2027-02-05"),
                working: true,
                note: "Làm việc theo thông báo".into(),
            },
            Override {
                date: d("2027-02-12"),
                working: false,
                note: "Nghỉ Tết theo thông báo".into(),
            },
            Override {
                date: d("2027-02-20"),
                working: true,
                note: "Làm bù thứ Bảy".into(),
            },
        ]);
        assert!(c.is_working_day(d("2027-02-05")));
        assert!(!c.is_working_day(d("2027-02-12")));
        assert!(c.is_working_day(d("2027-02-20")));
    }

    #[test]
    fn deadlines_count_from_the_next_day() {
        let c = Calendar::vietnam();
        // Decision on Friday 20/12/2024: five working days → Friday 27/12.
        assert_eq!(c.add_working_days(d("2024-12-20"), 5), d("2024-12-27"));
        // Across Tết 2025: decision Thursday 23/1 → 24/1, 3/2, 4/2, 5/2, 6/2.
        assert_eq!(c.add_working_days(d("2025-01-23"), 5), d("2025-02-06"));
        assert_eq!(c.add_working_days(d("2025-01-23"), 0), d("2025-01-23"));
        assert_eq!(c.working_days_between(d("2025-01-23"), d("2025-02-06")), 5);
        assert_eq!(c.working_days_between(d("2025-02-06"), d("2025-01-23")), 0);
        assert_eq!(
            posting_deadline(&c, d("2025-04-25"), POSTING_DEADLINE_WORKING_DAYS),
            // 26/4 (Saturday worked), 28/4, 29/4, then 30/4–4/5 off, 5/5, 6/5.
            d("2025-05-06")
        );
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0u32..(366 * 11)).prop_map(|o| ymd(2020, 1, 1) + Days::new(u64::from(o)))
    }

    proptest! {
        #[test]
        fn a_deadline_is_a_working_day(a in any_date(), n in 1u32..60) {
            let c = Calendar::vietnam();
            prop_assert!(c.is_working_day(c.add_working_days(a, n)));
        }

        #[test]
        fn deadlines_grow_with_n(a in any_date(), n in 0u32..60) {
            let c = Calendar::vietnam();
            prop_assert!(c.add_working_days(a, n) < c.add_working_days(a, n + 1));
        }

        #[test]
        fn between_inverts_add(a in any_date(), n in 0u32..80) {
            let c = Calendar::vietnam();
            prop_assert_eq!(c.working_days_between(a, c.add_working_days(a, n)), n);
        }

        #[test]
        fn at_most_one_week_in_three_is_off_around_any_date(a in any_date()) {
            // 15 working days never take more than 5 calendar weeks, even across Tết.
            let c = Calendar::vietnam();
            let b = c.add_working_days(a, 15);
            prop_assert!((b - a).num_days() <= 35, "{} → {}", a, b);
        }
    }
}
