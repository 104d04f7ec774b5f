//! The text in force on a date: the document page, its ELI point-in-time address, the
//! provision page and the API, before and after an amendment whose new wording is not
//! recorded (every amendment of today's data), a repeal and an added article.

use crate::db_test;
use crate::helpers::TestApp;

pub const HEADER: &str = r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"authority","code":"UBND-96","name":"Ủy ban nhân dân tỉnh Cà Mau","type":"ubnd","unit":"96"}
"#;

const BASE: &str = "Điều 1. Phạm vi\nNội dung Điều 1.\nĐiều 2. Mức thu\n1. Mức thu cũ là 10.000 đồng.\n2. Miễn thu cho trẻ em.\nĐiều 3. Hiệu lực\nNội dung Điều 3.";

fn doc(number: &str, issued: &str, effective: &str, title: &str, text: &str) -> String {
    serde_json::json!({
        "kind": "document", "authority": "UBND-96", "type": "Quyết định", "number": number,
        "title": title, "issued_on": issued, "effective_on": effective, "text": text,
    })
    .to_string()
}

fn effect(kind: &str, acting: &str, provisions: &[&str], on: &str) -> String {
    serde_json::json!({
        "kind": "effect", "type": kind, "effective_on": on,
        "acting": {"authority": "UBND-96", "number": acting},
        "target": {"authority": "UBND-96", "number": "10/2020/QĐ-UBND"},
        "provisions": provisions,
    })
    .to_string()
}

/// The base (in force 1 January 2021), amended in khoản 1 Điều 2 and with an Điều 2a added
/// from 1 July 2024 (wordings not recorded), repealed in khoản 2 Điều 2 from 1 January 2025.
pub fn corpus() -> String {
    [
        doc(
            "10/2020/QĐ-UBND",
            "2020-12-15",
            "2021-01-01",
            "Quy định mức thu phí tham quan",
            BASE,
        ),
        doc(
            "20/2024/QĐ-UBND",
            "2024-06-10",
            "2024-07-01",
            "Sửa đổi, bổ sung Quyết định 10/2020/QĐ-UBND",
            "Điều 1. Sửa đổi\nNội dung.",
        ),
        doc(
            "30/2024/QĐ-UBND",
            "2024-12-10",
            "2025-01-01",
            "Bãi bỏ một phần Quyết định 10/2020/QĐ-UBND",
            "Điều 1. Bãi bỏ\nNội dung.",
        ),
        effect(
            "amend",
            "20/2024/QĐ-UBND",
            &["dieu-2/khoan-1", "dieu-2a"],
            "2024-07-01",
        ),
        effect(
            "repeal",
            "30/2024/QĐ-UBND",
            &["dieu-2/khoan-2"],
            "2025-01-01",
        ),
    ]
    .join("\n")
        + "\n"
}

pub async fn base_id(app: &TestApp) -> i64 {
    let path = format!(
        "/api/v1/documents?q={}",
        vanban::web::public::urlencode("10/2020/QĐ-UBND")
    );
    let (status, v) = app.get_json(&path).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(1), "{v}");
    v["rows"][0]["id"].as_i64().unwrap_or_default()
}

fn node<'a>(page: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    page["nodes"]
        .as_array()
        .and_then(|ns| ns.iter().find(|n| n["key"] == key))
        .unwrap_or(&serde_json::Value::Null)
}

db_test!(pointintime_before_an_amendment_is_the_original, |app| {
    app.import_str("h.jsonl", HEADER)?;
    app.import_str("c.jsonl", &corpus())?;
    let id = base_id(&app).await;
    let (status, page) = app
        .get_json(&format!("/api/v1/documents/{id}?date=2024-06-30"))
        .await;
    assert_eq!(status, 200, "{page}");
    let k = node(&page, "dieu-2/khoan-1");
    assert_eq!(k["body"], "Mức thu cũ là 10.000 đồng.");
    assert!(k.get("reading").is_none(), "{k}");
    // An article added later is listed as not yet in force, with no wording.
    let added = node(&page, "dieu-2a");
    assert_eq!(added["status"]["code"], "chua-co-hieu-luc", "{page}");
    assert!(added.get("reading").is_none(), "{added}");
    let (_, _, html) = app.get(&format!("/documents/{id}?date=2024-06-30")).await;
    assert!(!html.contains("<del>"), "{html}");
    assert!(!html.contains("nội dung mới chưa được nhập"));
    Ok(())
});

