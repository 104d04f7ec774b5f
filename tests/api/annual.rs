//! The yearly list of expired documents: computed from statuses, per authority, as a page, CSV
//! and JSON; bad years and authorities refused.

use crate::db_test;
use crate::helpers::FIXTURE;

fn numbers(v: &serde_json::Value, part: &str) -> Vec<String> {
    v[part]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["number"].as_str().unwrap_or_default().to_string())
        .collect()
}

db_test!(lists_what_ceased_in_each_year, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    // 2022: 15/2018 replaced on 15/07/2022, and 20/2019 (which details it) ceases with it.
    let (status, v) = app.get_json("/api/v1/annual-lists/2022").await;
    assert_eq!(status, 200, "{v}");
    let mut whole = numbers(&v, "whole");
    whole.sort();
    assert_eq!(whole, ["15/2018/NQ-HĐND", "20/2019/QĐ-UBND"]);
    assert!(numbers(&v, "part").is_empty());
    let grounds: Vec<&str> = v["whole"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["ground"].as_str())
        .collect();
    assert!(
        grounds.iter().any(|g| g.contains("05/2022/NQ-HĐND")),
        "the ground names the replacing document: {grounds:?}"
    );
    // 2020: clause 1 of Article 2 of 15/2018 amended: in part.
    let (_, v) = app.get_json("/api/v1/annual-lists/2020").await;
    assert_eq!(numbers(&v, "part"), ["15/2018/NQ-HĐND"]);
    assert!(v["part"][0]["ground"]
        .as_str()
        .is_some_and(|g| g.contains("Khoản 1 Điều 2") || g.contains("khoản 1 Điều 2")));
    // 2021: 03/2019 was in force until 31/12/2020 (its last day), so it ceased in 2021.
    let (_, v) = app.get_json("/api/v1/annual-lists/2021").await;
    assert_eq!(numbers(&v, "whole"), ["03/2019/NQ-HĐND"]);
    let (_, v) = app.get_json("/api/v1/annual-lists/2020").await;
    assert!(!numbers(&v, "whole").contains(&"03/2019/NQ-HĐND".to_string()));
    Ok(())
});

db_test!(filtered_by_authority_and_exported, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, docs) = app.get_json("/api/v1/documents?q=15%2F2018").await;
    let hdnd = docs["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["number"] == "15/2018/NQ-HĐND")
        .and_then(|r| r["authority_id"].as_i64())
        .unwrap_or_else(|| panic!("no authority id in {docs}"));
    let (status, v) = app
        .get_json(&format!("/api/v1/annual-lists/2022?authority={hdnd}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(numbers(&v, "whole"), ["15/2018/NQ-HĐND"]);

    let (status, ct, body) = app.get("/annual-lists/2022?format=csv").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/csv"), "{ct}");
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].contains("Số, ký hiệu"));
    assert_eq!(lines.len(), 3, "header and two rows: {body}");
    assert!(body.contains("15/2018/NQ-HĐND"));

    let (status, ct, body) = app.get("/annual-lists/2022?format=xlsx").await;
    assert_eq!(status, 200);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    assert!(body.starts_with("PK"), "a zip archive");

    let (status, _, page) = app.get("/annual-lists/2022").await;
    assert_eq!(status, 200);
    assert!(page.contains("Văn bản hết hiệu lực toàn bộ"));
    assert!(page.contains("15/2018/NQ-HĐND"));
    Ok(())
});

db_test!(bad_years_and_parameters_are_refused, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    for path in [
        "/annual-lists/20",
        "/annual-lists/1800",
        "/annual-lists/abcd",
        "/annual-lists/99999",
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("năm"), "{path}: {body}");
    }
    let (status, v) = app
        .get_json("/api/v1/annual-lists/2022?authority=999999")
        .await;
    assert_eq!(status, 400);
    assert!(
        v["detail"]
            .as_str()
            .is_some_and(|d| d.contains("authority")),
        "{v}"
    );
    let (status, v) = app
        .get_json("/api/v1/annual-lists/2022?authority=abc")
        .await;
    assert_eq!(status, 400, "{v}");
    let (status, _, _) = app.get("/annual-lists/2022?format=pdf").await;
    assert_eq!(status, 400);
    Ok(())
});

