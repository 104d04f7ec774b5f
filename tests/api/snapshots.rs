//! Snapshots of the JSON answers of the main API endpoints and of the HTML of the main pages,
//! on the sample data (`serve --demo`), so that a refactor shows every change it makes.
//!
//! One `.snap` file per answer in `tests/api/snapshots/`, shared by SQLite and PostgreSQL (the
//! name carries no backend). What changes from run to run is redacted before comparing: today's
//! date, timestamps, CSRF tokens, search timings, and a unit's completeness history (read over
//! the last twelve months up to today). Dates the pages take as a parameter are fixed.
//! Review a change with `cargo insta review` or `INSTA_UPDATE=always` (README, Tests).

use actix_web::test::TestRequest;
use chrono::Datelike;
use serde_json::{json, Value};

use crate::authkit::{add_user, cookie, session, Client, Resp};
use crate::db_test;
use crate::helpers::TestApp;

/// The sample data with a started review campaign over the former district of Đầm Dơi, one
/// decision proposed and approved in it, and the people who did it.
struct Site {
    client: Client,
    admin: String,
    /// The administrator's browser session (cookie secret).
    session: String,
    campaign: i64,
    decision: i64,
}

fn api_token(app: &TestApp, username: &str, role: &str) -> (i64, String) {
    let id = add_user(app, username, role, &[]);
    let mut conn = app.pool.get().unwrap();
    let token = conn
        .write(|db| vanban::auth::tokens::create(db, "cli", id, "snapshots", vanban::clock::now()))
        .unwrap()
        .1;
    (id, token)
}

async fn call(client: &Client, path: &str, token: &str, body: Option<Value>) -> Resp {
    let req = match body {
        Some(b) => TestRequest::post()
            .insert_header(("Content-Type", "application/json"))
            .set_payload(b.to_string()),
        None => TestRequest::get(),
    };
    client
        .send(
            req.uri(path)
                .insert_header(("Authorization", format!("Bearer {token}"))),
        )
        .await
}

