//! The review register read back from spreadsheets: an XLSX shaped like the ones justice
//! departments keep (a title, a two-row header with merged cells, a row numbering the
//! columns, section headings, empty rows, dates typed as text), the register's own CSV export,
//! and every kind of bad file or row, reported by row with nothing written.

use actix_web::test::TestRequest;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::json;

use crate::authkit::{audit_len, cookie, count, session, Client};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::review::{call, campaign, document_id, token, DISTRICT_DOC, HANDLING};

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
/// dates written both as dates and as text.
fn department_register(with_handling: bool, approver: &str) -> Vec<u8> {
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
    sheet.write_string(r, 10, "ngày 02/10/2025").unwrap();
    sheet
        .write_string(r, 11, "Công văn số 2170/STP-XDTHPL ngày 02/10/2025")
        .unwrap();
    sheet
        .write_string(r, 13, "Công văn số 45/UBND ngày 10 tháng 10 năm 2025")
        .unwrap();
    sheet
        .write_datetime_with_format(r, 14, ExcelDateTime::from_ymd(2025, 10, 20).unwrap(), &date)
        .unwrap();
    sheet
        .write_string(r, 15, "Báo cáo thẩm định số 88/BC-STP ngày 20/10/2025")
        .unwrap();
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

db_test!(a_department_register_is_read_and_round_trips, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("d.jsonl", DISTRICT_DOC)?;
    let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
    let (_, admin) = token(&app, "quantri", "admin", &[]);
    token(&app, "pheduyet", "approver", &[]);
    let client = Client::new(&app).await;
    let cid = campaign(&client, &officer).await;
    let markets = document_id(&app, "UBND-970", "05/2020/QD-UBND");
    let before = written(&app);

    // An officer cannot enter approvals made on paper: refused by row, nothing written.
    let r = upload(
        &client,
        &officer,
        cid,
        department_register(false, "pheduyet"),
        false,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let v = r.json();
    assert_eq!(v["code"], "invalid_register_rows");
    let rows: Vec<i64> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_i64().unwrap())
        .collect();
    assert_eq!(rows, vec![7, 9], "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("chỉ quản trị viên"),
        "{v}"
    );
    assert_eq!(v["errors"][0]["column"], "Người phê duyệt");
    assert_eq!(written(&app), before);

    // The handling document is not in the registry yet: row 7 says so, nothing written.
    let r = upload(
        &client,
        &admin,
        cid,
        department_register(true, "pheduyet"),
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
        &admin,
        cid,
        department_register(true, "pheduyet"),
        true,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["proposed"], 2, "{v}");
    assert_eq!(v["closed"], 1, "{v}");
    assert_eq!(written(&app), before);

    // The import itself: two proposals, two approvals, three stages, one closed.
    let r = upload(
        &client,
        &admin,
        cid,
        department_register(true, "pheduyet"),
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
            v["approved"].as_i64(),
            v["stages"].as_i64(),
            v["closed"].as_i64(),
            v["assigned"].as_i64()
        ),
        (
            Some(2),
            Some(1),
            Some(1),
            Some(2),
            Some(2),
            Some(3),
            Some(1),
            Some(2)
        ),
        "{v}"
    );
    assert_eq!(v["ignored_columns"], json!(["Ghi chú"]), "{v}");
    assert_eq!(v["changes"][0]["row"], 7);
    let (decisions, stages, _) = written(&app);
    assert_eq!((decisions, stages), (2, 3));

    // What was stored: the repeal, its stages with their dates, closed with the handling
    // document; the agency kept on the first stage.
    let mut conn = app.pool.get().unwrap();
    let all = vanban::review::decisions::of_campaign(&mut conn.db(), cid).unwrap();
    let repeal = all.iter().find(|d| d.document_id == markets).unwrap();
    assert_eq!(repeal.kind, "repeal");
    assert_eq!(repeal.state, "closed");
    assert!(repeal.partial);
    let st = vanban::review::decisions::stages(&mut conn.db(), repeal.id).unwrap();
    let dates: Vec<String> = st.iter().map(|s| s.done_on.to_string()).collect();
    assert_eq!(dates, ["2025-10-02", "2025-10-10", "2025-10-20"]);
    assert_eq!(st[0].agency.as_deref(), Some("Phòng Kinh tế xã Đầm Dơi"));
    let expiry = all.iter().find(|d| d.document_id != markets).unwrap();
    assert_eq!(
        (expiry.kind.as_str(), expiry.state.as_str()),
        ("declare_expired", "approved")
    );
    assert_eq!(
        expiry.effective_on.map(|d| d.to_string()).as_deref(),
        Some("2025-07-01")
    );
    assert_eq!(expiry.ground.as_deref(), Some("subject_gone"));
    drop(conn);

    // Importing the same file again changes nothing.
    let before = written(&app);
    let r = upload(
        &client,
        &admin,
        cid,
        department_register(true, "pheduyet"),
        false,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["unchanged"], 2, "{}", r.body);
    assert_eq!(r.json()["changes"], json!([]));
    assert_eq!(written(&app), before);

    // The register's own export reads back unchanged, by an officer too.
    let r = call(
        &client,
        "GET",
        &format!("/campaigns/{cid}/register.csv"),
        &admin,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Bãi bỏ"), "{}", r.body);
    assert!(r.body.contains("Cơ quan chủ trì soạn thảo"), "{}", r.body);
    let r = upload(&client, &officer, cid, r.body.clone().into_bytes(), false).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["unchanged"], 2, "{}", r.body);
    assert_eq!(written(&app), before);
    let r = call(
        &client,
        "GET",
        &format!("/campaigns/{cid}/register.xlsx"),
        &admin,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 200);
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
    let (_, admin) = token(&app, "quantri", "admin", &[]);
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
            "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,x,,,,,,",
            "Cán bộ đề xuất",
            "cần tên cán bộ",
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
        (
            "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,x,canbo,,,,,canbo",
            "Người phê duyệt",
            "không phải người có quyền phê duyệt",
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

    // Approvals entered by an administrator still follow the rules: nobody approves their
    // own proposal, and a stage is not dated before the one before it.
    let admin_cases: Vec<(&str, &str, &str)> = vec![
        (
            "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,x,quantri,,,,,quantri",
            "Người phê duyệt",
            "tự phê duyệt",
        ),
        (
            "1,05/2020/QĐ-UBND,Bãi bỏ,Điều 1,x,canbo,02/10/2025,CV 1,01/10/2025,BC 2,pheduyet",
            "Thẩm định — ngày",
            "trước ngày của giai đoạn trước",
        ),
    ];
    for (row, column, words) in admin_cases {
        let r = upload(&client, &admin, cid, csv(&[row]), false).await;
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
