//! The forms of a procedure (mẫu đơn, tờ khai) in the originals' store: added on
//! `/procedures/{code}/mau-don/moi` with the attach page's checks beside the file field,
//! listed on the procedure page and in its JSON, downloaded byte for byte with the original
//! name; only administrators and officers of the announcing authority's units add them; an
//! administrator withdraws one entered in error (410 after, the bytes kept for the audit trail
//! and checked by `backup --verify`); a JSON Lines round trip leaves forms to backups.

use actix_web::test::TestRequest;
use vanban::originals::{samples, MAX_FILE_BYTES};

use crate::attach::{page, sha};
use crate::authkit::{
    add_user, audit_len, cookie, count, multipart, multipart_type, session, Client, Part, Resp,
};
use crate::backup::verify_backup;
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::originals::{damaged_backup, Damage};

const CODE: &str = "1.004567";

/// A procedure `code` announced by the authority `authority` (JSON Lines).
pub(crate) fn procedure_line(code: &str, authority: &str) -> String {
    serde_json::json!({
        "kind": "procedure",
        "code": code,
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "levels": ["xa"],
        "agency": "Ủy ban nhân dân cấp xã",
        "channels": ["in_person"],
        "dossier": [{"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0, "form": "Mẫu 01"}],
        "statutory_days": 3,
        "local_days": 2,
        "fees": [],
        "legal_basis": [{"authority": "HDND-96", "number": "05/2022/NQ-HĐND", "provision": "Điều 1"}],
        "online_level": "partial",
        "decision": {"authority": authority, "number": "100/QĐ-UBND", "date": "2025-08-01"},
        "announcement": "new"
    })
    .to_string()
}

fn setup(app: &TestApp) -> anyhow::Result<()> {
    app.import_str("f.jsonl", FIXTURE)?;
    let report = app.import_str("p.jsonl", &procedure_line(CODE, "UBND-96"))?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    Ok(())
}

/// The add-a-form page posted with a session: the token first, the description, the file.
async fn add(
    client: &Client,
    secret: &str,
    csrf: &str,
    code: &str,
    description: &str,
    name: &str,
    bytes: &[u8],
) -> Resp {
    let parts = [
        Part::Field("csrf_token", csrf),
        Part::Field("description", description),
        Part::File(name, bytes),
    ];
    client
        .send(
            TestRequest::post()
                .uri(&format!("/procedures/{code}/mau-don/moi"))
                .insert_header(cookie(secret))
                .insert_header(multipart_type())
                .set_payload(multipart(&parts)),
        )
        .await
}

db_test!(
    a_form_added_to_a_procedure_is_listed_and_downloads_as_sent,
    |app| {
        setup(&app)?;
        let officer = add_user(&app, "canbo", "officer", &["96"]);
        let (secret, csrf) = session(&app, officer);
        let client = Client::new(&app).await;

        // The procedure page leads the officer to the form; the public sees no link.
        let p = page(&client, Some(&secret), &format!("/procedures/{CODE}")).await;
        assert_eq!(p.status, 200, "{}", p.body);
        let link = format!("<a href=\"/procedures/{CODE}/mau-don/moi\">Thêm mẫu đơn</a>");
        assert!(p.body.contains(&link), "{}", p.body);
        let p = page(&client, None, &format!("/procedures/{CODE}")).await;
        assert!(!p.body.contains("mau-don/moi"), "{}", p.body);
        let form = page(
            &client,
            Some(&secret),
            &format!("/procedures/{CODE}/mau-don/moi"),
        )
        .await;
        assert_eq!(form.status, 200, "{}", form.body);
        let at = |s: &str| form.body.find(s).unwrap_or_else(|| panic!("{s}"));
        assert!(at("name=\"csrf_token\"") < at("name=\"file\""));
        assert!(form.body.contains("<label for=\"t-file\">"));
        assert!(form.body.contains("<label for=\"t-description\">"));

        let pdf = samples::pdf("To khai dang ky khai sinh", false, 3000);
        let before = audit_len(&app);
        let r = add(
            &client,
            &secret,
            &csrf,
            CODE,
            "Mẫu số 01 — Tờ khai đăng ký khai sinh",
            "Tờ khai khai sinh.pdf",
            &pdf,
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            r.header("location"),
            Some(format!("/procedures/{CODE}#mau-don"))
        );
        assert_eq!(count(&app, "procedure_forms"), 1);
        assert_eq!(count(&app, "document_files"), 0);
        assert_eq!(audit_len(&app), before + 1);

        // In the API, with its address.
        let api = client
            .send(TestRequest::get().uri(&format!("/api/v1/procedures/{CODE}")))
            .await
            .json();
        let f = &api["forms"][0];
        assert_eq!(api["forms"].as_array().map(Vec::len), Some(1), "{api}");
        assert_eq!(f["name"], "Tờ khai khai sinh.pdf");
        assert_eq!(f["media_type"], "application/pdf");
        assert_eq!(f["size"], pdf.len());
        let url = f["url"].as_str().unwrap().to_string();
        assert!(
            url.starts_with(&format!("/procedures/{CODE}/mau-don/")),
            "{url}"
        );

        // On the page, for everyone: name, type, size in KB with a decimal comma.
        let p = page(&client, None, &format!("/procedures/{CODE}")).await;
        assert!(p.body.contains("Mẫu đơn, tờ khai</h2>"), "{}", p.body);
        assert!(p.body.contains(&format!("href=\"{url}\"")), "{}", p.body);
        #[allow(clippy::cast_precision_loss)]
        let kb = format!("{:.1}", pdf.len() as f64 / 1024.0).replace('.', ",");
        assert!(
            p.body.contains(&format!("(PDF, {kb} KB)")),
            "{kb}: {}",
            p.body
        );
        assert!(p.body.contains("Mẫu số 01 — Tờ khai đăng ký khai sinh"));

        // Downloaded byte for byte, with its name and type.
        let r = client.send(TestRequest::get().uri(&url)).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.bytes, pdf);
        assert_eq!(r.header("content-type").as_deref(), Some("application/pdf"));
        let disposition = r.header("content-disposition").unwrap();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(
            disposition.contains("filename*=UTF-8''T%E1%BB%9D%20khai%20khai%20sinh.pdf"),
            "{disposition}"
        );
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );

        // The audit entry names the hash.
        let mut conn = app.pool.get()?;
        let entries =
            vanban::audit::history(&mut conn.db(), "procedure_form", &f["id"].to_string())?;
        let after = entries[0].after.clone().unwrap();
        assert!(after.contains(&sha(&pdf)), "{after}");
        assert!(after.contains("Tờ khai khai sinh.pdf"), "{after}");
        drop(conn);

        // Unknown, of another procedure, not a number: 404; withdrawn: 410 with the reason.
        let id = f["id"].as_i64().unwrap();
        for uri in [
            format!("/procedures/{CODE}/mau-don/{}", id + 1),
            format!("/procedures/1.001193/mau-don/{id}"),
            format!("/procedures/{CODE}/mau-don/abc"),
        ] {
            let r = client.send(TestRequest::get().uri(&uri)).await;
            assert_eq!(r.status, 404, "{uri}");
        }
        crate::authkit::sql(
            &app,
            &format!("UPDATE procedure_forms SET withdrawn_at = created_at, withdrawn_by = 'x', withdrawn_reason = 'nhầm' WHERE id = {id}"),
        );
        let r = client.send(TestRequest::get().uri(&url)).await;
        assert_eq!(r.status, 410, "{}", r.body);
        assert!(r.body.contains("nhầm"), "{}", r.body);
        let api = client
            .send(TestRequest::get().uri(&format!("/api/v1/procedures/{CODE}")))
            .await
            .json();
        assert_eq!(api["forms"], serde_json::json!([]));
        Ok(())
    }
);

