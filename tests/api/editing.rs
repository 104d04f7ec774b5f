//! Editing and correcting a published document in the browser (`/documents/{id}/sua`): officers
//! within their units and administrators, a required reason, optionally the correcting document
//! chosen by its number; one write path (audit with before, after and reason); the document page
//! names the correction; earlier versions are public (`/documents/{id}/phien-ban`). Bad input
//! comes back beside its field with nothing written.

use actix_web::test::TestRequest;

use crate::authkit::{add_user, audit_len, cookie, session, Client, Resp};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::review::document_id;

/// The correcting decision of the district (đính chính).
const CORRECTING: &str = r#"{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"45/2021/QĐ-UBND","title":"Đính chính Quyết định 12/2021/QĐ-UBND","issued_on":"2021-03-01","effective_on":"2021-03-01","text":"Điều 1. Đính chính\nĐính chính trích yếu."}"#;

pub fn hours(app: &TestApp) -> i64 {
    document_id(app, "UBND-970", "12/2021/QD-UBND")
}

pub fn stored(app: &TestApp, id: i64) -> vanban::db::models::Document {
    let mut conn = app.pool.get().unwrap();
    vanban::db::queries::document(&mut conn.db(), id)
        .unwrap()
        .unwrap()
}

/// The form as the page sends it: the stored values, then `changes`.
pub fn form(d: &vanban::db::models::Document, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![
        ("doc_type".into(), d.doc_type.clone()),
        ("title".into(), d.title.clone()),
        ("fields".into(), String::new()),
        ("signer".into(), d.signer.clone()),
        ("signer_position".into(), d.signer_position.clone()),
        ("place".into(), d.place.clone().unwrap_or_default()),
        (
            "signing_capacity".into(),
            d.signing_capacity.clone().unwrap_or_default(),
        ),
        (
            "signing_for".into(),
            d.signing_for.clone().unwrap_or_default(),
        ),
        ("effective_on".into(), d.effective_on.to_string()),
        ("end_on".into(), String::new()),
        ("gazette".into(), String::new()),
        ("text".into(), d.full_text.clone()),
        ("reason".into(), String::new()),
        ("correcting_number".into(), String::new()),
    ];
    for (k, v) in changes {
        if let Some(x) = f.iter_mut().find(|(name, _)| name == k) {
            x.1 = v.to_string();
        }
    }
    f
}

pub async fn post(
    c: &Client,
    (secret, csrf): &(String, String),
    path: &str,
    fields: Vec<(String, String)>,
) -> Resp {
    let mut f = vec![("csrf_token".to_string(), csrf.clone())];
    f.extend(fields);
    c.send(
        TestRequest::post()
            .uri(path)
            .insert_header(cookie(secret))
            .set_form(f),
    )
    .await
}

pub async fn get(c: &Client, secret: Option<&str>, path: &str) -> Resp {
    let mut r = TestRequest::get().uri(path);
    if let Some(s) = secret {
        r = r.insert_header(cookie(s));
    }
    c.send(r).await
}

