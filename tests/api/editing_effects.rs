//! An effect edited from its acting document's page (`/effects/{id}/sua`: dates, `until`,
//! note, with a reason) or withdrawn as entered in error (`/effects/{id}/rut`), through the one
//! write path: the writer's units must cover both documents, the audit entry keeps the reason,
//! and the target's status follows.

use crate::authkit::{add_user, audit_len, session, Client};
use crate::db_test;
use crate::editing::{get, post};
use crate::helpers::{TestApp, FIXTURE};
use crate::review::document_id;

/// The effect `kind` made by `acting` (authority, number key).
fn effect_id(app: &TestApp, acting: (&str, &str), kind: &str) -> i64 {
    let id = document_id(app, acting.0, acting.1);
    let mut conn = app.pool.get().unwrap();
    vanban::db::queries::effects_by(&mut conn.db(), id)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == kind)
        .unwrap()
        .id
}

async fn status_on(app: &TestApp, doc: i64, date: &str) -> String {
    let (_, v) = app
        .get_json(&format!("/api/v1/documents/{doc}/status?date={date}"))
        .await;
    v["status"]["code"].as_str().unwrap_or_default().to_string()
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

db_test!(
    an_officer_edits_a_note_and_moves_a_date_with_a_reason,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let s = session(&app, add_user(&app, "canbo", "officer", &["96"]));
        let c = Client::new(&app).await;
        let acting = document_id(&app, "HDND-96", "05/2022/NQ-HDND");
        let old = document_id(&app, "HDND-96", "15/2018/NQ-HDND");
        // The acting document's page links to the effect's form.
        let page = get(&c, Some(&s.0), &format!("/documents/{acting}")).await;
        let page = get(&c, Some(&s.0), &page.header("location").unwrap()).await;
        let replace = effect_id(&app, ("HDND-96", "05/2022/NQ-HDND"), "replace");
        assert!(
            page.body
                .contains(&format!(r#"href="/effects/{replace}/sua""#)),
            "{}",
            page.body
        );
        let r = get(&c, Some(&s.0), &format!("/effects/{replace}/sua")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains(r#"value="2022-07-15""#));
        // No reason: beside its field, nothing written.
        let before = audit_len(&app);
        let path = format!("/effects/{replace}/sua");
        let r = post(
            &c,
            &s,
            &path,
            form(&[("effective_on", "2022-07-15"), ("note", "x")]),
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains(r#"id="f-reason-error""#));
        assert_eq!(audit_len(&app), before);
        // A note.
        let r = post(
            &c,
            &s,
            &path,
            form(&[
                ("effective_on", "2022-07-15"),
                ("note", "Thay thế toàn bộ"),
                ("reason", "Bổ sung ghi chú"),
            ]),
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("location"), Some(format!("/documents/{acting}")));
        let mut conn = app.pool.get()?;
        let log = vanban::audit::history(&mut conn.db(), "effect", &replace.to_string())?;
        assert!(log
            .last()
            .unwrap()
            .after
            .as_deref()
            .unwrap()
            .contains("Bổ sung ghi chú"));
        drop(conn);
        // The date moved: the old resolution ends later.
        assert_eq!(
            status_on(&app, old, "2022-12-01").await,
            "het-hieu-luc-toan-bo"
        );
        let r = post(
            &c,
            &s,
            &path,
            form(&[
                ("effective_on", "2023-01-01"),
                ("note", "Thay thế toàn bộ"),
                ("reason", "Sai ngày có hiệu lực"),
            ]),
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_ne!(
            status_on(&app, old, "2022-12-01").await,
            "het-hieu-luc-toan-bo"
        );
        assert_eq!(
            status_on(&app, old, "2023-06-01").await,
            "het-hieu-luc-toan-bo"
        );
        Ok(())
    }
);

db_test!(a_withdrawn_effect_no_longer_acts, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let s = session(&app, add_user(&app, "quantri", "admin", &[]));
    let c = Client::new(&app).await;
    let old = document_id(&app, "HDND-96", "15/2018/NQ-HDND");
    let replace = effect_id(&app, ("HDND-96", "05/2022/NQ-HDND"), "replace");
    let path = format!("/effects/{replace}/rut");
    let before = audit_len(&app);
    let r = post(&c, &s, &path, form(&[("reason", " ")])).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains(r#"id="f-withdraw_reason-error""#));
    assert_eq!(audit_len(&app), before);
    let r = post(
        &c,
        &s,
        &path,
        form(&[("reason", "Nhập nhầm văn bản bị thay thế")]),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_ne!(
        status_on(&app, old, "2024-01-01").await,
        "het-hieu-luc-toan-bo"
    );
    let mut conn = app.pool.get()?;
    let log = vanban::audit::history(&mut conn.db(), "effect", &replace.to_string())?;
    let last = log.last().unwrap();
    assert_eq!(last.action, "withdraw");
    assert!(last
        .after
        .as_deref()
        .unwrap()
        .contains("Nhập nhầm văn bản bị thay thế"));
    assert!(last.before.as_deref().unwrap().contains("replace"));
    drop(conn);
    let r = get(&c, Some(&s.0), &format!("/effects/{replace}/sua")).await;
    assert_eq!(r.status, 404, "{}", r.body);
    Ok(())
});

db_test!(effects_out_of_scope_are_refused, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let c = Client::new(&app).await;
    let replace = effect_id(&app, ("HDND-96", "05/2022/NQ-HDND"), "replace");
    let outside = session(&app, add_user(&app, "canbo.baclieu", "officer", &["95"]));
    let inspector = session(&app, add_user(&app, "thanhtra", "inspector", &[]));
    let before = audit_len(&app);
    let r = post(
        &c,
        &outside,
        &format!("/effects/{replace}/rut"),
        form(&[("reason", "Thử")]),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = post(
        &c,
        &outside,
        &format!("/effects/{replace}/sua"),
        form(&[
            ("effective_on", "2022-07-15"),
            ("note", "x"),
            ("reason", "Thử"),
        ]),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = get(&c, Some(&inspector.0), &format!("/effects/{replace}/sua")).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = get(&c, None, &format!("/effects/{replace}/sua")).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(audit_len(&app), before, "nothing written");
    Ok(())
});
