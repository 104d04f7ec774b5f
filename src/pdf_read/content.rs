//! The walk over a page's content stream: the text state and the matrices of PDF 1.7 §9.4
//! (`BT`/`ET`, `Tf`, `Tc`, `Tw`, `Tz`, `TL`, `Ts`, `Td`, `TD`, `Tm`, `T*`, `Tj`, `TJ`, `'`,
//! `"`; `q`/`Q`/`cm` for the graphics matrix), giving every shown string its place on the page.

use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Document, Object, ObjectId};

use super::fonts::{Cache, Font};
use super::{corrupt, Budget, PdfError};

/// One shown string: its text and where it stands (page space, points, y upwards).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
    /// The font size as drawn.
    pub size: f32,
    /// The text object (`BT` … `ET`) it was shown in, counted from the page's first: the cells
    /// of a table are separate objects, the words of one line are not.
    pub object: u32,
}

type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn translate(tx: f32, ty: f32) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, tx, ty]
}

#[derive(Clone)]
struct TextState {
    font: Option<Rc<Font>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

impl Default for TextState {
    fn default() -> TextState {
        TextState {
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

struct Walk<'d> {
    doc: &'d Document,
    fonts: std::collections::BTreeMap<Vec<u8>, &'d lopdf::Dictionary>,
    ctm: Matrix,
    stack: Vec<(Matrix, TextState)>,
    ts: TextState,
    tm: Matrix,
    tlm: Matrix,
    object: u32,
    runs: Vec<Run>,
}

/// The runs of text of one page, in the order the stream shows them.
pub fn page_runs(
    doc: &Document,
    page: ObjectId,
    cache: &mut Cache,
    budget: &mut Budget,
) -> Result<Vec<Run>, PdfError> {
    let data = match doc.get_page_content_with_limit(page, budget.next_limit()) {
        Ok(d) => d,
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Err(budget.exceeded())
        }
        Err(e) => return Err(corrupt(e.to_string())),
    };
    budget.charge(data.len())?;
    let ops = Content::decode(&data).map_err(|e| corrupt(e.to_string()))?;
    let mut w = Walk {
        doc,
        fonts: doc.get_page_fonts(page).unwrap_or_default(),
        ctm: IDENTITY,
        stack: Vec::new(),
        ts: TextState::default(),
        tm: IDENTITY,
        tlm: IDENTITY,
        object: 0,
        runs: Vec::new(),
    };
    for op in &ops.operations {
        w.apply(&op.operator, &op.operands, cache, budget)?;
    }
    Ok(w.runs)
}

fn num(o: Option<&Object>) -> f32 {
    match o {
        Some(Object::Integer(i)) => *i as f32,
        Some(Object::Real(r)) => *r,
        _ => 0.0,
    }
}

fn matrix(args: &[Object]) -> Matrix {
    [
        num(args.first()),
        num(args.get(1)),
        num(args.get(2)),
        num(args.get(3)),
        num(args.get(4)),
        num(args.get(5)),
    ]
}

impl Walk<'_> {
    fn apply(
        &mut self,
        op: &str,
        args: &[Object],
        cache: &mut Cache,
        budget: &mut Budget,
    ) -> Result<(), PdfError> {
        let a = |i: usize| num(args.get(i));
        match op {
            "q" if self.stack.len() < 64 => self.stack.push((self.ctm, self.ts.clone())),
            "Q" => {
                if let Some((ctm, ts)) = self.stack.pop() {
                    self.ctm = ctm;
                    self.ts = ts;
                }
            }
            "cm" => self.ctm = mul(&matrix(args), &self.ctm),
            "BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
                self.object += 1;
            }
            "Tf" => {
                self.ts.size = a(1);
                self.ts.font = match args.first().and_then(|o| o.as_name().ok()) {
                    Some(name) => match self.fonts.get(name) {
                        Some(dict) => Some(cache.get(self.doc, dict, budget)?),
                        None => None,
                    },
                    None => None,
                };
            }
            "Tc" => self.ts.char_space = a(0),
            "Tw" => self.ts.word_space = a(0),
            "Tz" => self.ts.scale = a(0) / 100.0,
            "TL" => self.ts.leading = a(0),
            "Ts" => self.ts.rise = a(0),
            "Td" => self.next_line(a(0), a(1)),
            "TD" => {
                self.ts.leading = -a(1);
                self.next_line(a(0), a(1));
            }
            "Tm" => {
                self.tm = matrix(args);
                self.tlm = self.tm;
            }
            "T*" => self.next_line(0.0, -self.ts.leading),
            "Tj" => self.show_object(args.first()),
            "'" => {
                self.next_line(0.0, -self.ts.leading);
                self.show_object(args.first());
            }
            "\"" => {
                self.ts.word_space = a(0);
                self.ts.char_space = a(1);
                self.next_line(0.0, -self.ts.leading);
                self.show_object(args.get(2));
            }
            "TJ" => {
                if let Some(Object::Array(items)) = args.first() {
                    for item in items {
                        match item {
                            Object::String(..) => self.show_object(Some(item)),
                            other => {
                                let adjust = -num(Some(other)) / 1000.0 * self.ts.size;
                                self.advance(adjust * self.ts.scale);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn next_line(&mut self, tx: f32, ty: f32) {
        self.tlm = mul(&translate(tx, ty), &self.tlm);
        self.tm = self.tlm;
    }

    fn advance(&mut self, tx: f32) {
        self.tm = mul(&translate(tx, 0.0), &self.tm);
    }

    fn show_object(&mut self, o: Option<&Object>) {
        if let Some(Object::String(bytes, _)) = o {
            self.show(bytes);
        }
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.ts.font.clone() else {
            return;
        };
        let start = mul(&mul(&translate(0.0, self.ts.rise), &self.tm), &self.ctm);
        let mut tx = 0.0;
        for (code, raw) in font.codes(bytes) {
            let word = if !font.two_byte && raw == b" " {
                self.ts.word_space
            } else {
                0.0
            };
            tx += (font.width(code) / 1000.0 * self.ts.size + self.ts.char_space + word)
                * self.ts.scale;
        }
        self.advance(tx);
        let end = mul(&mul(&translate(0.0, self.ts.rise), &self.tm), &self.ctm);
        // Text turned on its side (a stamp, a margin note) is not part of the lines.
        if start[1].abs() > 0.1 * start[0].abs() {
            return;
        }
        let text = font.decode(self.doc, bytes);
        if text.is_empty() {
            return;
        }
        let size = (self.ts.size * start[3]).abs();
        self.runs.push(Run {
            text,
            x0: start[4],
            x1: end[4],
            y: start[5],
            size: if size > 0.0 { size } else { 1.0 },
            object: self.object,
        });
    }
}
