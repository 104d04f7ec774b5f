//! A minimal Office Open XML word-processing writer (DOCX): paragraphs of runs (plain, bold,
//! italic, struck) and real footnotes (`word/footnotes.xml`, referenced from the text), enough
//! for a consolidated text. Written by hand: the package is six small XML parts in a zip
//! (ECMA-376 Part 1, §11.3.10 footnotes; §17.11 footnotes and endnotes).

use std::io::Write;

/// How a paragraph is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Normal,
    /// Centred, bold, larger: the heading "VĂN BẢN HỢP NHẤT", chapter titles.
    Title,
    /// Centred.
    Center,
    /// An article's title.
    Heading,
    /// Small italic note.
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    Text(String),
    Bold(String),
    Italic(String),
    /// Struck through (an old wording no longer in force).
    Struck(String),
    /// A reference to footnote `n` (1-based, in the order of [`Docx::footnotes`]).
    Footnote(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub style: Style,
    pub runs: Vec<Run>,
}

impl Paragraph {
    pub fn new(style: Style, runs: Vec<Run>) -> Paragraph {
        Paragraph { style, runs }
    }

    pub fn text(style: Style, text: impl Into<String>) -> Paragraph {
        Paragraph::new(style, vec![Run::Text(text.into())])
    }
}

/// A document: its paragraphs and its footnotes' texts (footnote `n` is `footnotes[n - 1]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docx {
    pub title: String,
    pub paragraphs: Vec<Paragraph>,
    pub footnotes: Vec<String>,
}

/// Text as XML character data (also valid in attribute values), tab and line breaks as
/// spaces; characters XML 1.0 forbids are dropped.
pub fn escape(s: &str) -> String {
    crate::markup::escape_xml(&s.replace(['\t', '\n', '\r'], " "))
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn text_run(props: &str, text: &str) -> String {
    // A line break inside a wording becomes a break in the run.
    let mut out = format!("<w:r>{props}");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        out.push_str(&format!(
            "<w:t xml:space=\"preserve\">{}</w:t>",
            escape(line)
        ));
    }
    out.push_str("</w:r>");
    out
}

fn run_xml(r: &Run) -> String {
    match r {
        Run::Text(t) => text_run("", t),
        Run::Bold(t) => text_run("<w:rPr><w:b/></w:rPr>", t),
        Run::Italic(t) => text_run("<w:rPr><w:i/></w:rPr>", t),
        Run::Struck(t) => text_run("<w:rPr><w:strike/></w:rPr>", t),
        Run::Footnote(n) => format!(
            "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"{n}\"/></w:r>"
        ),
    }
}

fn paragraph_xml(p: &Paragraph) -> String {
    let style = match p.style {
        Style::Normal => "",
        Style::Title => "<w:pPr><w:pStyle w:val=\"Title\"/></w:pPr>",
        Style::Center => "<w:pPr><w:jc w:val=\"center\"/></w:pPr>",
        Style::Heading => "<w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr>",
        Style::Note => "<w:pPr><w:pStyle w:val=\"Note\"/></w:pPr>",
    };
    let runs: String = p.runs.iter().map(run_xml).collect();
    format!("<w:p>{style}{runs}</w:p>")
}

fn document_xml(d: &Docx) -> String {
    let body: String = d.paragraphs.iter().map(paragraph_xml).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    )
}

fn footnotes_xml(d: &Docx) -> String {
    let mut notes = String::from(
        "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>",
    );
    for (i, text) in d.footnotes.iter().enumerate() {
        notes.push_str(&format!(
            "<w:footnote w:id=\"{}\"><w:p><w:pPr><w:pStyle w:val=\"FootnoteText\"/></w:pPr><w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteRef/></w:r>{}</w:p></w:footnote>",
            i + 1,
            text_run("", &format!(" {text}"))
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:footnotes xmlns:w=\"{W}\" xmlns:r=\"{R}\">{notes}</w:footnotes>"
    )
}

fn styles_xml() -> String {
    let font = "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\" w:eastAsia=\"Times New Roman\"/>";
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{W}\">\
<w:docDefaults><w:rPrDefault><w:rPr>{font}<w:sz w:val=\"26\"/><w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after=\"120\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"28\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:keepNext/><w:spacing w:before=\"120\"/><w:jc w:val=\"left\"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Note\"><w:name w:val=\"Note\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:i/><w:sz w:val=\"22\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"FootnoteText\"><w:name w:val=\"footnote text\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"0\"/></w:pPr><w:rPr><w:sz w:val=\"20\"/></w:rPr></w:style>\
<w:style w:type=\"character\" w:styleId=\"FootnoteReference\"><w:name w:val=\"footnote reference\"/><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr></w:style>\
</w:styles>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/footnotes.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes\" Target=\"footnotes.xml\"/></Relationships>";

fn core_xml(title: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:language>vi-VN</dc:language></cp:coreProperties>",
        escape(title)
    )
}

/// The package's parts, by name.
pub fn parts(d: &Docx) -> Vec<(&'static str, String)> {
    vec![
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core_xml(&d.title)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/document.xml", document_xml(d)),
        ("word/styles.xml", styles_xml()),
        ("word/footnotes.xml", footnotes_xml(d)),
    ]
}

/// The DOCX file.
pub fn write(d: &Docx) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, xml) in parts(d) {
        w.start_file(name, options)?;
        w.write_all(xml.as_bytes())?;
    }
    Ok(w.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(escape("a<b>&\"c\u{1}"), "a&lt;b&gt;&amp;&quot;c");
    }

    #[test]
    fn footnotes_are_referenced_and_written() {
        let d = Docx {
            title: "T".into(),
            paragraphs: vec![Paragraph::new(
                Style::Normal,
                vec![Run::Text("Điều 1".into()), Run::Footnote(1)],
            )],
            footnotes: vec!["Điều này được sửa đổi.".into()],
        };
        let p = parts(&d);
        let doc = &p.iter().find(|(n, _)| *n == "word/document.xml").unwrap().1;
        assert!(doc.contains("<w:footnoteReference w:id=\"1\"/>"));
        let notes = &p
            .iter()
            .find(|(n, _)| *n == "word/footnotes.xml")
            .unwrap()
            .1;
        assert!(notes.contains("<w:footnote w:id=\"1\">"));
        assert!(notes.contains("Điều này được sửa đổi."));
        let bytes = write(&d).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
