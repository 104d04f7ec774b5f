//! The walk over `word/document.xml`: paragraphs (and the paragraphs of text boxes and table
//! cells) in the order they come, each with its automatic number.
//!
//! Kept: the text of `w:t` (and a field's shown result), `w:tab` as a space, `w:br` / `w:cr` as a
//! newline, `w:noBreakHyphen` as `-`. Dropped: field instructions (`w:instrText`, and any text
//! between a field's `begin` and `separate`), deleted and moved-away text of tracked changes
//! (`w:delText`, `w:moveFrom`), hidden runs (`w:vanish`), and the legacy copy Word writes for
//! old readers (`mc:Fallback`, which repeats a text box's text).

use std::io::Read;

use quick_xml::events::{BytesStart, Event};

use super::numbering::Numbering;
use super::styles::Styles;
use super::{attr, reference, CellAt, DocxError, Line, Part};

#[derive(Default)]
struct Paragraph {
    text: String,
    num_id: Option<String>,
    ilvl: Option<usize>,
    style: Option<String>,
}

#[derive(Clone, Copy)]
struct Table {
    index: usize,
    row: Option<usize>,
    column: Option<usize>,
}

#[derive(Default)]
struct Walker {
    numbering: Numbering,
    styles: Styles,
    lines: Vec<Line>,
    paragraphs: Vec<Paragraph>,
    tables: Vec<Table>,
    table_count: usize,
    /// One entry per open run: whether it is hidden.
    runs: Vec<bool>,
    /// One entry per open complex field: whether its instruction is still being read.
    fields: Vec<bool>,
    /// Depth inside an element whose content is dropped (0 outside).
    skip: usize,
    in_text: bool,
    in_paragraph_properties: bool,
    in_run_properties: bool,
}

/// The lines of the document (not yet NFC).
pub(crate) fn read<R: Read>(
    mut part: Part<'_, R>,
    numbering: Numbering,
    styles: Styles,
) -> Result<Vec<Line>, DocxError> {
    let mut w = Walker {
        numbering,
        styles,
        ..Walker::default()
    };
    let name = part.name;
    loop {
        match part.next()? {
            Event::Start(e) => w.start(&e),
            Event::Empty(e) if w.skip == 0 => w.marker(&e),
            Event::End(e) => w.end(e.local_name().as_ref()),
            Event::Text(t) if w.keeps_text() => w.push_str(&t.xml10_content()),
            Event::CData(t) if w.keeps_text() => w.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if w.keeps_text() => {
                let c = reference(&r).ok_or_else(|| {
                    super::corrupt(name, format!("thực thể lạ &{};", r.xml10_content()))
                })?;
                w.push_str(c.encode_utf8(&mut [0; 4]));
            }
            Event::Eof => return Ok(w.lines),
            _ => {}
        }
    }
}

impl Walker {
    fn start(&mut self, e: &BytesStart<'_>) {
        if self.skip > 0 {
            self.skip += 1;
            return;
        }
        match e.local_name().as_ref() {
            "p" => self.paragraphs.push(Paragraph::default()),
            "tbl" => {
                self.tables.push(Table {
                    index: self.table_count,
                    row: None,
                    column: None,
                });
                self.table_count += 1;
            }
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.row = Some(t.row.map_or(0, |r| r + 1));
                    t.column = None;
                }
            }
            "tc" => {
                if let Some(t) = self.tables.last_mut() {
                    t.column = Some(t.column.map_or(0, |c| c + 1));
                }
            }
            "r" => self.runs.push(false),
            "t" => self.in_text = true,
            "pPr" => self.in_paragraph_properties = true,
            "rPr" => self.in_run_properties = true,
            "instrText" | "delText" | "delInstrText" | "moveFrom" | "Fallback" => {
                self.skip = 1;
            }
            _ => self.marker(e),
        }
    }

    /// Elements that say something by being there (usually written empty: `<w:tab/>`).
    fn marker(&mut self, e: &BytesStart<'_>) {
        let in_run = !self.runs.is_empty() && !self.in_paragraph_properties;
        match e.local_name().as_ref() {
            "tab" if in_run => self.push_str(" "),
            "br" | "cr" if in_run => self.push_str("\n"),
            "noBreakHyphen" if in_run => self.push_str("-"),
            "numId" if self.in_paragraph_properties => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.num_id = attr(e, "val");
                }
            }
            "ilvl" if self.in_paragraph_properties => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.ilvl = attr(e, "val").and_then(|v| v.parse().ok());
                }
            }
            "pStyle" if self.in_paragraph_properties => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.style = attr(e, "val");
                }
            }
            "vanish" if in_run && self.in_run_properties => {
                let on = !matches!(attr(e, "val").as_deref(), Some("0" | "false" | "off"));
                if let Some(hidden) = self.runs.last_mut() {
                    *hidden = on;
                }
            }
            "fldChar" => match attr(e, "fldCharType").as_deref() {
                Some("begin") => self.fields.push(true),
                Some("separate") => {
                    if let Some(instruction) = self.fields.last_mut() {
                        *instruction = false;
                    }
                }
                Some("end") => {
                    self.fields.pop();
                }
                _ => {}
            },
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match name {
            "p" => self.close_paragraph(),
            "tbl" => {
                self.tables.pop();
            }
            "r" => {
                self.runs.pop();
            }
            "t" => self.in_text = false,
            "pPr" => self.in_paragraph_properties = false,
            "rPr" => self.in_run_properties = false,
            _ => {}
        }
    }

    fn keeps_text(&self) -> bool {
        self.skip == 0
            && self.in_text
            && !self.runs.last().copied().unwrap_or(false)
            && !self.fields.iter().any(|&instruction| instruction)
    }

    fn push_str(&mut self, s: &str) {
        if let Some(p) = self.paragraphs.last_mut() {
            p.text.push_str(s);
        }
    }

    fn close_paragraph(&mut self) {
        let Some(p) = self.paragraphs.pop() else {
            return;
        };
        // A numbered paragraph counts even when empty, as Word shows its number.
        // The paragraph's own `numPr` wins over its style's (`numId` 0 removes the number).
        let from_style = p.style.as_deref().and_then(|s| self.styles.numbering(s));
        let (num_id, ilvl) = match (p.num_id, from_style) {
            (Some(id), style) => (Some(id), p.ilvl.or(style.map(|s| s.1))),
            (None, Some((id, ilvl))) => (Some(id), p.ilvl.or(Some(ilvl))),
            (None, None) => (None, None),
        };
        let label = num_id
            .as_deref()
            .filter(|id| *id != "0")
            .and_then(|id| self.numbering.label(id, ilvl.unwrap_or(0)));
        let text = tidy(&p.text);
        if text.is_empty() {
            return;
        }
        let cell = self.tables.last().and_then(|t| {
            Some(CellAt {
                table: t.index,
                row: t.row?,
                column: t.column?,
            })
        });
        self.lines.push(Line {
            text: label.unwrap_or_default() + &text,
            cell,
        });
    }
}

/// Spaces trimmed at the ends of the paragraph and of each of its broken lines.
fn tidy(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}
