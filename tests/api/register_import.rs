//! The review register read back from spreadsheets: an XLSX shaped like the ones justice
//! departments keep (a title, a two-row header with merged cells, a row numbering the
//! columns, section headings, empty rows, dates typed as text), the register's own CSV export,
//! and every kind of bad file or row, reported by row with nothing written.

use actix_web::test::TestRequest;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::json;

use crate::authkit::{audit_len, cookie, count, session, sql, Client};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::review::{approve, call, campaign, document_id, token, DISTRICT_DOC, HANDLING};

async fn upload(
    client: &Client,
    token: &str,
    cid: i64,
    body: Vec<u8>,
    dry_run: bool,
) -> crate::authkit::Resp {
    let q = if dry_run { "?dry_run=true" } else { "" };
    client
        .send(
            TestRequest::post()
                .uri(&format!("/api/v1/campaigns/{cid}/register{q}"))
                .insert_header(("Authorization", format!("Bearer {token}")))
                .set_payload(body),
        )
        .await
}

/// What the database holds for the review: decisions, stages, audit entries.
fn written(app: &TestApp) -> (i64, i64, i64) {
    (
        count(app, "decisions"),
        count(app, "decision_stages"),
        audit_len(app),
    )
}

/// A register as a justice department keeps it: title row, two header rows with the stage
/// groups merged over their "Ngày" and "Văn bản" sub-columns and the other headers merged
/// down, a row numbering the columns, a section heading merged across, an empty row, and
/// dates written both as dates and as text; with `stages`, the handling stages of row 7 (and
/// with `with_handling` its handling document).
#[allow(clippy::too_many_lines)] // a test fixture; the rule is for src/
fn department_register(stages: bool, with_handling: bool, approver: &str) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let f = Format::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .merge_range(
            0,
            0,
            0,
            13,
            "SỔ THEO DÕI RÀ SOÁT VĂN BẢN SAU SẮP XẾP ĐƠN VỊ HÀNH CHÍNH",
            &f,
        )
        .unwrap();
    let single = [
        "STT",
        "Tên loại, số, ký hiệu văn bản",
        "Hình thức xử lý",
        "Nội dung cần xử lý",
        "Lý do kiến nghị",
        "Căn cứ hết hiệu lực",
        "Thời điểm hết hiệu lực",
        "Cơ quan chủ trì soạn thảo",
        "Cán bộ rà soát",
        "Người phê duyệt",
    ];
    for (c, h) in single.iter().enumerate() {
        sheet.merge_range(2, c as u16, 3, c as u16, h, &f).unwrap();
    }
    // Three stage groups, each over "Ngày" and "Văn bản".
    for (i, g) in ["Đăng ký xây dựng", "Lấy ý kiến", "Thẩm định"]
        .iter()
        .enumerate()
    {
        let c = 10 + 2 * i as u16;
        sheet.merge_range(2, c, 2, c + 1, g, &f).unwrap();
        sheet.write_string(3, c, "Ngày").unwrap();
        sheet.write_string(3, c + 1, "Văn bản").unwrap();
    }
    sheet
        .merge_range(2, 16, 3, 16, "Văn bản xử lý", &f)
        .unwrap();
    sheet.write_string(2, 17, "Ghi chú").unwrap();
    for c in 0..=17u16 {
        sheet.write_string(4, c, format!("({})", c + 1)).unwrap();
    }
    sheet
        .merge_range(5, 0, 5, 17, "I. VĂN BẢN CỦA UBND HUYỆN ĐẦM DƠI (CŨ)", &f)
        .unwrap();
    // Row 7: the markets decision, two articles repealed, handled.
    let r = 6;
    sheet.write_number(r, 0, 1).unwrap();
    sheet
        .write_string(
            r,
            1,
            "Quyết định số 05/2020/QĐ-UBND ngày 04/5/2020 của UBND huyện Đầm Dơi",
        )
        .unwrap();
    sheet.write_string(r, 2, "Bãi bỏ một phần").unwrap();
    sheet.write_string(r, 3, "Điều 1; Điều 2").unwrap();
    sheet
        .write_string(r, 4, "Thẩm quyền quản lý chợ chuyển về xã")
        .unwrap();
    sheet
        .write_string(r, 7, "Phòng Kinh tế xã Đầm Dơi")
        .unwrap();
    sheet.write_string(r, 8, "canbo").unwrap();
    sheet.write_string(r, 9, approver).unwrap();
    // A date typed as text, a date cell, and a date given only inside the paper.
    if stages {
        sheet.write_string(r, 10, "ngày 02/10/2025").unwrap();
        sheet
            .write_string(r, 11, "Công văn số 2170/STP-XDTHPL ngày 02/10/2025")
            .unwrap();
        sheet
            .write_string(r, 13, "Công văn số 45/UBND ngày 10 tháng 10 năm 2025")
            .unwrap();
        sheet
            .write_datetime_with_format(
                r,
                14,
                ExcelDateTime::from_ymd(2025, 10, 20).unwrap(),
                &date,
            )
            .unwrap();
        sheet
            .write_string(r, 15, "Báo cáo thẩm định số 88/BC-STP ngày 20/10/2025")
            .unwrap();
    }
    if with_handling {
        sheet
            .write_string(r, 16, "Quyết định số 10/2025/QĐ-UBND")
            .unwrap();
    }
    // Row 8 left empty; row 9: the one-stop rules declared expired.
    let r = 8;
    sheet.write_number(r, 0, 2).unwrap();
    sheet.write_string(r, 1, "12/2021/QĐ-UBND").unwrap();
    sheet.write_string(r, 2, "Công bố hết hiệu lực").unwrap();
    sheet.write_string(r, 3, "Toàn bộ").unwrap();
    sheet
        .write_string(r, 4, "Bộ phận một cửa cấp huyện không còn")
        .unwrap();
    sheet
        .write_string(r, 5, "Đối tượng điều chỉnh không còn")
        .unwrap();
    sheet
        .write_string(r, 6, "ngày 01 tháng 7 năm 2025")
        .unwrap();
    sheet.write_string(r, 8, "canbo").unwrap();
    sheet.write_string(r, 9, approver).unwrap();
    book.save_to_buffer().unwrap()
}

