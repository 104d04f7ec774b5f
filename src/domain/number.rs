//! Document numbers (số ký hiệu): `15/2018/NQ-HĐND`, `01/VBHN-VPQH`, `12/CT-UBND`,
//! `91/2015/QH13`. A `DocumentNumber` can only be built by [`DocumentNumber::parse`], so the rest
//! of the code never re-checks one. The canonical form is NFC, upper case, with `Đ`; the key
//! (`key()`) folds diacritics so that `15/2018/nq-hdnd` and `15/2018/NQ-HĐND` are one number.

use std::fmt;

use super::text::{fold_upper, nfc};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentNumber {
    canonical: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("số ký hiệu trống")]
    Empty,
    #[error("số ký hiệu «{0}» không đúng dạng: cần dạng «số/năm/ký hiệu» (15/2018/NQ-HĐND) hoặc «số/ký hiệu» (12/CT-UBND)")]
    Shape(String),
    #[error("số ký hiệu «{0}»: năm «{1}» phải gồm 4 chữ số từ 1945 đến 2100")]
    Year(String, String),
    #[error(
        "số ký hiệu «{0}»: phần số thứ tự «{1}» phải là chữ số (có thể kèm một chữ cái, ví dụ 15a)"
    )]
    Sequence(String, String),
    #[error("số ký hiệu «{0}»: ký hiệu «{1}» phải bắt đầu bằng chữ cái và chỉ gồm chữ cái, chữ số, dấu gạch ngang")]
    Symbol(String, String),
}

impl DocumentNumber {
    /// Parses a number as typed by an officer: spaces around `/` and `-` are dropped, case and
    /// Unicode form are normalised.
    pub fn parse(input: &str) -> Result<Self, NumberError> {
        let s: String = nfc(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if s.is_empty() {
            return Err(NumberError::Empty);
        }
        let parts: Vec<&str> = s.split('/').collect();
        match parts.as_slice() {
            [seq, year, symbol] => {
                check_sequence(input, seq)?;
                if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
                    return Err(NumberError::Year(input.trim().into(), (*year).into()));
                }
                let y: u32 = year
                    .parse()
                    .map_err(|_| NumberError::Year(input.into(), (*year).into()))?;
                if !(1945..=2100).contains(&y) {
                    return Err(NumberError::Year(input.trim().into(), (*year).into()));
                }
                check_symbol(input, symbol)?;
            }
            [seq, symbol] => {
                check_sequence(input, seq)?;
                check_symbol(input, symbol)?;
            }
            [bare] => {
                // Unnumbered acts carry only a symbol and a year, e.g. the Constitution `HP2013`.
                let letters = bare.chars().take_while(|c| c.is_alphabetic()).count();
                let digits = &bare[bare
                    .char_indices()
                    .nth(letters)
                    .map_or(bare.len(), |(i, _)| i)..];
                if letters < 2 || digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
                    return Err(NumberError::Shape(input.trim().into()));
                }
            }
            _ => return Err(NumberError::Shape(input.trim().into())),
        }
        Ok(DocumentNumber { canonical: s })
    }

    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// Folded form (`15/2018/NQ-HDND`) used for uniqueness and lookup.
    pub fn key(&self) -> String {
        fold_upper(&self.canonical)
    }

    /// Issue year when the number carries one.
    pub fn year(&self) -> Option<i32> {
        let parts: Vec<&str> = self.canonical.split('/').collect();
        if parts.len() == 3 {
            parts[1].parse().ok()
        } else {
            None
        }
    }
}

fn check_sequence(input: &str, seq: &str) -> Result<(), NumberError> {
    let digits = seq.chars().take_while(|c| c.is_ascii_digit()).count();
    let rest = seq.chars().skip(digits).count();
    if digits == 0
        || digits > 6
        || rest > 1
        || (rest == 1 && !seq.ends_with(|c: char| c.is_alphabetic()))
    {
        return Err(NumberError::Sequence(input.trim().into(), seq.into()));
    }
    Ok(())
}

