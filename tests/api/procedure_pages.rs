//! The public listing of procedures: the catalogue, one procedure with its versions, a unit's
//! listing with its exports (CSV, JSON, XLSX), the printable posting sheet, the JSON API, the
//! procedure scope of the search index, the mark on procedures whose legal basis is no longer
//! in force, and every bad parameter refused with a 400 naming it (404 for unknown codes).

use actix_web::test;
use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

fn procedure(code: &str, name: &str, field: &str, extra: Value) -> Value {
    let mut v = json!({
        "kind": "procedure",
        "code": code,
        "name": name,
        "field": field,
        "levels": ["xa"],
        "agency": "Ủy ban nhân dân cấp xã",
        "applicants": "Công dân Việt Nam",
        "steps": "Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.",
        "channels": ["in_person"],
        "dossier": [{"name": "Tờ khai theo mẫu", "originals": 1, "copies": 0, "form": "Mẫu TK-01"}],
        "statutory_days": 5,
        "local_days": 3,
        "fees": [{"name": "Lệ phí", "amount": 8000}],
        "result": "Giấy xác nhận",
        "legal_basis": [{"authority": "HDND-96", "number": "05/2022/NQ-HĐND", "provision": "Điều 1"}],
        "online_level": "none",
        "decision": {"authority": "UBND-96", "number": "100/QĐ-UBND", "date": "2025-08-01"},
        "announcement": "new"
    });
    if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
        m.extend(e);
    }
    v
}

fn posting(code: &str, unit: &str, decision: &str) -> Value {
    json!({
        "kind": "posting",
        "procedure": code,
        "decision": {"authority": "UBND-96", "number": decision},
        "unit": unit,
        "from": "2025-08-05"
    })
}