/// The rows of a problem's `errors` or of a report's `warnings`.
fn rows_of(v: &serde_json::Value) -> Vec<i64> {
    v.as_array()
        .map(|a| a.iter().filter_map(|e| e["row"].as_i64()).collect())
        .unwrap_or_default()
}

db_test!(a_department_register_is_read_and_round_trips, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("d.jsonl", DISTRICT_DOC)?;
    let (officer_id, officer) = token(&app, "canbo", "officer", &["32200"]);
    let (_, approver) = token(&app, "pheduyet", "approver", &[]);
    let client = Client::new(&app).await;
    let cid = campaign(&client, &officer).await;
    let markets = document_id(&app, "UBND-970", "05/2020/QD-UBND");
    let before = written(&app);

    // The proposals: the approver written on paper is not imported; each row says so.
    let r = upload(
        &client,
        &officer,
        cid,
        department_register(false, false, "pheduyet"),
        false,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["proposed"], 2, "{v}");
    assert!(v.get("approved").is_none(), "{v}");
    assert_eq!(rows_of(&v["warnings"]), vec![7, 9], "{v}");
    assert_eq!(v["warnings"][0]["column"], "Người phê duyệt");
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("chỉ thực hiện trên hệ thống"),
        "{v}"
    );
    let (decisions, stages, _) = written(&app);
    assert_eq!((decisions, stages), (before.0 + 2, before.1));
    let mut conn = app.pool.get().unwrap();
    let all = vanban::review::decisions::of_campaign(&mut conn.db(), cid).unwrap();
    drop(conn);
    for d in &all {
        assert_eq!(
            (d.state.code(), d.proposed_by, d.decided_by),
            ("proposed", officer_id, None)
        );
    }

    // The approver approves both in the application.
    for d in &all {
        approve(&client, &approver, d.id).await;
    }
    let before = written(&app);

    // The handling document is not in the registry yet: row 7 says so, nothing written.
    let r = upload(
        &client,
        &officer,
        cid,
        department_register(true, true, "pheduyet"),
        false,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let v = r.json();
    assert_eq!(v["errors"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["errors"][0]["row"], 7);
    assert_eq!(v["errors"][0]["column"], "Văn bản xử lý");
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("chưa có trong cơ sở dữ liệu"));
    assert_eq!(written(&app), before);

    // A check reports what would be done and writes nothing.
    app.import_str("h.jsonl", HANDLING)?;
    let before = written(&app);
    let r = upload(
        &client,
        &officer,
        cid,
        department_register(true, true, "pheduyet"),
        true,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["stages"], 3, "{v}");
    assert_eq!(v["closed"], 1, "{v}");
    assert_eq!(written(&app), before);

    // The import itself: three stages, one closed; the approver named is the one recorded, so
    // no warning.
    let r = upload(
        &client,
        &officer,
        cid,
        department_register(true, true, "pheduyet"),
        false,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (
            v["rows"].as_i64(),
            v["headings"].as_i64(),
            v["empty_rows"].as_i64(),
            v["proposed"].as_i64(),
            v["stages"].as_i64(),
            v["closed"].as_i64(),
            v["unchanged"].as_i64()
        ),
        (
            Some(2),
            Some(1),
            Some(1),
            Some(0),
            Some(3),
            Some(1),
            Some(1)
        ),
        "{v}"
    );
    assert_eq!(v["warnings"], json!([]), "{v}");
    assert_eq!(v["ignored_columns"], json!(["Ghi chú"]), "{v}");
    assert_eq!(v["changes"][0]["row"], 7);
    let (decisions, stages, _) = written(&app);
    assert_eq!((decisions, stages), (2, 3));

    // What was stored: the repeal, its stages with their dates, closed with the handling
    // document; the agency kept on the first stage.
    let mut conn = app.pool.get().unwrap();
    let all = vanban::review::decisions::of_campaign(&mut conn.db(), cid).unwrap();
    let repeal = all.iter().find(|d| d.document_id == markets).unwrap();
    assert_eq!(repeal.kind.code(), "repeal");
    assert_eq!(repeal.state.code(), "closed");
    assert!(repeal.partial);
    let st = vanban::review::decisions::stages(&mut conn.db(), repeal.id).unwrap();
    let dates: Vec<String> = st.iter().map(|s| s.done_on.to_string()).collect();
    assert_eq!(dates, ["2025-10-02", "2025-10-10", "2025-10-20"]);
    assert_eq!(st[0].agency.as_deref(), Some("Phòng Kinh tế xã Đầm Dơi"));
    let expiry = all.iter().find(|d| d.document_id != markets).unwrap();
    assert_eq!(
        (expiry.kind.code(), expiry.state.code()),
        ("declare_expired", "approved")
    );
    assert_eq!(
        expiry.effective_on.map(|d| d.to_string()).as_deref(),
        Some("2025-07-01")
    );
    assert_eq!(expiry.ground.map(|g| g.code()), Some("subject_gone"));
    drop(conn);

    // Importing the same file again changes nothing.
    let before = written(&app);
    let r = upload(
        &client,
        &officer,
        cid,
        department_register(true, true, "pheduyet"),
        false,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["unchanged"], 2, "{}", r.body);
    assert_eq!(r.json()["changes"], json!([]));
    assert_eq!(written(&app), before);

    // The register's own export reads back unchanged, a title that starts like a formula
    // included: written with an apostrophe, read back without it.
    sql(
        &app,
        &format!(
            "UPDATE documents SET title = '=HYPERLINK(\"http://x.example\",\"Mở\")' WHERE id = {markets}"
        ),
    );
    for format in ["csv", "xlsx"] {
        let r = call(
            &client,
            "GET",
            &format!("/campaigns/{cid}/register.{format}"),
            &officer,
            None,
            None,
        )
        .await;
        assert_eq!(r.status, 200);
        if format == "csv" {
            assert!(r.body.contains("Bãi bỏ"), "{}", r.body);
            assert!(r.body.contains("Cơ quan chủ trì soạn thảo"), "{}", r.body);
            assert!(r.body.contains("\"'=HYPERLINK("), "{}", r.body);
        }
        let r = upload(&client, &officer, cid, r.bytes.clone(), false).await;
        assert_eq!(r.status, 200, "{format}: {}", r.body);
        assert_eq!(r.json()["unchanged"], 2, "{format}: {}", r.body);
        assert_eq!(r.json()["warnings"], json!([]), "{format}: {}", r.body);
        assert_eq!(written(&app), before, "{format}");
    }
    Ok(())
});

