//! Related documents on the document page and in the API (văn bản liên quan, grouped as
//! vbpl.vn does), the legal basis kept apart from what a document acts on, and the page's
//! print, share and QR tools.

use actix_web::test::TestRequest;
use serde_json::Value;

use crate::authkit::Client;
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

/// On top of the fixture: a law the resolution is based on, a district decision repealing one
/// article of the one-stop rules and suspending another, and a declared expiry.
const RELATIONS: &str = r#"{"kind":"authority","code":"QH","name":"Quốc hội","type":"central"}
{"kind":"document","authority":"QH","type":"Luật","number":"80/2015/QH13","title":"Luật Ban hành văn bản quy phạm pháp luật","fields":[],"signer":"","signer_position":"","issued_on":"2015-06-22","effective_on":"2016-07-01","text":"Điều 1. Phạm vi\nNội dung."}
{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"03/2022/QĐ-UBND","title":"Bãi bỏ, ngưng hiệu lực một số điều của Quy chế một cửa","fields":[],"signer":"","signer_position":"","issued_on":"2022-03-01","effective_on":"2022-03-15","text":"Điều 1. Bãi bỏ\nBãi bỏ Điều 2."}
{"kind":"effect","acting":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"target":{"authority":"QH","number":"80/2015/QH13"},"type":"based_on","effective_on":"2018-12-17"}
{"kind":"effect","acting":{"authority":"UBND-970","number":"03/2022/QĐ-UBND"},"target":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"type":"repeal","provisions":["Điều 2"],"effective_on":"2022-03-15"}
{"kind":"effect","acting":{"authority":"UBND-970","number":"03/2022/QĐ-UBND"},"target":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"type":"suspend","provisions":["Điều 1"],"effective_on":"2022-03-15","until":"2022-06-30"}
{"kind":"declared_expiry","document":{"authority":"HDND-95","number":"03/2019/NQ-HĐND"},"provisions":["Điều 1"],"effective_on":"2020-06-01","decision":7}
"#;

fn id_of(app: &TestApp, authority: &str, key: &str) -> i64 {
    crate::review::document_id(app, authority, key)
}

fn setup(app: &TestApp) -> anyhow::Result<()> {
    app.import_str("f.jsonl", FIXTURE)?;
    let r = app.import_str("r.jsonl", RELATIONS)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    Ok(())
}

async fn document(app: &TestApp, id: i64) -> Value {
    let (status, v) = app
        .get_json(&format!("/api/v1/documents/{id}?date=2022-04-01"))
        .await;
    assert_eq!(status, 200, "{v}");
    v
}

/// The groups of a document's answer: (code, count, numbers of the documents listed).
fn groups(v: &Value) -> Vec<(String, u64, Vec<String>)> {
    v["related"]
        .as_array()
        .unwrap_or_else(|| panic!("no related field: {v}"))
        .iter()
        .map(|g| {
            let entries = g["entries"].as_array().cloned().unwrap_or_default();
            assert_eq!(g["count"].as_u64(), Some(entries.len() as u64), "{g}");
            (
                g["code"].as_str().unwrap_or_default().to_string(),
                g["count"].as_u64().unwrap_or_default(),
                entries
                    .iter()
                    .map(|e| e["document"]["number"].as_str().unwrap_or("—").to_string())
                    .collect(),
            )
        })
        .collect()
}

fn group<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["related"]
        .as_array()
        .and_then(|gs| gs.iter().find(|g| g["code"] == code))
        .unwrap_or_else(|| panic!("no group {code}: {}", v["related"]))
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