/// Four procedures: khai sinh (two versions, only the first posted), xây dựng (legal basis
/// replaced), chứng thực, doanh nghiệp (province only).
fn data() -> String {
    let lines = [
        procedure(
            "1.000001",
            "Đăng ký khai sinh",
            "Hộ tịch",
            json!({"channels": ["in_person", "online"], "online_level": "full"}),
        ),
        procedure(
            "1.000002",
            "Cấp giấy phép xây dựng nhà ở riêng lẻ",
            "Xây dựng",
            json!({
                "levels": ["tinh", "xa"],
                "online_level": "partial",
                "legal_basis": [{"authority": "HDND-96", "number": "15/2018/NQ-HĐND"}]
            }),
        ),
        procedure(
            "1.000003",
            "Chứng thực bản sao từ bản chính",
            "Chứng thực",
            json!({"channels": ["in_person", "post"], "fees": [{"name": "Phí chứng thực", "amount": 2000}]}),
        ),
        procedure(
            "2.000004",
            "Đăng ký thành lập doanh nghiệp",
            "Doanh nghiệp",
            json!({"levels": ["tinh"], "agency": "Sở Tài chính"}),
        ),
        procedure(
            "1.000001",
            "Đăng ký khai sinh",
            "Hộ tịch",
            json!({
                "channels": ["in_person", "online"],
                "online_level": "full",
                "local_days": 1,
                "decision": {"authority": "UBND-96", "number": "200/QĐ-UBND", "date": "2025-10-01"},
                "announcement": "amended"
            }),
        ),
        posting("1.000001", "32200", "100/QĐ-UBND"),
        posting("1.000002", "32200", "100/QĐ-UBND"),
        posting("1.000003", "32200", "100/QĐ-UBND"),
        posting("1.000002", "96", "100/QĐ-UBND"),
        posting("2.000004", "96", "100/QĐ-UBND"),
    ];
    lines
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn load(app: &TestApp) -> anyhow::Result<()> {
    let r = app.import_str("f.jsonl", FIXTURE)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let r = app.import_str("p.jsonl", &data())?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    Ok(())
}

fn enc(s: &str) -> String {
    vanban::web::public::urlencode(s)
}

fn codes(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["code"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn get_bytes(app: &TestApp, path: &str) -> (u16, String, Vec<u8>) {
    let service = test::init_service(vanban::vanban_app!(app.state().await)).await;
    let resp = test::call_service(&service, test::TestRequest::get().uri(path).to_request()).await;
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, ct, test::read_body(resp).await.to_vec())
}

db_test!(catalogue_lists_filters_and_searches, |app| {
    load(&app)?;
    let (status, _, page) = app.get("/procedures").await;
    assert_eq!(status, 200);
    for text in [
        "Đăng ký khai sinh",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Đăng ký thành lập doanh nghiệp",
        "Trực tuyến toàn trình",
        "4 thủ tục",
    ] {
        assert!(page.contains(text), "{text}");
    }
    assert!(page.contains(r#"<label for="f-field">Lĩnh vực</label>"#));

    let (status, v) = app.get_json("/api/v1/procedures").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["total"], 4);
    // The newest version is the one listed.
    let khai_sinh = v["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["code"] == "1.000001"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(khai_sinh["local_days"], 1);
    assert_eq!(khai_sinh["decision"]["number"], "200/QĐ-UBND");

    for (query, want) in [
        (format!("field={}", enc("Hộ tịch")), vec!["1.000001"]),
        (format!("field={}", enc("ho tich")), vec!["1.000001"]),
        ("level=tinh".to_string(), vec!["2.000004", "1.000002"]),
        ("online=full".to_string(), vec!["1.000001"]),
        ("online=partial".to_string(), vec!["1.000002"]),
        ("channel=post".to_string(), vec!["1.000003"]),
        ("channel=online&level=xa".to_string(), vec!["1.000001"]),
        ("q=1.000003".to_string(), vec!["1.000003"]),
        (format!("q={}", enc("khai sinh")), vec!["1.000001"]),
        (format!("q={}", enc("chung thuc ban sao")), vec!["1.000003"]),
        (format!("q={}&level=tinh", enc("khai sinh")), vec![]),
    ] {
        let (status, v) = app.get_json(&format!("/api/v1/procedures?{query}")).await;
        assert_eq!(status, 200, "{query}: {v}");
        let mut got = codes(&v);
        let mut want: Vec<String> = want.into_iter().map(String::from).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{query}");
    }
    // Pagination.
    let (_, v) = app.get_json("/api/v1/procedures?per_page=3&page=2").await;
    assert_eq!(v["pages"], 2);
    assert_eq!(codes(&v).len(), 1);
    let (_, _, page) = app.get("/procedures?per_page=3").await;
    assert!(page.contains("Trang 1/2"));
    assert!(page.contains("page=2"));
    Ok(())
});

db_test!(bad_parameters_are_refused_naming_them, |app| {
    load(&app)?;
    let long = "a".repeat(1001);
    for (param, value) in [
        ("level", "phuong"),
        ("online", "5"),
        ("channel", "fax"),
        ("field", "Không có lĩnh vực này"),
        ("per_page", "1000"),
        ("per_page", "0"),
        ("page", "0"),
        ("page", "x"),
        ("q", long.as_str()),
    ] {
        for base in ["/api/v1/procedures", "/api/v1/units/32200/procedures"] {
            let (status, v) = app
                .get_json(&format!("{base}?{param}={}", enc(value)))
                .await;
            assert_eq!(status, 400, "{base} {param}={value}: {v}");
            assert_eq!(v["code"], "bad_request");
            assert!(
                v["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(&format!("«{param}»")),
                "{param}: {v}"
            );
        }
        let (status, ct, page) = app
            .get(&format!("/procedures?{param}={}", enc(value)))
            .await;
        assert_eq!(status, 400, "{param}");
        assert!(ct.starts_with("text/html"));
        assert!(page.contains(param), "{param}");
    }
    let (status, _, _) = app.get("/api/v1/procedures?date=31/02/2026").await;
    assert_eq!(status, 400);
    for (path, param) in [
        ("/units/32200/procedures?format=pdf", "format"),
        ("/api/v1/units/32200/procedures?format=csv", "format"),
        ("/units/32200/procedures/sheet?level=xa", "level"),
        ("/units/32200/procedures/sheet?field=abc", "field"),
        ("/api/v1/procedures/1.000001?version=x", "version"),
        ("/api/v1/procedures/1.000001?version=999999", "version"),
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains(param), "{path}: {body}");
    }
    // Unknown codes: 404, as a page and as a problem document.
    for path in [
        "/procedures/1.999999",
        "/procedures/abc",
        "/procedures/1.00422",
        "/units/99999/procedures",
        "/units/99999/procedures/sheet",
    ] {
        let (status, ct, _) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(ct.starts_with("text/html"), "{path}");
    }
    for path in [
        "/api/v1/procedures/1.999999",
        "/api/v1/procedures/abc",
        "/api/v1/units/99999/procedures",
    ] {
        let (status, ct, body) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(ct.contains("problem+json"), "{path}: {ct}");
        assert!(body.contains("not_found"), "{path}");
    }
    Ok(())
});

db_test!(detail_page_shows_everything_and_every_version, |app| {
    load(&app)?;
    let (status, _, page) = app.get("/procedures/1.000001").await;
    assert_eq!(status, 200);
    for text in [
        "<h1>Đăng ký khai sinh</h1>",
        "1.000001",
        "Hộ tịch",
        "Cấp xã",
        "Ủy ban nhân dân cấp xã",
        "Công dân Việt Nam",
        "Trực tiếp; Trực tuyến",
        // The steps as a numbered list, their «Bước N:» markers dropped.
        "<ol class=\"steps-list\">",
        "<li>Nộp hồ sơ.</li>",
        "<li>Nhận kết quả.</li>",
        "Tờ khai theo mẫu",
        "Mẫu TK-01",
        "1 ngày làm việc",
        "Theo quy định: 5 ngày làm việc",
        "rút ngắn 80%",
        "8.000 đồng",
        "Giấy xác nhận",
        "Trực tuyến toàn trình",
        "Một cửa",
        "Quyết định 200/QĐ-UBND ngày 01/10/2025 của Ủy ban nhân dân tỉnh Cà Mau",
        "Thủ tục hành chính được sửa đổi, bổ sung",
        "Điều 1 Nghị quyết số 05/2022/NQ-HĐND",
        "Còn hiệu lực",
        "100/QĐ-UBND",
        "Xem phiên bản này",
        "Xã Đầm Dơi",
    ] {
        assert!(page.contains(text), "{text}");
    }
    assert!(!page.contains("Căn cứ pháp lý hết hiệu lực"));
    assert!(!page.contains("Đây là phiên bản cũ"));

    let (status, v) = app.get_json("/api/v1/procedures/1.000001").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["code"], "1.000001");
    assert_eq!(v["is_newest"], true);
    let versions = v["versions"].as_array().cloned().unwrap_or_default();
    assert_eq!(versions.len(), 2, "the old version is kept");
    assert_eq!(versions[0]["decision"]["number"], "200/QĐ-UBND");
    assert_eq!(versions[1]["decision"]["number"], "100/QĐ-UBND");
    assert_eq!(versions[1]["local_days"], 3);
    assert_eq!(v["posted_at"][0]["unit_code"], "32200");
    assert_eq!(v["version"]["legal_basis"][0]["in_force"], true);

    // The older version on its own.
    let old = versions[1]["id"].as_i64().unwrap_or_default();
    let (status, _, page) = app
        .get(&format!("/procedures/1.000001?version={old}"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Đây là phiên bản cũ"));
    assert!(page.contains("3 ngày làm việc"));
    let (_, v) = app
        .get_json(&format!("/api/v1/procedures/1.000001?version={old}"))
        .await;
    assert_eq!(v["is_newest"], false);
    assert_eq!(v["version"]["local_days"], 3);
    Ok(())
});

db_test!(
    procedures_whose_basis_is_no_longer_in_force_are_marked,
    |app| {
        load(&app)?;
        let (_, _, page) = app.get("/procedures/1.000002").await;
        assert!(page.contains("Căn cứ pháp lý hết hiệu lực"));
        assert!(page.contains("15/2018/NQ-HĐND"));
        assert!(page.contains("Hết hiệu lực toàn bộ"));
        // Before the replacement took effect, the same basis was in force.
        let (_, _, page) = app.get("/procedures/1.000002?date=2022-07-14").await;
        assert!(!page.contains("Căn cứ pháp lý hết hiệu lực"));

        let (_, v) = app.get_json("/api/v1/units/32200/procedures").await;
        let items = v["items"].as_array().cloned().unwrap_or_default();
        let xay_dung = items
            .iter()
            .find(|i| i["code"] == "1.000002")
            .cloned()
            .unwrap_or_default();
        assert_eq!(xay_dung["basis_in_force"], false);
        assert!(xay_dung["basis_not_in_force"][0]
            .as_str()
            .unwrap_or_default()
            .contains("15/2018/NQ-HĐND"));
        let khai_sinh = items
            .iter()
            .find(|i| i["code"] == "1.000001")
            .cloned()
            .unwrap_or_default();
        assert_eq!(khai_sinh["basis_in_force"], true);

        let (_, _, page) = app.get("/units/32200/procedures").await;
        assert_eq!(page.matches("badge badge-basis").count(), 1);
        let (_, _, page) = app.get("/procedures").await;
        assert_eq!(page.matches("badge badge-basis").count(), 1);
        Ok(())
    }
);

db_test!(unit_listing_exports_and_posting_sheet, |app| {
    load(&app)?;
    let (status, _, page) = app.get("/units/32200/procedures").await;
    assert_eq!(status, 200);
    assert!(page.contains("Thủ tục hành chính niêm yết tại Xã Đầm Dơi"));
    for text in [
        "Đăng ký khai sinh",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Chứng thực bản sao từ bản chính",
        "05/08/2025",
        r#"<span class="cell-note">Bộ phận một cửa"#,
        // The first version is posted; the newer one is named.
        "Đã có phiên bản mới theo Quyết định 200/QĐ-UBND ngày 01/10/2025",
        "format=csv",
        "format=xlsx",
        "/units/32200/procedures/sheet?field=",
    ] {
        assert!(page.contains(text), "{text}");
    }
    assert!(
        !page.contains("Đăng ký thành lập doanh nghiệp"),
        "province only"
    );

    let (status, v) = app.get_json("/api/v1/units/32200/procedures").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["unit"]["code"], "32200");
    assert_eq!(v["total"], 3);
    let (_, v) = app
        .get_json(&format!(
            "/api/v1/units/32200/procedures?field={}",
            enc("Chứng thực")
        ))
        .await;
    assert_eq!(codes(&v), vec!["1.000003"]);
    let (_, v) = app
        .get_json(&format!(
            "/api/v1/units/32200/procedures?q={}",
            enc("xây dựng")
        ))
        .await;
    assert_eq!(codes(&v), vec!["1.000002"]);
    let (_, v) = app.get_json("/api/v1/units/96/procedures").await;
    let mut got = codes(&v);
    got.sort();
    assert_eq!(got, vec!["1.000002", "2.000004"]);
    // Before anything was posted.
    let (_, v) = app
        .get_json("/api/v1/units/32200/procedures?date=2025-08-04")
        .await;
    assert_eq!(v["total"], 0);

    // CSV: a header and one row per procedure.
    let (status, ct, body) = get_bytes(&app, "/units/32200/procedures?format=csv").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/csv"), "{ct}");
    let text = String::from_utf8(body)?;
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers()?.clone();
    assert_eq!(&header[1], "Mã thủ tục");
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 3);
    let xd = rows
        .iter()
        .find(|r| &r[1] == "1.000002")
        .ok_or_else(|| anyhow::anyhow!("no row"))?;
    assert_eq!(&xd[12], "Không", "basis in force");
    assert!(xd[15].contains("15/2018/NQ-HĐND"));
    // JSON export: every row, as a file.
    let (status, ct, body) =
        get_bytes(&app, "/units/32200/procedures?format=json&per_page=1").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/json"));
    let v: Value = serde_json::from_slice(&body)?;
    assert_eq!(v["items"].as_array().map(Vec::len), Some(3));
    // XLSX opens, with the same rows.
    let (status, ct, body) = get_bytes(&app, "/units/32200/procedures?format=xlsx").await;
    assert_eq!(status, 200);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    {
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(body))?;
        let name = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&name)?;
        assert_eq!(range.height(), 4);
        let cells: Vec<String> = range.rows().map(|r| r[2].to_string()).collect();
        assert!(
            cells.contains(&"Đăng ký khai sinh".to_string()),
            "{cells:?}"
        );
    }

    // The printable sheet: one field, or every field each in its section.
    let (status, _, sheet) = app
        .get(&format!(
            "/units/32200/procedures/sheet?field={}",
            enc("Hộ tịch")
        ))
        .await;
    assert_eq!(status, 200);
    assert!(sheet.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert!(sheet.contains("DANH MỤC THỦ TỤC HÀNH CHÍNH"));
    assert!(sheet.contains("XÃ ĐẦM DƠI"));
    assert!(sheet.contains("Đăng ký khai sinh"));
    assert!(!sheet.contains("Chứng thực bản sao"));
    assert!(!sheet.contains("site-nav"), "a clean sheet");
    let (_, _, sheet) = app.get("/units/32200/procedures/sheet").await;
    assert_eq!(sheet.matches("class=\"sheet-group\"").count(), 3);
    assert!(sheet.contains("Căn cứ pháp lý hết hiệu lực"));
    Ok(())
});

db_test!(procedures_are_found_in_the_procedure_scope, |app| {
    load(&app)?;
    let (status, v) = app
        .get_json(&format!(
            "/api/v1/search?scope=procedures&q={}",
            enc("khai sinh")
        ))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["hits"][0]["kind"], "procedure");
    assert_eq!(v["hits"][0]["number"], "1.000001");
    assert_eq!(v["hits"][0]["title"], "Đăng ký khai sinh");
    // Documents are not procedures, and procedures are not documents.
    let (_, v) = app
        .get_json(&format!(
            "/api/v1/search?scope=procedures&q={}",
            enc("nuôi tôm")
        ))
        .await;
    assert_eq!(v["total"], 0);
    let (_, v) = app
        .get_json(&format!("/api/v1/search?q={}", enc("khai sinh")))
        .await;
    assert_eq!(v["total"], 0, "{v}");
    let (_, v) = app.get_json("/api/v1/search?scope=procedures&q=").await;
    assert_eq!(v["total"], 4);
    let (status, _, page) = app
        .get(&format!("/search?scope=procedures&q={}", enc("chứng thực")))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("href=\"/procedures/1.000003\""),
        "links to the procedure"
    );
    // The announcement is the procedures' facet, labelled, and its links work.
    let (_, _, page) = app.get("/search?scope=procedures&q=").await;
    assert!(page.contains("Hình thức công bố"), "{page}");
    assert!(page.contains("Thủ tục hành chính mới ban hành"), "{page}");
    let (_, all) = app.get_json("/api/v1/search?scope=procedures&q=").await;
    let new_count = all["facets"]["status"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["value"] == "new")
        .and_then(|f| f["count"].as_i64())
        .unwrap_or_default();
    assert!(new_count > 0 && new_count < 4, "{all}");
    let (_, v) = app
        .get_json("/api/v1/search?scope=procedures&q=&status=new")
        .await;
    assert_eq!(v["total"].as_i64(), Some(new_count), "{v}");
    assert!(v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["status"] == "new"));
    let (status, _, _) = app.get("/search?scope=procedures&q=&status=amended").await;
    assert_eq!(status, 200);
    let (status, v) = app
        .get_json("/api/v1/search?scope=procedures&q=&status=con-hieu-luc")
        .await;
    assert_eq!(status, 400, "{v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("abolished"),
        "{v}"
    );
    let (status, _) = app
        .get_json("/api/v1/search?scope=documents&status=new")
        .await;
    assert_eq!(status, 400);

    // A new version is indexed when the outbox is applied.
    let line = procedure(
        "1.000003",
        "Chứng thực chữ ký",
        "Chứng thực",
        json!({"decision": {"authority": "UBND-96", "number": "300/QĐ-UBND", "date": "2026-01-05"}, "announcement": "replaced"}),
    );
    let r = app.import_str("q.jsonl", &line.to_string())?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let (_, v) = app
        .get_json(&format!(
            "/api/v1/search?scope=procedures&q={}",
            enc("chữ ký")
        ))
        .await;
    assert_eq!(v["hits"][0]["number"], "1.000003", "{v}");
    assert_eq!(v["total"], 1);
    Ok(())
});

