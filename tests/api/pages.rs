use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

async fn id_of(app: &TestApp, number: &str) -> i64 {
    let (status, v) = app
        .get_json(&format!(
            "/api/v1/documents?q={}",
            vanban::web::public::urlencode(number)
        ))
        .await;
    assert_eq!(status, 200, "{v}");
    let rows = v["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1, "{number}: {v}");
    rows[0]["id"].as_i64().unwrap_or_default()
}

async fn status_of(app: &TestApp, id: i64, date: &str) -> serde_json::Value {
    let (status, v) = app
        .get_json(&format!("/api/v1/documents/{id}/status?date={date}"))
        .await;
    assert_eq!(status, 200, "{v}");
    v
}

db_test!(document_status_follows_the_effects_over_time, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let nq = id_of(&app, "15/2018/NQ-HĐND").await;
    assert_eq!(
        status_of(&app, nq, "2018-12-16").await["status"]["code"],
        "chua-co-hieu-luc"
    );
    let v = status_of(&app, nq, "2019-01-01").await;
    assert_eq!(v["status"]["code"], "con-hieu-luc");
    assert_eq!(v["articles"].as_array().map(Vec::len), Some(3));
    let v = status_of(&app, nq, "2020-07-20").await;
    assert_eq!(v["status"]["code"], "het-hieu-luc-mot-phan");
    assert_eq!(v["articles"][0]["status"]["code"], "con-hieu-luc");
    // Amending khoản 1 ends its old wording only: Điều 2 stays in force with the new one
    // (Luật 80/2015 Điều 154 khoản 1 điểm b; Luật 64/2025 Điều 57 khoản 1 điểm b), while the
    // document has ceased in part (the old wording).
    assert_eq!(v["articles"][1]["status"]["code"], "duoc-sua-doi-bo-sung");
    assert!(
        v["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("08/2020/NQ-HĐND"),
        "{v}"
    );
    let v = status_of(&app, nq, "2022-07-15").await;
    assert_eq!(v["status"]["code"], "het-hieu-luc-toan-bo");
    assert!(v["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("05/2022/NQ-HĐND"));

    // The implementing decision ends with the resolution it implements.
    let qd = id_of(&app, "20/2019/QĐ-UBND").await;
    assert_eq!(
        status_of(&app, qd, "2022-07-14").await["status"]["code"],
        "con-hieu-luc"
    );
    let v = status_of(&app, qd, "2022-07-15").await;
    assert_eq!(v["status"]["code"], "het-hieu-luc-toan-bo");
    assert!(v["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("Điều 154"));

    // A term "until 31/12/2020" is in force on that day and not the next.
    let fee = id_of(&app, "03/2019/NQ-HĐND").await;
    assert_eq!(
        status_of(&app, fee, "2020-12-31").await["status"]["code"],
        "con-hieu-luc"
    );
    assert_eq!(
        status_of(&app, fee, "2021-01-01").await["status"]["code"],
        "het-hieu-luc-toan-bo"
    );

    // The district is gone, its decision is not.
    let district = id_of(&app, "12/2021/QĐ-UBND").await;
    assert_eq!(
        status_of(&app, district, "2026-01-01").await["status"]["code"],
        "con-hieu-luc"
    );
    Ok(())
});

db_test!(document_page_shows_status_as_of_the_chosen_date, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let nq = id_of(&app, "15/2018/NQ-HĐND").await;
    let (status, ct, body) = app.get(&format!("/documents/{nq}?date=2020-08-01")).await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/html"));
    assert!(body.contains("Hết hiệu lực một phần"));
    assert!(body.contains("01/08/2020"));
    assert!(body.contains("value=\"2020-08-01\""));
    assert!(
        body.contains("action=\"/eli/vn/hdnd-96/nghi-quyet/2018/15\""),
        "the date form re-shows this document at its stable address"
    );
    assert!(body.contains("Phạm vi điều chỉnh"));
    assert!(body.contains("08/2020/NQ-HĐND"));
    assert!(body.contains("Bị sửa đổi, bổ sung bởi"));
    assert!(body.contains("id=\"dieu-2-khoan-1\""));
    let (_, _, later) = app.get(&format!("/documents/{nq}?date=2023-01-01")).await;
    assert!(later.contains("Hết hiệu lực toàn bộ"));
    // A clause on its own page.
    let (status, _, clause) = app
        .get(&format!("/documents/{nq}/dieu-2/khoan-1?date=2021-01-01"))
        .await;
    assert_eq!(status, 200);
    assert!(clause.contains("Hỗ trợ 50% chi phí con giống."));
    // An amended clause is in force with its new wording, not ceased (Luật 80/2015 Điều 154
    // khoản 1 điểm b; Luật 64/2025 Điều 57 khoản 1 điểm b).
    assert!(clause.contains("Được sửa đổi, bổ sung"));
    assert!(!clause.contains("Hết hiệu lực toàn bộ"));
    assert!(!clause.contains("Vay dưới 12 tháng"));
    let (status, _, article) = app
        .get(&format!("/documents/{nq}/dieu-2?date=2019-01-01"))
        .await;
    assert_eq!(status, 200);
    assert!(article.contains("Vay dưới 12 tháng"));
    let (status, _, missing) = app.get(&format!("/documents/{nq}/dieu-9")).await;
    assert_eq!(status, 404);
    assert!(missing.contains("không có quy định"));
    Ok(())
});

db_test!(list_filters_and_pagination, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, v) = app
        .get_json("/api/v1/documents?status=het-hieu-luc-toan-bo&date=2023-01-01")
        .await;
    let mut numbers: Vec<String> = v["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["number"].as_str().unwrap_or_default().to_string())
        .collect();
    numbers.sort();
    assert_eq!(
        numbers,
        ["03/2019/NQ-HĐND", "15/2018/NQ-HĐND", "20/2019/QĐ-UBND"]
    );
    let (_, v) = app
        .get_json(&format!(
            "/api/v1/documents?type={}",
            vanban::web::public::urlencode("Quyết định")
        ))
        .await;
    assert_eq!(v["total"], 2);
    let (_, v) = app.get_json("/api/v1/documents?year=2019").await;
    assert_eq!(v["total"], 2);
    let (_, v) = app.get_json("/api/v1/documents?q=nuoi%20tom").await;
    assert_eq!(v["total"], 1, "search without diacritics: {v}");
    let (_, v) = app.get_json("/api/v1/documents?q=15/2018/nq-hdnd").await;
    assert_eq!(v["total"], 1);
    let (_, v) = app.get_json("/api/v1/documents?per_page=4&page=2").await;
    assert_eq!(
        (
            v["total"].as_i64(),
            v["pages"].as_i64(),
            v["rows"].as_array().map(Vec::len)
        ),
        (Some(6), Some(2), Some(2))
    );
    // Newest first.
    let (_, v) = app.get_json("/api/v1/documents").await;
    assert_eq!(v["rows"][0]["number"], "05/2022/NQ-HĐND");
    let (status, _, body) = app
        .get("/documents?per_page=2&page=2&type=Ngh%E1%BB%8B%20quy%E1%BA%BFt")
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("Trang 2/2"), "pagination shown");
    Ok(())
});

db_test!(predecessor_documents_are_found_under_successors, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, ubnd) = app.get_json("/api/v1/documents?q=12/2021").await;
    let district_doc = ubnd["rows"][0]["id"].as_i64().unwrap_or_default();
    let (_, body_units) = (0, app.get("/units/32200").await.2);
    assert!(
        body_units.contains("12/2021/QĐ-UBND"),
        "the new commune's page lists the district's decision"
    );
    assert!(body_units.contains("Huyện Đầm Dơi"));
    // The authority filter on the successor covers the predecessor.
    let (_, _, authorities) = app.get("/authorities").await;
    let marker = "/authorities/";
    let ids: Vec<i64> = authorities
        .match_indices(marker)
        .filter_map(|(i, _)| {
            authorities[i + marker.len()..]
                .split('"')
                .next()?
                .parse()
                .ok()
        })
        .collect();
    let mut found = false;
    for id in ids {
        let (_, _, page) = app.get(&format!("/authorities/{id}")).await;
        if page.contains("Ủy ban nhân dân xã Đầm Dơi")
            && page.contains(&format!("/documents/{district_doc}"))
        {
            let (_, v) = app
                .get_json(&format!("/api/v1/documents?authority={id}"))
                .await;
            assert_eq!(v["total"], 1, "{v}");
            found = true;
        }
    }
    assert!(
        found,
        "successor authority page lists the inherited document"
    );
    let (_, v) = app
        .get_json(&format!("/api/v1/documents/{district_doc}?date=2026-01-01"))
        .await;
    assert_eq!(v["doc"]["authority_defunct"], true);
    assert_eq!(
        v["successor_authorities"][0]["name"],
        "Ủy ban nhân dân xã Đầm Dơi"
    );
    Ok(())
});