db_test!(related_documents_are_grouped_by_relation, |app| {
    setup(&app)?;
    let resolution = id_of(&app, "HDND-96", "15/2018/NQ-HDND");
    let v = document(&app, resolution).await;
    assert_eq!(
        groups(&v),
        vec![
            ("can-cu".into(), 1, strs(&["80/2015/QH13"])),
            ("duoc-huong-dan".into(), 1, strs(&["20/2019/QĐ-UBND"])),
            ("bi-sua-doi-bo-sung".into(), 1, strs(&["08/2020/NQ-HĐND"])),
            ("bi-thay-the".into(), 1, strs(&["05/2022/NQ-HĐND"])),
        ],
        "only the groups with entries, in tab order"
    );
    let basis = &group(&v, "can-cu")["entries"][0];
    assert_eq!(basis["doc_type"], "Luật");
    assert_eq!(basis["issued_on"], "22/06/2015");
    assert_eq!(basis["status"]["code"], "con-hieu-luc");
    assert_eq!(
        basis["document"]["eli"], "/eli/vn/qh/luat/2015/80",
        "{basis}"
    );
    assert_eq!(group(&v, "can-cu")["label"], "Căn cứ");
    // An effect on a part names the part.
    let amended = &group(&v, "bi-sua-doi-bo-sung")["entries"][0];
    assert_eq!(amended["provisions"], "Khoản 1 Điều 2");
    assert_eq!(amended["effective_on"], "20/07/2020");
    assert_eq!(group(&v, "bi-thay-the")["label"], "Bị thay thế bởi");

    // The other side of each relation.
    let law = id_of(&app, "QH", "80/2015/QH13");
    let v = document(&app, law).await;
    assert_eq!(
        groups(&v),
        vec![("la-can-cu".into(), 1, strs(&["15/2018/NQ-HĐND"]))]
    );
    let v = document(&app, id_of(&app, "HDND-96", "08/2020/NQ-HDND")).await;
    assert_eq!(
        groups(&v),
        vec![("sua-doi-bo-sung".into(), 1, strs(&["15/2018/NQ-HĐND"]))]
    );
    // Each entry's status is the one on the page's date.
    assert_eq!(
        group(&v, "sua-doi-bo-sung")["entries"][0]["status"]["code"],
        "het-hieu-luc-mot-phan",
        "on 01/04/2022 the amended resolution has lost its old wording of khoản 1 Điều 2"
    );
    let amending = id_of(&app, "HDND-96", "08/2020/NQ-HDND");
    let (_, later) = app
        .get_json(&format!("/api/v1/documents/{amending}?date=2023-01-01"))
        .await;
    assert_eq!(
        group(&later, "sua-doi-bo-sung")["entries"][0]["status"]["code"],
        "het-hieu-luc-toan-bo",
        "replaced on 15/07/2022"
    );
    let v = document(&app, id_of(&app, "HDND-96", "05/2022/NQ-HDND")).await;
    assert_eq!(
        groups(&v),
        vec![("thay-the".into(), 1, strs(&["15/2018/NQ-HĐND"]))]
    );
    let v = document(&app, id_of(&app, "UBND-96", "20/2019/QD-UBND")).await;
    assert_eq!(
        groups(&v),
        vec![("huong-dan".into(), 1, strs(&["15/2018/NQ-HĐND"]))]
    );

    // Repeal and suspension, both ways, each with its part.
    let v = document(&app, id_of(&app, "UBND-970", "03/2022/QD-UBND")).await;
    assert_eq!(
        groups(&v),
        vec![
            ("bai-bo".into(), 1, strs(&["12/2021/QĐ-UBND"])),
            ("dinh-chi".into(), 1, strs(&["12/2021/QĐ-UBND"])),
        ]
    );
    let v = document(&app, id_of(&app, "UBND-970", "12/2021/QD-UBND")).await;
    assert_eq!(
        groups(&v),
        vec![
            ("bi-bai-bo".into(), 1, strs(&["03/2022/QĐ-UBND"])),
            ("bi-dinh-chi".into(), 1, strs(&["03/2022/QĐ-UBND"])),
        ]
    );
    assert_eq!(group(&v, "bi-bai-bo")["entries"][0]["provisions"], "Điều 2");
    assert_eq!(
        group(&v, "bi-dinh-chi")["entries"][0]["provisions"],
        "Điều 1"
    );

    // A declared expiry: its own group, no document to link.
    let v = document(&app, id_of(&app, "HDND-95", "03/2019/NQ-HDND")).await;
    assert_eq!(groups(&v), vec![("het-hieu-luc".into(), 1, strs(&["—"]))]);
    let declared = &group(&v, "het-hieu-luc")["entries"][0];
    assert!(declared.get("document").is_none(), "{declared}");
    assert_eq!(declared["effective_on"], "01/06/2020");

    // A document with no relation has no group at all.
    app.import_str(
        "lone.jsonl",
        r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"30/2023/QĐ-UBND","title":"Một văn bản riêng lẻ","fields":[],"signer":"","signer_position":"","issued_on":"2023-01-02","effective_on":"2023-01-20","text":"Điều 1. Nội dung\nNội dung."}"#,
    )?;
    let v = document(&app, id_of(&app, "UBND-96", "30/2023/QD-UBND")).await;
    assert_eq!(v["related"], serde_json::json!([]));
    Ok(())
});

