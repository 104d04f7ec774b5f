use std::io::Write;

use super::*;

const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A DOCX whose body is `body` (and `numbering.xml` when given).
fn docx(body: &str, numbering: Option<&str>) -> Vec<u8> {
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let numbering = numbering.map(|n| format!("<w:numbering {W}>{n}</w:numbering>"));
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ];
    if let Some(n) = &numbering {
        parts.push(("word/numbering.xml", n.as_bytes()));
    }
    zip_of(&parts)
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn numbered(num_id: u32, ilvl: u32, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{num_id}\"/></w:numPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
    )
}

fn read(bytes: &[u8]) -> Result<DocxText, DocxError> {
    text(bytes, &Limits::default())
}

fn lines(bytes: &[u8]) -> Vec<String> {
    read(bytes)
        .unwrap()
        .lines
        .into_iter()
        .map(|l| l.text)
        .collect()
}

#[test]
fn plain_paragraphs_with_vietnamese_text_come_out_nfc_one_per_line() {
    // "Quyết định" written decomposed (e + combining marks), as some editors store it.
    let decomposed = "Quye\u{302}\u{301}t \u{111}i\u{323}nh";
    let body = [
        p(decomposed),
        "<w:p><w:r><w:t xml:space=\"preserve\">Điều 1. Phạm vi </w:t></w:r><w:r><w:t>điều chỉnh</w:t></w:r></w:p>".to_string(),
        "<w:p/>".to_string(),
        "<w:p><w:r><w:t>Cà Mau</w:t><w:tab/><w:t>ngày 07 &amp; 08</w:t><w:br/><w:t>dòng hai</w:t></w:r></w:p>".to_string(),
    ]
    .concat();
    let got = lines(&docx(&body, None));
    assert_eq!(got[0], "Quyết định");
    assert_eq!(got[0], got[0].nfc().collect::<String>());
    assert_eq!(got[1], "Điều 1. Phạm vi điều chỉnh");
    assert_eq!(got[2], "Cà Mau ngày 07 & 08\ndòng hai");
    assert_eq!(got.len(), 3, "the empty paragraph is left out: {got:?}");
}

#[test]
fn field_codes_deleted_and_hidden_text_are_dropped() {
    let body = "<w:p><w:r><w:t>Trang </w:t></w:r><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>\
        <w:p><w:del><w:r><w:delText>cũ </w:delText></w:r></w:del><w:ins><w:r><w:t>mới</w:t></w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t> ẩn</w:t></w:r></w:p>";
    assert_eq!(lines(&docx(body, None)), ["Trang 3", "mới"]);
}

const NUMBERING: &str = "<w:abstractNum w:abstractNumId=\"0\">\
    <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl>\
    <w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerLetter\"/><w:lvlText w:val=\"%2)\"/></w:lvl>\
    </w:abstractNum>\
    <w:abstractNum w:abstractNumId=\"1\">\
    <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"upperRoman\"/><w:lvlText w:val=\"%1.\"/><w:suff w:val=\"space\"/></w:lvl>\
    </w:abstractNum>\
    <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>\
    <w:num w:numId=\"2\"><w:abstractNumId w:val=\"0\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>\
    <w:num w:numId=\"3\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"4\"/></w:lvlOverride></w:num>";

#[test]
fn automatic_numbering_reads_as_numbers_at_two_levels_with_a_restart() {
    let body = [
        p("Điều 1. Giá đất"),
        numbered(1, 0, "Khoản đầu."),
        numbered(1, 1, "điểm đầu;"),
        numbered(1, 1, "điểm hai."),
        numbered(1, 0, "Khoản hai:"),
        numbered(1, 1, "điểm lại từ a."),
        p("Điều 2. Hiệu lực"),
        // "Restart at 1": a new num over the same list with a start override.
        numbered(2, 0, "Khoản một của Điều 2."),
        numbered(2, 0, "Khoản hai của Điều 2."),
        numbered(3, 0, "Chương bốn"),
        numbered(0, 0, "numId 0: no number"),
    ]
    .concat();
    assert_eq!(
        lines(&docx(&body, Some(NUMBERING))),
        [
            "Điều 1. Giá đất",
            "1. Khoản đầu.",
            "a) điểm đầu;",
            "b) điểm hai.",
            "2. Khoản hai:",
            "a) điểm lại từ a.",
            "Điều 2. Hiệu lực",
            "1. Khoản một của Điều 2.",
            "2. Khoản hai của Điều 2.",
            "IV. Chương bốn",
            "numId 0: no number",
        ]
    );
}

