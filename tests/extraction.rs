//! The extraction corpus (tests/extraction/docs, made by tests/extraction/make.sh): every
//! file of every document — plain text, DOCX and PDF by LibreOffice, PDF by fpdf2, TCVN3 and
//! VNI text — read as `vanban extract --json` reads it, and each field compared with the
//! document's expected.json. Any difference fails, with the report of what was read.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use vanban::bench::extraction::{evaluate, report};

fn corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/extraction/docs")
}

#[test]
fn every_field_of_every_corpus_file_is_read() {
    let results = evaluate(&corpus(), &[]).unwrap();
    let docs: std::collections::BTreeSet<&str> = results
        .iter()
        .filter_map(|r| r.name.split('/').next())
        .collect();
    assert!(docs.len() >= 25, "{} documents", docs.len());
    let wrong: Vec<_> = results.iter().filter(|r| !r.all_right()).collect();
    assert!(wrong.is_empty(), "{}", report(&results));
}

#[test]
fn each_document_comes_in_every_format() {
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let dir = entry.unwrap().path();
        let expected: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
        let mut wanted = vec!["source.txt", "source.docx", "source.pdf"];
        // Legacy encodings are typed in Word; the other generator writes Unicode only.
        if expected["encoding"].is_null() {
            wanted.push("gen.pdf");
        }
        for f in wanted {
            assert!(dir.join(f).is_file(), "{} has no {f}", dir.display());
        }
    }
}

#[test]
fn a_docx_file_keeps_words_automatic_numbering() {
    // The articles of the LibreOffice DOCX are numbered by the list, not typed: the text read
    // has them as "Điều N." all the same.
    let dir = corpus().join("01-qd-tinh-thay-the");
    let bytes = std::fs::read(dir.join("source.docx")).unwrap();
    let xml = {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut s)
            .unwrap();
        s
    };
    assert!(
        xml.contains("<w:numPr>"),
        "no automatic numbering in the DOCX"
    );
    assert!(!xml.contains("Điều 1."));
    let text = vanban::extract_file::text(&bytes).unwrap();
    assert!(text.contains("Điều 1. Ban hành kèm theo"), "{text}");
}

#[test]
fn the_long_decision_of_the_speed_benchmark_is_read_whole() {
    // tests/extraction/long: ~60 pages printed by LibreOffice (make.sh --long), 371 articles.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/extraction/long");
    let pdf = std::fs::read(dir.join("long.pdf")).unwrap();
    let read = vanban::pdf_read::text(&pdf, &vanban::pdf_read::Limits::default()).unwrap();
    assert!(read.pages >= 60, "{} pages", read.pages);
    for file in ["long.pdf", "long.docx"] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let x = vanban::domain::extract::extract(&vanban::extract_file::text(&bytes).unwrap());
        assert_eq!(x.articles, 371, "{file}");
        assert_eq!(
            x.number.map(|n| n.value).as_deref(),
            Some("09/2021/QĐ-UBND")
        );
        assert_eq!(
            x.effective_on.map(|d| d.value.to_string()).as_deref(),
            Some("2021-05-15"),
            "{file}"
        );
    }
}
