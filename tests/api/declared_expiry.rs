//! Declared expiries as registry records (issue 14, item 2): approving a decision declaring a
//! document expired writes the record the status reads; a correction ends it (kept, audited);
//! the upgrade step records decisions approved before; the interchange carries the kind.

use serde_json::json;

use crate::authkit::{audit_len, sql, Client};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::review::{approve, campaign, document_id, propose, token, DISTRICT_DOC};

async fn status(app: &TestApp, id: i64, date: &str) -> String {
    let (_, v) = app
        .get_json(&format!("/api/v1/documents/{id}/status?date={date}"))
        .await;
    v["status"]["code"].as_str().unwrap_or_default().to_string()
}

fn records(app: &TestApp) -> Vec<vanban::db::registry::DeclaredExpiryRow> {
    let mut conn = app.pool.get().unwrap();
    vanban::db::registry::all_declared_expiries(&mut conn.db()).unwrap()
}

fn history(app: &TestApp, id: i64) -> Vec<vanban::audit::Entry> {
    let mut conn = app.pool.get().unwrap();
    vanban::audit::history(&mut conn.db(), "declared_expiry", &id.to_string()).unwrap()
}

/// The fixture, a campaign, and an approved declared expiry of the one-stop rules from 1 July
/// 2025: (client, officer, approver, campaign, decision, document).
async fn declared(app: &TestApp) -> (Client, String, String, i64, i64, i64) {
    app.import_str("f.jsonl", FIXTURE).unwrap();
    app.import_str("d.jsonl", DISTRICT_DOC).unwrap();
    let (_, officer) = token(app, "canbo", "officer", &["32200"]);
    let (_, approver) = token(app, "pheduyet", "approver", &[]);
    let client = Client::new(app).await;
    let one_stop = document_id(app, "UBND-970", "12/2021/QD-UBND");
    let cid = campaign(&client, &officer).await;
    let d = propose(
        &client,
        &officer,
        cid,
        json!({
            "document_id": one_stop, "kind": "declare_expired", "ground": "subject_gone",
            "reason": "Bộ phận một cửa cấp huyện không còn", "effective_on": "2025-07-01"
        }),
    )
    .await;
    approve(&client, &approver, d).await;
    (client, officer, approver, cid, d, one_stop)
}

db_test!(
    an_approved_declared_expiry_is_a_registry_record_and_a_correction_ends_it,
    |app| {
        let (client, officer, approver, cid, d, one_stop) = declared(&app).await;
        let rows = records(&app);
        assert_eq!(rows.len(), 1, "{rows:?}");
        let first = rows[0].clone();
        assert_eq!((first.document_id, first.decision), (one_stop, d));
        assert_eq!(first.ended_at, None);
        let h = history(&app, first.id);
        assert_eq!(
            h.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            ["create"]
        );
        assert_eq!(h[0].actor, "user:pheduyet");
        assert_eq!(status(&app, one_stop, "2025-06-30").await, "con-hieu-luc");
        assert_eq!(
            status(&app, one_stop, "2025-07-01").await,
            "het-hieu-luc-toan-bo"
        );

        // The status follows the record, not the review: ending it directly restores the status.
        {
            let mut conn = app.pool.get()?;
            conn.write(|db| {
                vanban::registry::expiry::end(db, "test", d, one_stop, vanban::clock::now())
            })?;
        }
        assert_eq!(status(&app, one_stop, "2025-07-01").await, "con-hieu-luc");
        sql(
            &app,
            &format!(
                "UPDATE declared_expiries SET ended_at = NULL WHERE id = {}",
                first.id
            ),
        );

        // A correction moves the date: approving it ends the first record and writes its own.
        let correction = propose(
            &client,
            &officer,
            cid,
            json!({
                "document_id": one_stop, "kind": "declare_expired", "ground": "subject_gone",
                "reason": "Đính chính ngày", "effective_on": "2025-08-01", "supersedes_id": d
            }),
        )
        .await;
        approve(&client, &approver, correction).await;
        let rows = records(&app);
        assert_eq!(rows.len(), 2, "the first record is kept: {rows:?}");
        let old = rows.iter().find(|r| r.decision == d).unwrap();
        let new = rows.iter().find(|r| r.decision == correction).unwrap();
        assert!(old.ended_at.is_some(), "{old:?}");
        assert_eq!(new.ended_at, None);
        let actions: Vec<String> = history(&app, old.id)
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions.last().map(String::as_str),
            Some("end"),
            "{actions:?}"
        );
        assert_eq!(status(&app, one_stop, "2025-07-15").await, "con-hieu-luc");
        assert_eq!(
            status(&app, one_stop, "2025-08-01").await,
            "het-hieu-luc-toan-bo"
        );

        let mut conn = app.pool.get()?;
        assert!(vanban::audit::verify(&mut conn.db())?.broken.is_none());
        Ok(())
    }
);

