//! Administrative procedures (thủ tục hành chính, TTHC): the code, the levels that carry a
//! procedure out, online service levels, announcement kinds, processing times, fees, and the
//! reform targets on processing time. Pure types and rules; `crate::procedures` stores what
//! they accept.
//!
//! Grounds:
//! - Nghị định 63/2010/NĐ-CP (kiểm soát thủ tục hành chính), amended by Nghị định 92/2017/NĐ-CP:
//!   every procedure is announced by a decision (quyết định công bố) as new, amended or
//!   replaced, or abolished, and carries a code in the national database (`1.004227`).
//! - Nghị định 42/2022/NĐ-CP (effective 1 August 2022): online public services are "toàn
//!   trình" (full) or "một phần" (partial); the former levels 1–4 of Nghị định 43/2011/NĐ-CP
//!   apply to announcements before that date. For the scorecard, level 4 ≈ full, level 3 ≈
//!   partial, levels 1–2 ≈ none.
//! - Nghị quyết 190/2025/QH15 and the 2025 reorganisation: districts (cấp huyện) end on
//!   30 June 2025, so a procedure announced from 1 July 2025 cannot be carried out at that level.
//! - Cà Mau's administrative reform plan (the seed article, 2019): processing time cut by at
//!   least 20% for new procedures and 10% for amended or replaced ones.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::kinds::{vocabulary, UnitLevel};

/// A procedure code of the national database: one or more digits, a dot, six digits
/// (`1.004227`, `2.000794`, `3.000159`). Only [`ProcedureCode::parse`] builds one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ProcedureCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcedureError {
    #[error("mã thủ tục «{0}» không hợp lệ: mã gồm một hoặc nhiều chữ số, dấu chấm và sáu chữ số (ví dụ 1.004227)")]
    Code(String),
    #[error("cấp thực hiện «{0}» không hợp lệ (tinh, huyen, xa)")]
    Level(String),
    #[error("thủ tục cần ít nhất một cấp thực hiện (tinh, huyen, xa)")]
    NoLevel,
    #[error("cấp huyện không còn từ ngày 01/7/2025: quyết định công bố ngày {0} không thể giao thủ tục cho cấp huyện")]
    DistrictAbolished(NaiveDate),
    #[error("mức độ trực tuyến «{0}» không hợp lệ (1, 2, 3, 4 trước ngày 01/8/2022; full, partial, none)")]
    OnlineLevel(String),
    #[error("mức độ {level} (Nghị định 43/2011/NĐ-CP) chỉ dùng cho quyết định công bố trước ngày 01/8/2022; từ ngày đó dùng full (toàn trình), partial (một phần) hoặc none (Nghị định 42/2022/NĐ-CP)")]
    LegacyOnlineLevel { level: u8 },
    #[error("loại công bố «{0}» không hợp lệ (new, amended, replaced, abolished)")]
    Announcement(String),
    #[error("thời hạn giải quyết không được âm ({0} ngày)")]
    NegativeDays(i64),
    #[error("phí, lệ phí «{name}» không được âm ({amount} đồng)")]
    NegativeFee { name: String, amount: i64 },
    #[error("cách thức thực hiện «{0}» không hợp lệ (in_person, post, online)")]
    Channel(String),
}

impl ProcedureCode {
    pub fn parse(input: &str) -> Result<ProcedureCode, ProcedureError> {
        let s = input.trim();
        let ok = match s.split_once('.') {
            Some((head, tail)) => {
                !head.is_empty()
                    && head.len() <= 3
                    && head.bytes().all(|b| b.is_ascii_digit())
                    && tail.len() == 6
                    && tail.bytes().all(|b| b.is_ascii_digit())
            }
            None => false,
        };
        if ok {
            Ok(ProcedureCode(s.to_string()))
        } else {
            Err(ProcedureError::Code(input.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A code as a reader types it in a search box: `1.001193`, `1. 001193`, or without its
    /// dot, `1001193` (the last six digits are the serial number). `None` for anything else.
    pub fn typed(input: &str) -> Option<ProcedureCode> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let s = s.trim_end_matches(|c: char| ",.;:)".contains(c));
        if let Ok(code) = ProcedureCode::parse(s) {
            return Some(code);
        }
        let digits = s.len();
        if (7..=9).contains(&digits) && s.bytes().all(|b| b.is_ascii_digit()) {
            let (head, tail) = s.split_at(digits - 6);
            return ProcedureCode::parse(&format!("{head}.{tail}")).ok();
        }
        None
    }

    /// The codes a query carries: the whole query read as one, else each of its words.
    pub fn typed_in(query: &str) -> Vec<ProcedureCode> {
        if let Some(code) = ProcedureCode::typed(query) {
            return vec![code];
        }
        let mut out: Vec<ProcedureCode> = Vec::new();
        for w in query.split_whitespace() {
            if let Some(code) = ProcedureCode::typed(w) {
                if !out.contains(&code) {
                    out.push(code);
                }
            }
        }
        out
    }
}

impl std::fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The first day without districts (cấp huyện), after the 2025 reorganisation.
pub fn districts_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default()
}

/// The day Nghị định 42/2022/NĐ-CP took effect: full / partial online services replace
/// levels 1–4.
pub fn online_levels_change() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 8, 1).unwrap_or_default()
}