db_test!(
    every_bad_form_file_is_answered_beside_its_field_and_nothing_is_stored,
    |app| {
        setup(&app)?;
        let admin = add_user(&app, "quantri", "admin", &[]);
        let (secret, csrf) = session(&app, admin);
        let client = Client::new(&app).await;
        let word = samples::docx("TỜ KHAI\nHọ và tên").unwrap();
        let r = add(&client, &secret, &csrf, CODE, "", "to-khai.docx", &word).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let before = audit_len(&app);
        let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
            ("rong.pdf", Vec::new(), 400, "Tệp rỗng"),
            (
                "lon.pdf",
                vec![b'%'; MAX_FILE_BYTES + 1],
                413,
                "lớn hơn 20 MiB",
            ),
            (
                "anh.pdf",
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
                415,
                "Chỉ nhận tệp DOCX hoặc PDF",
            ),
            ("khoa.pdf", samples::pdf("x", true, 0), 422, "mật khẩu"),
            ("lai.docx", word.clone(), 409, "Thủ tục đã có đúng tệp này"),
        ];
        for (name, bytes, status, message) in cases {
            let r = add(&client, &secret, &csrf, CODE, "Bản thử", name, &bytes).await;
            assert_eq!(r.status, status, "{name}: {}", r.body);
            assert!(r.body.contains(message), "{name}: {}", r.body);
            assert!(r.body.contains("id=\"t-file-error\""), "{name}: {}", r.body);
            assert!(r.body.contains("value=\"Bản thử\""), "{name}");
        }
        // The duplicate names the file already stored.
        let r = add(&client, &secret, &csrf, CODE, "", "khac.docx", &word).await;
        assert!(r.body.contains("«to-khai.docx»"), "{}", r.body);
        // A description too long: beside its own field.
        let long = "mô tả ".repeat(100);
        let pdf = samples::pdf("x", false, 0);
        let r = add(&client, &secret, &csrf, CODE, &long, "x.pdf", &pdf).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.body.contains("id=\"t-description-error\""), "{}", r.body);
        assert_eq!(count(&app, "procedure_forms"), 1);
        assert_eq!(count(&app, "procedure_form_parts"), 1);
        assert_eq!(audit_len(&app), before);
        Ok(())
    }
);

