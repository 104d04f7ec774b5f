//! HTTP details on every route: conditional GET (ETag, 304), HEAD, over-long addresses,
//! malformed Accept headers.

use actix_web::test::TestRequest;

use crate::authkit::{add_user, cookie, session, Client};
use crate::db_test;
use crate::helpers::FIXTURE;

db_test!(public_answers_are_validated_with_etags, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let client = Client::new(&app).await;
    for path in [
        "/",
        "/documents",
        "/api/v1/documents",
        "/eli/vn/hdnd-96/nghi-quyet/2018/15",
    ] {
        let r = client.send(TestRequest::get().uri(path)).await;
        assert_eq!(r.status, 200, "{path}");
        let tag = r
            .header("etag")
            .unwrap_or_else(|| panic!("{path}: no ETag"));
        assert!(tag.starts_with("W/\""), "{tag}");
        assert_eq!(
            r.header("cache-control").as_deref(),
            Some("no-cache"),
            "{path}"
        );
        // The client's copy is current: 304, no body, the same validator.
        let r = client
            .send(
                TestRequest::get()
                    .uri(path)
                    .insert_header(("If-None-Match", tag.as_str())),
            )
            .await;
        assert_eq!(r.status, 304, "{path}");
        assert!(r.body.is_empty());
        assert_eq!(r.header("etag").as_deref(), Some(tag.as_str()));
        // Another copy: the whole answer.
        let r = client
            .send(
                TestRequest::get()
                    .uri(path)
                    .insert_header(("If-None-Match", "W/\"khac\"")),
            )
            .await;
        assert_eq!(r.status, 200, "{path}");
    }
    // The validator follows the content: a new document changes the list.
    let before = client
        .send(TestRequest::get().uri("/api/v1/documents"))
        .await;
    app.import_str(
        "g.jsonl",
        r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"77/2025/QĐ-UBND","title":"Quy định mới","issued_on":"2025-01-02","effective_on":"2025-01-12","text":"Điều 1. Phạm vi\nThử."}"#,
    )?;
    let r = client
        .send(
            TestRequest::get()
                .uri("/api/v1/documents")
                .insert_header(("If-None-Match", before.header("etag").unwrap())),
        )
        .await;
    assert_eq!(r.status, 200, "changed content, new validator");
    assert_ne!(r.header("etag"), before.header("etag"));

    // Signed-in answers are private: no validator, not stored.
    let uid = add_user(&app, "canbo", "officer", &[]);
    let (secret, _) = session(&app, uid);
    let r = client
        .send(TestRequest::get().uri("/").insert_header(cookie(&secret)))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.header("etag").is_none());
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
    Ok(())
});

db_test!(head_requests_long_addresses_and_odd_accept_headers, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let client = Client::new(&app).await;
    // HEAD answers like GET.
    for path in [
        "/",
        "/documents",
        "/api/v1/documents",
        "/healthz",
        "/feeds/documents.atom",
    ] {
        let r = client
            .send(
                TestRequest::default()
                    .method(actix_web::http::Method::HEAD)
                    .uri(path),
            )
            .await;
        assert_eq!(r.status, 200, "HEAD {path}");
    }
    // A route that only takes POST does not take HEAD.
    let r = client
        .send(
            TestRequest::default()
                .method(actix_web::http::Method::HEAD)
                .uri("/logout"),
        )
        .await;
    assert_eq!(r.status, 405);

    // A query string longer than any page needs: refused before any work, never a 500. (A
    // 1 MB one does not even reach the application: the server's HTTP parser refuses it, see
    // `observe::a_stopped_server_leaves_everything_in_the_index`.)
    let long = "a".repeat(60 * 1024);
    let r = client
        .send(TestRequest::get().uri(&format!("/search?q={long}")))
        .await;
    assert_eq!(r.status, 414);
    assert!(
        r.body.contains("Địa chỉ yêu cầu dài quá"),
        "a page in Vietnamese"
    );
    let r = client
        .send(TestRequest::get().uri(&format!("/api/v1/search?q={long}")))
        .await;
    assert_eq!(r.status, 414);
    assert_eq!(r.json()["code"], "uri_too_long");

    // Malformed Accept headers change nothing.
    for accept in [
        "garbage;;q=abc",
        "*/*;q=2",
        "text/html;level=x, application/json;q=",
        "\u{7f}",
    ] {
        let Ok(v) = actix_web::http::header::HeaderValue::from_str(accept) else {
            continue;
        };
        for path in ["/", "/api/v1/documents", "/feeds/status.atom"] {
            let r = client
                .send(
                    TestRequest::get()
                        .uri(path)
                        .insert_header(("Accept", v.clone())),
                )
                .await;
            assert_eq!(r.status, 200, "{path} with Accept: {accept}");
        }
    }
    Ok(())
});
