//! The originals of documents: a DOCX and a PDF uploaded through the API, listed, downloaded
//! under the document's ELI address with identical bytes and the right headers, audited by
//! hash; every bad file refused with its code and nothing stored; who may upload and
//! withdraw; a withdrawn file answering 410; `backup --verify` catching a changed byte.

use actix_web::test::TestRequest;
use diesel::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use vanban::originals::{samples, MAX_FILE_BYTES};

use crate::authkit::{add_user, audit_len, cookie, count, session, Client, Part, Resp, BOUNDARY};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::procedure_forms::post_withdrawal;
use crate::review::token;

const NQ15: &str = "15/2018/NQ-HĐND";

fn doc_id(app: &TestApp, number: &str) -> i64 {
    use vanban::db::schema::documents;
    let mut conn = app.pool.get().unwrap();
    vanban::with_db!(&mut conn.db(), c => documents::table
        .filter(documents::number.eq(number))
        .select(documents::id)
        .first::<i64>(c))
    .unwrap()
}

/// A multipart body: the short fields, then the file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut parts: Vec<Part<'_>> = fields.iter().map(|(k, v)| Part::Field(k, v)).collect();
    parts.extend(file.map(|(name, bytes)| Part::File(name, bytes)));
    crate::authkit::multipart(&parts)
}

async fn upload(
    client: &Client,
    bearer: Option<&str>,
    id: i64,
    role: Option<&str>,
    name: &str,
    bytes: &[u8],
) -> Resp {
    let fields: Vec<(&str, &str)> = role.map(|r| ("role", r)).into_iter().collect();
    let mut req = TestRequest::post()
        .uri(&format!("/api/v1/documents/{id}/files"))
        .insert_header((
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ))
        .set_payload(multipart(&fields, Some((name, bytes))));
    if let Some(t) = bearer {
        req = req.insert_header(("Authorization", format!("Bearer {t}")));
    }
    client.send(req).await
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn docx() -> Vec<u8> {
    samples::docx("HỘI ĐỒNG NHÂN DÂN\nTỈNH CÀ MAU\nNGHỊ QUYẾT\nĐiều 1. Phạm vi điều chỉnh").unwrap()
}

db_test!(
    a_pdf_and_a_docx_are_stored_listed_and_downloaded_as_sent,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, officer) = token(&app, "canbo", "officer", &["96"]);
        let client = Client::new(&app).await;
        let id = doc_id(&app, NQ15);
        // More than one part of storage (1 MiB each).
        let pdf = samples::pdf("Nghi quyet 15/2018", false, 2_500_000);
        let word = docx();

        let r = upload(
            &client,
            Some(&officer),
            id,
            Some("signed"),
            "Nghị quyết 15 (bản ký).pdf",
            &pdf,
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let signed = r.json();
        assert_eq!(signed["sha256"], sha(&pdf));
        assert_eq!(signed["role"], "signed");
        assert_eq!(signed["role_label"], "Bản ký (PDF)");
        assert_eq!(signed["size"], pdf.len());
        assert_eq!(signed["name"], "Nghị quyết 15 (bản ký).pdf");
        let href = signed["href"].as_str().unwrap().to_string();
        assert!(
            href.starts_with("/eli/vn/hdnd-96/nghi-quyet/2018/15/tep/")
                && href.contains(&sha(&pdf)[..12]),
            "{href}"
        );
        assert_eq!(r.header("location").as_deref(), Some(href.as_str()));

        // A DOCX sent without a role is the Word file; its name says what it is.
        let r = upload(&client, Some(&officer), id, None, "du-thao.doc", &word).await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["role"], "word");
        assert_eq!(r.json()["name"], "du-thao.docx");
        let word_href = r.json()["href"].as_str().unwrap().to_string();

        // The same bytes again: stored once.
        let before = audit_len(&app);
        let r = upload(&client, Some(&officer), id, Some("annex"), "lai.pdf", &pdf).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["id"], signed["id"]);
        assert_eq!(count(&app, "document_files"), 2);
        assert_eq!(audit_len(&app), before);

        let r = client
            .send(TestRequest::get().uri(&format!("/api/v1/documents/{id}/files")))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let files = r.json()["files"].as_array().unwrap().clone();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0]["sha256"], sha(&pdf));
        assert_eq!(files[1]["sha256"], sha(&word));

        // Downloaded: the same bytes, with their type, name, length, hash and no sniffing.
        let r = client.send(TestRequest::get().uri(&href)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.bytes, pdf);
        assert_eq!(sha(&r.bytes), sha(&pdf));
        assert_eq!(r.header("content-type").as_deref(), Some("application/pdf"));
        assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("attachment; filename=\"Nghi quyet 15 (ban ky).pdf\"; filename*=UTF-8''Ngh%E1%BB%8B%20quy%E1%BA%BFt%2015%20%28b%E1%BA%A3n%20k%C3%BD%29.pdf")
    );
        // Sized bodies get their Content-Length from the server as it writes them.
        if let Some(len) = r.header("content-length") {
            assert_eq!(len, pdf.len().to_string());
        }
        assert_eq!(r.header("etag"), Some(format!("\"{}\"", sha(&pdf))));
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert!(r.header("cache-control").is_some());
        let r = client
            .send(
                TestRequest::get()
                    .uri(&href)
                    .insert_header(("If-None-Match", format!("\"{}\"", sha(&pdf)))),
            )
            .await;
        assert_eq!(r.status, 304);
        let r = client.send(TestRequest::get().uri(&word_href)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.bytes, word);
        assert_eq!(
            r.header("content-type").as_deref(),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );

        // The audit entry names the hash.
        let mut conn = app.pool.get()?;
        let entries =
            vanban::audit::history(&mut conn.db(), "document_file", &signed["id"].to_string())?;
        assert_eq!(entries.len(), 1);
        assert!(entries[0].after.as_deref().unwrap().contains(&sha(&pdf)));
        assert_eq!(entries[0].actor, "user:canbo");
        drop(conn);

        // The document page lists them: role, name, size in Vietnamese units, the whole hash.
        let (status, _, page) = app.get("/eli/vn/hdnd-96/nghi-quyet/2018/15").await;
        assert_eq!(status, 200);
        assert!(page.contains("Tệp gốc"), "{page}");
        assert!(page.contains("Bản ký (PDF)") && page.contains("Bản Word"));
        assert!(page.contains(&format!(
            "<code class=\"mono file-hash-full\">{}</code>",
            sha(&pdf)
        )));
        assert!(
            page.contains(&href.replace('&', "&amp;")) || page.contains(&href),
            "{href}"
        );
        assert!(page.contains(",") && page.contains(" MB"), "{page}");
        Ok(())
    }
);