/// A CSV register with the export's header and the given rows.
fn csv(rows: &[&str]) -> Vec<u8> {
    let header = "STT,Văn bản,Kết quả rà soát,\"Điều, khoản\",Lý do,Cán bộ đề xuất,Đăng ký xây dựng văn bản — ngày,Đăng ký xây dựng văn bản — văn bản,Thẩm định — ngày,Thẩm định — văn bản,Người phê duyệt";
    let mut s = header.to_string();
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.into_bytes()
}

db_test!(bad_registers_are_reported_by_row_and_write_nothing, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("d.jsonl", DISTRICT_DOC)?;
    let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
    let (_, outsider) = token(&app, "canbo2", "officer", &["96"]);
    token(&app, "quantri", "admin", &[]);
    token(&app, "pheduyet", "approver", &[]);
    let client = Client::new(&app).await;
    let cid = campaign(&client, &officer).await;
    let before = written(&app);
    let good = "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,Chuyển thẩm quyền,canbo,,,,,";

    // Each bad row alone: (row, column, words of the message).
    let cases: Vec<(&str, &str, &str)> = vec![
        (
            "1,99/2020/QĐ-UBND,Bãi bỏ,Điều 1,x,canbo,,,,,",
            "Văn bản",
            "không thuộc danh sách rà soát",
        ),
        (
            "1,Quyết định về chợ,Bãi bỏ,Điều 1,x,canbo,,,,,",
            "Văn bản",
            "không thấy số, ký hiệu",
        ),
        (
            "1,05/2020/QĐ-UBND,Xem xét lại,Điều 1,x,canbo,,,,,",
            "Kết quả rà soát",
            "không rõ",
        ),
        (
            "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 9,x,canbo,,,,,",
            "Kết quả rà soát",
            "Điều 9",
        ),
        (
            "1,05/2020/QĐ-UBND,Bãi bỏ,Chỗ này,x,canbo,,,,,",
            "Điều, khoản",
            "không hiểu địa chỉ",
        ),
        (
            "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,x,ai đó,,,,,",
            "Cán bộ đề xuất",
            "không có tài khoản",
        ),
        (
            "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,x,canbo,31/02/2025,CV 1,,,",
            "Đăng ký xây dựng văn bản — ngày",
            "không phải là ngày hợp lệ",
        ),
        (
            "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,x,canbo,02/10/25,CV 1,,,",
            "Đăng ký xây dựng văn bản — ngày",
            "không phải là ngày hợp lệ",
        ),
        (
            "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,x,canbo,02/10/2025,,,,",
            "Đăng ký xây dựng văn bản — văn bản",
            "thiếu số, ngày",
        ),
        (
            "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,x,canbo,,,20/10/2025,BC 88,",
            "Thẩm định — ngày",
            "đã phê duyệt",
        ),
        (
            "1,05/2020/QĐ-UBND,Bãi bỏ một phần,,x,canbo,,,,,",
            "Kết quả rà soát",
            "cần nêu điều, khoản",
        ),
    ];
    for (row, column, words) in cases {
        let r = upload(&client, &officer, cid, csv(&[row]), false).await;
        assert_eq!(r.status, 422, "{row}: {}", r.body);
        let v = r.json();
        assert_eq!(v["errors"][0]["row"], 2, "{row}: {v}");
        assert_eq!(v["errors"][0]["column"], column, "{row}: {v}");
        let m = v["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(m.contains(words), "{row}: {m}");
        assert_eq!(written(&app), before, "{row}: nothing written");
    }

    // A good row and two bad ones: all three reported or none written; rows numbered as the
    // file shows them (the empty line 3 counts).
    let r = upload(
        &client,
        &officer,
        cid,
        csv(&[good, "", "2,12/2021/QĐ-UBND,Ngưng,,x,ai đó,,,,,", good]),
        false,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let v = r.json();
    let rows: Vec<i64> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_i64().unwrap())
        .collect();
    assert_eq!(rows, vec![4, 5], "{v}");
    assert!(v["errors"][1]["message"]
        .as_str()
        .unwrap()
        .contains("đã có ở dòng 2"));
    assert_eq!(written(&app), before);

    // An officer outside the units of the document.
    let r = upload(&client, &outsider, cid, csv(&[good]), false).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("không thuộc đơn vị"));
    assert_eq!(written(&app), before);

    // Whole-file problems.
    let r = upload(
        &client,
        &officer,
        cid,
        b"Ho ten,Tuoi\nA,3\n".to_vec(),
        false,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("không tìm thấy dòng tiêu đề"));
    let r = upload(
        &client,
        &officer,
        cid,
        b"STT,V\xe3n b\xe1n\n".to_vec(),
        false,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["code"], "unreadable_register");
    assert!(r.body.contains("UTF-8"), "{}", r.body);
    let r = upload(
        &client,
        &officer,
        cid,
        b"\xD0\xCF\x11\xE0rest".to_vec(),
        false,
    )
    .await;
    assert_eq!(r.status, 415, "{}", r.body);
    assert!(r.body.contains(".xls"), "{}", r.body);
    let r = upload(&client, &officer, cid, b"PK\x03\x04broken".to_vec(), false).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("XLSX"), "{}", r.body);
    let r = upload(&client, &officer, cid, Vec::new(), false).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = upload(
        &client,
        &officer,
        cid,
        vec![b'a'; 8 * 1024 * 1024 + 1],
        false,
    )
    .await;
    assert_eq!(r.status, 413, "{}", r.body);
    let r = upload(&client, &officer, 9999, csv(&[good]), false).await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = client
        .send(
            TestRequest::post()
                .uri(&format!("/api/v1/campaigns/{cid}/register?dry_run=maybe"))
                .insert_header(("Authorization", format!("Bearer {officer}")))
                .set_payload(csv(&[good])),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("dry_run"), "{}", r.body);
    assert_eq!(written(&app), before);

    // A campaign not started has nothing to import into.
    let r = call(
        &client,
        "POST",
        "/api/v1/campaigns",
        &officer,
        Some(json!({"name": "Chưa bắt đầu", "kind": "reorganisation", "predecessor_unit": "970", "deadline": "2030-12-31"})),
        None,
    )
    .await;
    let idle = r.json()["id"].as_i64().unwrap();
    let r = upload(&client, &officer, idle, csv(&[good]), false).await;
    assert_eq!(r.status, 409, "{}", r.body);

    // The same good row in a semicolon-separated file with a byte-order mark, as Excel saves
    // with Vietnamese regional settings: accepted.
    let text = String::from_utf8(csv(&[good]))
        .unwrap()
        .replace(',', ";")
        .replace("\"Điều; khoản\"", "Điều, khoản");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    let r = upload(&client, &officer, cid, bytes, false).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["proposed"], 1, "{}", r.body);
    assert_eq!(count(&app, "decisions"), 1);
    Ok(())
});

