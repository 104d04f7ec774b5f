//! The consolidated text (văn bản hợp nhất) of a document on a date, in the shape of the
//! consolidated texts the Ministry of Justice publishes (Pháp lệnh 01/2012/UBTVQH13, Điều 6–7):
//! the heading, the note that it is not a legal document, the consolidation date, the original
//! document and the amending documents listed at the top, the text in force with a footnote at
//! each changed provision, and the gaps (amendments whose new wording is not recorded).

use chrono::NaiveDate;
use serde::Serialize;

use super::{Amending, ReadingView};
use crate::app::documents::{document_page, DocumentView, NodeView};
use crate::db::Db;
use crate::domain::pointintime::Footnote;
use crate::domain::text::date_vn;
use crate::error::AppError;

/// One provision of the consolidated text.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub kind: &'static str,
    pub key: String,
    pub anchor: String,
    pub label: String,
    pub heading: String,
    /// The wording in force; for `old`, the wording the amendment ended (shown struck).
    pub body: String,
    pub depth: usize,
    /// `text`, `old` (amended, new wording not recorded), `ceased` (the body is not shown:
    /// "(bị bãi bỏ)"), `added-gap` (added, wording not recorded).
    pub state: &'static str,
    /// What stands in place of a ceased provision's body: `bị bãi bỏ`, `được thay thế`…
    pub ceased: Option<&'static str>,
    pub footnote: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct Consolidated {
    pub doc: DocumentView,
    pub date: String,
    pub date_display: String,
    /// The document's status on the date, and why.
    pub status: crate::app::view::StatusView,
    pub status_reason: Option<String>,
    /// The original document as cited at the top (`Quyết định số … ngày … của … về …, có
    /// hiệu lực kể từ ngày …`).
    pub original: String,
    pub amending: Vec<Amending>,
    pub preamble: String,
    pub parts: Vec<Part>,
    pub footnotes: Vec<Footnote>,
    /// The footnotes of amendments whose new wording is not recorded.
    pub gaps: Vec<Footnote>,
    /// The file name without extension, ASCII (`vbhn-12-2024-qd-ubnd-2025-07-01`).
    pub file_stem: String,
    /// The file name as a reader would write it (UTF-8).
    pub file_title: String,
}

fn part_of(n: &NodeView) -> Option<Part> {
    let r: Option<&ReadingView> = n.reading.as_ref();
    let mark = r.map_or("original", |r| r.mark);
    let direct = r.and_then(|r| r.change.as_ref()).is_none_or(|c| c.direct);
    // The parts of a ceased provision go with it.
    if mark == "ceased" && !direct {
        return None;
    }
    let (state, ceased) = match mark {
        "gap" => ("old", None),
        "added-gap" => ("added-gap", None),
        "ceased" => ("ceased", r.and_then(|r| r.change.as_ref()).map(|c| c.verb)),
        _ => ("text", None),
    };
    Some(Part {
        kind: n.kind,
        key: n.key.clone(),
        anchor: n.anchor.clone(),
        label: n.label.clone(),
        heading: n.heading.clone(),
        body: n.body.clone(),
        depth: n.depth,
        state,
        ceased,
        footnote: r.and_then(|r| r.footnote),
    })
}

/// ASCII letters and digits of `s`, lower case, other runs as one `-`.
pub fn ascii_stem(s: &str) -> String {
    let folded = crate::domain::text::fold(s).to_lowercase();
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The consolidated text of document `id` on `date`.
pub fn consolidated(db: &mut Db<'_>, id: i64, date: NaiveDate) -> Result<Consolidated, AppError> {
    let page = document_page(db, id, date)?;
    let d = &page.doc;
    let original = format!(
        "{} số {} ngày {} của {} {}, có hiệu lực kể từ ngày {}",
        d.doc_type,
        d.number,
        d.issued_on,
        d.authority_name,
        lower_title(&d.title),
        d.effective_on
    );
    let parts = page.nodes.iter().filter_map(part_of).collect();
    let footnotes = page.text.footnotes.clone();
    let gaps = footnotes.iter().filter(|f| f.gap).cloned().collect();
    let iso = crate::app::view::iso(date);
    Ok(Consolidated {
        file_stem: format!("vbhn-{}-{iso}", ascii_stem(&d.number)),
        file_title: format!(
            "Văn bản hợp nhất {} {} tại ngày {iso}",
            d.doc_type, d.number
        )
        .replace('/', "-"),
        original,
        date: iso,
        date_display: date_vn(date),
        status: page.status,
        status_reason: page.status_reason,
        amending: page.amending,
        preamble: page.preamble,
        parts,
        footnotes,
        gaps,
        doc: page.doc,
    })
}

/// A title as it follows the issuer in a citation: one starting with a verb or `về` keeps its
/// words (first letter lowered); another gets `về`.
fn lower_title(title: &str) -> String {
    let t = title.trim();
    let mut c = t.chars();
    let lowered: String = match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => return String::new(),
    };
    let verbs = [
        "về ",
        "quy định",
        "ban hành",
        "sửa đổi",
        "bãi bỏ",
        "phê duyệt",
        "thông qua",
    ];
    if verbs.iter().any(|v| lowered.starts_with(v)) {
        lowered
    } else {
        format!("về {lowered}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_file_stems() {
        assert_eq!(ascii_stem("12/2024/QĐ-UBND"), "12-2024-qd-ubnd");
        assert_eq!(ascii_stem("  Nghị quyết 5 "), "nghi-quyet-5");
    }

    #[test]
    fn titles_in_citations() {
        assert_eq!(lower_title("Về phí tham quan"), "về phí tham quan");
        assert_eq!(lower_title("Ban hành Quy chế"), "ban hành Quy chế");
        assert_eq!(lower_title("Phí tham quan"), "về phí tham quan");
        assert_eq!(lower_title("Quy định mức thu"), "quy định mức thu");
    }
}
