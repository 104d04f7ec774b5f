//! The header search as one answer on the demo data: procedures first when the query names
//! one, communes and wards, every spelling of a number, a number that names no document, odd
//! queries; and the labelled citizen queries: `tests/data/citizen-queries.tsv` (tuned on,
//! in-sample), whose rank-1 rate must stay at 90% or more, and
//! `tests/data/citizen-queries-heldout.tsv` (written before measuring, out-of-sample), which
//! must stay at its measured floor.

use vanban::app::search::{run, SearchQuery};
use vanban::web::public::urlencode;

use crate::db_test;
use crate::helpers::TestApp;

async fn search(app: &TestApp, q: &str) -> (u16, serde_json::Value) {
    app.get_json(&format!("/api/v1/search?q={}", urlencode(q)))
        .await
}

fn first(v: &serde_json::Value) -> (String, String) {
    let r = &v["results"][0];
    (
        r["kind"].as_str().unwrap_or_default().to_string(),
        r["code"].as_str().unwrap_or_default().to_string(),
    )
}

fn demo(app: &TestApp) -> anyhow::Result<()> {
    let report = vanban::exchange::load_sample(&app.pool)?.expect("an empty database");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    Ok(())
}

db_test!(a_procedure_named_comes_before_the_laws, |app| {
    demo(&app)?;
    for (q, code) in [
        ("thủ tục đăng ký khai sinh", "1.001193"),
        ("dang ky khai sinh", "1.001193"),
        ("làm giấy khai sinh", "1.001193"),
        ("cấp giấy phép xây dựng", "1.009994"),
        ("1001193", "1.001193"),
    ] {
        let (status, v) = search(&app, q).await;
        assert_eq!(status, 200, "{q}: {v}");
        assert_eq!(first(&v), ("procedure".into(), code.into()), "{q}: {v}");
        let p = &v["results"][0]["procedure"];
        assert!(
            p["levels"].as_array().is_some_and(|l| !l.is_empty()) && p["agency"] != "",
            "{q}: level and agency shown: {p}"
        );
        // The documents are still there, with their own count and facets (a code names
        // no document).
        if q != "1001193" {
            assert!(v["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["kind"] == "document"));
            assert_eq!(v["hits"][0]["kind"], "document", "{q}");
            assert!(v["facets"]["type"]
                .as_array()
                .is_some_and(|f| !f.is_empty()));
        }
    }
    // Only the names covering the query best lead: "Đăng ký khai tử" does not.
    let (_, v) = search(&app, "thủ tục đăng ký khai sinh").await;
    let kinds: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap_or_default())
        .collect();
    let lead = kinds.iter().take_while(|k| **k == "procedure").count();
    assert!(lead >= 1 && lead < kinds.len(), "{kinds:?}");
    assert!(v["results"].as_array().unwrap()[..lead]
        .iter()
        .all(|r| r["code"] != "1.000656"));
    // A law named by its name stays first: the procedure's name does not cover "luật".
    let (_, v) = search(&app, "luật hộ tịch").await;
    assert_eq!(first(&v), ("document".into(), "60/2014/QH13".into()), "{v}");
    // On the page: the procedure first, kind-labelled, with its code, level and agency.
    let (status, _, page) = app
        .get(&format!(
            "/search?q={}",
            urlencode("thủ tục đăng ký khai sinh")
        ))
        .await;
    assert_eq!(status, 200);
    let first_hit = page.split("<li class=\"hit\">").nth(1).unwrap_or_default();
    assert!(first_hit.contains(">Thủ tục</span>"), "{first_hit}");
    assert!(first_hit.contains("Đăng ký khai sinh") && first_hit.contains("1.001193"));
    assert!(first_hit.contains("Cấp xã") && first_hit.contains("Ủy ban nhân dân cấp xã"));
    let law = page.find("Luật Hộ tịch").unwrap_or(usize::MAX);
    assert!(page.find("/procedures/1.001193").unwrap_or(usize::MAX) < law);
    Ok(())
});

db_test!(a_commune_named_is_the_answer, |app| {
    demo(&app)?;
    for q in ["xã Tân Duyệt", "xa tan duyet"] {
        let (_, v) = search(&app, q).await;
        assert_eq!(first(&v), ("unit".into(), "32173".into()), "{q}: {v}");
        let u = &v["results"][0];
        assert_eq!(u["url"], "/units/32173");
        assert_eq!(u["unit"]["successors"][0], "Xã Đầm Dơi", "{u}");
    }
    // The old town and the new commune of the same code are told apart by their kind.
    let (_, v) = search(&app, "thị trấn Đầm Dơi").await;
    assert_eq!(first(&v).1, "32152@2025-06-30", "{v}");
    let (_, v) = search(&app, "xã Đầm Dơi").await;
    assert_eq!(first(&v).1, "32152@2025-07-01", "{v}");
    // A commune in a question about something else is not the answer.
    let (_, v) = search(&app, "vệ sinh môi trường xã tân duyệt").await;
    assert_eq!(
        first(&v),
        ("document".into(), "02/2019/QĐ-UBND".into()),
        "{v}"
    );
    let (_, _, page) = app
        .get(&format!("/search?q={}", urlencode("xã Tân Duyệt")))
        .await;
    let first_hit = page.split("<li class=\"hit\">").nth(1).unwrap_or_default();
    assert!(first_hit.contains(">Xã, phường</span>") && first_hit.contains("/units/32173"));
    Ok(())
});

db_test!(every_spelling_of_a_number_finds_it_in_every_box, |app| {
    demo(&app)?;
    for q in [
        "7/2020/NQ-HĐND",
        "07/2020/nq-hdnd",
        "07 / 2020 / NQ - HĐND",
        "07/NQ-HĐND",
    ] {
        let (status, v) = search(&app, q).await;
        assert_eq!(status, 200);
        assert_eq!(
            first(&v),
            ("document".into(), "07/2020/NQ-HĐND".into()),
            "{q}"
        );
        assert_eq!(v["number"]["found"], true, "{q}");
        let (_, list) = app
            .get_json(&format!("/api/v1/documents?q={}", urlencode(q)))
            .await;
        assert_eq!(list["rows"][0]["number"], "07/2020/NQ-HĐND", "{q}: {list}");
        assert_eq!(list["total"], 1, "{q}");
    }
    for q in ["1.001193", "1001193", " 1. 001193 "] {
        let (status, v) = app
            .get_json(&format!("/api/v1/procedures?q={}", urlencode(q)))
            .await;
        assert_eq!(status, 200, "{q}: {v}");
        assert_eq!(v["items"][0]["code"], "1.001193", "{q}: {v}");
        assert_eq!(v["total"], 1, "{q}");
        let (_, _, page) = app.get(&format!("/procedures?q={}", urlencode(q))).await;
        assert!(page.contains("/procedures/1.001193"), "{q}");
        let (_, v) = app
            .get_json(&format!(
                "/api/v1/search?scope=procedures&q={}",
                urlencode(q)
            ))
            .await;
        assert_eq!(v["hits"][0]["number"], "1.001193", "{q}");
    }
    Ok(())
});

db_test!(a_number_naming_no_document_says_so_with_near_ones, |app| {
    demo(&app)?;
    let (status, v) = search(&app, "15/2018/NQ-HĐND").await;
    assert_eq!(status, 200);
    assert_eq!(v["number"]["found"], false, "{v}");
    assert_eq!(v["number"]["typed"], "15/2018/NQ-HĐND");
    let near: Vec<&str> = v["number"]["near"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["number"].as_str().unwrap_or_default())
        .collect();
    assert!(near.contains(&"15/2023/NQ-HĐND"), "{near:?}");
    assert!(!near.contains(&"15/2018/NQ-HĐND"));
    let (_, _, page) = app
        .get(&format!("/search?q={}", urlencode("15/2018/nq-hdnd")))
        .await;
    let notice = page.find("Không có văn bản số").expect("the notice");
    // The number as typed, tidied (upper case, spaces out).
    assert!(page[notice..]
        .starts_with("Không có văn bản số <span class=\"mono\">15/2018/NQ-HDND</span>"));
    assert!(page.contains("Có phải bạn muốn tìm"));
    let id = v["number"]["near"][0]["id"].as_i64().unwrap();
    assert!(page.contains(&format!("href=\"/documents/{id}\"")));
    // Before any other result.
    if let Some(hit) = page.find("<li class=\"hit\">") {
        assert!(notice < hit);
    }
    // A number that exists says nothing of the kind.
    let (_, _, page) = app
        .get(&format!("/search?q={}", urlencode("07/2020/NQ-HĐND")))
        .await;
    assert!(!page.contains("Không có văn bản số"));
    // Nothing near: the notice says to check the number.
    let (_, v) = search(&app, "99/2020/NQ-HĐND").await;
    assert_eq!(v["number"]["found"], false);
    assert_eq!(v["number"]["near"], serde_json::json!([]));
    Ok(())
});

db_test!(empty_long_and_punctuation_queries, |app| {
    demo(&app)?;
    let (status, empty) = search(&app, "").await;
    assert_eq!(status, 200);
    assert_eq!(empty["number"], serde_json::Value::Null);
    assert_eq!(
        empty["results"].as_array().map(Vec::len),
        empty["hits"].as_array().map(Vec::len),
        "browsing: the newest documents only"
    );
    let (status, blank) = search(&app, "   \t ").await;
    assert_eq!(status, 200);
    assert_eq!(blank["total"], empty["total"]);
    for q in ["...", "/", "// -- ??", "\"(:*-", "15/", "/2018/"] {
        let (status, v) = search(&app, q).await;
        assert_eq!(status, 200, "{q}: {v}");
        assert_eq!(v["number"], serde_json::Value::Null, "{q}");
        let (status, _, _) = app.get(&format!("/search?q={}", urlencode(q))).await;
        assert_eq!(status, 200, "{q}");
    }
    let long = "khai sinh ".repeat(101);
    let (status, v) = search(&app, &long).await;
    assert_eq!((status, v["code"].as_str()), (400, Some("bad_request")));
    let (status, _, page) = app.get(&format!("/search?q={}", urlencode(&long))).await;
    assert_eq!(status, 400);
    assert!(page.contains("dài quá 1000 ký tự"), "{page}");
    // Just under the bound: answered.
    let (status, _) = search(&app, &"khai sinh ".repeat(100)).await;
    assert_eq!(status, 200);
    Ok(())
});

db_test!(
    the_documents_list_says_when_a_number_names_no_document,
    |app| {
        demo(&app)?;
        let q = urlencode("15/2018/NQ-HĐND");
        let (status, v) = app.get_json(&format!("/api/v1/documents?q={q}")).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["number"]["found"], false, "{v}");
        assert_eq!(v["number"]["typed"], "15/2018/NQ-HĐND");
        let near = v["number"]["near"].as_array().expect("near numbers");
        assert!(!near.is_empty(), "{v}");
        // The same near numbers as the search's (one function).
        let (_, s) = search(&app, "15/2018/NQ-HĐND").await;
        assert_eq!(v["number"], s["number"]);
        let (status, _, page) = app.get(&format!("/documents?q={q}")).await;
        assert_eq!(status, 200);
        let notice = page
            .find("Không có văn bản số <span class=\"mono\">15/2018/NQ-HĐND</span>")
            .expect("the notice");
        assert!(page.contains("Có phải bạn muốn tìm"));
        for d in near {
            let href = format!("href=\"{}\"", d["url"].as_str().unwrap_or("?"));
            let at = page
                .find(&href)
                .unwrap_or_else(|| panic!("{href} on the page"));
            assert!(at > notice);
        }
        // Before the list and its count.
        let summary = page.find("class=\"result-summary\"").expect("the count");
        assert!(notice < summary);

        // A number that names a document, as typed: found, listed, no notice.
        let q = urlencode("7/2020/NQ-HĐND");
        let (_, v) = app.get_json(&format!("/api/v1/documents?q={q}")).await;
        assert_eq!(v["number"]["found"], true, "{v}");
        assert_eq!(v["number"]["near"], serde_json::json!([]));
        assert!(v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.to_string().contains("07/2020/NQ-HĐND")));
        let (status, _, page) = app.get(&format!("/documents?q={q}")).await;
        assert_eq!(status, 200);
        assert!(!page.contains("Không có văn bản số"));
        assert!(page.contains("07/2020/NQ-HĐND"));
        // Another filter hiding it does not make the number unknown.
        let (_, v) = app
            .get_json(&format!(
                "/api/v1/documents?q={q}&type={}",
                urlencode("Luật")
            ))
            .await;
        assert_eq!(v["number"]["found"], true, "{v}");
        // Words are not a number; nothing near: the notice says to check the number.
        let (_, v) = app
            .get_json(&format!("/api/v1/documents?q={}", urlencode("nuôi tôm")))
            .await;
        assert_eq!(v["number"], serde_json::Value::Null);
        let (_, _, page) = app
            .get(&format!("/documents?q={}", urlencode("99/2020/NQ-HĐND")))
            .await;
        assert!(page.contains("Không có văn bản số"));
        assert!(page.contains("Hãy kiểm tra lại số thứ tự"));
        assert!(!page.contains("Có phải bạn muốn tìm"));
        Ok(())
    }
);

