use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use vanban::web::public::urlencode;

use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

async fn search(app: &TestApp, params: &str) -> (u16, serde_json::Value) {
    app.get_json(&format!("/api/v1/search?{params}")).await
}

fn numbers(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["number"].as_str().unwrap_or_default().to_string())
        .collect()
}

db_test!(numbers_in_any_shape_find_the_document_first, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    for q in [
        "15/2018/NQ-HĐND",
        "15/2018/nq-hdnd",
        "NQ 15/2018",
        "nq 15 2018",
    ] {
        let (status, v) = search(&app, &format!("q={}", urlencode(q))).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(
            numbers(&v).first().map(String::as_str),
            Some("15/2018/NQ-HĐND"),
            "{q}: {v}"
        );
    }
    Ok(())
});

db_test!(words_with_or_without_marks_in_any_tone_placement, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let reference = numbers(
        &search(&app, &format!("q={}", urlencode("hỗ trợ nuôi tôm")))
            .await
            .1,
    );
    assert_eq!(
        reference.first().map(String::as_str),
        Some("15/2018/NQ-HĐND")
    );
    use unicode_normalization::UnicodeNormalization;
    let nfd: String = "hỗ trợ nuôi tôm".nfd().collect();
    for q in ["ho tro nuoi tom", nfd.as_str(), "HỖ TRỢ NUÔI TÔM"] {
        assert_eq!(
            numbers(&search(&app, &format!("q={}", urlencode(q))).await.1),
            reference,
            "{q}"
        );
    }
    // Old and new tone placement: "thủy sản" / "thuỷ sản" find the same.
    let a = search(&app, &format!("q={}", urlencode("thủy sản")))
        .await
        .1;
    let b = search(&app, &format!("q={}", urlencode("thuỷ sản")))
        .await
        .1;
    assert_eq!(numbers(&a), numbers(&b));
    Ok(())
});

db_test!(
    articles_scope_links_the_article_and_marks_the_words,
    |app| {
        app.import_str(
            "f.jsonl",
            &FIXTURE.replace(
                "Hỗ trợ 50% chi phí con giống.",
                "Hỗ trợ 50% chi phí con giống <b>tốt</b>.",
            ),
        )?;
        let (status, v) = search(
            &app,
            &format!("scope=articles&q={}", urlencode("chi phí con giống")),
        )
        .await;
        assert_eq!(status, 200);
        let hit = v["hits"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|h| h["number"] == "15/2018/NQ-HĐND")
            .cloned()
            .unwrap_or_default();
        assert_eq!(hit["kind"], "article");
        assert_eq!(hit["article"]["key"], "dieu-2");
        assert_eq!(hit["article"]["number"], "Điều 2");
        let snippet = hit["snippet"].as_str().unwrap_or_default();
        assert!(snippet.contains("<mark>giống</mark>"), "{snippet}");
        assert!(
            snippet.contains("&lt;b&gt;") && !snippet.contains("<b>"),
            "everything else escaped: {snippet}"
        );
        assert!(v["took_ms"].is_number());
        let (status, _, page) = app
            .get(&format!(
                "/search?scope=articles&q={}",
                urlencode("chi phí con giống")
            ))
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("<mark>"));
        assert!(page.contains("/dieu-2\""), "hit links to its article");
        Ok(())
    }
);

db_test!(empty_and_odd_queries_never_fail, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (status, v) = search(&app, "q=").await;
    assert_eq!(status, 200);
    assert_eq!(v["total"], 6);
    assert_eq!(
        numbers(&v).first().map(String::as_str),
        Some("05/2022/NQ-HĐND"),
        "browse mode: newest first"
    );
    for q in [
        "...",
        "\"",
        "(",
        ":",
        "*",
        "-",
        "\"quyết định",
        "a:b (c",
        "***",
        "-- ++",
    ] {
        let (status, v) = search(&app, &format!("q={}", urlencode(q))).await;
        assert_eq!(status, 200, "{q}: {v}");
    }
    let (status, _, _) = app.get(&format!("/search?q={}", urlencode("\"(:*-"))).await;
    assert_eq!(status, 200);
    Ok(())
});

