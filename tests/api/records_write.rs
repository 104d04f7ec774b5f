//! Writes through the API's record path: all or nothing, limited to what the writer may touch,
//! and recorded in the audit trail under the writer's name.

use std::collections::HashSet;

use vanban::exchange::write::{write_records, WriteError, Writer};

use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

const COMMUNE_DOC: &str = r#"{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"03/2022/QĐ-UBND","title":"Quy định giờ tiếp dân","issued_on":"2022-03-01","effective_on":"2022-03-15","text":"Điều 1. Giờ tiếp dân\nSáng thứ Hai hằng tuần."}"#;
const PROVINCE_DOC: &str = r#"{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"09/2022/NQ-HĐND","title":"Quy định phí","issued_on":"2022-03-01","effective_on":"2022-03-15","text":"Điều 1. Mức phí\nMười nghìn đồng."}"#;

fn unit_id(app: &TestApp, code: &str) -> i64 {
    let mut conn = app.pool.get().unwrap();
    vanban::db::queries::unit_by_code(&mut conn.db(), code)
        .unwrap()
        .unwrap()
        .id
}

fn audit_len(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().unwrap();
    vanban::audit::head(&mut conn.db()).unwrap().0
}

fn officer(app: &TestApp) -> Writer {
    Writer {
        actor: "user:canbo".into(),
        units: Some(HashSet::from([unit_id(app, "970")])),
        organisation: false,
        update: false,
        reason: None,
    }
}

db_test!(
    an_officer_writes_in_scope_and_is_named_in_the_trail,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let before = app.count_documents()?;
        let report = write_records(&app.pool, &officer(&app), "api", COMMUNE_DOC.as_bytes())?;
        assert_eq!(report.documents_created, 1);
        assert_eq!(app.count_documents()?, before + 1);
        let mut conn = app.pool.get()?;
        let v = vanban::audit::verify(&mut conn.db())?;
        assert!(v.broken.is_none());
        let a = vanban::db::queries::authority_by_code(&mut conn.db(), "UBND-970")?.unwrap();
        let id = vanban::db::queries::document_id_by_key(&mut conn.db(), a.id, "03/2022/QD-UBND")?
            .unwrap()
            .to_string();
        let log = vanban::audit::history(&mut conn.db(), "document", &id)?;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].actor, "user:canbo");
        Ok(())
    }
);

db_test!(
    out_of_scope_records_are_refused_and_nothing_is_written,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (docs, audit) = (app.count_documents()?, audit_len(&app));
        // One record in scope, one outside: neither is written.
        let body = format!("{COMMUNE_DOC}\n{PROVINCE_DOC}\n");
        match write_records(&app.pool, &officer(&app), "api", body.as_bytes()) {
            Err(WriteError::Forbidden(lines)) => {
                assert_eq!(lines.len(), 1);
                assert_eq!(lines[0].line, 2);
                assert!(lines[0].message.contains("HDND-96"), "{}", lines[0].message);
            }
            other => panic!("expected Forbidden, got {other:?}"),
        }
        // Organisation records are for administrators.
        let unit =
            r#"{"kind":"authority","code":"UBND-X","name":"Ủy ban X","type":"ubnd","unit":"970"}"#;
        assert!(matches!(
            write_records(&app.pool, &officer(&app), "api", unit.as_bytes()),
            Err(WriteError::Forbidden(_))
        ));
        assert_eq!(app.count_documents()?, docs);
        assert_eq!(
            audit_len(&app),
            audit,
            "no audit entry for what was not written"
        );
        // An administrator (no unit limit) may write both.
        let admin = Writer {
            actor: "user:quantri".into(),
            units: None,
            organisation: true,
            update: false,
            reason: None,
        };
        let body = format!("{COMMUNE_DOC}\n{PROVINCE_DOC}\n{unit}\n");
        let report = write_records(&app.pool, &admin, "api", body.as_bytes())?;
        assert_eq!(report.documents_created, 2);
        Ok(())
    }
);

