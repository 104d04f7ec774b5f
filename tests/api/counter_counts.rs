//! Monthly dossier counts at the counter (`/units/{code}/ho-so`): the month's sheet prefilled
//! with what is stored, counts entered by form and by CSV file (header, line-numbered report,
//! nothing written when a line is bad), the scorecard reading them at once, and the page's
//! access.

use actix_web::test::TestRequest;
use serde_json::Value;

use crate::authkit::{add_user, audit_len, cookie, count, Resp};
use crate::counter::{client, prepare};
use crate::db_test;
use crate::helpers::TestApp;
use crate::inspections::Browser;

fn written(app: &TestApp) -> (i64, i64) {
    (count(app, "dossier_counts"), audit_len(app))
}

/// The 2025 scorecard's (numerator, denominator) of a figure.
async fn figure(b: &Browser<'_>, code: &str) -> (u64, u64) {
    let r = b.get("/api/v1/units/32200/scorecard?year=2025").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s: Value = r.json();
    let f = s["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap()
        .clone();
    (
        f["numerator"].as_u64().unwrap(),
        f["denominator"].as_u64().unwrap(),
    )
}

/// Sends the upload form (the CSRF token and the file) as the page does.
pub async fn upload(b: &Browser<'_>, csv: impl AsRef<[u8]>) -> Resp {
    let boundary = "----vanbanboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ho-so.csv\"\r\nContent-Type: text/csv\r\n\r\n",
        b.csrf
    )
    .into_bytes();
    body.extend_from_slice(csv.as_ref());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    b.client
        .send(
            TestRequest::post()
                .uri("/units/32200/ho-so/tep")
                .insert_header(cookie(&b.secret))
                .insert_header((
                    "Content-Type",
                    format!("multipart/form-data; boundary={boundary}"),
                ))
                .set_payload(body),
        )
        .await
}

