//! Annexes (phụ lục) of a document: nodes of their own after the articles, addressed under the
//! document's ELI address like an article, shown on its page, searched as a unit, and named by
//! effects (a repealed annex ceases while the rest of the document stays in force).

use vanban::web::public::urlencode;

use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

/// A provincial decision with two articles, the signature, then two annexes: the first a table
/// with an article-like line, the second a list of forms.
const DECISION: &str = r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"30/2024/QĐ-UBND","title":"Công bố danh mục thủ tục hành chính lĩnh vực thủy sản","issued_on":"2024-05-02","effective_on":"2024-05-15","text":"QUYẾT ĐỊNH:\nĐiều 1. Công bố\nCông bố kèm theo Quyết định này danh mục tại Phụ lục I và biểu mẫu tại Phụ lục II.\nĐiều 2. Hiệu lực\n1. Quyết định này có hiệu lực từ ngày 15/5/2024.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn A\nPHỤ LỤC I\nDANH MỤC THỦ TỤC HÀNH CHÍNH LĨNH VỰC THỦY SẢN\n(Kèm theo Quyết định số 30/2024/QĐ-UBND ngày 02 tháng 5 năm 2024 của Ủy ban nhân dân tỉnh Cà Mau)\nSTT\tTên thủ tục\tMã số\n1.\tCấp giấy chứng nhận cơ sở nuôi cá kèo\t1.004918\nĐiều 9. Một dòng trích dẫn\nPHỤ LỤC II\nBIỂU MẪU\nMẫu số 01: Đơn đề nghị cấp phép khai thác nghêu"}
"#;

/// Repeals Phụ lục II of the decision from 1 March 2025.
const REPEAL: &str = r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"05/2025/QĐ-UBND","title":"Bãi bỏ Phụ lục II kèm theo Quyết định số 30/2024/QĐ-UBND","issued_on":"2025-02-20","effective_on":"2025-03-01","text":"Điều 1. Bãi bỏ Phụ lục II kèm theo Quyết định số 30/2024/QĐ-UBND.\nĐiều 2. Quyết định này có hiệu lực từ ngày 01/3/2025."}
{"kind":"effect","acting":{"authority":"UBND-96","number":"05/2025/QĐ-UBND"},"target":{"authority":"UBND-96","number":"30/2024/QĐ-UBND"},"type":"repeal","provisions":["Phụ lục II"],"effective_on":"2025-03-01"}
"#;

const ELI: &str = "/eli/vn/ubnd-96/quyet-dinh/2024/30";

fn id_of(app: &TestApp) -> i64 {
    crate::review::document_id(app, "UBND-96", "30/2024/QD-UBND")
}

