//! The tantivy index: schema, Vietnamese tokenizers, and turning registry rows into index
//! documents. Units of search are documents, articles (Điều) and, later, procedures.

use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf};
use tantivy::schema::{
    Document, Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{Index, TantivyDocument};

use super::analyzer::{analysis, Analysis, Mode};

/// Bumped whenever the schema or the analysis changes: an index with another version is
/// rebuilt on start.
pub const SCHEMA_VERSION: u32 = 7;

#[derive(Clone)]
pub struct VnTokenizer(pub Mode);

/// The terms of one field value, read from the text's shared [`Analysis`] one at a time into
/// a single reused token.
pub struct VnStream {
    analysis: Rc<Analysis>,
    mode: Mode,
    len: usize,
    next: usize,
    token: Token,
}

impl TokenStream for VnStream {
    fn advance(&mut self) -> bool {
        if self.next >= self.len {
            return false;
        }
        let (term, from, to) = self.analysis.term(self.mode, self.next);
        self.token.text.clear();
        self.token.text.push_str(term);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.next;
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Tokenizer for VnTokenizer {
    type TokenStream<'a> = VnStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VnStream {
        let analysis = analysis(text);
        VnStream {
            len: analysis.len(self.0),
            analysis,
            mode: self.0,
            next: 0,
            token: Token {
                position_length: 1,
                ..Token::default()
            },
        }
    }
}

/// How much of a unit's text the index stores: the snippets are cut from it (a whole document
/// can be long; its beginning is what a reader scans first).
pub const STORED_TEXT_BYTES: usize = 6_000;

/// The beginning of `text` the index stores: at most [`STORED_TEXT_BYTES`], cut between
/// characters.
pub fn stored_text(text: &str) -> &str {
    let mut end = text.len().min(STORED_TEXT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

pub const TOKENIZERS: [(&str, Mode); 4] = [
    ("vi_exact", Mode::Exact),
    ("vi_fold", Mode::Folded),
    ("vi_pairs", Mode::ExactPairs),
    ("vi_fold_pairs", Mode::FoldedPairs),
];

#[derive(Clone, Copy)]
pub struct Fields {
    pub kind: Field,
    pub doc_id: Field,
    pub article_key: Field,
    pub article_label: Field,
    pub heading: Field,
    pub number: Field,
    pub number_key: Field,
    pub title: Field,
    pub text: Field,
    /// Indexed forms of the text: exact, folded, exact pairs, folded pairs.
    pub body: [Field; 4],
    /// Indexed forms of the title.
    pub title_idx: [Field; 2],
    /// Indexed forms of an article's heading: exact, folded, exact pairs.
    pub heading_idx: [Field; 3],
    pub doc_type: Field,
    /// Lĩnh vực, one term each.
    pub fields: Field,
    pub status: Field,
    pub authority_id: Field,
    pub authority: Field,
    pub issued_on: Field,
    pub year: Field,
    pub facets: Field,
    /// The procedure a "procedure" unit describes (its code is in `number`); documents and
    /// articles have none, so deleting a procedure never touches them.
    pub procedure_id: Field,
    /// An amended article's earlier wordings (folded), scored lower than its text in force;
    /// they also count as the filter's "title" field so that a search of the old words finds it.
    pub earlier: Field,
}

/// A text field of terms with their frequencies. No positions: phrase evidence comes from the
/// pair fields, and positions would double the postings written for the body.
fn text_options(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// A whole-value term field that records frequencies, so that its terms are scored (BM25)
/// like the text's terms they join in a query's union.
fn raw_with_freqs() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let num = || {
        NumericOptions::default()
            .set_indexed()
            .set_fast()
            .set_stored()
    };
    let fields = Fields {
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        doc_id: b.add_u64_field("doc_id", num()),
        article_key: b.add_text_field("article_key", raw_with_freqs() | STORED),
        article_label: b.add_text_field("article_label", STORED),
        heading: b.add_text_field("heading", STORED),
        number: b.add_text_field("number", STORED),
        number_key: b.add_text_field("number_key", raw_with_freqs()),
        title: b.add_text_field("title", STORED),
        text: b.add_text_field("text", STORED),
        body: [
            b.add_text_field("body_exact", text_options("vi_exact")),
            b.add_text_field("body_fold", text_options("vi_fold")),
            b.add_text_field("body_pairs", text_options("vi_pairs")),
            b.add_text_field("body_fold_pairs", text_options("vi_fold_pairs")),
        ],
        title_idx: [
            b.add_text_field("title_exact", text_options("vi_exact")),
            b.add_text_field("title_fold", text_options("vi_fold")),
        ],
        heading_idx: [
            b.add_text_field("heading_exact", text_options("vi_exact")),
            b.add_text_field("heading_fold", text_options("vi_fold")),
            b.add_text_field("heading_pairs", text_options("vi_pairs")),
        ],
        doc_type: b.add_text_field("doc_type", STRING | STORED | FAST),
        fields: b.add_text_field("fields", STRING),
        status: b.add_text_field("status", STRING | STORED | FAST),
        authority_id: b.add_u64_field("authority_id", num()),
        authority: b.add_text_field("authority", STORED),
        issued_on: b.add_i64_field("issued_on", num()),
        year: b.add_u64_field("year", INDEXED | FAST),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        procedure_id: b.add_u64_field("procedure_id", INDEXED | STORED),
        earlier: b.add_text_field("earlier_fold", text_options("vi_fold")),
    };
    (b.build(), fields)
}

pub fn register_tokenizers(index: &Index) {
    for (name, mode) in TOKENIZERS {
        index.tokenizers().register(name, VnTokenizer(mode));
    }
}

/// Opens the index in `dir`, or creates it there when missing or of another schema version.
/// Returns whether it was (re)created empty.
pub fn open_or_create(dir: &Path) -> tantivy::Result<(Index, Fields, bool)> {
    let (schema, fields) = schema();
    let version_file = dir.join("VANBAN_SCHEMA_VERSION");
    let current = std::fs::read_to_string(&version_file)
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok());
    let fresh = current != Some(SCHEMA_VERSION) || !dir.join("meta.json").exists();
    if fresh {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let index = Index::create_in_dir(dir, schema)?;
        std::fs::write(&version_file, SCHEMA_VERSION.to_string())?;
        register_tokenizers(&index);
        return Ok((index, fields, true));
    }
    let index = Index::open_in_dir(dir)?;
    register_tokenizers(&index);
    Ok((index, fields, false))
}

/// An index held in memory (tests, evaluation).
pub fn in_memory() -> (Index, Fields) {
    let (schema, fields) = schema();
    let index = Index::create_in_ram(schema);
    register_tokenizers(&index);
    (index, fields)
}

/// What one search unit carries into the index.
pub struct Unit<'a> {
    pub kind: &'a str,
    pub doc_id: i64,
    pub article: Option<(&'a str, &'a str, &'a str)>,
    pub number: &'a str,
    pub number_keys: &'a [String],
    pub title: &'a str,
    pub text: &'a str,
    pub doc_type: &'a str,
    pub fields: &'a [String],
    pub status: &'a str,
    pub authority_id: i64,
    pub authority: &'a str,
    pub issued_on: chrono::NaiveDate,
}

#[cfg(test)]
impl<'a> Unit<'a> {
    /// A unit of a decision in force issued in 2020, with this kind, title and text (tests).
    pub fn sample(kind: &'a str, doc_id: i64, title: &'a str, text: &'a str) -> Unit<'a> {
        Unit {
            kind,
            doc_id,
            article: None,
            number: "1/2020/QĐ-UBND",
            number_keys: &[],
            title,
            text,
            doc_type: "Quyết định",
            fields: &[],
            status: "con-hieu-luc",
            authority_id: 1,
            authority: "UBND",
            issued_on: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default(),
        }
    }
}

/// A value of a [`UnitDoc`]. Texts are shared: a unit's text goes into five fields (stored and
/// four indexed forms) and its title into three, each a reference to one copy.
#[derive(Debug, Clone)]
pub enum UnitValue {
    Str(Arc<str>),
    U64(u64),
    I64(i64),
    Facet(Facet),
}

impl<'a> Value<'a> for &'a UnitValue {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        let v: &'a UnitValue = self;
        ReferenceValue::Leaf(match v {
            UnitValue::Str(s) => ReferenceValueLeaf::Str(s),
            UnitValue::U64(n) => ReferenceValueLeaf::U64(*n),
            UnitValue::I64(n) => ReferenceValueLeaf::I64(*n),
            UnitValue::Facet(f) => ReferenceValueLeaf::Facet(f.encoded_str()),
        })
    }
}

/// One search unit as the index writer takes it.
#[derive(Debug, Clone, Default)]
pub struct UnitDoc(Vec<(Field, UnitValue)>);

type UnitValues<'a> = std::iter::Map<
    std::slice::Iter<'a, (Field, UnitValue)>,
    fn(&'a (Field, UnitValue)) -> (Field, &'a UnitValue),
>;

impl Document for UnitDoc {
    type Value<'a> = &'a UnitValue;
    type FieldsValuesIter<'a> = UnitValues<'a>;

    fn iter_fields_and_values(&self) -> UnitValues<'_> {
        fn pair(fv: &(Field, UnitValue)) -> (Field, &UnitValue) {
            (fv.0, &fv.1)
        }
        self.0.iter().map(pair)
    }
}

/// The values a document shares with its articles (everything but the kind, the article and
/// the text), made once per document and shared by reference with each of its units.
pub struct SharedValues(Vec<(Field, UnitValue)>);

impl SharedValues {
    pub fn new(f: &Fields, u: &Unit<'_>) -> SharedValues {
        use chrono::Datelike;
        let mut d = Vec::with_capacity(20);
        let str = |s: &str| UnitValue::Str(Arc::from(s));
        d.push((
            f.doc_id,
            UnitValue::U64(u64::try_from(u.doc_id).unwrap_or_default()),
        ));
        d.push((f.number, str(u.number)));
        for k in u.number_keys {
            d.push((f.number_key, str(k)));
        }
        let title: Arc<str> = Arc::from(u.title);
        d.push((f.title, UnitValue::Str(title.clone())));
        for field in f.title_idx {
            d.push((field, UnitValue::Str(title.clone())));
        }
        d.push((f.doc_type, str(u.doc_type)));
        for field in u.fields {
            d.push((
                f.fields,
                UnitValue::Str(Arc::from(crate::domain::text::fold(&field.to_lowercase()))),
            ));
        }
        d.push((f.status, str(u.status)));
        d.push((
            f.authority_id,
            UnitValue::U64(u64::try_from(u.authority_id).unwrap_or_default()),
        ));
        d.push((f.authority, str(u.authority)));
        d.push((
            f.issued_on,
            UnitValue::I64(i64::from(u.issued_on.num_days_from_ce())),
        ));
        d.push((
            f.year,
            UnitValue::U64(u64::try_from(u.issued_on.year()).unwrap_or_default()),
        ));
        for facet in [
            Facet::from_path(["type", u.doc_type]),
            Facet::from_path(["status", u.status]),
            Facet::from_path(["authority", &u.authority_id.to_string()]),
            Facet::from_path(["year", &u.issued_on.year().to_string()]),
        ] {
            d.push((f.facets, UnitValue::Facet(facet)));
        }
        SharedValues(d)
    }

    /// One unit: these shared values, with its kind, article (key, label, heading) and text.
    pub fn unit(
        &self,
        f: &Fields,
        kind: &str,
        article: Option<(&str, &str, &str)>,
        text: &str,
    ) -> UnitDoc {
        let mut d = Vec::with_capacity(self.0.len() + 12);
        d.push((f.kind, UnitValue::Str(Arc::from(kind))));
        if let Some((key, label, heading)) = article {
            d.push((f.article_key, UnitValue::Str(Arc::from(key))));
            d.push((f.article_label, UnitValue::Str(Arc::from(label))));
            let heading: Arc<str> = Arc::from(heading);
            d.push((f.heading, UnitValue::Str(heading.clone())));
            for field in f.heading_idx {
                d.push((field, UnitValue::Str(heading.clone())));
            }
        }
        // Only the beginning of the text is stored: snippets are cut from it, and nothing else
        // reads it (the whole text is indexed).
        d.push((f.text, UnitValue::Str(Arc::from(stored_text(text)))));
        let text: Arc<str> = Arc::from(text);
        for field in f.body {
            d.push((field, UnitValue::Str(text.clone())));
        }
        d.extend(self.0.iter().cloned());
        UnitDoc(d)
    }
}

impl UnitDoc {
    /// Adds an amended provision's earlier wordings: scored in their own field, and read by
    /// the every-word filter with the title (whose folded field has no weight of its own).
    pub fn with_earlier(mut self, f: &Fields, earlier: &str) -> UnitDoc {
        if !earlier.is_empty() {
            let text: Arc<str> = Arc::from(earlier);
            self.0.push((f.earlier, UnitValue::Str(text.clone())));
            self.0.push((f.title_idx[1], UnitValue::Str(text)));
        }
        self
    }
}

/// A procedure (thủ tục hành chính) as a search unit: `u.kind` is "procedure", `u.number`
/// its code, `u.title` its name; the unit carries no document id but the procedure's.
pub fn procedure_unit_doc(f: &Fields, u: &Unit<'_>, procedure_id: i64) -> UnitDoc {
    let mut d = to_unit_doc(f, u);
    d.0.retain(|(field, _)| *field != f.doc_id);
    d.0.push((
        f.procedure_id,
        UnitValue::U64(u64::try_from(procedure_id).unwrap_or_default()),
    ));
    d
}

pub fn to_unit_doc(f: &Fields, u: &Unit<'_>) -> UnitDoc {
    SharedValues::new(f, u).unit(f, u.kind, u.article, u.text)
}

/// The same unit as a plain tantivy document (for writers of the default document type).
pub fn to_document(f: &Fields, u: &Unit<'_>) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    for (field, value) in to_unit_doc(f, u).0 {
        match value {
            UnitValue::Str(s) => d.add_text(field, &*s),
            UnitValue::U64(n) => d.add_u64(field, n),
            UnitValue::I64(n) => d.add_i64(field, n),
            UnitValue::Facet(facet) => d.add_facet(field, facet),
        }
    }
    d
}

