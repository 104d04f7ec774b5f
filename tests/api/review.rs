//! The review tracker through its API: a reorganisation campaign, decisions proposed by an
//! officer and approved by someone else, versions, races and handling stages.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::authkit::{add_user, audit_len, Client};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

pub fn token(app: &TestApp, username: &str, role: &str, scope: &[&str]) -> (i64, String) {
    let id = add_user(app, username, role, scope);
    let mut conn = app.pool.get().unwrap();
    let t = conn
        .write(|db| vanban::auth::tokens::create(db, "cli", id, "tests", vanban::clock::now()))
        .unwrap()
        .1;
    (id, t)
}

/// A started reorganisation campaign over the former district's documents (two in the
/// fixture; fewer when some are already decided or outside the officer's units).
pub async fn campaign(client: &Client, officer: &str) -> i64 {
    campaign_of(client, officer, 2).await
}

/// As `campaign`, started with `documents` documents.
pub async fn campaign_of(client: &Client, officer: &str, documents: i64) -> i64 {
    let r = call(
        client,
        "POST",
        "/api/v1/campaigns",
        officer,
        Some(json!({
            "name": "Rà soát sau sắp xếp", "kind": "reorganisation",
            "predecessor_unit": "970", "deadline": "2025-12-31"
        })),
        None,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let cid = r.json()["id"].as_i64().unwrap();
    let r = call(
        client,
        "POST",
        &format!("/api/v1/campaigns/{cid}/start"),
        officer,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["documents"], documents, "{}", r.body);
    cid
}

/// Proposes a decision in campaign `cid`; its id (the proposal must be accepted).
pub async fn propose(client: &Client, officer: &str, cid: i64, proposal: serde_json::Value) -> i64 {
    let r = call(
        client,
        "POST",
        &format!("/api/v1/campaigns/{cid}/decisions"),
        officer,
        Some(proposal),
        None,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

pub async fn call(
    client: &Client,
    method: &str,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
    if_match: Option<&str>,
) -> crate::authkit::Resp {
    let mut req = match method {
        "GET" => TestRequest::get(),
        _ => TestRequest::post(),
    }
    .uri(path)
    .insert_header(("Authorization", format!("Bearer {token}")));
    if let Some(b) = body {
        req = req
            .insert_header(("Content-Type", "application/json"))
            .set_payload(b.to_string());
    }
    if let Some(v) = if_match {
        req = req.insert_header(("If-Match", v.to_string()));
    }
    client.send(req).await
}

/// Approves `decision` through the API as `approver`; anything but 200 fails the test.
pub async fn approve(client: &Client, approver: &str, decision: i64) {
    let r = call(
        client,
        "POST",
        &format!("/api/v1/decisions/{decision}/approve"),
        approver,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

pub fn document_id(app: &TestApp, authority: &str, key: &str) -> i64 {
    let mut conn = app.pool.get().unwrap();
    let a = vanban::db::queries::authority_by_code(&mut conn.db(), authority)
        .unwrap()
        .unwrap();
    vanban::db::queries::document_id_by_key(&mut conn.db(), a.id, key)
        .unwrap()
        .unwrap()
}

db_test!(a_reorganisation_campaign_from_proposal_to_handling, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    // The officer works for the commune that took over the district (scope covers it).
    let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
    let (_, approver) = token(&app, "pheduyet", "approver", &[]);
    let (_, approver2) = token(&app, "pheduyet2", "approver", &[]);
    let (_, admin) = token(&app, "quantri", "admin", &[]);
    let client = Client::new(&app).await;

    // A campaign for the 2025 reorganisation of the district.
    let r = call(
        &client,
        "POST",
        "/api/v1/campaigns",
        &officer,
        Some(json!({
            "name": "Rà soát văn bản của huyện Đầm Dơi sau sắp xếp",
            "kind": "reorganisation", "predecessor_unit": "970", "deadline": "2025-12-31"
        })),
        None,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let cid = r.json()["id"].as_i64().unwrap();
    // Bad campaigns: unknown kind, reorganisation without its unit.
    let r = call(
        &client,
        "POST",
        "/api/v1/campaigns",
        &officer,
        Some(json!({
            "name": "x", "kind": "weekly", "deadline": "2025-12-31"
        })),
        None,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = call(
        &client,
        "POST",
        "/api/v1/campaigns",
        &officer,
        Some(json!({
            "name": "x", "kind": "reorganisation", "deadline": "2025-12-31"
        })),
        None,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = call(
        &client,
        "POST",
        "/api/v1/campaigns",
        &officer,
        Some(json!({"name": 5})),
        None,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);

    // Starting freezes the list: the district's one document still in force.
    let r = call(
        &client,
        "POST",
        &format!("/api/v1/campaigns/{cid}/start"),
        &officer,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["documents"], 1);
    let r = call(
        &client,
        "POST",
        &format!("/api/v1/campaigns/{cid}/start"),
        &officer,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 422, "started once: {}", r.body);
    let district_doc = document_id(&app, "UBND-970", "12/2021/QD-UBND");
    let province_doc = document_id(&app, "HDND-96", "15/2018/NQ-HDND");
    let r = call(
        &client,
        "GET",
        &format!("/api/v1/campaigns/{cid}"),
        &approver,
        None,
        None,
    )
    .await;
    assert_eq!(r.json()["documents"], json!([district_doc]));
    // Assigning the campaign's documents to an officer; bad assignments refused.
    let assign = |body: serde_json::Value| {
        let client = &client;
        let officer = officer.clone();
        async move {
            call(
                client,
                "POST",
                &format!("/api/v1/campaigns/{cid}/assignments"),
                &officer,
                Some(body),
                None,
            )
            .await
        }
    };
    let r = assign(json!({"documents": [province_doc], "officer": "canbo"})).await;
    assert_eq!(r.status, 422, "not in the campaign: {}", r.body);
    let r = assign(json!({"documents": [district_doc], "officer": "pheduyet"})).await;
    assert_eq!(r.status, 422, "an approver is not an officer: {}", r.body);
    let r = assign(json!({"documents": [district_doc], "officer": "khongco"})).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = assign(json!({"documents": [district_doc], "officer": "canbo"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["assigned"], 1);
    let r = call(
        &client,
        "GET",
        &format!("/api/v1/campaigns/{cid}"),
        &approver,
        None,
        None,
    )
    .await;
    assert_eq!(r.json()["assignments"][0][0], district_doc);

    let propose = |body: serde_json::Value| {
        let client = &client;
        let officer = officer.clone();
        async move {
            call(
                client,
                "POST",
                &format!("/api/v1/campaigns/{cid}/decisions"),
                &officer,
                Some(body),
                None,
            )
            .await
        }
    };
    let before = audit_len(&app);
    // Refused proposals, nothing written: outside the campaign, partial repeal naming no
    // article, an article the document lacks, an expiry without its ground.
    for (body, status) in [
        (
            json!({"document_id": province_doc, "kind": "keep", "reason": "r"}),
            422,
        ),
        (
            json!({"document_id": district_doc, "kind": "repeal", "partial": true, "reason": "r"}),
            422,
        ),
        (
            json!({"document_id": district_doc, "kind": "repeal", "provisions": ["Điều 9"], "reason": "r"}),
            422,
        ),
        (
            json!({"document_id": district_doc, "kind": "declare_expired", "reason": "r", "effective_on": "2025-07-01"}),
            422,
        ),
        (
            json!({"document_id": district_doc, "kind": "repeal", "provisions": ["Điều 2"], "reason": " "}),
            422,
        ),
    ] {
        let r = propose(body.clone()).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
    }
    assert_eq!(audit_len(&app), before, "nothing written");

    // A partial repeal of Article 2, proposed by the officer.
    let r = propose(json!({
        "document_id": district_doc, "kind": "repeal", "provisions": ["Điều 2"],
        "reason": "Không còn phù hợp sau sắp xếp đơn vị hành chính"
    }))
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.header("etag").as_deref(), Some("\"v1\""));
    let did = r.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/decisions/{did}");

    // The officer cannot approve (role); a stale version is refused; the approver approves.
    let r = call(
        &client,
        "POST",
        &format!("{path}/approve"),
        &officer,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = call(
        &client,
        "POST",
        &format!("{path}/approve"),
        &approver,
        None,
        Some("\"v7\""),
    )
    .await;
    assert_eq!(r.status, 412, "{}", r.body);
    let r = call(
        &client,
        "POST",
        &format!("{path}/approve"),
        &approver,
        None,
        Some("\"v1\""),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["decision"]["state"], "approved");
    assert_eq!(r.header("etag").as_deref(), Some("\"v2\""));
    // The second approver, still on version 1: 412; without a version: 409 (already decided).
    let r = call(
        &client,
        "POST",
        &format!("{path}/approve"),
        &approver2,
        None,
        Some("\"v1\""),
    )
    .await;
    assert_eq!(r.status, 412, "{}", r.body);
    let r = call(
        &client,
        "POST",
        &format!("{path}/approve"),
        &approver2,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);

    // Handling stages: in order and in time.
    let stage = |s: &str, d: &str| json!({"stage": s, "date": d, "paper": "Công văn số 2170/STP-XDTHPL ngày 02/10/2025"});
    let mut r = None;
    for (name, date, status, why) in [
        (
            "consultation",
            "2025-08-01",
            422,
            "registration comes first",
        ),
        ("registered", "2025-08-01", 200, "the first stage"),
        (
            "consultation",
            "2025-07-15",
            422,
            "dated before the previous stage",
        ),
        ("appraisal", "2025-10-02", 200, "a later stage, in time"),
    ] {
        let answer = call(
            &client,
            "POST",
            &format!("{path}/stages"),
            &officer,
            Some(stage(name, date)),
            None,
        )
        .await;
        assert_eq!(answer.status, status, "{why}: {}", answer.body);
        r = Some(answer);
    }
    let r = r.unwrap();
    assert_eq!(r.json()["stages"].as_array().map(Vec::len), Some(2));

    // A second decision on a document already decided is refused: a correction names the
    // decision it supersedes.
    let proposal = json!({
        "document_id": district_doc, "kind": "declare_expired", "ground": "subject_gone",
        "reason": "Đối tượng điều chỉnh không còn", "effective_on": "2025-07-01"
    });
    let before = crate::authkit::audit_len(&app);
    let r = call(
        &client,
        "POST",
        &format!("/api/v1/campaigns/{cid}/decisions"),
        &admin,
        Some(proposal.clone()),
        None,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("hãy lập đính chính"), "{}", r.body);
    assert_eq!(crate::authkit::audit_len(&app), before);

    // An administrator may propose and approve, but never their own proposal.
    let mut correction = proposal.clone();
    correction["supersedes_id"] = json!(did);
    let r = call(
        &client,
        "POST",
        &format!("/api/v1/campaigns/{cid}/decisions"),
        &admin,
        Some(correction.clone()),
        None,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let own = r.json()["id"].as_i64().unwrap();
    // While it waits, no other proposal on the document.
    let r = call(
        &client,
        "POST",
        &format!("/api/v1/campaigns/{cid}/decisions"),
        &officer,
        Some(correction),
        None,
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("chờ phê duyệt"), "{}", r.body);
    let r = call(
        &client,
        "POST",
        &format!("/api/v1/decisions/{own}/approve"),
        &admin,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // Returned with a comment (a comment is required).
    let r = call(
        &client,
        "POST",
        &format!("/api/v1/decisions/{own}/return"),
        &approver,
        Some(json!({"comment": ""})),
        None,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = call(
        &client,
        "POST",
        &format!("/api/v1/decisions/{own}/return"),
        &approver,
        Some(json!({"comment": "Cần nêu căn cứ"})),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["decision"]["state"], "returned");

    let mut conn = app.pool.get()?;
    assert!(vanban::audit::verify(&mut conn.db())?.broken.is_none());
    Ok(())
});

db_test!(two_approvers_at_once_exactly_one_wins, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (officer, _) = token(&app, "canbo", "officer", &[]);
    let (a1, _) = token(&app, "pheduyet", "approver", &[]);
    let (a2, _) = token(&app, "pheduyet2", "approver", &[]);
    let now = vanban::clock::now();
    let person = |id: i64, name: &str| vanban::review::decisions::Person {
        id,
        actor: format!("user:{name}"),
        units: None,
    };
    let did = {
        let mut conn = app.pool.get()?;
        conn.write(|db| -> anyhow::Result<i64> {
            let input: vanban::review::campaigns::CampaignInput = serde_json::from_value(json!({
                "name": "Thường xuyên", "kind": "ongoing", "deadline": "2026-12-31"
            }))?;
            let cid = vanban::review::campaigns::create(db, "user:canbo", officer, &input, now)?;
            vanban::review::campaigns::start(
                db,
                "user:canbo",
                cid,
                chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            )?;
            let doc = vanban::review::campaigns::documents(db, cid)?[0];
            let p: vanban::review::decisions::Proposal = serde_json::from_value(json!({
                "document_id": doc, "kind": "keep", "reason": "Còn phù hợp"
            }))?;
            Ok(vanban::review::decisions::propose(
                db,
                &person(officer, "canbo"),
                cid,
                &p,
                now,
            )?)
        })?
    };
    let results: Vec<bool> = std::thread::scope(|s| {
        let handles: Vec<_> = [(a1, "pheduyet"), (a2, "pheduyet2")]
            .into_iter()
            .map(|(id, name)| {
                let pool = app.pool.clone();
                let p = person(id, name);
                s.spawn(move || {
                    let mut conn = pool.get().unwrap();
                    conn.write(|db| vanban::review::decisions::approve(db, &p, did, Some(1), now))
                        .is_ok()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|ok| **ok).count(), 1, "{results:?}");
    let mut conn = app.pool.get()?;
    let d = vanban::review::decisions::get(&mut conn.db(), did)?.unwrap();
    assert_eq!((d.state.code(), d.version), ("approved", 2));
    Ok(())
});

/// A second document of the former district, with three articles.
pub const DISTRICT_DOC: &str = r#"{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"05/2020/QĐ-UBND","title":"Quy định quản lý chợ trên địa bàn huyện","issued_on":"2020-05-04","effective_on":"2020-05-15","text":"Điều 1. Phạm vi\nQuy định quản lý chợ.\nĐiều 2. Phí chợ\nMức phí theo nghị quyết.\nĐiều 3. Tổ chức thực hiện\nPhòng Kinh tế thực hiện."}"#;

/// The commune's decision repealing Articles 1 and 2, in force from 1 December 2025.
pub const HANDLING: &str = r#"{"kind":"document","authority":"UBND-32200","type":"Quyết định","number":"10/2025/QĐ-UBND","title":"Bãi bỏ Điều 1, Điều 2 Quyết định 05/2020/QĐ-UBND","issued_on":"2025-11-20","effective_on":"2025-12-01","text":"Điều 1. Bãi bỏ\nBãi bỏ Điều 1 và Điều 2 Quyết định số 05/2020/QĐ-UBND."}
{"kind":"effect","acting":{"authority":"UBND-32200","number":"10/2025/QĐ-UBND"},"target":{"authority":"UBND-970","number":"05/2020/QĐ-UBND"},"type":"repeal","provisions":["Điều 1","Điều 2"],"effective_on":"2025-12-01"}"#;

db_test!(end_to_end_reorganisation_review, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("d.jsonl", DISTRICT_DOC)?;
    let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
    let (_, approver) = token(&app, "pheduyet", "approver", &[]);
    let client = Client::new(&app).await;
    let markets = document_id(&app, "UBND-970", "05/2020/QD-UBND");
    let one_stop = document_id(&app, "UBND-970", "12/2021/QD-UBND");

    // The campaign for the 2025 reorganisation finds the former district's documents.
    let cid = campaign(&client, &officer).await;

    // Repeal two articles of one; declare the other expired from 1 July 2025.
    let repeal = propose(
        &client,
        &officer,
        cid,
        json!({
            "document_id": markets, "kind": "repeal", "provisions": ["Điều 1", "Điều 2"],
            "reason": "Thẩm quyền quản lý chợ chuyển về xã"
        }),
    )
    .await;
    let expiry = propose(
        &client,
        &officer,
        cid,
        json!({
            "document_id": one_stop, "kind": "declare_expired", "ground": "subject_gone",
            "reason": "Bộ phận một cửa cấp huyện không còn", "effective_on": "2025-07-01"
        }),
    )
    .await;
    for d in [repeal, expiry] {
        approve(&client, &approver, d).await;
    }

    // The declared expiry applies from its date, not before.
    let status = |id: i64, date: &'static str| {
        let app = &app;
        async move {
            let (_, v) = app
                .get_json(&format!("/api/v1/documents/{id}/status?date={date}"))
                .await;
            v["status"]["code"].as_str().unwrap_or_default().to_string()
        }
    };
    assert_eq!(status(one_stop, "2025-06-30").await, "con-hieu-luc");
    assert_eq!(status(one_stop, "2025-07-01").await, "het-hieu-luc-toan-bo");

    // Closing needs the handling document with its effect in the registry.
    let close = |handling: i64| {
        let client = &client;
        let officer = officer.clone();
        async move {
            call(
                client,
                "POST",
                &format!("/api/v1/decisions/{repeal}/close"),
                &officer,
                Some(json!({"handling_document_id": handling})),
                None,
            )
            .await
        }
    };
    let r = close(one_stop).await;
    assert_eq!(r.status, 422, "no effect on the target: {}", r.body);
    app.import_str("h.jsonl", HANDLING)?;
    let handling = document_id(&app, "UBND-32200", "10/2025/QD-UBND");
    let r = close(handling).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["decision"]["state"], "closed");

    // The public page shows the change on the effect date and not before.
    assert_eq!(status(markets, "2025-11-30").await, "con-hieu-luc");
    assert_eq!(status(markets, "2025-12-01").await, "het-hieu-luc-mot-phan");
    let (_, _, page) = app
        .get(&format!("/documents/{one_stop}?date=2025-08-01"))
        .await;
    assert!(page.contains("theo kết quả rà soát"), "the page says why");

    // The annual list for 2025 holds both.
    let (_, v) = app.get_json("/api/v1/annual-lists/2025").await;
    let numbers = |part: &str| -> Vec<String> {
        v[part]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["number"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert!(
        numbers("whole").contains(&"12/2021/QĐ-UBND".to_string()),
        "{v}"
    );
    assert!(
        numbers("part").contains(&"05/2020/QĐ-UBND".to_string()),
        "{v}"
    );
    Ok(())
});

db_test!(officers_and_approvers_work_through_the_pages, |app| {
    use crate::authkit::{cookie, session};
    app.import_str("f.jsonl", FIXTURE)?;
    let officer = add_user(&app, "canbo", "officer", &["32200"]);
    let approver = add_user(&app, "pheduyet", "approver", &[]);
    let (o_secret, o_csrf) = session(&app, officer);
    let (a_secret, a_csrf) = session(&app, approver);
    let client = Client::new(&app).await;
    let post = |path: String, secret: String, form: Vec<(&'static str, String)>| {
        let client = &client;
        async move {
            client
                .send(
                    TestRequest::post()
                        .uri(&path)
                        .insert_header(cookie(&secret))
                        .set_form(form),
                )
                .await
        }
    };
    let get = |path: String, secret: String| {
        let client = &client;
        async move {
            client
                .send(TestRequest::get().uri(&path).insert_header(cookie(&secret)))
                .await
        }
    };

    let r = post(
        "/campaigns".into(),
        o_secret.clone(),
        vec![
            ("csrf_token", o_csrf.clone()),
            ("name", "Rà soát sau sắp xếp".into()),
            ("kind", "reorganisation".into()),
            ("predecessor_unit", "970".into()),
            ("deadline", "2030-12-31".into()),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let at = r.header("location").unwrap();
    // Without the token: refused, nothing created.
    let r = post(
        "/campaigns".into(),
        o_secret.clone(),
        vec![
            ("name", "x".into()),
            ("kind", "ongoing".into()),
            ("deadline", "2030-12-31".into()),
        ],
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);

    let r = post(
        format!("{at}/start"),
        o_secret.clone(),
        vec![("csrf_token", o_csrf.clone())],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = get(at.clone(), o_secret.clone()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("văn bản trong phạm vi") && page.body.contains("<svg"));
    assert!(
        page.body.contains("Đề xuất kết quả rà soát"),
        "the officer may propose"
    );
    let doc = document_id(&app, "UBND-970", "12/2021/QD-UBND");

    let r = post(
        format!("{at}/decisions"),
        o_secret.clone(),
        vec![
            ("csrf_token", o_csrf.clone()),
            ("document_id", doc.to_string()),
            ("kind", "repeal".into()),
            ("provisions", "Điều 9".into()),
            ("reason", "Không còn phù hợp".into()),
        ],
    )
    .await;
    assert_eq!(r.status, 422, "an article the document lacks: {}", r.body);
    assert!(r.body.contains("Điều 9"), "the page says which");
    let r = post(
        format!("{at}/decisions"),
        o_secret.clone(),
        vec![
            ("csrf_token", o_csrf.clone()),
            ("document_id", doc.to_string()),
            ("kind", "keep".into()),
            ("reason", "Còn phù hợp".into()),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let page = get(at.clone(), a_secret.clone()).await;
    assert!(
        page.body.contains("Chờ phê duyệt") && page.body.contains("Phê duyệt"),
        "{}",
        page.body
    );
    let did: i64 = {
        let mut conn = app.pool.get()?;
        let cid: i64 = at.rsplit('/').next().unwrap().parse()?;
        vanban::review::decisions::of_campaign(&mut conn.db(), cid)?[0].id
    };
    let r = post(
        format!("/decisions/{did}/approve"),
        a_secret.clone(),
        vec![
            ("csrf_token", a_csrf.clone()),
            ("version", "1".into()),
            ("confirm", "1".into()),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = get(at.clone(), a_secret.clone()).await;
    assert!(page.body.contains("Đã phê duyệt"));
    // Filters: by state (nothing is left unreviewed).
    let filtered = get(format!("{at}?state=none"), a_secret.clone()).await;
    assert_eq!(filtered.status, 200);
    assert!(
        filtered.body.contains("Không có văn bản nào"),
        "{}",
        filtered.body
    );
    assert!(page.body.contains("100%"), "one of one reviewed");
    let csv = get(format!("{at}/register.csv"), a_secret.clone()).await;
    assert_eq!(csv.status, 200);
    assert!(csv
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/csv")));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(lines[0].contains("Kết quả rà soát") && lines[0].contains("Thẩm định — ngày"));
    assert_eq!(lines.len(), 2, "one document: {}", csv.body);
    assert!(lines[1].contains("Giữ nguyên") && lines[1].contains("Đã phê duyệt"));
    let xlsx = get(format!("{at}/register.xlsx"), a_secret.clone()).await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with("PK"), "a zip archive");
    let bad = get(format!("{at}/register.pdf"), a_secret.clone()).await;
    assert_eq!(bad.status, 404);
    Ok(())
});

db_test!(handling_stages_are_recorded_from_the_page, |app| {
    use crate::authkit::{cookie, session};
    app.import_str("f.jsonl", FIXTURE)?;
    let officer = add_user(&app, "canbo", "officer", &["32200"]);
    let approver = add_user(&app, "pheduyet", "approver", &[]);
    let now = vanban::clock::now();
    let person = |id: i64, name: &str| vanban::review::decisions::Person {
        id,
        actor: format!("user:{name}"),
        units: None,
    };
    let (cid, did) = {
        let mut conn = app.pool.get()?;
        conn.write(|db| -> anyhow::Result<(i64, i64)> {
            let input: vanban::review::campaigns::CampaignInput = serde_json::from_value(json!({
                "name": "Sắp xếp", "kind": "reorganisation", "predecessor_unit": "970",
                "deadline": "2030-12-31"
            }))?;
            let cid = vanban::review::campaigns::create(db, "user:canbo", officer, &input, now)?;
            vanban::review::campaigns::start(db, "user:canbo", cid, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())?;
            let doc = vanban::review::campaigns::documents(db, cid)?[0];
            let p: vanban::review::decisions::Proposal = serde_json::from_value(json!({
                "document_id": doc, "kind": "repeal", "provisions": ["Điều 2"], "reason": "Không phù hợp"
            }))?;
            let did = vanban::review::decisions::propose(db, &person(officer, "canbo"), cid, &p, now)?;
            vanban::review::decisions::approve(db, &person(approver, "pheduyet"), did, None, now)?;
            Ok((cid, did))
        })?
    };
    let (secret, csrf) = session(&app, officer);
    let client = Client::new(&app).await;
    // The form sends the version the page was drawn from (2 once approved, +1 per stage).
    let stage = |stage: &'static str, date: &'static str, version: &'static str| {
        let client = &client;
        let (secret, csrf) = (secret.clone(), csrf.clone());
        async move {
            client
                .send(
                    TestRequest::post()
                        .uri(&format!("/decisions/{did}/stages"))
                        .insert_header(cookie(&secret))
                        .set_form([
                            ("csrf_token", csrf.as_str()),
                            ("stage", stage),
                            ("date", date),
                            ("version", version),
                            ("paper", "Công văn số 2170/STP-XDTHPL ngày 02/10/2025"),
                        ]),
                )
                .await
        }
    };
    let r = stage("registered", "2026-02-01", "2").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = stage("appraisal", "2026-01-15", "3").await;
    assert_eq!(r.status, 422, "before the previous stage: {}", r.body);
    let r = stage("appraisal", "2026-02-20", "3").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = client
        .send(
            TestRequest::get()
                .uri(&format!("/campaigns/{cid}"))
                .insert_header(cookie(&secret)),
        )
        .await;
    assert!(page.body.contains("Thẩm định: 20/02/2026"), "{}", page.body);
    Ok(())
});

db_test!(
    statuses_shown_by_a_running_service_follow_review_decisions,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
        let (_, approver) = token(&app, "pheduyet", "approver", &[]);
        // One service for the whole test, so that anything it keeps between requests is tested.
        let client = Client::new(&app).await;
        let one_stop = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        let expired = || {
            let client = &client;
            let officer = officer.clone();
            async move {
                let r = call(
                    client,
                    "GET",
                    "/api/v1/documents?status=het-hieu-luc-toan-bo&date=2025-08-01",
                    &officer,
                    None,
                    None,
                )
                .await;
                let ids: Vec<i64> = r.json()["rows"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d["id"].as_i64())
                    .collect();
                ids
            }
        };
        let listed = |v: serde_json::Value| {
            v["whole"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|r| r["number"] == "12/2021/QĐ-UBND")
        };
        assert!(!expired().await.contains(&one_stop));
        let r = call(
            &client,
            "GET",
            "/api/v1/annual-lists/2025",
            &officer,
            None,
            None,
        )
        .await;
        assert!(!listed(r.json()), "{}", r.body);

        let cid = campaign_of(&client, &officer, 1).await;
        let approve = |id: i64| {
            let client = &client;
            let approver = approver.clone();
            async move {
                approve(client, &approver, id).await;
            }
        };
        let declared = propose(
            &client,
            &officer,
            cid,
            json!({
                "document_id": one_stop, "kind": "declare_expired", "ground": "subject_gone",
                "reason": "Bộ phận một cửa cấp huyện không còn", "effective_on": "2025-07-01"
            }),
        )
        .await;
        assert!(!expired().await.contains(&one_stop), "not before approval");
        approve(declared).await;
        assert!(
            expired().await.contains(&one_stop),
            "approved: expired from its date"
        );
        let r = call(
            &client,
            "GET",
            "/api/v1/annual-lists/2025",
            &officer,
            None,
            None,
        )
        .await;
        assert!(listed(r.json()), "{}", r.body);

        // A correction keeping the document undoes the declared expiry once approved.
        approve(propose(&client, &officer, cid, json!({
                "document_id": one_stop, "kind": "keep", "reason": "Bộ phận một cửa vẫn hoạt động",
                "supersedes_id": declared
            })).await).await;
        assert!(
            !expired().await.contains(&one_stop),
            "the correction applies"
        );
        let r = call(
            &client,
            "GET",
            "/api/v1/annual-lists/2025",
            &officer,
            None,
            None,
        )
        .await;
        assert!(!listed(r.json()), "{}", r.body);
        Ok(())
    }
);

// A decision whose stored state (or provision list) is not one the tracker knows is an
// internal error on the API and on the campaign page, never read as "proposed" or as empty;
// nothing acts on it (an approval is refused the same way).
db_test!(
    an_unknown_stored_state_is_an_internal_error_not_a_default,
    |app| {
        use crate::authkit::{cookie, session, sql};
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, officer) = token(&app, "canbo", "officer", &[]);
        let (approver_id, approver) = token(&app, "pheduyet", "approver", &[]);
        let client = Client::new(&app).await;
        let cid = campaign_of(&client, &officer, 1).await;
        let doc = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        let did = propose(
            &client,
            &officer,
            cid,
            json!({"document_id": doc, "kind": "keep", "reason": "Còn phù hợp"}),
        )
        .await;
        let r = call(
            &client,
            "GET",
            &format!("/api/v1/decisions/{did}"),
            &approver,
            None,
            None,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["decision"]["state"], "proposed", "{}", r.body);

        plant_state(&app, did, "cho_xu_ly");
        let r = call(
            &client,
            "GET",
            &format!("/api/v1/decisions/{did}"),
            &approver,
            None,
            None,
        )
        .await;
        assert_eq!(r.status, 500, "{}", r.body);
        assert!(!r.body.contains("proposed"), "{}", r.body);
        assert!(
            !r.body.contains("cho_xu_ly"),
            "the stored value stays in the log: {}",
            r.body
        );
        let (secret, _) = session(&app, approver_id);
        let page = client
            .send(
                TestRequest::get()
                    .uri(&format!("/campaigns/{cid}"))
                    .insert_header(cookie(&secret)),
            )
            .await;
        assert_eq!(page.status, 500, "{}", page.body);
        let audit = audit_len(&app);
        let r = call(
            &client,
            "POST",
            &format!("/api/v1/decisions/{did}/approve"),
            &approver,
            None,
            Some("1"),
        )
        .await;
        assert_eq!(r.status, 500, "{}", r.body);
        assert_eq!(audit_len(&app), audit, "nothing was decided");

        plant_state(&app, did, "proposed");
        sql(
            &app,
            &format!("UPDATE decisions SET provisions = '[\"dieu-1\",' WHERE id = {did}"),
        );
        let r = call(
            &client,
            "GET",
            &format!("/api/v1/decisions/{did}"),
            &approver,
            None,
            None,
        )
        .await;
        assert_eq!(r.status, 500, "{}", r.body);
        Ok(())
    }
);

/// Writes a state the schema's check would refuse (as an older or newer version of the
/// software, or a hand edit, could leave it), on one connection.
fn plant_state(app: &TestApp, did: i64, state: &str) {
    use diesel::RunQueryDsl;
    let mut conn = app.pool.get().unwrap();
    let update = format!("UPDATE decisions SET state = '{state}' WHERE id = {did}");
    match conn.db() {
        vanban::db::Db::Sqlite(c) => {
            for q in [
                "PRAGMA ignore_check_constraints = ON",
                update.as_str(),
                "PRAGMA ignore_check_constraints = OFF",
            ] {
                diesel::sql_query(q).execute(c).unwrap();
            }
        }
        vanban::db::Db::Pg(c) => {
            for q in [
                "ALTER TABLE decisions DROP CONSTRAINT IF EXISTS decisions_state_check",
                update.as_str(),
            ] {
                diesel::sql_query(q).execute(c).unwrap();
            }
        }
    }
}

db_test!(
    a_garbled_json_body_or_a_non_numeric_id_is_refused_by_the_typed_extractors,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let client = Client::new(&app).await;
        let (_, officer) = token(&app, "canbo", "officer", &[]);
        let audit = audit_len(&app);
        for (path, body) in [
            ("/api/v1/campaigns", "{\"name\": "),
            ("/api/v1/campaigns", "[1, 2]"),
            ("/api/v1/campaigns/1/assignments", "not json"),
        ] {
            let req = TestRequest::post()
                .uri(path)
                .insert_header(("Authorization", format!("Bearer {officer}")))
                .insert_header(("Content-Type", "application/json"))
                .set_payload(body);
            let r = client.send(req).await;
            assert_eq!(r.status, 400, "{path} {body}: {}", r.body);
            assert_eq!(r.json()["code"], "bad_request", "{path}: {}", r.body);
            assert!(
                r.json()["detail"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("Dữ liệu JSON không hợp lệ")),
                "{path}: {}",
                r.body
            );
        }
        let r = call(
            &client,
            "GET",
            "/api/v1/campaigns/abc",
            &officer,
            None,
            None,
        )
        .await;
        assert_eq!(r.status, 404, "{}", r.body);
        assert_eq!(r.json()["detail"], "Không có đợt rà soát mã số «abc».");
        let r = call(&client, "GET", "/api/v1/decisions/x1", &officer, None, None).await;
        assert_eq!(
            (r.status, r.json()["code"].clone()),
            (404, "not_found".into())
        );
        assert_eq!(audit_len(&app), audit, "nothing written");
        Ok(())
    }
);

/// A refusal by the review rules: 422 `unprocessable`, the rules' own wording, nothing written.
fn refused_by_the_rules(r: &crate::authkit::Resp, words: &str) {
    assert_eq!(r.status, 422, "{words}: {}", r.body);
    assert_eq!(r.json()["code"], "unprocessable", "{}", r.body);
    let detail = r.json()["detail"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(
        detail.contains(&words.to_lowercase()),
        "{words}: {}",
        r.body
    );
}

db_test!(
    an_unknown_code_in_a_review_body_is_refused_by_the_rules_in_their_words,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
        let (_, approver) = token(&app, "pheduyet", "approver", &[]);
        let client = Client::new(&app).await;
        let post = |path: String, token: &str, body: serde_json::Value| {
            let (client, token) = (&client, token.to_string());
            async move { call(client, "POST", &path, &token, Some(body), None).await }
        };

        let audit = audit_len(&app);
        let r = post(
            "/api/v1/campaigns".into(),
            &officer,
            json!({"name": "x", "kind": "weekly", "deadline": "2025-12-31"}),
        )
        .await;
        refused_by_the_rules(
            &r,
            "loại đợt rà soát «weekly» không hợp lệ (ongoing, systematisation, thematic, higher_document, reorganisation)",
        );
        assert_eq!(audit_len(&app), audit);

        let r = post(
            "/api/v1/campaigns".into(),
            &officer,
            json!({"name": "Rà soát sau sắp xếp", "kind": "reorganisation",
                   "predecessor_unit": "970", "deadline": "2025-12-31"}),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let cid = r.json()["id"].as_i64().unwrap();
        let r = post(
            format!("/api/v1/campaigns/{cid}/start"),
            &officer,
            json!({}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let doc = document_id(&app, "UBND-970", "12/2021/QD-UBND");

        let audit = audit_len(&app);
        let proposals = format!("/api/v1/campaigns/{cid}/decisions");
        let r = post(
            proposals.clone(),
            &officer,
            json!({"document_id": doc, "kind": "weekly", "reason": "r"}),
        )
        .await;
        refused_by_the_rules(
            &r,
            "loại quyết định «weekly» không hợp lệ (keep, amend, replace, repeal, declare_expired, suspend)",
        );
        let r = post(
            proposals.clone(),
            &officer,
            json!({"document_id": doc, "kind": "declare_expired", "ground": "bogus",
                   "effective_on": "2025-07-01", "reason": "r"}),
        )
        .await;
        refused_by_the_rules(&r, "căn cứ hết hiệu lực «bogus» không hợp lệ");
        assert_eq!(audit_len(&app), audit);

        let did = propose(
            &client,
            &officer,
            cid,
            json!({"document_id": doc, "kind": "keep", "reason": "Còn phù hợp"}),
        )
        .await;
        let r = post(
            format!("/api/v1/decisions/{did}/approve"),
            &approver,
            json!({}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let audit = audit_len(&app);
        let r = post(
            format!("/api/v1/decisions/{did}/stages"),
            &officer,
            json!({"stage": "bogus", "date": "2025-08-01", "paper": "Công văn số 1/STP"}),
        )
        .await;
        refused_by_the_rules(&r, "giai đoạn «bogus» không hợp lệ");
        assert_eq!(audit_len(&app), audit);
        Ok(())
    }
);
