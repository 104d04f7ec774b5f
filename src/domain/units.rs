//! How the 2025 reorganisation of administrative units is told to readers: the label that sets
//! apart units of the same name (`Xã Tân Thuận (huyện Đầm Dơi cũ, tỉnh Cà Mau)`), the notice
//! on an abolished unit's pages (merged into one unit, merged with others into a new one, or
//! split among several), the successor's "taken over from" line, and the Vietnamese
//! alphabetical order lists use. Pure: the callers look the units up.

use std::cmp::Ordering;

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use super::kinds::UnitLevel;
use super::text::date_vn;

/// What the label of a unit needs to know about it or one of its ancestors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFacts<'a> {
    pub name: &'a str,
    pub level: UnitLevel,
    /// No longer exists on the day the page is read.
    pub abolished: bool,
    /// Some unit took it over (abolished units only: merged rather than dissolved).
    pub succeeded: bool,
}

/// A unit's name set apart from namesakes, for lists, selects and search results.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnitLabel {
    pub name: String,
    /// `huyện Đầm Dơi cũ, tỉnh Cà Mau`; empty for a province.
    pub context: String,
    /// `đã sáp nhập` or `đã giải thể` for an abolished unit.
    pub status: Option<&'static str>,
    /// Everything on one line, for an `<option>`: `Xã Tân Thuận (huyện Đầm Dơi cũ, tỉnh Cà
    /// Mau) — đã sáp nhập`.
    pub text: String,
}

/// A unit's name in the middle of a sentence: `Huyện Đầm Dơi` → `huyện Đầm Dơi`.
pub fn name_in_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The label of `unit` given its `ancestors`, nearest first (for a commune formed in 2025,
/// whose parent is the province, the caller puts its predecessors' district before the
/// province). The context names the district of a commune (`cũ` once abolished) and the
/// province of a commune or district.
pub fn unit_label(unit: &UnitFacts<'_>, ancestors: &[UnitFacts<'_>]) -> UnitLabel {
    let mut parts = Vec::new();
    if unit.level == UnitLevel::Xa {
        if let Some(d) = ancestors.iter().find(|a| a.level == UnitLevel::Huyen) {
            let old = if d.abolished { " cũ" } else { "" };
            parts.push(format!("{}{old}", name_in_sentence(d.name)));
        }
    }
    if unit.level != UnitLevel::Tinh {
        if let Some(p) = ancestors.iter().find(|a| a.level == UnitLevel::Tinh) {
            let old = if p.abolished { " cũ" } else { "" };
            parts.push(format!("{}{old}", name_in_sentence(p.name)));
        }
    }
    let context = parts.join(", ");
    let status = match (unit.abolished, unit.succeeded) {
        (false, _) => None,
        (true, true) => Some("đã sáp nhập"),
        (true, false) => Some("đã giải thể"),
    };
    let mut text = unit.name.to_string();
    if !context.is_empty() {
        text.push_str(&format!(" ({context})"));
    }
    if let Some(s) = status {
        text.push_str(&format!(" — {s}"));
    }
    UnitLabel {
        name: unit.name.to_string(),
        context,
        status,
        text,
    }
}

/// A unit that took over (part of) an abolished one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Successor<'a> {
    pub name: &'a str,
    pub on: NaiveDate,
    /// The other units merged into it at the same time (besides the abolished one).
    pub merged_with: Vec<&'a str>,
}

/// `A`, `A và B`, `A, B và C`.
pub fn join_vn(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} và {last}", rest.join(", ")),
    }
}

/// `từ ngày 01/07/2025` when every date is the same; `None` when they differ.
fn common_date(dates: &[NaiveDate]) -> Option<NaiveDate> {
    let first = *dates.first()?;
    dates.iter().all(|d| *d == first).then_some(first)
}