db_test!(a_legal_basis_is_not_something_the_document_acts_on, |app| {
    setup(&app)?;
    let resolution = id_of(&app, "HDND-96", "15/2018/NQ-HDND");
    let v = document(&app, resolution).await;
    assert_eq!(
        v["effects_made"],
        serde_json::json!([]),
        "the law it is based on is not acted on"
    );
    let law = document(&app, id_of(&app, "QH", "80/2015/QH13")).await;
    assert_eq!(
        law["effects_received"],
        serde_json::json!([]),
        "being cited as basis is no effect"
    );
    // The amendment, replacement and detailing still are.
    assert_eq!(v["effects_received"].as_array().map(Vec::len), Some(3));

    let client = Client::new(&app).await;
    let r = client
        .send(TestRequest::get().uri("/eli/vn/hdnd-96/nghi-quyet/2018/15?date=2022-04-01"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        !r.body.contains("Văn bản này tác động đến"),
        "the basis is not listed as acted on"
    );
    assert!(!r.body.contains("legislationChanges"), "nor in JSON-LD");
    // It is listed under «Căn cứ», a tab with its count, linking to the law.
    assert!(r.body.contains("Văn bản liên quan"));
    assert!(r
        .body
        .contains(r##"<a href="#lq-can-cu">Căn cứ <span class="tab-count">(1)</span></a>"##));
    assert!(r
        .body
        .contains(r#"<section class="tab-panel" id="lq-can-cu""#));
    assert!(r
        .body
        .contains(r#"<a href="/eli/vn/qh/luat/2015/80">Luật 80/2015/QH13</a>"#));
    assert!(r.body.contains("Khoản 1 Điều 2"));
    assert!(!r.body.contains("lq-bai-bo"), "empty groups are absent");
    // The law's page: «Là căn cứ của», not «bị tác động».
    let r = client
        .send(TestRequest::get().uri("/eli/vn/qh/luat/2015/80"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(r##"href="#lq-la-can-cu""##));
    assert!(!r.body.contains("Là căn cứ ban hành của"));
    Ok(())
});

db_test!(the_page_prints_shares_and_carries_its_qr_code, |app| {
    setup(&app)?;
    let client = Client::new(&app).await;
    let eli = "/eli/vn/hdnd-96/nghi-quyet/2018/15";
    let r = client.send(TestRequest::get().uri(eli)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The share link is the page's full address, built from the request's origin.
    let url = format!("http://localhost:8080{eli}");
    assert!(
        r.body.contains(&format!(
            r#"<a class="button-secondary" href="{url}" data-share"#
        )),
        "{}",
        r.body
    );
    // The QR code of that address, inline, on demand on screen and in the printed footer.
    let svg = vanban::web::qr::svg(&url).unwrap_or_default();
    assert!(svg.starts_with("<svg"));
    assert_eq!(r.body.matches(&svg).count(), 2, "toolbar and print footer");
    assert!(r.body.contains(r#"<details class="doc-qr">"#));
    assert!(r.body.contains(&format!("Địa chỉ của trang: {url}")));
    assert!(r.body.contains(r#"data-print hidden>In</button>"#));
    assert!(r
        .body
        .contains(r#"<script src="/static/vanban.js" defer></script>"#));

    // A version on a date: the address of that version.
    let r = client
        .send(TestRequest::get().uri(&format!("{eli}?date=2019-06-01")))
        .await;
    let dated = format!("{url}/2019-06-01");
    let svg_dated = vanban::web::qr::svg(&dated).unwrap_or_default();
    assert_ne!(svg, svg_dated);
    assert!(r.body.contains(&svg_dated));
    assert!(r.body.contains(&format!(r#"href="{dated}" data-share"#)));

    // The print stylesheet and the script are served.
    let css = client
        .send(TestRequest::get().uri("/static/vanban.css"))
        .await;
    assert!(css.body.contains(".doc-print-footer"));
    let print = &css.body[css.body.rfind("@media print").unwrap_or(0)..];
    assert!(print.contains(".doc-toolbar"), "the toolbar is not printed");
    assert!(print.contains(".tab-panel[hidden]"), "every tab is printed");
    let js = client
        .send(TestRequest::get().uri("/static/vanban.js"))
        .await;
    assert_eq!(js.status, 200);
    assert!(js
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/javascript")));
    assert!(js.body.contains("navigator.share"));
    Ok(())
});