db_test!(
    an_annex_has_its_address_and_is_shown_after_the_articles,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let r = app.import_str("d.jsonl", DECISION)?;
        assert!(r.errors.is_empty(), "{:?}", r.errors);

        // Stored as nodes of their own, after the articles; the article-like line is annex text.
        let mut conn = app.pool.get()?;
        let provisions = vanban::db::queries::provisions_of(&mut conn.db(), id_of(&app))?;
        drop(conn);
        let keys: Vec<&str> = provisions.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "dieu-1",
                "dieu-2",
                "dieu-2/khoan-1",
                "phu-luc-I",
                "phu-luc-II"
            ]
        );
        assert_eq!(provisions[3].kind, "phu-luc");

        // Its address answers 200 with its title and text; an unknown annex 404.
        let (status, _, page) = app.get(&format!("{ELI}/phu-luc-I")).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Phụ lục I"), "{page}");
        assert!(
            page.contains("DANH MỤC THỦ TỤC HÀNH CHÍNH LĨNH VỰC THỦY SẢN"),
            "{page}"
        );
        assert!(page.contains("Cấp giấy chứng nhận cơ sở nuôi cá kèo"));
        assert!(page.contains("Điều 9. Một dòng trích dẫn"));
        let (status, _, page) = app.get(&format!("{ELI}/phu-luc-II")).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Đơn đề nghị cấp phép khai thác nghêu"));
        for unknown in ["phu-luc-III", "phu-luc", "phu-luc-I/khoan-1"] {
            let (status, _, page) = app.get(&format!("{ELI}/{unknown}")).await;
            assert_eq!(status, 404, "{unknown}: {page}");
        }
        // The older address leads there (the redirect followed).
        let (status, _, page) = app
            .get(&format!("/documents/{}/phu-luc-I", id_of(&app)))
            .await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Cấp giấy chứng nhận cơ sở nuôi cá kèo"));

        // The document page: the annexes after the last article, under their titles, in the
        // table of contents; the last article does not hold the annex's text.
        let (status, _, page) = app.get(ELI).await;
        assert_eq!(status, 200, "{page}");
        let article = page
            .find(r#"id="dieu-2""#)
            .unwrap_or_else(|| panic!("{page}"));
        let annex = page
            .find(r#"id="phu-luc-I""#)
            .unwrap_or_else(|| panic!("{page}"));
        let second = page
            .find(r#"id="phu-luc-II""#)
            .unwrap_or_else(|| panic!("{page}"));
        assert!(article < annex && annex < second);
        assert!(page.contains("Mục lục (2 điều, 2 phụ lục)"), "{page}");
        assert!(page.contains(r##"href="#phu-luc-I""##));
        let between = &page[article..annex];
        assert!(!between.contains("Cấp giấy chứng nhận"), "{between}");
        assert!(page[annex..second].contains("Cấp giấy chứng nhận cơ sở nuôi cá kèo"));

        // The status API lists the annexes with the articles.
        let (status, v) = app
            .get_json(&format!(
                "/api/v1/documents/{}/status?date=2024-06-01",
                id_of(&app)
            ))
            .await;
        assert_eq!(status, 200, "{v}");
        let keys: Vec<&str> = v["articles"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["key"].as_str())
            .collect();
        assert_eq!(keys, ["dieu-1", "dieu-2", "phu-luc-I", "phu-luc-II"], "{v}");
        Ok(())
    }
);

db_test!(an_annex_repealed_by_an_effect_ceases_alone, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("d.jsonl", DECISION)?;
    let r = app.import_str("r.jsonl", REPEAL)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let (_, v) = app
        .get_json(&format!(
            "/api/v1/documents/{}/status?date=2025-03-01",
            id_of(&app)
        ))
        .await;
    assert_eq!(v["status"]["code"], "het-hieu-luc-mot-phan", "{v}");
    let status_of = |key: &str| {
        v["articles"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["key"] == key)
            .map(|a| a["status"]["code"].clone())
            .unwrap_or_default()
    };
    assert_eq!(status_of("phu-luc-II"), "het-hieu-luc-toan-bo", "{v}");
    assert_eq!(status_of("phu-luc-I"), "con-hieu-luc", "{v}");
    assert_eq!(status_of("dieu-1"), "con-hieu-luc", "{v}");
    // The day before, the annex was in force.
    let (_, before) = app
        .get_json(&format!(
            "/api/v1/documents/{}/status?date=2025-02-28",
            id_of(&app)
        ))
        .await;
    assert_eq!(before["status"]["code"], "con-hieu-luc", "{before}");
    // Its page says so and names the repeal.
    let (status, _, page) = app.get(&format!("{ELI}/phu-luc-II?date=2025-03-01")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Hết hiệu lực toàn bộ"), "{page}");
    assert!(page.contains("05/2025/QĐ-UBND"), "{page}");
    Ok(())
});

db_test!(an_annex_is_searched_as_a_unit_of_its_own, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("d.jsonl", DECISION)?;
    let (status, v) = app
        .get_json(&format!(
            "/api/v1/search?scope=articles&q={}",
            urlencode("khai thác nghêu")
        ))
        .await;
    assert_eq!(status, 200, "{v}");
    let hit = v["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|h| h["number"] == "30/2024/QĐ-UBND")
        .cloned()
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(hit["article"]["key"], "phu-luc-II", "{v}");
    assert_eq!(hit["article"]["number"], "Phụ lục II", "{v}");
    // The annex's text is not the last article's.
    let (_, v) = app
        .get_json(&format!(
            "/api/v1/search?scope=articles&q={}",
            urlencode("cá kèo")
        ))
        .await;
    let keys: Vec<&str> = v["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|h| h["number"] == "30/2024/QĐ-UBND")
        .filter_map(|h| h["article"]["key"].as_str())
        .collect();
    assert_eq!(keys, ["phu-luc-I"], "{v}");
    Ok(())
});
