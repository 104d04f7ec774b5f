//! Control characters in what people type: refused in every name, title, number and code
//! (tab and line breaks only in long texts), with the field named — `file:line: reason` from
//! the import, a 422 problem naming field and line from the records API, a Vietnamese message
//! on pages — and nothing of the refused input written.

use serde_json::json;

use crate::authkit::{add_user, audit_len, count, Client};
use crate::db_test;
use crate::helpers::FIXTURE;
use crate::review::{call, token};

const GOOD_DOC: &str = r#"{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"03/2022/QĐ-UBND","title":"Quy định giờ tiếp dân","signer":"Nguyễn Văn A","issued_on":"2022-03-01","effective_on":"2022-03-15","text":"Điều 1. Giờ tiếp dân\n\tSáng thứ Hai hằng tuần.\r\nĐiều 2. Hiệu lực\nTừ ngày ký."}"#;

/// `GOOD_DOC` with another number and one field replaced.
fn doc_with(number: &str, key: &str, value: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(GOOD_DOC).unwrap();
    v["number"] = json!(number);
    v[key] = json!(value);
    v.to_string()
}

db_test!(
    the_import_names_each_control_character_by_line_and_field,
    |app| {
        let fixture_lines = FIXTURE.lines().count();
        let bad = [
            (doc_with("04/2022/QĐ-UBND", "title", "Quy định\u{0} giờ"), "«title» chứa ký tự điều khiển U+0000 (NUL) ở vị trí 9"),
            (doc_with("05/2022/QĐ-UBND\u{1b}[2J", "title", "Quy định"), "«number» chứa ký tự điều khiển U+001B (ESC)"),
            (doc_with("06/2022/QĐ-UBND", "signer", "Trần\tVăn B"), "«signer» chứa ký tự điều khiển U+0009 (tab)"),
            (doc_with("07/2022/QĐ-UBND", "text", "Điều 1. A\u{7}\nB"), "«text» chứa ký tự điều khiển U+0007 ở vị trí 10: trong văn bản chỉ cho phép tab và xuống dòng"),
            (
                r#"{"kind":"authority","code":"UBND-X","name":"Ủy ban\u0085 xã","type":"ubnd","unit":"970"}"#.to_string(),
                "«name» chứa ký tự điều khiển U+0085",
            ),
            (
                r#"{"kind":"procedure","code":"1.0001","name":"Đăng ký\u202e khai sinh","decision":{"authority":"UBND-96","number":"1/2025/QĐ-UBND"},"announcement":"new"}"#.to_string(),
                "«name» chứa ký tự điều khiển U+202E (đổi chiều chữ)",
            ),
            (
                r#"{"kind":"effect","acting":{"authority":"HDND-96","number":"05/2022/NQ-HĐND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"replace","effective_on":"2022-07-15","note":"x\u0000"}"#.to_string(),
                "«note» chứa ký tự điều khiển U+0000",
            ),
        ];
        let mut file = FIXTURE.trim_end().to_string();
        file.push('\n');
        file.push_str(GOOD_DOC);
        for (line, _) in &bad {
            file.push('\n');
            file.push_str(line);
        }
        let report = app.import_str("g.jsonl", &file)?;
        assert_eq!(report.errors.len(), bad.len(), "{:?}", report.errors);
        for (i, (_, message)) in bad.iter().enumerate() {
            let line = fixture_lines + 2 + i;
            let e = report.errors[i].to_string();
            assert!(
                e.starts_with(&format!("g.jsonl:{line}: {message}")),
                "line {line}: {e}"
            );
        }
        // Only the good lines were written: the fixture and the document whose text keeps its
        // tab and line breaks.
        assert_eq!(app.count_documents()?, 7);
        assert!(app
            .export()?
            .contains(r#"\n\tSáng thứ Hai hằng tuần.\r\nĐiều 2."#));
        assert_eq!(count(&app, "authorities"), 5);
        assert_eq!(count(&app, "procedures"), 0);
        assert_eq!(count(&app, "effects"), 3);

        // The command line reports the same, line-numbered, and exits with status 1.
        let path = app.dir.path().join("h.jsonl");
        std::fs::write(&path, format!("{}\n", bad[0].0))?;
        let out = app.cli(&["import", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("{}:1: {}", path.display(), bad[0].1)),
            "{stderr}"
        );
        assert_eq!(app.count_documents()?, 7);
        Ok(())
    }
);

db_test!(
    the_records_api_answers_422_naming_field_and_line_and_writes_nothing,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, admin) = token(&app, "quantri", "admin", &[]);
        let client = Client::new(&app).await;
        let (docs, audit) = (app.count_documents()?, audit_len(&app));
        let body = format!(
            "{GOOD_DOC}\n{}\n",
            doc_with("08/2022/QĐ-UBND", "signer", "Lê\u{0}Văn C")
        );
        let r = client
            .send(
                actix_web::test::TestRequest::post()
                    .uri("/api/v1/records")
                    .insert_header(("Authorization", format!("Bearer {admin}")))
                    .insert_header(("Content-Type", "application/x-ndjson"))
                    .set_payload(body),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(
            r.header("content-type").as_deref(),
            Some("application/problem+json")
        );
        let v = r.json();
        assert_eq!(v["code"], "invalid_records");
        assert_eq!(v["errors"][0]["line"], 2);
        let message = v["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("«signer» chứa ký tự điều khiển U+0000 (NUL) ở vị trí 3"),
            "{message}"
        );
        assert_eq!(
            app.count_documents()?,
            docs,
            "the good line is not written either"
        );
        assert_eq!(audit_len(&app), audit);
        Ok(())
    }
);

db_test!(campaign_names_with_control_characters_are_refused, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, officer) = token(&app, "canbo", "officer", &[]);
    let client = Client::new(&app).await;
    let audit = audit_len(&app);
    for (name, code) in [("Rà soát\u{0}2026", "U+0000"), ("Rà soát\n2026", "U+000A")] {
        let r = call(
            &client,
            "POST",
            "/api/v1/campaigns",
            &officer,
            Some(json!({"name": name, "kind": "ongoing", "deadline": "2030-12-31"})),
            None,
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["code"], "unprocessable");
        let detail = r.json()["detail"].as_str().unwrap_or_default().to_string();
        assert!(
            detail.contains(&format!(
                "«tên đợt rà soát (name)» chứa ký tự điều khiển {code}"
            )),
            "{detail}"
        );
    }
    assert_eq!(count(&app, "campaigns"), 0);
    assert_eq!(audit_len(&app), audit);
    Ok(())
});

