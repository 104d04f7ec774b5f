//! The administrative reform scorecard (bảng theo dõi chỉ tiêu cải cách hành chính) of a unit
//! for a plan year: each figure is a numerator over a denominator, compared with a target in
//! percent. Pure arithmetic; `crate::procedures::scorecard` gathers the counts.
//!
//! Default targets are those of Cà Mau's reform plan as reported in the seed article (Đầm Dơi,
//! 2019): 100% of procedures posted publicly and on time; processing time cut by at least 20%
//! for new procedures and 10% for amended or replaced ones (`Announcement::time_cut_target`);
//! online services at level 3 or more for at least 65% of the procedures of district-level
//! agencies (50% at communes), of which at least 30% (20%) at level 4; 100% of documents
//! reviewed and 100% of unsuitable documents handled; at least 20% of dossiers filed and
//! processed online. The article sets no target for the on-time rate: none by default.
//!
//! Comparisons are done in whole numbers (`numerator × 100 ≥ target × denominator`) so a
//! figure never misses or meets its target by a rounding error.

use serde::Serialize;

use super::kinds::UnitLevel;
use super::procedure::Announcement;

/// Targets in whole percent. Every one can be changed in the configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Targets {
    /// Procedures posted completely, current and on time.
    pub posted: u32,
    /// Least processing-time cut of a new procedure.
    pub time_cut_new: u32,
    /// Least processing-time cut of an amended or replaced procedure.
    pub time_cut_amended: u32,
    /// Share of procedures online at level 3 or more, at provincial and district-level
    /// agencies.
    pub online_level3_district: u32,
    /// The same at communes.
    pub online_level3_commune: u32,
    /// Share at level 4 (full) of those at level 3 or more, provincial and district level.
    pub online_level4_district: u32,
    /// The same at communes.
    pub online_level4_commune: u32,
    /// Documents in the review campaigns that are reviewed.
    pub reviewed: u32,
    /// Unsuitable documents (amend, replace, repeal…) that are handled.
    pub handled: u32,
    /// Dossiers filed online.
    pub filed_online: u32,
    /// Dossiers settled on time (no target in the seed article).
    pub on_time: Option<u32>,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            posted: 100,
            time_cut_new: Announcement::New.time_cut_target().unwrap_or(20),
            time_cut_amended: Announcement::Amended.time_cut_target().unwrap_or(10),
            online_level3_district: 65,
            online_level3_commune: 50,
            online_level4_district: 30,
            online_level4_commune: 20,
            reviewed: 100,
            handled: 100,
            filed_online: 20,
            on_time: None,
        }
    }
}

impl Targets {
    /// The least processing-time cut for a procedure announced this way (`None`: abolished).
    pub fn time_cut(&self, a: Announcement) -> Option<u32> {
        match a {
            Announcement::New => Some(self.time_cut_new),
            Announcement::Amended | Announcement::Replaced => Some(self.time_cut_amended),
            Announcement::Abolished => None,
        }
    }

    /// The online-level targets (level 3 or more, level 4 of those) for a unit's level: a
    /// commune has the commune targets; a province and a district the district-level ones
    /// (the plan names district-level agencies; provincial agencies are held to at least as
    /// much).
    pub fn online(&self, level: UnitLevel) -> (u32, u32) {
        match level {
            UnitLevel::Xa => (self.online_level3_commune, self.online_level4_commune),
            UnitLevel::Tinh | UnitLevel::Huyen => {
                (self.online_level3_district, self.online_level4_district)
            }
        }
    }
}

/// A count out of a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct Ratio {
    pub numerator: u64,
    pub denominator: u64,
}

impl Ratio {
    pub fn new(numerator: u64, denominator: u64) -> Ratio {
        Ratio {
            numerator,
            denominator,
        }
    }

    /// The share in percent, rounded to a tenth; `None` when there is nothing to count.
    pub fn percent(self) -> Option<f64> {
        if self.denominator == 0 {
            return None;
        }
        let tenths = (u128::from(self.numerator) * 1000 * 2 + u128::from(self.denominator))
            / (u128::from(self.denominator) * 2);
        Some(tenths as f64 / 10.0)
    }

    /// Whether the share reaches `target` percent (`None` when there is nothing to count).
    pub fn meets(self, target: u32) -> Option<bool> {
        if self.denominator == 0 {
            return None;
        }
        Some(u128::from(self.numerator) * 100 >= u128::from(target) * u128::from(self.denominator))
    }

