//! The fields of a signed Vietnamese legal document read from its plain text: issuing body,
//! number, place and date, type, title, signer (name, position, capacity), the date it takes
//! effect, its article count, the effects it makes on other documents and its annexes (after
//! the signature: label, title, text; [`annexes`]). Each field carries
//! the 1-based line it came from, so that a review form can show where it was read.
//!
//! The layout follows the presentation rules of Nghị định 30/2020 (Phụ lục I) and the drafting
//! rules of Nghị định 34/2016 / 79/2025: the header's two columns (issuing body left, national
//! motto right) come out of a word processor either on one line separated by a tab or spaces,
//! or on alternating lines; both are read. Text typed in the legacy encodings (TCVN3, VNI) is
//! converted by [`legacy::to_unicode`] first. Pure: no I/O.

pub mod annexes;
mod effects;
mod header;
mod layout;
pub mod legacy;
mod paragraphs;
mod signature;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;

pub use annexes::Annex;

use super::amendment::InstructionKind;
use super::text::nfc_keep;

/// A value and the line (1-based) of the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Field<T> {
    pub value: T,
    pub line: usize,
}

impl<T> Field<T> {
    fn at(value: T, index: usize) -> Self {
        Field {
            value,
            line: index + 1,
        }
    }
}

/// One effect the document makes on another (or on provisions of another).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Effect {
    pub kind: InstructionKind,
    /// The target's number as written, when the phrase names one.
    pub target_number: Option<String>,
    /// Provision keys (`dieu-5/khoan-2`); empty: the whole document.
    pub provisions: Vec<String>,
    /// The date the phrase gives, else the date the acting document takes effect.
    pub effective_on: Option<NaiveDate>,
    pub line: usize,
}

/// Everything read from one text; a field that could not be read is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Extraction {
    /// The legacy encoding the text was converted from, if any.
    pub encoding: Option<legacy::Encoding>,
    /// The issuing body, its header lines joined by one space (`ỦY BAN NHÂN DÂN TỈNH CÀ MAU`).
    pub issuer: Option<Field<String>>,
    /// The number as written after `Số:` (spacing kept as typed, trimmed).
    pub number: Option<Field<String>>,
    /// The number in its canonical form (`domain::number`), a one-digit sequence padded
    /// (`7/2020/QĐ-UBND` → `07/2020/QĐ-UBND`); `None` when the number does not parse.
    pub number_normalised: Option<String>,
    pub place: Option<Field<String>>,
    pub issued_on: Option<Field<NaiveDate>>,
    /// The canonical type (`domain::kinds::document_type`): `Nghị quyết`, `Quyết định` …
    pub doc_type: Option<Field<&'static str>>,
    /// The title, its lines joined by one space.
    pub title: Option<Field<String>>,
    pub signer: Option<Field<String>>,
    pub signer_position: Option<Field<String>>,
    /// The capacity lines (`TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`), joined by ` / `.
    pub signing_capacity: Option<Field<String>>,
    pub effective_on: Option<Field<NaiveDate>>,
    /// The number of articles of the document itself (an annex after the signature aside).
    pub articles: usize,
    pub effects: Vec<Effect>,
    /// The annexes after the signature ("PHỤ LỤC I" …), in order.
    pub annexes: Vec<Annex>,
}

/// Reads every field of `text` (legacy encodings converted first).
pub fn extract(text: &str) -> Extraction {
    let (encoding, text) = match legacy::to_unicode(text) {
        Some((e, converted)) => (Some(e), converted),
        None => (None, nfc_keep(text)),
    };
    let lines: Vec<&str> = text.lines().collect();
    let head = header::read(&lines);
    let sign = signature::read(&lines, head.body_start);
    // The annexes come after the signature (after the body when no signature was found); the
    // document's own text ends before both.
    let tail = sign.as_ref().map_or(head.body_start, |s| s.start);
    let annexes = annexes::read(&lines, tail);
    let annex_start = annexes::start(&lines, tail).unwrap_or(lines.len());
    let body_end = sign
        .as_ref()
        .map_or(lines.len(), |s| s.start)
        .min(annex_start);
    let body = lines[..body_end].join("\n");
    let issued_on = head.issued_on.clone();
    // The title ("Bãi bỏ một phần Nghị quyết số …") names what the body does: only the body
    // is read for the effective date and the effects, in paragraphs (wrapped lines joined).
    let acting = paragraphs::paragraphs(&lines[head.body_start.min(body_end)..body_end]);
    let shift = head.body_start.min(body_end);
    let effective_on = effects::effective_on(&acting, shift, issued_on.as_ref().map(|f| f.value));
    let effects = effects::read(&acting, shift, effective_on.as_ref().map(|f| f.value));
    Extraction {
        encoding,
        issuer: head.issuer,
        number: head.number,
        number_normalised: head.number_normalised,
        place: head.place,
        issued_on,
        doc_type: head.doc_type,
        title: head.title,
        signer: sign.as_ref().and_then(|s| s.signer.clone()),
        signer_position: sign.as_ref().and_then(|s| s.position.clone()),
        signing_capacity: sign.and_then(|s| s.capacity),
        effective_on,
        articles: super::structure::parse(&body).articles().count(),
        effects,
        annexes,
    }
}