#[test]
fn nums_of_one_list_without_override_continue_its_count() {
    let body = [numbered(1, 0, "một"), numbered(4, 0, "hai")].concat();
    let numbering =
        format!("{NUMBERING}<w:num w:numId=\"4\"><w:abstractNumId w:val=\"0\"/></w:num>");
    assert_eq!(lines(&docx(&body, Some(&numbering))), ["1. một", "2. hai"]);
}

fn cell(paragraphs: &[&str]) -> String {
    let inner: String = paragraphs.iter().map(|t| p(t)).collect();
    format!("<w:tc><w:tcPr><w:tcW w:w=\"4000\"/></w:tcPr>{inner}</w:tc>")
}

fn row(cells: &[&[&str]]) -> String {
    let inner: String = cells.iter().map(|c| cell(c)).collect();
    format!("<w:tr>{inner}</w:tr>")
}

#[test]
fn the_header_table_reads_issuer_then_motto_each_paragraph_a_line() {
    let header = format!(
        "<w:tbl><w:tblPr/>{}{}</w:tbl>",
        row(&[
            &["ỦY BAN NHÂN DÂN", "TỈNH CÀ MAU", "-------"],
            &[
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc"
            ],
        ]),
        row(&[
            &["Số: 15/2018/QĐ-UBND"],
            &["Cà Mau, ngày 07 tháng 12 năm 2018"]
        ]),
    );
    let body = format!("{header}{}", p("QUYẾT ĐỊNH"));
    let text = read(&docx(&body, None)).unwrap();
    assert_eq!(
        text.text(),
        "ỦY BAN NHÂN DÂN\nTỈNH CÀ MAU\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 15/2018/QĐ-UBND\nCà Mau, ngày 07 tháng 12 năm 2018\nQUYẾT ĐỊNH"
    );
    assert_eq!(
        text.lines[1].cell,
        Some(CellAt {
            table: 0,
            row: 0,
            column: 0
        })
    );
    assert_eq!(
        text.lines[6].cell,
        Some(CellAt {
            table: 0,
            row: 1,
            column: 1
        })
    );
    assert_eq!(text.lines[7].cell, None);
}

#[test]
fn a_table_in_the_body_keeps_its_rows_and_columns() {
    let table = format!(
        "<w:tbl>{}{}</w:tbl>",
        row(&[&["STT"], &["Tên thủ tục"]]),
        row(&[&["1"], &["Cấp giấy phép xây dựng"]]),
    );
    let body = format!("{}{table}{}", p("Phụ lục"), p("Hết."));
    let text = read(&docx(&body, None)).unwrap();
    let rows: Vec<(String, Option<CellAt>)> =
        text.lines.into_iter().map(|l| (l.text, l.cell)).collect();
    assert_eq!(rows[0], ("Phụ lục".to_string(), None));
    assert_eq!(
        rows[4],
        (
            "Cấp giấy phép xây dựng".to_string(),
            Some(CellAt {
                table: 0,
                row: 1,
                column: 1
            })
        )
    );
    assert_eq!(rows[5], ("Hết.".to_string(), None));
}

#[test]
fn a_legacy_doc_is_told_to_be_saved_as_docx_or_pdf() {
    let mut doc = OLE_SIGNATURE.to_vec();
    doc.extend_from_slice(&[0; 504]);
    let err = read(&doc).unwrap_err();
    assert!(matches!(err, DocxError::LegacyDoc), "{err:?}");
    assert!(err.to_string().contains("hãy lưu thành DOCX hoặc PDF"));

    let mut encrypted = OLE_SIGNATURE.to_vec();
    encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert!(matches!(read(&encrypted), Err(DocxError::Encrypted)));

    assert!(matches!(read(b"%PDF-1.7 ..."), Err(DocxError::NotZip)));
}