db_test!(
    an_officer_corrects_a_title_naming_the_correcting_document,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("c.jsonl", CORRECTING)?;
        let officer = add_user(&app, "canbo", "officer", &["32200"]);
        let s = session(&app, officer);
        let c = Client::new(&app).await;
        let id = hours(&app);
        let r = get(&c, Some(&s.0), &format!("/documents/{id}/sua")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("Quy chế bộ phận một cửa huyện Đầm Dơi"));
        assert!(r.body.contains(r#"<label for="e-reason">"#));
        let d = stored(&app, id);
        let text = d
            .full_text
            .replace("Từ thứ Hai đến thứ Sáu.", "Từ thứ Hai đến sáng thứ Bảy.");
        let r = post(
            &c,
            &s,
            &format!("/documents/{id}/sua"),
            form(
                &d,
                &[
                    (
                        "title",
                        "Quy chế làm việc của bộ phận một cửa huyện Đầm Dơi",
                    ),
                    ("text", &text),
                    ("reason", "Sai trích yếu và giờ làm việc so với bản gốc"),
                    ("correcting_number", "45/2021/QĐ-UBND"),
                ],
            ),
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("location"), Some(format!("/documents/{id}")));
        let after = stored(&app, id);
        assert_eq!(
            after.title,
            "Quy chế làm việc của bộ phận một cửa huyện Đầm Dơi"
        );
        assert!(after.full_text.contains("sáng thứ Bảy"));
        // The audit entry keeps before, after and the reason, under the officer's name.
        let mut conn = app.pool.get()?;
        let log = vanban::audit::history(&mut conn.db(), "document", &id.to_string())?;
        let last = log.iter().rev().find(|e| e.action == "update").unwrap();
        assert_eq!(last.actor, "user:canbo");
        let a: serde_json::Value = serde_json::from_str(last.after.as_deref().unwrap())?;
        assert_eq!(a["reason"], "Sai trích yếu và giờ làm việc so với bản gốc");
        let b: serde_json::Value = serde_json::from_str(last.before.as_deref().unwrap())?;
        assert_eq!(b["title"], "Quy chế bộ phận một cửa huyện Đầm Dơi");
        assert!(vanban::audit::verify(&mut conn.db())?.broken.is_none());
        drop(conn);
        // The page names the correction with a link; the versions are public.
        let correcting = document_id(&app, "UBND-970", "45/2021/QD-UBND");
        let page = get(&c, None, &format!("/documents/{id}")).await;
        let eli = page.header("location").unwrap();
        let page = get(&c, None, &eli).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Đã đính chính theo"), "{}", page.body);
        assert!(page.body.contains(&format!(
            r#"<a href="/documents/{correcting}">45/2021/QĐ-UBND</a>"#
        )));
        let v = get(&c, None, &format!("/documents/{id}/phien-ban")).await;
        assert_eq!(v.status, 200, "{}", v.body);
        assert!(v.body.contains("Phiên bản 2 (hiện hành)"));
        assert!(v
            .body
            .contains("Sai trích yếu và giờ làm việc so với bản gốc"));
        assert!(
            v.body.contains("Quy chế bộ phận một cửa huyện Đầm Dơi"),
            "earlier title shown"
        );
        assert!(v.body.contains("Điều 2"), "the changed article is named");
        assert!(
            v.body.contains("đến thứ Sáu"),
            "the earlier wording is shown"
        );
        Ok(())
    }
);

db_test!(
    bad_input_comes_back_beside_its_field_and_nothing_is_written,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let admin = add_user(&app, "quantri", "admin", &[]);
        let s = session(&app, admin);
        let c = Client::new(&app).await;
        let id = hours(&app);
        let d = stored(&app, id);
        let before = audit_len(&app);
        let path = format!("/documents/{id}/sua");
        // No reason.
        let r = post(&c, &s, &path, form(&d, &[("title", "Tiêu đề mới")])).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains(r#"id="e-reason-error""#), "{}", r.body);
        assert!(r.body.contains(r#"aria-describedby="e-reason-error""#));
        assert!(r.body.contains("Tiêu đề mới"), "what was typed is kept");
        // A correcting document the registry does not hold.
        let r = post(
            &c,
            &s,
            &path,
            form(
                &d,
                &[
                    ("title", "Tiêu đề mới"),
                    ("reason", "Sửa lỗi"),
                    ("correcting_number", "99/2021/QĐ-UBND"),
                ],
            ),
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains(r#"id="e-correcting_number-error""#));
        assert!(r.body.contains("Không có văn bản số 99/2021/QĐ-UBND"));
        // A bad date, an empty title.
        let r = post(
            &c,
            &s,
            &path,
            form(
                &d,
                &[
                    ("title", " "),
                    ("effective_on", "31/02/2021"),
                    ("reason", "x"),
                ],
            ),
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains(r#"id="e-title-error""#));
        assert!(r.body.contains(r#"id="e-effective_on-error""#));
        // Nothing changed: refused as such.
        let r = post(&c, &s, &path, form(&d, &[("reason", "Kiểm tra")])).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Không có thay đổi nào"));
        // Removing an article another document's effect names is refused by the registry's rule.
        let nq = document_id(&app, "HDND-96", "15/2018/NQ-HDND");
        let d15 = stored(&app, nq);
        let cut = d15.full_text.split("Điều 2.").next().unwrap().to_string();
        let r = post(
            &c,
            &s,
            &format!("/documents/{nq}/sua"),
            form(&d15, &[("text", &cut), ("reason", "Bỏ điều")]),
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("khoản 1 Điều 2") || r.body.contains("Khoản 1 Điều 2"),
            "{}",
            r.body
        );
        assert_eq!(audit_len(&app), before, "nothing written");
        assert_eq!(stored(&app, id).title, d.title);
        Ok(())
    }
);

db_test!(editing_is_refused_out_of_scope_and_to_other_roles, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let outside = add_user(&app, "canbo.baclieu", "officer", &["95"]);
    let inspector = add_user(&app, "thanhtra", "inspector", &[]);
    let c = Client::new(&app).await;
    let id = hours(&app);
    let d = stored(&app, id);
    let before = audit_len(&app);
    let path = format!("/documents/{id}/sua");
    for who in [outside, inspector] {
        let s = session(&app, who);
        let r = get(&c, Some(&s.0), &path).await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(r.body.contains("Không có quyền"));
        let r = post(
            &c,
            &s,
            &path,
            form(&d, &[("title", "Chiếm quyền"), ("reason", "Thử")]),
        )
        .await;
        assert_eq!(r.status, 403, "{}", r.body);
    }
    // Anonymous: to the login form.
    let r = get(&c, None, &path).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.header("location").unwrap().starts_with("/login"));
    assert_eq!(audit_len(&app), before);
    assert_eq!(stored(&app, id).title, d.title);
    Ok(())
});
