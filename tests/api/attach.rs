//! Files attached to an existing document on its page (`/documents/{id}/tep/moi`): stored
//! through the API's path, listed with their hash and downloaded as sent; every bad file
//! answered beside the file field with nothing stored; who may attach; the CSRF token of a
//! multipart form read from its first part (or the header) without reading the file; and one
//! large upload at a time (503 `upload-busy`).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use actix_web::test::TestRequest;
use sha2::{Digest, Sha256};
use vanban::originals::{samples, MAX_FILE_BYTES};

use crate::authkit::{
    add_user, audit_len, cookie, count, multipart, multipart_type, session, Client, Part, Resp,
    BOUNDARY,
};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::review::token;

const ELI: &str = "/eli/vn/hdnd-96/nghi-quyet/2018/15";

fn doc_id(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use vanban::db::schema::documents;
    let mut conn = app.pool.get().unwrap();
    vanban::with_db!(&mut conn.db(), c => documents::table
        .filter(documents::number.eq("15/2018/NQ-HĐND"))
        .select(documents::id)
        .first::<i64>(c))
    .unwrap()
}

/// The attach form posted with a session: the token first, then the fields, then the file.
async fn attach(
    client: &Client,
    secret: &str,
    csrf: &str,
    id: i64,
    fields: &[(&str, &str)],
    name: &str,
    bytes: &[u8],
) -> Resp {
    let mut parts = vec![Part::Field("csrf_token", csrf)];
    parts.extend(fields.iter().map(|(k, v)| Part::Field(k, v)));
    parts.push(Part::File(name, bytes));
    client
        .send(
            TestRequest::post()
                .uri(&format!("/documents/{id}/tep/moi"))
                .insert_header(cookie(secret))
                .insert_header(multipart_type())
                .set_payload(multipart(&parts)),
        )
        .await
}

pub(crate) fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub(crate) async fn page(client: &Client, secret: Option<&str>, uri: &str) -> Resp {
    let mut req = TestRequest::get().uri(uri);
    if let Some(s) = secret {
        req = req.insert_header(cookie(s));
    }
    client.send(req).await
}

db_test!(
    a_file_attached_on_the_page_is_listed_with_its_hash_and_downloads_as_sent,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let officer = add_user(&app, "canbo", "officer", &["96"]);
        let (secret, csrf) = session(&app, officer);
        let client = Client::new(&app).await;
        let id = doc_id(&app);

        // The document page leads to the form; the form puts the token first.
        let doc = page(&client, Some(&secret), ELI).await;
        assert_eq!(doc.status, 200, "{}", doc.body);
        assert!(
            doc.body
                .contains(&format!("<a href=\"/documents/{id}/tep/moi\">Thêm tệp</a>")),
            "{}",
            doc.body
        );
        let form = page(&client, Some(&secret), &format!("/documents/{id}/tep/moi")).await;
        assert_eq!(form.status, 200, "{}", form.body);
        let at = |s: &str| form.body.find(s).unwrap_or_else(|| panic!("{s}"));
        assert!(at("name=\"csrf_token\"") < at("name=\"file\""));
        for label in [
            "<label for=\"t-file\">",
            "<label for=\"t-role\">",
            "<label for=\"t-description\">",
        ] {
            assert!(form.body.contains(label), "{label}");
        }
        assert!(form.body.contains("Phụ lục") && form.body.contains("Bản Word"));

        let annex = samples::pdf("Phu luc I", false, 1_500_000);
        let before = audit_len(&app);
        let r = attach(
            &client,
            &secret,
            &csrf,
            id,
            &[
                ("role", "annex"),
                ("description", "Phụ lục I — Danh mục thủ tục hành chính"),
            ],
            "Phụ lục I.pdf",
            &annex,
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("location"), Some(format!("{ELI}#tep-goc")));
        assert_eq!(count(&app, "document_files"), 1);
        assert_eq!(audit_len(&app), before + 1);

        // Listed on the document page with its whole hash, role and description.
        let doc = page(&client, None, ELI).await;
        assert_eq!(doc.status, 200);
        assert!(doc.body.contains(&sha(&annex)), "{}", doc.body);
        assert!(doc.body.contains("Phụ lục I — Danh mục thủ tục hành chính"));
        // The public sees the files, not the link.
        assert!(!doc.body.contains("tep/moi"));

        // Downloaded byte for byte from the address the API lists.
        let list = client
            .send(TestRequest::get().uri(&format!("/api/v1/documents/{id}/files")))
            .await
            .json();
        let f = &list["files"][0];
        assert_eq!(f["role"], "annex");
        assert_eq!(f["sha256"], sha(&annex));
        assert_eq!(f["description"], "Phụ lục I — Danh mục thủ tục hành chính");
        let r = client
            .send(TestRequest::get().uri(f["href"].as_str().unwrap()))
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(sha(&r.bytes), sha(&annex));
        assert_eq!(r.bytes, annex);

        // The audit entry names the hash and the description.
        let mut conn = app.pool.get()?;
        let entries =
            vanban::audit::history(&mut conn.db(), "document_file", &f["id"].to_string())?;
        let after = entries[0].after.clone().unwrap();
        assert!(
            after.contains(&sha(&annex)) && after.contains("Danh mục"),
            "{after}"
        );
        drop(conn);

        // The same bytes again: a clear message beside the file field, nothing stored.
        let r = attach(
            &client,
            &secret,
            &csrf,
            id,
            &[("role", "signed")],
            "lai.pdf",
            &annex,
        )
        .await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body.contains("Văn bản đã có đúng tệp này"), "{}", r.body);
        assert!(r.body.contains("id=\"t-file-error\""), "{}", r.body);
        assert!(r.body.contains("Phụ lục I.pdf"), "{}", r.body);
        assert_eq!(count(&app, "document_files"), 1);
        assert_eq!(audit_len(&app), before + 1);
        Ok(())
    }
);