    /// Adds another count (a province's total from its units).
    pub fn plus(self, other: Ratio) -> Ratio {
        Ratio::new(
            self.numerator + other.numerator,
            self.denominator + other.denominator,
        )
    }
}

/// Whether a local processing time cuts the statutory one by at least `target` percent
/// (`None` when the statutory time is 0: nothing to cut).
pub fn meets_time_cut(target: u32, statutory_days: u32, local_days: u32) -> Option<bool> {
    if statutory_days == 0 {
        return None;
    }
    let cut = i64::from(statutory_days) - i64::from(local_days);
    Some(cut * 100 >= i64::from(target) * i64::from(statutory_days))
}

/// Where a figure stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    NotMet,
    /// Nothing to count (denominator 0).
    NoData,
    /// Shown without a target.
    NoTarget,
}

impl Verdict {
    pub fn of(ratio: Ratio, target: Option<u32>) -> Verdict {
        match (ratio.meets(target.unwrap_or(0)), target) {
            (None, _) => Verdict::NoData,
            (Some(_), None) => Verdict::NoTarget,
            (Some(true), Some(_)) => Verdict::Met,
            (Some(false), Some(_)) => Verdict::NotMet,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::NotMet => "not_met",
            Verdict::NoData => "no_data",
            Verdict::NoTarget => "no_target",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Met => "Đạt",
            Verdict::NotMet => "Chưa đạt",
            Verdict::NoData => "Chưa có số liệu",
            Verdict::NoTarget => "Không đặt chỉ tiêu",
        }
    }
}

/// The figures of the scorecard, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    Posted,
    TimeCutNew,
    TimeCutAmended,
    OnlineLevel3,
    OnlineLevel4,
    Reviewed,
    Handled,
    FiledOnline,
    OnTime,
}

impl Indicator {
    pub const ALL: [Indicator; 9] = [
        Indicator::Posted,
        Indicator::TimeCutNew,
        Indicator::TimeCutAmended,
        Indicator::OnlineLevel3,
        Indicator::OnlineLevel4,
        Indicator::Reviewed,
        Indicator::Handled,
        Indicator::FiledOnline,
        Indicator::OnTime,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Indicator::Posted => "posted",
            Indicator::TimeCutNew => "time_cut_new",
            Indicator::TimeCutAmended => "time_cut_amended",
            Indicator::OnlineLevel3 => "online_level3",
            Indicator::OnlineLevel4 => "online_level4",
            Indicator::Reviewed => "reviewed",
            Indicator::Handled => "handled",
            Indicator::FiledOnline => "filed_online",
            Indicator::OnTime => "on_time",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Indicator::Posted => "Thủ tục hành chính được niêm yết đầy đủ, đúng hạn",
            Indicator::TimeCutNew => "Thủ tục mới ban hành cắt giảm thời gian giải quyết",
            Indicator::TimeCutAmended => {
                "Thủ tục sửa đổi, bổ sung, thay thế cắt giảm thời gian giải quyết"
            }
            Indicator::OnlineLevel3 => {
                "Thủ tục cung cấp dịch vụ công trực tuyến (một phần hoặc toàn trình)"
            }
            Indicator::OnlineLevel4 => "Trong số đó, dịch vụ công trực tuyến toàn trình",
            Indicator::Reviewed => "Văn bản quy phạm pháp luật được rà soát",
            Indicator::Handled => "Văn bản không còn phù hợp đã được xử lý",
            Indicator::FiledOnline => "Hồ sơ nộp và xử lý trực tuyến",
            Indicator::OnTime => "Hồ sơ giải quyết đúng hạn",
        }
    }

    /// What is counted over what (the numerator and denominator named).
    pub fn counts(self) -> (&'static str, &'static str) {
        match self {
            Indicator::Posted => ("thủ tục niêm yết đầy đủ, đúng hạn", "thủ tục phải niêm yết"),
            Indicator::TimeCutNew => ("thủ tục đạt mức cắt giảm", "thủ tục mới có thời hạn"),
            Indicator::TimeCutAmended => (
                "thủ tục đạt mức cắt giảm",
                "thủ tục sửa đổi, thay thế có thời hạn",
            ),
            Indicator::OnlineLevel3 => (
                "thủ tục trực tuyến một phần hoặc toàn trình",
                "thủ tục thực hiện",
            ),
            Indicator::OnlineLevel4 => ("thủ tục trực tuyến toàn trình", "thủ tục trực tuyến"),
            Indicator::Reviewed => ("văn bản đã rà soát", "văn bản trong phạm vi rà soát"),
            Indicator::Handled => ("văn bản đã xử lý xong", "văn bản cần xử lý"),
            Indicator::FiledOnline => ("hồ sơ nộp trực tuyến", "hồ sơ tiếp nhận"),
            Indicator::OnTime => ("hồ sơ đúng hạn", "hồ sơ tiếp nhận"),
        }
    }

    /// The target of this figure at a unit of `level`.
    pub fn target(self, t: &Targets, level: UnitLevel) -> Option<u32> {
        let (l3, l4) = t.online(level);
        match self {
            Indicator::Posted => Some(t.posted),
            Indicator::TimeCutNew => Some(t.time_cut_new),
            Indicator::TimeCutAmended => Some(t.time_cut_amended),
            Indicator::OnlineLevel3 => Some(l3),
            Indicator::OnlineLevel4 => Some(l4),
            Indicator::Reviewed => Some(t.reviewed),
            Indicator::Handled => Some(t.handled),
            Indicator::FiledOnline => Some(t.filed_online),
            Indicator::OnTime => t.on_time,
        }
    }

    /// How the target is read: for the time cuts the target is the least cut each procedure
    /// must reach and the share of procedures reaching it must be 100%.
    pub fn share_target(self, t: &Targets, level: UnitLevel) -> Option<u32> {
        match self {
            Indicator::TimeCutNew | Indicator::TimeCutAmended => Some(100),
            other => other.target(t, level),
        }
    }
}

