//! The one-stop office and feedback address of a unit (`/units/{code}/lien-he`): recorded by an
//! officer of the unit, shown on the unit's pages, on a procedure read for the unit
//! (`?don_vi=`) with a `tel:` link; every bad field refused beside itself with the input kept
//! and nothing written; an officer of another unit refused (403) with nothing written; the
//! `unit_contact` record through import and export. And a procedure's online address: the
//! «Nộp trực tuyến» link, the national portal where none is known, refused when not http(s);
//! the steps as a numbered list.

use actix_web::test::TestRequest;

use crate::authkit::{add_user, audit_len, cookie, count, session};
use crate::counter::{client, prepare};
use crate::db_test;
use crate::helpers::TestApp;
use crate::inspections::Browser;

const GOOD: &[(&str, &str)] = &[
    ("address", "Khóm 4,  xã Đầm Dơi, tỉnh Cà Mau"),
    (
        "hours",
        "Sáng 7h00–11h30, chiều 13h30–17h00, thứ Hai đến thứ Sáu",
    ),
    ("phone", "0290 3855.123"),
    ("email", "motcua.damdoi@camau.gov.vn"),
    ("feedback_address", "Ủy ban nhân dân xã Đầm Dơi"),
    ("feedback_phone", "+84 290 3855 124"),
    ("feedback_email", ""),
    ("feedback_url", "https://dichvucong.gov.vn/p/phan-anh"),
];

fn written(app: &TestApp) -> (i64, i64) {
    (count(app, "unit_contacts"), audit_len(app))
}

db_test!(
    an_officer_records_the_contact_and_the_pages_show_it,
    |app| {
        prepare(&app);
        let c = client(&app).await;
        let officer = add_user(&app, "motcua", "officer", &["32200"]);
        let b = Browser::new(&app, &c, officer);

        // Nothing recorded yet: the form is empty, the unit's page offers to fill it.
        let r = b.get("/units/32200/lien-he").await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("name=\"address\" value=\"\""), "{}", r.body);
        let r = b.get("/units/32200").await;
        assert!(
            r.body.contains("href=\"/units/32200/lien-he\""),
            "{}",
            r.body
        );

        let before = written(&app);
        let r = b.post_form("/units/32200/lien-he", GOOD).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            r.header("location").as_deref(),
            Some("/units/32200/lien-he?saved=1")
        );
        assert_eq!(written(&app), (before.0 + 1, before.1 + 1));
        let r = b.get("/units/32200/lien-he?saved=1").await;
        assert!(r.body.contains("Đã lưu thông tin liên hệ."));
        // Spaces folded as stored.
        assert!(r.body.contains("value=\"Khóm 4, xã Đầm Dơi, tỉnh Cà Mau\""));

        // The same form again writes nothing (no audit entry).
        let again = written(&app);
        assert_eq!(b.post_form("/units/32200/lien-he", GOOD).await.status, 303);
        assert_eq!(written(&app), again);

        // Public pages: the unit, its procedures (each opening for the unit), a procedure read
        // for the unit.
        for path in ["/units/32200", "/units/32200/procedures"] {
            let r = c.send(TestRequest::get().uri(path)).await;
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            assert!(r.body.contains("Khóm 4, xã Đầm Dơi, tỉnh Cà Mau"), "{path}");
            assert!(r.body.contains("href=\"tel:02903855123\""), "{path}");
            assert!(
                r.body.contains("mailto:motcua.damdoi@camau.gov.vn"),
                "{path}"
            );
            assert!(r.body.contains("Phản ánh, kiến nghị"), "{path}");
            // No edit link for the public.
            assert!(!r.body.contains("/lien-he\""), "{path}");
        }
        let r = c
            .send(TestRequest::get().uri("/units/32200/procedures"))
            .await;
        assert!(
            r.body
                .contains("href=\"/procedures/1.001193?don_vi=32200\""),
            "{}",
            r.body
        );
        let r = c
            .send(TestRequest::get().uri("/procedures/1.001193?don_vi=32200"))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("Nơi tiếp nhận hồ sơ"));
        assert!(r.body.contains("href=\"tel:+842903855124\""));
        assert!(r.body.contains("https://dichvucong.gov.vn/p/phan-anh"));
        // Without a unit, no contact; an unknown unit is a 400 naming the parameter.
        let r = c.send(TestRequest::get().uri("/procedures/1.001193")).await;
        assert!(!r.body.contains("Nơi tiếp nhận hồ sơ"));
        let r = c
            .send(TestRequest::get().uri("/procedures/1.001193?don_vi=99999"))
            .await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.body.contains("don_vi"), "{}", r.body);

        // A change is audited with its before and after; clearing a field clears it.
        let mut changed: Vec<(&str, &str)> = GOOD.to_vec();
        changed[2] = ("phone", "0290 3999 999");
        changed[7] = ("feedback_url", "");
        let before = written(&app);
        assert_eq!(
            b.post_form("/units/32200/lien-he", &changed).await.status,
            303
        );
        assert_eq!(written(&app), (before.0, before.1 + 1));
        // The page kept for anonymous readers follows once the cache looks at the outbox
        // again (at most every second).
        let mut r = c
            .send(TestRequest::get().uri("/units/32200/procedures"))
            .await;
        for _ in 0..5 {
            if r.body.contains("tel:02903999999") {
                break;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(600)).await;
            r = c
                .send(TestRequest::get().uri("/units/32200/procedures"))
                .await;
        }
        assert!(r.body.contains("tel:02903999999"), "the kept page moved");
        assert!(!r.body.contains("dichvucong.gov.vn/p/phan-anh"));
        Ok(())
    }
);