db_test!(
    every_bad_file_on_the_attach_page_is_answered_beside_its_field,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let officer = add_user(&app, "canbo", "officer", &["96"]);
        let (secret, csrf) = session(&app, officer);
        let client = Client::new(&app).await;
        let id = doc_id(&app);
        let before = audit_len(&app);
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend_from_slice(&[0u8; 1024]);
        let word = samples::docx("NGHỊ QUYẾT\nĐiều 1. Phạm vi").unwrap();
        let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
            ("rong.pdf", Vec::new(), 400, "Tệp rỗng"),
            (
                "lon.pdf",
                vec![b'%'; MAX_FILE_BYTES + 1],
                413,
                "lớn hơn 20 MiB",
            ),
            ("cu.doc", ole, 415, "hãy lưu thành DOCX hoặc PDF"),
            (
                "anh.pdf",
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
                415,
                "Chỉ nhận tệp DOCX hoặc PDF",
            ),
            ("khoa.pdf", samples::pdf("x", true, 0), 422, "mật khẩu"),
            (
                "hong.docx",
                word[..word.len() - 30].to_vec(),
                422,
                "bị hỏng",
            ),
            (
                "bom.docx",
                samples::docx_bomb(40 << 20).unwrap(),
                422,
                "vượt giới hạn an toàn",
            ),
        ];
        for (name, bytes, status, message) in cases {
            let r = attach(
                &client,
                &secret,
                &csrf,
                id,
                &[("description", "Bản thử")],
                name,
                &bytes,
            )
            .await;
            assert_eq!(r.status, status, "{name}: {}", r.body);
            assert!(r.body.contains(message), "{name}: {}", r.body);
            // Beside the file field, the form as it was sent.
            assert!(r.body.contains("id=\"t-file-error\""), "{name}: {}", r.body);
            assert!(r.body.contains("aria-invalid=\"true\""), "{name}");
            assert!(r.body.contains("value=\"Bản thử\""), "{name}");
        }
        // A role not in the list, a description too long: beside their own fields.
        let pdf = samples::pdf("x", false, 0);
        let r = attach(
            &client,
            &secret,
            &csrf,
            id,
            &[("role", "ban-sao")],
            "x.pdf",
            &pdf,
        )
        .await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.body.contains("id=\"t-role-error\""), "{}", r.body);
        let long = "mô tả ".repeat(100);
        let r = attach(
            &client,
            &secret,
            &csrf,
            id,
            &[("description", &long)],
            "x.pdf",
            &pdf,
        )
        .await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.body.contains("id=\"t-description-error\""), "{}", r.body);
        assert!(r.body.contains("500 ký tự"), "{}", r.body);
        assert_eq!(count(&app, "document_files"), 0);
        assert_eq!(count(&app, "document_file_parts"), 0);
        assert_eq!(audit_len(&app), before);
        Ok(())
    }
);

