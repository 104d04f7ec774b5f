//! The finer law of issue 15 (item 4) on both databases, through the importer and the API:
//! provisions taking effect on their own date, detailing links without a date, provisions of a
//! detailing document kept by the new document, a class-wide end set by a transitional
//! provision, and a document suspended in whole that does not act. Each case names its
//! article of law.

use crate::db_test;
use crate::helpers::TestApp;
use crate::legal_cases::{id_of, provision_statuses};

const ORG: &str = r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"unit","code":"970","name":"Huyện Đầm Dơi","level":"huyen","parent":"96","valid_to":"2025-06-30"}
{"kind":"authority","code":"QH","name":"Quốc hội","type":"central"}
{"kind":"authority","code":"HDND-96","name":"Hội đồng nhân dân tỉnh Cà Mau","type":"hdnd","unit":"96"}
{"kind":"authority","code":"UBND-96","name":"Ủy ban nhân dân tỉnh Cà Mau","type":"ubnd","unit":"96"}
{"kind":"authority","code":"UBND-970","name":"Ủy ban nhân dân huyện Đầm Dơi","type":"ubnd","unit":"970"}
"#;

const TEXT: &str = "Điều 1. Phạm vi\nNội dung.\nĐiều 2. Mức hỗ trợ\n1. Khoản một.\n2. Khoản hai.\nĐiều 3. Hiệu lực\nNội dung.";

fn doc(
    authority: &str,
    doc_type: &str,
    number: &str,
    issued: &str,
    effective: &str,
) -> serde_json::Value {
    serde_json::json!({
        "kind": "document", "authority": authority, "type": doc_type, "number": number,
        "title": format!("Văn bản {number}"), "issued_on": issued, "effective_on": effective,
        "text": TEXT,
    })
}

fn effect(
    kind: &str,
    acting: (&str, &str),
    target: (&str, &str),
    provisions: &[&str],
    on: Option<&str>,
) -> serde_json::Value {
    let mut v = serde_json::json!({
        "kind": "effect", "type": kind,
        "acting": {"authority": acting.0, "number": acting.1},
        "target": {"authority": target.0, "number": target.1},
    });
    if !provisions.is_empty() {
        v["provisions"] = provisions.into();
    }
    if let Some(on) = on {
        v["effective_on"] = on.into();
    }
    v
}

fn lines(v: &[serde_json::Value]) -> String {
    v.iter().map(|l| l.to_string() + "\n").collect()
}

