//! `vanban extract FILE [--json]` on files written for the test: a decision in UTF-8, the
//! same fields as JSON, and files refused with status 2.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

const DECISION: &str = "\
ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH CÀ MAU\tĐộc lập - Tự do - Hạnh phúc
Số: 09/2021/QĐ-UBND\tCà Mau, ngày 28 tháng 4 năm 2021

QUYẾT ĐỊNH
Ban hành Quy định về quản lý hoạt động
khai thác cát trên địa bàn tỉnh Cà Mau

ỦY BAN NHÂN DÂN TỈNH CÀ MAU

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Quy định về quản lý hoạt động khai thác cát.
Điều 2. Quyết định này có hiệu lực kể từ ngày 15 tháng 5 năm 2021 và thay thế Quyết định số 12/2018/QĐ-UBND ngày 05 tháng 3 năm 2018 của Ủy ban nhân dân tỉnh Cà Mau.

Nơi nhận:\t\tTM. ỦY BAN NHÂN DÂN
- Như Điều 2;\t\tKT. CHỦ TỊCH
- Lưu: VT.\t\tPHÓ CHỦ TỊCH
\t\tLê Văn Sử
";

/// The decision with two annexes after the signature.
fn with_annexes() -> String {
    format!(
        "{DECISION}\nPHỤ LỤC I\nDANH MỤC KHU VỰC KHAI THÁC CÁT\n(Kèm theo Quyết định số 09/2021/QĐ-UBND ngày 28 tháng 4 năm 2021 của Ủy ban nhân dân tỉnh Cà Mau)\nSTT\tKhu vực\tDiện tích\n1.\tSông Gành Hào\t12 ha\nĐiều 3. Dòng trích dẫn\nPHỤ LỤC II\nBIỂU MẪU BÁO CÁO\nMẫu số 01\n"
    )
}

