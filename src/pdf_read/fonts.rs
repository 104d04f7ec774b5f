//! A page's fonts as the text walk needs them: how a shown string splits into character codes
//! (one byte, or two for a `Type0` font with `Identity-H`, which LibreOffice and most
//! generators write for Vietnamese), each code's Unicode text (the font's `ToUnicode` map,
//! preferred over its `/Encoding` when both are given, since a subset font's codes mean
//! nothing by themselves) and each code's advance width.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Encoding, Object};

use super::{Budget, PdfError};

/// Glyph width (thousandths of the font size) when a font gives none.
const FALLBACK_WIDTH: f32 = 500.0;

/// The most widths kept for one font (a two-byte font has at most 65,536 codes).
const MAX_WIDTHS: usize = 0x1_0000;

pub struct Font {
    encoding: Option<Encoding<'static>>,
    /// A one-byte simple font's own encoding, used when no `ToUnicode` map is given.
    simple: Option<Dictionary>,
    pub two_byte: bool,
    widths: HashMap<u32, f32>,
    default_width: f32,
}

impl Font {
    /// The codes of a shown string.
    pub fn codes<'b>(&self, bytes: &'b [u8]) -> Vec<(u32, &'b [u8])> {
        let step = if self.two_byte { 2 } else { 1 };
        bytes
            .chunks(step)
            .map(|c| (c.iter().fold(0u32, |n, b| n * 256 + u32::from(*b)), c))
            .collect()
    }

    /// The advance of `code`, in thousandths of the font size.
    pub fn width(&self, code: u32) -> f32 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }

    /// The Unicode text of a shown string.
    pub fn decode(&self, doc: &Document, bytes: &[u8]) -> String {
        if let Some(enc) = &self.encoding {
            return enc.bytes_to_string(bytes).unwrap_or_default();
        }
        if let Some(dict) = &self.simple {
            if let Ok(enc) = dict.get_font_encoding(doc) {
                if let Ok(s) = enc.bytes_to_string(bytes) {
                    return s;
                }
            }
        }
        if self.two_byte {
            // Codes without a map (a CID font with no ToUnicode) cannot be read as text.
            return String::new();
        }
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

/// Fonts already read, by the address of their dictionary in the loaded document (one font is
/// shared by every page of a file).
#[derive(Default)]
pub struct Cache {
    fonts: HashMap<usize, std::rc::Rc<Font>>,
}

impl Cache {
    pub fn get(
        &mut self,
        doc: &Document,
        dict: &Dictionary,
        budget: &mut Budget,
    ) -> Result<std::rc::Rc<Font>, PdfError> {
        let key = std::ptr::from_ref(dict) as usize;
        if let Some(f) = self.fonts.get(&key) {
            return Ok(f.clone());
        }
        let font = std::rc::Rc::new(read(doc, dict, budget)?);
        self.fonts.insert(key, font.clone());
        Ok(font)
    }
}

fn read(doc: &Document, dict: &Dictionary, budget: &mut Budget) -> Result<Font, PdfError> {
    let type0 = dict
        .get(b"Subtype")
        .and_then(Object::as_name)
        .is_ok_and(|n| n == b"Type0");
    let encoding = to_unicode(doc, dict, budget)?;
    let (widths, default_width) = if type0 {
        cid_widths(doc, dict)
    } else {
        simple_widths(doc, dict)
    };
    let simple = (!type0 && encoding.is_none()).then(|| dict.clone());
    Ok(Font {
        encoding,
        simple,
        two_byte: type0,
        widths,
        default_width,
    })
}

/// The font's `ToUnicode` map, read within the budget.
fn to_unicode(
    doc: &Document,
    dict: &Dictionary,
    budget: &mut Budget,
) -> Result<Option<Encoding<'static>>, PdfError> {
    let Ok(stream) = dict
        .get_deref(b"ToUnicode", doc)
        .and_then(Object::as_stream)
    else {
        return Ok(None);
    };
    let size = match stream.get_plain_content_with_limit(budget.next_limit()) {
        Ok(bytes) => bytes.len(),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Err(budget.exceeded())
        }
        Err(_) => return Ok(None),
    };
    budget.charge(size)?;
    // Only the ToUnicode entry: lopdf reads `/Encoding` first when a font has both.
    let mut only = Dictionary::new();
    only.set("Type", Object::Name(b"Font".to_vec()));
    if let Ok(r) = dict.get(b"ToUnicode") {
        only.set("ToUnicode", r.clone());
    }
    match only.get_font_encoding_with_limit(doc, budget.next_limit()) {
        Ok(Encoding::UnicodeMapEncoding(map)) => Ok(Some(Encoding::UnicodeMapEncoding(map))),
        Ok(_) | Err(_) => Ok(None),
    }
}

fn number(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map_or(o, |(_, o)| o)
}

/// `/Widths` from `/FirstChar`, the descriptor's `/MissingWidth` for the rest.
fn simple_widths(doc: &Document, dict: &Dictionary) -> (HashMap<u32, f32>, f32) {
    let first = dict
        .get(b"FirstChar")
        .ok()
        .and_then(|o| number(deref(doc, o)))
        .unwrap_or(0.0) as u32;
    let mut widths = HashMap::new();
    if let Ok(Object::Array(ws)) = dict.get(b"Widths").map(|o| deref(doc, o)) {
        for (i, w) in ws.iter().enumerate() {
            if let Some(w) = number(deref(doc, w)) {
                widths.insert(first + i as u32, w);
            }
        }
    }
    let missing = dict
        .get_deref(b"FontDescriptor", doc)
        .and_then(Object::as_dict)
        .ok()
        .and_then(|d| d.get(b"MissingWidth").ok())
        .and_then(number)
        .filter(|w| *w > 0.0)
        .unwrap_or(FALLBACK_WIDTH);
    (widths, missing)
}

/// The descendant CID font's `/W` (`c [w1 w2 …]` and `first last w`) and `/DW`.
fn cid_widths(doc: &Document, dict: &Dictionary) -> (HashMap<u32, f32>, f32) {
    let mut widths = HashMap::new();
    let descendant = dict
        .get(b"DescendantFonts")
        .map(|o| deref(doc, o))
        .ok()
        .and_then(|o| o.as_array().ok())
        .and_then(|a| a.first())
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok());
    let Some(cid) = descendant else {
        return (widths, 1000.0);
    };
    let dw = cid.get(b"DW").ok().and_then(number).unwrap_or(1000.0);
    let Ok(Object::Array(w)) = cid.get(b"W").map(|o| deref(doc, o)) else {
        return (widths, dw);
    };
    let mut i = 0;
    while i < w.len() {
        let Some(first) = number(deref(doc, &w[i])) else {
            break;
        };
        let first = first as u32;
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, v) in list
                    .iter()
                    .take(MAX_WIDTHS - widths.len().min(MAX_WIDTHS))
                    .enumerate()
                {
                    if let Some(v) = number(deref(doc, v)) {
                        widths.insert(first + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = number(o).unwrap_or(0.0) as u32;
                let v = w.get(i + 2).and_then(|o| number(deref(doc, o)));
                // Ranges are bounded by the codes a two-byte font can have, all of them.
                let span = last.saturating_sub(first) as usize;
                if let Some(v) = v.filter(|_| widths.len() + span <= MAX_WIDTHS) {
                    for code in first..=last {
                        widths.insert(code, v);
                    }
                }
                i += 3;
            }
            None => break,
        }
    }
    (widths, dw)
}
