//! `GET /api`: the API described to people, read from the same OpenAPI document that
//! `/api/v1/openapi.json` serves (no script, no outside resource): operations grouped by tag
//! with who may call them, their parameters, bodies and answers, then the data types.

use actix_web::{web, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{base_context, render, PageError};
use crate::app::ApiDescription;

/// A piece of text; `code` pieces were between backticks.
#[derive(Debug, Serialize)]
struct Seg {
    text: String,
    code: bool,
}

/// Text with `code` spans, as pieces the template marks up.
fn rich(text: &str) -> Vec<Seg> {
    text.split('`')
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| Seg {
            text: t.to_string(),
            code: i % 2 == 1,
        })
        .collect()
}

/// A paragraph per blank-line separated block.
fn paragraphs(text: Option<&str>) -> Vec<Vec<Seg>> {
    text.unwrap_or("")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(rich)
        .collect()
}

/// A piece of a type: a schema name links to its description.
#[derive(Debug, Serialize)]
struct TypePart {
    text: String,
    href: Option<String>,
}

fn plain(text: impl Into<String>) -> TypePart {
    TypePart {
        text: text.into(),
        href: None,
    }
}

fn type_parts(schema: &Value, out: &mut Vec<TypePart>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        out.push(TypePart {
            text: name.to_string(),
            href: Some(format!("#schema-{name}")),
        });
        return;
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            for (i, s) in list.iter().enumerate() {
                if i > 0 {
                    out.push(plain(" | "));
                }
                type_parts(s, out);
            }
            return;
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.is_empty() {
        out.push(plain(if schema.get("properties").is_some() {
            "object"
        } else {
            "bất kỳ"
        }));
        return;
    }
    for (i, t) in types.iter().enumerate() {
        if i > 0 {
            out.push(plain(" | "));
        }
        match *t {
            "array" => {
                out.push(plain("mảng "));
                match schema.get("items") {
                    Some(items) => type_parts(items, out),
                    None => out.push(plain("bất kỳ")),
                }
            }
            "object" => match schema.get("additionalProperties") {
                Some(v) if v.is_object() => {
                    out.push(plain("ánh xạ tên → "));
                    type_parts(v, out);
                }
                _ => out.push(plain("object")),
            },
            other => {
                let mut text = other.to_string();
                if let Some(f) = schema.get("format").and_then(Value::as_str) {
                    text.push_str(&format!(" ({f})"));
                }
                out.push(plain(text));
            }
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let list: Vec<String> = values
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        out.push(plain(format!(": {}", list.join(", "))));
    }
}

fn type_of(schema: Option<&Value>) -> Vec<TypePart> {
    let mut out = Vec::new();
    match schema {
        Some(s) => type_parts(s, &mut out),
        None => out.push(plain("—")),
    }
    out
}

#[derive(Debug, Serialize)]
struct ParamView {
    name: String,
    place: &'static str,
    required: bool,
    kind: Vec<TypePart>,
    description: Vec<Seg>,
}

#[derive(Debug, Serialize)]
struct ContentView {
    media_type: String,
    kind: Vec<TypePart>,
}

#[derive(Debug, Serialize)]
struct ResponseView {
    status: String,
    description: Vec<Seg>,
    content: Vec<ContentView>,
    error: bool,
}

#[derive(Debug, Serialize)]
struct OperationView {
    id: String,
    method: String,
    path: String,
    summary: String,
    description: Vec<Vec<Seg>>,
    public: bool,
    params: Vec<ParamView>,
    body: Vec<ContentView>,
    body_description: Vec<Seg>,
    responses: Vec<ResponseView>,
}

#[derive(Debug, Serialize)]
struct GroupView {
    tag: String,
    description: String,
    operations: Vec<OperationView>,
}

#[derive(Debug, Serialize)]
struct PropertyView {
    name: String,
    required: bool,
    kind: Vec<TypePart>,
    description: Vec<Seg>,
}

#[derive(Debug, Serialize)]
struct SchemaView {
    name: String,
    description: Vec<Seg>,
    kind: Vec<TypePart>,
    properties: Vec<PropertyView>,
}

#[derive(Debug, Serialize)]
struct SchemeView {
    name: String,
    kind: String,
    description: Vec<Seg>,
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn contents(content: Option<&Value>) -> Vec<ContentView> {
    content
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(media_type, c)| ContentView {
                    media_type: media_type.clone(),
                    kind: type_of(c.get("schema")),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn place(p: &str) -> &'static str {
    match p {
        "path" => "đường dẫn",
        "query" => "truy vấn",
        "header" => "tiêu đề",
        "cookie" => "cookie",
        _ => "khác",
    }
}

fn operation(method: &str, path: &str, op: &Value) -> OperationView {
    let params = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| ParamView {
                    name: text(p, "name").to_string(),
                    place: place(text(p, "in")),
                    required: p.get("required").and_then(Value::as_bool) == Some(true),
                    kind: type_of(p.get("schema")),
                    description: rich(text(p, "description")),
                })
                .collect()
        })
        .unwrap_or_default();
    let body = op.get("requestBody");
    let mut responses: Vec<ResponseView> = op
        .get("responses")
        .and_then(Value::as_object)
        .map(|rs| {
            rs.iter()
                .map(|(status, r)| ResponseView {
                    status: if status == "default" {
                        "khác".to_string()
                    } else {
                        status.clone()
                    },
                    description: rich(text(r, "description")),
                    content: contents(r.get("content")),
                    error: !status.starts_with('2'),
                })
                .collect()
        })
        .unwrap_or_default();
    // Successes first, then errors by status, "other" last.
    responses.sort_by_key(|r| (r.error, r.status == "khác", r.status.clone()));
    OperationView {
        id: text(op, "operationId").to_string(),
        method: method.to_uppercase(),
        path: path.to_string(),
        summary: text(op, "summary").to_string(),
        description: paragraphs(op.get("description").and_then(Value::as_str)),
        public: op.get("security").is_none(),
        params,
        body: contents(body.and_then(|b| b.get("content"))),
        body_description: rich(body.map(|b| text(b, "description")).unwrap_or("")),
        responses,
    }
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn groups(doc: &Value) -> Vec<GroupView> {
    let mut groups: Vec<GroupView> = doc
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .map(|t| GroupView {
                    tag: text(t, "name").to_string(),
                    description: text(t, "description").to_string(),
                    operations: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let empty = Map::new();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let tag = op
                .get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str)
                .unwrap_or("khác")
                .to_string();
            let view = operation(method, path, op);
            match groups.iter_mut().find(|g| g.tag == tag) {
                Some(g) => g.operations.push(view),
                None => groups.push(GroupView {
                    description: tag.clone(),
                    tag,
                    operations: vec![view],
                }),
            }
        }
    }
    groups.retain(|g| !g.operations.is_empty());
    groups
}