fn vanban(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(args)
        .current_dir(dir.path())
        .env("VANBAN_DATABASE_URL", "sqlite://unused.sqlite3")
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn extract_prints_the_fields_in_vietnamese() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("qd.txt");
    std::fs::write(&file, DECISION).unwrap();
    let o = vanban(&["extract", file.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    for line in [
        "Loại văn bản: Quyết định (dòng 5)",
        "Số, ký hiệu: 09/2021/QĐ-UBND (dòng 3)",
        "Cơ quan ban hành: ỦY BAN NHÂN DÂN TỈNH CÀ MAU (dòng 1)",
        "Ngày ban hành: 28/04/2021 (dòng 3)",
        "Trích yếu: Ban hành Quy định về quản lý hoạt động khai thác cát trên địa bàn tỉnh Cà Mau (dòng 6)",
        "Người ký: Lê Văn Sử (dòng 21)",
        "Thẩm quyền ký: TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH (dòng 18)",
        "Ngày có hiệu lực: 15/05/2021 (dòng 16)",
        "Số điều: 2",
        "Tác động: thay thế 12/2018/QĐ-UBND — toàn bộ — từ 15/05/2021 (dòng 16)",
    ] {
        assert!(out.contains(line), "«{line}» missing in:\n{out}");
    }
}

#[test]
fn extract_json_names_every_field_and_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("qd.txt");
    std::fs::write(&file, DECISION).unwrap();
    let o = vanban(&["extract", file.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["type"], "Quyết định");
    assert_eq!(v["number"], "09/2021/QĐ-UBND");
    assert_eq!(v["issuer"], "ỦY BAN NHÂN DÂN TỈNH CÀ MAU");
    assert_eq!(v["place"], "Cà Mau");
    assert_eq!(v["issued_on"], "2021-04-28");
    assert_eq!(v["signer"], "Lê Văn Sử");
    assert_eq!(v["signer_position"], "PHÓ CHỦ TỊCH");
    assert_eq!(v["signing_capacity"], "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH");
    assert_eq!(v["effective_on"], "2021-05-15");
    assert_eq!(v["articles"], 2);
    assert_eq!(v["lines"]["title"], 6);
    assert_eq!(v["lines"]["signer"], 21);
    let e = &v["effects"][0];
    assert_eq!(e["kind"], "replace");
    assert_eq!(e["target_number"], "12/2018/QĐ-UBND");
    assert_eq!(e["provisions"], serde_json::json!([]));
    assert_eq!(e["effective_on"], "2021-05-15");
    assert_eq!(e["line"], 16);
    assert_eq!(v["annexes"], serde_json::json!([]));
}

#[test]
fn extract_json_lists_the_annexes_apart_from_the_articles() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("qd.txt");
    std::fs::write(&file, with_annexes()).unwrap();
    let o = vanban(&["extract", file.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The document's own articles: the annex's "Điều 3" line is not one.
    assert_eq!(v["articles"], 2);
    assert_eq!(v["signer"], "Lê Văn Sử");
    let a = &v["annexes"];
    assert_eq!(a.as_array().map(Vec::len), Some(2), "{a}");
    assert_eq!(a[0]["label"], "I");
    assert_eq!(a[0]["title"], "DANH MỤC KHU VỰC KHAI THÁC CÁT");
    assert_eq!(a[0]["line"], 23);
    assert_eq!(
        a[0]["text"],
        "(Kèm theo Quyết định số 09/2021/QĐ-UBND ngày 28 tháng 4 năm 2021 của Ủy ban nhân dân tỉnh Cà Mau)\nSTT\tKhu vực\tDiện tích\n1.\tSông Gành Hào\t12 ha\nĐiều 3. Dòng trích dẫn"
    );
    assert_eq!(a[1]["label"], "II");
    assert_eq!(a[1]["title"], "BIỂU MẪU BÁO CÁO");
    assert_eq!(a[1]["line"], 29);
    assert_eq!(a[1]["text"], "Mẫu số 01");
    let o = vanban(&["extract", file.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert!(out.contains("Số điều: 2"), "{out}");
    assert!(
        out.contains("Phụ lục I: DANH MỤC KHU VỰC KHAI THÁC CÁT (dòng 23, 4 dòng nội dung)"),
        "{out}"
    );
}

#[test]
fn extract_refuses_a_binary_file_and_one_over_20_mib() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("scan.txt");
    std::fs::write(&binary, b"\x7fELF\x00\x01\x02binary").unwrap();
    let o = vanban(&["extract", binary.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("không phải tệp văn bản thuần"),
        "{}",
        text(&o.stderr)
    );
    // A file that says it is a PDF is read as one, and refused when it is broken.
    let broken = dir.path().join("scan.pdf");
    std::fs::write(&broken, b"%PDF-1.7\n\x00\x01\x02binary").unwrap();
    let o = vanban(&["extract", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("Tệp PDF bị hỏng"),
        "{}",
        text(&o.stderr)
    );

    let big = dir.path().join("big.txt");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(20 * 1024 * 1024 + 1).unwrap();
    let o = vanban(&["extract", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("vượt giới hạn 20 MiB"),
        "{}",
        text(&o.stderr)
    );

    let o = vanban(&["extract", dir.path().join("none.txt").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("không đọc được tệp"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn extract_converts_a_tcvn3_file() {
    // Bytes as a `.VnTime` font saves them, one byte a character.
    let tcvn3 = "Sè: 09/2021/Q§-UBND\tCµ Mau, ngµy 28 th¸ng 4 n¨m 2021\n\nQUYÕT §ÞNH\nVÒ viÖc qu¶n lý c¸t\n";
    let bytes: Vec<u8> = tcvn3
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cu.txt");
    std::fs::write(&file, bytes).unwrap();
    let o = vanban(&["extract", file.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    for line in [
        "Bảng mã: TCVN3 (ABC) (đã chuyển sang Unicode)",
        "Loại văn bản: Quyết định (dòng 3)",
        "Số, ký hiệu: 09/2021/QĐ-UBND (dòng 1)",
        "Địa danh: Cà Mau (dòng 1)",
        "Ngày ban hành: 28/04/2021 (dòng 1)",
        "Trích yếu: Về việc quản lý cát (dòng 4)",
    ] {
        assert!(out.contains(line), "«{line}» missing in:\n{out}");
    }
}

/// The same decision saved as DOCX (one paragraph a line, the two header columns apart by
/// spaces): read by the DOCX reader, then the same fields.
#[test]
fn extract_reads_a_docx_file() {
    use vanban::docx::{Docx, Paragraph, Style};
    let doc = Docx {
        title: "Quyết định".into(),
        paragraphs: DECISION
            .lines()
            .map(|l| Paragraph::text(Style::Normal, l.replace('\t', "     ")))
            .collect(),
        footnotes: Vec::new(),
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("qd.docx");
    std::fs::write(&file, vanban::docx::write(&doc).unwrap()).unwrap();
    let o = vanban(&["extract", file.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["type"], "Quyết định", "{v}");
    assert_eq!(v["number"], "09/2021/QĐ-UBND", "{v}");
    assert_eq!(v["effective_on"], "2021-05-15", "{v}");
    assert_eq!(v["effects"][0]["target_number"], "12/2018/QĐ-UBND", "{v}");

    // A legacy Word file is refused with the advice to save it as DOCX or PDF.
    let legacy = dir.path().join("qd.doc");
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(4096, 0);
    std::fs::write(&legacy, bytes).unwrap();
    let o = vanban(&["extract", legacy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("DOCX hoặc PDF"),
        "{}",
        text(&o.stderr)
    );
}

/// A one-page PDF whose page only paints a rectangle (what a scan's page is to a text reader).
fn scan_pdf() -> Vec<u8> {
    let content = "q 595 0 0 842 0 0 cm 0 0 1 rg 0 0 1 1 re f Q";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Count 1 /Kids [3 0 R] >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(b"xref\n0 5\n0000000000 65535 f \n");
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

#[test]
fn extract_reads_a_pdf_printed_by_libreoffice_and_refuses_a_scan() {
    let pdf = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/extraction/docs/01-qd-tinh-thay-the/source.pdf");
    let o = vanban(&["extract", pdf.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["number"], "09/2021/QĐ-UBND");
    assert_eq!(v["issuer"], "ỦY BAN NHÂN DÂN TỈNH CÀ MAU");
    assert_eq!(v["effective_on"], "2021-05-15");
    assert_eq!(v["effects"][0]["target_number"], "12/2018/QĐ-UBND");

    let o = vanban(&["extract", pdf.to_str().unwrap(), "--text"]);
    let out = text(&o.stdout);
    assert!(
        out.starts_with("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"),
        "{out}"
    );

    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("scan.pdf");
    std::fs::write(&scan, scan_pdf()).unwrap();
    let o = vanban(&["extract", scan.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("không có lớp chữ"),
        "{}",
        text(&o.stderr)
    );
}