async fn site(app: &TestApp) -> Site {
    let report = vanban::exchange::load_sample(&app.pool).unwrap().unwrap();
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let (admin_id, admin) = api_token(app, "quantri", "admin");
    let (_, approver) = api_token(app, "pheduyet", "approver");
    let (session, _) = session(app, admin_id);
    let client = Client::with_state(state_on_the_day(app)).await;

    let r = call(
        &client,
        "/api/v1/campaigns",
        &admin,
        Some(json!({
            "name": "Rà soát sau sắp xếp huyện Đầm Dơi", "kind": "reorganisation",
            "predecessor_unit": "970", "deadline": "2025-12-31"
        })),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let campaign = r.json()["id"].as_i64().unwrap();
    let r = call(
        &client,
        &format!("/api/v1/campaigns/{campaign}/start"),
        &admin,
        Some(json!({})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = call(
        &client,
        &format!("/api/v1/campaigns/{campaign}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let document = first_document(&r.json());
    let r = call(
        &client,
        &format!("/api/v1/campaigns/{campaign}/decisions"),
        &admin,
        Some(json!({
            "document_id": document, "kind": "keep",
            "reason": "Vẫn phù hợp sau sắp xếp đơn vị hành chính"
        })),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let decision = r.json()["id"].as_i64().unwrap();
    let r = client
        .send(
            TestRequest::post()
                .uri(&format!("/api/v1/decisions/{decision}/approve"))
                .insert_header(("Authorization", format!("Bearer {approver}")))
                .insert_header(("If-Match", "\"v1\""))
                .insert_header(("Content-Type", "application/json"))
                .set_payload("{}"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    Site {
        client,
        admin,
        session,
        campaign,
        decision,
    }
}

/// The day the search index derives statuses on (the pages take it as `date`), so that search
/// results do not change with the calendar.
const DAY: &str = "2026-06-30";

/// The app as served, its search index caught up with the database and dated [`DAY`].
fn state_on_the_day(app: &TestApp) -> vanban::app::AppState {
    let day = chrono::NaiveDate::parse_from_str(DAY, "%Y-%m-%d").unwrap();
    let clock: vanban::search::service::Clock = std::sync::Arc::new(move || day);
    let search = vanban::search::service::SearchService::in_memory(clock.clone()).unwrap();
    search.catch_up(&app.pool).unwrap();
    vanban::app::AppState::new(
        app.pool.clone(),
        Some(std::sync::Arc::new(search)),
        vanban::config::SEARCH_CACHE_ENTRIES,
    )
    .with_clock(clock)
}

/// The id of the first document of a campaign's answer.
fn first_document(v: &Value) -> i64 {
    v["documents"][0]
        .as_i64()
        .unwrap_or_else(|| panic!("no documents in {v}"))
}

/// Filters for what changes from run to run; today's date in the forms the pages write it.
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    s.set_snapshot_path("snapshots");
    s.set_omit_expression(true);
    let today = vanban::clock::today();
    // Timestamps first (they hold a date that may be today's).
    s.add_filter(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?",
        "[timestamp]",
    );
    // Today in Vietnam, and the date of the stored UTC timestamps (the day of the campaign
    // chart), which differ between 17:00 and midnight UTC.
    let utc_day = vanban::clock::now().date();
    for day in [today, utc_day] {
        for format in ["%Y-%m-%d", "%d/%m/%Y", "%-d/%-m/%Y"] {
            // Digits, `-` and `/`: nothing to escape in a regex.
            s.add_filter(&format!(r"\b{}\b", day.format(format)), "[today]");
        }
    }
    // The menu links to last year's list of expired documents.
    s.add_filter(
        &format!(r#"href="/annual-lists/{}""#, today.year() - 1),
        r#"href="/annual-lists/[last year]""#,
    );
    s.add_filter(r#""took_ms": [0-9.eE+-]+"#, r#""took_ms": "[took_ms]""#);
    s.add_filter(
        r#"name="csrf_token" value="[^"]*""#,
        r#"name="csrf_token" value="[csrf]""#,
    );
    s
}

/// Every snapshot of this file: a name asserted must be listed, and a file in
/// `tests/api/snapshots/` that no test asserts any more fails [`no_snapshot_is_left_over`].
const SNAPSHOTS: &[&str] = &[
    "api_campaign",
    "api_completeness",
    "api_decision",
    "api_document",
    "api_document_status",
    "api_documents",
    "api_inspection",
    "api_openapi",
    "api_problem_400",
    "api_problem_400_not_a_number",
    "api_problem_404",
    "api_problem_404_not_a_number",
    "api_procedure",
    "api_procedures",
    "api_scorecard_province",
    "api_scorecard_unit",
    "api_search",
    "api_unit_inspections",
    "api_unit_procedures",
    "page_authority",
    "page_bad_request",
    "page_campaign",
    "page_completeness",
    "page_document",
    "page_documents",
    "page_home",
    "page_inspection",
    "page_login",
    "page_not_found",
    "page_not_found_not_a_number",
    "page_procedure",
    "page_procedures",
    "page_provision",
    "page_scorecard_province",
    "page_scorecard_unit",
    "page_search",
    "page_unit",
    "page_unit_inspections",
    "page_unit_procedures",
];

/// Asserts a JSON answer: status, content type and the body (pretty, keys sorted).
fn json_snap(name: &str, r: &Resp) {
    json_snap_with(name, r, |_| {});
}

/// As [`json_snap`], with the body changed first (to leave out what depends on the calendar).
fn json_snap_with(name: &str, r: &Resp, change: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_str(&r.body)
        .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {}", r.body));
    change(&mut v);
    snap(name, r, &serde_json::to_string_pretty(&v).unwrap(), &[]);
}

/// Asserts an HTML page: status, content type and the page.
fn html_snap(name: &str, r: &Resp) {
    snap(name, r, &r.body, &[]);
}

/// Asserts an answer after the common filters and `extra` ones (regex, replacement).
fn snap(name: &str, r: &Resp, body: &str, extra: &[(&str, &str)]) {
    assert!(
        SNAPSHOTS.contains(&name),
        "snapshot {name} is not listed in SNAPSHOTS"
    );
    let text = format!(
        "status: {}\ncontent-type: {}\n\n{body}",
        r.status,
        r.header("content-type").unwrap_or_default(),
    );
    let mut settings = settings();
    for (regex, replacement) in extra {
        settings.add_filter(regex, *replacement);
    }
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// A unit's completeness over time is read at the ends of the last twelve months up to today:
/// which points there are, and their figures, change with the calendar.
const HISTORY: &str = "[the last twelve months up to today]";

#[test]
fn no_snapshot_is_left_over() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/snapshots");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".snap").map(String::from)
        })
        .collect();
    files.sort();
    let mut listed: Vec<String> = SNAPSHOTS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "the .snap files of tests/api/snapshots/ and the names in SNAPSHOTS differ"
    );
}

async fn get(site: &Site, path: &str) -> Resp {
    site.client.send(TestRequest::get().uri(path)).await
}

async fn get_signed_in(site: &Site, path: &str) -> Resp {
    site.client
        .send(
            TestRequest::get()
                .uri(path)
                .insert_header(cookie(&site.session)),
        )
        .await
}

async fn get_api(site: &Site, path: &str) -> Resp {
    call(&site.client, path, &site.admin, None).await
}

/// The district's rules of coordination, amended in part and suspended in part.
const SHOWN: &str = "03/2019/QĐ-UBND";
/// Its stable address.
const SHOWN_ELI: &str = "/eli/vn/ubnd-970/quyet-dinh/2019/03";

/// The row of [`SHOWN`] in a document list answer.
fn shown_row(list: &Resp) -> Value {
    list.json()["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["number"] == SHOWN))
        .cloned()
        .unwrap_or_else(|| panic!("{SHOWN} not listed: {}", list.body))
}

db_test!(the_json_answers_of_the_api, |app| {
    let s = site(&app).await;
    let list = get_api(&s, &format!("/api/v1/documents?date={DAY}&per_page=200")).await;
    json_snap("api_documents", &list);
    let id = shown_row(&list)["id"].as_i64().unwrap();
    let (campaign, decision) = (s.campaign, s.decision);
    let paths = [
        ("api_document", format!("/api/v1/documents/{id}?date={DAY}")),
        (
            "api_document_status",
            format!("/api/v1/documents/{id}/status?date={DAY}"),
        ),
        ("api_search", "/api/v1/search?q=nuoi%20tom".into()),
        ("api_procedures", format!("/api/v1/procedures?date={DAY}")),
        (
            "api_procedure",
            format!("/api/v1/procedures/1.001193?date={DAY}"),
        ),
        (
            "api_unit_procedures",
            format!("/api/v1/units/32152/procedures?date={DAY}"),
        ),
        (
            "api_completeness",
            format!("/api/v1/units/32152/completeness?date={DAY}"),
        ),
        (
            "api_scorecard_unit",
            "/api/v1/units/32152/scorecard?year=2025".into(),
        ),
        (
            "api_scorecard_province",
            "/api/v1/scorecard?province=96&year=2025".into(),
        ),
        ("api_inspection", "/api/v1/inspections/1".into()),
        ("api_campaign", format!("/api/v1/campaigns/{campaign}")),
        ("api_decision", format!("/api/v1/decisions/{decision}")),
        ("api_openapi", "/api/v1/openapi.json".into()),
        ("api_problem_404", "/api/v1/documents/999999".into()),
        (
            "api_problem_404_not_a_number",
            "/api/v1/documents/abc".into(),
        ),
        (
            "api_problem_400",
            "/api/v1/documents?date=31-12-2025".into(),
        ),
        (
            "api_problem_400_not_a_number",
            "/api/v1/procedures?per_page=abc".into(),
        ),
    ];
    for (name, path) in paths {
        json_snap(name, &get_api(&s, &path).await);
    }
    let r = get_api(&s, "/api/v1/units/32167/inspections").await;
    json_snap_with("api_unit_inspections", &r, |v| v["points"] = json!(HISTORY));
    Ok(())
});

db_test!(the_html_of_the_main_pages, |app| {
    let s = site(&app).await;
    let list = get_api(&s, "/api/v1/documents?per_page=200").await;
    let authority = shown_row(&list)["authority_id"].as_i64().unwrap();
    let public = [
        // The overview counts statuses on today (the page takes no date): the state is dated
        // [`DAY`], so the counts do not change when the sample's 18/2026/NQ-HĐND comes into
        // force on 1 January 2027.
        ("page_home", "/".to_string()),
        ("page_documents", format!("/documents?date={DAY}")),
        ("page_document", format!("{SHOWN_ELI}?date={DAY}")),
        ("page_provision", format!("{SHOWN_ELI}/dieu-6?date={DAY}")),
        ("page_search", "/search?q=nuoi%20tom".into()),
        (
            "page_authority",
            format!("/authorities/{authority}?date={DAY}"),
        ),
        ("page_unit", format!("/units/970?date={DAY}")),
        ("page_procedures", format!("/procedures?date={DAY}")),
        ("page_procedure", format!("/procedures/1.001193?date={DAY}")),
        (
            "page_unit_procedures",
            format!("/units/32152/procedures?date={DAY}"),
        ),
        (
            "page_completeness",
            format!("/units/32152/completeness?date={DAY}"),
        ),
        ("page_login", "/login".into()),
        ("page_not_found", "/units/99999".into()),
        ("page_not_found_not_a_number", "/authorities/abc".into()),
        ("page_bad_request", "/documents?date=31-12-2025".into()),
    ];
    for (name, path) in public {
        html_snap(name, &get(&s, &path).await);
    }
    let signed_in = [
        (
            "page_scorecard_unit",
            "/units/32152/scorecard?year=2025".to_string(),
        ),
        (
            "page_scorecard_province",
            "/scorecard?province=96&year=2025".into(),
        ),
        ("page_campaign", format!("/campaigns/{}", s.campaign)),
        ("page_inspection", "/inspections/1".into()),
    ];
    for (name, path) in signed_in {
        html_snap(name, &get_signed_in(&s, &path).await);
    }
    let r = get_signed_in(&s, "/units/32167/inspections").await;
    let history =
        format!(r#"<section class="doc-section" aria-labelledby="dien-bien">{HISTORY}</section>"#);
    snap(
        "page_unit_inspections",
        &r,
        &r.body,
        &[(
            r#"(?s)<section class="doc-section" aria-labelledby="dien-bien">.*?</section>"#,
            &history,
        )],
    );
    Ok(())
});