db_test!(kept_pages_follow_writes_within_a_second, |app| {
    load(&app)?;
    let state = app.state().await;
    let service = test::init_service(vanban::vanban_app!(state.clone())).await;
    let get = |path: &str| test::TestRequest::get().uri(path).to_request();
    let path = "/units/32200/procedures";
    let first = test::read_body(test::call_service(&service, get(path)).await).await;
    let again = test::read_body(test::call_service(&service, get(path)).await).await;
    assert_eq!(first, again, "the kept page");
    assert!(!String::from_utf8_lossy(&first).contains("Đăng ký thành lập doanh nghiệp"));
    // A new posting: the page shows it once the outbox has been read again.
    let r = app.import_str(
        "more.jsonl",
        &json!({
            "kind": "procedure", "code": "1.000005", "name": "Đăng ký nuôi con nuôi trong nước",
            "field": "Nuôi con nuôi", "levels": ["xa"], "statutory_days": 20, "local_days": 15,
            "decision": {"authority": "UBND-96", "number": "100/QĐ-UBND", "date": "2025-08-01"},
            "announcement": "new"
        })
        .to_string(),
    )?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let r = app.import_str(
        "post.jsonl",
        &posting("1.000005", "32200", "100/QĐ-UBND").to_string(),
    )?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    std::thread::sleep(
        vanban::app::procedures::CHECK_EVERY + std::time::Duration::from_millis(100),
    );
    let after = test::read_body(test::call_service(&service, get(path)).await).await;
    assert!(
        String::from_utf8_lossy(&after).contains("Đăng ký nuôi con nuôi trong nước"),
        "the write shows after {:?}",
        vanban::app::procedures::CHECK_EVERY
    );
    // The API reads the same listing.
    let (_, v) = app.get_json("/api/v1/units/32200/procedures").await;
    assert_eq!(v["total"], 4);
    Ok(())
});