db_test!(
    only_administrators_and_officers_of_the_announcing_units_add_forms,
    |app| {
        setup(&app)?;
        let client = Client::new(&app).await;
        let pdf = samples::pdf("x", false, 0);
        // An officer of Bạc Liêu, an officer of a commune, an inspector of Cà Mau.
        let callers: Vec<(&str, (String, String))> = [
            ("canbo.baclieu", "officer", "95"),
            ("canbo.xa", "officer", "32200"),
            ("thanhtra", "inspector", "96"),
        ]
        .into_iter()
        .map(|(name, role, scope)| (name, session(&app, add_user(&app, name, role, &[scope]))))
        .collect();
        let before = audit_len(&app);
        // The public: sent to sign in, for the form and for the post.
        let r = page(&client, None, &format!("/procedures/{CODE}/mau-don/moi")).await;
        assert_eq!(r.status, 303);
        assert!(r.header("location").unwrap().starts_with("/login"));
        let r = client
            .send(
                TestRequest::post()
                    .uri(&format!("/procedures/{CODE}/mau-don/moi"))
                    .insert_header(multipart_type())
                    .set_payload(multipart(&[
                        Part::Field("csrf_token", "x"),
                        Part::File("x.pdf", &pdf),
                    ])),
            )
            .await;
        assert!(
            r.status == 303 || r.status == 403,
            "{}: {}",
            r.status,
            r.body
        );
        // Each of them: 403, nothing written, no link on the page.
        for (name, (secret, csrf)) in &callers {
            let r = page(
                &client,
                Some(secret),
                &format!("/procedures/{CODE}/mau-don/moi"),
            )
            .await;
            assert_eq!(r.status, 403, "{name}: {}", r.body);
            let r = add(&client, secret, csrf, CODE, "", "x.pdf", &pdf).await;
            assert_eq!(r.status, 403, "{name}: {}", r.body);
            let p = page(&client, Some(secret), &format!("/procedures/{CODE}")).await;
            assert!(!p.body.contains("mau-don/moi"), "{name}");
        }
        assert_eq!(count(&app, "procedure_forms"), 0);
        assert_eq!(count(&app, "procedure_form_parts"), 0);
        assert_eq!(audit_len(&app), before);
        // An unknown procedure: 404 for the administrator.
        let admin = add_user(&app, "quantri", "admin", &[]);
        let (secret, csrf) = session(&app, admin);
        let r = page(&client, Some(&secret), "/procedures/9.999999/mau-don/moi").await;
        assert_eq!(r.status, 404, "{}", r.body);
        let r = add(&client, &secret, &csrf, "9.999999", "", "x.pdf", &pdf).await;
        assert_eq!(r.status, 404, "{}", r.body);
        let r = client
            .send(TestRequest::get().uri("/procedures/9.999999/mau-don/1"))
            .await;
        assert_eq!(r.status, 404);
        // The administrator adds one.
        let r = add(&client, &secret, &csrf, CODE, "", "x.pdf", &pdf).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(count(&app, "procedure_forms"), 1);
        Ok(())
    }
);

/// A withdrawal page (`uri`: an original's, a form's) posted with a session and a reason.
pub(crate) async fn post_withdrawal(
    client: &Client,
    secret: &str,
    csrf: &str,
    uri: &str,
    reason: &str,
) -> Resp {
    client
        .send(
            TestRequest::post()
                .uri(uri)
                .insert_header(cookie(secret))
                .set_form([("csrf_token", csrf), ("reason", reason)]),
        )
        .await
}

