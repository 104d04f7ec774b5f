//! The consolidated text (văn bản hợp nhất) and its three downloads.

use std::io::Read;

use actix_web::test::TestRequest;

use crate::authkit::Client;
use crate::db_test;
use crate::pointintime::{base_id, corpus, HEADER};

const ELI: &str = "/eli/vn/ubnd-96/quyet-dinh/2020/10";

fn well_formed(name: &str, xml: &str) {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut depth = 0i64;
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{name} is not well-formed XML: {e}"),
        }
    }
    assert_eq!(depth, 0, "{name}: unbalanced");
}

db_test!(
    consolidated_view_lists_amending_documents_and_footnotes,
    |app| {
        app.import_str("h.jsonl", HEADER)?;
        app.import_str("c.jsonl", &corpus())?;
        let id = base_id(&app).await;
        // From the document page, on its date.
        let (_, _, page) = app.get(&format!("/documents/{id}?date=2025-02-01")).await;
        assert!(
            page.contains(&format!(r#"href="{ELI}/2025-02-01/hop-nhat""#)),
            "{page}"
        );
        let (status, ct, html) = app.get(&format!("{ELI}/2025-02-01/hop-nhat")).await;
        assert_eq!(status, 200, "{html}");
        assert!(ct.starts_with("text/html"));
        assert!(html.contains("VĂN BẢN HỢP NHẤT"));
        assert!(html.contains("không phải là văn bản quy phạm pháp luật"));
        assert!(html.contains("01/02/2025"));
        assert!(
            html.contains("Tình trạng hiệu lực của văn bản tại ngày này: hết hiệu lực một phần."),
            "{html}"
        );
        assert!(html.contains("Quyết định số 20/2024/QĐ-UBND ngày 10/06/2024 của Ủy ban nhân dân tỉnh Cà Mau, có hiệu lực kể từ ngày 01/07/2024"), "{html}");
        assert!(html.contains("Quyết định số 30/2024/QĐ-UBND ngày 10/12/2024"));
        // Footnotes in text order: khoản 1 Điều 2 (gap), khoản 2 (repealed), Điều 2a (added).
        assert!(html.contains(r##"<a href="#fn-1" id="fnref-1""##));
        assert!(html.contains("Khoản này được sửa đổi, bổ sung theo quy định tại Quyết định số 20/2024/QĐ-UBND, có hiệu lực kể từ ngày 01/07/2024; nội dung sửa đổi chưa được nhập."), "{html}");
        assert!(
            html.contains("Khoản này bị bãi bỏ theo quy định tại Quyết định số 30/2024/QĐ-UBND")
        );
        assert!(
            html.contains("Điều này được bổ sung theo quy định tại Quyết định số 20/2024/QĐ-UBND")
        );
        assert!(html.contains("Nội dung sửa đổi chưa được nhập"));
        assert!(html.contains("<del>Mức thu cũ là 10.000 đồng.</del>"));
        // A whole repeal is the document's status, not an amendment of its text.
        app.import_str(
            "r.jsonl",
            &(serde_json::json!({
                "kind": "document", "authority": "UBND-96", "type": "Quyết định",
                "number": "40/2025/QĐ-UBND", "title": "Bãi bỏ", "issued_on": "2025-05-01",
                "effective_on": "2025-06-01", "text": "Điều 1. Bãi bỏ\nNội dung."
            })
            .to_string()
                + "\n"
                + &serde_json::json!({
                    "kind": "effect", "type": "repeal", "effective_on": "2025-06-01",
                    "acting": {"authority": "UBND-96", "number": "40/2025/QĐ-UBND"},
                    "target": {"authority": "UBND-96", "number": "10/2020/QĐ-UBND"},
                })
                .to_string()
                + "\n"),
        )?;
        let (_, _, html) = app.get(&format!("{ELI}/2025-07-01/hop-nhat")).await;
        assert!(html.contains("hết hiệu lực toàn bộ"), "{html}");
        assert!(
            !html.contains("Quyết định số 40/2025/QĐ-UBND ngày"),
            "{html}"
        );
        // Before the amendments: nothing amended, no footnote.
        let (_, _, html) = app.get(&format!("{ELI}/2024-01-01/hop-nhat")).await;
        assert!(html.contains("chưa được sửa đổi, bổ sung"), "{html}");
        assert!(!html.contains("fnref-1"));
        // The date form (a query date) and the old address lead there too.
        let (status, _, _) = app.get(&format!("{ELI}/hop-nhat?date=2025-02-01")).await;
        assert_eq!(status, 200);
        let (status, _, _) = app.get(&format!("/documents/{id}/hop-nhat")).await;
        assert_eq!(status, 200);
        Ok(())
    }
);

db_test!(consolidated_downloads_html_text_and_docx, |app| {
    app.import_str("h.jsonl", HEADER)?;
    app.import_str("c.jsonl", &corpus())?;
    let client = Client::new(&app).await;
    let get = |path: String| client.send(TestRequest::get().uri(&path));
    let base = format!("{ELI}/2025-02-01/hop-nhat");

    let r = get(format!("{base}.html")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    let cd = r.header("content-disposition").unwrap_or_default();
    assert!(cd.starts_with("attachment; filename=\"vbhn-10-2020-qd-ubnd-2025-02-01.html\"; filename*=UTF-8''V%C4%83n%20b%E1%BA%A3n%20h%E1%BB%A3p%20nh%E1%BA%A5t"), "{cd}");
    assert!(r.body.contains("<style>"), "standalone");
    assert!(!r.body.contains("/static/"), "no external assets");
    assert!(!r.body.contains("<script"));
    assert!(r.body.contains("VĂN BẢN HỢP NHẤT"));

    let r = get(format!("{base}.txt")).await;
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert!(r
        .header("content-disposition")
        .unwrap_or_default()
        .contains(".txt"));
    let text = &r.body;
    assert!(text.contains("VĂN BẢN HỢP NHẤT\n"), "{text}");
    assert!(text.contains("1. Quyết định số 20/2024/QĐ-UBND ngày 10/06/2024"));
    assert!(text.contains("[Nội dung cũ, không còn hiệu lực: Mức thu cũ là 10.000 đồng.]"));
    let notes = text.split("\nChú thích:\n").nth(1).unwrap_or_default();
    assert!(
        notes.starts_with("[1] Khoản này được sửa đổi, bổ sung"),
        "{text}"
    );
    assert!(notes.contains("[3] Điều này được bổ sung"));

    let r = get(format!("{base}.docx")).await;
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    );
    assert!(r
        .header("content-disposition")
        .unwrap_or_default()
        .contains(".docx"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.bytes.clone()))?;
    let mut names = Vec::new();
    for n in zip.file_names() {
        names.push(n?.to_string());
    }
    names.sort();
    for want in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/footnotes.xml",
        "word/styles.xml",
        "word/_rels/document.xml.rels",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    let mut parts = std::collections::HashMap::new();
    for name in &names {
        let mut s = String::new();
        zip.by_name(name)?.read_to_string(&mut s)?;
        well_formed(name, &s);
        parts.insert(name.clone(), s);
    }
    let doc = &parts["word/document.xml"];
    assert!(doc.contains(r#"<w:footnoteReference w:id="1"/>"#));
    assert!(doc.contains(r#"<w:footnoteReference w:id="3"/>"#));
    assert!(doc.contains("<w:strike/>"));
    let notes = &parts["word/footnotes.xml"];
    assert!(notes.contains(r#"<w:footnote w:id="3">"#));
    assert!(notes.contains("Điều này được bổ sung theo quy định tại Quyết định số 20/2024/QĐ-UBND"));
    Ok(())
});