/// A multipart body with the CSRF token, the file and the check box.
fn multipart(csrf: Option<&str>, file: &[u8], dry_run: bool) -> (String, Vec<u8>) {
    let b = "----vanbanboundary";
    let mut body = Vec::new();
    if let Some(t) = csrf {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{t}\r\n")
                .as_bytes(),
        );
    }
    if dry_run {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\ntrue\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"so-theo-doi.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

db_test!(the_register_is_uploaded_from_the_campaign_page, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("d.jsonl", DISTRICT_DOC)?;
    let (uid, officer) = token(&app, "canbo", "officer", &["32200"]);
    let client = Client::new(&app).await;
    let cid = campaign(&client, &officer).await;
    let (secret, csrf) = session(&app, uid);
    let send = |csrf: Option<String>, file: Vec<u8>, dry_run: bool| {
        let client = &client;
        let secret = secret.clone();
        async move {
            let (ct, body) = multipart(csrf.as_deref(), &file, dry_run);
            client
                .send(
                    TestRequest::post()
                        .uri(&format!("/campaigns/{cid}/register"))
                        .insert_header(cookie(&secret))
                        .insert_header(("Content-Type", ct))
                        .set_payload(body),
                )
                .await
        }
    };
    // The campaign page offers the form.
    let r = client
        .send(
            TestRequest::get()
                .uri(&format!("/campaigns/{cid}"))
                .insert_header(cookie(&secret)),
        )
        .await;
    assert!(
        r.body.contains("enctype=\"multipart/form-data\""),
        "{}",
        r.body
    );
    let before = written(&app);
    let good = "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,Chuyển thẩm quyền,canbo,,,,,";

    // Without the token: refused before anything is read.
    let r = send(None, csv(&[good]), false).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = send(Some("x".repeat(64)), csv(&[good]), false).await;
    assert_eq!(r.status, 403, "{}", r.body);

    // Bad rows: the page lists them by row, nothing written.
    let r = send(
        Some(csrf.clone()),
        csv(&["1,05/2020/QĐ-UBND,Bãi bỏ,Điều 9,x,canbo,,,,,"]),
        false,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Lỗi theo dòng của tệp"), "{}", r.body);
    assert!(r.body.contains("<td class=\"num\">2</td>"), "{}", r.body);
    assert_eq!(written(&app), before);

    // No file chosen.
    let r = send(Some(csrf.clone()), Vec::new(), false).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Cần chọn tệp"), "{}", r.body);

    // A check, then the import.
    let r = send(Some(csrf.clone()), csv(&[good]), true).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("chưa có gì được ghi"), "{}", r.body);
    assert!(!r.body.contains("import-warnings"), "{}", r.body);
    assert_eq!(written(&app), before);
    // An approver written in the file: the page says on its row that it is not imported.
    let r = send(Some(csrf.clone()), csv(&[&format!("{good}pheduyet")]), true).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("id=\"import-warnings\""), "{}", r.body);
    assert!(
        r.body
            .contains("«pheduyet» không được ghi là người phê duyệt"),
        "{}",
        r.body
    );
    assert_eq!(written(&app), before);
    let r = send(Some(csrf.clone()), csv(&[good]), false).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Đã nhập sổ theo dõi"), "{}", r.body);
    assert!(
        r.body.contains("đề xuất «Bãi bỏ» đối với Điều 1"),
        "{}",
        r.body
    );
    assert_eq!(count(&app, "decisions"), 1);
    Ok(())
});