db_test!(an_approver_publishes_an_authoritys_list_once, |app| {
    use crate::authkit::{add_user, audit_len, cookie, session, Client};
    use actix_web::test::TestRequest;
    app.import_str("f.jsonl", FIXTURE)?;
    let approver = add_user(&app, "pheduyet", "approver", &[]);
    let officer = add_user(&app, "canbo", "officer", &[]);
    let (a_secret, a_csrf) = session(&app, approver);
    let (o_secret, o_csrf) = session(&app, officer);
    let (_, docs) = app.get_json("/api/v1/documents?q=15%2F2018").await;
    let hdnd = docs["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["number"] == "15/2018/NQ-HĐND")
        .and_then(|r| r["authority_id"].as_i64())
        .unwrap();
    let c = Client::new(&app).await;
    let publish = |secret: String, csrf: String, authority: String| {
        let c = &c;
        async move {
            c.send(
                TestRequest::post()
                    .uri("/annual-lists/2022/publish")
                    .insert_header(cookie(&secret))
                    .set_form([
                        ("csrf_token", csrf),
                        ("authority", authority),
                        ("confirm", "1".into()),
                    ]),
            )
            .await
        }
    };
    let before = audit_len(&app);
    let r = publish(o_secret, o_csrf, hdnd.to_string()).await;
    assert_eq!(r.status, 403, "officers do not publish");
    let r = publish(a_secret.clone(), a_csrf.clone(), "999999".into()).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = publish(a_secret.clone(), a_csrf.clone(), "".into()).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(audit_len(&app), before, "nothing written");
    let r = publish(a_secret.clone(), a_csrf.clone(), hdnd.to_string()).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = publish(a_secret, a_csrf, hdnd.to_string()).await;
    assert_eq!(r.status, 303, "publishing again changes nothing");
    assert_eq!(audit_len(&app), before + 1);
    let (_, v) = app
        .get_json(&format!("/api/v1/annual-lists/2022?authority={hdnd}"))
        .await;
    assert!(v["published_on"].as_str().is_some(), "{v}");
    Ok(())
});

db_test!(publishing_a_list_asks_for_confirmation_first, |app| {
    use crate::authkit::{add_user, audit_len, cookie, count, session, Client};
    use actix_web::test::TestRequest;
    app.import_str("f.jsonl", FIXTURE)?;
    let approver = add_user(&app, "pheduyet", "approver", &[]);
    let (secret, csrf) = session(&app, approver);
    let (_, docs) = app.get_json("/api/v1/documents?q=15%2F2018").await;
    let hdnd = docs["rows"][0]["authority_id"].as_i64().unwrap();
    let c = Client::new(&app).await;
    let post = |fields: Vec<(&'static str, String)>| {
        let (c, secret, csrf) = (&c, secret.clone(), csrf.clone());
        async move {
            let mut form = vec![("csrf_token", csrf)];
            form.extend(fields);
            c.send(
                TestRequest::post()
                    .uri("/annual-lists/2022/publish")
                    .insert_header(cookie(&secret))
                    .set_form(form),
            )
            .await
        }
    };
    let before = (audit_len(&app), count(&app, "annual_list_publications"));
    // Without «Xác nhận»: the confirmation page, sending the same form with confirm=1.
    let r = post(vec![("authority", hdnd.to_string())]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("Công bố danh mục văn bản hết hiệu lực"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("action=\"/annual-lists/2022/publish\""),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains(&format!("name=\"authority\" value=\"{hdnd}\"")));
    assert!(
        r.body.contains("name=\"confirm\" value=\"1\""),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains(&format!("href=\"/annual-lists/2022?authority={hdnd}\"")));
    let r = post(vec![
        ("authority", hdnd.to_string()),
        ("confirm", "0".into()),
    ])
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (audit_len(&app), count(&app, "annual_list_publications")),
        before,
        "nothing published before it is confirmed"
    );
    let (_, v) = app
        .get_json(&format!("/api/v1/annual-lists/2022?authority={hdnd}"))
        .await;
    assert!(v["published_on"].is_null(), "{v}");
    // Confirmed: published.
    let r = post(vec![
        ("authority", hdnd.to_string()),
        ("confirm", "1".into()),
    ])
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(count(&app, "annual_list_publications"), before.1 + 1);
    Ok(())
});

/// A document partly repealed in 2023 twice: by 11/2023, in force on the effect's day, and by
/// 12/2023, itself repealed by 13/2023 before it took effect.
const NOT_ACTED: &str = r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"authority","code":"HDND-96","name":"Hội đồng nhân dân tỉnh Cà Mau","type":"hdnd","unit":"96"}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"10/2018/NQ-HĐND","title":"Quy định phí chợ","issued_on":"2018-03-01","effective_on":"2018-03-15","text":"Điều 1. Phạm vi\nPhí chợ.\nĐiều 2. Mức thu\nMười nghìn đồng.\nĐiều 3. Tổ chức thực hiện\nGiao Ủy ban nhân dân tỉnh."}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"11/2023/NQ-HĐND","title":"Bãi bỏ Điều 1 Nghị quyết 10/2018/NQ-HĐND","issued_on":"2023-03-01","effective_on":"2023-03-15","text":"Điều 1. Bãi bỏ\nBãi bỏ Điều 1."}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"12/2023/NQ-HĐND","title":"Bãi bỏ Điều 2 Nghị quyết 10/2018/NQ-HĐND","issued_on":"2023-05-01","effective_on":"2023-06-01","text":"Điều 1. Bãi bỏ\nBãi bỏ Điều 2."}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"13/2023/NQ-HĐND","title":"Bãi bỏ Nghị quyết 12/2023/NQ-HĐND","issued_on":"2023-05-10","effective_on":"2023-05-20","text":"Điều 1. Bãi bỏ\nBãi bỏ toàn bộ."}
{"kind":"effect","acting":{"authority":"HDND-96","number":"11/2023/NQ-HĐND"},"target":{"authority":"HDND-96","number":"10/2018/NQ-HĐND"},"type":"repeal","provisions":["Điều 1"],"effective_on":"2023-03-15"}
{"kind":"effect","acting":{"authority":"HDND-96","number":"12/2023/NQ-HĐND"},"target":{"authority":"HDND-96","number":"10/2018/NQ-HĐND"},"type":"repeal","provisions":["Điều 2"],"effective_on":"2023-06-01"}
{"kind":"effect","acting":{"authority":"HDND-96","number":"13/2023/NQ-HĐND"},"target":{"authority":"HDND-96","number":"12/2023/NQ-HĐND"},"type":"repeal","effective_on":"2023-05-20"}
"#;

db_test!(lists_only_effects_that_acted, |app| {
    let r = app.import_str("n.jsonl", NOT_ACTED)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let (status, v) = app.get_json("/api/v1/annual-lists/2023").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(numbers(&v, "part"), ["10/2018/NQ-HĐND"], "{v}");
    let ground = v["part"][0]["ground"].as_str().unwrap_or_default();
    // 12/2023 was repealed before its effective date: it never acted (Luật 80/2015 Điều 154,
    // Luật 64/2025 Điều 57), so its repeal of Điều 2 is no ground.
    assert!(ground.contains("11/2023/NQ-HĐND"), "{ground}");
    assert!(!ground.contains("12/2023/NQ-HĐND"), "{ground}");
    let (status, _, page) = app.get("/annual-lists/2023").await;
    assert_eq!(status, 200);
    assert!(page.contains("11/2023/NQ-HĐND"));
    assert!(!page.contains("bởi Nghị quyết 12/2023/NQ-HĐND"), "{page}");
    Ok(())
});
