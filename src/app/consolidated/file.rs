//! The consolidated text as a file: one layout (paragraphs of runs with footnote references,
//! `crate::docx`'s model) written as DOCX with real footnotes, or as plain UTF-8 text with the
//! footnotes at the end.

use super::model::{Consolidated, Part};
use crate::docx::{Docx, Paragraph, Run, Style};
use crate::error::AppError;

/// The note every consolidated text carries (Pháp lệnh 01/2012/UBTVQH13: a consolidated text
/// is not a new legal document; vanban's is made from the records, not certified).
pub const NOT_A_LEGAL_DOCUMENT: &str = "Văn bản hợp nhất này không phải là văn bản quy phạm pháp luật; được lập tự động từ cơ sở dữ liệu văn bản, chỉ để tham khảo. Văn bản có giá trị pháp lý là văn bản gốc và các văn bản sửa đổi, bổ sung, bãi bỏ.";

fn head(c: &Consolidated) -> Vec<Paragraph> {
    let d = &c.doc;
    let mut out = vec![
        Paragraph::new(
            Style::Center,
            vec![Run::Bold(d.authority_name.to_uppercase())],
        ),
        Paragraph::new(
            Style::Center,
            vec![Run::Bold("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into())],
        ),
        Paragraph::new(
            Style::Center,
            vec![Run::Bold("Độc lập - Tự do - Hạnh phúc".into())],
        ),
        Paragraph::text(Style::Title, "VĂN BẢN HỢP NHẤT"),
        Paragraph::text(Style::Title, d.doc_type.to_uppercase()),
        Paragraph::new(Style::Center, vec![Run::Bold(d.title.clone())]),
        Paragraph::text(Style::Note, NOT_A_LEGAL_DOCUMENT),
        Paragraph::text(
            Style::Note,
            format!(
                "Ngày hợp nhất: nội dung có hiệu lực tại ngày {}.",
                c.date_display
            ),
        ),
        Paragraph::text(
            Style::Note,
            format!(
                "Tình trạng hiệu lực của văn bản tại ngày này: {}.{}",
                c.status.label.to_lowercase(),
                c.status_reason
                    .as_ref()
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default()
            ),
        ),
    ];
    if c.amending.is_empty() {
        out.push(Paragraph::text(
            Style::Normal,
            format!(
                "{}; đến ngày {} chưa được sửa đổi, bổ sung.",
                c.original, c.date_display
            ),
        ));
    } else {
        out.push(Paragraph::text(
            Style::Normal,
            format!("{}, được sửa đổi, bổ sung bởi:", c.original),
        ));
        for (i, a) in c.amending.iter().enumerate() {
            let end = if i + 1 == c.amending.len() { "." } else { ";" };
            out.push(Paragraph::text(
                Style::Normal,
                format!("{}. {}{end}", i + 1, a.citation),
            ));
        }
    }
    // One paragraph a line: a justified paragraph would stretch the short lines of a preamble.
    for line in c.preamble.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push(Paragraph::new(
            Style::Normal,
            vec![Run::Italic(line.to_string())],
        ));
    }
    out
}

fn label_runs(p: &Part) -> Vec<Run> {
    let mut runs = Vec::new();
    let label = if p.kind == "dieu" {
        format!("{}.", p.label)
    } else {
        p.label.clone()
    };
    let head = match (p.heading.is_empty(), p.kind) {
        (true, _) => label,
        // A chapter's or section's title goes under its number, as in the signed text.
        (false, "chuong" | "muc" | "phu-luc") => format!("{label}\n{}", p.heading),
        (false, _) => format!("{label} {}", p.heading),
    };
    match p.kind {
        "khoan" | "diem" => runs.push(Run::Text(head)),
        _ => runs.push(Run::Bold(head)),
    }
    if let Some(n) = p.footnote {
        runs.push(Run::Footnote(n));
    }
    runs
}

fn part_paragraphs(p: &Part) -> Vec<Paragraph> {
    let mut runs = label_runs(p);
    let mut after = Vec::new();
    match p.state {
        "ceased" => runs.push(Run::Italic(format!(
            " ({})",
            p.ceased.unwrap_or("hết hiệu lực")
        ))),
        "added-gap" => runs.push(Run::Italic(
            " (được bổ sung; nội dung chưa được nhập)".into(),
        )),
        "old" if !p.body.is_empty() => {
            runs.push(Run::Italic(
                " (nội dung dưới đây đã được sửa đổi, bổ sung; nội dung mới chưa được nhập)".into(),
            ));
            after.push(Paragraph::new(
                Style::Normal,
                vec![Run::Struck(p.body.clone())],
            ));
        }
        _ if !p.body.is_empty() => match p.kind {
            "khoan" | "diem" => runs.push(Run::Text(format!(" {}", p.body))),
            _ => after.push(Paragraph::text(
                if p.kind == "dieu" || p.kind == "phu-luc" {
                    Style::Normal
                } else {
                    Style::Center
                },
                p.body.clone(),
            )),
        },
        _ => {}
    }
    let style = match p.kind {
        "chuong" | "muc" | "phu-luc" => Style::Title,
        "dieu" => Style::Heading,
        _ => Style::Normal,
    };
    let mut out = vec![Paragraph::new(style, runs)];
    out.extend(after);
    out
}

/// The consolidated text laid out.
pub fn layout(c: &Consolidated) -> Docx {
    let mut paragraphs = head(c);
    paragraphs.extend(c.parts.iter().flat_map(part_paragraphs));
    if !c.gaps.is_empty() {
        paragraphs.push(Paragraph::new(
            Style::Heading,
            vec![Run::Bold("Nội dung sửa đổi chưa được nhập".into())],
        ));
        for g in &c.gaps {
            paragraphs.push(Paragraph::text(
                Style::Normal,
                format!("- (chú thích {}) {}", g.number, g.text),
            ));
        }
    }
    Docx {
        title: c.file_title.clone(),
        paragraphs,
        footnotes: c.footnotes.iter().map(|f| f.text.clone()).collect(),
    }
}

/// The DOCX file, with the footnotes in `word/footnotes.xml`.
pub fn docx_bytes(c: &Consolidated) -> Result<Vec<u8>, AppError> {
    crate::docx::write(&layout(c)).map_err(|e| AppError::internal("tạo tệp DOCX", e))
}

/// Plain UTF-8 text: footnote references as `[n]`, an old wording marked in words, the
/// footnotes at the end.
pub fn plain_text(c: &Consolidated) -> String {
    let d = layout(c);
    let mut out = String::new();
    for p in &d.paragraphs {
        for r in &p.runs {
            match r {
                Run::Text(t) | Run::Bold(t) | Run::Italic(t) => out.push_str(t),
                Run::Struck(t) => {
                    out.push_str("[Nội dung cũ, không còn hiệu lực: ");
                    out.push_str(t);
                    out.push(']');
                }
                Run::Footnote(n) => out.push_str(&format!("[{n}]")),
            }
        }
        out.push('\n');
    }
    if !d.footnotes.is_empty() {
        out.push_str("\nChú thích:\n");
        for (i, f) in d.footnotes.iter().enumerate() {
            out.push_str(&format!("[{}] {f}\n", i + 1));
        }
    }
    out
}
