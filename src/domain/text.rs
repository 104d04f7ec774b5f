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