db_test!(bad_parameters_are_refused_by_name, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let long = "a".repeat(1001);
    let (status, v) = search(&app, &format!("q={long}")).await;
    assert_eq!((status, v["code"].as_str()), (400, Some("bad_request")));
    assert!(v["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("1000 ký tự"));
    let ok = "a".repeat(1000);
    assert_eq!(search(&app, &format!("q={ok}")).await.0, 200);
    for (param, value) in [
        ("per_page", "1000"),
        ("per_page", "0"),
        ("page", "x"),
        ("scope", "laws"),
        ("type", "Công văn"),
        ("status", "valid"),
        ("authority", "99999"),
        ("authority", "abc"),
        ("year_from", "20x"),
        ("year_to", "3000"),
        ("sort", "random"),
    ] {
        let (status, v) = search(&app, &format!("{param}={}", urlencode(value))).await;
        assert_eq!(status, 400, "{param}={value}: {v}");
        assert!(
            v["detail"]
                .as_str()
                .unwrap_or_default()
                .contains(&format!("«{param}»")),
            "{param}: {v}"
        );
    }
    let (status, _, page) = app.get("/search?per_page=1000").await;
    assert_eq!(status, 400);
    assert!(page.contains("per_page"));
    Ok(())
});

db_test!(filters_and_facets, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, v) = search(&app, "q=&type=Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh").await;
    assert_eq!(v["total"], 2);
    let (_, v) = search(&app, "q=&year_from=2019&year_to=2020").await;
    assert_eq!(v["total"], 3);
    assert_eq!(v["total_exact"], true, "a small count is exact");
    let facets = &v["facets"];
    assert!(facets["type"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(facets["year"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|f| f["value"] == "2019" && f["count"] == 2));
    let (_, v) = search(&app, "q=&status=het-hieu-luc-toan-bo").await;
    let mut n = numbers(&v);
    n.sort();
    assert_eq!(n, ["03/2019/NQ-HĐND", "15/2018/NQ-HĐND", "20/2019/QĐ-UBND"]);
    // The commune that succeeded the district finds the district's decision.
    let mut conn = app.pool.get()?;
    let commune = vanban::db::queries::authority_by_code(&mut conn.db(), "UBND-32200")?
        .map(|a| a.id)
        .unwrap_or_default();
    drop(conn);
    let (_, v) = search(&app, &format!("q=&authority={commune}")).await;
    assert_eq!(numbers(&v), ["12/2021/QĐ-UBND"]);
    let (_, v) = search(&app, "q=&sort=date&per_page=2&page=2").await;
    assert_eq!(v["hits"].as_array().map(Vec::len), Some(2));
    Ok(())
});

db_test!(writes_reach_the_index_through_the_outbox, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let before = search(&app, "q=karaoke").await.1;
    assert_eq!(before["total"], 0);
    let applied = app.search.applied();
    let doc = r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"40/2024/QĐ-UBND","title":"Quy định kinh doanh karaoke","issued_on":"2024-01-02","effective_on":"2024-01-20","text":"Điều 1. Phạm vi\nQuy định hoạt động karaoke."}"#;
    app.import_str("new.jsonl", doc)?;
    // The catch-up run by the next request applies the new outbox row, and only it.
    let after = search(&app, "q=karaoke").await.1;
    assert_eq!(numbers(&after), ["40/2024/QĐ-UBND"]);
    assert!(app.search.applied() > applied);
    assert_eq!(
        app.search
            .catch_up(&app.pool)
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        0,
        "nothing left to apply"
    );
    // Re-importing changes nothing, and the document is not indexed twice.
    app.import_str("new.jsonl", doc)?;
    assert_eq!(search(&app, "q=karaoke&scope=articles").await.1["total"], 1);
    Ok(())
});

