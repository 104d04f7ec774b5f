//! A class of documents that a transitional provision ends on one day (2025 law Điều 72 and
//! Nghị quyết 190/2025/QH15 give the shape: every document of some issuers, levels and types,
//! issued within some dates). The class is data, recorded once with its legal basis; nothing
//! here names a class.

use chrono::NaiveDate;

use crate::domain::kinds::{AuthorityKind, UnitLevel};

/// Which documents a class end covers; an empty list (or a missing date) does not restrict.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocumentClass {
    pub authority_kinds: Vec<AuthorityKind>,
    pub levels: Vec<UnitLevel>,
    /// Canonical document types (`Quyết định`, `Nghị quyết`).
    pub types: Vec<String>,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
}

/// What a class reads of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassMember<'a> {
    pub authority_kind: Option<AuthorityKind>,
    /// The level of the issuer's unit (`None` for a central authority).
    pub level: Option<UnitLevel>,
    pub doc_type: &'a str,
    pub issued_on: NaiveDate,
    /// Only legal normative documents have a validity that a transitional provision ends.
    pub normative: bool,
}

impl DocumentClass {
    pub fn covers(&self, d: &ClassMember<'_>) -> bool {
        let kind = self.authority_kinds.is_empty()
            || d.authority_kind
                .is_some_and(|k| self.authority_kinds.contains(&k));
        let level = self.levels.is_empty() || d.level.is_some_and(|l| self.levels.contains(&l));
        let doc_type = self.types.is_empty() || self.types.iter().any(|t| t == d.doc_type);
        let from = self.issued_from.is_none_or(|f| f <= d.issued_on);
        let to = self.issued_to.is_none_or(|t| d.issued_on <= t);
        d.normative && kind && level && doc_type && from && to
    }
}

/// The end a class sets for one document: the first day it is no longer in force, and the
/// caller's index of the rule (to name its basis).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassEndFact {
    pub rule: usize,
    pub on: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn member<'a>(
        kind: AuthorityKind,
        level: UnitLevel,
        doc_type: &'a str,
        issued: &str,
    ) -> ClassMember<'a> {
        ClassMember {
            authority_kind: Some(kind),
            level: Some(level),
            doc_type,
            issued_on: d(issued),
            normative: true,
        }
    }

    #[test]
    fn a_class_covers_by_issuer_level_type_and_dates() {
        let class = DocumentClass {
            authority_kinds: vec![AuthorityKind::Ubnd],
            levels: vec![UnitLevel::Huyen, UnitLevel::Xa],
            types: vec!["Quyết định".into()],
            issued_from: None,
            issued_to: Some(d("2025-03-31")),
        };
        let m = member(
            AuthorityKind::Ubnd,
            UnitLevel::Xa,
            "Quyết định",
            "2020-01-01",
        );
        assert!(class.covers(&m));
        assert!(!class.covers(&ClassMember {
            normative: false,
            ..m
        }));
        assert!(!class.covers(&member(
            AuthorityKind::Hdnd,
            UnitLevel::Xa,
            "Quyết định",
            "2020-01-01"
        )));
        assert!(!class.covers(&member(
            AuthorityKind::Ubnd,
            UnitLevel::Tinh,
            "Quyết định",
            "2020-01-01"
        )));
        assert!(!class.covers(&member(
            AuthorityKind::Ubnd,
            UnitLevel::Xa,
            "Nghị quyết",
            "2020-01-01"
        )));
        assert!(!class.covers(&member(
            AuthorityKind::Ubnd,
            UnitLevel::Xa,
            "Quyết định",
            "2025-04-01"
        )));
        assert!(DocumentClass::default().covers(&m));
    }
}
