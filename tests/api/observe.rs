//! What operators watch: request ids, `/healthz`, `/readyz`, `/metrics`, JSON logs, and a
//! graceful shutdown that leaves the search index with everything written before the stop.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::test::TestRequest;

use crate::authkit::Client;
use crate::db_test;
use crate::helpers::FIXTURE;

/// A client on this machine: the only address that reads `/metrics` without a token.
const LOOPBACK: &str = "127.0.0.1:40000";

db_test!(every_response_carries_a_request_id, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let client = Client::new(&app).await;
    let r = client.send(TestRequest::get().uri("/")).await;
    let id = r.header("x-request-id").unwrap_or_default();
    assert_eq!(id.len(), 16, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    let other = client
        .send(TestRequest::get().uri("/"))
        .await
        .header("x-request-id");
    assert_ne!(other.as_deref(), Some(id.as_str()), "a new id per request");
    // A proxy's id is kept when plain, replaced otherwise; errors carry one too.
    let r = client
        .send(
            TestRequest::get()
                .uri("/documents")
                .insert_header(("X-Request-Id", "lb-7f3a.2")),
        )
        .await;
    assert_eq!(r.header("x-request-id").as_deref(), Some("lb-7f3a.2"));
    let r = client
        .send(
            TestRequest::get()
                .uri("/documents")
                .insert_header(("X-Request-Id", "<script>")),
        )
        .await;
    assert_ne!(r.header("x-request-id").as_deref(), Some("<script>"));
    assert_eq!(r.header("x-request-id").map(|v| v.len()), Some(16));
    let r = client.send(TestRequest::get().uri("/khong-co")).await;
    assert_eq!(r.status, 404);
    assert!(r.header("x-request-id").is_some());
    Ok(())
});

db_test!(
    an_index_never_built_is_not_ready_but_the_instance_serves,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        // An instance started on an empty index directory: its index holds nothing yet.
        let clock: vanban::search::service::Clock = std::sync::Arc::new(vanban::clock::today);
        let fresh = std::sync::Arc::new(vanban::search::service::SearchService::in_memory(clock)?);
        let state = vanban::app::AppState::new(
            app.pool.clone(),
            Some(fresh.clone()),
            vanban::config::SEARCH_CACHE_ENTRIES,
        );
        // The fixture's outbox is far below the lag bound: the lag alone would say ready.
        assert!(state.ready_max_lag >= 100);
        let client = Client::with_state(state).await;
        let r = client.send(TestRequest::get().uri("/readyz")).await;
        assert_eq!(r.status, 503, "{}", r.body);
        assert_eq!(r.json()["ready"], false);
        assert_eq!(r.json()["index"], "building");
        assert_eq!(r.json()["database"], "ok");
        // It serves meanwhile: pages and searches answer (from what the index holds so far).
        assert_eq!(client.send(TestRequest::get().uri("/")).await.status, 200);
        let r = client
            .send(TestRequest::get().uri("/api/v1/search?q=thu"))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        // Built: ready, and it finds the documents.
        fresh.catch_up(&app.pool)?;
        let r = client.send(TestRequest::get().uri("/readyz")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["index"], "ok");
        assert_eq!(r.json()["index_lag"], 0);
        let r = client
            .send(TestRequest::get().uri("/api/v1/search?q=&per_page=1"))
            .await;
        assert_eq!(r.json()["total"], app.count_documents()?, "{}", r.body);
        Ok(())
    }
);