db_test!(a_file_address_needs_its_hash_prefix_and_its_name, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, officer) = token(&app, "canbo", "officer", &["96"]);
    let client = Client::new(&app).await;
    let id = doc_id(&app, NQ15);
    let pdf = samples::pdf("x", false, 0);
    let r = upload(&client, Some(&officer), id, None, "qd.pdf", &pdf).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let p = &sha(&pdf)[..12];
    let base = "/eli/vn/hdnd-96/nghi-quyet/2018/15/tep";
    assert_eq!(
        client
            .send(TestRequest::get().uri(&format!("{base}/{p}/qd.pdf")))
            .await
            .status,
        200
    );
    for wrong in [
        format!("{base}/000000000000/qd.pdf"),
        format!("{base}/{p}/khac.pdf"),
        format!("{base}/{}/qd.pdf", &sha(&pdf)[..11]),
        format!("{base}/{}/qd.pdf", p.to_uppercase()),
        format!("{base}/{p}"),
        // Another document's address.
        format!("/eli/vn/ubnd-96/quyet-dinh/2019/20/tep/{p}/qd.pdf"),
    ] {
        let r = client.send(TestRequest::get().uri(&wrong)).await;
        assert_eq!(r.status, 404, "{wrong}: {}", r.body);
        assert!(r.body.contains("Không"), "{wrong}: {}", r.body);
    }
    Ok(())
});