fn check_symbol(input: &str, symbol: &str) -> Result<(), NumberError> {
    let ok = symbol.chars().next().is_some_and(char::is_alphabetic)
        && symbol.chars().all(|c| c.is_alphanumeric() || c == '-')
        && !symbol.ends_with('-')
        && !symbol.contains("--");
    if ok {
        Ok(())
    } else {
        Err(NumberError::Symbol(input.trim().into(), symbol.into()))
    }
}

impl DocumentNumber {
    /// The keys a stored number is found by in every search box (header search, `/documents?q=`,
    /// the API): the whole number, `seq/year`, `seq/year/FIRST` (`NQ 15/2018`) and `seq/symbol`
    /// (a number typed without its year). Folded and with the ordinal's leading zeros dropped, so
    /// that a [`TypedNumber`] finds it whatever zeros, case or diacritics the reader used.
    pub fn search_keys(&self) -> Vec<String> {
        let key = self.key();
        let parts: Vec<&str> = key.split('/').collect();
        match parts.as_slice() {
            [seq, year, symbol] => {
                let seq = drop_zeros(seq);
                let mut out = vec![
                    format!("{seq}/{year}/{symbol}"),
                    format!("{seq}/{year}"),
                    format!("{seq}/{symbol}"),
                ];
                if let Some(first) = symbol.split('-').next().filter(|f| f != symbol) {
                    out.push(format!("{seq}/{year}/{first}"));
                }
                out
            }
            [seq, symbol] => vec![format!("{}/{symbol}", drop_zeros(seq))],
            _ => vec![key],
        }
    }
}

/// The ordinal without leading zeros (`07` → `7`, `007A` → `7A`, `0` stays `0`).
fn drop_zeros(seq: &str) -> &str {
    let t = seq.trim_start_matches('0');
    if t.is_empty() || !t.starts_with(|c: char| c.is_ascii_digit()) {
        // All zeros, or zeros before a letter: keep one zero.
        &seq[seq.len() - t.len() - usize::from(seq.len() > t.len())..]
    } else {
        t
    }
}

/// A document number as a reader types it in a search box, possibly incomplete: `7/2020/nq-hdnd`,
/// `07/NQ-HĐND` (no year), `07/2020` (no symbol). Its [`key`](TypedNumber::key) is one of the
/// [`DocumentNumber::search_keys`] of every number it names, which is the only matching rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedNumber {
    key: String,
    seq: String,
    year: Option<String>,
    symbol: Option<String>,
    /// As typed, tidied (NFC, upper case, spaces dropped), for messages.
    shown: String,
}

