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

    proptest! {
        #[test]
        fn parse_is_idempotent(seq in 1u32..9999, year in 1945u32..2100, sym in "[A-ZĐ]{1,4}(-[A-ZĐ]{1,5})?") {
            let n = DocumentNumber::parse(&format!("{seq}/{year}/{sym}")).unwrap();
            let again = DocumentNumber::parse(n.as_str()).unwrap();
            prop_assert_eq!(n, again);
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = DocumentNumber::parse(&s);
        }
    }
}