db_test!(
    every_bad_file_is_refused_with_its_code_and_nothing_is_stored,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, officer) = token(&app, "canbo", "officer", &["96"]);
        let client = Client::new(&app).await;
        let id = doc_id(&app, NQ15);
        let before = audit_len(&app);
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend_from_slice(&[0u8; 1024]);
        let word = docx();
        let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
            (
                "lon.pdf",
                vec![b'%'; MAX_FILE_BYTES + 1],
                413,
                "file-too-large",
            ),
            ("x.docx", ole, 415, "file-type"),
            (
                "x.pdf",
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec(),
                415,
                "file-type",
            ),
            ("x.pdf", samples::pdf("x", true, 0), 422, "file-encrypted"),
            (
                "x.docx",
                word[..word.len() - 30].to_vec(),
                422,
                "file-corrupt",
            ),
            (
                "bom.docx",
                samples::docx_bomb(40 << 20).unwrap(),
                422,
                "file-over-bounds",
            ),
            ("rong.pdf", Vec::new(), 400, "file-empty"),
        ];
        for (name, bytes, status, code) in cases {
            let r = upload(&client, Some(&officer), id, None, name, &bytes).await;
            assert_eq!(
                (r.status, r.json()["code"].as_str().unwrap_or("")),
                (status, code),
                "{name}: {}",
                r.body
            );
            assert_eq!(
                r.header("content-type").as_deref(),
                Some("application/problem+json")
            );
            if code == "file-type" && name == "x.docx" {
                assert!(
                    r.json()["detail"]
                        .as_str()
                        .unwrap()
                        .contains("DOCX hoặc PDF"),
                    "{}",
                    r.body
                );
            }
        }
        // A body past the route's bound is refused before it is read.
        let r = client
            .send(
                TestRequest::post()
                    .uri(&format!("/api/v1/documents/{id}/files"))
                    .insert_header(("Authorization", format!("Bearer {officer}")))
                    .insert_header((
                        "Content-Type",
                        format!("multipart/form-data; boundary={BOUNDARY}"),
                    ))
                    .set_payload(multipart(
                        &[],
                        Some(("x.pdf", &vec![b'%'; MAX_FILE_BYTES + 128 * 1024])),
                    )),
            )
            .await;
        assert_eq!(r.status, 413, "{}", r.body);
        // No file, a role not in the list.
        let r = client
            .send(
                TestRequest::post()
                    .uri(&format!("/api/v1/documents/{id}/files"))
                    .insert_header(("Authorization", format!("Bearer {officer}")))
                    .insert_header((
                        "Content-Type",
                        format!("multipart/form-data; boundary={BOUNDARY}"),
                    ))
                    .set_payload(multipart(&[("role", "signed")], None)),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["code"].clone()),
            (400, json!("file-missing")),
            "{}",
            r.body
        );
        let r = upload(
            &client,
            Some(&officer),
            id,
            Some("ban-nhap"),
            "x.pdf",
            &samples::pdf("x", false, 0),
        )
        .await;
        assert_eq!(
            (r.status, r.json()["code"].clone()),
            (400, json!("file-role")),
            "{}",
            r.body
        );
        // A document that does not exist.
        let r = upload(
            &client,
            Some(&officer),
            999_999,
            None,
            "x.pdf",
            &samples::pdf("x", false, 0),
        )
        .await;
        assert!(r.status == 404 || r.status == 403, "{}", r.body);
        assert_eq!(count(&app, "document_files"), 0);
        assert_eq!(audit_len(&app), before);
        Ok(())
    }
);

