//! The tantivy index: schema, Vietnamese tokenizers, and turning registry rows into index
//! documents. Units of search are documents, articles (Điều) and, later, procedures.

use std::path::Path;
use std::rc::Rc;

use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
    TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{Index, TantivyDocument};

use super::analyzer::{analysis, Analysis, Mode};

/// Bumped whenever the schema or the analysis changes: an index with another version is
/// rebuilt on start.
pub const SCHEMA_VERSION: u32 = 4;

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

/// A whole-value term field that records frequencies, so that its terms can join the
/// block-max WAND union of a query's text terms (fields without frequencies cannot).
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

pub fn to_document(f: &Fields, u: &Unit<'_>) -> TantivyDocument {
    use chrono::Datelike;
    let mut d = TantivyDocument::default();
    d.add_text(f.kind, u.kind);
    d.add_u64(f.doc_id, u64::try_from(u.doc_id).unwrap_or_default());
    if let Some((key, label, heading)) = u.article {
        d.add_text(f.article_key, key);
        d.add_text(f.article_label, label);
        d.add_text(f.heading, heading);
        for field in f.heading_idx {
            d.add_text(field, heading);
        }
    }
    d.add_text(f.number, u.number);
    for k in u.number_keys {
        d.add_text(f.number_key, k);
    }
    d.add_text(f.title, u.title);
    d.add_text(f.text, u.text);
    for field in f.body {
        d.add_text(field, u.text);
    }
    for field in f.title_idx {
        d.add_text(field, u.title);
    }
    d.add_text(f.doc_type, u.doc_type);
    for field in u.fields {
        d.add_text(f.fields, crate::domain::text::fold(&field.to_lowercase()));
    }
    d.add_text(f.status, u.status);
    d.add_u64(
        f.authority_id,
        u64::try_from(u.authority_id).unwrap_or_default(),
    );
    d.add_text(f.authority, u.authority);
    d.add_i64(f.issued_on, i64::from(u.issued_on.num_days_from_ce()));
    d.add_u64(
        f.year,
        u64::try_from(u.issued_on.year()).unwrap_or_default(),
    );
    d.add_facet(f.facets, Facet::from_path(["type", u.doc_type]));
    d.add_facet(f.facets, Facet::from_path(["status", u.status]));
    d.add_facet(
        f.facets,
        Facet::from_path(["authority", &u.authority_id.to_string()]),
    );
    d.add_facet(
        f.facets,
        Facet::from_path(["year", &u.issued_on.year().to_string()]),
    );
    d
}

/// The terms a document number is found by: the whole folded key, and `seq/year` and
/// `seq/year/FIRST` so that `NQ 15/2018` finds `15/2018/NQ-HĐND`.
pub fn number_keys(number: &str) -> Vec<String> {
    let Ok(n) = crate::domain::number::DocumentNumber::parse(number) else {
        return Vec::new();
    };
    let key = n.key();
    let mut out = vec![key.clone()];
    let parts: Vec<&str> = key.split('/').collect();
    if parts.len() == 3 {
        out.push(format!("{}/{}", parts[0], parts[1]));
        if let Some(first) = parts[2].split('-').next() {
            out.push(format!("{}/{}/{}", parts[0], parts[1], first));
        }
    }
    out
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
}