fn schemas(doc: &Value) -> Vec<SchemaView> {
    let Some(map) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    map.iter()
        .map(|(name, s)| {
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let properties = s
                .get("properties")
                .and_then(Value::as_object)
                .map(|ps| {
                    ps.iter()
                        .map(|(p, ps)| PropertyView {
                            name: p.clone(),
                            required: required.contains(&p.as_str()),
                            kind: type_of(Some(ps)),
                            description: rich(text(ps, "description")),
                        })
                        .collect()
                })
                .unwrap_or_default();
            SchemaView {
                name: name.clone(),
                description: rich(text(s, "description")),
                kind: type_of(Some(s)),
                properties,
            }
        })
        .collect()
}

fn schemes(doc: &Value) -> Vec<SchemeView> {
    doc.pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(name, s)| SchemeView {
                    name: name.clone(),
                    kind: match text(s, "type") {
                        "http" => format!("HTTP {}", text(s, "scheme")),
                        "apiKey" => format!("{} «{}»", text(s, "in"), text(s, "name")),
                        other => other.to_string(),
                    },
                    description: rich(text(s, "description")),
                })
                .collect()
        })
        .unwrap_or_default()
}

pub async fn page(description: web::Data<ApiDescription>) -> Result<HttpResponse, PageError> {
    let doc = serde_json::to_value(description.document())
        .map_err(|e| crate::error::AppError::internal("OpenAPI", e))?;
    let mut ctx = base_context("api", "");
    ctx.insert("title", text(&doc["info"], "title"));
    ctx.insert("openapi", text(&doc, "openapi"));
    ctx.insert("version", text(&doc["info"], "version"));
    ctx.insert("description", &rich(text(&doc["info"], "description")));
    ctx.insert("groups", &groups(&doc));
    ctx.insert("schemas", &schemas(&doc));
    ctx.insert("schemes", &schemes(&doc));
    Ok(render("api.html", &ctx)?)
}