db_test!(
    only_officers_of_the_documents_units_and_administrators_attach_files,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let client = Client::new(&app).await;
        let id = doc_id(&app);
        let pdf = samples::pdf("x", false, 0);
        let elsewhere = add_user(&app, "canbo.baclieu", "officer", &["95"]);
        let inspector = add_user(&app, "thanhtra", "inspector", &["96"]);
        let approver = add_user(&app, "pheduyet", "approver", &["96"]);
        let before = audit_len(&app);
        // The public: sent to sign in, for the form and for the post.
        let r = page(&client, None, &format!("/documents/{id}/tep/moi")).await;
        assert_eq!(r.status, 303);
        assert!(r.header("location").unwrap().starts_with("/login"));
        let r = client
            .send(
                TestRequest::post()
                    .uri(&format!("/documents/{id}/tep/moi"))
                    .insert_header(multipart_type())
                    .set_payload(multipart(&[
                        Part::Field("csrf_token", "x"),
                        Part::File("x.pdf", &pdf),
                    ])),
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        // An officer of another unit, an inspector and an approver of the document's unit: 403.
        for user in [elsewhere, inspector, approver] {
            let (secret, csrf) = session(&app, user);
            let r = page(&client, Some(&secret), &format!("/documents/{id}/tep/moi")).await;
            assert_eq!(r.status, 403, "{}", r.body);
            let r = attach(
                &client,
                &secret,
                &csrf,
                id,
                &[("role", "annex")],
                "x.pdf",
                &pdf,
            )
            .await;
            assert_eq!(r.status, 403, "{}", r.body);
            assert!(
                r.body.contains("không có quyền") || r.body.contains("ngoài phạm vi"),
                "{}",
                r.body
            );
            // No link on the document page either.
            let doc = page(&client, Some(&secret), ELI).await;
            assert!(!doc.body.contains("tep/moi"), "{}", doc.body);
        }
        assert_eq!(count(&app, "document_files"), 0);
        assert_eq!(audit_len(&app), before);
        // An administrator may.
        let admin = add_user(&app, "quantri", "admin", &[]);
        let (secret, csrf) = session(&app, admin);
        let r = attach(&client, &secret, &csrf, id, &[], "x.pdf", &pdf).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(count(&app, "document_files"), 1);
        Ok(())
    }
);