db_test!(errors_are_clear_on_pages_and_api, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (status, ct, body) = app.get("/documents/99999").await;
    assert_eq!(status, 404);
    assert!(ct.starts_with("text/html"));
    assert!(body.contains("Không có văn bản mã số 99999"));
    let (status, ct, body) = app.get("/api/v1/documents/99999").await;
    assert_eq!(status, 404);
    assert_eq!(ct, "application/problem+json");
    let v: serde_json::Value = serde_json::from_str(&body)?;
    assert_eq!(v["code"], "not_found");
    let (status, _, body) = app.get("/documents?date=31-02-2020").await;
    assert_eq!(status, 400);
    assert!(body.contains("Ngày «31-02-2020» không hợp lệ"));
    let (status, v) = app.get_json("/api/v1/documents?status=valid").await;
    assert_eq!((status, v["code"].as_str()), (400, Some("bad_request")));
    let (status, v) = app.get_json("/api/v1/documents?page=x").await;
    assert_eq!((status, v["code"].as_str()), (400, Some("bad_request")));
    let (status, _, body) = app.get("/khong-co").await;
    assert_eq!(status, 404);
    assert!(body.contains("Không có trang nào"));
    let (status, _, _) = app.get("/units/khong-co").await;
    assert_eq!(status, 404);
    let (status, _, _) = app.get("/authorities/abc").await;
    assert_eq!(status, 404);
    Ok(())
});

