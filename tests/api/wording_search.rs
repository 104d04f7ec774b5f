//! Search holds each amended provision's wording in force, and finds it by its earlier
//! wording too (issue 15, item 6); the status facet is unchanged.

use vanban::web::public::urlencode;

use crate::db_test;
use crate::helpers::TestApp;

pub const REGISTRY: &str = r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"authority","code":"UBND-96","name":"Ủy ban nhân dân tỉnh Cà Mau","type":"ubnd","unit":"96"}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"12/2018/QĐ-UBND","title":"Quy định quản lý chợ","issued_on":"2018-03-05","effective_on":"2018-03-20","text":"Điều 5. Ban quản lý chợ\n1. Ban quản lý chợ do Ủy ban nhân dân cấp huyện thành lập.\n2. Ban quản lý chợ có trưởng ban và hai phó trưởng ban chuyên trách.\nĐiều 7. Phí chợ\nMức thu phí chợ theo quy định."}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"30/2020/QĐ-UBND","title":"Sửa đổi Quyết định số 12/2018/QĐ-UBND","issued_on":"2020-06-01","effective_on":"2020-06-15","text":"Điều 1. Sửa đổi, bổ sung một số điều của Quyết định số 12/2018/QĐ-UBND như sau:\n1. Sửa đổi, bổ sung khoản 2 Điều 5 như sau:\n“2. Ban quản lý chợ có trưởng ban và một phó trưởng ban kiêm nhiệm luân phiên.”\n2. Bổ sung Điều 5a vào sau Điều 5 như sau:\n“Điều 5a. Chợ đêm\nChợ đêm hoạt động đến hai mươi ba giờ.”"}
{"kind":"effect","acting":{"authority":"UBND-96","number":"30/2020/QĐ-UBND"},"target":{"authority":"UBND-96","number":"12/2018/QĐ-UBND"},"type":"amend","provisions":["khoản 2 Điều 5","Điều 5a"],"effective_on":"2020-06-15"}
"#;

/// The article hits of the target document for `q`: (article key, status code).
pub async fn articles(app: &TestApp, q: &str) -> Vec<(String, String)> {
    let (status, v) = app
        .get_json(&format!("/api/v1/search?scope=articles&q={}", urlencode(q)))
        .await;
    assert_eq!(status, 200, "{v}");
    v["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|h| h["number"] == "12/2018/QĐ-UBND")
        .map(|h| {
            (
                h["article"]["key"].as_str().unwrap_or_default().to_string(),
                h["status"]["code"]
                    .as_str()
                    .or(h["status"].as_str())
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

db_test!(
    an_amended_clause_is_found_by_its_new_and_by_its_old_words,
    |app| {
        app.import_str("r.jsonl", REGISTRY)?;
        // Only in the wording in force (quoted by the amending decision).
        let new = articles(&app, "kiêm nhiệm luân phiên").await;
        assert_eq!(new.first().map(|h| h.0.as_str()), Some("dieu-5"), "{new:?}");
        // Only in the original wording: still found, by the earlier wording.
        let old = articles(&app, "phó trưởng ban chuyên trách").await;
        assert_eq!(old.first().map(|h| h.0.as_str()), Some("dieu-5"), "{old:?}");
        let folded = articles(&app, "chuyen trach").await;
        assert_eq!(
            folded.first().map(|h| h.0.as_str()),
            Some("dieu-5"),
            "{folded:?}"
        );
        // The article added by the amendment is a unit of its own.
        let added = articles(&app, "chợ đêm").await;
        assert!(added.iter().any(|h| h.0 == "dieu-5a"), "{added:?}");
        // Words in neither wording find nothing.
        assert!(articles(&app, "ba phó trưởng ban")
            .await
            .iter()
            .all(|h| h.0 != "dieu-5"));
        Ok(())
    }
);

db_test!(the_status_facet_is_unchanged_by_wordings, |app| {
    app.import_str("r.jsonl", REGISTRY)?;
    let before = articles(&app, "ban quản lý chợ").await;
    let status: Vec<&str> = before
        .iter()
        .filter(|h| h.0 == "dieu-5")
        .map(|h| h.1.as_str())
        .collect();
    assert_eq!(status, ["duoc-sua-doi-bo-sung"], "{before:?}");
    Ok(())
});

db_test!(
    a_new_amending_text_updates_the_wording_its_target_is_found_by,
    |app| {
        let unquoted = REGISTRY.replace(
            "“2. Ban quản lý chợ có trưởng ban và một phó trưởng ban kiêm nhiệm luân phiên.”",
            "2. (nội dung đang hoàn thiện)",
        );
        app.import_str("r.jsonl", &unquoted)?;
        assert!(articles(&app, "kiêm nhiệm luân phiên").await.is_empty());
        // The amending decision's text is corrected: its target's units follow.
        let acting = REGISTRY
            .lines()
            .find(|l| l.contains("30/2020/QĐ-UBND") && l.contains(r#""kind":"document""#))
            .unwrap();
        app.import_update("a.jsonl", acting)?;
        let new = articles(&app, "kiêm nhiệm luân phiên").await;
        assert_eq!(new.first().map(|h| h.0.as_str()), Some("dieu-5"), "{new:?}");
        Ok(())
    }
);