db_test!(only_officers_within_the_documents_units_upload, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, elsewhere) = token(&app, "baclieu", "officer", &["95"]);
    let (_, inspector) = token(&app, "thanhtra", "inspector", &["96"]);
    let (_, admin) = token(&app, "quantri", "admin", &[]);
    let client = Client::new(&app).await;
    let id = doc_id(&app, NQ15);
    let pdf = samples::pdf("x", false, 0);
    let user = add_user(&app, "canbo2", "officer", &["96"]);
    let (secret, _) = session(&app, user);
    let before = audit_len(&app);
    let r = upload(&client, None, id, None, "x.pdf", &pdf).await;
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (401, json!("unauthenticated")),
        "{}",
        r.body
    );
    let r = upload(&client, Some(&elsewhere), id, None, "x.pdf", &pdf).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = upload(&client, Some(&inspector), id, None, "x.pdf", &pdf).await;
    assert_eq!(r.status, 403, "{}", r.body);
    // A session without the CSRF token is refused too.
    let r = client
        .send(
            TestRequest::post()
                .uri(&format!("/api/v1/documents/{id}/files"))
                .insert_header(cookie(&secret))
                .insert_header((
                    "Content-Type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                ))
                .set_payload(multipart(&[], Some(("x.pdf", &pdf)))),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(count(&app, "document_files"), 0);
    assert_eq!(audit_len(&app), before);
    let r = upload(&client, Some(&admin), id, None, "x.pdf", &pdf).await;
    assert_eq!(r.status, 201, "{}", r.body);
    Ok(())
});

db_test!(a_withdrawn_file_answers_410_with_its_reason, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, officer) = token(&app, "canbo", "officer", &["96"]);
    let (_, admin) = token(&app, "quantri", "admin", &[]);
    let client = Client::new(&app).await;
    let id = doc_id(&app, NQ15);
    let pdf = samples::pdf("nham", false, 0);
    let r = upload(&client, Some(&officer), id, None, "nham.pdf", &pdf).await;
    let file = r.json()["id"].as_i64().unwrap();
    let href = r.json()["href"].as_str().unwrap().to_string();
    let withdraw = |bearer: String, body: serde_json::Value| {
        TestRequest::post()
            .uri(&format!("/api/v1/documents/{id}/files/{file}/withdraw"))
            .insert_header(("Authorization", format!("Bearer {bearer}")))
            .set_json(body)
    };
    let r = client
        .send(withdraw(officer.clone(), json!({"reason": "nhầm"})))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = client
        .send(withdraw(admin.clone(), json!({"reason": "  "})))
        .await;
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (422, json!("withdraw-reason")),
        "{}",
        r.body
    );
    let r = client
        .send(
            TestRequest::post()
                .uri(&format!(
                    "/api/v1/documents/{}/files/{file}/withdraw",
                    doc_id(&app, "20/2019/QĐ-UBND")
                ))
                .insert_header(("Authorization", format!("Bearer {admin}")))
                .set_json(json!({"reason": "nhầm"})),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = client
        .send(withdraw(
            admin.clone(),
            json!({"reason": "Tải nhầm tệp của văn bản khác"}),
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["withdrawn"]["reason"],
        "Tải nhầm tệp của văn bản khác"
    );
    let r = client
        .send(withdraw(admin.clone(), json!({"reason": "lần nữa"})))
        .await;
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (409, json!("file-withdrawn")),
        "{}",
        r.body
    );

    let r = client.send(TestRequest::get().uri(&href)).await;
    assert_eq!(r.status, 410, "{}", r.body);
    assert!(
        r.body.contains("Tải nhầm tệp của văn bản khác"),
        "{}",
        r.body
    );
    assert_ne!(r.bytes, pdf);
    let mut conn = app.pool.get()?;
    let entries = vanban::audit::history(&mut conn.db(), "document_file", &file.to_string())?;
    assert_eq!(entries.last().map(|e| e.action.as_str()), Some("withdraw"));
    assert!(entries
        .last()
        .unwrap()
        .after
        .as_deref()
        .unwrap()
        .contains(&sha(&pdf)));
    drop(conn);
    let (_, _, page) = app.get("/eli/vn/hdnd-96/nghi-quyet/2018/15").await;
    assert!(
        page.contains("Đã thu hồi") && page.contains("Tải nhầm tệp"),
        "{page}"
    );
    assert!(!page.contains(&format!("href=\"{href}\"")), "{page}");
    Ok(())
});

db_test!(
    an_administrator_withdraws_a_file_through_the_page_form,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, officer) = token(&app, "canbo", "officer", &["96"]);
        let admin = add_user(&app, "quantri", "admin", &[]);
        let (secret, csrf) = session(&app, admin);
        let client = Client::new(&app).await;
        let id = doc_id(&app, NQ15);
        let r = upload(
            &client,
            Some(&officer),
            id,
            None,
            "nham.pdf",
            &samples::pdf("x", false, 0),
        )
        .await;
        let file = r.json()["id"].as_i64().unwrap();
        let page = format!("/admin/files/{file}/withdraw");

        let r = client
            .send(TestRequest::get().uri(&page).insert_header(cookie(&secret)))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("<label for=\"reason\">"), "{}", r.body);
        let r = post_withdrawal(&client, &secret, &csrf, &page, "").await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(
            r.body
                .contains("aria-describedby=\"reason-hint reason-error\""),
            "{}",
            r.body
        );
        assert!(r.body.contains("id=\"reason-error\""), "{}", r.body);
        let r = post_withdrawal(&client, &secret, &csrf, &page, "Nhập nhầm").await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r.header("location").unwrap().ends_with("#tep-goc"));
        let r = client
            .send(TestRequest::get().uri(&format!("/api/v1/documents/{id}/files")))
            .await;
        assert_eq!(r.json()["files"][0]["withdrawn"]["reason"], "Nhập nhầm");
        Ok(())
    }
);

