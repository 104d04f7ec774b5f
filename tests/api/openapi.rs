//! The OpenAPI description (`/api/v1/openapi.json`) and the API page (`/api`): every `/api/`
//! route of the route table is described and nothing else is, the document holds together as
//! OpenAPI 3, access rules match the table, errors are problem documents, and the page shows
//! every operation.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use crate::db_test;
use crate::helpers::FIXTURE;
use vanban::auth::Access;
use vanban::routes::openapi::openapi_path_of;
use vanban::routes::ROUTES;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn document() -> Value {
    serde_json::to_value(vanban::routes::openapi::document()).unwrap()
}

/// (METHOD, OpenAPI path) of every operation of the document.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

fn api_routes() -> BTreeSet<(String, String)> {
    ROUTES
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| (r.method.as_str().to_string(), openapi_path_of(r.path)))
        .collect()
}

#[test]
fn every_api_route_is_described_and_nothing_else() {
    let doc = document();
    let described = operations(&doc);
    let routes = api_routes();
    let missing: Vec<_> = routes.difference(&described).collect();
    let extra: Vec<_> = described.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "routes of ROUTES missing from the OpenAPI document: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "operations of the document that ROUTES does not serve: {extra:?}"
    );
    assert!(routes.len() >= 27, "{}", routes.len());
    assert!(routes.contains(&("GET".into(), "/api/v1/documents/{id}".into())));
    assert!(routes.contains(&("DELETE".into(), "/api/v1/me/tokens/{id}".into())));
}

/// Resolves a local `$ref` (`#/components/schemas/X`).
fn resolve<'a>(doc: &'a Value, r: &str) -> Option<&'a Value> {
    doc.pointer(r.strip_prefix('#')?)
}

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn the_document_is_openapi_3() {
    let doc = document();
    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3."), "{version}");
    assert!(!doc["info"]["title"].as_str().unwrap().is_empty());
    assert!(doc["info"]["version"].is_string());
    assert!(doc["paths"].as_object().is_some_and(|p| !p.is_empty()));

    // Every reference resolves.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in &all {
        assert!(r.starts_with("#/components/"), "{r}");
        assert!(resolve(&doc, r).is_some(), "dangling reference {r}");
    }

    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["type"], "apiKey");
    assert_eq!(schemes["session"]["in"], "cookie");
    let problem = &doc["components"]["schemas"]["Problem"];
    for field in ["type", "title", "status", "code", "detail"] {
        assert!(
            problem["properties"].get(field).is_some(),
            "Problem.{field}"
        );
        assert!(
            problem["required"]
                .as_array()
                .unwrap()
                .contains(&Value::from(field)),
            "Problem.{field} required"
        );
    }

    let mut ids = HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let id = op["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_string()), "operationId {id} twice");
            assert!(
                !op["summary"].as_str().unwrap_or("").is_empty(),
                "{m} {path}"
            );
            assert_eq!(op["tags"].as_array().map(Vec::len), Some(1), "{m} {path}");
            // Every `{param}` of the path is declared as a required path parameter.
            let declared: HashSet<&str> = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .inspect(|p| assert_eq!(p["required"], true, "{m} {path}"))
                        .filter_map(|p| p["name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            let in_path: HashSet<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            assert_eq!(declared, in_path, "{m} {path}");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{m} {path}: no success"
            );
            // Errors are problem documents with the one Problem schema.
            for (status, r) in responses {
                if status.starts_with('2') {
                    continue;
                }
                let content = r["content"].as_object().unwrap();
                assert_eq!(
                    content.keys().collect::<Vec<_>>(),
                    ["application/problem+json"],
                    "{m} {path} {status}"
                );
                assert_eq!(
                    content["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{m} {path} {status}"
                );
            }
            assert!(responses.contains_key("default"), "{m} {path}");
        }
    }
}

#[test]
fn access_rules_come_from_the_route_table() {
    let doc = document();
    for r in ROUTES.iter().filter(|r| r.path.starts_with("/api/")) {
        let path = openapi_path_of(r.path);
        let op = &doc["paths"][&path][r.method.as_str().to_lowercase()];
        let security = op.get("security");
        let responses = &op["responses"];
        match r.access {
            Access::Public => {
                assert!(security.is_none(), "{r:?} is public");
                assert_eq!(op["x-access"], "public", "{r:?}");
            }
            _ => {
                let names: Vec<&str> = security
                    .and_then(Value::as_array)
                    .unwrap_or_else(|| panic!("{r:?} needs credentials"))
                    .iter()
                    .filter_map(|s| s.as_object()?.keys().next().map(String::as_str))
                    .collect();
                assert_eq!(names, ["bearer", "session"], "{r:?}");
                assert!(responses.get("401").is_some(), "{r:?}");
                assert!(responses.get("403").is_some(), "{r:?}");
                assert!(op["x-roles"].as_array().is_some_and(|a| !a.is_empty()));
            }
        }
    }
}