db_test!(
    pointintime_after_an_amendment_not_recorded_strikes_the_old_wording,
    |app| {
        app.import_str("h.jsonl", HEADER)?;
        app.import_str("c.jsonl", &corpus())?;
        let id = base_id(&app).await;
        let (_, page) = app
            .get_json(&format!("/api/v1/documents/{id}?date=2024-07-01"))
            .await;
        let k = node(&page, "dieu-2/khoan-1");
        assert_eq!(k["reading"]["mark"], "gap", "{k}");
        assert_eq!(
            k["reading"]["change"]["document"],
            "Quyết định số 20/2024/QĐ-UBND"
        );
        assert_eq!(k["reading"]["change"]["on_iso"], "2024-07-01");
        assert_eq!(
            k["reading"]["change"]["url"],
            "/eli/vn/ubnd-96/quyet-dinh/2024/20"
        );
        assert_eq!(
            k["reading"]["earlier"][0]["body"],
            "Mức thu cũ là 10.000 đồng."
        );
        assert_eq!(k["reading"]["earlier"][0]["until"], "30/06/2024");
        assert_eq!(node(&page, "dieu-2a")["reading"]["mark"], "added-gap");

        // The page at the ELI point-in-time address.
        let (status, _, html) = app
            .get("/eli/vn/ubnd-96/quyet-dinh/2020/10/2024-07-01")
            .await;
        assert_eq!(status, 200);
        assert!(
            html.contains("<del>Mức thu cũ là 10.000 đồng.</del>"),
            "{html}"
        );
        assert!(
            html.contains("Nội dung cũ, không còn hiệu lực"),
            "said in words"
        );
        assert!(html.contains(
        r#"Đã được sửa đổi, bổ sung bởi <a href="/eli/vn/ubnd-96/quyet-dinh/2024/20">Quyết định số 20/2024/QĐ-UBND</a> từ ngày 01/07/2024; nội dung mới chưa được nhập."#
    ), "{html}");
        assert!(html.contains("Các nội dung trước đây"));
        assert!(html.contains("Được bổ sung bởi"));
        // The provision page the same.
        let (status, _, html) = app
            .get("/eli/vn/ubnd-96/quyet-dinh/2020/10/2024-07-01/dieu-2")
            .await;
        assert_eq!(status, 200);
        assert!(
            html.contains("<del>Mức thu cũ là 10.000 đồng.</del>"),
            "{html}"
        );
        assert!(html.contains("nội dung mới chưa được nhập"));
        Ok(())
    }
);

db_test!(pointintime_a_repealed_clause_stays_marked, |app| {
    app.import_str("h.jsonl", HEADER)?;
    app.import_str("c.jsonl", &corpus())?;
    let id = base_id(&app).await;
    let (_, page) = app
        .get_json(&format!("/api/v1/documents/{id}?date=2025-01-01"))
        .await;
    let k = node(&page, "dieu-2/khoan-2");
    assert_eq!(k["reading"]["mark"], "ceased", "{k}");
    assert_eq!(k["body"], "Miễn thu cho trẻ em.");
    let (_, _, html) = app.get(&format!("/documents/{id}?date=2025-01-01")).await;
    assert!(html.contains("Bị bãi bỏ bởi"), "{html}");
    Ok(())
});

db_test!(pointintime_the_normative_attribute_is_shown, |app| {
    app.import_str("h.jsonl", HEADER)?;
    app.import_str("c.jsonl", &corpus())?;
    let id = base_id(&app).await;
    let (_, page) = app.get_json(&format!("/api/v1/documents/{id}")).await;
    assert_eq!(page["doc"]["normative"], true, "{page}");
    assert_eq!(page["doc"]["normative_label"], "Văn bản quy phạm pháp luật");
    let (_, _, html) = app.get(&format!("/documents/{id}")).await;
    assert!(html.contains("Văn bản quy phạm pháp luật"));
    // An individual decision (a number without a year) is not a legal normative document.
    app.import_str(
        "d.jsonl",
        &(doc(
            "1825/QĐ-UBND",
            "2024-08-01",
            "2024-08-01",
            "Phê duyệt danh sách",
            "Điều 1. A",
        ) + "\n"),
    )?;
    let (_, v) = app.get_json("/api/v1/documents?q=1825").await;
    let other = v["rows"][0]["id"].as_i64().unwrap_or_default();
    let (_, page) = app.get_json(&format!("/api/v1/documents/{other}")).await;
    assert_eq!(page["doc"]["normative"], false, "{page}");
    let (_, _, html) = app.get(&format!("/documents/{other}")).await;
    assert!(html.contains("Văn bản cá biệt, không phải văn bản quy phạm pháp luật"));
    Ok(())
});