/// The levels that carry out a procedure, checked against the announcing decision's date:
/// at least one, no duplicates, and no district level from 1 July 2025. Returned in the order
/// tỉnh, huyện, xã.
pub fn parse_levels(
    codes: &[String],
    announced_on: NaiveDate,
) -> Result<Vec<UnitLevel>, ProcedureError> {
    let mut out = Vec::new();
    for c in codes {
        let level = UnitLevel::parse(c.trim()).ok_or_else(|| ProcedureError::Level(c.clone()))?;
        if level == UnitLevel::Huyen && announced_on >= districts_end() {
            return Err(ProcedureError::DistrictAbolished(announced_on));
        }
        if !out.contains(&level) {
            out.push(level);
        }
    }
    if out.is_empty() {
        return Err(ProcedureError::NoLevel);
    }
    out.sort_by_key(|l| UnitLevel::ALL.iter().position(|x| x == l));
    Ok(out)
}

/// Online service level (mức độ dịch vụ công trực tuyến).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum OnlineLevel {
    /// Levels 1–4 of Nghị định 43/2011/NĐ-CP (announcements before 1 August 2022).
    Legacy(u8),
    /// Toàn trình: filed, processed and returned online.
    Full,
    /// Một phần: some steps online.
    Partial,
    /// Not online.
    None,
}

impl OnlineLevel {
    /// Parses a stored or typed code (`1`…`4`, `full`, `partial`, `none`) without the date
    /// rule; see [`OnlineLevel::parse_for`].
    pub fn parse(code: &str) -> Result<OnlineLevel, ProcedureError> {
        match code.trim() {
            "1" => Ok(OnlineLevel::Legacy(1)),
            "2" => Ok(OnlineLevel::Legacy(2)),
            "3" => Ok(OnlineLevel::Legacy(3)),
            "4" => Ok(OnlineLevel::Legacy(4)),
            "full" => Ok(OnlineLevel::Full),
            "partial" => Ok(OnlineLevel::Partial),
            "none" => Ok(OnlineLevel::None),
            other => Err(ProcedureError::OnlineLevel(other.to_string())),
        }
    }

    /// Parses a level for a version announced on `announced_on`: levels 1–4 only before
    /// 1 August 2022 (Nghị định 42/2022/NĐ-CP); full / partial / none at any date.
    pub fn parse_for(code: &str, announced_on: NaiveDate) -> Result<OnlineLevel, ProcedureError> {
        let level = OnlineLevel::parse(code)?;
        if let OnlineLevel::Legacy(l) = level {
            if announced_on >= online_levels_change() {
                return Err(ProcedureError::LegacyOnlineLevel { level: l });
            }
        }
        Ok(level)
    }