/// The withdrawal form of the form `id` posted with a session.
async fn withdraw(client: &Client, secret: &str, csrf: &str, id: i64, reason: &str) -> Resp {
    let uri = format!("/admin/procedure-forms/{id}/withdraw");
    post_withdrawal(client, secret, csrf, &uri, reason).await
}

/// The forms of the procedure `code` in its JSON.
async fn forms_json(client: &Client, code: &str) -> serde_json::Value {
    client
        .send(TestRequest::get().uri(&format!("/api/v1/procedures/{code}")))
        .await
        .json()["forms"]
        .clone()
}

db_test!(
    an_administrator_withdraws_a_form_with_a_reason_and_it_answers_410,
    |app| {
        setup(&app)?;
        let (secret, csrf) = session(&app, add_user(&app, "quantri", "admin", &[]));
        let (o_secret, o_csrf) = session(&app, add_user(&app, "canbo", "officer", &["96"]));
        let client = Client::new(&app).await;
        let pdf = samples::pdf("To khai", false, 0);
        let r = add(&client, &o_secret, &o_csrf, CODE, "", "to-khai.pdf", &pdf).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let forms = forms_json(&client, CODE).await;
        let id = forms[0]["id"].as_i64().unwrap();
        let url = forms[0]["url"].as_str().unwrap().to_string();
        let form_page = format!("/admin/procedure-forms/{id}/withdraw");

        // The procedure page leads the administrator there, not the officer.
        let link = format!("href=\"{form_page}\"");
        let p = page(&client, Some(&secret), &format!("/procedures/{CODE}")).await;
        assert!(p.body.contains(&link), "{}", p.body);
        let p = page(&client, Some(&o_secret), &format!("/procedures/{CODE}")).await;
        assert!(!p.body.contains(&link), "{}", p.body);

        // The officer who added it may not withdraw it: 403, nothing written.
        let before = audit_len(&app);
        let r = page(&client, Some(&o_secret), &form_page).await;
        assert_eq!(r.status, 403, "{}", r.body);
        let r = withdraw(&client, &o_secret, &o_csrf, id, "nhầm").await;
        assert_eq!(r.status, 403, "{}", r.body);

        // The administrator's form names the file; a blank reason comes back beside the field.
        let r = page(&client, Some(&secret), &form_page).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("<label for=\"reason\">"), "{}", r.body);
        assert!(r.body.contains("to-khai.pdf"), "{}", r.body);
        assert!(r.body.contains("Mẫu đơn, tờ khai (PDF)"), "{}", r.body);
        assert!(r.body.contains(&sha(&pdf)), "{}", r.body);
        assert!(r.body.contains(&format!("action=\"{form_page}\"")));
        let r = withdraw(&client, &secret, &csrf, id, "   ").await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(
            r.body
                .contains("aria-describedby=\"reason-hint reason-error\""),
            "{}",
            r.body
        );
        assert!(r.body.contains("id=\"reason-error\""), "{}", r.body);
        assert!(r.body.contains("Cần ghi lý do thu hồi"), "{}", r.body);
        assert_eq!(audit_len(&app), before);
        let r = client.send(TestRequest::get().uri(&url)).await;
        assert_eq!(r.status, 200, "still offered");

        // With a reason: back to the forms, audited with the hash and the reason.
        let reason = "Tải nhầm mẫu của thủ tục khác";
        let r = withdraw(&client, &secret, &csrf, id, reason).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            r.header("location"),
            Some(format!("/procedures/{CODE}#mau-don"))
        );
        assert_eq!(audit_len(&app), before + 1);
        let mut conn = app.pool.get()?;
        let entries = vanban::audit::history(&mut conn.db(), "procedure_form", &id.to_string())?;
        let last = entries.last().unwrap();
        assert_eq!(last.action, "withdraw");
        assert_eq!(last.actor, "user:quantri");
        let after = last.after.clone().unwrap();
        assert!(
            after.contains(&sha(&pdf)) && after.contains(reason),
            "{after}"
        );
        drop(conn);

        // No longer offered: 410 with the reason, gone from the page and the API; the bytes
        // kept for the audit trail.
        let r = client.send(TestRequest::get().uri(&url)).await;
        assert_eq!(r.status, 410, "{}", r.body);
        assert!(r.body.contains(reason), "{}", r.body);
        assert_ne!(r.bytes, pdf);
        assert_eq!(forms_json(&client, CODE).await, serde_json::json!([]));
        let p = page(&client, None, &format!("/procedures/{CODE}")).await;
        assert!(!p.body.contains(&url), "{}", p.body);
        assert_eq!(count(&app, "procedure_forms"), 1);
        assert_eq!(count(&app, "procedure_form_parts"), 1);

        // Again: the page says so, without a form; a second post is refused (409).
        let r = page(&client, Some(&secret), &form_page).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("Tệp đã được thu hồi. Lý do: Tải nhầm"));
        assert!(!r.body.contains("name=\"reason\""), "{}", r.body);
        let r = withdraw(&client, &secret, &csrf, id, "lần nữa").await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body.contains("Tệp đã được thu hồi."), "{}", r.body);
        assert!(!r.body.contains("name=\"reason\""), "{}", r.body);
        assert_eq!(audit_len(&app), before + 1);

        // An unknown form: 404.
        let r = page(
            &client,
            Some(&secret),
            &format!("/admin/procedure-forms/{}/withdraw", id + 1),
        )
        .await;
        assert_eq!(r.status, 404, "{}", r.body);
        let r = withdraw(&client, &secret, &csrf, id + 1, "nhầm").await;
        assert_eq!(r.status, 404, "{}", r.body);
        Ok(())
    }
);

