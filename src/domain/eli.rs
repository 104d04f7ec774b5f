//! Stable addresses in the style of the European Legislation Identifier:
//! `/eli/vn/{authority}/{type}/{year}/{number}`, e.g. `/eli/vn/hdnd-96/nghi-quyet/2018/15` for
//! Nghị quyết 15/2018/NQ-HĐND of the Cà Mau People's Council. Every segment is lower-case
//! ASCII: the authority's code, the document type without diacritics, the year of issue (the
//! year in the number when it has one), and the number's sequence part.

use chrono::{Datelike, NaiveDate};

use super::number::DocumentNumber;
use super::text::{fold, nfc};

/// A lower-case ASCII segment: diacritics folded (đ → d), anything else than letters and
/// digits turned into single hyphens.
pub fn slug(s: &str) -> String {
    let folded = fold(&nfc(s)).to_lowercase();
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The four parts of a document's address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Eli {
    pub authority: String,
    pub doc_type: String,
    pub year: i32,
    pub number: String,
}

impl Eli {
    /// The address of a document from its authority code, type, number and issue date.
    pub fn of(authority_code: &str, doc_type: &str, number: &str, issued_on: NaiveDate) -> Eli {
        let parsed = DocumentNumber::parse(number).ok();
        let year = parsed
            .as_ref()
            .and_then(DocumentNumber::year)
            .unwrap_or_else(|| issued_on.year());
        let sequence = number.split('/').next().unwrap_or(number);
        Eli {
            authority: slug(authority_code),
            doc_type: slug(doc_type),
            year,
            number: slug(sequence),
        }
    }

    /// The same parts as written in a request, normalised the same way: `None` when the year
    /// is not a year.
    pub fn from_segments(authority: &str, doc_type: &str, year: &str, number: &str) -> Option<Eli> {
        let year: i32 = year
            .trim()
            .parse()
            .ok()
            .filter(|y| (1945..=2100).contains(y))?;
        // A whole number written in one segment ("15-2018-nq-hdnd") names its sequence.
        let number = slug(number);
        let sequence = number.split('-').next().unwrap_or_default().to_string();
        let e = Eli {
            authority: slug(authority),
            doc_type: slug(doc_type),
            year,
            number: sequence,
        };
        (!e.authority.is_empty() && !e.doc_type.is_empty() && !e.number.is_empty()).then_some(e)
    }

    /// `/eli/vn/{authority}/{type}/{year}/{number}`.
    pub fn path(&self) -> String {
        format!(
            "/eli/vn/{}/{}/{}/{}",
            self.authority, self.doc_type, self.year, self.number
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn addresses_of_local_documents() {
        let e = Eli::of("HDND-96", "Nghị quyết", "15/2018/NQ-HĐND", d(2018, 7, 12));
        assert_eq!(e.path(), "/eli/vn/hdnd-96/nghi-quyet/2018/15");
        // No year in the number: the year of issue.
        let e = Eli::of("UBND-970", "Chỉ thị", "12/CT-UBND", d(2021, 3, 1));
        assert_eq!(e.path(), "/eli/vn/ubnd-970/chi-thi/2021/12");
        // The year in the number wins over a January issue date of the next year.
        let e = Eli::of("UBND-96", "Quyết định", "40/2024/QĐ-UBND", d(2025, 1, 2));
        assert_eq!(e.path(), "/eli/vn/ubnd-96/quyet-dinh/2024/40");
        let e = Eli::of("QH", "Hiến pháp", "HP2013", d(2013, 11, 28));
        assert_eq!(e.path(), "/eli/vn/qh/hien-phap/2013/hp2013");
        let e = Eli::of("UBND-96", "Quyết định", "15a/2019/QĐ-UBND", d(2019, 1, 1));
        assert_eq!(e.number, "15a");
    }

    #[test]
    fn requests_written_otherwise_normalise_to_the_same_address() {
        let canonical = Eli::of("HDND-96", "Nghị quyết", "15/2018/NQ-HĐND", d(2018, 7, 12));
        for (a, t, y, n) in [
            ("hdnd-96", "nghi-quyet", "2018", "15"),
            ("HDND-96", "Nghị-quyết", "2018", "15"),
            ("hđnd-96", "nghị quyết", " 2018", "15-2018-nq-hdnd"),
        ] {
            assert_eq!(
                Eli::from_segments(a, t, y, n),
                Some(canonical.clone()),
                "{a} {t}"
            );
        }
        assert_eq!(
            Eli::from_segments("hdnd-96", "nghi-quyet", "18", "15"),
            None
        );
        assert_eq!(
            Eli::from_segments("hdnd-96", "nghi-quyet", "hai", "15"),
            None
        );
        assert_eq!(Eli::from_segments("", "nghi-quyet", "2018", "15"), None);
    }

    proptest! {
        #[test]
        fn slugs_are_plain_and_stable(s in "\\PC{0,40}") {
            let once = slug(&s);
            prop_assert!(once.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            prop_assert!(!once.starts_with('-') && !once.ends_with('-') && !once.contains("--"));
            prop_assert_eq!(slug(&once), once.clone());
        }
    }
}