db_test!(
    any_bad_line_writes_nothing_and_every_problem_is_named,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (docs, audit) = (app.count_documents()?, audit_len(&app));
        // A broken JSON line: refused before anything is tried.
        let body = format!("{COMMUNE_DOC}\n{{\"kind\":\"document\",\n");
        match write_records(&app.pool, &officer(&app), "api", body.as_bytes()) {
            Err(WriteError::Invalid(lines)) => assert_eq!(lines[0].line, 2),
            other => panic!("expected Invalid, got {other:?}"),
        }
        // A valid line and one the registry refuses (effective before issued): both undone.
        let bad = COMMUNE_DOC.replace("03/2022", "04/2022").replace(
            "\"effective_on\":\"2022-03-15\"",
            "\"effective_on\":\"2021-01-01\"",
        );
        let body = format!("{COMMUNE_DOC}\n\n{bad}\n");
        match write_records(&app.pool, &officer(&app), "api", body.as_bytes()) {
            Err(WriteError::Invalid(lines)) => {
                assert_eq!(lines.len(), 1);
                assert_eq!(lines[0].line, 3);
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
        // An empty body.
        assert!(matches!(
            write_records(&app.pool, &officer(&app), "api", b"\n\n"),
            Err(WriteError::Invalid(_))
        ));
        assert_eq!(app.count_documents()?, docs);
        assert_eq!(audit_len(&app), audit);
        Ok(())
    }
);

pub fn token_for(app: &TestApp, username: &str, role: &str, scope: &[&str]) -> String {
    let id = crate::authkit::add_user(app, username, role, scope);
    let mut conn = app.pool.get().unwrap();
    conn.write(|db| vanban::auth::tokens::create(db, "cli", id, "tests", vanban::clock::now()))
        .unwrap()
        .1
}

pub async fn post_records(app: &TestApp, token: Option<&str>, body: &str) -> crate::authkit::Resp {
    let client = crate::authkit::Client::new(app).await;
    let mut req = actix_web::test::TestRequest::post()
        .uri("/api/v1/records")
        .insert_header(("Content-Type", "application/x-ndjson"))
        .set_payload(body.to_string());
    if let Some(t) = token {
        req = req.insert_header(("Authorization", format!("Bearer {t}")));
    }
    client.send(req).await
}

db_test!(the_records_api_writes_for_officers_in_their_units, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let officer = token_for(&app, "canbo", "officer", &["970"]);
    let inspector = token_for(&app, "thanhtra", "inspector", &[]);
    let docs = app.count_documents()?;

    let r = post_records(&app, None, COMMUNE_DOC).await;
    assert_eq!(r.status, 401, "{}", r.body);
    let r = post_records(&app, Some(&inspector), COMMUNE_DOC).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(app.count_documents()?, docs);

    // Outside the officer's units: 403 naming the line; nothing written.
    let r = post_records(
        &app,
        Some(&officer),
        &format!("{COMMUNE_DOC}\n{PROVINCE_DOC}"),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.json()["code"], "records_out_of_scope");
    assert_eq!(r.json()["errors"][0]["line"], 2);
    assert_eq!(app.count_documents()?, docs);

    // A bad line: 422 with its number; nothing written.
    let r = post_records(
        &app,
        Some(&officer),
        &format!("{COMMUNE_DOC}\nkhông phải JSON"),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["code"], "invalid_records");
    assert_eq!(r.json()["errors"][0]["line"], 2);
    assert_eq!(app.count_documents()?, docs);

    // In scope: written, audited under the officer's name, then found by search.
    let r = post_records(&app, Some(&officer), COMMUNE_DOC).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["created"], 1);
    assert_eq!(app.count_documents()?, docs + 1);
    let mut conn = app.pool.get()?;
    let log = vanban::audit::verify(&mut conn.db())?;
    assert!(log.broken.is_none());
    let (status, v) = app
        .get_json("/api/v1/search?q=gi%E1%BB%9D%20ti%E1%BA%BFp%20d%C3%A2n")
        .await;
    assert_eq!(status, 200);
    assert!(
        v["hits"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|h| h["number"] == "03/2022/QĐ-UBND"),
        "{v}"
    );

    // Over the size limit: 413, nothing written.
    let big = format!(
        "{COMMUNE_DOC}\n{}",
        " ".repeat(vanban::api::records::RECORDS_LIMIT)
    );
    let r = post_records(&app, Some(&officer), &big).await;
    assert_eq!(r.status, 413, "{}", r.body);
    Ok(())
});

// A class end ends documents of many authorities at once: an officer scoped to one unit may
// not write one, even naming a basis in scope; an administrator may.
db_test!(a_class_end_is_written_by_administrators_only, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let line = r#"{"kind":"class_end","basis":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"provision":"Điều 1","authority_kinds":["ubnd"],"levels":["xa"],"ceases_on":"2027-01-01"}"#;
    let audit = audit_len(&app);
    match write_records(&app.pool, &officer(&app), "api", line.as_bytes()) {
        Err(WriteError::Forbidden(lines)) => {
            assert_eq!(lines[0].line, 1);
            assert!(
                lines[0].message.contains("quản trị viên"),
                "{}",
                lines[0].message
            );
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    assert_eq!(audit_len(&app), audit, "nothing written");
    let admin = Writer {
        actor: "user:admin".into(),
        units: None,
        organisation: true,
        update: false,
        reason: None,
    };
    write_records(&app.pool, &admin, "api", line.as_bytes())?;
    assert!(audit_len(&app) > audit);
    Ok(())
});