db_test!(health_readiness_and_metrics, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let mut state = app.state().await; // the index caught up
    state.ready_max_lag = 0;
    let client = Client::with_state(state.clone()).await;

    let r = client.send(TestRequest::get().uri("/healthz")).await;
    assert_eq!((r.status, r.body.as_str()), (200, "ok\n"));

    let r = client.send(TestRequest::get().uri("/readyz")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["index_lag"], 0);
    assert_eq!(r.json()["database"], "ok");

    // A write the indexer has not applied yet: not ready while the lag exceeds the bound.
    app.import_str(
        "g.jsonl",
        r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"77/2025/QĐ-UBND","title":"Quy định thử","issued_on":"2025-01-02","effective_on":"2025-01-12","text":"Điều 1. Phạm vi\nThử."}"#,
    )?;
    let r = client.send(TestRequest::get().uri("/readyz")).await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.json()["ready"], false);
    assert!(
        r.json()["index_lag"].as_i64().unwrap_or(0) >= 1,
        "{}",
        r.body
    );
    state.search.as_ref().unwrap().catch_up(&app.pool).unwrap();
    let r = client.send(TestRequest::get().uri("/readyz")).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Latency by route pattern (never by raw path), index lag, rebuild progress.
    client.send(TestRequest::get().uri("/documents")).await;
    client.send(TestRequest::get().uri("/documents/1")).await;
    let r = client
        .send(
            TestRequest::get()
                .uri("/metrics")
                .peer_addr(LOOPBACK.parse().unwrap()),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/plain; version=0.0.4"));
    let m = &r.body;
    assert!(
        m.contains(
            r#"vanban_http_request_duration_seconds_count{method="GET",route="/documents",status="2xx"} 1"#
        ),
        "{m}"
    );
    assert!(m.contains(r#"route="/documents/{id}""#), "by pattern: {m}");
    assert!(!m.contains(r#"route="/documents/1""#), "{m}");
    assert!(m.contains("\nvanban_search_index_lag 0\n"), "{m}");
    assert!(m.contains("\nvanban_database_up 1\n"), "{m}");
    assert!(m.contains("vanban_search_rebuild_documents_total"), "{m}");
    // The segments' common words, kept as bitsets.
    let gauge = |name: &str| -> i64 {
        m.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name}: {m}"))
    };
    assert!(gauge("vanban_search_dense_words") > 0, "{m}");
    assert!(gauge("vanban_search_dense_words_bytes") >= gauge("vanban_search_dense_words") * 8);
    // The index counts exactly the database's documents.
    let docs = app.count_documents()?;
    assert!(docs > 1);
    assert!(
        m.contains(&format!(
            "\nvanban_search_index_units{{kind=\"document\"}} {docs}\n"
        )),
        "{docs} documents: {m}"
    );
    assert!(
        m.contains("\nvanban_search_index_units{kind=\"article\"} "),
        "{m}"
    );

    // Records written through the API are counted.
    let admin = crate::authkit::add_user(&app, "quantri", "admin", &[]);
    let token = {
        let mut conn = app.pool.get().unwrap();
        conn.write(|db| vanban::auth::tokens::create(db, "cli", admin, "t", vanban::clock::now()))
            .unwrap()
            .1
    };
    let r = client
        .send(
            TestRequest::post()
                .uri("/api/v1/records")
                .insert_header(("Authorization", format!("Bearer {token}")))
                .set_payload(r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"79/2025/QĐ-UBND","title":"Quy định đếm","issued_on":"2025-01-02","effective_on":"2025-01-12","text":"Điều 1. Phạm vi\nThử."}"#),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = client
        .send(
            TestRequest::get()
                .uri("/metrics")
                .peer_addr(LOOPBACK.parse().unwrap()),
        )
        .await;
    assert!(
        r.body
            .contains(r#"vanban_imported_records_total{source="records"} 1"#),
        "{}",
        r.body
    );
    Ok(())
});

/// Reads the server's log until `pred` holds for a line, or panics after `secs`.
fn wait_for(
    lines: &mut impl Iterator<Item = String>,
    secs: u64,
    pred: impl Fn(&str) -> bool,
) -> String {
    let until = Instant::now() + Duration::from_secs(secs);
    for line in lines.by_ref() {
        if pred(&line) {
            return line;
        }
        assert!(Instant::now() < until, "not seen within {secs} s");
    }
    panic!("the server stopped before the expected line");
}

/// The status of `GET path` over a plain socket (`None` if the server closed the connection
/// without answering).
fn raw_status(port: u16, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    let _ = s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.split_whitespace().nth(1)?.parse().ok()
}

/// `GET /readyz` over a plain socket: the body, or nothing if the server does not answer.
fn readyz(port: u16) -> String {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = s.write_all(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

db_test!(a_stopped_server_leaves_everything_in_the_index, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let dir = tempfile::tempdir()?;
    let index = dir.path().join("index");
    // The indexer runs at start and then not for a minute: only the shutdown can apply what
    // is written next.
    let config = dir.path().join("vanban.toml");
    std::fs::write(&config, "indexer_interval_ms = 60000\n")?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .arg("--config")
        .arg(&config)
        .arg("--index-dir")
        .arg(&index)
        .env("VANBAN_DATABASE_URL", &app.url)
        .env("VANBAN_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines().map_while(Result::ok);
    // Logs are JSON objects, one per line.
    let listening = wait_for(&mut lines, 60, |l| l.contains("vanban listening"));
    let v: serde_json::Value = serde_json::from_str(&listening)?;
    assert!(v["fields"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("listening"));
    // Ready: the index has caught up with what was there at start.
    let message = v["fields"]["message"].as_str().unwrap_or_default();
    let port: u16 = message
        .rsplit(':')
        .next()
        .and_then(|p| {
            p.trim_end_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no port in {message}"));
    let until = Instant::now() + Duration::from_secs(60);
    while !readyz(port).contains("\"index_lag\":0") {
        assert!(Instant::now() < until, "never ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    // A 1 MB query string: refused by the server, never a 500.
    let status = raw_status(port, &format!("/search?q={}", "a".repeat(1024 * 1024)));
    assert!(
        matches!(status, Some(400 | 414 | 431)) || status.is_none(),
        "status {status:?}"
    );
    assert!(readyz(port).contains("200 OK"), "still serving");
    // Written while the server runs, then the stop at once: the shutdown applies it.
    app.import_str(
        "late.jsonl",
        r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"78/2025/QĐ-UBND","title":"Quy định ghi ngay trước khi dừng","issued_on":"2025-01-02","effective_on":"2025-01-12","text":"Điều 1. Phạm vi\nThử."}"#,
    )?;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()?;
    assert!(killed.success());
    let stopped = wait_for(&mut lines, 60, |l| l.contains("search index committed"));
    let status = child.wait()?;
    assert!(status.success(), "{status:?}: {stopped}");
    let newest = {
        let mut conn = app.pool.get()?;
        vanban::db::queries::outbox_max(&mut conn.db())?
    };
    let clock: vanban::search::service::Clock = std::sync::Arc::new(vanban::clock::today);
    let reopened = vanban::search::service::SearchService::open(&index, clock)?;
    assert_eq!(reopened.applied(), newest, "{stopped}");
    Ok(())
});