db_test!(index_resumes_from_its_commit_payload, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let dir = app.dir.path().join("index");
    let clock: vanban::search::service::Clock = Arc::new(vanban::clock::today);
    {
        let s = vanban::search::service::SearchService::open(&dir, clock.clone())?;
        s.catch_up(&app.pool)?;
        assert!(s.applied() > 0);
    }
    // Written while no indexer runs (as after a crash).
    let doc = r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"41/2024/QĐ-UBND","title":"Quy định về vũ trường","issued_on":"2024-01-02","effective_on":"2024-01-20","text":"Điều 1. Phạm vi\nQuy định hoạt động vũ trường."}"#;
    app.import_str("new.jsonl", doc)?;
    let s = vanban::search::service::SearchService::open(&dir, clock)?;
    let before = s.applied();
    assert!(before > 0, "position read back from the commit payload");
    assert_eq!(
        s.catch_up(&app.pool)?,
        1,
        "only the row written since: the new document"
    );
    let r = vanban::search::query::search(
        &s.searcher(),
        &s.fields,
        &vanban::search::query::Params::new("vũ trường", vanban::search::query::Scope::Documents),
    )?;
    assert_eq!(r.total, 1);
    Ok(())
});

db_test!(statuses_follow_the_clock_without_writes, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let repeal = r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"50/2026/QĐ-UBND","title":"Bãi bỏ quy chế một cửa","issued_on":"2026-03-01","effective_on":"2026-03-20","text":"Điều 1. Bãi bỏ\nBãi bỏ Quyết định 12/2021/QĐ-UBND."}
{"kind":"effect","acting":{"authority":"UBND-96","number":"50/2026/QĐ-UBND"},"target":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"type":"repeal","effective_on":"2026-03-20"}"#;
    app.import_str("r.jsonl", repeal)?;
    let day = Arc::new(Mutex::new(
        NaiveDate::from_ymd_opt(2026, 3, 19).unwrap_or_default(),
    ));
    let d2 = day.clone();
    let clock: vanban::search::service::Clock =
        Arc::new(move || *d2.lock().unwrap_or_else(|e| e.into_inner()));
    let s = vanban::search::service::SearchService::in_memory(clock)?;
    let status = |s: &vanban::search::service::SearchService| -> anyhow::Result<String> {
        let r = vanban::search::query::search(
            &s.searcher(),
            &s.fields,
            &vanban::search::query::Params::new(
                "12/2021/QĐ-UBND",
                vanban::search::query::Scope::Documents,
            ),
        )?;
        Ok(r.hits.first().map(|h| h.status.clone()).unwrap_or_default())
    };
    s.catch_up(&app.pool)?;
    assert_eq!(
        status(&s)?,
        "con-hieu-luc",
        "in force the day before the repeal"
    );
    *day.lock().unwrap_or_else(|e| e.into_inner()) =
        NaiveDate::from_ymd_opt(2026, 3, 20).unwrap_or_default();
    s.catch_up(&app.pool)?;
    assert_eq!(
        status(&s)?,
        "het-hieu-luc-toan-bo",
        "expired once the clock passes the date"
    );
    Ok(())
});