db_test!(
    a_multipart_form_carries_its_token_first_or_in_the_header,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let officer = add_user(&app, "canbo", "officer", &["96"]);
        let (secret, csrf) = session(&app, officer);
        let client = Client::new(&app).await;
        let id = doc_id(&app);
        let pdf = samples::pdf("x", false, 0);
        let uri = format!("/documents/{id}/tep/moi");
        let post = |parts: Vec<Part<'_>>, headers: Vec<(&'static str, String)>| {
            let mut req = TestRequest::post()
                .uri(&uri)
                .insert_header(cookie(&secret))
                .insert_header(multipart_type())
                .set_payload(multipart(&parts));
            for h in headers {
                req = req.insert_header(h);
            }
            client.send(req)
        };
        let before = audit_len(&app);
        let zeros = "0".repeat(64);
        let refused: Vec<Case<'_>> = vec![
            (
                "no token",
                vec![Part::Field("role", "annex"), Part::File("x.pdf", &pdf)],
                vec![],
            ),
            (
                "wrong token",
                vec![Part::Field("csrf_token", &zeros), Part::File("x.pdf", &pdf)],
                vec![],
            ),
            (
                "token after the file",
                vec![Part::File("x.pdf", &pdf), Part::Field("csrf_token", &csrf)],
                vec![],
            ),
            (
                "token after a field",
                vec![
                    Part::Field("role", "annex"),
                    Part::Field("csrf_token", &csrf),
                    Part::File("x.pdf", &pdf),
                ],
                vec![],
            ),
            (
                "another site's Origin",
                vec![Part::Field("csrf_token", &csrf), Part::File("x.pdf", &pdf)],
                vec![("Origin", "https://evil.example".to_string())],
            ),
            (
                "a cross-site fetch",
                vec![Part::Field("csrf_token", &csrf), Part::File("x.pdf", &pdf)],
                vec![("Sec-Fetch-Site", "cross-site".to_string())],
            ),
            (
                "a wrong header, the right token first",
                vec![Part::Field("csrf_token", &csrf), Part::File("x.pdf", &pdf)],
                vec![("X-CSRF-Token", "0".repeat(64))],
            ),
        ];
        for (case, parts, headers) in refused {
            let r = post(parts, headers).await;
            assert_eq!(r.status, 403, "{case}: {}", r.body);
            assert!(r.body.contains("<html"), "{case}: a page");
            assert!(r.body.contains("Yêu cầu bị từ chối"), "{case}: {}", r.body);
        }
        assert_eq!(count(&app, "document_files"), 0);
        assert_eq!(audit_len(&app), before);
        // The token in the header only: taken.
        let r = post(
            vec![Part::Field("role", "annex"), Part::File("x.pdf", &pdf)],
            vec![("X-CSRF-Token", csrf.clone())],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(count(&app, "document_files"), 1);
        Ok(())
    }
);

/// A refused post: what it is, its parts, its extra headers.
type Case<'a> = (&'a str, Vec<Part<'a>>, Vec<(&'static str, String)>);

/// A server on a port of its own (the tests below hold connections open).
fn serve(state: vanban::app::AppState) -> anyhow::Result<(u16, actix_web::dev::ServerHandle)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let server = actix_web::HttpServer::new(move || vanban::vanban_app!(state.clone()))
        .workers(1)
        .listen(listener)?
        .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    Ok((port, handle))
}

/// Sends the head of a request and the first `sent` bytes of its body, then reads the answer
/// (the server closes the connection after it), within 20 s.
fn partial(port: u16, head: &str, body: &[u8], sent: usize) -> (String, Duration) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{head}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(&body[..sent]).unwrap();
    let started = Instant::now();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    (
        String::from_utf8_lossy(&out).into_owned(),
        started.elapsed(),
    )
}

db_test!(
    a_form_whose_first_part_is_not_the_token_is_refused_before_its_file_is_read,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let officer = add_user(&app, "canbo", "officer", &["96"]);
        let (secret, csrf) = session(&app, officer);
        let id = doc_id(&app);
        // A reader of the whole body would wait for its missing bytes for 30 s.
        let state = app.state().await.with_security(vanban::auth::Security {
            body_idle: Duration::from_secs(30),
            ..Default::default()
        });
        let (port, handle) = serve(state)?;
        let pdf = samples::pdf("x", false, 3_000_000);
        let head = format!(
            "POST /documents/{id}/tep/moi HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: vanban_session={secret}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        );
        let before = audit_len(&app);
        // The file first, the token after it: 4 KiB of the file sent, the rest never (what is
        // sent is all read by the server, so it closes without a reset).
        let file_first = multipart(&[Part::File("x.pdf", &pdf), Part::Field("csrf_token", &csrf)]);
        let (h, b) = (head.clone(), file_first.clone());
        let (answer, waited) =
            actix_web::rt::task::spawn_blocking(move || partial(port, &h, &b, 4096)).await?;
        assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
        assert!(answer.contains("mã chống giả mạo"), "{answer}");
        assert!(waited < Duration::from_secs(10), "{waited:?}");
        // The same with the token first, sent whole: stored.
        let token_first = multipart(&[Part::Field("csrf_token", &csrf), Part::File("x.pdf", &pdf)]);
        let n = token_first.len();
        let (answer, _) =
            actix_web::rt::task::spawn_blocking(move || partial(port, &head, &token_first, n))
                .await?;
        assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
        handle.stop(false).await;
        assert_eq!(count(&app, "document_files"), 1);
        assert_eq!(audit_len(&app), before + 1);
        Ok(())
    }
);

