//! Text normalisation shared by the registry: every string that enters vanban is NFC, and
//! comparisons of numbers and names use a folded form (no diacritics, `đ` → `d`, upper case).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The NFC form of `s`, trimmed of surrounding whitespace.
pub fn nfc(s: &str) -> String {
    nfc_keep(s.trim())
}

/// The NFC form of `s`, keeping surrounding whitespace (for full texts). Text that is already
/// NFC (nearly all of it) is copied without being decomposed and recomposed.
pub fn nfc_keep(s: &str) -> String {
    match unicode_normalization::is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s.to_string(),
        _ => s.nfc().collect(),
    }
}

/// Removes every diacritic (tone and vowel marks) and maps `đ`/`Đ` to `d`/`D`.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// Folded, upper-cased form used to compare document numbers and codes.
pub fn fold_upper(s: &str) -> String {
    fold(s).to_uppercase()
}

/// Formats a date the Vietnamese way: `dd/mm/yyyy`.
pub fn date_vn(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The place name (địa danh) a document or minute of a unit is dated at: the unit's name
/// without its kind (`Xã Đầm Dơi` → `Đầm Dơi`, `Thành phố Cà Mau` → `Cà Mau`), as in
/// «Đầm Dơi, ngày 05 tháng 12 năm 2026».
pub fn place_of_unit(name: &str) -> String {
    const KINDS: [&str; 9] = [
        "Thành phố ",
        "Thị trấn ",
        "Thị xã ",
        "Đặc khu ",
        "Phường ",
        "Huyện ",
        "Quận ",
        "Tỉnh ",
        "Xã ",
    ];
    let name = nfc(name.trim());
    let lower = name.to_lowercase();
    for kind in KINDS {
        if lower.starts_with(&kind.to_lowercase()) {
            let rest = name[kind.len()..].trim();
            if !rest.is_empty() {
                return rest.to_string();
            }
        }
    }
    name
}

/// Vietnam's time (Asia/Ho_Chi_Minh): UTC+7 all year, Vietnam keeps no daylight saving.
pub const VIETNAM_UTC_OFFSET_HOURS: i64 = 7;

/// A UTC instant as stored (naive UTC) in Vietnam's wall-clock time. Every date or time shown
/// to a person goes through here, so that 20:00 UTC is already the next day.
pub fn to_vietnam(utc: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    utc + chrono::Duration::hours(VIETNAM_UTC_OFFSET_HOURS)
}

/// The day in Vietnam on which a UTC instant falls.
pub fn date_in_vietnam(utc: chrono::NaiveDateTime) -> chrono::NaiveDate {
    to_vietnam(utc).date()
}

/// A UTC instant shown in Vietnam's time: `dd/mm/yyyy HH:MM`.
pub fn datetime_vn(utc: chrono::NaiveDateTime) -> String {
    to_vietnam(utc).format("%d/%m/%Y %H:%M").to_string()
}

/// An RFC 3339 timestamp (any offset) shown in Vietnam's time; text that is not one is shown
/// as it is.
pub fn timestamp_vn(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| datetime_vn(t.naive_utc()))
        .unwrap_or_else(|_| at.to_string())
}

/// Why a date written in a spreadsheet or form is not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{0}» không phải là ngày hợp lệ: viết theo dạng ngày/tháng/năm (02/10/2025), «ngày 02 tháng 10 năm 2025» hoặc 2025-10-02")]
pub struct DateError(pub String);

/// Reads a date written the ways Vietnamese officers write them: `02/10/2025`, `2/10/2025`,
/// `02-10-2025`, `02.10.2025`, `ngày 02/10/2025`, `ngày 02 tháng 10 năm 2025`, and ISO
/// `2025-10-02`. Years have four digits; impossible days (31/02) are refused.
pub fn parse_date_vn(input: &str) -> Result<chrono::NaiveDate, DateError> {
    let err = || DateError(input.trim().to_string());
    let folded = fold(&nfc(input)).to_lowercase();
    let s = folded.trim().trim_end_matches(['.', ',', ';']);
    let s = s.strip_prefix("ngay").map_or(s, str::trim_start);
    let numbers: Vec<&str> = if s.contains("thang") {
        // "02 tháng 10 năm 2025"
        let rest = s.replace("thang", " ").replace("nam", " ");
        let parts: Vec<String> = rest.split_whitespace().map(str::to_string).collect();
        if parts.len() != 3 {
            return Err(err());
        }
        return from_parts(&parts[0], &parts[1], &parts[2]).ok_or_else(err);
    } else {
        s.split(['/', '-', '.']).map(str::trim).collect()
    };
    match numbers.as_slice() {
        [y, m, d] if y.len() == 4 => from_parts(d, m, y),
        [d, m, y] => from_parts(d, m, y),
        _ => None,
    }
    .ok_or_else(err)
}