    pub fn code(self) -> &'static str {
        match self {
            OnlineLevel::Legacy(1) => "1",
            OnlineLevel::Legacy(2) => "2",
            OnlineLevel::Legacy(3) => "3",
            OnlineLevel::Legacy(_) => "4",
            OnlineLevel::Full => "full",
            OnlineLevel::Partial => "partial",
            OnlineLevel::None => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OnlineLevel::Legacy(1) => "Mức độ 1",
            OnlineLevel::Legacy(2) => "Mức độ 2",
            OnlineLevel::Legacy(3) => "Mức độ 3",
            OnlineLevel::Legacy(_) => "Mức độ 4",
            OnlineLevel::Full => "Trực tuyến toàn trình",
            OnlineLevel::Partial => "Trực tuyến một phần",
            OnlineLevel::None => "Không trực tuyến",
        }
    }

    /// The level in today's terms, for the scorecard: level 4 ≈ full, level 3 ≈ partial,
    /// levels 1–2 ≈ none.
    pub fn modern(self) -> OnlineLevel {
        match self {
            OnlineLevel::Legacy(4) => OnlineLevel::Full,
            OnlineLevel::Legacy(3) => OnlineLevel::Partial,
            OnlineLevel::Legacy(_) => OnlineLevel::None,
            other => other,
        }
    }

    /// "Level 3 or more" of the reform targets: partial or full.
    pub fn level3_or_more(self) -> bool {
        matches!(self.modern(), OnlineLevel::Full | OnlineLevel::Partial)
    }

    /// "Level 4" of the reform targets: full.
    pub fn level4(self) -> bool {
        self.modern() == OnlineLevel::Full
    }
}

vocabulary! {
    /// What an announcing decision does with a procedure (loại công bố).
    Announcement {
        New = "new", "Thủ tục hành chính mới ban hành";
        Amended = "amended", "Thủ tục hành chính được sửa đổi, bổ sung";
        Replaced = "replaced", "Thủ tục hành chính được thay thế";
        Abolished = "abolished", "Thủ tục hành chính bị bãi bỏ";
    }
}

impl Announcement {
    pub fn parse_code(code: &str) -> Result<Announcement, ProcedureError> {
        Announcement::parse(code.trim()).ok_or_else(|| ProcedureError::Announcement(code.into()))
    }

    /// The least processing-time cut the reform plan asks of a procedure announced this way,
    /// in percent: 20 for new ones, 10 for amended or replaced ones, none for abolished ones.
    pub fn time_cut_target(self) -> Option<u32> {
        match self {
            Announcement::New => Some(20),
            Announcement::Amended | Announcement::Replaced => Some(10),
            Announcement::Abolished => None,
        }
    }
}

vocabulary! {
    /// How a procedure is carried out (cách thức thực hiện).
    Channel {
        InPerson = "in_person", "Trực tiếp";
        Post = "post", "Qua dịch vụ bưu chính";
        Online = "online", "Trực tuyến";
    }
}

/// Parses the channels of a procedure (duplicates dropped, order kept).
pub fn parse_channels(codes: &[String]) -> Result<Vec<Channel>, ProcedureError> {
    let mut out = Vec::new();
    for c in codes {
        let ch = Channel::parse(c.trim()).ok_or_else(|| ProcedureError::Channel(c.clone()))?;
        if !out.contains(&ch) {
            out.push(ch);
        }
    }
    Ok(out)
}

vocabulary! {
    /// Where a procedure is received (cơ chế một cửa, Nghị định 61/2018/NĐ-CP, now 118/2025/NĐ-CP).
    OneStop {
        OneStop = "one_stop", "Một cửa";
        InterAgency = "inter_agency", "Một cửa liên thông";
    }
}

vocabulary! {
    /// Where a procedure is posted (nơi niêm yết, Nghị định 63/2010/NĐ-CP Điều 13 as amended;
    /// Thông tư 01/2018/TT-VPCP): at the one-stop office of the unit, or on the public
    /// services portal. Stored in `postings.point`; the one wording the checklist, the
    /// completeness page, the posting sheet, the API and the import messages show.
    PostingPoint {
        Reception = "reception", "Bộ phận một cửa";
        Portal = "portal", "Cổng dịch vụ công";
    }
}

/// The first day a version announced by a decision signed on `signed` is current: the
/// effective date the decision states (hiệu lực thi hành), else its signing day — a decision
/// "có hiệu lực kể từ ngày ký" (the usual wording of a quyết định công bố, Nghị định
/// 63/2010/NĐ-CP Article 15 as amended) takes effect when signed. The posting deadline is
/// still counted from the signing day (`domain::calendar::posting_deadline`).
pub fn announced_from(signed: NaiveDate, effective: Option<NaiveDate>) -> NaiveDate {
    effective.unwrap_or(signed)
}

/// Whether a version announced by a decision signed on `signed` (effective on `effective`,
/// when stated) is in effect on `date`.
pub fn announced_by(signed: NaiveDate, effective: Option<NaiveDate>, date: NaiveDate) -> bool {
    announced_from(signed, effective) <= date
}

