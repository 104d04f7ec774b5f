//! Scope everywhere: a user limited to some units writes only what belongs to them, checked on
//! everything a write touches — the target of an effect as well as its acting document, the
//! document of a decision returned or approved, the authority of an annual list, the reach of a
//! campaign, and every unit a bulk posting writes at. Each attack is tried inside the scope
//! (allowed) and outside it (refused with a problem document or a Vietnamese page, nothing
//! written: the audit trail and the rows are unchanged).

use actix_web::test::TestRequest;
use serde_json::json;

use crate::authkit::{add_user, audit_len, cookie, count, session, Client, Resp};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::review::{call, document_id, token};

/// Beside the fixture: a second commune of Cà Mau, a resolution of the province from 2016, and
/// the people's committee of Bạc Liêu.
const EXTRA: &str = r#"{"kind":"unit","code":"32201","name":"Xã Tân Tiến","level":"xa","parent":"96","valid_from":"2025-07-01"}
{"kind":"authority","code":"UBND-95","name":"Ủy ban nhân dân tỉnh Bạc Liêu","type":"ubnd","unit":"95"}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"10/2016/NQ-HĐND","title":"Quy định mức chi hỗ trợ cán bộ không chuyên trách","issued_on":"2016-07-01","effective_on":"2016-07-15","text":"Điều 1. Mức chi\nMức chi 100.000 đồng mỗi tháng."}
"#;

/// What a refused write must leave as it was: the audit trail and the rows of `tables`.
fn snapshot(app: &TestApp, tables: &[&str]) -> (i64, Vec<i64>) {
    (
        audit_len(app),
        tables.iter().map(|t| count(app, t)).collect(),
    )
}

async fn get_page(client: &Client, (secret, _): &(String, String), path: &str) -> Resp {
    let r = client
        .send(TestRequest::get().uri(path).insert_header(cookie(secret)))
        .await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r
}

async fn records(client: &Client, token: &str, body: &str) -> Resp {
    client
        .send(
            TestRequest::post()
                .uri("/api/v1/records")
                .insert_header(("Authorization", format!("Bearer {token}")))
                .insert_header(("Content-Type", "application/x-ndjson"))
                .set_payload(body.to_string()),
        )
        .await
}

/// A form posted with a session (and its CSRF token).
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

/// A refusal as the API gives it: 403, a problem document with code `forbidden` whose detail
/// contains `why`.
fn api_forbidden(r: &Resp, why: &str) {
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("application/problem+json")),
        "{:?}",
        r.headers
    );
    let v = r.json();
    assert_eq!(v["code"], "forbidden", "{v}");
    assert!(
        v["detail"].as_str().is_some_and(|d| d.contains(why)),
        "«{why}» not in {v}"
    );
}

/// A refusal as a page gives it: 403, a Vietnamese page saying why.
fn page_forbidden(r: &Resp, why: &str) {
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{:?}",
        r.headers
    );
    assert!(r.body.contains("Không có quyền"), "{}", r.body);
    assert!(r.body.contains(why), "«{why}» not in {}", r.body);
}

/// A refused form shown again (not a bare error page): `status`, the campaign form, and `why`.
fn form_refused(r: &Resp, status: u16, why: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(r.body.contains("action=\"/campaigns\""), "{}", r.body);
    assert!(r.body.contains("Chưa tạo được đợt rà soát"), "{}", r.body);
    assert!(r.body.contains(why), "«{why}» not in {}", r.body);
}

fn authority_id(app: &TestApp, code: &str) -> i64 {
    let mut conn = app.pool.get().unwrap();
    vanban::db::queries::authority_by_code(&mut conn.db(), code)
        .unwrap()
        .unwrap()
        .id
}

fn status_of(app: &TestApp, doc: i64) -> String {
    let mut conn = app.pool.get().unwrap();
    let graph = vanban::registry::status::StatusGraph::load_all(&mut conn.db()).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    format!("{:?}", graph.status(doc, day).map(|s| s.status))
}

const COMMUNE_DECISION: &str = r#"{"kind":"document","authority":"UBND-32200","type":"Quyết định","number":"01/2025/QĐ-UBND","title":"Bãi bỏ văn bản quy phạm pháp luật","issued_on":"2025-08-01","effective_on":"2025-08-15","text":"Điều 1. Bãi bỏ\nBãi bỏ văn bản nêu tại Điều này."}"#;