fn from_parts(d: &str, m: &str, y: &str) -> Option<chrono::NaiveDate> {
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.chars().all(|c| c.is_ascii_digit())
    };
    if !digits(d, 2) || !digits(m, 2) || y.len() != 4 || !digits(y, 4) {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The first date written after "ngày" in a longer text, as in a paper's reference
/// (`Công văn số 2170/STP-XDTHPL ngày 02/10/2025`).
pub fn date_in_text(text: &str) -> Option<chrono::NaiveDate> {
    let folded = fold(&nfc(text)).to_lowercase();
    let words: Vec<&str> = folded.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if *w != "ngay" {
            continue;
        }
        if let Some(next) = words.get(i + 1) {
            if let Ok(d) = parse_date_vn(next) {
                return Some(d);
            }
        }
        if words.len() >= i + 6 {
            if let Ok(d) = parse_date_vn(&words[i + 1..i + 6].join(" ")) {
                return Some(d);
            }
        }
    }
    None
}

#[cfg(test)]
mod place_tests {
    use super::place_of_unit;

    #[test]
    fn a_place_is_a_unit_name_without_its_kind() {
        assert_eq!(place_of_unit("Xã Đầm Dơi"), "Đầm Dơi");
        assert_eq!(place_of_unit("Thành phố Cà Mau"), "Cà Mau");
        assert_eq!(place_of_unit(" Tỉnh Cà Mau "), "Cà Mau");
        assert_eq!(place_of_unit("thị trấn Đầm Dơi"), "Đầm Dơi");
        assert_eq!(place_of_unit("Phường 5"), "5");
        // Nothing to strip, or nothing left: the name as it is.
        assert_eq!(place_of_unit("Đầm Dơi"), "Đầm Dơi");
        assert_eq!(place_of_unit("Xã"), "Xã");
        // NFD input is the same place.
        assert_eq!(
            place_of_unit("Xa\u{303} \u{110}a\u{302}\u{300}m Do\u{31b}i"),
            "Đầm Dơi"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_as_officers_write_them() {
        for s in [
            "02/10/2025",
            "2/10/2025",
            "02-10-2025",
            "02.10.2025",
            "ngày 02/10/2025",
            "Ngày 2 tháng 10 năm 2025",
            "ngày 02 tháng 10 năm 2025.",
            "2025-10-02",
            " 02 / 10 / 2025 ",
        ] {
            assert_eq!(parse_date_vn(s), Ok(ymd(2025, 10, 2)), "{s}");
        }
    }

    #[test]
    fn impossible_or_ambiguous_dates_are_refused() {
        for s in [
            "31/02/2025",
            "02/10/25",
            "2025",
            "",
            "hôm qua",
            "02/13/2025",
            "1/2/3/2025",
        ] {
            let e = parse_date_vn(s).unwrap_err();
            assert!(e.to_string().contains("không phải là ngày hợp lệ"), "{s}");
        }
    }

    #[test]
    fn dates_inside_paper_references() {
        assert_eq!(
            date_in_text("Công văn số 2170/STP-XDTHPL ngày 02/10/2025 của Sở Tư pháp"),
            Some(ymd(2025, 10, 2))
        );
        assert_eq!(
            date_in_text("Tờ trình số 5/TTr-UBND ngày 5 tháng 11 năm 2025"),
            Some(ymd(2025, 11, 5))
        );
        assert_eq!(date_in_text("Công văn số 2170/STP-XDTHPL"), None);
    }

    proptest! {
        #[test]
        fn written_dates_read_back(days in 0i64..60_000) {
            let d = ymd(1950, 1, 1) + chrono::Duration::days(days);
            prop_assert_eq!(parse_date_vn(&date_vn(d)), Ok(d));
            prop_assert_eq!(parse_date_vn(&d.format("%Y-%m-%d").to_string()), Ok(d));
            prop_assert_eq!(parse_date_vn(&d.format("ngày %-d tháng %-m năm %Y").to_string()), Ok(d));
        }
    }

    #[test]
    fn nfd_input_becomes_nfc() {
        let nfd: String = "Nghị quyết".nfd().collect();
        assert_ne!(nfd, "Nghị quyết");
        assert_eq!(nfc(&nfd), "Nghị quyết");
    }

    #[test]
    fn folding_removes_marks_and_dd() {
        assert_eq!(fold("Đầm Dơi thủy hòa"), "Dam Doi thuy hoa");
        assert_eq!(fold_upper("nq-hđnd"), "NQ-HDND");
    }
}

/// Writes a whole number the Vietnamese way, with a dot between thousands: `1234` → `1.234`.
pub fn number_vn(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Writes a decimal number the Vietnamese way, rounded to `places` digits after a decimal
/// comma, thousands separated by dots: `1234.56` with 1 place → `1.234,6`; trailing `,0` kept
/// so that a column of percentages lines up.
pub fn decimal_vn(x: f64, places: usize) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    let fixed = format!("{:.*}", places, x.abs());
    let (whole, frac) = fixed.split_once('.').unwrap_or((fixed.as_str(), ""));
    let whole: i64 = whole.parse().unwrap_or(0);
    let negative = x < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&number_vn(whole));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// A percentage as shown on pages: one decimal and a percent sign (`16,7%`); a share of an
/// empty set has no value and is written `—`, never 0% or 100%.
pub fn percent_vn(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_string(), |p| format!("{}%", decimal_vn(p, 1)))
}

/// `part` of `whole` as a percentage for pages (`1` of `6` → `16,7%`); `—` when `whole` is 0.
pub fn share_vn(part: u64, whole: u64) -> String {
    if whole == 0 {
        return percent_vn(None);
    }
    percent_vn(Some(part as f64 * 100.0 / whole as f64))
}

#[cfg(test)]
mod numbers_vn {
    use super::*;