db_test!(
    a_second_large_upload_while_one_is_received_is_answered_503_upload_busy,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let officer = add_user(&app, "canbo", "officer", &["96"]);
        let (secret, csrf) = session(&app, officer);
        let (_, api_token) = token(&app, "canbo.api", "officer", &["96"]);
        let id = doc_id(&app);
        let (port, handle) = serve(app.state().await)?;
        let large = samples::pdf("lon", false, 6 * 1024 * 1024);
        let api_head = format!(
            "POST /api/v1/documents/{id}/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {api_token}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        );
        let page_head = format!(
            "POST /documents/{id}/tep/moi HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: vanban_session={secret}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        );
        let first_body = multipart(&[Part::File("lon.pdf", &large)]);
        // The first upload: its head and 64 KiB, then a pause, then the rest.
        let (h, b) = (api_head.clone(), first_body.clone());
        let first = actix_web::rt::task::spawn_blocking(move || {
            let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
            write!(
                s,
                "{h}Content-Length: {}\r\nConnection: close\r\n\r\n",
                b.len()
            )
            .unwrap();
            s.write_all(&b[..64 * 1024]).unwrap();
            std::thread::sleep(Duration::from_millis(2500));
            s.write_all(&b[64 * 1024..]).unwrap();
            let mut out = Vec::new();
            let _ = s.read_to_end(&mut out);
            String::from_utf8_lossy(&out).into_owned()
        });
        actix_web::rt::time::sleep(Duration::from_millis(700)).await;
        let before = audit_len(&app);
        // Meanwhile another large one, through the API and through the page: 503 at once.
        let other = samples::pdf("khac", false, 5 * 1024 * 1024);
        let api_body = multipart(&[Part::File("khac.pdf", &other)]);
        let page_body = multipart(&[
            Part::Field("csrf_token", &csrf),
            Part::File("khac.pdf", &other),
        ]);
        let (h, b) = (api_head.clone(), api_body.clone());
        let (api, _) =
            actix_web::rt::task::spawn_blocking(move || partial(port, &h, &b, 0)).await?;
        let (h, b) = (page_head.clone(), page_body.clone());
        let (page, _) =
            actix_web::rt::task::spawn_blocking(move || partial(port, &h, &b, 0)).await?;
        // A small one is still taken.
        let small = samples::pdf("nho", false, 0);
        let small_body = multipart(&[Part::File("nho.pdf", &small)]);
        let n = small_body.len();
        let (h, b) = (api_head.clone(), small_body);
        let (small_answer, _) =
            actix_web::rt::task::spawn_blocking(move || partial(port, &h, &b, n)).await?;
        let first = first.await?;
        assert!(api.starts_with("HTTP/1.1 503"), "{api}");
        assert!(api.to_ascii_lowercase().contains("retry-after: 5"), "{api}");
        assert!(api.contains("\"code\":\"upload-busy\""), "{api}");
        assert!(page.starts_with("HTTP/1.1 503"), "{page}");
        assert!(
            page.to_ascii_lowercase().contains("retry-after: 5"),
            "{page}"
        );
        assert!(
            page.contains("<html") && page.contains("tệp lớn khác"),
            "{page}"
        );
        assert!(small_answer.starts_with("HTTP/1.1 201"), "{small_answer}");
        assert!(first.starts_with("HTTP/1.1 201"), "{first}");
        assert_eq!(count(&app, "document_files"), 2);
        assert_eq!(audit_len(&app), before + 2);
        // Once the first is in, the next large one is taken.
        let n = page_body.len();
        let (page, _) =
            actix_web::rt::task::spawn_blocking(move || partial(port, &page_head, &page_body, n))
                .await?;
        assert!(page.starts_with("HTTP/1.1 303"), "{page}");
        handle.stop(false).await;
        assert_eq!(count(&app, "document_files"), 3);
        Ok(())
    }
);