/// The notice at the top of an abolished unit's pages (README, "Administrative units"):
///
/// - one successor taking over nothing else (1→1): «Xã X đã sáp nhập vào Phường Y từ ngày
///   01/07/2025.» (`Y (mới)` when it keeps X's name);
/// - one successor formed from several units (n→1): «Xã X đã sáp nhập cùng xã A và xã B
///   thành Xã Y từ ngày 01/07/2025.» (`Y (mới)` when it keeps X's name);
/// - several successors (1→n): «Huyện X đã được chia, nhập vào Xã A, Xã B và Xã C từ ngày
///   01/07/2025.» (more than three: «… vào 7 đơn vị từ ngày …:», the links follow);
/// - none: «Xã X đã giải thể từ ngày …» (the day after its last day), or without a day.
///
/// Successors taking over on different days each carry their own date.
pub fn succession_notice(
    name: &str,
    last_day: Option<NaiveDate>,
    successors: &[Successor<'_>],
) -> String {
    let dates: Vec<NaiveDate> = successors.iter().map(|s| s.on).collect();
    let since = common_date(&dates).map(|d| format!(" từ ngày {}", date_vn(d)));
    match successors {
        [] => match last_day.and_then(|d| d.succ_opt()) {
            Some(d) => format!("{name} đã giải thể từ ngày {}.", date_vn(d)),
            None => format!("{name} đã giải thể."),
        },
        [s] if s.merged_with.is_empty() => {
            let new = if s.name == name { " (mới)" } else { "" };
            format!(
                "{name} đã sáp nhập vào {}{new}{}.",
                s.name,
                since.unwrap_or_default()
            )
        }
        [s] => {
            let others: Vec<String> = s.merged_with.iter().map(|n| name_in_sentence(n)).collect();
            let new = if s.name == name { " (mới)" } else { "" };
            format!(
                "{name} đã sáp nhập cùng {} thành {}{new}{}.",
                join_vn(&others),
                s.name,
                since.unwrap_or_default()
            )
        }
        many => {
            let names: Vec<String> = match since {
                Some(_) => many.iter().map(|s| s.name.to_string()).collect(),
                None => many
                    .iter()
                    .map(|s| format!("{} (từ ngày {})", s.name, date_vn(s.on)))
                    .collect(),
            };
            if many.len() > 3 {
                format!(
                    "{name} đã được chia, nhập vào {} đơn vị{}:",
                    many.len(),
                    since.unwrap_or_default()
                )
            } else {
                format!(
                    "{name} đã được chia, nhập vào {}{}.",
                    join_vn(&names),
                    since.unwrap_or_default()
                )
            }
        }
    }
}

/// The successor's line: «Tiếp nhận từ: Xã Tân Đức, Xã Tân Thuận (cũ), từ ngày 01/07/2025.»
/// (a predecessor of the unit's own name is marked `cũ`; different days are given each);
/// `None` when it took nothing over.
pub fn taken_over_line(name: &str, predecessors: &[(&str, NaiveDate)]) -> Option<String> {
    if predecessors.is_empty() {
        return None;
    }
    let dates: Vec<NaiveDate> = predecessors.iter().map(|p| p.1).collect();
    let common = common_date(&dates);
    let items: Vec<String> = predecessors
        .iter()
        .map(|(n, on)| {
            let old = if *n == name { " (cũ)" } else { "" };
            match common {
                Some(_) => format!("{n}{old}"),
                None => format!("{n}{old} (từ ngày {})", date_vn(*on)),
            }
        })
        .collect();
    Some(match common {
        Some(d) => format!(
            "Tiếp nhận từ: {}, từ ngày {}.",
            items.join(", "),
            date_vn(d)
        ),
        None => format!("Tiếp nhận từ: {}.", items.join(", ")),
    })
}

/// The Vietnamese alphabet's letters in order; a letter with a breve, circumflex or horn is a
/// letter of its own (a < ă < â, o < ô < ơ), `đ` comes after `d`.
const ALPHABET: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";

/// Tones in dictionary order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc),
/// dot below (nặng).
fn tone_rank(c: char) -> Option<u8> {
    match c {
        '\u{300}' => Some(1),
        '\u{309}' => Some(2),
        '\u{303}' => Some(3),
        '\u{301}' => Some(4),
        '\u{323}' => Some(5),
        _ => None,
    }
}

/// The sort key of a text ([`cmp_vn`] compares these): computed once per item when a long
/// list is sorted (`sort_by_cached_key`), not twice per comparison.
pub type CollationKey = (Vec<u32>, Vec<u8>, Vec<bool>);

/// The sort key of a text: letters by the Vietnamese alphabet first, then tones, then case.
pub fn collation_key(s: &str) -> CollationKey {
    let (mut primary, mut tones, mut case) = (Vec::new(), Vec::new(), Vec::new());
    // Decompose, keep the letter-forming marks (breve, circumflex, horn) with their letter,
    // read the tone apart.
    let decomposed: Vec<char> = s.nfd().collect();
    let mut i = 0;
    while i < decomposed.len() {
        let c = decomposed[i];
        i += 1;
        if tone_rank(c).is_some() {
            continue;
        }
        let mut letter = String::from(c);
        let mut tone = 0;
        while let Some(&m) = decomposed.get(i) {
            if let Some(t) = tone_rank(m) {
                tone = t;
            } else if matches!(m, '\u{306}' | '\u{302}' | '\u{31b}') {
                letter.push(m);
            } else {
                break;
            }
            i += 1;
        }
        let letter: String = letter.nfc().collect();
        let lower: String = letter.to_lowercase();
        case.push(lower != letter);
        let rank = lower
            .chars()
            .next()
            .and_then(|l| ALPHABET.chars().position(|a| a == l));
        primary.push(match rank {
            Some(r) => 0x1_0000 + r as u32,
            // Spaces and digits before letters, everything else after them by code point.
            None => match lower.chars().next() {
                Some(c) if c.is_whitespace() => 0,
                Some(c) if c.is_ascii_digit() => 1 + c as u32,
                Some(c) => 0x2_0000 + c as u32,
                None => 0,
            },
        });
        tones.push(tone);
    }
    (primary, tones, case)
}

/// Vietnamese dictionary order: `Tân` < `Tạ` is wrong, `Tạ` < `Tân` is right (`a` < `â`).
pub fn cmp_vn(a: &str, b: &str) -> Ordering {
    collation_key(a).cmp(&collation_key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn facts(name: &str, level: UnitLevel, abolished: bool) -> UnitFacts<'_> {
        UnitFacts {
            name,
            level,
            abolished,
            succeeded: abolished,
        }
    }

    #[test]
    fn a_commune_is_labelled_with_its_former_district_and_province() {
        let old = facts("Xã Tân Thuận", UnitLevel::Xa, true);
        let ancestors = [
            facts("Huyện Đầm Dơi", UnitLevel::Huyen, true),
            facts("Tỉnh Cà Mau", UnitLevel::Tinh, false),
        ];
        let l = unit_label(&old, &ancestors);
        assert_eq!(l.context, "huyện Đầm Dơi cũ, tỉnh Cà Mau");
        assert_eq!(l.status, Some("đã sáp nhập"));
        assert_eq!(
            l.text,
            "Xã Tân Thuận (huyện Đầm Dơi cũ, tỉnh Cà Mau) — đã sáp nhập"
        );
        let new = facts("Xã Tân Thuận", UnitLevel::Xa, false);
        let l = unit_label(&new, &ancestors[1..]);
        assert_eq!(l.text, "Xã Tân Thuận (tỉnh Cà Mau)");
        assert_eq!(l.status, None);
    }

    #[test]
    fn a_district_names_its_province_a_province_nothing() {
        let l = unit_label(
            &facts("Huyện Đầm Dơi", UnitLevel::Huyen, false),
            &[facts("Tỉnh Cà Mau", UnitLevel::Tinh, false)],
        );
        assert_eq!(l.text, "Huyện Đầm Dơi (tỉnh Cà Mau)");
        let mut gone = facts("Tỉnh Bạc Liêu", UnitLevel::Tinh, true);
        assert_eq!(unit_label(&gone, &[]).text, "Tỉnh Bạc Liêu — đã sáp nhập");
        gone.succeeded = false;
        assert_eq!(unit_label(&gone, &[]).status, Some("đã giải thể"));
    }

    #[test]
    fn one_into_one() {
        let s = [Successor {
            name: "Phường Y",
            on: d(2025, 7, 1),
            merged_with: vec![],
        }];
        assert_eq!(
            succession_notice("Xã X", Some(d(2025, 6, 30)), &s),
            "Xã X đã sáp nhập vào Phường Y từ ngày 01/07/2025."
        );
    }

    #[test]
    fn several_into_one() {
        let s = [Successor {
            name: "Xã Tân Thuận",
            on: d(2025, 7, 1),
            merged_with: vec!["Xã Tân Đức"],
        }];
        assert_eq!(
            succession_notice("Xã Tân Thuận", None, &s),
            "Xã Tân Thuận đã sáp nhập cùng xã Tân Đức thành Xã Tân Thuận (mới) từ ngày 01/07/2025."
        );
        let s = [Successor {
            name: "Phường Y",
            on: d(2025, 7, 1),
            merged_with: vec!["Xã A", "Xã B"],
        }];
        assert_eq!(
            succession_notice("Xã X", None, &s),
            "Xã X đã sáp nhập cùng xã A và xã B thành Phường Y từ ngày 01/07/2025."
        );
    }

    #[test]
    fn one_into_several() {
        let two = [
            Successor {
                name: "Xã A",
                on: d(2025, 7, 1),
                merged_with: vec![],
            },
            Successor {
                name: "Xã B",
                on: d(2025, 7, 1),
                merged_with: vec!["Xã C"],
            },
        ];
        assert_eq!(
            succession_notice("Huyện H", None, &two),
            "Huyện H đã được chia, nhập vào Xã A và Xã B từ ngày 01/07/2025."
        );
        let mut dated = two.clone();
        dated[1].on = d(2025, 8, 1);
        assert_eq!(
            succession_notice("Huyện H", None, &dated),
            "Huyện H đã được chia, nhập vào Xã A (từ ngày 01/07/2025) và Xã B (từ ngày 01/08/2025)."
        );
        let names = ["Xã A", "Xã B", "Xã C", "Xã D"];
        let four: Vec<Successor> = names
            .iter()
            .map(|n| Successor {
                name: n,
                on: d(2025, 7, 1),
                merged_with: vec![],
            })
            .collect();
        assert_eq!(
            succession_notice("Huyện H", None, &four),
            "Huyện H đã được chia, nhập vào 4 đơn vị từ ngày 01/07/2025:"
        );
    }

    #[test]
    fn none_is_dissolved_from_the_day_after_the_last() {
        assert_eq!(
            succession_notice("Xã X", Some(d(2025, 6, 30)), &[]),
            "Xã X đã giải thể từ ngày 01/07/2025."
        );
        assert_eq!(succession_notice("Xã X", None, &[]), "Xã X đã giải thể.");
    }

    #[test]
    fn taken_over_from() {
        assert_eq!(taken_over_line("Xã Y", &[]), None);
        assert_eq!(
            taken_over_line(
                "Xã Tân Thuận",
                &[
                    ("Xã Tân Đức", d(2025, 7, 1)),
                    ("Xã Tân Thuận", d(2025, 7, 1))
                ]
            )
            .as_deref(),
            Some("Tiếp nhận từ: Xã Tân Đức, Xã Tân Thuận (cũ), từ ngày 01/07/2025.")
        );
        assert_eq!(
            taken_over_line("Xã Y", &[("Xã A", d(2020, 1, 1)), ("Xã B", d(2025, 7, 1))]).as_deref(),
            Some("Tiếp nhận từ: Xã A (từ ngày 01/01/2020), Xã B (từ ngày 01/07/2025).")
        );
    }

    #[test]
    fn vietnamese_order() {
        let mut v = vec![
            "Xã Tân Thuận",
            "Xã Tạ An Khương",
            "Xã Đầm Dơi",
            "Xã Trần Phán",
            "Xã Quách Phẩm",
            "Xã Dân",
            "Xã Tân Đức",
            "Xã Tân Duyệt",
        ];
        v.sort_by(|a, b| cmp_vn(a, b));
        assert_eq!(
            v,
            vec![
                "Xã Dân",
                "Xã Đầm Dơi",
                "Xã Quách Phẩm",
                "Xã Tạ An Khương",
                "Xã Tân Duyệt",
                "Xã Tân Đức",
                "Xã Tân Thuận",
                "Xã Trần Phán",
            ]
        );
        // Tones after letters: ma, mà, mả, mã, má, mạ; then mă.
        let mut t = vec!["mă", "mạ", "má", "mã", "mả", "mà", "ma"];
        t.sort_by(|a, b| cmp_vn(a, b));
        assert_eq!(t, vec!["ma", "mà", "mả", "mã", "má", "mạ", "mă"]);
        // NFD and NFC alike.
        let nfd: String = "Tân Đức".nfd().collect();
        assert_eq!(cmp_vn(&nfd, "Tân Đức"), Ordering::Equal);
    }
}