    #[test]
    fn thousands_take_a_dot() {
        assert_eq!(number_vn(0), "0");
        assert_eq!(number_vn(999), "999");
        assert_eq!(number_vn(1234), "1.234");
        assert_eq!(number_vn(1_234_567), "1.234.567");
        assert_eq!(number_vn(-1234), "-1.234");
    }

    #[test]
    fn decimals_take_a_comma() {
        assert_eq!(decimal_vn(16.666, 1), "16,7");
        assert_eq!(decimal_vn(1234.56, 1), "1.234,6");
        assert_eq!(decimal_vn(100.0, 1), "100,0");
        assert_eq!(decimal_vn(2.6, 0), "3");
        assert_eq!(decimal_vn(-0.01, 1), "0,0");
        assert_eq!(decimal_vn(f64::NAN, 1), "—");
    }

    #[test]
    fn evening_utc_is_the_next_day_in_vietnam() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(20, 0, 0)
            .unwrap();
        assert_eq!(date_in_vietnam(t).to_string(), "2026-12-02");
        assert_eq!(datetime_vn(t), "02/12/2026 03:00");
        assert_eq!(timestamp_vn("2026-12-01T20:00:00Z"), "02/12/2026 03:00");
        assert_eq!(
            timestamp_vn("2026-12-02T03:00:00+07:00"),
            "02/12/2026 03:00"
        );
        assert_eq!(timestamp_vn("không rõ"), "không rõ");
    }

    #[test]
    fn percentages_and_empty_shares() {
        assert_eq!(percent_vn(Some(16.666)), "16,7%");
        assert_eq!(percent_vn(None), "—");
        assert_eq!(share_vn(1, 6), "16,7%");
        assert_eq!(share_vn(0, 0), "—");
        assert_eq!(share_vn(0, 4), "0,0%");
    }
}