/// The order in which the versions of a procedure become current: by the day they take
/// effect, then by signing day, then by the order entered (`id`). Of the versions in effect on
/// a date ([`announced_by`]), the greatest key is the current one.
pub fn currency_key(
    signed: NaiveDate,
    effective: Option<NaiveDate>,
    id: i64,
) -> (NaiveDate, NaiveDate, i64) {
    (announced_from(signed, effective), signed, id)
}

/// Checks an effective date stated by a decision: not before its signing.
pub fn check_effective(signed: NaiveDate, effective: Option<NaiveDate>) -> Result<(), String> {
    match effective {
        Some(e) if e < signed => Err(format!(
            "ngày có hiệu lực ({}) trước ngày ký ({}) của quyết định công bố",
            e.format("%d/%m/%Y"),
            signed.format("%d/%m/%Y")
        )),
        _ => Ok(()),
    }
}

/// A processing-time finding recorded with the version: the time committed locally is longer
/// than the statutory one. Not an error (the locality may have a reason and the data must say
/// what was announced), never silently accepted: it is stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeWarning {
    pub statutory_days: u32,
    pub local_days: u32,
}

impl std::fmt::Display for TimeWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "thời hạn giải quyết cam kết tại địa phương ({} ngày làm việc) dài hơn thời hạn theo quy định ({} ngày làm việc)",
            self.local_days, self.statutory_days
        )
    }
}

/// Checks the statutory and local processing times (working days; 0 = within the day).
pub fn check_times(
    statutory_days: i64,
    local_days: i64,
) -> Result<(u32, u32, Option<TimeWarning>), ProcedureError> {
    let to_u32 = |d: i64| u32::try_from(d).map_err(|_| ProcedureError::NegativeDays(d));
    let s = to_u32(statutory_days)?;
    let l = to_u32(local_days)?;
    let warning = (l > s).then_some(TimeWarning {
        statutory_days: s,
        local_days: l,
    });
    Ok((s, l, warning))
}

/// How much shorter the local time is than the statutory one, in percent (negative when
/// longer); `None` when the statutory time is 0 (nothing to cut).
pub fn time_cut_percent(statutory_days: u32, local_days: u32) -> Option<f64> {
    if statutory_days == 0 {
        return None;
    }
    Some((f64::from(statutory_days) - f64::from(local_days)) * 100.0 / f64::from(statutory_days))
}

/// Whether a version meets the reform plan's time-cut target for its announcement kind
/// (`None` when no target applies: abolished, or a statutory time of 0).
pub fn meets_time_cut_target(
    announcement: Announcement,
    statutory_days: u32,
    local_days: u32,
) -> Option<bool> {
    let target = announcement.time_cut_target()?;
    // Compared in whole numbers: cut × 100 ≥ target × statutory, no rounding.
    if statutory_days == 0 {
        return None;
    }
    let cut = i64::from(statutory_days) - i64::from(local_days);
    Some(cut * 100 >= i64::from(target) * i64::from(statutory_days))
}

/// A fee or charge (phí, lệ phí), in đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub name: String,
    pub amount: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Refuses negative fees.
pub fn check_fees(fees: &[Fee]) -> Result<(), ProcedureError> {
    match fees.iter().find(|f| f.amount < 0) {
        Some(f) => Err(ProcedureError::NegativeFee {
            name: f.name.clone(),
            amount: f.amount,
        }),
        None => Ok(()),
    }
}

/// A component of the dossier (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DossierComponent {
    pub name: String,
    /// Originals (bản chính).
    #[serde(default)]
    pub originals: u32,
    /// Copies (bản sao).
    #[serde(default)]
    pub copies: u32,
    /// The form or template, if any (mẫu đơn, tờ khai).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
}

/// Whether a procedure carried out at `levels` applies to a unit of `unit_level`.
pub fn applies_at(levels: &[UnitLevel], unit_level: UnitLevel) -> bool {
    levels.contains(&unit_level)
}