db_test!(display_names_with_control_characters_are_refused, |app| {
    let _ = add_user(&app, "quantri", "admin", &[]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args([
            "user",
            "add",
            "canbo",
            "--role",
            "officer",
            "--name",
            "Cán\u{1b}bộ",
            "--password-stdin",
        ])
        .env("VANBAN_DATABASE_URL", &app.url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            if let Some(mut s) = c.stdin.take() {
                s.write_all(b"mot-mat-khau-rat-dai-2026\n")?;
            }
            c.wait_with_output()
        })?;
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Họ tên hiển thị không hợp lệ"), "{err}");
    assert_eq!(count(&app, "users"), 1);
    Ok(())
});

db_test!(
    review_decisions_and_stages_refuse_control_characters,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
        let client = Client::new(&app).await;
        let cid = crate::review::campaign_of(&client, &officer, 1).await;
        let doc = crate::review::document_id(&app, "UBND-970", "12/2021/QD-UBND");
        let (decisions, audit) = (count(&app, "decisions"), audit_len(&app));
        for (body, needle) in [
            (
                json!({"document_id": doc, "kind": "keep", "reason": "Còn phù hợp\u{0}"}),
                "«lý do (reason)» chứa ký tự điều khiển U+0000 (NUL) ở vị trí 12",
            ),
            (
                json!({"document_id": doc, "kind": "repeal", "partial": true, "provisions": ["Điều 1\u{7}"], "reason": "Trái luật"}),
                "«điều khoản (provisions)» chứa ký tự điều khiển U+0007",
            ),
        ] {
            let r = call(
                &client,
                "POST",
                &format!("/api/v1/campaigns/{cid}/decisions"),
                &officer,
                Some(body),
                None,
            )
            .await;
            assert_eq!(r.status, 422, "{}", r.body);
            let detail = r.json()["detail"].as_str().unwrap_or_default().to_string();
            assert!(detail.contains(needle), "{detail}");
        }
        // A reason keeps its line breaks.
        let id = crate::review::propose(
            &client,
            &officer,
            cid,
            json!({"document_id": doc, "kind": "keep", "reason": "Còn phù hợp.\nKhông trái luật."}),
        )
        .await;
        assert_eq!(count(&app, "decisions"), decisions + 1);
        assert_eq!(audit_len(&app), audit + 1);
        // A stage's paper is one line.
        let r = call(
        &client,
        "POST",
        &format!("/api/v1/decisions/{id}/stages"),
        &officer,
        Some(json!({"stage": "consultation", "date": "2025-08-01", "paper": "Công văn\u{0} số 1"})),
        None,
    )
    .await;
        assert_eq!(r.status, 422, "{}", r.body);
        let detail = r.json()["detail"].as_str().unwrap_or_default().to_string();
        assert!(
            detail.contains("«văn bản giấy tờ (paper)» chứa ký tự điều khiển U+0000"),
            "{detail}"
        );
        assert_eq!(count(&app, "decision_stages"), 0);
        assert_eq!(audit_len(&app), audit + 1);
        Ok(())
    }
);