/// What a test does to the stored bytes of a backup.
#[derive(Clone, Copy)]
pub(crate) enum Damage {
    /// One byte of the first part of every file changed.
    Flip,
    /// The first part of every file gone.
    Drop,
}

/// Damages the first part of every file in `parts` (`document_file_parts`,
/// `procedure_form_parts`) of the database at `url`.
pub(crate) fn damage_parts(url: &str, parts: &str, how: Damage) {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        file_id: i64,
        #[diesel(sql_type = diesel::sql_types::Binary)]
        bytes: Vec<u8>,
    }
    let (mut lite, mut pg);
    let mut db = if let Some(path) = url.strip_prefix("sqlite://") {
        lite = diesel::sqlite::SqliteConnection::establish(path).unwrap();
        vanban::db::Db::Sqlite(&mut lite)
    } else {
        pg = diesel::pg::PgConnection::establish(url).unwrap();
        vanban::db::Db::Pg(&mut pg)
    };
    if let Damage::Drop = how {
        let q = format!("DELETE FROM {parts} WHERE seq = 0");
        vanban::with_db!(&mut db, c => diesel::sql_query(&q).execute(c)).unwrap();
        return;
    }
    let q = format!("SELECT file_id, bytes FROM {parts} WHERE seq = 0");
    let rows: Vec<Row> = vanban::with_db!(&mut db, c => diesel::sql_query(&q).load(c)).unwrap();
    let update = if url.starts_with("sqlite") {
        format!("UPDATE {parts} SET bytes = ? WHERE file_id = ? AND seq = 0")
    } else {
        format!("UPDATE {parts} SET bytes = $1 WHERE file_id = $2 AND seq = 0")
    };
    for mut r in rows {
        r.bytes[20] ^= 0x01;
        vanban::with_db!(&mut db, c => diesel::sql_query(&update)
        .bind::<diesel::sql_types::Binary, _>(&r.bytes)
        .bind::<diesel::sql_types::BigInt, _>(r.file_id)
        .execute(c))
        .unwrap();
    }
}

/// A backup of `app` damaged by `how` in `parts`: on SQLite the copy itself; a PostgreSQL dump
/// is compressed, so the database it is taken of is damaged first.
pub(crate) fn damaged_backup(
    app: &TestApp,
    good: &std::path::Path,
    name: &str,
    parts: &str,
    how: Damage,
) -> std::path::PathBuf {
    let bad = app.dir.path().join(name);
    if app.url.starts_with("sqlite") {
        std::fs::copy(good, &bad).unwrap();
        damage_parts(&format!("sqlite://{}", bad.display()), parts, how);
    } else {
        damage_parts(&app.url, parts, how);
        let out = app.cli(&["backup", bad.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    bad
}

db_test!(backup_verify_recomputes_every_files_hash, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, officer) = token(&app, "canbo", "officer", &["96"]);
    let client = Client::new(&app).await;
    let id = doc_id(&app, NQ15);
    let r = upload(
        &client,
        Some(&officer),
        id,
        None,
        "qd.pdf",
        &samples::pdf("x", false, 0),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let verify = |file: &std::path::Path| crate::backup::verify_backup(&app, file);
    let good = app.dir.path().join("good.backup");
    let out = app.cli(&["backup", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = verify(&good);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("tệp gốc: 1 tệp"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stdout).contains("0 tệp sai mã băm"),
        "{}",
        text(&out.stdout)
    );

    let bad = damaged_backup(
        &app,
        &good,
        "bad.backup",
        "document_file_parts",
        Damage::Flip,
    );
    let out = verify(&bad);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("1 tệp sai mã băm"), "{stdout}");
    assert!(stdout.contains("«qd.pdf»"), "{stdout}");
    assert!(stdout.contains("KHÔNG dùng được"), "{stdout}");
    Ok(())
});