/// One figure: what is counted, the count, the target and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Figure {
    pub indicator: Indicator,
    pub code: &'static str,
    pub label: &'static str,
    pub numerator_label: &'static str,
    pub denominator_label: &'static str,
    pub numerator: u64,
    pub denominator: u64,
    pub percent: Option<f64>,
    /// The target share in percent (for time cuts: 100% of procedures).
    pub target: Option<u32>,
    /// For time cuts: the least cut each procedure must reach, in percent.
    pub cut_target: Option<u32>,
    pub verdict: Verdict,
    pub verdict_label: &'static str,
}

/// A figure from its count and the targets for the unit's level.
pub fn figure(indicator: Indicator, ratio: Ratio, t: &Targets, level: UnitLevel) -> Figure {
    let target = indicator.share_target(t, level);
    let verdict = Verdict::of(ratio, target);
    let (n, d) = indicator.counts();
    Figure {
        indicator,
        code: indicator.code(),
        label: indicator.label(),
        numerator_label: n,
        denominator_label: d,
        numerator: ratio.numerator,
        denominator: ratio.denominator,
        percent: ratio.percent(),
        target,
        cut_target: match indicator {
            Indicator::TimeCutNew | Indicator::TimeCutAmended => indicator.target(t, level),
            _ => None,
        },
        verdict,
        verdict_label: verdict.label(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::procedure::meets_time_cut_target;
    use proptest::prelude::*;

    #[test]
    fn seed_article_defaults() {
        let t = Targets::default();
        assert_eq!((t.posted, t.reviewed, t.handled), (100, 100, 100));
        assert_eq!((t.time_cut_new, t.time_cut_amended), (20, 10));
        assert_eq!(t.online(UnitLevel::Huyen), (65, 30));
        assert_eq!(t.online(UnitLevel::Tinh), (65, 30));
        assert_eq!(t.online(UnitLevel::Xa), (50, 20));
        assert_eq!(t.filed_online, 20);
        assert_eq!(t.on_time, None);
        assert_eq!(t.time_cut(Announcement::Replaced), Some(10));
        assert_eq!(t.time_cut(Announcement::Abolished), None);
    }

    #[test]
    fn percentages_and_targets() {
        assert_eq!(Ratio::new(1, 3).percent(), Some(33.3));
        assert_eq!(Ratio::new(2, 3).percent(), Some(66.7));
        assert_eq!(Ratio::new(0, 0).percent(), None);
        // 13 of 20 is exactly 65%: met; 12 of 20 is not.
        assert_eq!(Ratio::new(13, 20).meets(65), Some(true));
        assert_eq!(Ratio::new(12, 20).meets(65), Some(false));
        // 64.99…% rounds to 65.0 for display but does not meet 65.
        let r = Ratio::new(6499, 10000);
        assert_eq!(r.percent(), Some(65.0));
        assert_eq!(r.meets(65), Some(false));
        assert_eq!(Verdict::of(Ratio::new(0, 0), Some(100)), Verdict::NoData);
        assert_eq!(Verdict::of(Ratio::new(3, 4), None), Verdict::NoTarget);
        assert_eq!(Verdict::of(Ratio::new(4, 4), Some(100)), Verdict::Met);
        assert_eq!(Verdict::of(Ratio::new(3, 4), Some(100)), Verdict::NotMet);
    }

    #[test]
    fn time_cuts() {
        // 10 → 8 days is a 20% cut: met for a new procedure; 10 → 9 is 10%.
        assert_eq!(meets_time_cut(20, 10, 8), Some(true));
        assert_eq!(meets_time_cut(20, 10, 9), Some(false));
        assert_eq!(meets_time_cut(10, 10, 9), Some(true));
        assert_eq!(meets_time_cut(10, 0, 0), None);
        // Longer locally than by law: never met.
        assert_eq!(meets_time_cut(0, 5, 6), Some(false));
    }

    #[test]
    fn figures_name_their_counts() {
        let t = Targets::default();
        let f = figure(
            Indicator::OnlineLevel3,
            Ratio::new(5, 10),
            &t,
            UnitLevel::Xa,
        );
        assert_eq!(f.target, Some(50));
        assert_eq!(f.verdict, Verdict::Met);
        assert_eq!(f.percent, Some(50.0));
        let f = figure(
            Indicator::OnlineLevel3,
            Ratio::new(5, 10),
            &t,
            UnitLevel::Huyen,
        );
        assert_eq!(f.verdict, Verdict::NotMet);
        let f = figure(Indicator::TimeCutNew, Ratio::new(3, 4), &t, UnitLevel::Xa);
        assert_eq!((f.target, f.cut_target), (Some(100), Some(20)));
        assert_eq!(f.verdict, Verdict::NotMet);
        let f = figure(Indicator::OnTime, Ratio::new(3, 4), &t, UnitLevel::Xa);
        assert_eq!(f.verdict, Verdict::NoTarget);
        assert!(Indicator::ALL.iter().all(|i| !i.label().is_empty()));
    }

    proptest! {
        #[test]
        fn the_default_cut_targets_agree_with_the_procedure_rule(
            statutory in 0u32..400, local in 0u32..400, kind in 0usize..3
        ) {
            let a = [Announcement::New, Announcement::Amended, Announcement::Replaced][kind];
            let t = Targets::default();
            let target = t.time_cut(a).unwrap();
            prop_assert_eq!(
                meets_time_cut(target, statutory, local),
                meets_time_cut_target(a, statutory, local)
            );
        }

        #[test]
        fn meets_agrees_with_exact_fractions(n in 0u64..10_000, extra in 0u64..10_000, target in 0u32..=100) {
            let d = n + extra;
            let r = Ratio::new(n, d);
            match r.meets(target) {
                None => prop_assert_eq!(d, 0),
                Some(m) => {
                    // The share in floating point (exact when it is a whole percent, far
                    // from the target otherwise at these sizes) says the same.
                    prop_assert_eq!(m, (n * 100) as f64 / d as f64 >= f64::from(target));
                    let p = r.percent().unwrap();
                    prop_assert!((0.0..=100.0).contains(&p));
                    // Adding a success never turns met into not met.
                    let more = Ratio::new(n + 1, d + 1);
                    if m { prop_assert_eq!(more.meets(target), Some(true)); }
                }
            }
        }

        #[test]
        fn a_sum_of_met_ratios_is_met(a in 0u64..100, b in 0u64..100, c in 0u64..100, e in 0u64..100, target in 0u32..=100) {
            let x = Ratio::new(a, a + b);
            let y = Ratio::new(c, c + e);
            if x.meets(target) == Some(true) && y.meets(target) == Some(true) {
                prop_assert_eq!(x.plus(y).meets(target), Some(true));
            }
        }
    }
}