impl TypedNumber {
    /// Reads a whole query as a number; `None` when it is not one (words, or no `/`).
    pub fn parse(input: &str) -> Option<Self> {
        let shown: String = nfc(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let folded = fold_upper(&shown);
        let parts: Vec<&str> = folded.split('/').collect();
        let seq_ok = |s: &str| check_sequence(s, s).is_ok();
        let year_ok =
            |s: &str| s.len() == 4 && s.parse::<u32>().is_ok_and(|y| (1945..=2100).contains(&y));
        let symbol_ok = |s: &str| check_symbol(s, s).is_ok();
        let (seq, year, symbol) = match parts.as_slice() {
            [seq, year, symbol] if seq_ok(seq) && year_ok(year) && symbol_ok(symbol) => {
                (*seq, Some(*year), Some(*symbol))
            }
            [seq, year] if seq_ok(seq) && year_ok(year) => (*seq, Some(*year), None),
            [seq, symbol] if seq_ok(seq) && symbol_ok(symbol) => (*seq, None, Some(*symbol)),
            _ => return None,
        };
        let seq = drop_zeros(seq).to_string();
        let key = [Some(seq.as_str()), year, symbol]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("/");
        Some(TypedNumber {
            key,
            seq,
            year: year.map(String::from),
            symbol: symbol.map(String::from),
            shown,
        })
    }

    /// The search key: a term of the index's `number_key` field.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The number as the reader typed it, tidied: `15/2018/NQ-HĐND`.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Whether this typed number names `stored`.
    pub fn finds(&self, stored: &DocumentNumber) -> bool {
        stored.search_keys().contains(&self.key)
    }

    /// Whether `stored` is a number the reader may have meant when this one names no document:
    /// the same ordinal and year with another symbol, the same ordinal and symbol in another
    /// year, or the ordinal one digit off (typed, dropped or added) with the rest the same.
    pub fn is_near(&self, stored: &DocumentNumber) -> bool {
        if self.finds(stored) {
            return false;
        }
        let key = stored.key();
        let parts: Vec<&str> = key.split('/').collect();
        let (seq, year, symbol) = match parts.as_slice() {
            [seq, year, symbol] => (drop_zeros(seq), Some(*year), Some(*symbol)),
            [seq, symbol] => (drop_zeros(seq), None, Some(*symbol)),
            _ => return false,
        };
        let same_year = self.year.as_deref().is_none_or(|y| Some(y) == year);
        let same_symbol = self.symbol.as_deref().is_none_or(|s| Some(s) == symbol);
        let same_seq = self.seq == seq;
        (same_seq && self.year.is_some() && same_year && !same_symbol)
            || (same_seq && self.symbol.is_some() && same_symbol && !same_year)
            || (same_year && same_symbol && one_digit_off(&self.seq, seq))
    }
}

/// Two ordinals that differ by one digit typed wrong, dropped or added.
fn one_digit_off(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    match a.len().abs_diff(b.len()) {
        0 => a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1,
        1 => {
            let (short, long) = if a.len() < b.len() {
                (&a, &b)
            } else {
                (&b, &a)
            };
            (0..long.len()).any(|i| {
                let mut l = long.clone();
                l.remove(i);
                l == *short
            })
        }
        _ => false,
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_local_and_central_shapes() {
        for (input, canonical) in [
            ("15/2018/NQ-HĐND", "15/2018/NQ-HĐND"),
            ("15/2018/nq-hđnd", "15/2018/NQ-HĐND"),
            (" 15 / 2018 / NQ - HĐND ", "15/2018/NQ-HĐND"),
            ("01/VBHN-VPQH", "01/VBHN-VPQH"),
            ("12/CT-UBND", "12/CT-UBND"),
            ("91/2015/QH13", "91/2015/QH13"),
            ("100/2015/NĐ-CP", "100/2015/NĐ-CP"),
            ("HP2013", "HP2013"),
            ("15a/2018/QĐ-UBND", "15A/2018/QĐ-UBND"),
        ] {
            let n = DocumentNumber::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(n.as_str(), canonical);
        }
    }

    #[test]
    fn key_ignores_diacritics() {
        let a = DocumentNumber::parse("15/2018/NQ-HĐND").unwrap();
        let b = DocumentNumber::parse("15/2018/nq-hdnd").unwrap();
        assert_eq!(a.key(), b.key());
        assert_eq!(a.key(), "15/2018/NQ-HDND");
        assert_eq!(a.year(), Some(2018));
        assert_eq!(DocumentNumber::parse("12/CT-UBND").unwrap().year(), None);
    }

    #[test]
    fn nfd_input_is_stored_nfc() {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "15/2018/NQ-HĐND".nfd().collect();
        assert_eq!(
            DocumentNumber::parse(&nfd).unwrap().as_str(),
            "15/2018/NQ-HĐND"
        );
    }

    #[test]
    fn rejects_malformed() {
        assert!(matches!(
            DocumentNumber::parse("abc"),
            Err(NumberError::Shape(_))
        ));
        assert!(matches!(
            DocumentNumber::parse("15/18/NQ"),
            Err(NumberError::Year(..))
        ));
        assert!(matches!(DocumentNumber::parse(""), Err(NumberError::Empty)));
        assert!(matches!(
            DocumentNumber::parse("x/2018/NQ"),
            Err(NumberError::Sequence(..))
        ));
        assert!(matches!(
            DocumentNumber::parse("15/2018/-NQ"),
            Err(NumberError::Symbol(..))
        ));
        assert!(matches!(
            DocumentNumber::parse("15/1800/NQ"),
            Err(NumberError::Year(..))
        ));
        assert!(matches!(
            DocumentNumber::parse("1/2/3/4"),
            Err(NumberError::Shape(_))
        ));
        assert!(DocumentNumber::parse("15/2018/NQ--HĐND").is_err());
    }

    #[test]
    fn typed_numbers_as_people_type_them() {
        let n = DocumentNumber::parse("07/2020/NQ-HĐND").unwrap();
        for typed in [
            "7/2020/NQ-HĐND",
            "07/2020/nq-hdnd",
            " 7 / 2020 / nq - hđnd ",
            "07/NQ-HĐND",
            "7/nq-hdnd",
            "07/2020",
            "7/2020",
            "7/2020/NQ",
        ] {
            let t = TypedNumber::parse(typed).unwrap_or_else(|| panic!("{typed}"));
            assert!(t.finds(&n), "{typed}");
        }
        for other in ["17/2020/NQ-HĐND", "7/2021", "7/QĐ-UBND", "70/2020"] {
            let t = TypedNumber::parse(other).unwrap_or_else(|| panic!("{other}"));
            assert!(!t.finds(&n), "{other}");
        }
        for words in [
            "khai sinh",
            "nghị quyết 15/2018 về thủy sản",
            "15",
            "a/b",
            "",
        ] {
            assert_eq!(TypedNumber::parse(words), None, "{words}");
        }
        let typed = TypedNumber::parse("15/2018/NQ-HĐND").unwrap();
        assert_eq!(typed.shown(), "15/2018/NQ-HĐND");
        for (stored, near) in [
            ("15/2018/QĐ-UBND", true),  // same ordinal and year, other symbol
            ("15/2019/NQ-HĐND", true),  // same ordinal and symbol, other year
            ("16/2018/NQ-HĐND", true),  // one digit off
            ("5/2018/NQ-HĐND", true),   // one digit dropped
            ("115/2018/NQ-HĐND", true), // one digit added
            ("15/2018/NQ-HĐND", false), // the number itself
            ("26/2018/NQ-HĐND", false),
            ("16/2019/NQ-HĐND", false),
            ("12/CT-UBND", false),
        ] {
            let n = DocumentNumber::parse(stored).unwrap();
            assert_eq!(typed.is_near(&n), near, "{stored}");
        }
        assert_eq!(drop_zeros("007"), "7");
        assert_eq!(drop_zeros("0"), "0");
        assert_eq!(drop_zeros("00"), "0");
        assert_eq!(drop_zeros("07A"), "7A");
        assert_eq!(drop_zeros("0A"), "0A");
    }

    proptest! {
        #[test]
        fn parse_is_idempotent(seq in 1u32..9999, year in 1945u32..2100, sym in "[A-ZĐ]{1,4}(-[A-ZĐ]{1,5})?") {
            let n = DocumentNumber::parse(&format!("{seq}/{year}/{sym}")).unwrap();
            let again = DocumentNumber::parse(n.as_str()).unwrap();
            prop_assert_eq!(n, again);
        }

        /// Every stored number, re-typed as people type it (zeros dropped, case changed,
        /// diacritics stripped, spaces added, year or symbol left out), finds itself.
        #[test]
        fn retyped_numbers_find_themselves(
            seq in 1u32..9999,
            zeros in 0usize..3,
            year in 1945u32..2100,
            sym in "[A-ZĐ]{1,4}(-[A-ZĐ]{1,5})?",
            with_year in any::<bool>(),
            shape in 0u8..6,
        ) {
            let stored = if with_year {
                format!("{}{seq}/{year}/{sym}", "0".repeat(zeros))
            } else {
                format!("{}{seq}/{sym}", "0".repeat(zeros))
            };
            let n = DocumentNumber::parse(&stored).unwrap();
            let plain = format!("{seq}/{year}/{sym}");
            let typed = match shape {
                0 => if with_year { plain.clone() } else { format!("{seq}/{sym}") },
                1 => stored.to_lowercase(),
                2 => crate::domain::text::fold(&stored),
                3 => stored.replace('/', " / ").replace('-', " - "),
                4 => format!("{seq}/{}", crate::domain::text::fold(&sym).to_lowercase()),
                _ => if with_year { format!("0{seq}/{year}") } else { format!("{seq}/{sym}") },
            };
            let t = TypedNumber::parse(&typed);
            prop_assert!(t.as_ref().is_some_and(|t| t.finds(&n)), "{} does not find {}", typed, stored);
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = DocumentNumber::parse(&s);
        }
    }
}