/// Each decision of the campaign as (state, proposer, approver).
fn decided(app: &TestApp, cid: i64) -> Vec<(String, i64, Option<i64>)> {
    let mut conn = app.pool.get().unwrap();
    vanban::review::decisions::of_campaign(&mut conn.db(), cid)
        .unwrap()
        .into_iter()
        .map(|d| (d.state.code().to_string(), d.proposed_by, d.decided_by))
        .collect()
}

db_test!(
    approvals_are_never_imported_even_by_an_administrator,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
        let (admin_id, admin) = token(&app, "quantri", "admin", &[]);
        let (approver_id, approver) = token(&app, "pheduyet", "approver", &[]);
        let client = Client::new(&app).await;
        let cid = campaign(&client, &officer).await;

        // An administrator's register naming an officer as proposer and another person as
        // approver: the proposal is the administrator's own, nothing is approved, and both
        // columns are reported on the row.
        let row = "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,Chuyển thẩm quyền,canbo,,,,,pheduyet";
        let audit_before = audit_len(&app);
        let r = upload(&client, &admin, cid, csv(&[row]), false).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["proposed"], 1, "{v}");
        let columns: Vec<&str> = v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["column"].as_str().unwrap())
            .collect();
        assert_eq!(columns, ["Cán bộ đề xuất", "Người phê duyệt"], "{v}");
        assert_eq!(rows_of(&v["warnings"]), vec![2, 2]);
        assert_eq!(
            decided(&app, cid),
            vec![("proposed".to_string(), admin_id, None)]
        );
        // Written: the assignment and the proposal; no approval.
        assert!(audit_len(&app) > audit_before);
        assert_eq!(count(&app, "decisions"), 1);

        // The administrator cannot complete the other half either; the approver does, in the
        // application.
        let did = {
            let mut conn = app.pool.get().unwrap();
            vanban::review::decisions::of_campaign(&mut conn.db(), cid).unwrap()[0].id
        };
        let r = call(
            &client,
            "POST",
            &format!("/api/v1/decisions/{did}/approve"),
            &admin,
            None,
            None,
        )
        .await;
        assert_eq!(r.status, 403, "{}", r.body);
        approve(&client, &approver, did).await;
        assert_eq!(
            decided(&app, cid),
            vec![("approved".to_string(), admin_id, Some(approver_id))]
        );

        // A register naming a different approver than the one recorded: nothing changes, and the
        // row is warned about; the one recorded reads back silently.
        let before = written(&app);
        let r = upload(
            &client,
            &admin,
            cid,
            csv(&["1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,Chuyển thẩm quyền,,,,,,quantri"]),
            false,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["unchanged"], 1, "{}", r.body);
        assert_eq!(
            r.json()["warnings"][0]["column"],
            "Người phê duyệt",
            "{}",
            r.body
        );
        let r = upload(
            &client,
            &admin,
            cid,
            csv(&["1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,Chuyển thẩm quyền,,,,,,pheduyet"]),
            false,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["warnings"], json!([]), "{}", r.body);
        assert_eq!(written(&app), before);
        Ok(())
    }
);

