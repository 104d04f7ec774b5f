//! Who may issue what, and how soon it may take effect: the rules of the law on legal documents
//! that `vanban check` applies to local legal normative documents (văn bản quy phạm pháp luật),
//! each chosen by the date of the event it governs (law-notes: "choose the rule by the date").
//!
//! - [`minimum_gap`]: the fewest days between signing and taking effect
//!   (Luật 80/2015/QH13, Điều 151 khoản 1 until 31/3/2025; Luật 64/2025/QH15, Điều 53 khoản 1
//!   from 1/4/2025).
//! - [`may_issue`]: the issuer-type table by signing date (Luật 31/2004/QH11, Điều 1 before
//!   1/7/2016; Luật 80/2015/QH13, Điều 4 khoản 13–19; Luật 64/2025/QH15, Điều 4 from 1/4/2025;
//!   Luật 87/2025/QH15, Điều 1 amending Điều 4 from 1/7/2025).
//! - [`symbol_contradicts`]: the type a number's symbol names (`NQ-HĐND` a Nghị quyết,
//!   `QĐ-UBND` a Quyết định …) against the type the document is filed as.
//! - [`default_normative`]: whether a document is a legal normative document when the record
//!   does not say.
//!
//! Pure: no I/O, no clock.

use chrono::NaiveDate;

use super::kinds::{AuthorityKind, UnitLevel};
use super::number::DocumentNumber;
use super::text::fold_upper;

/// Luật 80/2015/QH13 takes effect (and Luật 31/2004/QH11 on HĐND/UBND documents ends).
pub const LAW_2015_FROM: NaiveDate = date(2016, 7, 1);
/// Luật 64/2025/QH15 takes effect.
pub const LAW_2025_FROM: NaiveDate = date(2025, 4, 1);
/// Luật 87/2025/QH15 (amending Luật 64/2025) takes effect; district bodies end (Luật 72/2025).
pub const AMENDMENT_2025_FROM: NaiveDate = date(2025, 7, 1);

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("invalid constant date"),
    }
}

/// Articles cited by the rules of this module and by `vanban check`.
pub mod article {
    pub const GAP_2015: &str = "Luật 80/2015/QH13, Điều 151 khoản 1";
    pub const GAP_2025: &str = "Luật 64/2025/QH15, Điều 53 khoản 1";
    pub const TYPES_2004: &str = "Luật 31/2004/QH11, Điều 1";
    pub const TYPES_2015: &str = "Luật 80/2015/QH13, Điều 4 khoản 13–19";
    pub const TYPES_2025: &str = "Luật 64/2025/QH15, Điều 4";
    pub const TYPES_2025_AMENDED: &str =
        "Luật 64/2025/QH15, Điều 4, sửa đổi bởi Luật 87/2025/QH15, Điều 1";
    pub const NUMBER: &str = "Luật 80/2015/QH13, Điều 8; Nghị định 30/2020/NĐ-CP, Phụ lục III";
    pub const RETROACTIVE: &str = "Luật 80/2015/QH13, Điều 152 khoản 3; Luật 64/2025/QH15, Điều 54";
    pub const CEASING: &str =
        "Luật 80/2015/QH13, Điều 154 khoản 1; Luật 64/2025/QH15, Điều 57 khoản 1";
    pub const IN_FORCE: &str = "Luật 80/2015/QH13, Điều 151; Luật 64/2025/QH15, Điều 53";
    pub const DECLARED_EXPIRY: &str = "Luật 64/2025/QH15, Điều 57 khoản 2";
    pub const UNIT_ENDED: &str =
        "Luật Tổ chức chính quyền địa phương 72/2025/QH15; Nghị quyết 190/2025/QH15";
}

/// Document types, spelled as `kinds::DOCUMENT_TYPES` spells them.
pub mod types {
    pub const NGHI_QUYET: &str = "Nghị quyết";
    pub const QUYET_DINH: &str = "Quyết định";
    pub const CHI_THI: &str = "Chỉ thị";
}

/// The fewest days between signing and taking effect, with the article that sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub days: i64,
    pub article: &'static str,
}

/// Minimum gap for a document of local government at `level` signed on `signed`.
/// Before 1/4/2025: 10 days for provincial documents, 7 for district and commune ones
/// (Luật 80/2015, Điều 151 khoản 1; applied to earlier dates too). From 1/4/2025: 10 days for
/// every local document (Luật 64/2025, Điều 53 khoản 1). A shorter gap is lawful under the
/// shortened procedure, so `check` reports it as a warning.
pub fn minimum_gap(level: UnitLevel, signed: NaiveDate) -> Gap {
    if signed >= LAW_2025_FROM {
        return Gap {
            days: 10,
            article: article::GAP_2025,
        };
    }
    let days = match level {
        UnitLevel::Tinh => 10,
        UnitLevel::Huyen | UnitLevel::Xa => 7,
    };
    Gap {
        days,
        article: article::GAP_2015,
    }
}

