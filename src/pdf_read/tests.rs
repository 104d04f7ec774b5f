//! Hand-written PDFs: a simple font and a Type0 font with a ToUnicode map, columns, bounds.

use std::io::Write;

use super::*;

/// A PDF of `pages`, each a content stream, with `/F1` Helvetica (WinAnsi) and `/F2` a Type0
/// font (Identity-H) whose ToUnicode map is `cmap`; streams compressed when `deflate`.
pub fn pdf(pages: &[&str], cmap: &str, deflate: bool) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let n = pages.len();
    // 1 catalog, 2 pages, 3 F1, 4 F2, 5 descendant, 6 ToUnicode, 7.. page + content pairs
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 7 + 2 * i)).collect();
    objects.push(format!("<< /Type /Pages /Count {n} /Kids [{}] >>", kids.join(" ")).into_bytes());
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Serif /Encoding /Identity-H /DescendantFonts [5 0 R] /ToUnicode 6 0 R >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Serif /DW 500 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
            .to_vec(),
    );
    objects.push(stream(cmap.as_bytes(), deflate));
    for p in pages {
        objects.push(Vec::new());
        objects.push(stream(p.as_bytes(), deflate));
    }
    for i in 0..n {
        objects[6 + 2 * i] = format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            8 + 2 * i
        )
        .into_bytes();
    }
    assemble(&objects, "")
}

pub fn stream(data: &[u8], deflate: bool) -> Vec<u8> {
    let (body, filter) = if deflate {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        (e.finish().unwrap(), "/Filter /FlateDecode ")
    } else {
        (data.to_vec(), "")
    };
    let mut out = format!("<< {filter}/Length {} >>\nstream\n", body.len()).into_bytes();
    out.extend(body);
    out.extend(b"\nendstream");
    out
}

/// Objects numbered from 1, a cross-reference table and a trailer (`extra` added to it).
pub fn assemble(objects: &[Vec<u8>], extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {extra}>>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

const CMAP: &str = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Test def
1 begincodespacerange <0000> <FFFF> endcodespacerange
6 beginbfchar
<0001> <1EE6>
<0002> <0059>
<0003> <0020>
<0004> <0042>
<0005> <0041>
<0006> <004E>
endbfchar
endcmap CMapName currentdict /CMap defineresource pop end end";

fn read(bytes: &[u8]) -> Result<PdfText, PdfError> {
    text(bytes, &Limits::default())
}

#[test]
fn pdf_read_simple_font_lines_top_to_bottom() {
    let page = "BT /F1 12 Tf 72 700 Td (Dieu 1. Pham vi) Tj 0 -14 Td (Dieu 2. Hieu luc) Tj ET";
    let t = read(&pdf(&[page], CMAP, true)).unwrap();
    assert_eq!(t.text, "Dieu 1. Pham vi\nDieu 2. Hieu luc");
    assert_eq!(t.pages, 1);
    assert!(t.has_text_layer);
}

#[test]
fn pdf_read_type0_font_through_its_to_unicode_map() {
    // "ỦY BAN" in two-byte codes, placed with TJ adjustments, and a right column.
    let page = "BT /F2 12 Tf 72 700 Td [<00010002> -250 <0003000400050006>] TJ ET \
                BT /F1 12 Tf 350 700 Td (CONG HOA) Tj ET";
    let t = read(&pdf(&[page], CMAP, false)).unwrap();
    assert_eq!(t.text, "ỦY BAN\tCONG HOA");
}

#[test]
fn pdf_read_word_gaps_columns_and_a_right_column_alone() {
    let page = "BT /F1 12 Tf 72 700 Td (So:) Tj 25 0 Td (15/2018/NQ-HDND) Tj ET \
                BT /F1 12 Tf 400 650 Td (Le Van Su) Tj ET \
                BT /F1 12 Tf 72 600 Td (Noi nhan:) Tj ET \
                BT /F1 12 Tf 72 560 Td (7) Tj ET";
    let t = read(&pdf(&[page], CMAP, true)).unwrap();
    // A page number alone on the last line is dropped; a wide gap between lines is blank.
    assert_eq!(t.text, "So: 15/2018/NQ-HDND\n\n\t\tLe Van Su\n\nNoi nhan:");
}

#[test]
fn pdf_read_lines_of_a_header_row_share_a_line_across_small_baseline_shifts() {
    let page = "BT /F1 13 Tf 80 760 Td (UY BAN NHAN DAN) Tj ET \
                BT /F1 12 Tf 300 761.5 Td (CONG HOA XA HOI CHU NGHIA VIET NAM) Tj ET \
                BT /F1 13 Tf 100 745 Td (TINH CA MAU) Tj ET \
                BT /F1 13 Tf 330 744 Td (Doc lap) Tj ET";
    let t = read(&pdf(&[page], CMAP, true)).unwrap();
    assert_eq!(
        t.text,
        "UY BAN NHAN DAN\tCONG HOA XA HOI CHU NGHIA VIET NAM\nTINH CA MAU\tDoc lap"
    );
}

#[test]
fn pdf_read_cells_close_together_are_columns_words_are_not() {
    // Two text objects 4 pt apart (cells of a table), then words of one object 4 pt apart.
    let page =
        "BT /F1 12 Tf 72 700 Td (HOI DONG) Tj ET BT /F1 12 Tf 131.4 700 Td (CONG HOA) Tj ET \
                BT /F1 12 Tf 72 686 Td (Dieu) Tj 28 0 Td (mot) Tj ET";
    let t = read(&pdf(&[page], CMAP, true)).unwrap();
    assert_eq!(t.text, "HOI DONG\tCONG HOA\nDieu mot");
}

#[test]
fn pdf_read_a_page_without_text_is_a_scan() {
    let page = "q 595 0 0 842 0 0 cm 0 0 1 rg 0 0 1 1 re f Q";
    let t = read(&pdf(&[page, page], CMAP, true)).unwrap();
    assert_eq!(t.pages, 2);
    assert!(!t.has_text_layer);
    assert_eq!(t.text, "");
}

#[test]
fn pdf_read_refuses_what_is_not_a_pdf() {
    assert!(matches!(
        read(b"PK\x03\x04 not a pdf"),
        Err(PdfError::NotPdf)
    ));
    assert!(matches!(read(b""), Err(PdfError::NotPdf)));
}

#[test]
fn pdf_read_refuses_a_truncated_file() {
    let whole = pdf(&["BT /F1 12 Tf 72 700 Td (Dieu 1.) Tj ET"], CMAP, true);
    let cut = &whole[..whole.len() * 2 / 3];
    assert!(
        matches!(read(cut), Err(PdfError::Corrupt { .. })),
        "{:?}",
        read(cut)
    );
}

#[test]
fn pdf_read_refuses_an_encrypted_file() {
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Count 0 /Kids [] >>".to_vec(),
        b"<< /Filter /Standard /V 2 /R 3 /Length 128 /O <00> /U <00> /P -4 >>".to_vec(),
    ];
    let bytes = assemble(&objects, "/Encrypt 3 0 R /ID [<01> <01>] ");
    let e = read(&bytes).unwrap_err();
    assert!(matches!(e, PdfError::Encrypted), "{e:?}");
    assert!(e.to_string().contains("mật khẩu"));
}