db_test!(
    a_new_day_reindexes_only_the_documents_whose_status_changed,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let repeal = r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"50/2026/QĐ-UBND","title":"Bãi bỏ quy chế một cửa","issued_on":"2026-03-01","effective_on":"2026-03-20","text":"Điều 1. Bãi bỏ\nBãi bỏ Quyết định 12/2021/QĐ-UBND."}
{"kind":"effect","acting":{"authority":"UBND-96","number":"50/2026/QĐ-UBND"},"target":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"type":"repeal","effective_on":"2026-03-20"}"#;
        app.import_str("r.jsonl", repeal)?;
        let set = |day: &Arc<Mutex<NaiveDate>>, d: u32| {
            *day.lock().unwrap_or_else(|e| e.into_inner()) =
                NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default();
        };
        let day = Arc::new(Mutex::new(NaiveDate::default()));
        set(&day, 18);
        let d2 = day.clone();
        let clock: vanban::search::service::Clock =
            Arc::new(move || *d2.lock().unwrap_or_else(|e| e.into_inner()));
        let s = vanban::search::service::SearchService::in_memory(clock)?;
        s.catch_up(&app.pool)?;
        let documents = usize::try_from(app.count_documents()?)?;
        let in_force = |s: &vanban::search::service::SearchService| -> anyhow::Result<usize> {
            let mut p =
                vanban::search::query::Params::new("", vanban::search::query::Scope::Documents);
            p.status = Some("con-hieu-luc".into());
            Ok(vanban::search::query::search(&s.searcher(), &s.fields, &p)?.total)
        };
        let before = in_force(&s)?;
        // Nothing changes from the 18th to the 19th: nothing is re-indexed.
        set(&day, 19);
        assert_eq!(s.refresh_statuses(&app.pool)?, 0);
        // The repeal and the repealing decision take effect on the 20th: those two (and what
        // details them), not the whole registry.
        set(&day, 20);
        let n = s.refresh_statuses(&app.pool)?;
        assert!((2..documents / 2).contains(&n), "{n} of {documents}");
        assert_eq!(in_force(&s)?, before, "one came into force, one ceased");
        // The index is then the one a whole rebuild gives.
        let fresh = vanban::search::service::SearchService::in_memory(Arc::new(|| {
            NaiveDate::from_ymd_opt(2026, 3, 20).unwrap_or_default()
        }))?;
        fresh.catch_up(&app.pool)?;
        for status in ["con-hieu-luc", "het-hieu-luc-toan-bo", "chua-co-hieu-luc"] {
            let count = |s: &vanban::search::service::SearchService| -> anyhow::Result<usize> {
                let mut p =
                    vanban::search::query::Params::new("", vanban::search::query::Scope::Articles);
                p.status = Some(status.into());
                Ok(vanban::search::query::search(&s.searcher(), &s.fields, &p)?.total)
            };
            assert_eq!(count(&s)?, count(&fresh)?, "{status}");
        }
        // A later catch-up on the same day refreshes nothing again.
        assert_eq!(s.catch_up(&app.pool)?, 0);
        Ok(())
    }
);

db_test!(two_instances_on_one_database_each_keep_their_index, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let clock: vanban::search::service::Clock = Arc::new(vanban::clock::today);
    let a = vanban::search::service::SearchService::in_memory(clock.clone())?;
    let b = vanban::search::service::SearchService::in_memory(clock)?;
    a.catch_up(&app.pool)?;
    b.catch_up(&app.pool)?;
    // Written "through" instance a; b finds it from the shared outbox.
    app.import_str("n.jsonl", r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"42/2024/QĐ-UBND","title":"Quy định về chợ đêm","issued_on":"2024-01-02","effective_on":"2024-01-20","text":"Điều 1. Phạm vi\nQuy định chợ đêm."}"#)?;
    a.catch_up(&app.pool)?;
    b.catch_up(&app.pool)?;
    for s in [&a, &b] {
        let r = vanban::search::query::search(
            &s.searcher(),
            &s.fields,
            &vanban::search::query::Params::new("chợ đêm", vanban::search::query::Scope::Documents),
        )?;
        assert_eq!(
            r.hits.first().map(|h| h.number.as_str()),
            Some("42/2024/QĐ-UBND")
        );
    }
    Ok(())
});

db_test!(an_instance_behind_the_pruned_outbox_rebuilds, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let clock: vanban::search::service::Clock = Arc::new(vanban::clock::today);
    let s = vanban::search::service::SearchService::in_memory(clock)?;
    s.catch_up(&app.pool)?;
    let stale = s.applied();
    app.import_str("n.jsonl", r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"43/2024/QĐ-UBND","title":"Quy định về bến đò","issued_on":"2024-01-02","effective_on":"2024-01-20","text":"Điều 1. Phạm vi\nQuy định bến đò."}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"44/2024/QĐ-UBND","title":"Quy định về bến xe","issued_on":"2024-01-03","effective_on":"2024-01-20","text":"Điều 1. Phạm vi\nQuy định bến xe."}"#)?;
    // Everything older than "now + 1 day" goes, but the newest row stays.
    let mut conn = app.pool.get()?;
    let pruned = vanban::db::queries::prune_outbox(
        &mut conn.db(),
        chrono::Utc::now().naive_utc() + chrono::Duration::days(1),
    )?;
    assert!(pruned > 0);
    assert!(vanban::db::queries::outbox_min(&mut conn.db())? > stale + 1);
    drop(conn);
    s.catch_up(&app.pool)?;
    let r = vanban::search::query::search(
        &s.searcher(),
        &s.fields,
        &vanban::search::query::Params::new("bến đò", vanban::search::query::Scope::Documents),
    )?;
    assert_eq!(
        r.hits.first().map(|h| h.number.as_str()),
        Some("43/2024/QĐ-UBND"),
        "rebuilt, so the pruned change is there"
    );
    Ok(())
});