db_test!(the_document_is_served_and_read_to_people, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (status, ct, body) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/json"), "{ct}");
    let served: Value = serde_json::from_str(&body)?;
    assert_eq!(served, document());

    let (status, ct, page) = app.get("/api").await;
    assert_eq!(status, 200, "{page}");
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(page.contains("<h1>API JSON</h1>"));
    assert!(page.contains("href=\"/api/v1/openapi.json\""));
    assert!(!page.contains("<script"), "no script needed");
    assert!(!page.contains("https://cdn"), "nothing from outside");
    let doc = document();
    for (method, path) in operations(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        let id = op["operationId"].as_str().unwrap();
        let anchor = format!("id=\"op-{id}\"");
        let at = page
            .find(&anchor)
            .unwrap_or_else(|| panic!("{method} {path} not on the page"));
        let article = &page[at..];
        let article = &article[..article.find("</article>").unwrap()];
        assert!(
            article.contains(&format!(">{method}</span>")),
            "{method} {path}"
        );
        assert!(article.contains(&format!("<code class=\"api-path\">{path}</code>")));
        assert!(article.contains(op["summary"].as_str().unwrap()), "{path}");
        // Its answers, errors included.
        for status in op["responses"].as_object().unwrap().keys() {
            let shown = if status == "default" { "khác" } else { status };
            assert!(
                article.contains(&format!("<th scope=\"row\">{shown}</th>")),
                "{method} {path} {status}"
            );
        }
    }
    // Every schema is described, and links to schemas lead somewhere.
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        assert!(page.contains(&format!("id=\"schema-{name}\"")), "{name}");
    }
    assert!(page.contains("href=\"#schema-Problem\""));
    Ok(())
});

db_test!(unknown_api_addresses_stay_problems, |app| {
    let (status, ct, _) = app.get("/api/v1/openapi.yaml").await;
    assert_eq!(status, 404);
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    Ok(())
});

// What the API fuzzer (schemathesis, `.ci/fuzz-api`) found, kept as regressions.

db_test!(a_page_number_past_any_list_is_an_empty_page, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    for page in ["9223372036854775808", "18446744073709551615"] {
        let (status, body) = app
            .get_json(&format!("/api/v1/documents?page={page}"))
            .await;
        assert_eq!(status, 200, "{page}: {body}");
        assert_eq!(body["rows"], serde_json::json!([]), "{page}");
        let (status, _, _) = app.get(&format!("/documents?page={page}")).await;
        assert_eq!(status, 200, "{page}");
    }
    let (status, body) = app
        .get_json("/api/v1/documents?page=18446744073709551616")
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "bad_request");
    Ok(())
});

db_test!(review_timestamps_are_rfc3339_date_times, |app| {
    use crate::authkit::Client;
    use crate::review::{call, token};
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, admin) = token(&app, "quantri", "admin", &[]);
    let client = Client::new(&app).await;
    let body = serde_json::json!({"name": "Rà soát", "kind": "ongoing", "deadline": "2030-12-31"});
    let r = call(
        &client,
        "POST",
        "/api/v1/campaigns",
        &admin,
        Some(body),
        None,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let r = call(
        &client,
        "GET",
        &format!("/api/v1/campaigns/{id}"),
        &admin,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The document says `date-time` (RFC 3339): the zone is part of it.
    let doc = document();
    assert_eq!(
        doc["components"]["schemas"]["Campaign"]["properties"]["created_at"]["format"],
        "date-time"
    );
    let at = r.json()["campaign"]["created_at"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(at.ends_with('Z'), "{at}");
    assert!(chrono::DateTime::parse_from_rfc3339(&at).is_ok(), "{at}");
    Ok(())
});

#[test]
fn coded_values_are_enums_of_the_domain_codes() {
    use vanban::domain::review::{CampaignKind, DecisionKind, ExpiryGround, Stage};
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let codes = |v: &Value| -> Vec<String> {
        v["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("no enum in {v}"))
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect()
    };
    let all = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        codes(&schemas["Proposal"]["properties"]["kind"]),
        all(&DecisionKind::ALL
            .iter()
            .map(|k| k.code())
            .collect::<Vec<_>>())
    );
    let ground = &schemas["Proposal"]["properties"]["ground"]["oneOf"];
    assert!(ground
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g.get("enum").is_some()
            && codes(g)
                == all(&ExpiryGround::ALL
                    .iter()
                    .map(|k| k.code())
                    .collect::<Vec<_>>())));
    assert_eq!(
        codes(&schemas["StageInput"]["properties"]["stage"]),
        all(&Stage::ALL.iter().map(|k| k.code()).collect::<Vec<_>>())
    );
    assert_eq!(
        codes(&schemas["CampaignInput"]["properties"]["kind"]),
        all(&CampaignKind::ALL
            .iter()
            .map(|k| k.code())
            .collect::<Vec<_>>())
    );
    let finding = &schemas["FindingInput"]["properties"]["finding"];
    assert_eq!(codes(finding)[0], "ok");
    assert!(codes(finding).contains(&"basis_not_in_force".to_string()));
    // Each code is described with its Vietnamese label.
    assert!(finding["description"]
        .as_str()
        .unwrap()
        .contains("`missing`: Chưa niêm yết."));
}