#[test]
fn pdf_read_stops_a_flate_bomb_at_the_stream_bound() {
    // 64 MiB of spaces compressed to a few dozen KiB.
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..64 {
        e.write_all(&chunk).unwrap();
    }
    let body = e.finish().unwrap();
    assert!(body.len() < 200_000);
    let mut content = format!(
        "<< /Filter /FlateDecode /Length {} >>\nstream\n",
        body.len()
    )
    .into_bytes();
    content.extend(body);
    content.extend(b"\nendstream");
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        content,
    ];
    let bytes = assemble(&objects, "");
    let e = read(&bytes).unwrap_err();
    assert!(
        matches!(e, PdfError::OverBounds(Bound::StreamBytes)),
        "{e:?}"
    );
    // A smaller total bound is the one reported when it is the tighter.
    let tight = Limits {
        decompressed_total: 1 << 20,
        ..Limits::default()
    };
    let e = text(&bytes, &tight).unwrap_err();
    assert!(
        matches!(e, PdfError::OverBounds(Bound::DecompressedTotal)),
        "{e:?}"
    );
}

#[test]
fn pdf_read_bounds_objects_pages_and_input() {
    let bytes = pdf(&["BT ET"; 3], CMAP, false);
    let few = Limits {
        objects: 5,
        ..Limits::default()
    };
    assert!(matches!(
        text(&bytes, &few),
        Err(PdfError::OverBounds(Bound::Objects))
    ));
    let two_pages = Limits {
        pages: 2,
        ..Limits::default()
    };
    assert!(matches!(
        text(&bytes, &two_pages),
        Err(PdfError::OverBounds(Bound::Pages))
    ));
    let small = Limits {
        input_bytes: 100,
        ..Limits::default()
    };
    let e = text(&bytes, &small).unwrap_err();
    assert!(matches!(e, PdfError::OverBounds(Bound::InputBytes)));
    assert_eq!(
        e.to_string(),
        "Tệp PDF vượt giới hạn cho phép: kích thước tệp."
    );
}
