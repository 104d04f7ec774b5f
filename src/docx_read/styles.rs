//! The numbering that paragraph styles carry (`word/styles.xml`): a heading style can number
//! its paragraphs ("Điều 1.", "Chương I") without a `w:numPr` on the paragraph itself.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::events::Event;

use super::{attr, DocxError, Part};

#[derive(Debug, Default, Clone)]
struct Style {
    based_on: Option<String>,
    num_id: Option<String>,
    ilvl: Option<usize>,
}

/// Paragraph styles by id, with what they say of numbering.
#[derive(Debug, Default)]
pub(crate) struct Styles {
    styles: HashMap<String, Style>,
}

impl Styles {
    pub(crate) fn read<R: Read>(mut part: Part<'_, R>) -> Result<Styles, DocxError> {
        let mut styles = Styles::default();
        let mut current: Option<(String, Style)> = None;
        loop {
            match part.next()? {
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.local_name();
                    match (name.as_ref(), current.as_mut()) {
                        ("style", _) => {
                            let paragraph = attr(&e, "type").as_deref() == Some("paragraph");
                            current = attr(&e, "styleId")
                                .filter(|_| paragraph)
                                .map(|id| (id, Style::default()));
                        }
                        ("basedOn", Some((_, s))) => s.based_on = attr(&e, "val"),
                        ("numId", Some((_, s))) => s.num_id = attr(&e, "val"),
                        ("ilvl", Some((_, s))) => {
                            s.ilvl = attr(&e, "val").and_then(|v| v.parse().ok());
                        }
                        _ => {}
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "style" => {
                    if let Some((id, style)) = current.take() {
                        styles.styles.insert(id, style);
                    }
                }
                Event::Eof => return Ok(styles),
                _ => {}
            }
        }
    }

    /// The list (`numId`) and level a paragraph of style `id` is numbered with, through the
    /// styles it is based on; `None` when it is not numbered.
    pub(crate) fn numbering(&self, id: &str) -> Option<(String, usize)> {
        let mut id = id;
        let mut ilvl = None;
        // A chain of `basedOn` is short; the bound guards against a cycle in a broken file.
        for _ in 0..16 {
            let style = self.styles.get(id)?;
            ilvl = ilvl.or(style.ilvl);
            if let Some(num_id) = &style.num_id {
                return Some((num_id.clone(), ilvl.unwrap_or(0)));
            }
            id = style.based_on.as_deref()?;
        }
        None
    }
}