db_test!(user_text_is_escaped, |app| {
    let evil = FIXTURE.replace(
        "Quy định phí tham quan di tích",
        "<script>alert(1)</script> phí",
    );
    app.import_str("f.jsonl", &evil)?;
    let (_, v) = app.get_json("/api/v1/documents?q=03/2019").await;
    let id = v["rows"][0]["id"].as_i64().unwrap_or_default();
    for path in [
        format!("/documents/{id}"),
        "/documents".to_string(),
        "/".to_string(),
        "/documents?q=%3Cscript%3E".to_string(),
    ] {
        let (status, _, body) = app.get(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            !body.contains("<script>alert(1)"),
            "{path} must escape user text"
        );
    }
    let (_, _, body) = app.get(&format!("/documents/{id}")).await;
    assert!(body.contains("&lt;script&gt;"));
    Ok(())
});

db_test!(every_page_renders_with_headers, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    for path in [
        "/",
        "/documents",
        "/authorities",
        "/units",
        "/units/96",
        "/units/970",
        "/static/vanban.css",
        "/static/favicon.svg",
        "/favicon.ico",
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    let app_svc = actix_web::test::init_service(vanban::vanban_app!(app.state().await)).await;
    let resp = actix_web::test::call_service(
        &app_svc,
        actix_web::test::TestRequest::get().uri("/").to_request(),
    )
    .await;
    let csp = resp
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("default-src 'self'"));
    assert_eq!(
        resp.headers()
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    let (_, _, home) = app.get("/").await;
    assert!(home.contains("lang=\"vi\""));
    assert!(
        !home.contains("http://") && !home.contains("https://"),
        "no external resources"
    );
    Ok(())
});

db_test!(
    non_numeric_document_ids_answer_404_through_the_typed_path,
    |app| {
        // Pages: the Vietnamese error page.
        for path in ["/documents/abc", "/documents/abc/dieu-1", "/authorities/1x"] {
            let (status, _, body) = app.get(path).await;
            assert_eq!(status, 404, "{path}");
            assert!(
                body.contains("Không có văn bản mã số «abc»")
                    || body.contains("Không có cơ quan ban hành «1x»"),
                "{path}: {body}"
            );
        }
        // The API: a problem document.
        for path in ["/api/v1/documents/abc", "/api/v1/documents/abc/status"] {
            let (status, v) = app.get_json(path).await;
            assert_eq!(
                (status, v["code"].as_str()),
                (404, Some("not_found")),
                "{path}"
            );
        }
        Ok(())
    }
);

db_test!(
    a_corrupt_stored_field_list_is_an_internal_error_not_empty,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let nq = id_of(&app, "15/2018/NQ-HĐND").await;
        let (status, _, _) = app.get(&format!("/documents/{nq}")).await;
        assert_eq!(status, 200);
        {
            use diesel::RunQueryDsl;
            let mut conn = app.pool.get()?;
            vanban::with_db!(&mut conn.db(), c => diesel::sql_query(format!(
            "UPDATE documents SET fields = '[\"Đất đai\",' WHERE id = {nq}"
        ))
        .execute(c))?;
        }
        let (status, _, body) = app.get(&format!("/documents/{nq}")).await;
        assert_eq!(status, 500, "{body}");
        // The stored text is not shown to the reader.
        assert!(!body.contains("[\""), "{body}");
        let (status, _) = app.get_json(&format!("/api/v1/documents/{nq}")).await;
        assert_eq!(status, 500);
        Ok(())
    }
);
