//! Unit pickers that scale to the whole country: the campaign form's authorities found by a
//! search (with and without script) for large scopes, the unit lookup (`/units/tim.json`) within
//! the caller's units, the home page's bounded suggestions, and the succession notice on
//! every page that names an abolished unit.

use actix_web::test::TestRequest;

use crate::authkit::{add_user, cookie, count, session, Client, Resp};
use crate::db_test;
use crate::helpers::TestApp;

/// One Ủy ban nhân dân for every unit of the country's file (about 14,000), as a national
/// deployment has.
fn national_authorities() -> String {
    let mut out = String::new();
    for line in vanban::exchange::COUNTRY_UNITS.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["kind"] != "unit" {
            continue;
        }
        let code = v["code"].as_str().unwrap();
        let name = v["name"].as_str().unwrap();
        // Codes reused in 2025 name their holder by a day it held them.
        let reference = match (v["valid_to"].as_str(), v["valid_from"].as_str()) {
            (Some(to), _) => format!("{code}@{to}"),
            (None, Some(from)) => format!("{code}@{from}"),
            (None, None) => code.to_string(),
        };
        let lower = vanban::domain::units::name_in_sentence(name);
        out.push_str(
            &serde_json::json!({
                "kind": "authority",
                "code": format!("UBND-{}", reference.replace('@', "-")),
                "name": format!("Ủy ban nhân dân {lower}"),
                "type": "ubnd",
                "unit": reference,
            })
            .to_string(),
        );
        out.push('\n');
    }
    out
}

fn national(app: &TestApp) -> anyhow::Result<()> {
    let r = vanban::exchange::load_country_units(&app.pool)?;
    assert!(
        r.errors.is_empty(),
        "{:?}",
        &r.errors[..r.errors.len().min(3)]
    );
    let r = app.import_str("a.jsonl", &national_authorities())?;
    assert!(
        r.errors.is_empty(),
        "{:?}",
        &r.errors[..r.errors.len().min(3)]
    );
    Ok(())
}

/// A GET as the session's user (anonymous when its secret is empty).
async fn get(client: &Client, (secret, _): &(String, String), path: &str) -> Resp {
    let req = TestRequest::get().uri(path);
    if secret.is_empty() {
        return client.send(req).await;
    }
    client.send(req.insert_header(cookie(secret))).await
}

async fn post_form(
    client: &Client,
    (secret, csrf): &(String, String),
    path: &str,
    fields: &[(&str, String)],
) -> Resp {
    let mut form: Vec<(String, String)> = vec![("csrf_token".into(), csrf.clone())];
    form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.clone())));
    client
        .send(
            TestRequest::post()
                .uri(path)
                .insert_header(cookie(secret))
                .set_form(form),
        )
        .await
}