#[cfg(test)]
mod tests {
    #[test]
    fn posting_points_have_one_code_and_one_label_each() {
        assert_eq!(PostingPoint::parse("portal"), Some(PostingPoint::Portal));
        assert_eq!(
            PostingPoint::parse("reception"),
            Some(PostingPoint::Reception)
        );
        assert_eq!(PostingPoint::parse("cong"), None);
        assert_eq!(PostingPoint::Reception.label(), "Bộ phận một cửa");
        assert_eq!(PostingPoint::Portal.label(), "Cổng dịch vụ công");
        assert_eq!(PostingPoint::ALL.len(), 2);
    }

    use super::*;

    #[test]
    fn codes_as_readers_type_them() {
        for typed in [
            "1.001193",
            " 1.001193 ",
            "1001193",
            "1. 001193",
            "1.001193,",
        ] {
            assert_eq!(
                ProcedureCode::typed(typed).map(|c| c.to_string()),
                Some("1.001193".to_string()),
                "{typed}"
            );
        }
        for not in [
            "",
            "001193",
            "1.00119",
            "12/2020",
            "khai sinh",
            "1234567890",
        ] {
            assert_eq!(ProcedureCode::typed(not), None, "{not}");
        }
        assert_eq!(
            ProcedureCode::typed_in("mã thủ tục 1.000894 và 2000815")
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
            ["1.000894", "2.000815"]
        );
    }

    fn ymd(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_version_is_current_from_its_effective_date_not_its_signing() {
        // Signed 1 March, effective 15 March.
        let (signed, eff) = (ymd(2026, 3, 1), Some(ymd(2026, 3, 15)));
        assert!(!announced_by(signed, eff, ymd(2026, 3, 10)));
        assert!(!announced_by(signed, eff, ymd(2026, 3, 14)));
        assert!(announced_by(signed, eff, ymd(2026, 3, 15)));
        assert_eq!(announced_from(signed, eff), ymd(2026, 3, 15));
        // No effective date stated: from the signing day.
        assert!(announced_by(signed, None, ymd(2026, 3, 1)));
        assert!(!announced_by(signed, None, ymd(2026, 2, 28)));
    }

    #[test]
    fn the_version_taking_effect_last_is_current() {
        // B signed later but effective earlier than A: A, effective last, is current once both apply.
        let a = currency_key(ymd(2026, 3, 1), Some(ymd(2026, 4, 1)), 1);
        let b = currency_key(ymd(2026, 3, 5), None, 2);
        assert!(a > b);
        // Same day: the later signed, then the later entered.
        assert!(currency_key(ymd(2026, 3, 2), Some(ymd(2026, 4, 1)), 1) > a);
        assert!(currency_key(ymd(2026, 3, 1), Some(ymd(2026, 4, 1)), 3) > a);
    }

    #[test]
    fn an_effective_date_before_signing_is_refused() {
        assert!(check_effective(ymd(2026, 3, 1), Some(ymd(2026, 2, 28))).is_err());
        assert!(check_effective(ymd(2026, 3, 1), Some(ymd(2026, 3, 1))).is_ok());
        assert!(check_effective(ymd(2026, 3, 1), None).is_ok());
    }
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn real_codes_parse_and_bad_ones_are_refused_in_vietnamese() {
        for c in [
            "1.004227",
            "2.000794",
            "3.000159",
            " 1.001193 ",
            "10.000001",
        ] {
            assert!(ProcedureCode::parse(c).is_ok(), "{c}");
        }
        assert_eq!(
            ProcedureCode::parse(" 1.004227").unwrap().as_str(),
            "1.004227"
        );
        for c in [
            "1.00422",
            "abc",
            "",
            "1004227",
            ".004227",
            "1.0042270",
            "1,004227",
            "a.004227",
            "1.00422a",
        ] {
            let e = ProcedureCode::parse(c).unwrap_err();
            assert!(e.to_string().contains("không hợp lệ"), "{e}");
        }
    }

    #[test]
    fn district_level_ends_with_the_2025_reorganisation() {
        let lv = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_levels(&lv(&["xa", "huyen", "tinh", "xa"]), d("2025-06-30")).unwrap(),
            vec![UnitLevel::Tinh, UnitLevel::Huyen, UnitLevel::Xa]
        );
        assert!(matches!(
            parse_levels(&lv(&["huyen"]), d("2025-07-01")),
            Err(ProcedureError::DistrictAbolished(_))
        ));
        assert!(parse_levels(&lv(&["tinh", "xa"]), d("2025-07-01")).is_ok());
        assert_eq!(
            parse_levels(&[], d("2020-01-01")),
            Err(ProcedureError::NoLevel)
        );
        assert!(matches!(
            parse_levels(&lv(&["phuong"]), d("2020-01-01")),
            Err(ProcedureError::Level(_))
        ));
    }