db_test!(unit_and_field_filters, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    // The new commune covers the abolished district's decision.
    let (status, v) = search(&app, "q=&unit=32200").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(numbers(&v), ["12/2021/QĐ-UBND"]);
    let (_, v) = search(&app, "q=&unit=96").await;
    assert_eq!(
        v["total"], 5,
        "the province and Bạc Liêu, merged into it: {v}"
    );
    // Fields match without regard to case or diacritics.
    let (_, v) = search(&app, &format!("q=&field={}", urlencode("thuy san"))).await;
    assert_eq!(numbers(&v), ["15/2018/NQ-HĐND"]);
    let (status, v) = search(&app, "q=&unit=nowhere").await;
    assert_eq!(status, 400);
    assert!(v["detail"].as_str().unwrap_or_default().contains("«unit»"));
    Ok(())
});

db_test!(reindex_swaps_generations_while_queries_run, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let dir = app.dir.path().join("index");
    let clock: vanban::search::service::Clock = Arc::new(vanban::clock::today);
    let service = Arc::new(vanban::search::service::SearchService::open(
        &dir,
        clock.clone(),
    )?);
    service.catch_up(&app.pool)?;
    let before = std::fs::read_to_string(dir.join("CURRENT"))?;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (s2, stop2) = (service.clone(), stop.clone());
    let queries = std::thread::spawn(move || -> anyhow::Result<(usize, usize)> {
        let (mut ran, mut failed) = (0, 0);
        while !stop2.load(std::sync::atomic::Ordering::SeqCst) || ran < 50 {
            let p = vanban::search::query::Params::new(
                "nuôi tôm",
                vanban::search::query::Scope::Documents,
            );
            match vanban::search::query::search(&s2.searcher(), &s2.fields, &p) {
                Ok(r) if r.total > 0 => {}
                _ => failed += 1,
            }
            ran += 1;
        }
        Ok((ran, failed))
    });
    let n = vanban::search::service::SearchService::reindex(&dir, &app.pool, clock)?;
    assert_eq!(n, 6);
    let after = std::fs::read_to_string(dir.join("CURRENT"))?;
    assert_ne!(before, after, "a new generation is published");
    // The running instance follows at its next catch-up, while the queries go on.
    service.catch_up(&app.pool)?;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let (ran, failed) = queries
        .join()
        .map_err(|_| anyhow::anyhow!("query thread panicked"))??;
    assert!(ran >= 50);
    assert_eq!(failed, 0, "no query failed during the swap");
    // Writes after the swap reach the new generation.
    app.import_str("n.jsonl", r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"45/2024/QĐ-UBND","title":"Quy định về cảng cá","issued_on":"2024-01-02","effective_on":"2024-01-20","text":"Điều 1. Phạm vi\nQuy định cảng cá."}"#)?;
    service.catch_up(&app.pool)?;
    let r = vanban::search::query::search(
        &service.searcher(),
        &service.fields,
        &vanban::search::query::Params::new("cảng cá", vanban::search::query::Scope::Documents),
    )?;
    assert_eq!(
        r.hits.first().map(|h| h.number.as_str()),
        Some("45/2024/QĐ-UBND")
    );
    Ok(())
});

/// A document written after the fixture, whose words no fixture document has.
const BEACH: &str = r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"46/2024/QĐ-UBND","title":"Quy định về bãi biển","issued_on":"2024-01-02","effective_on":"2024-01-20","text":"Điều 1. Phạm vi\nQuy định bãi biển."}"#;

