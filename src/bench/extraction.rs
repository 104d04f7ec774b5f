//! The extraction corpus measured (`vanban-bench extraction DIR`, `vanban-bench
//! extraction-speed FILE…`, and the corpus test `tests/extraction.rs`): every file of every
//! document directory read as `vanban extract --json` reads it, each field compared with the
//! document's `expected.json`, per-field accuracy and the share of files with every field
//! right; and the time a file takes from its bytes to its fields.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::Value;

use crate::domain::extract;
use crate::extract_file;

/// One file of one document: the fields it got wrong (expected, read), or why it was not read.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// `DOCUMENT/FILE`.
    pub name: String,
    /// The file's kind, for the report by format: `txt`, `docx`, `pdf (LibreOffice)`, …
    pub kind: &'static str,
    pub wrong: Vec<(String, Value, Value)>,
    pub error: Option<String>,
    /// Fields compared.
    pub fields: Vec<String>,
}

impl FileResult {
    pub fn all_right(&self) -> bool {
        self.error.is_none() && self.wrong.is_empty()
    }
}

/// The files of the directories under `dir` that hold an `expected.json` (`only`: directory
/// names starting with one of these, when given).
pub fn evaluate(dir: &Path, only: &[String]) -> anyhow::Result<Vec<FileResult>> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("expected.json").is_file())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            only.is_empty() || name.is_some_and(|n| only.iter().any(|o| n.starts_with(o.as_str())))
        })
        .collect();
    docs.sort();
    let mut out = Vec::new();
    for doc in docs {
        let expected: Value = serde_json::from_slice(&std::fs::read(doc.join("expected.json"))?)
            .with_context(|| format!("{}/expected.json", doc.display()))?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(&doc)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| kind(p).is_some())
            .collect();
        files.sort();
        for file in files {
            out.push(compare(&doc, &file, &expected)?);
        }
    }
    Ok(out)
}

/// The kind of a corpus file by its name; `None` for what is not read (the expected fields,
/// LibreOffice's source).
fn kind(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    match name {
        "source.txt" => Some("txt"),
        "source.docx" => Some("docx (LibreOffice)"),
        "source.pdf" => Some("pdf (LibreOffice)"),
        "gen.pdf" => Some("pdf (fpdf2)"),
        _ if name.ends_with(".docx") => Some("docx"),
        _ if name.ends_with(".pdf") => Some("pdf"),
        _ if name.ends_with(".txt") => Some("txt"),
        _ => None,
    }
}

fn compare(doc: &Path, file: &Path, expected: &Value) -> anyhow::Result<FileResult> {
    let name = format!(
        "{}/{}",
        doc.file_name().unwrap_or_default().to_string_lossy(),
        file.file_name().unwrap_or_default().to_string_lossy()
    );
    let fields: Vec<String> = expected
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let mut result = FileResult {
        name,
        kind: kind(file).unwrap_or("?"),
        wrong: Vec::new(),
        error: None,
        fields: fields.clone(),
    };
    let bytes = std::fs::read(file)?;
    let got = match extract_file::text(&bytes) {
        Ok(text) => extract_file::to_json(&extract::extract(&text)),
        Err(e) => {
            result.error = Some(e.to_string());
            return Ok(result);
        }
    };
    for f in fields {
        let mut value = got.get(&f).cloned().unwrap_or(Value::Null);
        // Lines differ between formats: the effects are compared without them, the annexes
        // without them and without their text (a table's cells come apart differently in a
        // PDF and a DOCX) — by label and title.
        let dropped: &[&str] = match f.as_str() {
            "effects" => &["line"],
            "annexes" => &["line", "text"],
            _ => &[],
        };
        if let Value::Array(items) = &mut value {
            for item in items {
                if let Value::Object(o) = item {
                    for k in dropped {
                        o.remove(*k);
                    }
                }
            }
        }
        let want = expected.get(&f).cloned().unwrap_or(Value::Null);
        if value != want {
            result.wrong.push((f, want, value));
        }
    }
    Ok(result)
}

/// Per-field accuracy, the share of files with every field right (overall and by kind) and
/// each wrong field, as printed by `vanban-bench extraction`.
pub fn report(results: &[FileResult]) -> String {
    let mut out = String::new();
    let total = results.len();
    let mut fields: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in results {
        for f in &r.fields {
            let e = fields.entry(f.as_str()).or_default();
            e.1 += 1;
            if r.error.is_none() && !r.wrong.iter().any(|(w, _, _)| w == f) {
                e.0 += 1;
            }
        }
    }
    let docs: std::collections::BTreeSet<&str> = results
        .iter()
        .filter_map(|r| r.name.split('/').next())
        .collect();
    out.push_str(&format!(
        "{} documents, {} files\n\nfield                 right / files\n",
        docs.len(),
        total
    ));
    for (f, (right, n)) in &fields {
        out.push_str(&format!(
            "{f:<20} {right:>6} / {n:<5} {:>6.1}%\n",
            percent(*right, *n)
        ));
    }
    let all = results.iter().filter(|r| r.all_right()).count();
    out.push_str(&format!(
        "\nevery field right      {all:>4} / {total:<5} {:>6.1}%\n",
        percent(all, total)
    ));
    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in results {
        let e = kinds.entry(r.kind).or_default();
        e.1 += 1;
        e.0 += usize::from(r.all_right());
    }
    for (k, (right, n)) in kinds {
        out.push_str(&format!(
            "  {k:<20} {right:>4} / {n:<5} {:>6.1}%\n",
            percent(right, n)
        ));
    }
    for r in results.iter().filter(|r| !r.all_right()) {
        out.push_str(&format!("\n{}:\n", r.name));
        if let Some(e) = &r.error {
            out.push_str(&format!("  not read: {e}\n"));
        }
        for (f, want, got) in &r.wrong {
            out.push_str(&format!("  {f}: expected {want}, read {got}\n"));
        }
    }
    out
}

fn percent(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 * 100.0 / b as f64
    }
}

/// The time from a file's bytes to its fields (`extract_file::text` then `extract`): the
/// median, fastest and slowest of `runs`, after one warm-up run. Also the pages (PDF) and
/// lines read, to show what was measured.
pub fn speed(file: &Path, runs: usize) -> anyhow::Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let text = extract_file::text(&bytes)?;
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut reading: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let text = extract_file::text(&bytes)?;
        let read = t.elapsed();
        let x = extract::extract(&text);
        std::hint::black_box(&x);
        times.push(t.elapsed());
        reading.push(read);
    }
    times.sort();
    reading.sort();
    let pages = crate::pdf_read::text(&bytes, &crate::pdf_read::Limits::default())
        .map(|p| format!(", {} pages", p.pages))
        .unwrap_or_default();
    Ok(format!(
        "{}: {} KiB{pages}, {} lines; median {:.1} ms (of which the text {:.1} ms), min {:.1} ms, max {:.1} ms ({} runs)",
        file.display(),
        bytes.len() / 1024,
        text.lines().count(),
        ms(times[times.len() / 2]),
        ms(reading[reading.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    ))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
