//! The front of every request: control characters in paths, forwarded headers believed only
//! from trusted proxies (feeds, JSON-LD, the metrics rule), who may read `/metrics`, and bodies
//! that arrive too slowly.

use std::io::{Read, Write};
use std::time::Duration;

use actix_web::test::TestRequest;

use crate::authkit::{add_user, audit_len, session, Client};
use crate::db_test;
use crate::helpers::FIXTURE;

fn addr(s: &str) -> std::net::SocketAddr {
    s.parse().unwrap()
}

db_test!(a_control_character_in_a_path_answers_400, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let c = Client::new(&app).await;
    for path in [
        "/documents/%0A",
        "/documents/1%0d%0aSet-Cookie:%20x=1",
        "/units/%00",
        "/search%7F",
        "/documents/1/dieu-1%09",
    ] {
        let r = c.send(TestRequest::get().uri(path)).await;
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        assert!(r.body.contains("ký tự điều khiển"), "{path}: {}", r.body);
        assert!(r.header("set-cookie").is_none(), "{path}");
    }
    let r = c
        .send(TestRequest::get().uri("/api/v1/documents/%0A"))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], "bad_request", "{}", r.body);
    // A written path with percent-encoded letters is not refused.
    let r = c.send(TestRequest::get().uri("/%64ocuments")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    Ok(())
});

db_test!(forwarded_headers_count_only_from_trusted_proxies, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let proxy = addr("10.0.0.7:5000");
    let state = app.state().await.with_security(vanban::auth::Security {
        trusted_proxies: vec![proxy.ip()],
        ..Default::default()
    });
    let c = Client::with_state(state).await;
    let forged = |peer: std::net::SocketAddr, path: &str| {
        TestRequest::get()
            .uri(path)
            .peer_addr(peer)
            .insert_header(("Host", "vanban.camau.gov.vn"))
            .insert_header(("X-Forwarded-Host", "ke-gia-mao.example"))
            .insert_header(("X-Forwarded-Proto", "https"))
    };
    let doc = "/eli/vn/hdnd-96/nghi-quyet/2018/15";
    for path in ["/feeds/documents.atom", doc] {
        // From anyone else: the Host header, plain http.
        let r = c.send(forged(addr("203.0.113.9:4000"), path)).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert!(!r.body.contains("ke-gia-mao"), "{path}: {}", r.body);
        assert!(
            r.body.contains("http://vanban.camau.gov.vn"),
            "{path}: {}",
            r.body
        );
        // From the trusted proxy: its forwarded host and scheme.
        let r = c.send(forged(proxy, path)).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert!(
            r.body.contains("https://ke-gia-mao.example"),
            "{path}: {}",
            r.body
        );
    }
    Ok(())
});

db_test!(
    metrics_only_from_allowed_addresses_or_with_the_token,
    |app| {
        let proxy = addr("10.0.0.7:5000");
        let token = "giam-sat-0123456789abcdefghij";
        let state = app.state().await.with_security(vanban::auth::Security {
            trusted_proxies: vec![proxy.ip()],
            metrics_token: Some(token.into()),
            ..Default::default()
        });
        let c = Client::with_state(state).await;
        let get = |peer: &str| TestRequest::get().uri("/metrics").peer_addr(addr(peer));
        let status = |r: crate::authkit::Resp| r.status;
        assert_eq!(status(c.send(get("127.0.0.1:4000")).await), 200);
        assert_eq!(status(c.send(get("[::1]:4000")).await), 200);
        let r = c.send(get("203.0.113.9:4000")).await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(r.json()["code"], "forbidden");
        // Spelled otherwise, still the metrics route, still refused.
        let r = c
            .send(
                TestRequest::get()
                    .uri("/%6Detrics")
                    .peer_addr(addr("203.0.113.9:4000")),
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        // A client that says it is loopback is not believed; behind the trusted proxy, the
        // address the proxy reports is the client's.
        let r = c
            .send(get("203.0.113.9:4000").insert_header(("X-Forwarded-For", "127.0.0.1")))
            .await;
        assert_eq!(r.status, 403);
        let r = c
            .send(get("10.0.0.7:5000").insert_header(("X-Forwarded-For", "198.51.100.4")))
            .await;
        assert_eq!(r.status, 403);
        let r = c.send(get("10.0.0.7:5000")).await;
        assert_eq!(r.status, 403, "the proxy itself is not an allowed address");
        // The token, from anywhere; a wrong one is refused.
        let r = c
            .send(
                get("203.0.113.9:4000").insert_header(("Authorization", format!("Bearer {token}"))),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("vanban_"), "{}", r.body);
        let r = c
            .send(
                get("203.0.113.9:4000").insert_header(("Authorization", "Bearer sai-ma-giam-sat")),
            )
            .await;
        assert_eq!(r.status, 403);
        Ok(())
    }
);

db_test!(a_body_that_arrives_too_slowly_is_dropped, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let officer = add_user(&app, "canbo", "officer", &["32200"]);
    let (secret, csrf) = session(&app, officer);
    let state = app.state().await.with_security(vanban::auth::Security {
        body_idle: Duration::from_millis(300),
        ..Default::default()
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let server = actix_web::HttpServer::new(move || vanban::vanban_app!(state.clone()))
        .workers(1)
        .listen(listener)?
        .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    let before = audit_len(&app);
    let answer = actix_web::rt::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        // A form that promises 1,000 bytes and sends 20, then nothing.
        write!(
            s,
            "POST /campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: vanban_session={secret}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n\
             csrf_token={}",
            &csrf[..4]
        )
        .unwrap();
        let started = std::time::Instant::now();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        (
            String::from_utf8_lossy(&out).into_owned(),
            started.elapsed(),
        )
    })
    .await
    .unwrap();
    handle.stop(false).await;
    let (text, waited) = answer;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("quá chậm"), "{text}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    assert_eq!(audit_len(&app), before);
    Ok(())
});