/// The fixture imported and an index of it caught up: the index and its outbox position.
fn indexed_fixture(app: &TestApp) -> anyhow::Result<(vanban::search::service::SearchService, i64)> {
    app.import_str("f.jsonl", FIXTURE)?;
    let clock: vanban::search::service::Clock = Arc::new(vanban::clock::today);
    let s = vanban::search::service::SearchService::in_memory(clock)?;
    s.catch_up(&app.pool)?;
    let at = s.applied();
    Ok((s, at))
}

/// A PostgreSQL connection whose open transaction has taken the next outbox id.
fn holding_next_outbox_id(app: &TestApp) -> anyhow::Result<diesel::pg::PgConnection> {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let mut slow = diesel::pg::PgConnection::establish(&app.url)?;
    slow.batch_execute(
        "BEGIN; INSERT INTO outbox (entity, entity_id) SELECT 'document', min(id) FROM documents;",
    )?;
    Ok(slow)
}

fn outbox_max(app: &TestApp) -> anyhow::Result<i64> {
    let mut conn = app.pool.get()?;
    Ok(vanban::db::queries::outbox_max(&mut conn.db())?)
}

fn total(s: &vanban::search::service::SearchService, q: &str) -> anyhow::Result<usize> {
    let p = vanban::search::query::Params::new(q, vanban::search::query::Scope::Documents);
    Ok(vanban::search::query::search(&s.searcher(), &s.fields, &p)?.total)
}

/// PostgreSQL only: a transaction that took a smaller outbox id but commits after a larger one
/// must not be skipped (SQLite has one writer at a time, so ids there commit in order).
#[actix_web::test]
async fn postgres_outbox_row_committed_late_is_not_skipped() -> anyhow::Result<()> {
    use diesel::connection::SimpleConnection;
    let Some(app) = TestApp::postgres()? else {
        return Ok(());
    };
    let (s, before) = indexed_fixture(&app)?;
    // A slow writer takes the next id and has not committed yet; a faster one takes a larger
    // id and commits.
    let mut slow = holding_next_outbox_id(&app)?;
    app.import_str("n.jsonl", BEACH)?;
    s.catch_up(&app.pool)?;
    assert_eq!(total(&s, "bãi biển")?, 1, "the committed row is applied");
    assert_eq!(s.applied(), before, "but the position stays before the gap");
    // However often the indexer looks, the gap holds while the writer's transaction is open.
    for _ in 0..3 {
        s.catch_up(&app.pool)?;
        assert_eq!(
            s.applied(),
            before,
            "the open transaction's id is waited for"
        );
    }
    slow.batch_execute("COMMIT;")?;
    s.catch_up(&app.pool)?;
    assert_eq!(
        s.applied(),
        outbox_max(&app)?,
        "the late row closes the gap"
    );
    Ok(())
}

/// PostgreSQL only: an outbox id taken by a transaction that then rolls back (or whose process
/// was killed) is skipped as soon as that transaction has ended, not after a delay.
#[actix_web::test]
async fn postgres_outbox_id_of_a_rolled_back_transaction_is_skipped_once_it_ended(
) -> anyhow::Result<()> {
    use diesel::connection::SimpleConnection;
    let Some(app) = TestApp::postgres()? else {
        return Ok(());
    };
    let (s, before) = indexed_fixture(&app)?;
    let mut slow = holding_next_outbox_id(&app)?;
    app.import_str("n.jsonl", BEACH)?;
    s.catch_up(&app.pool)?;
    assert_eq!(s.applied(), before, "the gap is waited for");
    // The writer's connection goes away mid-transaction, as when its process is killed.
    slow.batch_execute("ROLLBACK;")?;
    drop(slow);
    s.catch_up(&app.pool)?;
    assert_eq!(
        s.applied(),
        outbox_max(&app)?,
        "the id that never comes is skipped at the next look"
    );
    Ok(())
}

