use super::samples;
use super::*;

fn up(name: &str, bytes: Vec<u8>) -> Upload {
    Upload {
        name: name.into(),
        bytes,
    }
}

fn ole(extra: &[u8]) -> Vec<u8> {
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.extend_from_slice(&[0u8; 504]);
    b.extend_from_slice(extra);
    b
}

#[test]
fn a_pdf_and_a_docx_are_known_by_their_bytes_whatever_their_names() {
    let pdf = samples::pdf("Quyet dinh 15", false, 0);
    let c = check(&up("x.docx", pdf.clone())).unwrap();
    assert_eq!(c.kind, FileKind::Pdf);
    assert_eq!(c.size, pdf.len() as u64);
    assert_eq!(c.sha256.len(), 64);
    assert_eq!(
        c.sha256,
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pdf))
    );
    let docx = samples::docx("ỦY BAN NHÂN DÂN\nQUYẾT ĐỊNH").unwrap();
    assert_eq!(check(&up("x.pdf", docx)).unwrap().kind, FileKind::Docx);
}

#[test]
fn every_bad_file_is_refused_with_its_status_and_code() {
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (Vec::new(), 400, "file-empty"),
        (vec![b'%'; MAX_FILE_BYTES + 1], 413, "file-too-large"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), 415, "file-type"),
        (ole(b"WordDocument"), 415, "file-type"),
        (samples::pdf("x", true, 0), 422, "file-encrypted"),
        (
            ole(&"EncryptedPackage"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>()),
            422,
            "file-encrypted",
        ),
        (
            samples::docx_bomb(40 << 20).unwrap(),
            422,
            "file-over-bounds",
        ),
        (
            samples::zip_of(&[("xl/workbook.xml", b"<workbook/>")]).unwrap(),
            415,
            "file-type",
        ),
    ];
    for (bytes, status, code) in cases {
        let e = check(&up("x.docx", bytes)).unwrap_err();
        assert_eq!((e.status(), e.code()), (status, code), "{e}");
    }
}

#[test]
fn a_legacy_doc_is_told_to_be_saved_as_docx_or_pdf() {
    let e = check(&up("x.docx", ole(b"WordDocument"))).unwrap_err();
    assert_eq!(e, FileError::Unsupported { legacy_doc: true });
    assert!(e.to_string().contains("DOCX hoặc PDF"), "{e}");
}

#[test]
fn a_truncated_docx_or_pdf_is_corrupt() {
    let docx = samples::docx("Điều 1. Phạm vi").unwrap();
    let e = check(&up("x.docx", docx[..docx.len() / 2].to_vec())).unwrap_err();
    assert_eq!((e.status(), e.code()), (422, "file-corrupt"), "{e}");
    let pdf = samples::pdf("x", false, 4000);
    let e = check(&up("x.pdf", pdf[..pdf.len() / 2].to_vec())).unwrap_err();
    assert_eq!(e.code(), "file-corrupt", "{e}");
    // startxref pointing past the end.
    let mut bad = samples::pdf("x", false, 0);
    let at = bad.windows(9).rposition(|w| w == b"startxref").unwrap();
    bad.truncate(at);
    bad.extend_from_slice(b"startxref\n999999999\n%%EOF\n");
    assert_eq!(check(&up("x.pdf", bad)).unwrap_err().code(), "file-corrupt");
}

#[test]
fn an_encrypt_entry_counts_in_a_cross_reference_stream_and_not_as_encrypt_metadata() {
    let mut xref_stream = samples::pdf("x", false, 0);
    let at = xref_stream.len();
    xref_stream.extend_from_slice(
        b"9 0 obj\n<< /Type /XRef /Size 10 /W [1 2 1] /Encrypt 8 0 R /Root 1 0 R /Length 0 >>\nstream\n\nendstream\nendobj\n",
    );
    xref_stream.extend_from_slice(format!("startxref\n{at}\n%%EOF\n").as_bytes());
    assert_eq!(
        check(&up("x.pdf", xref_stream)).unwrap_err(),
        FileError::Encrypted
    );
    let mut metadata = samples::pdf("x", false, 0);
    let at = metadata.len();
    metadata.extend_from_slice(
        b"trailer\n<< /Size 6 /Root 1 0 R /Info << /EncryptMetadata false >> >>\n",
    );
    metadata.extend_from_slice(format!("startxref\n{at}\n%%EOF\n").as_bytes());
    assert_eq!(check(&up("x.pdf", metadata)).unwrap().kind, FileKind::Pdf);
}