db_test!(
    the_upgrade_records_declared_expiries_approved_before_it,
    |app| {
        let (_, _, _, _, d, one_stop) = declared(&app).await;
        // As the database was before the migration: the approved decision, no record.
        sql(&app, "DELETE FROM declared_expiries");
        assert_eq!(status(&app, one_stop, "2025-07-01").await, "con-hieu-luc");
        let before = audit_len(&app);

        assert_eq!(vanban::registry::upgrade::run(&app.pool)?, 1);
        let rows = records(&app);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].document_id, rows[0].decision), (one_stop, d));
        let h = history(&app, rows[0].id);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].actor, vanban::registry::upgrade::ACTOR);
        assert_eq!(audit_len(&app), before + 1);
        assert_eq!(
            status(&app, one_stop, "2025-07-01").await,
            "het-hieu-luc-toan-bo"
        );

        // Once is enough: running it again writes nothing.
        assert_eq!(vanban::registry::upgrade::run(&app.pool)?, 0);
        assert_eq!(audit_len(&app), before + 1);
        let mut conn = app.pool.get()?;
        assert!(vanban::audit::verify(&mut conn.db())?.broken.is_none());
        Ok(())
    }
);

db_test!(
    declared_expiries_round_trip_through_export_and_import,
    |app| {
        let (client, officer, approver, cid, d, one_stop) = declared(&app).await;
        let correction = propose(
            &client,
            &officer,
            cid,
            json!({
                "document_id": one_stop, "kind": "declare_expired", "ground": "subject_gone",
                "reason": "Đính chính ngày", "effective_on": "2025-08-01", "supersedes_id": d
            }),
        )
        .await;
        approve(&client, &approver, correction).await;
        let exported = app.export()?;
        let lines: Vec<&str> = exported
            .lines()
            .filter(|l| l.contains(r#""kind":"declared_expiry""#))
            .collect();
        assert_eq!(lines.len(), 2, "{exported}");
        assert!(lines.iter().any(|l| l.contains("ended_at")), "{lines:?}");

        // Into an empty database: the same records, the same export, the same statuses.
        let other = TestApp::sqlite()?;
        let r = other.import_str("export.jsonl", &exported)?;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(other.export()?, exported);
        let id = document_id(&other, "UBND-970", "12/2021/QD-UBND");
        assert_eq!(status(&other, id, "2025-07-15").await, "con-hieu-luc");
        assert_eq!(
            status(&other, id, "2025-08-01").await,
            "het-hieu-luc-toan-bo"
        );
        // And again into the first: nothing changes.
        let r = app.import_str("export.jsonl", &exported)?;
        assert_eq!((r.created, r.updated, r.errors.len()), (0, 0, 0), "{r:?}");
        Ok(())
    }
);

db_test!(
    a_bad_declared_expiry_line_is_refused_with_its_number,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        let good = r#"{"kind":"declared_expiry","document":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"effective_on":"2025-07-01","decision":3}"#;
        let body = format!(
            "{good}\n{}\n{}\n",
            r#"{"kind":"declared_expiry","document":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"provisions":["Điều 99"],"effective_on":"2025-07-01","decision":4}"#,
            r#"{"kind":"declared_expiry","document":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"effective_on":"2025-07-01"}"#,
        );
        // Through the API: all or nothing, each bad line named (a line that does not parse is
        // found before anything is looked up).
        let (_, admin) = token(&app, "quantri", "admin", &[]);
        let before = audit_len(&app);
        let client = Client::new(&app).await;
        let post = |body: String| {
            let client = &client;
            let admin = admin.clone();
            async move {
                let req = actix_web::test::TestRequest::post()
                    .uri("/api/v1/records")
                    .insert_header(("Authorization", format!("Bearer {admin}")))
                    .set_payload(body);
                client.send(req).await
            }
        };
        let r = post(body.clone()).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let errors = r.json()["errors"].clone();
        assert_eq!(errors[0]["line"], 3, "{errors}");
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("decision"),
            "{errors}"
        );
        let two: String = body.lines().take(2).map(|l| format!("{l}\n")).collect();
        let r = post(two).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let errors = r.json()["errors"].clone();
        assert_eq!(errors.as_array().map(Vec::len), Some(1), "{errors}");
        assert_eq!(errors[0]["line"], 2, "{errors}");
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("Điều 99"),
            "{errors}"
        );
        assert!(records(&app).is_empty());
        assert_eq!(audit_len(&app), before);
        // Through the import: the good line is written, the bad ones reported by number.
        let r = app.import_str("x.jsonl", &body)?;
        assert_eq!(
            r.errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            [2, 3],
            "{r:?}"
        );
        assert_eq!(records(&app).len(), 1);
        assert!(audit_len(&app) > before);
        Ok(())
    }
);