db_test!(an_effect_needs_its_target_in_the_writers_units, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("x.jsonl", EXTRA)?;
    // Xã Đầm Dơi, which took over the district of Đầm Dơi.
    let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
    let client = Client::new(&app).await;
    let province = document_id(&app, "HDND-96", "10/2016/NQ-HDND");
    let district = document_id(&app, "UBND-970", "12/2021/QD-UBND");
    let tables = ["documents", "effects", "provisions"];

    // The attack: the commune's decision repeals the province's resolution.
    let repeal = |target: (&str, &str)| {
        json!({"kind": "effect",
            "acting": {"authority": "UBND-32200", "number": "01/2025/QĐ-UBND"},
            "target": {"authority": target.0, "number": target.1},
            "type": "repeal", "effective_on": "2025-08-15"})
        .to_string()
    };
    let before = snapshot(&app, &tables);
    let status = status_of(&app, province);
    let r = records(
        &client,
        &officer,
        &format!(
            "{COMMUNE_DECISION}\n{}",
            repeal(("HDND-96", "10/2016/NQ-HĐND"))
        ),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let v = r.json();
    assert_eq!(v["code"], "records_out_of_scope", "{v}");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{v}");
    assert_eq!(errors[0]["line"], 2, "{v}");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("văn bản bị tác động 10/2016/NQ-HĐND")
            && message.contains("HDND-96")
            && message.contains("không thuộc đơn vị hành chính"),
        "{message}"
    );
    assert_eq!(snapshot(&app, &tables), before, "nothing written");
    assert_eq!(
        status_of(&app, province),
        status,
        "the target's status is unchanged"
    );

    // The other way round: the province's resolution acting on the commune's decision.
    let r = records(
        &client,
        &officer,
        &format!(
            "{COMMUNE_DECISION}\n{}",
            json!({"kind": "effect",
                "acting": {"authority": "HDND-96", "number": "10/2016/NQ-HĐND"},
                "target": {"authority": "UBND-32200", "number": "01/2025/QĐ-UBND"},
                "type": "amend", "effective_on": "2025-08-20"})
        ),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.json()["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("văn bản tác động 10/2016/NQ-HĐND")),
        "{}",
        r.body
    );
    assert_eq!(snapshot(&app, &tables), before, "nothing written");

    // Inside the scope: the commune repeals the former district's regulation.
    let r = records(
        &client,
        &officer,
        &format!(
            "{COMMUNE_DECISION}\n{}",
            repeal(("UBND-970", "12/2021/QĐ-UBND"))
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["created"], 2, "{}", r.body);
    assert_eq!(count(&app, "effects"), before.1[1] + 1);
    assert!(audit_len(&app) > before.0);
    assert_ne!(status_of(&app, district), status_of(&app, province));
    Ok(())
});

/// A started reorganisation campaign over the former district, with a proposal on its
/// regulation 12/2021 by the commune's officer: (campaign, decision).
async fn proposed(app: &TestApp, client: &Client, officer: &str) -> (i64, i64) {
    let cid = crate::review::campaign_of(client, officer, 1).await;
    let doc = document_id(app, "UBND-970", "12/2021/QD-UBND");
    let did = crate::review::propose(
        client,
        officer,
        cid,
        json!({"document_id": doc, "kind": "keep", "reason": "Nội dung còn phù hợp."}),
    )
    .await;
    (cid, did)
}

fn decision_state(app: &TestApp, did: i64) -> (String, i32) {
    let mut conn = app.pool.get().unwrap();
    let d = vanban::review::decisions::get(&mut conn.db(), did)
        .unwrap()
        .unwrap();
    (d.state.code().to_string(), d.version)
}

db_test!(approvers_decide_only_within_their_units, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
    let (outside_id, outside) = token(&app, "pheduyet.baclieu", "approver", &["95"]);
    let (inside_id, inside) = token(&app, "pheduyet", "approver", &["32200"]);
    let client = Client::new(&app).await;
    let (cid, did) = proposed(&app, &client, &officer).await;
    let tables = ["decisions", "decision_stages"];
    let before = snapshot(&app, &tables);
    let why = "không thuộc đơn vị mà tài khoản được phân công";

    // Outside the unit, through the API: neither return nor approve.
    let path = |action: &str| format!("/api/v1/decisions/{did}/{action}");
    let r = call(
        &client,
        "POST",
        &path("return"),
        &outside,
        Some(json!({"comment": "Chưa đủ căn cứ."})),
        None,
    )
    .await;
    api_forbidden(&r, why);
    let r = call(&client, "POST", &path("approve"), &outside, None, None).await;
    api_forbidden(&r, why);
    // Nor through the pages, which offer them no form for it.
    let s = session(&app, outside_id);
    let approve_form = format!("action=\"/decisions/{did}/approve\"");
    let page = get_page(&client, &s, &format!("/campaigns/{cid}")).await;
    assert!(!page.body.contains(&approve_form), "{}", page.body);
    let page = get_page(
        &client,
        &session(&app, inside_id),
        &format!("/campaigns/{cid}"),
    )
    .await;
    assert!(page.body.contains(&approve_form), "{}", page.body);
    let r = post_form(
        &client,
        &s,
        &format!("/decisions/{did}/return"),
        &[
            ("version", "1".into()),
            ("comment", "Chưa đủ căn cứ.".into()),
        ],
    )
    .await;
    page_forbidden(&r, why);
    let r = post_form(
        &client,
        &s,
        &format!("/decisions/{did}/approve"),
        &[("version", "1".into())],
    )
    .await;
    page_forbidden(&r, why);
    assert_eq!(snapshot(&app, &tables), before, "nothing written");
    assert_eq!(decision_state(&app, did), ("proposed".into(), 1));

    // Inside it: returned through the API, then the new proposal approved on the page.
    let r = call(
        &client,
        "POST",
        &path("return"),
        &inside,
        Some(json!({"comment": "Cần nêu rõ căn cứ."})),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(decision_state(&app, did), ("returned".into(), 2));
    let doc = document_id(&app, "UBND-970", "12/2021/QD-UBND");
    let again = crate::review::propose(
        &client,
        &officer,
        cid,
        json!({"document_id": doc, "kind": "keep", "reason": "Căn cứ Luật năm 2025, nội dung còn phù hợp."}),
    )
    .await;
    let r = post_form(
        &client,
        &session(&app, inside_id),
        &format!("/decisions/{again}/approve"),
        &[("version", "1".into()), ("confirm", "1".into())],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(decision_state(&app, again), ("approved".into(), 2));
    Ok(())
});

db_test!(annual_lists_are_published_only_within_the_units, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let outside = add_user(&app, "pheduyet.baclieu", "approver", &["95"]);
    let inside = add_user(&app, "pheduyet", "approver", &["96"]);
    let client = Client::new(&app).await;
    let hdnd96 = authority_id(&app, "HDND-96");
    let hdnd95 = authority_id(&app, "HDND-95");
    let tables = ["annual_list_publications"];
    let publish = |who: i64, authority: i64| {
        let client = &client;
        let s = session(&app, who);
        async move {
            post_form(
                client,
                &s,
                "/annual-lists/2022/publish",
                &[
                    ("authority", authority.to_string()),
                    ("confirm", "1".into()),
                ],
            )
            .await
        }
    };

    // Bạc Liêu's approver is offered no form for Cà Mau's list, Cà Mau's is.
    let list = format!("/annual-lists/2022?authority={hdnd96}");
    let form = "action=\"/annual-lists/2022/publish\"";
    let page = get_page(&client, &session(&app, outside), &list).await;
    assert!(!page.body.contains(form), "{}", page.body);
    let page = get_page(&client, &session(&app, inside), &list).await;
    assert!(page.body.contains(form), "{}", page.body);

    // Bạc Liêu's approver publishes Cà Mau's list: refused, nothing published.
    let before = snapshot(&app, &tables);
    let r = publish(outside, hdnd96).await;
    page_forbidden(&r, "Hội đồng nhân dân tỉnh Cà Mau");
    assert_eq!(snapshot(&app, &tables), before, "nothing written");
    let (_, v) = app
        .get_json(&format!("/api/v1/annual-lists/2022?authority={hdnd96}"))
        .await;
    assert!(v["published_on"].is_null(), "{v}");

    // Each publishes their own.
    let r = publish(outside, hdnd95).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = publish(inside, hdnd96).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(count(&app, "annual_list_publications"), before.1[0] + 2);
    assert_eq!(audit_len(&app), before.0 + 2);
    let (_, v) = app
        .get_json(&format!("/api/v1/annual-lists/2022?authority={hdnd96}"))
        .await;
    assert!(v["published_on"].as_str().is_some(), "{v}");
    Ok(())
});

fn campaign_body(extra: serde_json::Value) -> serde_json::Value {
    let mut v = json!({"name": "Rà soát năm 2026", "deadline": "2026-12-31"});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

db_test!(campaigns_reach_only_the_actors_units, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (officer_id, officer) = token(&app, "canbo", "officer", &["32200"]);
    let (outside_id, outside) = token(&app, "canbo.baclieu", "officer", &["95"]);
    let (_, approver_outside) = token(&app, "pheduyet.baclieu", "approver", &["95"]);
    let (_, admin) = token(&app, "quantri", "admin", &[]);
    let client = Client::new(&app).await;
    let tables = ["campaigns", "campaign_documents"];
    let create = |who: &str, body: serde_json::Value| {
        let client = &client;
        let who = who.to_string();
        async move { call(client, "POST", "/api/v1/campaigns", &who, Some(body), None).await }
    };
    let why = "không thuộc đơn vị hành chính mà tài khoản được phân công";

    // Created over another unit: refused whatever names it.
    let before = snapshot(&app, &tables);
    let over_district = campaign_body(json!({"kind": "reorganisation", "predecessor_unit": "970"}));
    api_forbidden(
        &create(&outside, over_district.clone()).await,
        "Huyện Đầm Dơi",
    );
    api_forbidden(&create(&approver_outside, over_district.clone()).await, why);
    api_forbidden(
        &create(
            &outside,
            campaign_body(
                json!({"kind": "ongoing", "authorities": [authority_id(&app, "HDND-96")]}),
            ),
        )
        .await,
        "Hội đồng nhân dân tỉnh Cà Mau",
    );
    // Naming no authority reaches every authority.
    api_forbidden(
        &create(&outside, campaign_body(json!({"kind": "ongoing"}))).await,
        "mọi cơ quan",
    );
    assert_eq!(snapshot(&app, &tables), before, "nothing written");
    // Over their own unit: created.
    let r = create(
        &outside,
        campaign_body(json!({"kind": "ongoing", "authorities": [authority_id(&app, "HDND-95")]})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);

    // Started by someone outside the campaign's unit: refused, the list stays empty.
    let r = create(&officer, over_district.clone()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let cid = r.json()["id"].as_i64().unwrap();
    let start = format!("/api/v1/campaigns/{cid}/start");
    let r = create(&admin, campaign_body(json!({"kind": "ongoing"}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let everything = r.json()["id"].as_i64().unwrap();
    let before = snapshot(&app, &tables);
    api_forbidden(
        &call(&client, "POST", &start, &outside, None, None).await,
        why,
    );
    // A campaign over every authority is not the commune officer's to start either.
    let r = call(
        &client,
        "POST",
        &format!("/api/v1/campaigns/{everything}/start"),
        &officer,
        None,
        None,
    )
    .await;
    api_forbidden(&r, "mọi cơ quan");
    assert_eq!(snapshot(&app, &tables), before, "nothing written");
    let r = call(&client, "POST", &start, &officer, None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["documents"], 1, "{}", r.body);

    // Assigned by someone outside, or to an officer outside: refused, nothing assigned.
    let doc = document_id(&app, "UBND-970", "12/2021/QD-UBND");
    let assign = format!("/api/v1/campaigns/{cid}/assignments");
    let before = snapshot(&app, &tables);
    let r = call(
        &client,
        "POST",
        &assign,
        &outside,
        Some(json!({"documents": [doc], "officer": "canbo"})),
        None,
    )
    .await;
    api_forbidden(&r, why);
    let r = call(
        &client,
        "POST",
        &assign,
        &officer,
        Some(json!({"documents": [doc], "officer": "canbo.baclieu"})),
        None,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["code"], "unprocessable");
    assert!(
        r.json()["detail"]
            .as_str()
            .is_some_and(|d| d.contains("mà cán bộ canbo.baclieu được phân công")),
        "{}",
        r.body
    );
    assert_eq!(snapshot(&app, &tables), before, "nothing written");
    let assigned = |app: &TestApp| {
        let mut conn = app.pool.get().unwrap();
        vanban::review::campaigns::assignments(&mut conn.db(), cid)
            .unwrap()
            .into_iter()
            .filter_map(|(d, o)| Some((d, o?)))
            .collect::<Vec<_>>()
    };
    assert!(assigned(&app).is_empty());
    let r = call(
        &client,
        "POST",
        &assign,
        &officer,
        Some(json!({"documents": [doc], "officer": "canbo"})),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(assigned(&app), [(doc, officer_id)]);

    // The same through the pages, which offer the outsider no checkbox for the document.
    let s = session(&app, outside_id);
    let pick = format!("name=\"documents\" value=\"{doc}\"");
    let page = get_page(&client, &s, &format!("/campaigns/{cid}")).await;
    assert!(!page.body.contains(&pick), "{}", page.body);
    let page = get_page(
        &client,
        &session(&app, officer_id),
        &format!("/campaigns/{cid}"),
    )
    .await;
    assert!(page.body.contains(&pick), "{}", page.body);
    let before = snapshot(&app, &tables);
    let r = post_form(
        &client,
        &s,
        "/campaigns",
        &[
            ("name", "Rà soát sau sắp xếp".into()),
            ("kind", "reorganisation".into()),
            ("predecessor_unit", "970".into()),
            ("deadline", "2026-12-31".into()),
        ],
    )
    .await;
    form_refused(&r, 403, "Huyện Đầm Dơi");
    assert!(
        r.body.contains("value=\"Rà soát sau sắp xếp\""),
        "{}",
        r.body
    );
    assert_eq!(snapshot(&app, &tables), before);
    // The form offers Bạc Liêu's officer only Bạc Liêu's authorities and units to review.
    let offered = |page: &Resp| {
        let at = page.body.find("name=\"authorities\"").unwrap();
        let list = &page.body[at..];
        let list = &list[..list.find("</ul>").unwrap()];
        let at = page.body.find("name=\"predecessor_unit\"").unwrap();
        let units = &page.body[at..];
        let units = &units[..units.find("</select>").unwrap()];
        (list.to_string(), units.to_string())
    };
    let (authorities, units) = offered(&get_page(&client, &s, "/campaigns").await);
    assert!(
        authorities.contains("Hội đồng nhân dân tỉnh Bạc Liêu"),
        "{authorities}"
    );
    assert!(!authorities.contains("Đầm Dơi"), "{authorities}");
    assert!(!authorities.contains("Cà Mau"), "{authorities}");
    assert!(
        units.contains("value=\"95\"") && !units.contains("value=\"970\""),
        "{units}"
    );
    let (authorities, units) =
        offered(&get_page(&client, &session(&app, officer_id), "/campaigns").await);
    assert!(
        authorities.contains("Ủy ban nhân dân huyện Đầm Dơi"),
        "{authorities}"
    );
    assert!(!authorities.contains("Bạc Liêu"), "{authorities}");
    assert!(
        units.contains("value=\"970\"") && !units.contains("value=\"95\""),
        "{units}"
    );
    let r = create(&officer, over_district).await;
    let fresh = r.json()["id"].as_i64().unwrap();
    let start_form = format!("action=\"/campaigns/{fresh}/start\"");
    let page = get_page(&client, &s, &format!("/campaigns/{fresh}")).await;
    assert!(!page.body.contains(&start_form), "{}", page.body);
    let page = get_page(
        &client,
        &session(&app, officer_id),
        &format!("/campaigns/{fresh}"),
    )
    .await;
    assert!(page.body.contains(&start_form), "{}", page.body);
    let before_start = snapshot(&app, &tables);
    let r = post_form(&client, &s, &format!("/campaigns/{fresh}/start"), &[]).await;
    page_forbidden(&r, why);
    let r = post_form(
        &client,
        &s,
        &format!("/campaigns/{cid}/assignments"),
        &[("documents", doc.to_string()), ("officer", "none".into())],
    )
    .await;
    page_forbidden(&r, why);
    assert_eq!(snapshot(&app, &tables), before_start, "nothing written");
    assert_eq!(
        before_start.1[0],
        before.1[0] + 1,
        "only the officer's campaign"
    );
    assert_eq!(assigned(&app), [(doc, officer_id)]);
    // Inside the unit, the page starts the campaign.
    let r = post_form(
        &client,
        &session(&app, officer_id),
        &format!("/campaigns/{fresh}/start"),
        &[],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    Ok(())
});

db_test!(bulk_postings_reach_only_the_officers_units, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("x.jsonl", EXTRA)?;
    let procedure = json!({
        "kind": "procedure", "code": "1.000894", "name": "Đăng ký khai sinh", "field": "Hộ tịch",
        "levels": ["xa"], "agency": "Ủy ban nhân dân cấp xã", "channels": ["in_person"],
        "dossier": [{"name": "Tờ khai", "originals": 1, "copies": 0}],
        "statutory_days": 3, "local_days": 2, "fees": [{"name": "Lệ phí", "amount": 0}],
        "legal_basis": [{"authority": "HDND-96", "number": "05/2022/NQ-HĐND", "provision": "Điều 1"}],
        "decision": {"authority": "UBND-96", "number": "100/QĐ-UBND", "date": "2025-08-01"},
        "announcement": "new"
    });
    app.import_str("p.jsonl", &procedure.to_string())?;
    let (_, commune) = token(&app, "canbo", "officer", &["32200"]);
    let (_, both) = token(&app, "canbo.huyen", "officer", &["32200", "32201"]);
    let client = Client::new(&app).await;
    let posting = |place: serde_json::Value| {
        let mut v = json!({"kind": "posting",
            "decision": {"authority": "UBND-96", "number": "100/QĐ-UBND"},
            "from": "2025-08-15"});
        for (k, x) in place.as_object().unwrap() {
            v[k] = x.clone();
        }
        v.to_string()
    };
    let tables = ["postings", "procedure_versions"];

    // By level, from one commune: the level reaches Xã Tân Tiến too. Refused, nothing posted.
    let before = snapshot(&app, &tables);
    let r = records(&client, &commune, &posting(json!({"level": "xa"}))).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let v = r.json();
    assert_eq!(v["code"], "records_out_of_scope", "{v}");
    assert_eq!(v["errors"][0]["line"], 1, "{v}");
    let message = v["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("Xã Tân Tiến (32201)") && !message.contains("32200"),
        "{message}"
    );
    assert_eq!(snapshot(&app, &tables), before, "nothing written");

    // At its own unit: posted.
    let r = records(&client, &commune, &posting(json!({"unit": "32200"}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(count(&app, "postings"), before.1[0] + 1);
    // At the other unit: refused.
    let r = records(&client, &commune, &posting(json!({"unit": "32201"}))).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(count(&app, "postings"), before.1[0] + 1);

    // By level, by an officer of every commune the level reaches: posted at the one left.
    let r = records(&client, &both, &posting(json!({"level": "xa"}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(count(&app, "postings"), before.1[0] + 2);
    Ok(())
});

db_test!(
    campaign_form_refuses_an_authority_outside_the_scope_beside_it,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let outside_id = add_user(&app, "canbo.baclieu", "officer", &["95"]);
        let admin_id = add_user(&app, "quantri", "admin", &[]);
        let client = Client::new(&app).await;
        let s = session(&app, outside_id);
        let tables = ["campaigns", "campaign_documents"];
        let ca_mau = authority_id(&app, "HDND-96");
        let before = snapshot(&app, &tables);
        let r = post_form(
            &client,
            &s,
            "/campaigns",
            &[
                ("name", "Rà soát văn bản tỉnh bạn".into()),
                ("kind", "ongoing".into()),
                ("authorities", ca_mau.to_string()),
                ("deadline", "2026-12-31".into()),
            ],
        )
        .await;
        form_refused(&r, 403, "Hội đồng nhân dân tỉnh Cà Mau");
        // Beside the authorities, linked to them, the typed name kept; nothing written.
        assert!(
            r.body
                .contains("<p class=\"field-error\" id=\"c-authorities-error\""),
            "{}",
            r.body
        );
        assert!(
            r.body
                .contains("c-authorities-hint c-authorities-error\" aria-invalid=\"true\""),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("value=\"Rà soát văn bản tỉnh bạn\""),
            "{}",
            r.body
        );
        assert_eq!(snapshot(&app, &tables), before);
        // The checkboxes offered: the officer's own authorities only, an administrator's all.
        let boxes = |body: &str| body.matches("name=\"authorities\" value=").count();
        let theirs = get_page(&client, &s, "/campaigns").await;
        assert!(!theirs
            .body
            .contains(&format!("name=\"authorities\" value=\"{ca_mau}\"")));
        let all = get_page(&client, &session(&app, admin_id), "/campaigns").await;
        assert!(all
            .body
            .contains(&format!("name=\"authorities\" value=\"{ca_mau}\"")));
        assert!(boxes(&all.body) > boxes(&theirs.body), "{}", theirs.body);
        assert!(all.body.contains("data-filter-list=\"c-authorities-list\""));
        Ok(())
    }
);