/// The terms a document number is found by: [`DocumentNumber::search_keys`], the one rule that
/// every search box shares (`NQ 15/2018`, `7/2020/nq-hdnd` and `07/NQ-HĐND` all find
/// `07/2020/NQ-HĐND`).
///
/// [`DocumentNumber::search_keys`]: crate::domain::number::DocumentNumber::search_keys
pub fn number_keys(number: &str) -> Vec<String> {
    crate::domain::number::DocumentNumber::parse(number)
        .map(|n| n.search_keys())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::analyze;

    #[test]
    fn token_streams_give_the_analysed_terms_in_order() {
        let text = "Điều 3. Giải thích từ ngữ: thủy lợi, hòa giải";
        for (_, mode) in TOKENIZERS {
            let mut tokenizer = VnTokenizer(mode);
            let mut stream = tokenizer.token_stream(text);
            let mut got = Vec::new();
            while stream.advance() {
                let t = stream.token();
                got.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
            let want: Vec<_> = analyze(text, mode)
                .into_iter()
                .enumerate()
                .map(|(i, t)| (t.text, t.from, t.to, i))
                .collect();
            assert_eq!(got, want, "{mode:?}");
        }
    }

    #[test]
    fn a_unit_document_holds_the_values_of_the_plain_document() {
        let (_, f) = in_memory();
        let keys = number_keys("15/2018/NQ-HĐND");
        let fields = vec!["Thủy sản".to_string()];
        let unit = Unit {
            kind: "article",
            doc_id: 7,
            article: Some(("dieu-2", "Điều 2", "Đối tượng áp dụng")),
            number: "15/2018/NQ-HĐND",
            number_keys: &keys,
            title: "Nghị quyết về thủy sản",
            text: "Đối tượng áp dụng\n1. Tổ chức, cá nhân",
            doc_type: "Nghị quyết",
            fields: &fields,
            status: "con-hieu-luc",
            authority_id: 3,
            authority: "HĐND tỉnh Cà Mau",
            issued_on: chrono::NaiveDate::from_ymd_opt(2018, 7, 1).unwrap(),
        };
        let plain: Vec<(Field, String)> = to_document(&f, &unit)
            .field_values()
            .map(|(field, v)| {
                (
                    field,
                    format!("{:?}", tantivy::schema::OwnedValue::from(v.as_value())),
                )
            })
            .collect();
        let shared: Vec<(Field, String)> = to_unit_doc(&f, &unit)
            .iter_fields_and_values()
            .map(|(field, v)| {
                (
                    field,
                    format!("{:?}", tantivy::schema::OwnedValue::from(v.as_value())),
                )
            })
            .collect();
        assert_eq!(plain, shared);
        assert!(plain.len() > 20);
    }
}
