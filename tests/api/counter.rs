//! Procedures at the counter: the postings checklist of a unit (`/units/{code}/niem-yet`) —
//! what applies there with its posting state, postings marked and removed, the bulk "niêm yết
//! hôm nay", the completeness percentage changing at once — every bad form refused beside its
//! field with nothing written, and the page's access (anonymous, inspector, officer of another
//! unit, CSRF).

use actix_web::test::TestRequest;

use crate::authkit::{add_user, audit_len, cookie, count, session, Client, Resp};
use crate::db_test;
use crate::helpers::TestApp;
use crate::inspections::{setup, Browser};

/// The day the tests run on.
const TODAY: &str = "2025-12-10";

/// A procedure announced on Friday 28 November 2025 (posting deadline 5 December), not posted
/// at the commune, and a second commune of the province.
const MORE: &str = r#"{"kind":"procedure","code":"1.001196","name":"Đăng ký khai tử","field":"Hộ tịch","levels":["xa"],"agency":"Ủy ban nhân dân cấp xã","channels":["in_person"],"statutory_days":3,"local_days":2,"online_level":"none","decision":{"authority":"UBND-96","number":"120/QĐ-UBND","date":"2025-11-28"},"announcement":"new"}
{"kind":"unit","code":"32201","name":"Xã Tạ An Khương","level":"xa","parent":"96","valid_from":"2025-07-01"}
"#;

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn prepare(app: &TestApp) {
    setup(app);
    let r = app.import_str("more.jsonl", MORE).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

/// A client whose today is [`TODAY`].
pub async fn client(app: &TestApp) -> Client {
    let today = day(TODAY);
    let clock: vanban::clock::Clock = std::sync::Arc::new(move || today);
    Client::with_state(app.state().await.with_clock(clock)).await
}

/// The percentage on the public completeness page on `date`.
async fn percent(c: &Client, date: &str) -> String {
    let r = c
        .send(TestRequest::get().uri(&format!("/units/32200/completeness?date={date}")))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.body.find("%</span>").unwrap();
    let start = r.body[..at].rfind('>').unwrap() + 1;
    r.body[start..at].to_string()
}

fn written(app: &TestApp) -> (i64, i64) {
    (count(app, "postings"), audit_len(app))
}

db_test!(
    the_checklist_marks_postings_and_removals_and_the_completeness_follows,
    |app| {
        prepare(&app);
        let c = client(&app).await;
        let officer = add_user(&app, "motcua", "officer", &["32200"]);
        let b = Browser::new(&app, &c, officer);

        let r = b.get("/units/32200/niem-yet").await;
        assert_eq!(r.status, 200, "{}", r.body);
        for code in ["1.001193", "1.001194", "1.001195", "1.001196"] {
            assert!(
                r.body.contains(&format!("name=\"pick\" value=\"{code}\"")),
                "{code}"
            );
        }
        // A provincial procedure is not the commune's.
        assert!(!r.body.contains("1.009999"));
        assert!(
            r.body.contains("Bộ phận một cửa từ 04/08/2025"),
            "{}",
            r.body
        );
        assert!(r.body.contains("Chưa niêm yết"));
        assert!(r.body.contains("value=\"2025-12-10\""));
        assert!(r
            .body
            .contains("Niêm yết hôm nay (2 thủ tục chưa niêm yết)"));
        // 1 of 4 required procedures complete.
        assert_eq!(percent(&c, TODAY).await, "25,0");

        // Posted on 3 December, within the deadline: complete.
        let before = written(&app);
        let r = b
            .post_form(
                "/units/32200/niem-yet",
                &[
                    ("action", "post"),
                    ("date", "2025-12-03"),
                    ("point", "reception"),
                    ("pick", "1.001196"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            r.header("location").as_deref(),
            Some("/units/32200/niem-yet?saved=1")
        );
        assert_eq!(written(&app), (before.0 + 1, before.1 + 1));
        assert_eq!(percent(&c, TODAY).await, "50,0");
        let r = b.get("/units/32200/niem-yet?saved=1").await;
        assert!(r.body.contains("Đã ghi 1 lượt niêm yết."));
        assert!(
            r.body.contains("Bộ phận một cửa từ 03/12/2025"),
            "{}",
            r.body
        );

        // Also on the portal: a second posting of the same procedure.
        let r = b
            .post_form(
                "/units/32200/niem-yet",
                &[
                    ("action", "post"),
                    ("date", "2025-12-04"),
                    ("point", "portal"),
                    ("pick", "1.001196"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = b.get("/units/32200/niem-yet").await;
        assert!(
            r.body.contains("Cổng dịch vụ công từ 04/12/2025"),
            "{}",
            r.body
        );

        // Taken down on 5 December: missing again from that day.
        let r = b
            .post_form(
                "/units/32200/niem-yet",
                &[
                    ("action", "remove"),
                    ("date", "2025-12-05"),
                    ("point", "reception"),
                    ("pick", "1.001193"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(percent(&c, TODAY).await, "25,0");
        assert_eq!(percent(&c, "2025-12-05").await, "25,0");
        assert_eq!(percent(&c, "2025-12-04").await, "50,0");
        let r = b.get("/units/32200/niem-yet").await;
        assert!(r.body.contains("Đã gỡ"));
        assert!(r.body.contains("gỡ ngày 05/12/2025"), "{}", r.body);
        // Not again while it was still up; again from the day it was taken down.
        refused(
            &app,
            &b,
            &[
                ("action", "post"),
                ("date", "2025-12-04"),
                ("pick", "1.001193"),
            ],
            "date",
            "niêm yết lại từ ngày 05/12/2025",
        )
        .await;
        let r = b
            .post_form(
                "/units/32200/niem-yet",
                &[
                    ("action", "post"),
                    ("date", "2025-12-05"),
                    ("pick", "1.001193"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(percent(&c, TODAY).await, "50,0");
        // Taking down on the day it was put up is refused.
        refused(
            &app,
            &b,
            &[
                ("action", "remove"),
                ("date", "2025-12-05"),
                ("pick", "1.001193"),
            ],
            "date",
            "phải sau ngày niêm yết 05/12/2025",
        )
        .await;
        // The writes are the import's records: the export carries them.
        let export = app.export().unwrap();
        assert!(
            export.contains(r#""procedure":"1.001193","decision":{"authority":"UBND-96","number":"100/QĐ-UBND"},"unit":"32200","from":"2025-08-04","to":"2025-12-04""#),
            "{export}"
        );
        Ok(())
    }
);

db_test!(posting_today_posts_every_procedure_not_yet_posted, |app| {
    prepare(&app);
    let c = client(&app).await;
    let admin = add_user(&app, "quantri", "admin", &[]);
    let b = Browser::new(&app, &c, admin);
    let before = written(&app);
    let r = b
        .post_form("/units/32200/niem-yet", &[("action", "post_all")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/units/32200/niem-yet?saved=2")
    );
    assert_eq!(count(&app, "postings"), before.0 + 2);
    let r = b.get("/units/32200/niem-yet").await;
    assert!(
        r.body.contains("Bộ phận một cửa từ 10/12/2025"),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains("Niêm yết hôm nay (0 thủ tục chưa niêm yết)"));
    // Posted today, after both deadlines: late, so the percentage stays.
    assert_eq!(percent(&c, TODAY).await, "25,0");
    let r = c
        .send(TestRequest::get().uri("/units/32200/completeness?date=2025-12-10"))
        .await;
    assert!(
        r.body
            .contains("niêm yết từ 10/12/2025, sau hạn 05/12/2025"),
        "{}",
        r.body
    );
    // Nothing left to post.
    let before = written(&app);
    let r = b
        .post_form("/units/32200/niem-yet", &[("action", "post_all")])
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("đều đang được niêm yết"), "{}", r.body);
    assert_eq!(written(&app), before);
    Ok(())
});

/// Posts the form and expects a refusal beside `field` with `message`, nothing written.
async fn refused(
    app: &TestApp,
    b: &Browser<'_>,
    fields: &[(&str, &str)],
    field: &str,
    message: &str,
) {
    let before = written(app);
    let r: Resp = b.post_form("/units/32200/niem-yet", fields).await;
    assert_eq!(r.status, 400, "{fields:?}: {}", r.body);
    let id = format!("id=\"n-{field}-error\"");
    let at = r
        .body
        .find(&id)
        .unwrap_or_else(|| panic!("{fields:?}: no {id} in {}", r.body));
    let end = r.body[at..].find("</p>").unwrap() + at;
    assert!(
        r.body[at..end].contains(message),
        "{fields:?}: {}",
        &r.body[at..end]
    );
    assert!(
        r.body
            .contains(&format!("aria-describedby=\"n-{field}-error\""))
            || r.body.contains(&format!(" n-{field}-error\""))
    );
    assert_eq!(written(app), before, "{fields:?}");
}

db_test!(bad_checklist_forms_are_refused_beside_their_field, |app| {
    prepare(&app);
    let c = client(&app).await;
    let officer = add_user(&app, "motcua", "officer", &["32200"]);
    let b = Browser::new(&app, &c, officer);
    let post = |date: &'static str, code: &'static str| {
        vec![("action", "post"), ("date", date), ("pick", code)]
    };
    // A date after today.
    refused(
        &app,
        &b,
        &post("2025-12-11", "1.001194"),
        "date",
        "sau hôm nay",
    )
    .await;
    // A date that is not one.
    refused(
        &app,
        &b,
        &post("10/12/2025", "1.001194"),
        "date",
        "không hợp lệ",
    )
    .await;
    // An unknown procedure code, and one that does not apply at the commune.
    refused(
        &app,
        &b,
        &post("2025-12-10", "9.999999"),
        "picks",
        "không có trong danh mục",
    )
    .await;
    refused(
        &app,
        &b,
        &post("2025-12-10", "1.009999"),
        "picks",
        "không có trong danh mục",
    )
    .await;
    // Nothing selected.
    refused(
        &app,
        &b,
        &[("action", "post"), ("date", "2025-12-10")],
        "picks",
        "Chưa chọn thủ tục nào",
    )
    .await;
    refused(
        &app,
        &b,
        &[("action", "remove"), ("date", "2025-12-10")],
        "picks",
        "Chưa chọn thủ tục nào",
    )
    .await;
    // A removal before the posting date.
    refused(
        &app,
        &b,
        &[
            ("action", "remove"),
            ("date", "2025-08-01"),
            ("pick", "1.001193"),
        ],
        "date",
        "phải sau ngày niêm yết 04/08/2025",
    )
    .await;
    // Removing what is not posted there.
    refused(
        &app,
        &b,
        &[
            ("action", "remove"),
            ("date", "2025-12-10"),
            ("pick", "1.001194"),
        ],
        "picks",
        "không đang niêm yết",
    )
    .await;
    // Posting before the announcing decision, or what is already posted.
    refused(
        &app,
        &b,
        &post("2025-11-27", "1.001196"),
        "date",
        "trước ngày ban hành quyết định công bố",
    )
    .await;
    refused(
        &app,
        &b,
        &post("2025-12-10", "1.001193"),
        "picks",
        "đã được niêm yết",
    )
    .await;
    // One bad line among good ones: nothing is written.
    refused(
        &app,
        &b,
        &[
            ("action", "post"),
            ("date", "2025-12-10"),
            ("pick", "1.001194"),
            ("pick", "9.999999"),
        ],
        "picks",
        "9.999999",
    )
    .await;
    // What was chosen is kept on the form shown again.
    let r = b
        .post_form(
            "/units/32200/niem-yet",
            &[
                ("action", "post"),
                ("date", "2025-12-11"),
                ("point", "portal"),
                ("pick", "1.001194"),
            ],
        )
        .await;
    assert!(r.body.contains("value=\"1.001194\" checked"), "{}", r.body);
    assert!(r.body.contains("<option value=\"portal\" selected>"));
    assert!(r.body.contains("value=\"2025-12-11\""));
    // An unknown action or place is a bad request.
    let r = b
        .post_form(
            "/units/32200/niem-yet",
            &[("action", "burn"), ("pick", "1.001194")],
        )
        .await;
    assert_eq!(r.status, 400);
    let r = b
        .post_form(
            "/units/32200/niem-yet",
            &[("action", "post"), ("point", "wall"), ("pick", "1.001194")],
        )
        .await;
    assert_eq!(r.status, 400);
    Ok(())
});

db_test!(
    the_checklist_is_for_the_units_officers_and_administrators,
    |app| {
        prepare(&app);
        let c = client(&app).await;
        let inspector = add_user(&app, "thanhtra", "inspector", &["32200"]);
        let other = add_user(&app, "motcua.khac", "officer", &["32201"]);
        let officer = add_user(&app, "motcua", "officer", &["32200"]);
        let form = [("action", "post_all")];
        // Anonymous: sent to sign in (page) and refused (form).
        let r = c
            .send(TestRequest::get().uri("/units/32200/niem-yet"))
            .await;
        assert!(matches!(r.status, 302 | 303 | 401), "{}", r.status);
        let before = written(&app);
        let r = c
            .send(
                TestRequest::post()
                    .uri("/units/32200/niem-yet")
                    .set_form(form),
            )
            .await;
        assert!(matches!(r.status, 303 | 401 | 403), "{}", r.status);
        // An inspector, and an officer of another commune.
        for user in [inspector, other] {
            let b = Browser::new(&app, &c, user);
            assert_eq!(b.get("/units/32200/niem-yet").await.status, 403);
            assert_eq!(
                b.post_form("/units/32200/niem-yet", &form).await.status,
                403
            );
        }
        // The officer without the CSRF token.
        let (secret, _) = session(&app, officer);
        let r = c
            .send(
                TestRequest::post()
                    .uri("/units/32200/niem-yet")
                    .insert_header(cookie(&secret))
                    .set_form(form),
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(written(&app), before);
        // The other commune's officer has their own checklist.
        let b = Browser::new(&app, &c, other);
        let r = b.get("/units/32201/niem-yet").await;
        assert_eq!(r.status, 200, "{}", r.body);
        // An unknown unit.
        let b = Browser::new(&app, &c, add_user(&app, "quantri", "admin", &[]));
        assert_eq!(b.get("/units/99999/niem-yet").await.status, 404);
        Ok(())
    }
);