db_test!(counts_entered_by_form_reach_the_scorecard_at_once, |app| {
    prepare(&app);
    let c = client(&app).await;
    let officer = add_user(&app, "motcua", "officer", &["32200"]);
    let b = Browser::new(&app, &c, officer);

    // October 2025 as stored: 1.001193 (10, 10 on time, 1 online), 1.001194 (5, 4, 0).
    let r = b.get("/units/32200/ho-so?thang=2025-10").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("tháng 10/2025"));
    assert!(
        r.body.contains(r#"name="received:1.001193" value="10""#),
        "{}",
        r.body
    );
    assert!(r.body.contains(r#"name="on_time:1.001194" value="4""#));
    assert!(r.body.contains(r#"name="received:1.001195" value="""#));
    assert!(!r.body.contains("1.009999"));
    // This month by default.
    let r = b.get("/units/32200/ho-so").await;
    assert!(
        r.body.contains(r#"name="month" value="2025-12""#),
        "{}",
        r.body
    );

    assert_eq!(figure(&b, "filed_online").await, (4, 25));
    let before = written(&app);
    let r = b
        .post_form(
            "/units/32200/ho-so",
            &[
                ("month", "2025-11"),
                ("received:1.001195", "20"),
                ("on_time:1.001195", "18"),
                ("online:1.001195", "6"),
                ("received:1.001193", ""),
                ("on_time:1.001193", ""),
                ("online:1.001193", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/units/32200/ho-so?thang=2025-11&saved=1")
    );
    assert_eq!(written(&app), (before.0 + 1, before.1 + 1));
    assert_eq!(figure(&b, "filed_online").await, (10, 45));
    assert_eq!(figure(&b, "on_time").await, (41, 45));
    let r = b.get("/units/32200/ho-so?thang=2025-11&saved=1").await;
    assert!(r.body.contains("Đã ghi số liệu của 1 thủ tục."));
    assert!(r.body.contains(r#"name="online:1.001195" value="6""#));
    // A correction replaces the month's figures.
    let r = b
        .post_form(
            "/units/32200/ho-so",
            &[
                ("month", "2025-11"),
                ("received:1.001195", "20"),
                ("on_time:1.001195", "20"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(figure(&b, "filed_online").await, (4, 45));
    assert_eq!(figure(&b, "on_time").await, (43, 45));
    Ok(())
});

/// Posts the form and expects a refusal beside the field `id`, nothing written.
async fn refused(app: &TestApp, b: &Browser<'_>, fields: &[(&str, &str)], id: &str, message: &str) {
    let before = written(app);
    let r = b.post_form("/units/32200/ho-so", fields).await;
    assert_eq!(r.status, 400, "{fields:?}: {}", r.body);
    let at = r
        .body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("{fields:?}: no {id} in {}", r.body));
    let close = if id == "form-error" { "</div>" } else { "</p>" };
    let end = r.body[at..].find(close).unwrap() + at;
    assert!(
        r.body[at..end].contains(message),
        "{fields:?}: {}",
        &r.body[at..end]
    );
    assert!(r.body.contains(&format!("aria-describedby=\"{id}\"")));
    assert_eq!(written(app), before, "{fields:?}");
}

db_test!(bad_count_forms_are_refused_beside_their_field, |app| {
    prepare(&app);
    let c = client(&app).await;
    let officer = add_user(&app, "motcua", "officer", &["32200"]);
    let b = Browser::new(&app, &c, officer);
    // Rows in the sheet's order: 1.001193, 1.001194, 1.001195, 1.001196.
    let m = ("month", "2025-11");
    refused(
        &app,
        &b,
        &[m, ("received:1.001194", "-1")],
        "received-2-error",
        "âm",
    )
    .await;
    refused(
        &app,
        &b,
        &[m, ("received:1.001194", "2,5")],
        "received-2-error",
        "không phải là số nguyên",
    )
    .await;
    refused(
        &app,
        &b,
        &[m, ("received:1.001194", "5"), ("on_time:1.001194", "6")],
        "on_time-2-error",
        "lớn hơn số tiếp nhận",
    )
    .await;
    refused(
        &app,
        &b,
        &[m, ("received:1.001193", "5"), ("online:1.001193", "7")],
        "online-1-error",
        "lớn hơn số tiếp nhận",
    )
    .await;
    refused(
        &app,
        &b,
        &[m, ("on_time:1.001195", "3")],
        "received-3-error",
        "Thiếu số hồ sơ tiếp nhận",
    )
    .await;
    // One good row and one bad: nothing is written.
    refused(
        &app,
        &b,
        &[m, ("received:1.001193", "5"), ("received:1.001196", "x")],
        "received-4-error",
        "không phải là số nguyên",
    )
    .await;
    // A month to come, or not a month.
    refused(
        &app,
        &b,
        &[("month", "2026-01"), ("received:1.001193", "5")],
        "h-month-error",
        "chưa đến",
    )
    .await;
    refused(
        &app,
        &b,
        &[("month", "tháng 11"), ("received:1.001193", "5")],
        "h-month-error",
        "không hợp lệ",
    )
    .await;
    // Nothing typed, or a procedure that is not on the sheet.
    refused(&app, &b, &[m], "form-error", "Chưa nhập số liệu").await;
    refused(
        &app,
        &b,
        &[m, ("received:1.009999", "5")],
        "form-error",
        "không có trong bảng",
    )
    .await;
    // What was typed is shown again.
    let r = b
        .post_form(
            "/units/32200/ho-so",
            &[m, ("received:1.001194", "5"), ("on_time:1.001194", "6")],
        )
        .await;
    assert!(
        r.body.contains(r#"name="on_time:1.001194" value="6""#),
        "{}",
        r.body
    );
    // A month parameter that is not one.
    assert_eq!(b.get("/units/32200/ho-so?thang=13-2025").await.status, 400);
    Ok(())
});

db_test!(a_counts_file_is_written_whole_or_not_at_all, |app| {
    prepare(&app);
    let c = client(&app).await;
    let officer = add_user(&app, "motcua", "officer", &["32200"]);
    let b = Browser::new(&app, &c, officer);

    let good = "\u{feff}ma_thu_tuc;thang;tiep_nhan;dung_han;truc_tuyen\n1.001195;2025-11;20;18;6\n\n1.001196;2025-12;4;4;0\n";
    let before = written(&app);
    let r = upload(&b, good).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/units/32200/ho-so?thang=2025-12&saved=2")
    );
    assert_eq!(written(&app), (before.0 + 2, before.1 + 2));
    assert_eq!(figure(&b, "filed_online").await, (10, 49));

    // Every bad line reported by its number; nothing written.
    let bad = "ma_thu_tuc,thang,tiep_nhan,dung_han,truc_tuyen\n\
               1.001193,2025-11,5,5,0\n\
               9.999999,2025-11,5,5,0\n\
               1.001194,2025-11,5,6,0\n\
               1.001193,2026-02,5,5,0\n\
               1.001193,2025-11,1,1,1\n\
               1.001194,2025-10,-2,0,0\n\
               1.001195,2025-10,3\n";
    let before = written(&app);
    let r = upload(&b, bad).await;
    assert_eq!(r.status, 400, "{}", r.body);
    for (line, message) in [
        (3, "không có thủ tục mã «9.999999»"),
        (4, "lớn hơn số tiếp nhận"),
        (5, "chưa đến"),
        (6, "đã có ở dòng 2"),
        (7, "âm"),
        (8, "cần 5 cột"),
    ] {
        let row = format!("<tr><td class=\"num\">{line}</td><td>");
        let at = r
            .body
            .find(&row)
            .unwrap_or_else(|| panic!("line {line}: {}", r.body));
        let end = r.body[at..].find("</tr>").unwrap() + at;
        assert!(
            r.body[at..end].contains(message),
            "line {line}: {}",
            &r.body[at..end]
        );
    }
    assert!(!r.body.contains("<tr><td class=\"num\">2</td>"));
    assert_eq!(written(&app), before);

    // The header must be the one given.
    let r = upload(&b, "ma,thang,so\n1.001193,2025-11,5\n").await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("dòng tiêu đề phải là"), "{}", r.body);
    assert!(r.body.contains("thiếu cột"));
    // Only a header; not UTF-8; too large.
    let r = upload(&b, "ma_thu_tuc,thang,tiep_nhan,dung_han,truc_tuyen\n").await;
    assert!(r.body.contains("không có dòng số liệu nào"), "{}", r.body);
    let r = upload(
        &b,
        b"ma_thu_tuc,thang,tiep_nhan,dung_han,truc_tuyen\n\xe0\n",
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("không phải UTF-8"), "{}", r.body);
    let big = format!(
        "ma_thu_tuc,thang,tiep_nhan,dung_han,truc_tuyen\n{}",
        "1.001193,2025-11,5,5,0\n".repeat(60_000)
    );
    let r = upload(&b, &big).await;
    assert_eq!(r.status, 413, "{}", r.status);
    assert_eq!(written(&app), before);
    Ok(())
});

db_test!(
    the_counts_are_for_the_units_officers_and_administrators,
    |app| {
        prepare(&app);
        let c = client(&app).await;
        let inspector = add_user(&app, "thanhtra", "inspector", &["32200"]);
        let other = add_user(&app, "motcua.khac", "officer", &["32201"]);
        let officer = add_user(&app, "motcua", "officer", &["32200"]);
        let form = [("month", "2025-11"), ("received:1.001193", "5")];
        let r = c.send(TestRequest::get().uri("/units/32200/ho-so")).await;
        assert!(matches!(r.status, 302 | 303 | 401), "{}", r.status);
        let before = written(&app);
        for user in [inspector, other] {
            let b = Browser::new(&app, &c, user);
            assert_eq!(b.get("/units/32200/ho-so").await.status, 403);
            assert_eq!(b.post_form("/units/32200/ho-so", &form).await.status, 403);
            let r = upload(
                &b,
                "ma_thu_tuc,thang,tiep_nhan,dung_han,truc_tuyen\n1.001193,2025-11,5,5,0\n",
            )
            .await;
            assert_eq!(r.status, 403);
        }
        // Without the CSRF token.
        let b = Browser::new(&app, &c, officer);
        let r = c
            .send(
                TestRequest::post()
                    .uri("/units/32200/ho-so")
                    .insert_header(cookie(&b.secret))
                    .set_form(form),
            )
            .await;
        assert_eq!(r.status, 403);
        assert_eq!(written(&app), before);
        Ok(())
    }
);

db_test!(
    a_counts_upload_without_a_file_shows_the_sheet_with_the_message,
    |app| {
        prepare(&app);
        let c = client(&app).await;
        let officer = add_user(&app, "motcua", "officer", &["32200"]);
        let b = Browser::new(&app, &c, officer);
        let before = written(&app);
        let r = upload(&b, b"").await;
        assert_eq!(r.status, 422, "{}", r.body);
        // The counts page, not a bare error page: the message beside the file field.
        assert!(
            r.body.contains("action=\"/units/32200/ho-so/tep\""),
            "{}",
            r.body
        );
        assert!(
            r.body
                .contains("h-file-hint h-file-error\" aria-invalid=\"true\""),
            "{}",
            r.body
        );
        assert!(
            r.body.contains(
                "<p class=\"field-error\" id=\"h-file-error\">Cần chọn tệp số liệu hồ sơ"
            ),
            "{}",
            r.body
        );
        assert_eq!(written(&app), before);
        Ok(())
    }
);