db_test!(
    each_bad_field_is_refused_beside_itself_and_nothing_is_written,
    |app| {
        prepare(&app);
        let c = client(&app).await;
        let officer = add_user(&app, "motcua", "officer", &["32200"]);
        let b = Browser::new(&app, &c, officer);
        let long = "x".repeat(301);
        let cases: &[(&str, &str, &str)] = &[
            ("phone", "0290-385-5123", "Số điện thoại chỉ gồm chữ số"),
            ("phone", "12345", "từ 8 đến 15 chữ số"),
            ("email", "motcua@damdoi", "Thư điện tử không đúng dạng"),
            (
                "feedback_email",
                "a b@camau.gov.vn",
                "Thư điện tử không đúng dạng",
            ),
            (
                "feedback_url",
                "javascript:alert(1)",
                "http:// hoặc https://",
            ),
            ("feedback_url", "dichvucong.gov.vn", "không đúng dạng"),
            ("address", &long, "Dài quá 300 ký tự"),
            ("hours", "7h\u{7}00", "ký tự điều khiển"),
        ];
        for (field, value, message) in cases {
            let mut form: Vec<(&str, &str)> = GOOD.to_vec();
            for f in form.iter_mut() {
                if f.0 == *field {
                    f.1 = value;
                }
            }
            let before = written(&app);
            let r = b.post_form("/units/32200/lien-he", &form).await;
            assert_eq!(r.status, 400, "{field}={value}: {}", r.body);
            let error = format!("id=\"c-{field}-error\">");
            let at = r
                .body
                .find(&error)
                .unwrap_or_else(|| panic!("{field}: {}", r.body));
            assert!(
                r.body[at..].split("</p>").next().unwrap().contains(message),
                "{field}: {}",
                &r.body[at..]
            );
            assert!(r.body.contains("aria-invalid=\"true\""));
            // The other fields keep what was typed.
            assert!(r.body.contains("value=\"motcua.damdoi@camau.gov.vn\"") || *field == "email");
            assert!(r.body.contains("không có gì được ghi"));
            assert_eq!(written(&app), before, "{field}");
        }
        // Several at once: each beside its own field.
        let mut form: Vec<(&str, &str)> = GOOD.to_vec();
        form[2] = ("phone", "abc");
        form[3] = ("email", "x");
        let r = b.post_form("/units/32200/lien-he", &form).await;
        assert_eq!(r.status, 400);
        assert!(r.body.contains("id=\"c-phone-error\""));
        assert!(r.body.contains("id=\"c-email-error\""));
        assert!(r.body.contains("value=\"abc\""));
        assert_eq!(count(&app, "unit_contacts"), 0);
        Ok(())
    }
);