    #[test]
    fn legacy_online_levels_only_before_august_2022_and_map_for_the_scorecard() {
        assert_eq!(
            OnlineLevel::parse_for("4", d("2021-12-31")).unwrap(),
            OnlineLevel::Legacy(4)
        );
        assert!(OnlineLevel::parse_for("3", d("2022-08-01")).is_err());
        assert_eq!(
            OnlineLevel::parse_for("full", d("2019-01-01")).unwrap(),
            OnlineLevel::Full
        );
        assert!(OnlineLevel::parse("5").is_err());
        assert_eq!(OnlineLevel::Legacy(4).modern(), OnlineLevel::Full);
        assert_eq!(OnlineLevel::Legacy(3).modern(), OnlineLevel::Partial);
        assert_eq!(OnlineLevel::Legacy(2).modern(), OnlineLevel::None);
        assert!(OnlineLevel::Legacy(3).level3_or_more());
        assert!(!OnlineLevel::Legacy(3).level4());
        assert!(OnlineLevel::Full.level4() && OnlineLevel::Full.level3_or_more());
        assert!(!OnlineLevel::None.level3_or_more());
        for l in [1, 2, 3, 4] {
            let x = OnlineLevel::Legacy(l);
            assert_eq!(OnlineLevel::parse(x.code()).unwrap(), x);
        }
    }

    #[test]
    fn longer_local_time_is_a_warning_not_an_error() {
        assert_eq!(check_times(15, 12).unwrap(), (15, 12, None));
        let (_, _, w) = check_times(10, 12).unwrap();
        let w = w.unwrap();
        assert!(w.to_string().contains("12 ngày làm việc"), "{w}");
        assert_eq!(check_times(-1, 3), Err(ProcedureError::NegativeDays(-1)));
    }

    #[test]
    fn time_cut_targets_by_announcement_kind() {
        assert_eq!(Announcement::New.time_cut_target(), Some(20));
        assert_eq!(Announcement::Replaced.time_cut_target(), Some(10));
        assert_eq!(Announcement::Abolished.time_cut_target(), None);
        assert_eq!(meets_time_cut_target(Announcement::New, 15, 12), Some(true));
        assert_eq!(
            meets_time_cut_target(Announcement::New, 15, 13),
            Some(false)
        );
        assert_eq!(
            meets_time_cut_target(Announcement::Amended, 10, 9),
            Some(true)
        );
        assert_eq!(meets_time_cut_target(Announcement::Amended, 0, 0), None);
        assert_eq!(time_cut_percent(20, 15), Some(25.0));
        assert_eq!(time_cut_percent(0, 0), None);
    }

    #[test]
    fn negative_fees_are_refused() {
        let fee = |a| Fee {
            name: "Lệ phí".into(),
            amount: a,
            note: None,
        };
        assert!(check_fees(&[fee(0), fee(8000)]).is_ok());
        let e = check_fees(&[fee(8000), fee(-1)]).unwrap_err();
        assert!(e.to_string().contains("không được âm"), "{e}");
    }

    proptest! {
        #[test]
        fn codes_of_the_right_shape_parse(head in 1u32..=999, tail in 0u32..=999_999) {
            let s = format!("{head}.{tail:06}");
            let code = ProcedureCode::parse(&s).unwrap();
            prop_assert_eq!(code.as_str(), s.as_str());
        }

        #[test]
        fn codes_with_a_short_or_long_tail_are_refused(head in 1u32..=9, tail in 0u32..=99_999, extra in 0u32..=9) {
            let short = format!("{head}.{tail:05}");
            let long = format!("{head}.{tail:06}{extra}");
            prop_assert!(ProcedureCode::parse(&short).is_err());
            prop_assert!(ProcedureCode::parse(&long).is_err());
        }

        #[test]
        fn the_target_is_met_exactly_when_the_cut_reaches_it(s in 1u32..400, l in 0u32..400) {
            let met = meets_time_cut_target(Announcement::New, s, l).unwrap();
            let pct = time_cut_percent(s, l).unwrap();
            prop_assert_eq!(met, pct >= 20.0 - 1e-9);
        }
    }
}