/// The numbers of the documents among the answers, in their order.
fn document_numbers(v: &serde_json::Value) -> Vec<String> {
    v["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter(|a| a["kind"] == "document")
                .map(|a| a["code"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn hit_numbers(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .map(|h| {
            h.iter()
                .map(|a| a["number"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

db_test!(an_article_that_answers_joins_the_one_answer, |app| {
    demo(&app)?;
    // The working hours are one article of the decision on the one-stop desks: it leads,
    // with its document right after it.
    let (status, v) = search(&app, "giờ làm việc bộ phận một cửa").await;
    assert_eq!(status, 200, "{v}");
    let r = &v["results"];
    assert_eq!(r[0]["kind"], "article", "{v}");
    assert_eq!(r[0]["label"], "Điều khoản");
    assert_eq!(r[0]["code"], "25/2018/QĐ-UBND");
    assert_eq!(r[0]["hit"]["article"]["number"], "Điều 6");
    assert_eq!(r[0]["hit"]["article"]["heading"], "Thời gian làm việc");
    assert!(r[0]["url"]
        .as_str()
        .is_some_and(|u| u.starts_with("/documents/") && u.matches('/').count() == 3));
    assert_eq!(r[1]["kind"], "document");
    assert_eq!(r[1]["code"], "25/2018/QĐ-UBND");
    assert_eq!(v["hits"][0]["number"], "25/2018/QĐ-UBND");
    // Only answers: no article of the scope's hits that merely matches.
    let articles = r
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "article")
        .count();
    assert!((1..=3).contains(&articles), "{v}");
    // The page shows it as an article of its document, first.
    let (status, _, page) = app
        .get(&format!(
            "/search?q={}",
            urlencode("giờ làm việc bộ phận một cửa")
        ))
        .await;
    assert_eq!(status, 200);
    let top = page.find("<li class=\"hit\">").expect("a result");
    let article = page
        .find("Điều 6. Thời gian làm việc — Quyết định 25/2018/QĐ-UBND")
        .expect("the article on the page");
    assert!(top < article);
    assert!(page[top..article].contains("<span class=\"badge\">Điều khoản</span>"));
    assert_eq!(page[top..article].matches("<li class=\"hit\">").count(), 1);

    // Allowances asked for: the allowance article of several resolutions, one each, at most
    // three, the first resolution still first among the documents.
    let (_, v) = search(&app, "mức phụ cấp trưởng ấp").await;
    let r = v["results"].as_array().unwrap();
    let arts: Vec<&serde_json::Value> = r.iter().filter(|a| a["kind"] == "article").collect();
    assert!((2..=3).contains(&arts.len()), "{v}");
    let mut docs: Vec<&str> = arts.iter().filter_map(|a| a["code"].as_str()).collect();
    docs.dedup();
    assert_eq!(docs.len(), arts.len(), "one article per document: {v}");
    assert!(arts
        .iter()
        .all(|a| a["hit"]["article"]["heading"] == "Mức phụ cấp"));
    assert_eq!(document_numbers(&v), hit_numbers(&v));

    // The title of the first document has every word asked: it is the answer, not its
    // articles.
    let (_, v) = search(&app, "nuoi tom").await;
    assert_eq!(v["results"][0]["kind"], "document", "{v}");
    let lead = v["results"][0]["code"].clone();
    assert!(v["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["kind"] != "article" || a["code"] != lead));
    // A query no single article answers better than a document: documents only.
    let (_, v) = search(&app, "luật đất đai").await;
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["kind"] != "article"),
        "{v}"
    );
    // A procedure that leads stays first.
    let (_, v) = search(&app, "thủ tục đăng ký khai sinh").await;
    assert_eq!(first(&v), ("procedure".into(), "1.001193".into()), "{v}");
    // Articles only in the one answer of the first page by relevance without filters.
    let (_, v) = app
        .get_json(&format!(
            "/api/v1/search?q={}&sort=date",
            urlencode("giờ làm việc bộ phận một cửa")
        ))
        .await;
    assert!(v["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["kind"] == "document"));
    Ok(())
});

db_test!(the_documents_are_the_same_with_articles_merged, |app| {
    demo(&app)?;
    let state = app.state().await;
    let org = state.org_cache.get(&app.pool)?;
    let tsv = [
        include_str!("../data/citizen-queries.tsv"),
        include_str!("../data/citizen-queries-heldout.tsv"),
    ];
    let mut with_articles = 0;
    for l in tsv.iter().flat_map(|t| labelled(t)) {
        let r = run(
            &state,
            SearchQuery {
                q: Some(l.q.clone()),
                ..SearchQuery::default()
            },
        )
        .await?;
        let docs = |answers: &[vanban::app::answers::Answer]| -> Vec<(String, i64)> {
            answers
                .iter()
                .filter(|a| a.kind == "document")
                .filter_map(|a| a.hit.as_ref().map(|h| (h.number.clone(), h.document_id)))
                .collect()
        };
        let hits: Vec<(String, i64)> = r
            .hits
            .iter()
            .map(|h| (h.number.clone(), h.document_id))
            .collect();
        // The documents of the one answer are the hits, in their order.
        assert_eq!(docs(&r.results), hits, "{}", l.q);
        if r.results.iter().any(|a| a.kind == "article") {
            with_articles += 1;
            // The same merge without articles: the same documents, in the same order.
            let without = vanban::app::answers::merge(
                &r.hits,
                vanban::app::answers::Others {
                    query: &r.query,
                    org: &org,
                    procedures: &[],
                    catalogue: None,
                    articles: &[],
                },
            );
            assert_eq!(docs(&without), hits, "{}", l.q);
            assert!(without.iter().all(|a| a.kind != "article"));
        }
        // Hits, count and facets are those of the documents' search alone.
        let query = SearchQuery {
            q: Some(l.q.clone()),
            ..SearchQuery::default()
        };
        let (params, _) = vanban::app::search::parse(&query, &org)?;
        let service = state.search.clone().expect("the search service");
        let alone = vanban::search::query::search(&service.searcher(), &service.fields, &params)?;
        let alone_hits: Vec<(String, i64)> = alone
            .hits
            .iter()
            .map(|h| (h.number.clone(), h.document_id))
            .collect();
        assert_eq!(alone_hits, hits, "{}", l.q);
        assert_eq!(alone.total, r.total, "{}", l.q);
        assert_eq!(
            serde_json::to_value(&alone.facets)?,
            serde_json::to_value(&r.facets)?,
            "{}",
            l.q
        );
    }
    assert!(with_articles > 0, "some labelled query has an article");
    Ok(())
});

/// One labelled query: the words, the kind expected first, its code or number.
struct Labelled {
    q: String,
    kind: String,
    want: String,
}

/// The labelled queries of one TSV file (question, kind, code or number; `#` comments).
fn labelled(tsv: &str) -> Vec<Labelled> {
    tsv.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split('\t').collect();
            assert_eq!(parts.len(), 3, "three columns: {l}");
            Labelled {
                q: parts[0].into(),
                kind: parts[1].into(),
                want: parts[2].into(),
            }
        })
        .collect()
}

/// The rank-1 rate of one labelled set through the function the page runs: the number of
/// queries answered first by what their label names, and the misses.
async fn rank_first(
    state: &vanban::app::AppState,
    queries: &[Labelled],
) -> anyhow::Result<(usize, Vec<String>)> {
    let mut hits = 0;
    let mut misses = Vec::new();
    for l in queries {
        let r = run(
            state,
            SearchQuery {
                q: Some(l.q.clone()),
                ..SearchQuery::default()
            },
        )
        .await?;
        let top = r.results.first();
        let good = match l.kind.as_str() {
            "missing" => r.number.as_ref().is_some_and(|n| !n.found),
            "document" => top
                .is_some_and(|a| (a.kind == "document" || a.kind == "article") && a.code == l.want),
            kind => top.is_some_and(|a| a.kind == kind && a.code == l.want),
        };
        if good {
            hits += 1;
        } else {
            misses.push(format!(
                "{} ({} {}): first {:?}",
                l.q,
                l.kind,
                l.want,
                top.map(|a| (a.kind.as_str(), a.code.as_str()))
            ));
        }
    }
    Ok((hits, misses))
}

/// The floor of the held-out set: its rate measured once on the code as it was when the set
/// was written (62/65 = 95.4% at 133c7e3), rounded down to the nearest 5%. Not to be raised
/// by tuning on its misses.
const HELDOUT_FLOOR: f64 = 0.95;

/// Both labelled sets on the demo's data (the sample and the country's units): the tuned set
/// (`citizen-queries.tsv`, in view while the rules were written: in-sample) keeps 90%; the
/// held-out set (`citizen-queries-heldout.tsv`, written before measuring, never tuned on:
/// out-of-sample) keeps its measured floor. Each prints its rate and misses.
#[actix_web::test]
async fn citizen_queries_rank_first() -> anyhow::Result<()> {
    let app = TestApp::sqlite()?;
    demo(&app)?;
    vanban::exchange::load_country_units(&app.pool)?;
    let state = app.state().await;
    let tuned = labelled(include_str!("../data/citizen-queries.tsv"));
    let heldout = labelled(include_str!("../data/citizen-queries-heldout.tsv"));
    assert!(tuned.len() >= 60);
    assert!(heldout.len() >= 45);
    // The held-out questions are new ones.
    for h in &heldout {
        assert!(
            !tuned.iter().any(|t| t.q == h.q),
            "held-out query also in the tuned set: {}",
            h.q
        );
    }
    let mut rates = Vec::new();
    for (name, set) in [
        ("tuned set, in-sample", &tuned),
        ("held-out set, out-of-sample", &heldout),
    ] {
        let (hits, misses) = rank_first(&state, set).await?;
        let rate = hits as f64 / set.len() as f64;
        println!(
            "citizen queries ({name}): rank-1 {hits}/{} = {:.1}%",
            set.len(),
            rate * 100.0
        );
        for m in &misses {
            println!("  miss: {m}");
        }
        rates.push((rate, misses));
    }
    let (tuned_rate, tuned_misses) = &rates[0];
    assert!(
        *tuned_rate >= 0.90,
        "tuned set: rank-1 {:.1}% < 90%: {tuned_misses:#?}",
        tuned_rate * 100.0
    );
    let (heldout_rate, heldout_misses) = &rates[1];
    assert!(
        *heldout_rate >= HELDOUT_FLOOR,
        "held-out set: rank-1 {:.1}% < {:.0}%: {heldout_misses:#?}",
        heldout_rate * 100.0,
        HELDOUT_FLOOR * 100.0
    );
    Ok(())
}