db_test!(
    only_the_units_officers_and_administrators_write_its_contact,
    |app| {
        prepare(&app);
        let c = client(&app).await;
        let officer = add_user(&app, "motcua", "officer", &["32200"]);
        let other = add_user(&app, "xakhac", "officer", &["32201"]);
        let inspector = add_user(&app, "thanhtra", "inspector", &["32200"]);
        let before = written(&app);
        // Anonymous.
        let r = c.send(TestRequest::get().uri("/units/32200/lien-he")).await;
        assert!(matches!(r.status, 302 | 303 | 401), "{}", r.status);
        let r = c
            .send(
                TestRequest::post()
                    .uri("/units/32200/lien-he")
                    .set_form(GOOD),
            )
            .await;
        assert!(matches!(r.status, 303 | 401 | 403), "{}", r.status);
        // An officer of another commune, an inspector.
        for user in [other, inspector] {
            let b = Browser::new(&app, &c, user);
            assert_eq!(b.get("/units/32200/lien-he").await.status, 403);
            assert_eq!(b.post_form("/units/32200/lien-he", GOOD).await.status, 403);
        }
        // The unit's officer without the CSRF token.
        let (secret, _) = session(&app, officer);
        let r = c
            .send(
                TestRequest::post()
                    .uri("/units/32200/lien-he")
                    .insert_header(cookie(&secret))
                    .set_form(GOOD),
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(written(&app), before);
        // The other officer writes their own unit; an administrator any unit.
        let b = Browser::new(&app, &c, other);
        assert_eq!(b.post_form("/units/32201/lien-he", GOOD).await.status, 303);
        let b = Browser::new(&app, &c, add_user(&app, "quantri", "admin", &[]));
        assert_eq!(b.post_form("/units/32200/lien-he", GOOD).await.status, 303);
        assert_eq!(b.get("/units/99999/lien-he").await.status, 404);
        assert_eq!(count(&app, "unit_contacts"), 2);
        // Through the records API, an officer's line for another unit is refused too.
        let token = crate::records_write::token_for(&app, "xakhac2", "officer", &["32201"]);
        let r = crate::records_write::post_records(
            &app,
            Some(&token),
            r#"{"kind":"unit_contact","unit":"32200","phone":"0290 3000 000"}"#,
        )
        .await;
        assert_eq!(r.status, 403, "{}", r.body);
        let r = c
            .send(TestRequest::get().uri("/units/32200/procedures"))
            .await;
        assert!(!r.body.contains("0290 3000 000"));
        Ok(())
    }
);

const CONTACT: &str = r#"{"kind":"unit_contact","unit":"32200","address":"Khóm 4, xã Đầm Dơi","hours":"Sáng 7h00–11h30","phone":"0290 3855 123","feedback_url":"https://dichvucong.gov.vn/p/phan-anh"}
"#;

db_test!(unit_contacts_go_through_import_and_export, |app| {
    prepare(&app);
    let r = app.import_str("c.jsonl", CONTACT)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let out = app.export()?;
    let line = out
        .lines()
        .find(|l| l.contains("\"kind\":\"unit_contact\""))
        .expect("exported");
    let v: serde_json::Value = serde_json::from_str(line)?;
    assert_eq!(v["unit"], "32200");
    assert_eq!(v["phone"], "0290 3855 123");
    assert_eq!(v["feedback_url"], "https://dichvucong.gov.vn/p/phan-anh");
    // Fields not known are left out.
    assert!(v.get("email").is_none(), "{line}");
    // Round trip: the export imported elsewhere exports the same.
    let other = crate::helpers::TestApp::sqlite()?;
    let r = other.import_str("export.jsonl", &out)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(other.export()?, out);
    // Re-importing changes nothing.
    let before = audit_len(&app);
    app.import_str("c.jsonl", CONTACT)?;
    assert_eq!(audit_len(&app), before);
    // Bad lines name their field; nothing is written from them.
    let r = app.import_str(
        "bad.jsonl",
        r#"{"kind":"unit_contact","unit":"32200","email":"x@y","feedback_url":"ftp://a.vn"}
{"kind":"unit_contact","unit":"00000","phone":"0290 3855 123"}
"#,
    )?;
    assert_eq!(r.errors.len(), 2, "{:?}", r.errors);
    let first = r.errors[0].message.clone();
    assert!(
        first.contains("email") && first.contains("feedback_url"),
        "{first}"
    );
    assert!(r.errors[1].message.contains("00000"), "{:?}", r.errors[1]);
    assert_eq!(audit_len(&app), before);
    Ok(())
});

const ONLINE: &str = r#"{"kind":"procedure","code":"1.001196","name":"Đăng ký khai tử","field":"Hộ tịch","levels":["xa"],"agency":"Ủy ban nhân dân cấp xã","steps":"Bước 1: Nộp tờ khai. Bước 2: Nhận trích lục khai tử.","channels":["in_person","online"],"statutory_days":3,"local_days":2,"online_level":"full","online_url":"https://dichvucong.gov.vn/p/ma=1.001196","decision":{"authority":"UBND-96","number":"121/QĐ-UBND","date":"2025-11-28"},"announcement":"amended"}
"#;

db_test!(a_procedure_online_is_submitted_at_its_address, |app| {
    prepare(&app);
    let c = client(&app).await;
    let r = app.import_str("online.jsonl", ONLINE)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let r = c.send(TestRequest::get().uri("/procedures/1.001196")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains("class=\"button-link\" href=\"https://dichvucong.gov.vn/p/ma=1.001196\""),
        "{}",
        r.body
    );
    assert!(r.body.contains(">Nộp trực tuyến</a>"));
    // The steps, numbered, without their markers.
    assert!(r.body.contains(
        "<ol class=\"steps-list\">\n    <li>Nộp tờ khai.</li>\n    <li>Nhận trích lục khai tử.</li>"
    ), "{}", r.body);
    // In the API and the export.
    let r = c
        .send(TestRequest::get().uri("/api/v1/procedures/1.001196"))
        .await;
    let v: serde_json::Value = serde_json::from_str(&r.body)?;
    assert_eq!(
        v["version"]["online_url"],
        "https://dichvucong.gov.vn/p/ma=1.001196"
    );
    assert!(app
        .export()?
        .contains("\"online_url\":\"https://dichvucong.gov.vn/p/ma=1.001196\""));
    // Online without an address: the national portal, searched by the code.
    let r = c.send(TestRequest::get().uri("/procedures/1.001194")).await;
    assert!(!r.body.contains("class=\"button-link\""));
    assert!(
        r.body.contains("href=\"https://dichvucong.gov.vn\""),
        "{}",
        r.body
    );
    // Not online: neither.
    let r = c.send(TestRequest::get().uri("/procedures/1.001195")).await;
    assert!(!r.body.contains("Nộp trực tuyến"));
    // Only http(s).
    for bad in [
        "javascript:alert(1)",
        "ftp://dichvucong.gov.vn",
        "dichvucong.gov.vn",
    ] {
        let line = ONLINE
            .replace("https://dichvucong.gov.vn/p/ma=1.001196", bad)
            .replace("121/QĐ-UBND", "122/QĐ-UBND");
        let r = app.import_str("bad.jsonl", &line)?;
        assert_eq!(r.errors.len(), 1, "{bad}");
        assert!(r.errors[0].message.contains("online_url"), "{:?}", r.errors);
    }
    Ok(())
});