db_test!(a_missing_outbox_id_is_skipped_at_the_next_look, |app| {
    use diesel::RunQueryDsl;
    let (s, before) = indexed_fixture(&app)?;
    app.import_str("n.jsonl", BEACH)?;
    app.import_str(
        "m.jsonl",
        &BEACH
            .replace("46/2024", "47/2024")
            .replace("bãi biển", "rừng ngập mặn"),
    )?;
    // The first new row goes missing (as an id no transaction ever commits).
    let delete = format!("DELETE FROM outbox WHERE id = {}", before + 1);
    let deleted = match app.pool.get()?.db() {
        vanban::db::Db::Sqlite(c) => diesel::sql_query(&delete).execute(c)?,
        vanban::db::Db::Pg(c) => diesel::sql_query(&delete).execute(c)?,
    };
    assert_eq!(deleted, 1);
    s.catch_up(&app.pool)?;
    assert_eq!(s.applied(), before, "a gap is first waited for");
    assert_eq!(
        total(&s, "rừng ngập mặn")?,
        1,
        "rows after the gap are applied meanwhile"
    );
    s.catch_up(&app.pool)?;
    assert_eq!(
        s.applied(),
        outbox_max(&app)?,
        "no transaction can fill it: skipped at the next look"
    );
    Ok(())
});

db_test!(numbers_as_people_type_them_in_every_search_box, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    for q in [
        "8/2020/NQ-HĐND",
        "8/2020/nq-hdnd",
        " 08 / 2020 / NQ - HĐND ",
        "08/NQ-HĐND",
        "8/nq-hdnd",
        "08/2020",
    ] {
        let (status, v) = search(&app, &format!("q={}", urlencode(q))).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(
            numbers(&v).first().map(String::as_str),
            Some("08/2020/NQ-HĐND"),
            "API search «{q}»: {v}"
        );
        // `/documents?q=` finds the same document, and only it.
        let (status, v) = app
            .get_json(&format!("/api/v1/documents?q={}", urlencode(q)))
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["total"], 1, "documents «{q}»: {v}");
        assert_eq!(v["rows"][0]["number"], "08/2020/NQ-HĐND", "{q}");
    }
    // Another ordinal or year is not that document.
    let (_, v) = app
        .get_json(&format!(
            "/api/v1/documents?q={}",
            urlencode("18/2020/NQ-HĐND")
        ))
        .await;
    assert_eq!(v["total"], 0, "{v}");
    Ok(())
});

db_test!(a_rebuild_puts_each_kinds_units_together, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let dir = app.dir.path().join("ordered");
    std::fs::create_dir_all(&dir)?;
    let (index, fields, _) = vanban::search::index::open_or_create(&dir)?;
    // One indexing thread and no merges: one segment, its units in the order they were added.
    let mut writer: vanban::search::build::Writer = index.writer_with_num_threads(1, 50_000_000)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    let mut conn = app.pool.get()?;
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let n = vanban::search::build::rebuild(&mut conn.db(), &mut writer, &fields, today)?;
    assert_eq!(n, 6);
    writer.commit()?;
    let searcher = index.reader()?.searcher();
    let mut kinds = Vec::new();
    for segment in searcher.segment_readers() {
        let column = segment
            .fast_fields()
            .str("kind")?
            .ok_or_else(|| anyhow::anyhow!("no kind column"))?;
        for doc in 0..segment.max_doc() {
            let mut kind = String::new();
            if let Some(ord) = column.term_ords(doc).next() {
                column.ord_to_str(ord, &mut kind)?;
            }
            kinds.push(kind);
        }
    }
    let documents = kinds.iter().filter(|k| *k == "document").count();
    assert_eq!(documents, 6);
    assert!(kinds.iter().any(|k| k == "article"), "{kinds:?}");
    // Every document's own unit comes before every article: a search in one scope skips
    // the postings blocks of the other kinds.
    let rank = |k: &String| {
        ["document", "article", "procedure"]
            .iter()
            .position(|x| x == k)
    };
    let ranks: Vec<_> = kinds.iter().map(rank).collect();
    assert!(ranks.iter().all(Option::is_some), "{kinds:?}");
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{kinds:?}");
    Ok(())
});
