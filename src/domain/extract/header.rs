//! The header of a document: issuing body, number, place and date, then its type and title.

use chrono::NaiveDate;

use super::layout::{is_motto, is_rule, is_upper, key, segments};
use super::Field;
use crate::domain::kinds::document_type;
use crate::domain::number::DocumentNumber;
use crate::domain::text::{date_in_text, nfc};

/// How many lines from the top the type line (`NGHỊ QUYẾT`) is looked for.
const HEADER_LINES: usize = 40;

#[derive(Debug, Default)]
pub struct Header {
    pub issuer: Option<Field<String>>,
    pub number: Option<Field<String>>,
    pub number_normalised: Option<String>,
    pub place: Option<Field<String>>,
    pub issued_on: Option<Field<NaiveDate>>,
    pub doc_type: Option<Field<&'static str>>,
    pub title: Option<Field<String>>,
    /// The first line after the header and title: where the body starts.
    pub body_start: usize,
}

pub fn read(lines: &[&str]) -> Header {
    let doc_type = lines
        .iter()
        .take(HEADER_LINES)
        .enumerate()
        .find_map(|(i, l)| {
            let l = l.trim();
            (is_upper(l) && !is_rule(l))
                .then(|| document_type(l))
                .flatten()
                .map(|t| Field::at(t, i))
        });
    let head_end = doc_type
        .as_ref()
        .map_or(lines.len().min(HEADER_LINES), |t| t.line - 1);
    let mut h = Header {
        doc_type,
        body_start: head_end,
        ..Header::default()
    };
    top(&mut h, &lines[..head_end]);
    if let Some(t) = &h.doc_type {
        let (title, next) = title(lines, t.line);
        h.title = title;
        h.body_start = next;
    }
    h
}

/// The columns above the type line: the issuing body (upper-case blocks that are not the
/// motto, before the number or the date), the number and the place and date.
fn top(h: &mut Header, lines: &[&str]) {
    let mut issuer: Vec<&str> = Vec::new();
    let mut issuer_line = None;
    let mut closed = false;
    let mut motto_open = false;
    for (i, line) in lines.iter().enumerate() {
        let segs = segments(line);
        let mut k = 0;
        while k < segs.len() {
            let t = segs[k].text;
            k += 1;
            // `Số:` set apart from the number by a wide gap (a tab stop, spaces, a cell).
            let number = number_after_so(t).or_else(|| {
                let next = segs.get(k).filter(|_| is_bare_so(t))?;
                k += 1;
                Some(next.text)
            });
            if let Some(n) = number {
                // `Số: 18/2021/NQ-HĐND Thành phố …, ngày …` run together: the date after it.
                let (n, dated_rest) = split_date(n);
                h.number_normalised = normalised(n);
                h.number = Some(Field::at(n.to_string(), i));
                if let Some((rest, d)) = dated_rest {
                    h.place = place(rest).map(|p| Field::at(p, i));
                    h.issued_on = Some(Field::at(d, i));
                }
                closed = true;
            } else if let Some(d) = dated(t).or_else(|| dated_over(t, lines.get(i + 1))) {
                h.place = place(t).map(|p| Field::at(p, i));
                h.issued_on = Some(Field::at(d, i));
                closed = true;
            } else if is_motto(t) {
                motto_open = !key(t).ends_with("viet nam") && key(t).starts_with("cong hoa");
            } else if motto_open && MOTTO.ends_with(key(t).trim()) {
                // The motto's first line wrapped in its cell: `… VIỆT` / `NAM`.
                motto_open = false;
            } else if !closed && !segs[k - 1].right && is_upper(t) && !is_rule(t) {
                // The issuing body is the left column (a right column is the motto's).
                issuer.push(t);
                issuer_line.get_or_insert(i);
            }
        }
    }
    if let Some(i) = issuer_line {
        h.issuer = Some(Field::at(one_space(&issuer.join(" ")), i));
    }
}

/// The number written after `Số:` / `Số :` in a header column.
fn number_after_so(seg: &str) -> Option<&str> {
    let k = key(seg);
    let rest = k.strip_prefix("so")?.trim_start();
    if !rest.starts_with(':') {
        return None;
    }
    let colon = seg.find(':')?;
    let n = seg[colon + 1..].trim();
    (!n.is_empty()).then_some(n)
}

/// The motto's first line, folded.
const MOTTO: &str = "cong hoa xa hoi chu nghia viet nam";

/// The date of a `…, ngày 12 tháng 7 năm` column whose year wrapped onto the next line (the
/// last column of that line).
fn dated_over(seg: &str, next: Option<&&str>) -> Option<NaiveDate> {
    if !key(seg).contains("ngay") {
        return None;
    }
    let next = segments(next?).last()?.text;
    dated(&format!("{seg} {next}"))
}

/// `Số:` alone in its column.
fn is_bare_so(seg: &str) -> bool {
    let k = key(seg);
    k.strip_prefix("so").is_some_and(|rest| rest.trim() == ":")
}

/// A number followed by the place and date in one column: the number (its first word) and
/// the rest with its date.
fn split_date(n: &str) -> (&str, Option<(&str, NaiveDate)>) {
    let Some((first, rest)) = n.split_once(char::is_whitespace) else {
        return (n, None);
    };
    let rest = rest.trim();
    match dated(rest) {
        Some(d) if rest.contains(',') => (first, Some((rest, d))),
        _ => (n, None),
    }
}

/// The canonical number, a one-digit sequence padded to two (`7/2020` → `07/2020`).
fn normalised(written: &str) -> Option<String> {
    let n = DocumentNumber::parse(written).ok()?;
    let s = n.as_str();
    let seq_len = s.find('/').unwrap_or(0);
    if seq_len == 1 && s.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(format!("0{s}"));
    }
    Some(s.to_string())
}

/// The date of a `…, ngày 07 tháng 12 năm 2018` column.
fn dated(seg: &str) -> Option<NaiveDate> {
    let k = key(seg);
    if !k.contains("ngay") {
        return None;
    }
    date_in_text(seg)
}

/// The place before `, ngày …`.
fn place(seg: &str) -> Option<String> {
    let (before, _) = seg.split_once(',')?;
    let p = before.trim();
    (!p.is_empty() && !key(p).contains("ngay")).then(|| nfc(p))
}

/// The title: the lines after the type line up to a blank line, a rule, the preamble
/// (`Căn cứ …`), the issuing body's line that opens it (`ỦY BAN NHÂN DÂN TỈNH …`) or an
/// article; its lines joined by one space. Returns the title and the line after it.
fn title(lines: &[&str], from: usize) -> (Option<Field<String>>, usize) {
    let mut i = from;
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
    let start = i;
    let mut parts: Vec<&str> = Vec::new();
    while i < lines.len() {
        let l = lines[i].trim();
        if l.is_empty() || is_rule(l) || opens_body(l) {
            break;
        }
        parts.push(l);
        i += 1;
    }
    if parts.is_empty() {
        return (None, start);
    }
    (Some(Field::at(one_space(&parts.join(" ")), start)), i)
}

fn opens_body(line: &str) -> bool {
    let k = key(line);
    let authority = [
        "hoi dong nhan dan",
        "uy ban nhan dan",
        "chu tich uy ban",
        "khoa ",
        "ky hop",
    ];
    k.starts_with("can cu")
        || k.starts_with("dieu ")
        || k.starts_with("chuong ")
        || (is_upper(line) && authority.iter().any(|a| k.starts_with(a)))
}

/// NFC with every run of whitespace made one space.
pub fn one_space(s: &str) -> String {
    nfc(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}
