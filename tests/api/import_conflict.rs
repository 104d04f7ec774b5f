//! Import conflicts: a line differing from what the registry holds (an old file re-imported
//! after a correction) is never written silently. It is reported with the fields that differ —
//! line-numbered by the importer and `vanban import`, a 409 `import-conflict` problem from
//! `POST /api/v1/records` — and nothing of it is written, unless the import is asked to update.

use actix_web::test::TestRequest;

use crate::authkit::{audit_len, Client, Resp};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::review::{document_id, token};

const HOURS: &str = r#"{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"12/2021/QĐ-UBND","title":"Quy chế bộ phận một cửa huyện Đầm Dơi","issued_on":"2021-02-01","effective_on":"2021-02-10","text":"Điều 1. Phạm vi\nQuy chế này áp dụng cho bộ phận một cửa.\nĐiều 2. Thời gian làm việc\nTừ thứ Hai đến thứ Sáu."}"#;

/// The same document, its title and text corrected.
fn corrected() -> String {
    HOURS
        .replace(
            "Quy chế bộ phận một cửa huyện",
            "Quy chế làm việc của bộ phận một cửa huyện",
        )
        .replace("Từ thứ Hai đến thứ Sáu.", "Từ thứ Hai đến sáng thứ Bảy.")
}

const IMPLEMENTS: &str = r#"{"kind":"effect","acting":{"authority":"UBND-96","number":"20/2019/QĐ-UBND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"implements","effective_on":"2019-03-15"}"#;

fn title_of(app: &TestApp) -> String {
    let id = document_id(app, "UBND-970", "12/2021/QD-UBND");
    let mut conn = app.pool.get().unwrap();
    vanban::db::queries::document(&mut conn.db(), id)
        .unwrap()
        .unwrap()
        .title
}

async fn records(client: &Client, token: &str, path: &str, body: &str) -> Resp {
    client
        .send(
            TestRequest::post()
                .uri(path)
                .insert_header(("Authorization", format!("Bearer {token}")))
                .insert_header(("Content-Type", "application/x-ndjson"))
                .set_payload(body.to_string()),
        )
        .await
}

db_test!(a_differing_line_is_a_conflict_naming_its_fields, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let audit = audit_len(&app);
    let body = format!("{IMPLEMENTS}\n{}\n", corrected());
    let r = app.import_str("old.jsonl", &body)?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].line, 2);
    assert_eq!(
        r.errors[0].message,
        "xung đột với bản đang lưu: title, full_text"
    );
    assert_eq!(r.unchanged, 1);
    assert_eq!(title_of(&app), "Quy chế bộ phận một cửa huyện Đầm Dơi");
    assert_eq!(audit_len(&app), audit, "nothing written");
    // The same line again is unchanged: the stored record is the reference.
    assert!(app.import_str("same.jsonl", HOURS)?.errors.is_empty());
    Ok(())
});

db_test!(an_effect_whose_note_or_until_differs_is_a_conflict, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let noted = IMPLEMENTS.replace(
        r#""effective_on":"2019-03-15"}"#,
        r#""effective_on":"2019-03-15","note":"Hướng dẫn điều 2"}"#,
    );
    let r = app.import_str("old.jsonl", &noted)?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].message, "xung đột với bản đang lưu: note");
    Ok(())
});

db_test!(the_cli_names_conflicts_and_update_applies_them, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("sua.jsonl");
    std::fs::write(&file, format!("{IMPLEMENTS}\n{}\n", corrected()))?;
    let path = file.display().to_string();
    let out = app.cli(&["import", &path]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{path}:2: xung đột với bản đang lưu: title, full_text"
        )),
        "{err}"
    );
    assert_eq!(title_of(&app), "Quy chế bộ phận một cửa huyện Đầm Dơi");
    let out = app.cli(&["import", "--update", &path]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 updated"));
    assert_eq!(
        title_of(&app),
        "Quy chế làm việc của bộ phận một cửa huyện Đầm Dơi"
    );
    // The audit entry keeps both texts, so that the earlier version can be shown.
    let id = document_id(&app, "UBND-970", "12/2021/QD-UBND");
    let mut conn = app.pool.get()?;
    let log = vanban::audit::history(&mut conn.db(), "document", &id.to_string())?;
    let last = log.last().unwrap();
    assert_eq!(last.action, "update");
    let before: serde_json::Value = serde_json::from_str(last.before.as_deref().unwrap())?;
    assert!(before["text"].as_str().unwrap().contains("đến thứ Sáu"));
    Ok(())
});

db_test!(
    the_api_answers_409_with_lines_and_fields_unless_asked_to_update,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, admin) = token(&app, "quantri", "admin", &[]);
        let client = Client::new(&app).await;
        let audit = audit_len(&app);
        let body = format!("{IMPLEMENTS}\n{}\n", corrected());
        let r = records(&client, &admin, "/api/v1/records", &body).await;
        assert_eq!(r.status, 409, "{}", r.body);
        let p = r.json();
        assert_eq!(p["code"], "import-conflict");
        assert_eq!(p["errors"][0]["line"], 2);
        assert_eq!(
            p["errors"][0]["fields"],
            serde_json::json!(["title", "full_text"])
        );
        assert_eq!(audit_len(&app), audit, "nothing written");
        // A bad query value is a 400, not an update.
        let r = records(&client, &admin, "/api/v1/records?update=maybe", &body).await;
        assert_eq!(r.status, 400, "{}", r.body);
        let r = records(&client, &admin, "/api/v1/records?update=true", &body).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["updated"], 1);
        assert_eq!(
            title_of(&app),
            "Quy chế làm việc của bộ phận một cửa huyện Đầm Dơi"
        );
        Ok(())
    }
);

db_test!(
    an_officer_out_of_scope_is_refused_before_any_conflict,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, officer) = token(&app, "canbo", "officer", &["96"]);
        let client = Client::new(&app).await;
        let r = records(
            &client,
            &officer,
            "/api/v1/records?update=true",
            &corrected(),
        )
        .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(title_of(&app), "Quy chế bộ phận một cửa huyện Đầm Dơi");
        Ok(())
    }
);
