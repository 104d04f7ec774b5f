//! Cells written to CSV and XLSX exports. A spreadsheet program takes a cell starting with
//! `=`, `+`, `-` or `@` for a formula (and a leading tab or carriage return can hide one), so
//! a title such as `=HYPERLINK(…)` would run when the file is opened. Every text cell of every
//! export goes through [`neutralise`], which puts an apostrophe in front of such a text, as a
//! person typing it would; [`restore`] takes it away again when a file is read back, so an
//! export re-imported changes nothing.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The mark that keeps a cell text.
const MARK: char = '\'';

/// A plain number (`-12`, `+3.5`): a spreadsheet reads it as that number, never as a formula,
/// so it is written as it is.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// The text as it is safe to write in a cell: with an apostrophe in front when it starts like
/// a formula, or with an apostrophe already (so that [`restore`] gives back exactly the text).
pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some(c) if (TRIGGERS.contains(&c) && !is_plain_number(text)) || c == MARK => {
            Cow::Owned(format!("{MARK}{text}"))
        }
        _ => Cow::Borrowed(text),
    }
}

/// The text of a cell read back: the apostrophe [`neutralise`] added is taken away.
pub fn restore(text: &str) -> &str {
    match text.strip_prefix(MARK) {
        Some(rest) if rest.starts_with(TRIGGERS) || rest.starts_with(MARK) => rest,
        _ => text,
    }
}

/// A CSV writer whose every field goes through [`neutralise`]: the only way exports write CSV.
pub struct CsvWriter<W: std::io::Write> {
    inner: csv::Writer<W>,
}

impl<W: std::io::Write> CsvWriter<W> {
    pub fn new(out: W) -> Self {
        CsvWriter {
            inner: csv::Writer::from_writer(out),
        }
    }

    /// Writes one record, each field neutralised.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.inner.write_record(
            record
                .into_iter()
                .map(|f| neutralise(f.as_ref()).into_owned()),
        )
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }

    /// The output, everything written.
    pub fn into_inner(self) -> csv::Result<W> {
        self.inner
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_that_start_like_a_formula_get_an_apostrophe() {
        for (text, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+84 912", "'+84 912"),
            ("-Điều 5", "'-Điều 5"),
            ("- Quy định chung", "'- Quy định chung"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("'đã có dấu", "''đã có dấu"),
            ("-1+2", "'-1+2"),
            ("-", "'-"),
            ("-.5", "'-.5"),
            ("1-2", "1-2"),
            ("Nghị quyết = 1", "Nghị quyết = 1"),
            ("15/2018/NQ-HĐND", "15/2018/NQ-HĐND"),
            ("", ""),
        ] {
            assert_eq!(neutralise(text), written, "{text:?}");
            assert_eq!(restore(&neutralise(text)), text, "{text:?} reads back");
        }
    }

    #[test]
    fn numbers_stay_numbers() {
        for n in ["-12", "+3", "-0.5", "12.5", "0"] {
            assert_eq!(neutralise(n), n);
        }
    }

    #[test]
    fn restore_leaves_other_apostrophes() {
        assert_eq!(restore("'quote"), "'quote");
        assert_eq!(restore("'=1"), "=1");
        assert_eq!(restore("''x"), "'x");
        assert_eq!(restore("it's"), "it's");
    }

    #[test]
    fn the_csv_writer_neutralises_every_field() {
        let mut w = CsvWriter::new(Vec::new());
        w.write_record(["=1+1", "-3", "an toàn", "@x"]).unwrap();
        let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(out, "'=1+1,-3,an toàn,'@x\n");
    }
}
