//! Tests of the bounds: small workbooks and CSV files past each one.

use super::xml::{attribute, cell_ref};
use super::*;
use std::io::Write;

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        w.start_file(*name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn sheet(cells: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\"?><worksheet xmlns=\"x\"><sheetData>{cells}</sheetData></worksheet>"
    )
    .into_bytes()
}

fn bound(r: Result<(), CheckError>) -> Bound {
    match r {
        Err(CheckError::Exceeded(e)) => e.bound,
        other => panic!("expected a bound, got {other:?}"),
    }
}

#[test]
fn cell_references_and_attributes() {
    assert_eq!(cell_ref(b"A1"), Some((1, 1)));
    assert_eq!(cell_ref(b"$BH$20000"), Some((20_000, 60)));
    assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_576, 16_384)));
    assert_eq!(cell_ref(b"1A"), None);
    assert_eq!(cell_ref(b"A"), None);
    assert_eq!(cell_ref(b"A1B"), None);
    let tag = b"c s='1' r=\"B7\" t=\"s\"/";
    assert_eq!(attribute(tag, b"r"), Some(&b"B7"[..]));
    assert_eq!(attribute(tag, b"s"), Some(&b"1"[..]));
    assert_eq!(attribute(tag, b"x"), None);
    assert_eq!(attribute(b"c foo=\"r=X\" r=\"C3\"", b"r"), Some(&b"C3"[..]));
}

#[test]
fn a_small_workbook_passes() {
    let z = zip_of(&[
        (
            "xl/worksheets/sheet1.xml",
            &sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"BH1\"/></row>"),
        ),
        (
            "xl/sharedStrings.xml",
            b"<sst count=\"2\" uniqueCount=\"2\"><si><t>a</t></si><si><t>b</t></si></sst>",
        ),
    ]);
    assert_eq!(check_xlsx(&z, &REGISTER), Ok(()));
}

#[test]
fn positions_past_the_bounds_are_refused_wherever_they_hide() {
    let refused = |xml: &str| bound(check_xlsx(&zip_of(&[("s.xml", &sheet(xml))]), &REGISTER));
    assert_eq!(refused("<dimension ref=\"A1:XFD1048576\"/>"), Bound::Rows);
    assert_eq!(refused("<dimension ref=\"A1:BI2\"/>"), Bound::Columns);
    assert_eq!(refused("<row r=\"20001\"/>"), Bound::Rows);
    assert_eq!(refused("<row r=\"1\"><c r=\"BI1\"/></row>"), Bound::Columns);
    // With a namespace prefix, as readers take it by its local name.
    assert_eq!(refused("<x:row><x:c r=\"A20001\"/></x:row>"), Bound::Rows);
    // Cells without a reference count on from the one before.
    let many: String = (0..61).map(|_| "<c><v>1</v></c>").collect();
    assert_eq!(
        refused(&format!("<row r=\"1\">{many}</row>")),
        Bound::Columns
    );
    // A comment, a CDATA section with a quote, or a '>' inside an attribute hide nothing.
    assert_eq!(
        refused("<!-- \" > --><![CDATA[ \" <c r=\"A1\"> ]]><c t=\"a>b\" r=\"A20001\"/>"),
        Bound::Rows
    );
    // Comments and CDATA may hold what looks like cells: not counted against the file.
    let z = zip_of(&[(
        "s.xml",
        &sheet("<!-- <c r=\"XFD1\"/> --><![CDATA[<c r=\"XFD2\"/>]]><c r=\"A1\"/>"),
    )]);
    assert_eq!(check_xlsx(&z, &REGISTER), Ok(()));
    // Whatever the root element, cells after a `sheetData` are a sheet's.
    let z = zip_of(&[(
        "s.xml",
        b"<foo><sheetData><row><c r=\"XFD1048576\"/></row></sheetData></foo>",
    )]);
    assert_eq!(bound(check_xlsx(&z, &REGISTER)), Bound::Rows);
    let z = zip_of(&[(
        "xl/sharedStrings.xml",
        b"<foo><sst uniqueCount=\"999999999\"/></foo>",
    )]);
    assert_eq!(bound(check_xlsx(&z, &REGISTER)), Bound::SharedStrings);
    // Merged ranges: within the bounds, and not more cells in all than the sheet may have
    // (each is copied into every cell it covers).
    assert_eq!(
        refused("<mergeCells><mergeCell ref=\"A1:XFD1048576\"/></mergeCells>"),
        Bound::Rows
    );
    let whole: String = (0..2).map(|_| "<mergeCell ref=\"A1:BH20000\"/>").collect();
    assert_eq!(refused(&whole), Bound::MergedCells);
    let z = zip_of(&[("s.xml", &sheet("<mergeCell ref=\"A1:BH20000\"/>"))]);
    assert_eq!(check_xlsx(&z, &REGISTER), Ok(()));
    // A string table inside a sheet does not hide the cells after it.
    let z = zip_of(&[("s.xml", &sheet("<sst/><c r=\"A20001\"/>"))]);
    assert_eq!(bound(check_xlsx(&z, &REGISTER)), Bound::Rows);
    // A drawing's anchors (`xdr:row`) are not a sheet's rows.
    let anchors: String = (0..30).map(|i| format!("<xdr:row>{i}</xdr:row>")).collect();
    let small = Limits {
        rows: 10,
        ..REGISTER
    };
    let z = zip_of(&[(
        "d.xml",
        format!("<xdr:wsDr>{anchors}</xdr:wsDr>").as_bytes(),
    )]);
    assert_eq!(check_xlsx(&z, &small), Ok(()));
    // A reference that is not one.
    let z = zip_of(&[("s.xml", &sheet("<c r=\"1A\"/>"))]);
    assert!(matches!(
        check_xlsx(&z, &REGISTER),
        Err(CheckError::Unreadable(_))
    ));
    // A cell tag too long to hold.
    let z = zip_of(&[(
        "s.xml",
        &sheet(&format!(
            "<c x=\"{}\" r=\"A1\"/>",
            "y".repeat(MAX_TAG_BYTES)
        )),
    )]);
    assert!(matches!(
        check_xlsx(&z, &REGISTER),
        Err(CheckError::Unreadable(_))
    ));
}