/// Whether an issuer may issue a type as a legal normative document on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Competence {
    /// The law in force on that date lists the type for that issuer.
    Allowed { article: &'static str },
    /// It does not (the article names the list that leaves it out).
    NotAllowed { article: &'static str },
    /// Central authorities: outside the table of local documents.
    NotLocal,
}

/// The issuer-type table by signing date, for legal normative documents of local government.
///
/// | signed | HĐND | UBND | Chủ tịch UBND |
/// |---|---|---|---|
/// | before 1/7/2016 (Luật 31/2004, Điều 1) | Nghị quyết, every level | Quyết định, Chỉ thị, every level | none |
/// | 1/7/2016–31/3/2025 (Luật 80/2015, Điều 4 kh. 13–19) | Nghị quyết, every level | Quyết định, every level | none |
/// | 1/4/2025–30/6/2025 (Luật 64/2025, Điều 4) | Nghị quyết, province | Quyết định, province | none |
/// | from 1/7/2025 (Luật 87/2025, Điều 1) | Nghị quyết, province and commune | Quyết định, province and commune | Quyết định, province |
pub fn may_issue(
    kind: AuthorityKind,
    level: UnitLevel,
    doc_type: &str,
    signed: NaiveDate,
) -> Competence {
    use AuthorityKind::{Central, ChuTichUbnd, Hdnd, Ubnd};
    use UnitLevel::{Huyen, Tinh, Xa};
    if kind == Central {
        return Competence::NotLocal;
    }
    let (article, allowed) = if signed < LAW_2015_FROM {
        let ok = match kind {
            Hdnd => doc_type == types::NGHI_QUYET,
            Ubnd => doc_type == types::QUYET_DINH || doc_type == types::CHI_THI,
            ChuTichUbnd | Central => false,
        };
        (article::TYPES_2004, ok)
    } else if signed < LAW_2025_FROM {
        let ok = match kind {
            Hdnd => doc_type == types::NGHI_QUYET,
            Ubnd => doc_type == types::QUYET_DINH,
            ChuTichUbnd | Central => false,
        };
        (article::TYPES_2015, ok)
    } else if signed < AMENDMENT_2025_FROM {
        let ok = level == Tinh
            && match kind {
                Hdnd => doc_type == types::NGHI_QUYET,
                Ubnd => doc_type == types::QUYET_DINH,
                ChuTichUbnd | Central => false,
            };
        (article::TYPES_2025, ok)
    } else {
        let ok = match (kind, level) {
            (_, Huyen) => false,
            (Hdnd, Tinh | Xa) => doc_type == types::NGHI_QUYET,
            (Ubnd, Tinh | Xa) | (ChuTichUbnd, Tinh) => doc_type == types::QUYET_DINH,
            (ChuTichUbnd, Xa) | (Central, _) => false,
        };
        (article::TYPES_2025_AMENDED, ok)
    };
    if allowed {
        Competence::Allowed { article }
    } else {
        Competence::NotAllowed { article }
    }
}

/// The abbreviations of document types that open a symbol (Nghị định 30/2020/NĐ-CP, Phụ lục
/// III; Luật 80/2015, Điều 8), folded: `NQ-HĐND` → `NQ`.
const SYMBOL_TYPES: &[(&str, &str)] = &[
    ("NQ", "Nghị quyết"),
    ("QD", "Quyết định"),
    ("CT", "Chỉ thị"),
    ("ND", "Nghị định"),
    ("TT", "Thông tư"),
    ("TTLT", "Thông tư liên tịch"),
    ("VBHN", "Văn bản hợp nhất"),
    ("L", "Lệnh"),
    ("PL", "Pháp lệnh"),
];

/// The type the symbol of `number` names, when it opens with a known abbreviation followed by
/// the issuer (`QĐ-UBND`); `None` for symbols that name no type (`QH13`, `UBTVQH15`).
pub fn symbol_type(number: &DocumentNumber) -> Option<&'static str> {
    let symbol = number.as_str().rsplit('/').next()?;
    let (head, _issuer) = symbol.split_once('-')?;
    let head = fold_upper(head);
    SYMBOL_TYPES
        .iter()
        .find(|(abbr, _)| *abbr == head)
        .map(|(_, t)| *t)
}

/// The type the symbol names when it is not `doc_type` (a `NQ-HĐND` number filed as a Quyết
/// định).
pub fn symbol_contradicts(number: &DocumentNumber, doc_type: &str) -> Option<&'static str> {
    symbol_type(number).filter(|t| *t != doc_type)
}

/// Whether a document is a legal normative document when its record does not say:
/// - a Chỉ thị signed from 1/7/2016 is not (Luật 80/2015, Điều 4 no longer lists it);
/// - a number without a year (`1825/QĐ-UBND`, `12/CT-UBND`) marks an individual or
///   administrative document, since a legal normative document's number carries its year
///   (Luật 80/2015, Điều 8) — except a consolidated text (`01/VBHN-VPQH`) and the unnumbered
///   acts written as a symbol and a year (`HP2013`);
/// - everything else is.
pub fn default_normative(doc_type: &str, number: &DocumentNumber, signed: NaiveDate) -> bool {
    if doc_type == types::CHI_THI && signed >= LAW_2015_FROM {
        return false;
    }
    let parts: Vec<&str> = number.as_str().split('/').collect();
    match parts.as_slice() {
        [_, symbol] => fold_upper(symbol).starts_with("VBHN-"),
        _ => true,
    }
}

#[cfg(test)]
mod tests;