#[test]
fn names_are_sanitised() {
    assert_eq!(
        sanitise_name("C:\\Users\\a\\Quyết định.pdf"),
        "Quyết định.pdf"
    );
    assert_eq!(sanitise_name("../../etc/passwd"), "passwd");
    assert_eq!(sanitise_name("a\u{0}b\r\nc.pdf"), "ab c.pdf");
    assert_eq!(sanitise_name("tep\u{202E}fdp.exe"), "tepfdp.exe");
    assert_eq!(sanitise_name(""), "tep");
    assert_eq!(sanitise_name(" .. "), "tep");
    // NFD in, NFC out.
    assert_eq!(sanitise_name("Quye\u{302}\u{301}t.pdf"), "Quyết.pdf");
    let long = format!("{}.docx", "ầ".repeat(300));
    let s = sanitise_name(&long);
    assert_eq!(s.chars().count(), 200);
    assert!(s.ends_with("ầ.docx"), "{s}");
}

#[test]
fn a_name_says_its_kind() {
    use super::store::name_for;
    assert_eq!(name_for("qd.pdf", FileKind::Pdf), "qd.pdf");
    assert_eq!(name_for("qd.PDF", FileKind::Pdf), "qd.pdf");
    assert_eq!(name_for("qd.pdf", FileKind::Docx), "qd.docx");
    assert_eq!(name_for("qd.doc", FileKind::Docx), "qd.docx");
    assert_eq!(name_for("qd", FileKind::Docx), "qd.docx");
    assert_eq!(name_for("qd.v2", FileKind::Pdf), "qd.v2.pdf");
}

#[test]
fn the_disposition_has_an_ascii_fallback_and_the_exact_name() {
    assert_eq!(
        disposition("Quyết định số 15 \"mới\".pdf"),
        "attachment; filename=\"Quyet dinh so 15 _moi_.pdf\"; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20s%E1%BB%91%2015%20%22m%E1%BB%9Bi%22.pdf"
    );
}

#[test]
fn roles_have_codes_and_labels() {
    assert_eq!(FileRole::parse("signed"), Some(FileRole::Signed));
    assert_eq!(FileRole::Word.label(), "Bản Word");
    assert_eq!(FileRole::Annex.code(), "annex");
    assert_eq!(
        FileKind::of_content_type(FileKind::Docx.content_type()),
        Some(FileKind::Docx)
    );
}

#[test]
fn a_pdf_whose_streams_inflate_past_the_bound_is_refused() {
    use flate2::write::ZlibEncoder;
    use std::io::Write;
    let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&vec![0u8; 3 << 20]).unwrap();
    let data = z.finish().unwrap();
    let mut pdf = samples::pdf("x", false, 0);
    pdf.extend_from_slice(
        format!(
            "7 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n",
            data.len()
        )
        .as_bytes(),
    );
    pdf.extend_from_slice(&data);
    pdf.extend_from_slice(b"\nendstream\nendobj\n");
    assert!(super::pdf::inflated_within(&pdf, 4 << 20).is_ok());
    let e = super::pdf::inflated_within(&pdf, 2 << 20).unwrap_err();
    assert_eq!((e.status(), e.code()), (422, "file-over-bounds"), "{e}");
    // Within the real bound, with a proper ending: accepted.
    let at = pdf.len();
    pdf.extend_from_slice(format!("startxref\n{at}\n%%EOF\n").as_bytes());
    assert_eq!(check(&up("x.pdf", pdf)).unwrap().kind, FileKind::Pdf);
}

#[test]
fn a_description_is_nfc_folded_and_bounded() {
    use super::{Description, DescriptionError};
    assert_eq!(Description::parse("  \n\t "), Ok(None));
    let d = Description::parse(" Phu\u{323} lu\u{323}c I\n—  danh mục\u{0007} ")
        .unwrap()
        .unwrap();
    assert_eq!(d.as_str(), "Phụ lục I — danh mục");
    let max = "ệ".repeat(Description::MAX_CHARS);
    assert_eq!(Description::parse(&max).unwrap().unwrap().as_str(), max);
    assert_eq!(
        Description::parse(&format!("{max}a")),
        Err(DescriptionError)
    );
}