#[test]
fn cells_are_added_up_over_the_sheets() {
    let small = Limits {
        cells: 100,
        ..REGISTER
    };
    let s = sheet("<c r=\"J6\"/>");
    let one = zip_of(&[("a.xml", &s)]);
    assert_eq!(check_xlsx(&one, &small), Ok(()));
    let two = zip_of(&[("a.xml", &s), ("b.xml", &s)]);
    assert_eq!(bound(check_xlsx(&two, &small)), Bound::Cells);
}

#[test]
fn shared_strings_declared_or_counted() {
    let small = Limits {
        shared_strings: 3,
        ..REGISTER
    };
    let declared = zip_of(&[(
        "xl/sharedStrings.xml",
        b"<sst uniqueCount=\"4000000000\"></sst>",
    )]);
    assert_eq!(
        bound(check_xlsx(&declared, &REGISTER)),
        Bound::SharedStrings
    );
    let four: String = (0..4).map(|i| format!("<si><t>{i}</t></si>")).collect();
    let counted = zip_of(&[(
        "xl/sharedStrings.xml",
        format!("<sst>{four}</sst>").as_bytes(),
    )]);
    assert_eq!(bound(check_xlsx(&counted, &small)), Bound::SharedStrings);
    let sized = Limits {
        shared_strings_bytes: 10,
        ..REGISTER
    };
    assert_eq!(
        bound(check_xlsx(&counted, &sized)),
        Bound::SharedStringsSize
    );
}

#[test]
fn sizes_ratios_and_entries() {
    let zeros = vec![b' '; 3 * 1024 * 1024];
    let z = zip_of(&[("big.xml", &zeros)]);
    assert_eq!(bound(check_xlsx(&z, &REGISTER)), Bound::CompressionRatio);
    let tight = Limits {
        entry_bytes: 1024 * 1024,
        ..REGISTER
    };
    assert_eq!(bound(check_xlsx(&z, &tight)), Bound::EntrySize);
    // Bytes that do not compress (xorshift).
    let mut x: u32 = 2_463_534_242;
    let mixed: Vec<u8> = (0..3 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect();
    let z = zip_of(&[("a.bin", &mixed), ("b.bin", &mixed)]);
    assert_eq!(check_xlsx(&z, &REGISTER), Ok(()));
    let total = Limits {
        total_bytes: 4 * 1024 * 1024,
        ..REGISTER
    };
    assert_eq!(bound(check_xlsx(&z, &total)), Bound::TotalSize);
    let few = Limits {
        entries: 1,
        ..REGISTER
    };
    assert_eq!(bound(check_xlsx(&z, &few)), Bound::Entries);
}

#[test]
fn an_entry_that_inflates_past_what_it_declares_is_refused() {
    let spaces = vec![b' '; 3 * 1024 * 1024];
    let mut z = zip_of(&[("s.xml", &spaces)]);
    // Every header (local and central) says the entry inflates to 100 bytes.
    let size = (spaces.len() as u32).to_le_bytes();
    let mut at = 0;
    while let Some(p) = z[at..].windows(4).position(|w| w == size) {
        z[at + p..at + p + 4].copy_from_slice(&100u32.to_le_bytes());
        at += p + 4;
    }
    assert!(at > 0, "the size was found in the headers");
    // The archive reader stops where the entry passes its declared size.
    let r = check_xlsx(&z, &REGISTER);
    assert!(
        matches!(&r, Err(CheckError::Unreadable(m)) if m.contains("declared")),
        "{r:?}"
    );
}

#[test]
fn a_directory_declaring_too_many_entries_is_refused_before_it_is_read() {
    let mut z = zip_of(&[("a.xml", b"<a/>")]);
    let at = z.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    z[at + 8..at + 12].copy_from_slice(&[0xff, 0xff, 0xff, 0xff]);
    assert_eq!(bound(check_xlsx(&z, &REGISTER)), Bound::Entries);
    assert!(matches!(
        check_xlsx(b"PK\x03\x04 no directory", &REGISTER),
        Err(CheckError::Unreadable(_))
    ));
}

#[test]
fn csv_lines_records_columns_and_fields() {
    let small = Limits {
        rows: 2,
        columns: 3,
        field_chars: 5,
        line_bytes: 20,
        ..REGISTER
    };
    assert!(check_csv_lines(b"a,b\nccc\n", &small).is_ok());
    assert_eq!(
        check_csv_lines(&[b'x'; 21], &small).unwrap_err().bound,
        Bound::LineLength
    );
    let mut c = CsvCount::new(&small);
    assert!(c.record(1, ["a", "b", "c"].into_iter()).is_ok());
    assert_eq!(
        c.record(2, ["a", "b", "c", "d"].into_iter())
            .unwrap_err()
            .bound,
        Bound::Columns
    );
    let mut c = CsvCount::new(&small);
    assert_eq!(
        c.record(1, ["ệệệệệệ"].into_iter()).unwrap_err().bound,
        Bound::FieldLength
    );
    let mut c = CsvCount::new(&small);
    assert!(c.record(1, ["ệệệệệ"].into_iter()).is_ok());
    assert!(c.record(2, ["a"].into_iter()).is_ok());
    assert_eq!(
        c.record(3, ["a"].into_iter()).unwrap_err().bound,
        Bound::Rows
    );
}