#[test]
fn a_zip_bomb_stops_at_the_bound_on_the_bytes_inflated() {
    // 40 MiB of spaces deflate to a few dozen KiB; the document bound is set below that.
    let filler = " ".repeat(40 * 1024 * 1024);
    let body = format!("{}<!--{filler}-->", p("bom"));
    let bytes = docx(&body, None);
    assert!(bytes.len() < 1024 * 1024);
    let err = read(&bytes).unwrap_err();
    assert!(
        matches!(
            err,
            DocxError::OverBound {
                bound: Bound::DocumentXml,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("vượt giới hạn"));

    // The declared sizes are checked before inflating (here against a smaller total).
    let limits = Limits {
        decompressed_total: 1024 * 1024,
        document_xml: 64 * 1024 * 1024,
        ..Limits::default()
    };
    // The zip reader refuses the lie itself; our own count would stop at the bound otherwise.
    let err = text(&bytes, &limits).unwrap_err();
    assert!(
        matches!(
            err,
            DocxError::OverBound {
                bound: Bound::DecompressedTotal,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_declared_size_that_lies_does_not_lift_the_bound() {
    let body = format!("{}<!--{}-->", p("bom"), " ".repeat(300_000));
    let mut bytes = docx(&body, None);
    // Rewrite the uncompressed size of word/document.xml in its central directory record to 1.
    let name = b"word/document.xml";
    let central = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == [0x50, 0x4B, 0x01, 0x02])
        .map(|(i, _)| i)
        .find(|&i| bytes[i + 46..].starts_with(name))
        .unwrap();
    bytes[central + 24..central + 28].copy_from_slice(&1u32.to_le_bytes());
    let limits = Limits {
        document_xml: 100_000,
        ..Limits::default()
    };
    // The zip reader refuses the lie itself; our own count would stop at the bound otherwise.
    let err = text(&bytes, &limits).unwrap_err();
    assert!(
        matches!(
            err,
            DocxError::OverBound {
                bound: Bound::DocumentXml,
                ..
            } | DocxError::Corrupt { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn too_many_entries_and_an_oversized_file_are_refused() {
    let names: Vec<String> = (0..2_001).map(|i| format!("media/{i}.txt")).collect();
    let mut parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    parts.push(("word/document.xml", b"<w:document/>"));
    let err = read(&zip_of(&parts)).unwrap_err();
    assert!(
        matches!(
            err,
            DocxError::OverBound {
                bound: Bound::Entries,
                limit: 2_000
            }
        ),
        "{err:?}"
    );

    let limits = Limits {
        input_bytes: 10,
        ..Limits::default()
    };
    let err = text(&docx(&p("x"), None), &limits).unwrap_err();
    assert!(matches!(
        err,
        DocxError::OverBound {
            bound: Bound::InputBytes,
            ..
        }
    ));
}

#[test]
fn a_package_without_document_xml_or_with_broken_xml_is_refused() {
    let err = read(&zip_of(&[(
        "[Content_Types].xml",
        CONTENT_TYPES.as_bytes(),
    )]))
    .unwrap_err();
    assert!(matches!(err, DocxError::NoDocument), "{err:?}");
    assert!(err.to_string().contains("word/document.xml"));

    let broken = zip_of(&[(
        "word/document.xml",
        format!("<w:document {W}><w:body><w:p><w:r><w:t>a</w:p></w:body></w:document>").as_bytes(),
    )]);
    let err = read(&broken).unwrap_err();
    assert!(matches!(err, DocxError::Corrupt { .. }), "{err:?}");

    let truncated = zip_of(&[(
        "word/document.xml",
        format!("<w:document {W}><w:body><w:p><w:r><w:t>a</w:t>").as_bytes(),
    )]);
    assert!(matches!(read(&truncated), Err(DocxError::Corrupt { .. })));

    let mut garbage = b"PK\x03\x04".to_vec();
    garbage.extend_from_slice(&[7; 100]);
    assert!(matches!(read(&garbage), Err(DocxError::NotZip)));
}

#[test]
fn the_text_of_the_projects_own_docx_comes_back() {
    use crate::docx::{Docx, Paragraph, Run, Style};
    let d = Docx {
        title: "Văn bản hợp nhất".to_string(),
        paragraphs: vec![
            Paragraph::text(Style::Title, "VĂN BẢN HỢP NHẤT"),
            Paragraph::text(Style::Heading, "Điều 1. Phạm vi điều chỉnh"),
            Paragraph::new(
                Style::Normal,
                vec![
                    Run::Text("1. Quy định <giá> & ".to_string()),
                    Run::Struck("mức cũ".to_string()),
                    Run::Text(" mức mới".to_string()),
                    Run::Footnote(1),
                ],
            ),
        ],
        footnotes: vec!["Được sửa đổi bởi Quyết định số 5/2020/QĐ-UBND.".to_string()],
    };
    let bytes = crate::docx::write(&d).unwrap();
    assert_eq!(
        lines(&bytes),
        [
            "VĂN BẢN HỢP NHẤT",
            "Điều 1. Phạm vi điều chỉnh",
            "1. Quy định <giá> & mức cũ mức mới",
        ]
    );
}

#[test]
fn the_bounded_reader_stops_on_the_bytes_actually_read() {
    let limits = Limits {
        decompressed_total: 150,
        ..Limits::default()
    };
    let mut budget = Budget {
        total_left: limits.decompressed_total,
        total_limit: limits.decompressed_total,
    };
    let mut first = budget.reader(&[1u8; 100][..], Bound::DocumentXml, 120);
    assert_eq!(
        std::io::copy(&mut first, &mut std::io::sink()).unwrap(),
        100
    );
    let mut second = budget.reader(&[1u8; 100][..], Bound::DocumentXml, 120);
    assert!(std::io::copy(&mut second, &mut std::io::sink()).is_err());
    let err = second.error_or(DocxError::NotZip);
    assert!(
        matches!(
            err,
            DocxError::OverBound {
                bound: Bound::DecompressedTotal,
                limit: 150
            }
        ),
        "{err:?}"
    );
    let mut budget = Budget {
        total_left: 1_000,
        total_limit: 1_000,
    };
    let mut part = budget.reader(&[1u8; 200][..], Bound::DocumentXml, 120);
    assert!(std::io::copy(&mut part, &mut std::io::sink()).is_err());
    assert!(matches!(
        part.error_or(DocxError::NotZip),
        DocxError::OverBound {
            bound: Bound::DocumentXml,
            limit: 120
        }
    ));
}

#[test]
fn numbering_carried_by_a_paragraph_style_reads_as_numbers() {
    let document = format!(
        "<w:document {W}><w:body>{}{}{}{}{}</w:body></w:document>",
        "<w:p><w:pPr><w:pStyle w:val=\"Khoan\"/></w:pPr><w:r><w:t>Khoản theo kiểu.</w:t></w:r></w:p>",
        "<w:p><w:pPr><w:pStyle w:val=\"Diem\"/></w:pPr><w:r><w:t>điểm theo kiểu kế thừa;</w:t></w:r></w:p>",
        "<w:p><w:pPr><w:pStyle w:val=\"Khoan\"/><w:numPr><w:numId w:val=\"0\"/></w:numPr></w:pPr><w:r><w:t>bỏ số.</w:t></w:r></w:p>",
        "<w:p><w:pPr><w:pStyle w:val=\"Khoan\"/></w:pPr><w:r><w:t>Khoản tiếp.</w:t></w:r></w:p>",
        "<w:p><w:pPr><w:pStyle w:val=\"Loop\"/></w:pPr><w:r><w:t>kiểu vòng.</w:t></w:r></w:p>",
    );
    let styles = format!(
        "<w:styles {W}>\
         <w:style w:type=\"paragraph\" w:styleId=\"Khoan\"><w:basedOn w:val=\"Normal\"/><w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Diem\"><w:basedOn w:val=\"Khoan\"/><w:pPr><w:numPr><w:ilvl w:val=\"1\"/></w:numPr></w:pPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Loop\"><w:basedOn w:val=\"Loop\"/></w:style>\
         </w:styles>"
    );
    let numbering = format!("<w:numbering {W}>{NUMBERING}</w:numbering>");
    let bytes = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
    ]);
    assert_eq!(
        lines(&bytes),
        [
            "1. Khoản theo kiểu.",
            "a) điểm theo kiểu kế thừa;",
            "bỏ số.",
            "2. Khoản tiếp.",
            "kiểu vòng.",
        ]
    );
}