// The amendment's new wording, stated in the effect record or quoted in the amending text,
// is the text in force from the amendment's date; the old wording is one click away; the
// consolidated text shows the new wording with its footnote.
db_test!(pointintime_a_recorded_wording_is_the_text_in_force, |app| {
    app.import_str("h.jsonl", HEADER)?;
    let mut stated: serde_json::Value = serde_json::from_str(&effect(
        "amend",
        "20/2024/QĐ-UBND",
        &["dieu-2/khoan-1"],
        "2024-07-01",
    ))?;
    stated["wording"] = serde_json::json!({"khoản 1 Điều 2": "1. Mức thu mới là 20.000 đồng."});
    let corpus = [
        doc("10/2020/QĐ-UBND", "2020-12-15", "2021-01-01", "Quy định mức thu phí tham quan", BASE),
        doc("20/2024/QĐ-UBND", "2024-06-10", "2024-07-01", "Sửa đổi Quyết định 10/2020/QĐ-UBND", "Điều 1. Sửa đổi\nNội dung."),
        // The wording of khoản 2 is read from the amending document's quoted text.
        doc(
            "21/2024/QĐ-UBND",
            "2024-08-10",
            "2024-09-01",
            "Sửa đổi khoản 2 Điều 2 Quyết định 10/2020/QĐ-UBND",
            "Điều 1. Sửa đổi, bổ sung Quyết định số 10/2020/QĐ-UBND như sau:\n1. Sửa đổi khoản 2 Điều 2 như sau:\n“2. Miễn thu cho trẻ em dưới 6 tuổi và người cao tuổi.”\nĐiều 2. Hiệu lực\nQuyết định này có hiệu lực kể từ ngày 01 tháng 9 năm 2024.",
        ),
        stated.to_string(),
        effect("amend", "21/2024/QĐ-UBND", &["dieu-2/khoan-2"], "2024-09-01"),
    ]
    .join("\n")
        + "\n";
    app.import_str("c.jsonl", &corpus)?;
    let id = base_id(&app).await;

    let (_, page) = app
        .get_json(&format!("/api/v1/documents/{id}?date=2024-09-01"))
        .await;
    let k1 = node(&page, "dieu-2/khoan-1");
    assert_eq!(k1["reading"]["mark"], "amended", "{k1}");
    assert_eq!(k1["body"], "Mức thu mới là 20.000 đồng.", "{k1}");
    assert_eq!(
        k1["reading"]["earlier"][0]["body"],
        "Mức thu cũ là 10.000 đồng."
    );
    let k2 = node(&page, "dieu-2/khoan-2");
    assert_eq!(k2["reading"]["mark"], "amended", "{k2}");
    assert_eq!(
        k2["body"], "Miễn thu cho trẻ em dưới 6 tuổi và người cao tuổi.",
        "{k2}"
    );
    // The day before, khoản 2 is still the original.
    let (_, before) = app
        .get_json(&format!("/api/v1/documents/{id}?date=2024-08-31"))
        .await;
    assert_eq!(
        node(&before, "dieu-2/khoan-2")["body"],
        "Miễn thu cho trẻ em."
    );

    let (status, _, html) = app
        .get("/eli/vn/ubnd-96/quyet-dinh/2020/10/2024-09-01")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Mức thu mới là 20.000 đồng."), "{html}");
    assert!(
        !html.contains("<del>Mức thu cũ là 10.000 đồng.</del>"),
        "{html}"
    );
    assert!(html.contains("Các nội dung trước đây"));
    assert!(!html.contains("nội dung mới chưa được nhập"), "{html}");

    let (status, _, text) = app
        .get("/eli/vn/ubnd-96/quyet-dinh/2020/10/2024-09-01/hop-nhat.txt")
        .await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("Mức thu mới là 20.000 đồng."), "{text}");
    assert!(text.contains("Quyết định số 21/2024/QĐ-UBND"), "{text}");
    assert!(!text.contains("Mức thu cũ là 10.000 đồng."), "{text}");
    Ok(())
});