/// The document's status code and its provisions' on `date`.
async fn read(
    app: &TestApp,
    number: &str,
    date: &str,
) -> (String, std::collections::HashMap<String, String>) {
    let id = id_of(app, number).await;
    let (status, page) = app
        .get_json(&format!("/api/v1/documents/{id}?date={date}"))
        .await;
    assert_eq!(status, 200, "{page}");
    let code = page["status"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (code, provision_statuses(&page))
}

async fn reason(app: &TestApp, number: &str, date: &str) -> String {
    let id = id_of(app, number).await;
    let (_, v) = app
        .get_json(&format!("/api/v1/documents/{id}/status?date={date}"))
        .await;
    v["reason"].as_str().unwrap_or_default().to_string()
}

db_test!(a_provision_takes_effect_on_its_own_date, |app| {
    // Luật 80/2015 Điều 151 khoản 1; Luật 64/2025 Điều 53 khoản 1: a provision may take effect
    // on its own date, later than the document's.
    app.import_str("org.jsonl", ORG)?;
    let mut d = doc(
        "HDND-96",
        "Nghị quyết",
        "10/2019/NQ-HĐND",
        "2019-06-01",
        "2019-07-01",
    );
    d["provisions_effective"] =
        serde_json::json!([{"provisions": ["Điều 2"], "effective_on": "2020-01-01"}]);
    let r = app.import_str("d.jsonl", &lines(&[d.clone()]))?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let (status, p) = read(&app, "10/2019/NQ-HĐND", "2019-08-01").await;
    assert_eq!(status, "con-hieu-luc");
    assert_eq!(p["dieu-2"], "chua-co-hieu-luc", "{p:?}");
    assert_eq!(p["dieu-2/khoan-1"], "chua-co-hieu-luc", "{p:?}");
    assert_eq!(p["dieu-1"], "con-hieu-luc", "{p:?}");
    let (_, p) = read(&app, "10/2019/NQ-HĐND", "2020-01-01").await;
    assert_eq!(p["dieu-2"], "con-hieu-luc", "{p:?}");
    // Re-import changes nothing; the export writes it back as given.
    let again = app.import_str("d.jsonl", &lines(&[d]))?;
    assert_eq!((again.created, again.updated), (0, 0));
    let export = app.export()?;
    assert!(
        export.contains(
            r#""provisions_effective":[{"provisions":["Điều 2"],"effective_on":"2020-01-01"}]"#
        ),
        "{export}"
    );
    // A provision the document does not have, or a date not after the document's: refused.
    let mut bad = doc(
        "HDND-96",
        "Nghị quyết",
        "11/2019/NQ-HĐND",
        "2019-06-01",
        "2019-07-01",
    );
    bad["provisions_effective"] =
        serde_json::json!([{"provisions": ["Điều 9"], "effective_on": "2020-01-01"}]);
    let r = app.import_str("bad.jsonl", &lines(&[bad.clone()]))?;
    assert!(
        r.errors[0].message.contains("không có Điều 9"),
        "{:?}",
        r.errors
    );
    bad["provisions_effective"] =
        serde_json::json!([{"provisions": ["Điều 1"], "effective_on": "2019-07-01"}]);
    let r = app.import_str("bad.jsonl", &lines(&[bad]))?;
    assert!(
        r.errors[0].message.contains("phải sau ngày có hiệu lực"),
        "{:?}",
        r.errors
    );
    Ok(())
});

db_test!(implements_needs_no_date_and_the_others_do, |app| {
    app.import_str("org.jsonl", ORG)?;
    let base = ("HDND-96", "12/2019/NQ-HĐND");
    let detail = ("UBND-96", "13/2019/QĐ-UBND");
    let file = lines(&[
        doc(base.0, "Nghị quyết", base.1, "2019-06-01", "2019-07-01"),
        doc(detail.0, "Quyết định", detail.1, "2019-07-05", "2019-07-20"),
        effect("implements", detail, base, &[], None),
        effect("repeal", detail, base, &[], None),
    ]);
    let r = app.import_str("f.jsonl", &file)?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].line, 4);
    assert!(
        r.errors[0].message.contains("effective_on"),
        "{:?}",
        r.errors
    );
    let export = app.export()?;
    let link = export
        .lines()
        .find(|l| l.contains(r#""type":"implements""#))
        .unwrap_or_default();
    assert!(!link.contains("effective_on"), "{link}");
    // The link still carries the detailing document down with its base (Luật 80/2015 Điều 154
    // khoản 2).
    app.import_str(
        "r.jsonl",
        &lines(&[
            doc(
                "HDND-96",
                "Nghị quyết",
                "14/2020/NQ-HĐND",
                "2020-01-01",
                "2020-01-15",
            ),
            effect(
                "repeal",
                ("HDND-96", "14/2020/NQ-HĐND"),
                base,
                &[],
                Some("2020-01-15"),
            ),
        ]),
    )?;
    let (status, _) = read(&app, detail.1, "2020-02-01").await;
    assert_eq!(status, "het-hieu-luc-toan-bo");
    Ok(())
});

db_test!(
    the_new_document_keeps_named_articles_of_a_detailing_one,
    |app| {
        // Luật 80/2015 Điều 154 khoản 2: a detailing document ceases with its base unless the new
        // document keeps it, in whole or in part.
        app.import_str("org.jsonl", ORG)?;
        let base = ("HDND-96", "15/2018/NQ-HĐND");
        let detail = ("UBND-96", "16/2019/QĐ-UBND");
        let new = ("HDND-96", "17/2021/NQ-HĐND");
        let r = app.import_str(
            "f.jsonl",
            &lines(&[
                doc(base.0, "Nghị quyết", base.1, "2018-06-01", "2018-07-01"),
                doc(detail.0, "Quyết định", detail.1, "2019-01-05", "2019-01-20"),
                doc(new.0, "Nghị quyết", new.1, "2021-12-01", "2022-01-01"),
                effect("implements", detail, base, &[], None),
                effect("replace", new, base, &[], Some("2022-01-01")),
                effect(
                    "keep",
                    new,
                    detail,
                    &["Điều 1", "khoản 2 Điều 2"],
                    Some("2022-01-01"),
                ),
            ]),
        )?;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let (status, p) = read(&app, detail.1, "2022-06-01").await;
        assert_eq!(status, "het-hieu-luc-mot-phan");
        assert_eq!(p["dieu-1"], "con-hieu-luc", "{p:?}");
        assert_eq!(p["dieu-2/khoan-2"], "con-hieu-luc", "{p:?}");
        assert_eq!(p["dieu-2/khoan-1"], "het-hieu-luc-toan-bo", "{p:?}");
        assert_eq!(p["dieu-2"], "het-hieu-luc-mot-phan", "{p:?}");
        assert_eq!(p["dieu-3"], "het-hieu-luc-toan-bo", "{p:?}");
        let why = reason(&app, detail.1, "2022-06-01").await;
        assert!(
            why.contains("khoản 2 Điều 154 Luật Ban hành văn bản quy phạm pháp luật năm 2015")
                && why.contains("được giữ lại bởi"),
            "{why}"
        );
        // A keep naming a provision the document does not have is refused.
        let r = app.import_str(
            "bad.jsonl",
            &lines(&[effect("keep", new, detail, &["Điều 9"], Some("2022-01-01"))]),
        )?;
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        Ok(())
    }
);

db_test!(a_transitional_provision_ends_a_class_of_documents, |app| {
    // Luật 64/2025 Điều 72 and Nghị quyết 190/2025/QH15 give the shape: a transitional
    // provision ends every document of a class on one day; recorded once, as data.
    app.import_str("org.jsonl", ORG)?;
    let law = serde_json::json!({
        "kind": "document", "authority": "QH", "type": "Luật", "number": "64/2025/QH15",
        "title": "Luật Ban hành văn bản quy phạm pháp luật", "issued_on": "2025-02-19",
        "effective_on": "2025-04-01",
        "text": "Điều 71. Hiệu lực thi hành\nNội dung.\nĐiều 72. Quy định chuyển tiếp\n1. Khoản một.\n2. Khoản hai.\n3. Khoản ba.",
    });
    let class_end = serde_json::json!({
        "kind": "class_end", "basis": {"authority": "QH", "number": "64/2025/QH15"},
        "provision": "khoản 3 Điều 72", "authority_kinds": ["ubnd"], "levels": ["huyen", "xa"],
        "types": ["Quyết định"], "issued_to": "2025-03-31", "ceases_on": "2027-03-01",
    });
    let r = app.import_str(
        "f.jsonl",
        &lines(&[
            law,
            doc(
                "UBND-970",
                "Quyết định",
                "18/2021/QĐ-UBND",
                "2021-02-01",
                "2021-02-15",
            ),
            doc(
                "UBND-96",
                "Quyết định",
                "19/2021/QĐ-UBND",
                "2021-02-01",
                "2021-02-15",
            ),
            class_end.clone(),
        ]),
    )?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let (status, _) = read(&app, "18/2021/QĐ-UBND", "2027-02-28").await;
    assert_eq!(status, "con-hieu-luc");
    let (status, p) = read(&app, "18/2021/QĐ-UBND", "2027-03-01").await;
    assert_eq!(status, "het-hieu-luc-toan-bo");
    assert_eq!(p["dieu-1"], "het-hieu-luc-toan-bo");
    let why = reason(&app, "18/2021/QĐ-UBND", "2027-03-01").await;
    assert_eq!(
        why,
        "Hết hiệu lực từ ngày 01/03/2027 theo khoản 3 Điều 72 văn bản số 64/2025/QH15."
    );
    // The provincial decision is outside the class.
    let (status, _) = read(&app, "19/2021/QĐ-UBND", "2027-03-01").await;
    assert_eq!(status, "con-hieu-luc");
    // The list agrees with the page.
    let (_, list) = app
        .get_json("/api/v1/documents?q=18%2F2021&date=2027-03-01")
        .await;
    assert_eq!(
        list["rows"][0]["status"]["code"], "het-hieu-luc-toan-bo",
        "{list}"
    );
    // Re-import changes nothing; the export writes it back.
    let again = app.import_str("c.jsonl", &lines(&[class_end]))?;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 1));
    let export = app.export()?;
    assert!(export.contains(r#"{"kind":"class_end","basis":{"authority":"QH","number":"64/2025/QH15"},"provision":"Khoản 3 Điều 72","authority_kinds":["ubnd"],"levels":["huyen","xa"],"types":["Quyết định"],"issued_to":"2025-03-31","ceases_on":"2027-03-01"}"#), "{export}");
    // A provision the basis does not have is refused.
    let bad = serde_json::json!({
        "kind": "class_end", "basis": {"authority": "QH", "number": "64/2025/QH15"},
        "provision": "Điều 99", "ceases_on": "2027-03-01",
    });
    let r = app.import_str("bad.jsonl", &lines(&[bad]))?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    Ok(())
});

db_test!(a_document_suspended_in_whole_does_not_act, |app| {
    // Luật 80/2015 Điều 153: a suspended document does not apply during the suspension, so a
    // repeal it would make on a day inside the suspension does not act.
    app.import_str("org.jsonl", ORG)?;
    let target = ("HDND-96", "20/2018/NQ-HĐND");
    let acting = ("HDND-96", "21/2019/NQ-HĐND");
    let suspending = ("HDND-96", "22/2019/NQ-HĐND");
    let mut suspend = effect("suspend", suspending, acting, &[], Some("2020-01-01"));
    suspend["until"] = "2020-12-31".into();
    let r = app.import_str(
        "f.jsonl",
        &lines(&[
            doc(target.0, "Nghị quyết", target.1, "2018-06-01", "2018-07-01"),
            doc(acting.0, "Nghị quyết", acting.1, "2019-06-01", "2019-07-01"),
            doc(
                suspending.0,
                "Nghị quyết",
                suspending.1,
                "2019-12-01",
                "2019-12-15",
            ),
            suspend,
            effect("repeal", acting, target, &["Điều 1"], Some("2020-06-01")),
            effect("repeal", acting, target, &["Điều 3"], Some("2021-06-01")),
        ]),
    )?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let (status, p) = read(&app, target.1, "2021-07-01").await;
    assert_eq!(status, "het-hieu-luc-mot-phan");
    assert_eq!(p["dieu-1"], "con-hieu-luc", "{p:?}");
    assert_eq!(p["dieu-3"], "het-hieu-luc-toan-bo", "{p:?}");
    Ok(())
});