db_test!(
    a_re_import_after_a_return_proposes_nothing_in_anyones_name,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        let (officer_id, officer) = token(&app, "canbo", "officer", &["32200"]);
        let (other_id, other) = token(&app, "canbo3", "officer", &["32200"]);
        let (_, admin) = token(&app, "quantri", "admin", &[]);
        let (approver_id, approver) = token(&app, "pheduyet", "approver", &[]);
        let client = Client::new(&app).await;
        let cid = campaign(&client, &officer).await;

        // The officer's proposal, returned by the approver.
        let r = upload(
            &client,
            &officer,
            cid,
            csv(&["1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,Chuyển thẩm quyền,canbo,,,,,"]),
            false,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let did = {
            let mut conn = app.pool.get().unwrap();
            vanban::review::decisions::of_campaign(&mut conn.db(), cid).unwrap()[0].id
        };
        let r = call(
            &client,
            "POST",
            &format!("/api/v1/decisions/{did}/return"),
            &approver,
            Some(json!({"comment": "Cần nêu căn cứ"})),
            None,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let returned = vec![("returned".to_string(), officer_id, Some(approver_id))];
        assert_eq!(decided(&app, cid), returned);

        // The register exported after the return, re-imported by the administrator, the officer
        // and another officer: nobody's proposal is made again; the row is left with a warning.
        let export = call(
            &client,
            "GET",
            &format!("/campaigns/{cid}/register.csv"),
            &admin,
            None,
            None,
        )
        .await;
        assert_eq!(export.status, 200);
        assert!(export.body.contains("canbo"), "{}", export.body);
        let before = written(&app);
        for (who, token) in [("admin", &admin), ("officer", &officer), ("other", &other)] {
            for dry_run in [true, false] {
                let r = upload(&client, token, cid, export.bytes.clone(), dry_run).await;
                assert_eq!(r.status, 200, "{who}: {}", r.body);
                let v = r.json();
                assert_eq!(v["proposed"], 0, "{who}: {v}");
                assert_eq!(v["unchanged"], 2, "{who}: {v}");
                assert!(
                    v["warnings"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|w| w["message"].as_str().unwrap().contains("đã bị trả lại")),
                    "{who}: {v}"
                );
            }
            assert_eq!(written(&app), before, "{who}");
            assert_eq!(decided(&app, cid), returned, "{who}");
        }

        // A corrected row from another officer that names the first as proposer: the new
        // proposal is the importer's own.
        let r = upload(
            &client,
            &other,
            cid,
            csv(&["1,05/2020/QĐ-UBND,Bãi bỏ,Điều 2,Phí chợ do xã quy định,canbo,,,,,"]),
            false,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["proposed"], 1, "{v}");
        assert_eq!(v["warnings"][0]["column"], "Cán bộ đề xuất", "{v}");
        let now = decided(&app, cid);
        assert_eq!(now.len(), 2);
        assert!(
            now.contains(&("proposed".to_string(), other_id, None)),
            "{now:?}"
        );
        Ok(())
    }
);

/// An XLSX file with one part replaced (or added), the others copied as they are.
fn with_part(xlsx: &[u8], name: &str, data: &mut dyn std::io::Read) -> Vec<u8> {
    use std::io::Write;
    let mut from = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut to = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..from.len() {
        let mut f = from.by_index(i).unwrap();
        let entry = f.name().unwrap().into_owned();
        if entry == name {
            continue;
        }
        to.start_file(entry, options).unwrap();
        std::io::copy(&mut f, &mut to).unwrap();
    }
    to.start_file(name, options).unwrap();
    std::io::copy(data, &mut to).unwrap();
    to.flush().unwrap();
    to.finish().unwrap().into_inner()
}

/// A register workbook with the given cells (row, column, text), 0-based.
fn workbook(cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, c, t) in cells {
        sheet.write_string(*r, *c, *t).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// The worksheet part of a workbook made by [`workbook`], as text.
fn sheet_xml(xlsx: &[u8]) -> String {
    let mut from = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(
        &mut from.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut s,
    )
    .unwrap();
    s
}

db_test!(
    oversized_registers_are_refused_before_they_are_read,
    |app| {
        use std::io::Read;
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        let (uid, officer) = token(&app, "canbo", "officer", &["32200"]);
        let client = Client::new(&app).await;
        let cid = campaign(&client, &officer).await;
        let good = csv(&["1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,Chuyển thẩm quyền,canbo,,,,,"]);
        let before = written(&app);
        let header: [(u32, u16, &str); 2] = [(0, 0, "Văn bản"), (0, 1, "Kết quả rà soát")];

        // One cell in A1 and one in XFD1048576: 1.5 KB that a reader would allocate as the whole
        // sheet.
        let sparse = workbook(&[(0, 0, "Văn bản"), (1_048_575, 16_383, "x")]);
        assert!(sparse.len() < 8 * 1024, "{}", sparse.len());
        // Too many columns: a cell in BI (the 61st).
        let wide = workbook(&[header[0], header[1], (1, 60, "x")]);
        // A sheet that declares a small dimension but has a cell on row 20,001.
        let xml = sheet_xml(&workbook(&header));
        let xml = xml.replace("</sheetData>", "<row r=\"20001\"><c r=\"A20001\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData>");
        let lying = with_part(
            &workbook(&header),
            "xl/worksheets/sheet1.xml",
            &mut xml.as_bytes(),
        );
        // A zip bomb: a sheet of 300 MB (spaces) that compresses to a few hundred kilobytes.
        let xml = sheet_xml(&workbook(&header));
        let (head, tail) = xml.split_at(xml.find("</worksheet>").unwrap());
        let bomb_sheet = head
            .as_bytes()
            .chain(std::io::repeat(b' ').take(300 * 1024 * 1024))
            .chain(tail.as_bytes());
        let bomb = with_part(&workbook(&header), "xl/worksheets/sheet1.xml", &mut {
            bomb_sheet
        });
        assert!(bomb.len() < 8 * 1024 * 1024, "{}", bomb.len());
        // A smaller one under the size bound but inflating 1,000 times.
        let xml = sheet_xml(&workbook(&header));
        let (head, tail) = xml.split_at(xml.find("</worksheet>").unwrap());
        let dense = head
            .as_bytes()
            .chain(std::io::repeat(b' ').take(8 * 1024 * 1024))
            .chain(tail.as_bytes());
        let ratio = with_part(&workbook(&header), "xl/worksheets/sheet1.xml", &mut {
            dense
        });
        // Shared strings: declared by the billion, or counted one by one.
        let declared = with_part(
        &workbook(&header),
        "xl/sharedStrings.xml",
        &mut "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3000000000\" uniqueCount=\"3000000000\"><si><t>Văn bản</t></si><si><t>Kết quả rà soát</t></si></sst>".as_bytes(),
    );
        let mut many = String::from("<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>Văn bản</t></si><si><t>Kết quả rà soát</t></si>");
        for i in 0..200_000 {
            many.push_str(&format!("<si><t>{i}</t></si>"));
        }
        many.push_str("</sst>");
        let strings = with_part(
            &workbook(&header),
            "xl/sharedStrings.xml",
            &mut many.as_bytes(),
        );
        // CSV: too many rows, too many columns, a field too long.
        let mut rows = String::from("Văn bản,Kết quả rà soát");
        for i in 0..20_001 {
            rows.push_str(&format!("\n{i},x"));
        }
        let columns = format!("Văn bản,Kết quả rà soát\n{}", vec!["x"; 61].join(","));
        let field = format!("Văn bản,Kết quả rà soát\n\"{}\",x", "ệ".repeat(32_768));

        let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
            ("A1+XFD1048576", sparse, "rows", "XFD1048576"),
            ("BI2", wide, "columns", "cột thứ 61"),
            ("A20001", lying, "rows", "20001"),
            ("zip bomb", bomb, "entry_size", "sheet1.xml"),
            ("ratio", ratio, "compression_ratio", "sheet1.xml"),
            ("declared strings", declared, "shared_strings", "3000000000"),
            ("counted strings", strings, "shared_strings", "200000"),
            ("csv rows", rows.into_bytes(), "rows", "20000"),
            ("csv columns", columns.into_bytes(), "columns", "60"),
            ("csv field", field.into_bytes(), "field_length", "32768"),
        ];
        for (what, body, bound, found) in cases {
            for dry_run in [true, false] {
                let r = upload(&client, &officer, cid, body.clone(), dry_run).await;
                assert_eq!(r.status, 422, "{what}: {}", r.body);
                let v = r.json();
                assert_eq!(v["code"], "register_too_large", "{what}: {v}");
                assert_eq!(v["bound"], bound, "{what}: {v}");
                assert!(v["limit"].as_u64().is_some(), "{what}: {v}");
                let detail = v["detail"].as_str().unwrap();
                assert!(detail.contains("vượt quá giới hạn"), "{what}: {detail}");
                assert!(detail.contains(found), "{what}: {detail}");
                assert_eq!(written(&app), before, "{what}: nothing written");
            }
            // And the server still answers a normal request.
            let r = upload(&client, &officer, cid, good.clone(), true).await;
            assert_eq!(r.status, 200, "{what}, then a good file: {}", r.body);
        }

        // The page says it in Vietnamese.
        let (secret, csrf) = session(&app, uid);
        let (ct, body) = multipart(
            Some(&csrf),
            &workbook(&[(0, 0, "Văn bản"), (1_048_575, 16_383, "x")]),
            true,
        );
        let r = client
            .send(
                TestRequest::post()
                    .uri(&format!("/campaigns/{cid}/register"))
                    .insert_header(cookie(&secret))
                    .insert_header(("Content-Type", ct))
                    .set_payload(body),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("vượt quá giới hạn số dòng của trang tính"),
            "{}",
            r.body
        );
        assert!(r.body.contains("chia sổ theo dõi"), "{}", r.body);
        assert_eq!(written(&app), before);
        Ok(())
    }
);

db_test!(every_export_neutralises_formulas, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let link = "=HYPERLINK(\"http://x.example\",\"Mở\")";
    sql(
        &app,
        &format!("UPDATE documents SET title = '{link}' WHERE number = '15/2018/NQ-HĐND'"),
    );
    sql(
        &app,
        "UPDATE documents SET title = '-Quy định phí' WHERE number = '03/2019/NQ-HĐND'",
    );
    let quoted = "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"Mở\"\")\"";

    // The annual list, as CSV and XLSX.
    let (status, _, body) = app.get("/annual-lists/2022?format=csv").await;
    assert_eq!(status, 200);
    assert!(body.contains(quoted), "{body}");
    let xlsx = Client::new(&app)
        .await
        .send(TestRequest::get().uri("/annual-lists/2022?format=xlsx"))
        .await;
    assert_eq!(xlsx.status, 200);
    {
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx.bytes))?;
        let name = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&name)?;
        let cells: Vec<String> = range.cells().map(|(_, _, c)| c.to_string()).collect();
        assert!(cells.contains(&format!("'{link}")), "{cells:?}");
        assert!(!cells.contains(&link.to_string()), "{cells:?}");
    }

    // `vanban export --format csv`.
    let out = app.cli(&["export", "--format", "csv", "--date", "2021-01-01"]);
    assert_eq!(out.status.code(), Some(0));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.contains(quoted), "{csv}");
    assert!(csv.contains(",'-Quy định phí,"), "{csv}");
    assert!(!csv.contains(",=HYPERLINK"), "{csv}");
    Ok(())
});