/// The administrator's campaign form over the whole country stays small (README, "Unit
/// pickers"): measured here, with the time it takes.
#[actix_web::test]
async fn national_campaign_form_is_small() -> anyhow::Result<()> {
    let app = TestApp::sqlite()?;
    national(&app)?;
    let admin = add_user(&app, "quantri", "admin", &[]);
    let client = Client::new(&app).await;
    let s = session(&app, admin);
    let _ = get(&client, &s, "/campaigns").await;
    let started = std::time::Instant::now();
    let r = get(&client, &s, "/campaigns").await;
    let took = started.elapsed();
    assert_eq!(r.status, 200, "{}", r.body);
    eprintln!(
        "national /campaigns for an administrator: {} bytes in {} ms ({} authorities)",
        r.body.len(),
        took.as_millis(),
        count(&app, "authorities")
    );
    assert!(r.body.len() < 200_000, "{} bytes", r.body.len());
    assert!(
        r.body.contains("id=\"c-unit-q\""),
        "the search replaces the list"
    );
    assert!(!r.body.contains("data-filter-list=\"c-authorities-list\""));

    // Without script: search, check one found, search again (it stays checked), create.
    let form = |extra: &[(&'static str, String)]| {
        let mut v: Vec<(&'static str, String)> = vec![
            ("name", "Rà soát văn bản cấp xã".into()),
            ("kind", "ongoing".into()),
            ("deadline", "2026-12-31".into()),
        ];
        v.extend(extra.iter().cloned());
        v
    };
    let r = post_form(
        &client,
        &s,
        "/campaigns",
        &form(&[("tim", "1".into()), ("tim_don_vi", "tan duc".into())]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("value=\"Rà soát văn bản cấp xã\""), "kept");
    let found = r.body.split("id=\"c-authorities-found\"").nth(1).unwrap();
    assert!(found.contains("Kết quả tìm «tan duc»"), "{found}");
    assert!(
        found.contains("Ủy ban nhân dân xã Tân Thuận") && found.contains("trước đây: xã Tân Đức"),
        "a former name, without diacritics: {found}"
    );
    let id: String = found
        .split("name=\"authorities\" value=\"")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let r = post_form(
        &client,
        &s,
        "/campaigns",
        &form(&[
            ("authorities", id.clone()),
            ("tim", "1".into()),
            ("tim_don_vi", "Đầm Dơi".into()),
        ]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let chosen = r.body.split("id=\"c-authorities-found\"").next().unwrap();
    assert!(
        chosen.contains(&format!("name=\"authorities\" value=\"{id}\" checked")),
        "{chosen}"
    );
    // Blank and overlong searches: refused beside the field, nothing created.
    for (q, why) in [
        (String::new(), "Nhập tên"),
        ("x".repeat(101), "tối đa 100 ký tự"),
    ] {
        let r = post_form(
            &client,
            &s,
            "/campaigns",
            &form(&[("tim", "1".into()), ("tim_don_vi", q)]),
        )
        .await;
        assert_eq!(r.status, 400, "{}", r.body);
        let error = r.body.split("id=\"c-unit-q-error\"").nth(1).unwrap();
        assert!(error.split("</p>").next().unwrap().contains(why), "{error}");
    }
    assert_eq!(count(&app, "campaigns"), 0);
    let r = post_form(&client, &s, "/campaigns", &form(&[("authorities", id)])).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(count(&app, "campaigns"), 1);
    Ok(())
}

/// The country's units and the sample on top (`serve --demo`).
fn demo(app: &TestApp) -> anyhow::Result<()> {
    let r = vanban::exchange::load_country_units(&app.pool)?;
    assert!(
        r.errors.is_empty(),
        "{:?}",
        &r.errors[..r.errors.len().min(3)]
    );
    let r = vanban::exchange::load_sample(&app.pool)?.unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    Ok(())
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["reference"].as_str().unwrap().to_string())
        .collect()
}

db_test!(
    unit_lookup_is_bounded_scoped_and_finds_former_names,
    |app| {
        demo(&app)?;
        let client = Client::new(&app).await;
        let anyone = (String::new(), String::new());
        // Without diacritics, by a former name: Xã Tân Đức merged into Xã Tân Thuận (2025).
        let r = get(&client, &anyone, "/units/tim.json?q=tan%20duc").await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        let m = v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| {
                m["former_name"] == "xã Tân Đức"
                    && m["context"].as_str().unwrap().contains("Cà Mau")
            })
            .unwrap_or_else(|| panic!("{v}"));
        assert_eq!(m["name"], "Xã Tân Thuận", "{m}");
        assert_eq!(m["current"], true, "{m}");
        assert_eq!(m["level"], "xa", "{m}");
        assert!(m["text"].as_str().unwrap().contains("tỉnh Cà Mau"), "{m}");
        // Namesakes are told apart by their district and province; at most 20.
        let r = get(&client, &anyone, "/units/tim.json?q=tan%20thuan").await;
        let v = r.json();
        let found = v["matches"].as_array().unwrap();
        assert!(found.len() > 1 && found.len() <= 20, "{v}");
        let texts: std::collections::HashSet<&str> =
            found.iter().map(|m| m["text"].as_str().unwrap()).collect();
        assert_eq!(texts.len(), found.len(), "labels tell namesakes apart: {v}");
        // The authorities of a unit come with it (the campaign picker checks them).
        let r = get(&client, &anyone, "/units/tim.json?q=C%C3%A0%20Mau").await;
        let v = r.json();
        let ca_mau = v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["reference"] == "96")
            .unwrap_or_else(|| panic!("{v}"));
        assert!(
            ca_mau["authorities"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["label"] == "Ủy ban nhân dân tỉnh Cà Mau"),
            "{ca_mau}"
        );
        // Anyone finds Hà Nội; an officer of Cà Mau finds only the units of their scope.
        assert!(codes(
            &get(&client, &anyone, "/units/tim.json?q=ha%20noi")
                .await
                .json()
        )
        .contains(&"01".to_string()));
        let officer = add_user(&app, "canbo.camau", "officer", &["96"]);
        let s = session(&app, officer);
        let r = get(&client, &s, "/units/tim.json?q=ha%20noi").await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(codes(&r.json()).is_empty(), "{}", r.body);
        let mine = codes(
            &get(&client, &s, "/units/tim.json?q=t%E1%BB%89nh")
                .await
                .json(),
        );
        assert!(mine.contains(&"96".to_string()), "{mine:?}");
        assert!(
            mine.iter().all(|c| c == "96" || c.starts_with("95")),
            "only Cà Mau and Bạc Liêu, merged into it: {mine:?}"
        );
        // Blank, missing and overlong queries: 400 problems said in Vietnamese.
        for path in [
            "/units/tim.json?q=".to_string(),
            "/units/tim.json?q=%20%20".to_string(),
            "/units/tim.json".to_string(),
            format!("/units/tim.json?q={}", "a".repeat(101)),
        ] {
            let r = get(&client, &anyone, &path).await;
            assert_eq!(r.status, 400, "{path}: {}", r.body);
            assert_eq!(
                r.header("content-type").as_deref(),
                Some("application/problem+json"),
                "{path}"
            );
            let v = r.json();
            assert_eq!(v["code"], "bad_request", "{v}");
            let detail = v["detail"].as_str().unwrap();
            assert!(
                detail.contains("Nhập tên") || detail.contains("tối đa 100 ký tự"),
                "{detail}"
            );
        }
        let r = get(
            &client,
            &anyone,
            &format!("/units/tim.json?q={}", "a".repeat(100)),
        )
        .await;
        assert_eq!(r.status, 200, "100 characters are read: {}", r.body);
        Ok(())
    }
);

db_test!(
    home_page_suggests_a_bounded_list_and_looks_up_the_rest,
    |app| {
        demo(&app)?;
        let (status, _, page) = app.get("/").await;
        assert_eq!(status, 200);
        let list = page
            .split("<datalist id=\"xa-phuong-ten\">")
            .nth(1)
            .unwrap()
            .split("</datalist>")
            .next()
            .unwrap();
        let options = list.matches("<option").count();
        assert!(options > 0, "the home province's communes: {page}");
        assert!(
            options <= vanban::registry::unit_labels::HOME_SUGGESTIONS_MAX,
            "{options}"
        );
        assert!(
            list.contains("value=\"Xã Tân Đức\""),
            "former names too: {list}"
        );
        assert!(!list.contains("Phường Hoàn Kiếm"), "not the country's");
        assert!(page.contains("data-commune-lookup"), "{page}");
        assert!(page.contains("/static/vanban.js"), "{page}");
        // Without script the box still leads to a commune of another province by its name.
        let (status, headers, _) = app.get("/thu-tuc-tai-xa?ten=hoan%20kiem").await;
        assert!(status == 303 || status == 200, "{status} {headers}");
        Ok(())
    }
);

db_test!(pages_naming_an_abolished_unit_carry_its_notice, |app| {
    demo(&app)?;
    // A visit to Xã Tân Đức before it merged into Xã Tân Thuận.
    let r = app.import_str(
        "i.jsonl",
        r#"{"kind":"inspection","unit":"32164","date":"2025-03-10","inspector":"Lê Văn An","note":"","findings":[{"procedure":"1.001766","finding":"not_required"}]}"#,
    )?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let admin = add_user(&app, "quantri", "admin", &[]);
    let client = Client::new(&app).await;
    let s = session(&app, admin);
    let notice = |page: &str| {
        assert!(page.contains("succession-notice"), "{page}");
        assert!(
            page.contains("Xã Tân Đức đã sáp nhập cùng"),
            "the same text as the unit's page: {page}"
        );
        assert!(
            page.contains("href=\"/units/32167@2025-07-01\""),
            "the successor: {page}"
        );
    };
    let (_, _, unit_page) = app.get("/units/32164").await;
    notice(&unit_page);
    // On a day after the merger: the notice, and the same page at the successor. The check
    // and the inspection form of a unit that no longer exists are refused (422) with them: an
    // inspector is pointed to the successor's form of the same day.
    for (path, next) in [
        (
            "/units/32164/completeness?date=2026-01-05",
            "/units/32167@2025-07-01/completeness?date=2026-01-05",
        ),
        (
            "/units/32164/inspections/new?date=2026-01-05",
            "/units/32167@2025-07-01/inspections/new?date=2026-01-05",
        ),
        (
            "/units/32164/scorecard?year=2026",
            "/units/32167@2025-07-01/scorecard?year=2026",
        ),
        (
            "/units/32164/inspections",
            "/units/32167@2025-07-01/inspections",
        ),
    ] {
        let r = get(&client, &s, path).await;
        assert!(
            r.status == 200 || r.status == 422,
            "{path}: {} {}",
            r.status,
            r.body
        );
        notice(&r.body);
        if r.status == 422 {
            assert!(
                r.body.contains("không tồn tại vào ngày"),
                "{path}: {}",
                r.body
            );
            assert!(
                r.body.contains(&format!("href=\"{next}\"")),
                "{path}: {}",
                r.body
            );
        }
    }
    for path in [
        "/units/32164/completeness?date=2026-01-05",
        "/units/32164/inspections/new?date=2026-01-05",
    ] {
        assert_eq!(get(&client, &s, path).await.status, 422, "{path}");
    }
    // Before the merger the commune existed: its check and form as usual, without notice.
    for path in [
        "/units/32164/completeness?date=2025-03-10",
        "/units/32164/inspections/new?date=2025-03-10",
    ] {
        let r = get(&client, &s, path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert!(!r.body.contains("succession-notice"), "{path}: {}", r.body);
    }
    // A current unit's pages carry none.
    let r = get(&client, &s, "/units/32167/inspections").await;
    assert!(!r.body.contains("succession-notice"), "{}", r.body);
    // The recorded visit and its printable report.
    let r = get(&client, &s, "/api/v1/units/32164/inspections").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.json()["visits"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", r.body));
    for path in [
        format!("/inspections/{id}"),
        format!("/units/32164/inspections/{id}/bien-ban"),
    ] {
        let r = get(&client, &s, &path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        notice(&r.body);
    }
    Ok(())
});