db_test!(
    backup_verify_reports_an_altered_or_missing_form_part,
    |app| {
        setup(&app)?;
        let (secret, csrf) = session(&app, add_user(&app, "quantri", "admin", &[]));
        let client = Client::new(&app).await;
        let r = add(
            &client,
            &secret,
            &csrf,
            CODE,
            "",
            "to-khai.pdf",
            &samples::pdf("To khai", false, 0),
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let id = forms_json(&client, CODE).await[0]["id"].as_i64().unwrap();
        let text = |o: &std::process::Output| {
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        };
        let good = app.dir.path().join("good.backup");
        let out = app.cli(&["backup", good.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out));
        let out = verify_backup(&app, &good);
        assert!(out.status.success(), "{}", text(&out));
        assert!(
            text(&out).contains("tệp gốc: 0 tệp, 1 mẫu đơn, tờ khai"),
            "{}",
            text(&out)
        );
        assert!(text(&out).contains("0 tệp sai mã băm"), "{}", text(&out));

        for (name, how) in [
            ("altered.backup", Damage::Flip),
            ("missing.backup", Damage::Drop),
        ] {
            let bad = damaged_backup(&app, &good, name, "procedure_form_parts", how);
            let out = verify_backup(&app, &bad);
            let stdout = text(&out);
            assert_eq!(out.status.code(), Some(1), "{name}: {stdout}");
            assert!(stdout.contains("1 tệp sai mã băm"), "{name}: {stdout}");
            assert!(
                stdout.contains(&format!("mẫu đơn số {id} «to-khai.pdf»")),
                "{name}: {stdout}"
            );
            assert!(stdout.contains("KHÔNG dùng được"), "{name}: {stdout}");
        }
        Ok(())
    }
);

db_test!(
    a_json_lines_round_trip_keeps_the_procedure_and_leaves_its_forms_to_backups,
    |app| {
        setup(&app)?;
        let (secret, csrf) = session(&app, add_user(&app, "quantri", "admin", &[]));
        let client = Client::new(&app).await;
        let pdf = samples::pdf("To khai", false, 0);
        let r = add(&client, &secret, &csrf, CODE, "", "to-khai.pdf", &pdf).await;
        assert_eq!(r.status, 303, "{}", r.body);
        // As for the originals of documents: no line names a stored file, its hash or bytes.
        let first = app.export()?;
        assert!(first.contains(&format!("\"code\":\"{CODE}\"")), "{first}");
        assert!(!first.contains(&sha(&pdf)), "{first}");
        assert!(!first.contains("to-khai.pdf"), "{first}");
        // Imported into an empty registry, the export is read without an error and exported
        // again byte for byte; the procedure is there, without forms.
        let other = TestApp::sqlite()?;
        let report = other.import_str("export.jsonl", &first)?;
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(other.export()?, first);
        let client = Client::new(&other).await;
        let r = client
            .send(TestRequest::get().uri(&format!("/api/v1/procedures/{CODE}")))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["forms"], serde_json::json!([]));
        assert_eq!(count(&other, "procedure_forms"), 0);
        Ok(())
    }
);
