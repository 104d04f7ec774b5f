//! Inspections of the posting of procedures: the completeness page, a visit recorded from the
//! form and through the API, compared with the system's check (differences highlighted), the
//! unit's history chart, and every refused visit (unknown unit, a finding for a procedure not
//! required at the unit, a date in the future, the same visit twice, an unknown finding code,
//! an unreadable date) with its status, stable code, Vietnamese message and nothing written.

use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::authkit::{add_user, audit_len, cookie, count, session, Client, Resp};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

/// Four procedures announced by the province on Friday 1 August 2025 (posting deadline: five
/// working days later, Friday 8 August), posted at Xã Đầm Dơi (32200):
/// - 1.001193, new, commune level, 3 → 2 days, full online: posted on 4 August (complete);
/// - 1.001194, new, commune level, 10 → 9 days, partial online: never posted (missing);
/// - 1.001195, amended, commune level, 10 → 9 days, not online: posted on 1 September (late);
/// - 1.009999, new, provincial level, 15 → 10 days, full online: not required at the commune.
///
/// Dossiers at the commune: 1.001193 in September (10 received, 3 online, 9 on time) and
/// October (10, 1, 10), 1.001194 in October (5, 0, 4); one line in January 2026 that the 2025
/// scorecard must leave out.
pub const PROCEDURES: &str = r#"{"kind":"procedure","code":"1.001193","name":"Đăng ký khai sinh","field":"Hộ tịch","levels":["xa"],"agency":"Ủy ban nhân dân cấp xã","channels":["in_person","online"],"statutory_days":3,"local_days":2,"legal_basis":[{"authority":"HDND-96","number":"05/2022/NQ-HĐND","provision":"Điều 1"}],"online_level":"full","decision":{"authority":"UBND-96","number":"100/QĐ-UBND","date":"2025-08-01"},"announcement":"new"}
{"kind":"procedure","code":"1.001194","name":"Đăng ký kết hôn","field":"Hộ tịch","levels":["xa"],"agency":"Ủy ban nhân dân cấp xã","channels":["in_person"],"statutory_days":10,"local_days":9,"online_level":"partial","decision":{"authority":"UBND-96","number":"100/QĐ-UBND","date":"2025-08-01"},"announcement":"new"}
{"kind":"procedure","code":"1.001195","name":"Chứng thực bản sao từ bản chính","field":"Chứng thực","levels":["xa"],"agency":"Ủy ban nhân dân cấp xã","channels":["in_person"],"statutory_days":10,"local_days":9,"online_level":"none","decision":{"authority":"UBND-96","number":"100/QĐ-UBND","date":"2025-08-01"},"announcement":"amended"}
{"kind":"procedure","code":"1.009999","name":"Cấp giấy phép xây dựng công trình cấp đặc biệt","field":"Xây dựng","levels":["tinh"],"agency":"Sở Xây dựng","channels":["in_person","online"],"statutory_days":15,"local_days":10,"online_level":"full","decision":{"authority":"UBND-96","number":"100/QĐ-UBND","date":"2025-08-01"},"announcement":"new"}
{"kind":"posting","procedure":"1.001193","decision":{"authority":"UBND-96","number":"100/QĐ-UBND"},"unit":"32200","from":"2025-08-04"}
{"kind":"posting","procedure":"1.001195","decision":{"authority":"UBND-96","number":"100/QĐ-UBND"},"unit":"32200","from":"2025-09-01"}
{"kind":"dossier_count","procedure":"1.001193","unit":"32200","month":"2025-09","received":10,"online":3,"on_time":9}
{"kind":"dossier_count","procedure":"1.001193","unit":"32200","month":"2025-10","received":10,"online":1,"on_time":10}
{"kind":"dossier_count","procedure":"1.001194","unit":"32200","month":"2025-10","received":5,"online":0,"on_time":4}
{"kind":"dossier_count","procedure":"1.001193","unit":"32200","month":"2026-01","received":100,"online":100,"on_time":100}
"#;

pub fn setup(app: &TestApp) {
    app.import_str("f.jsonl", FIXTURE).unwrap();
    let r = app.import_str("p.jsonl", PROCEDURES).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

/// A signed-in browser: session cookie and CSRF token.
pub struct Browser<'a> {
    pub client: &'a Client,
    pub secret: String,
    pub csrf: String,
}

impl<'a> Browser<'a> {
    pub fn new(app: &TestApp, client: &'a Client, user: i64) -> Browser<'a> {
        let (secret, csrf) = session(app, user);
        Browser {
            client,
            secret,
            csrf,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.client
            .send(
                TestRequest::get()
                    .uri(path)
                    .insert_header(cookie(&self.secret)),
            )
            .await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.client
            .send(
                TestRequest::post()
                    .uri(path)
                    .insert_header(cookie(&self.secret))
                    .set_form(form),
            )
            .await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Resp {
        self.client
            .send(
                TestRequest::post()
                    .uri(path)
                    .insert_header(cookie(&self.secret))
                    .insert_header(("X-CSRF-Token", self.csrf.as_str()))
                    .insert_header(("Content-Type", "application/json"))
                    .set_payload(body.to_string()),
            )
            .await
    }
}

fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let body = body.trim_start_matches('\u{feff}');
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let mut out = vec![r
        .headers()
        .unwrap()
        .iter()
        .map(String::from)
        .collect::<Vec<_>>()];
    for rec in r.records() {
        out.push(rec.unwrap().iter().map(String::from).collect());
    }
    out
}

db_test!(
    the_completeness_page_lists_the_gaps_and_exports_them,
    |app| {
        setup(&app);
        let c = Client::new(&app).await;
        // Public: no account needed.
        let r = c
            .send(TestRequest::get().uri("/units/32200/completeness?date=2025-12-31"))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        // 1 of 3 required procedures complete.
        assert!(r.body.contains("33,3%"), "{}", r.body);
        assert!(r.body.contains("(1/3 thủ tục)"));
        assert!(r.body.contains("Chưa niêm yết") && r.body.contains("1.001194"));
        assert!(r.body.contains("Niêm yết trễ hạn") && r.body.contains("1.001195"));
        assert!(r.body.contains("ngày 31/12/2025"));
        // The provincial procedure is not in the commune's list.
        assert!(!r.body.contains("1.009999"));
        assert!(r
            .body
            .contains("/api/v1/units/32200/completeness?date=2025-12-31"));
        assert!(r
            .body
            .contains("/units/32200/completeness?date=2025-12-31&amp;format=csv"));
        // Before the deadline nothing is a gap yet: the missing one is pending.
        let r = c
            .send(TestRequest::get().uri("/units/32200/completeness?date=2025-08-05"))
            .await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Còn trong hạn niêm yết"), "{}", r.body);
        assert!(!r.body.contains("Niêm yết trễ hạn"));

        // The CSV parses: one row per gap.
        let r = c
            .send(TestRequest::get().uri("/units/32200/completeness?date=2025-12-31&format=csv"))
            .await;
        assert_eq!(r.status, 200);
        assert!(r
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/csv"));
        let rows = csv_rows(&r.body);
        assert_eq!(rows[0][2], "Mã thủ tục");
        assert_eq!(rows.len(), 3, "{rows:?}");
        let kinds: Vec<&str> = rows[1..].iter().map(|r| r[5].as_str()).collect();
        assert_eq!(kinds, vec!["missing", "late"]);

        // Unknown unit, bad date, bad format.
        let r = c
            .send(TestRequest::get().uri("/units/99999/completeness"))
            .await;
        assert_eq!(r.status, 404);
        assert!(r.body.contains("99999"));
        let r = c
            .send(TestRequest::get().uri("/units/32200/completeness?date=31-12-2025"))
            .await;
        assert_eq!(r.status, 400);
        assert!(r.body.contains("không hợp lệ"));
        let r = c
            .send(TestRequest::get().uri("/units/32200/completeness?format=pdf"))
            .await;
        assert_eq!(r.status, 400);
        Ok(())
    }
);

db_test!(
    an_inspection_from_the_form_is_compared_with_the_check,
    |app| {
        setup(&app);
        let inspector = add_user(&app, "thanhtra", "inspector", &[]);
        let officer = add_user(&app, "canbo", "officer", &[]);
        let c = Client::new(&app).await;
        let b = Browser::new(&app, &c, inspector);

        // The form lists the commune's required procedures with the system's view.
        let r = b.get("/units/32200/inspections/new?date=2025-12-31").await;
        assert_eq!(r.status, 200, "{}", r.body);
        for code in ["1.001193", "1.001194", "1.001195"] {
            assert!(
                r.body.contains(&format!("name=\"finding:{code}\"")),
                "{code}"
            );
        }
        assert!(!r.body.contains("finding:1.009999"));
        assert!(r
            .body
            .contains("<label class=\"visually-hidden\" for=\"f-1\">"));
        // An officer may read but not record.
        let o = Browser::new(&app, &c, officer);
        assert_eq!(
            o.get("/units/32200/inspections/new?date=2025-12-31")
                .await
                .status,
            403
        );

        let before = (count(&app, "inspections"), audit_len(&app));
        let r = b
            .post_form(
                "/inspections",
                &[
                    ("unit", "32200"),
                    ("date", "2025-12-31"),
                    ("note", "Kiểm tra định kỳ tại Bộ phận Một cửa."),
                    ("finding:1.001193", "ok"),
                    // The system finds it missing: a difference.
                    ("finding:1.001194", "ok"),
                    ("note:1.001194", "Có bản giấy dán trên bảng."),
                    // Left blank: not inspected; the system finds it late.
                    ("finding:1.001195", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let to = r.header("location").unwrap();
        assert!(to.starts_with("/inspections/"), "{to}");
        assert_eq!(count(&app, "inspections"), before.0 + 1);
        assert_eq!(count(&app, "inspection_findings"), 2);
        assert_eq!(audit_len(&app), before.1 + 1, "one audit entry");

        // The visit: differences first, then what the report leaves out, then agreements.
        let r = o.get(&to).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let differs = r.body.find("agreement-differs").unwrap();
        let missing = r.body.find("agreement-not_in_report").unwrap();
        let agrees = r.body.find("agreement-agrees").unwrap();
        assert!(differs < missing && missing < agrees);
        assert!(r.body.contains("Có bản giấy dán trên bảng."));
        assert!(r.body.contains("Hệ thống phát hiện, biên bản không nêu"));
        // The inspector found 2 of 2 posted (100%), the system 1 of 3.
        assert!(r.body.contains("100,0%") && r.body.contains("(2/2 thủ tục"));
        assert!(r.body.contains("33,3%") && r.body.contains("(1/3 thủ tục"));
        let id = to.trim_start_matches("/inspections/");
        let j = o.get(&format!("/api/v1/inspections/{id}")).await.json();
        assert_eq!(j["differ"], 1, "{j}");
        assert_eq!(j["not_in_report"], 1);
        assert_eq!(j["agree"], 1);
        assert_eq!(j["rows"][0]["code"], "1.001194");
        assert_eq!(j["rows"][0]["system"], "missing");
        assert_eq!(j["rows"][0]["inspector"], "ok");

        // The history: a chart with the visit's day, and the visit listed.
        let r = o.get("/units/32200/inspections").await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("<svg") && r.body.contains("polyline"));
        assert!(r.body.contains("đoàn kiểm tra 100,0%"), "{}", r.body);
        assert!(r
            .body
            .contains(&format!("<a href=\"/inspections/{id}\">31/12/2025</a>")));
        let h = o.get("/api/v1/units/32200/inspections").await.json();
        assert_eq!(h["visits"].as_array().unwrap().len(), 1);
        let day = h["points"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["date"] == "2025-12-31")
            .unwrap();
        assert_eq!(day["system_percent"], 33.3);
        assert_eq!(day["inspected_percent"], 100.0);

        // The same visit again is refused on the form, shown again with what was typed.
        let r = b
            .post_form(
                "/inspections",
                &[
                    ("unit", "32200"),
                    ("date", "2025-12-31"),
                    ("note", "Lần hai"),
                    ("finding:1.001193", "missing"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Đã có biên bản kiểm tra của"));
        assert!(r.body.contains("duplicate_inspection"));
        assert!(r.body.contains("Lần hai"));
        assert!(r.body.contains("<option value=\"missing\" selected>"));
        assert_eq!(count(&app, "inspections"), before.0 + 1);
        // A day missing, unreadable or in the future: the form again (not a bare error page),
        // the message beside the date field, the findings and the note kept, nothing written.
        for date in ["", "31/02/2025", "2999-01-01"] {
            let r = b
                .post_form(
                    "/inspections",
                    &[
                        ("unit", "32200"),
                        ("date", date),
                        ("note", "Ngày sai"),
                        ("finding:1.001193", "missing"),
                    ],
                )
                .await;
            assert!((400..500).contains(&r.status), "{date}: {}", r.body);
            assert!(
                r.body.contains("action=\"/inspections\""),
                "{date}: {}",
                r.body
            );
            assert!(
                r.body
                    .contains("aria-invalid=\"true\" aria-describedby=\"i-date-error\""),
                "{date}: {}",
                r.body
            );
            assert!(r
                .body
                .contains("<p class=\"field-error\" id=\"i-date-error\">"));
            assert!(r.body.contains("Ngày sai"), "{date}: {}", r.body);
            assert!(r.body.contains("<option value=\"missing\" selected>"));
            assert_eq!(count(&app, "inspections"), before.0 + 1);
        }
        // Without the CSRF token: refused before anything runs.
        let r = c
            .send(
                TestRequest::post()
                    .uri("/inspections")
                    .insert_header(cookie(&b.secret))
                    .set_form([
                        ("unit", "32200"),
                        ("date", "2025-12-30"),
                        ("finding:1.001193", "ok"),
                    ]),
            )
            .await;
        assert_eq!(r.status, 403);
        assert_eq!(count(&app, "inspections"), before.0 + 1);
        Ok(())
    }
);

/// Posts a visit through the API and expects a refusal with nothing written.
async fn refused(
    app: &TestApp,
    b: &Browser<'_>,
    body: Value,
    status: u16,
    code: &str,
    needle: &str,
) {
    let before = (
        count(app, "inspections"),
        count(app, "inspection_findings"),
        audit_len(app),
    );
    let r = b.post_json("/api/v1/inspections", &body).await;
    assert_eq!(r.status, status, "{body}: {}", r.body);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    let j = r.json();
    assert_eq!(j["code"], code, "{j}");
    let detail = j["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(needle), "«{needle}» not in «{detail}»");
    assert_eq!(
        (
            count(app, "inspections"),
            count(app, "inspection_findings"),
            audit_len(app)
        ),
        before,
        "nothing written for {code}"
    );
}

db_test!(bad_visits_are_refused_and_nothing_is_written, |app| {
    setup(&app);
    let inspector = add_user(&app, "thanhtra", "inspector", &[]);
    let scoped = add_user(&app, "thanhtra.baclieu", "inspector", &["95"]);
    let c = Client::new(&app).await;
    let b = Browser::new(&app, &c, inspector);
    let visit = |unit: &str, date: &str, findings: Value| json!({"unit": unit, "date": date, "note": "Kiểm tra", "findings": findings});
    let ok = json!([{"procedure": "1.001193", "finding": "ok"}]);

    // A good one first (to have something to duplicate).
    let r = b
        .post_json(
            "/api/v1/inspections",
            &visit(
                "32200",
                "2025-12-31",
                json!([
                    {"procedure": "1.001193", "finding": "ok"},
                    {"procedure": "1.001194", "finding": "missing", "note": "Không thấy"},
                    {"procedure": "1.001195", "finding": "outdated"}
                ]),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let j = r.json();
    // The system finds 1.001195 late, not outdated: one difference; the other two agree.
    assert_eq!(
        (j["agree"].as_i64(), j["differ"].as_i64()),
        (Some(2), Some(1)),
        "{j}"
    );
    assert_eq!(j["inspected"]["numerator"], 1);
    assert_eq!(j["inspected"]["denominator"], 3);
    assert!(r
        .header("location")
        .unwrap()
        .starts_with("/api/v1/inspections/"));

    refused(
        &app,
        &b,
        visit("99999", "2025-12-31", ok.clone()),
        422,
        "unknown_unit",
        "Không có đơn vị hành chính mã «99999»",
    )
    .await;
    refused(
        &app,
        &b,
        visit(
            "32200",
            "2025-12-30",
            json!([{"procedure": "1.009999", "finding": "ok"}]),
        ),
        422,
        "procedure_not_required",
        "Thủ tục 1.009999 không thuộc danh mục thủ tục phải niêm yết tại Xã Đầm Dơi ngày 30/12/2025",
    )
    .await;
    refused(
        &app,
        &b,
        visit(
            "32200",
            "2025-12-30",
            json!([{"procedure": "1.001193", "finding": "not_required"}]),
        ),
        422,
        "procedure_required",
        "thuộc danh mục phải niêm yết",
    )
    .await;
    let tomorrow = (vanban::clock::today() + chrono::Days::new(1)).to_string();
    refused(
        &app,
        &b,
        visit("32200", &tomorrow, ok.clone()),
        422,
        "future_date",
        "là ngày trong tương lai",
    )
    .await;
    refused(
        &app,
        &b,
        visit("32200", "2025-12-31", ok.clone()),
        422,
        "duplicate_inspection",
        "Đã có biên bản kiểm tra của thanhtra tại Xã Đầm Dơi ngày 31/12/2025",
    )
    .await;
    refused(
        &app,
        &b,
        visit(
            "32200",
            "2025-12-30",
            json!([{"procedure": "1.001193", "finding": "ok"}, {"procedure": "1.001194", "finding": "thiếu"}]),
        ),
        422,
        "unknown_finding",
        "Kết quả «thiếu» của thủ tục 1.001194 không thuộc danh mục kết quả kiểm tra (ok, missing, outdated, late, basis_not_in_force, not_required)",
    )
    .await;
    // Control characters: none in a note but tab and line breaks, also in a finding's note.
    let mut nul = visit("32200", "2025-12-30", ok.clone());
    nul["note"] = json!("Kiểm tra\u{0}");
    refused(
        &app,
        &b,
        nul,
        422,
        "control_character",
        "«ghi chú (note)» chứa ký tự điều khiển U+0000 (NUL) ở vị trí 9",
    )
    .await;
    refused(
        &app,
        &b,
        visit(
            "32200",
            "2025-12-30",
            json!([{"procedure": "1.001193", "finding": "missing", "note": "\u{1b}[2J"}]),
        ),
        422,
        "control_character",
        "«ghi chú (note)» chứa ký tự điều khiển U+001B (ESC) ở vị trí 1",
    )
    .await;
    refused(
        &app,
        &b,
        visit("32200", "31/02/2025", ok.clone()),
        400,
        "invalid_date",
        "Ngày kiểm tra «31/02/2025» không hợp lệ",
    )
    .await;
    refused(
        &app,
        &b,
        visit(
            "32200",
            "2025-12-30",
            json!([{"procedure": "1.00422", "finding": "ok"}]),
        ),
        422,
        "unknown_procedure",
        "1.00422",
    )
    .await;
    refused(
        &app,
        &b,
        visit(
            "32200",
            "2025-12-30",
            json!([{"procedure": "1.001193", "finding": "ok"}, {"procedure": "1.001193", "finding": "late"}]),
        ),
        422,
        "duplicate_finding",
        "hai lần",
    )
    .await;
    refused(
        &app,
        &b,
        visit("32200", "2025-12-30", json!([])),
        422,
        "no_findings",
        "ít nhất một",
    )
    .await;
    // Before the commune existed.
    refused(
        &app,
        &b,
        visit("32200", "2025-06-30", ok.clone()),
        422,
        "unit_not_on_date",
        "không tồn tại vào ngày 30/06/2025",
    )
    .await;
    // An inspector of Bạc Liêu does not inspect Đầm Dơi.
    let s = Browser::new(&app, &c, scoped);
    refused(
        &app,
        &s,
        visit("32200", "2025-12-30", ok.clone()),
        403,
        "forbidden",
        "ngoài phạm vi",
    )
    .await;
    // Not JSON.
    let r = b
        .client
        .send(
            TestRequest::post()
                .uri("/api/v1/inspections")
                .insert_header(cookie(&b.secret))
                .insert_header(("X-CSRF-Token", b.csrf.as_str()))
                .set_payload("unit=32200"),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(count(&app, "inspections"), 1);

    // The page form: a date in the future and an unknown unit, with their messages.
    let r = b
        .post_form(
            "/inspections",
            &[
                ("unit", "32200"),
                ("date", &tomorrow),
                ("finding:1.001193", "ok"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("là ngày trong tương lai"));
    let r = b
        .post_form(
            "/inspections",
            &[
                ("unit", "99999"),
                ("date", "2025-12-31"),
                ("finding:1.001193", "ok"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Không có đơn vị hành chính mã «99999»"));
    let r = b
        .post_form(
            "/inspections",
            &[
                ("unit", "32200"),
                ("date", "2025-12-30"),
                ("finding:1.001193", "thiếu"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("không thuộc danh mục kết quả kiểm tra"));
    assert!(r.body.contains("unknown_finding"));
    assert_eq!(count(&app, "inspections"), 1);
    Ok(())
});

db_test!(
    a_non_numeric_inspection_id_answers_not_found_through_the_typed_path,
    |app| {
        setup(&app);
        let inspector = add_user(&app, "thanhtra", "inspector", &[]);
        let c = Client::new(&app).await;
        let b = Browser::new(&app, &c, inspector);
        // The API answers a problem document, the page the Vietnamese error page; both 404.
        let r = b.get("/api/v1/inspections/abc").await;
        assert_eq!(r.status, 404, "{}", r.body);
        assert!(r
            .header("content-type")
            .unwrap_or_default()
            .starts_with("application/problem+json"));
        let j: Value = serde_json::from_str(&r.body)?;
        assert_eq!(j["code"], "not_found", "{j}");
        assert!(
            j["detail"].as_str().unwrap_or_default().contains("abc"),
            "{j}"
        );
        let r = b.get("/inspections/abc").await;
        assert_eq!(r.status, 404, "{}", r.body);
        assert!(r
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/html"));
        assert!(r.body.contains("abc"), "{}", r.body);
        // A number that names no inspection is the same 404 as before.
        let r = b.get("/api/v1/inspections/999999").await;
        assert_eq!(r.status, 404, "{}", r.body);
        assert!(r.body.contains("999999"), "{}", r.body);
        Ok(())
    }
);

db_test!(
    a_garbled_inspection_body_is_refused_by_the_typed_json_extractor,
    |app| {
        setup(&app);
        let inspector = add_user(&app, "thanhtra", "inspector", &[]);
        let c = Client::new(&app).await;
        let b = Browser::new(&app, &c, inspector);
        let r = b
            .client
            .send(
                TestRequest::post()
                    .uri("/api/v1/inspections")
                    .insert_header(cookie(&b.secret))
                    .insert_header(("X-CSRF-Token", b.csrf.as_str()))
                    .insert_header(("Content-Type", "application/json"))
                    .set_payload(r#"{"unit": 32200, "date": "2025-12-30"}"#),
            )
            .await;
        assert_eq!(r.status, 400, "{}", r.body);
        let j: Value = serde_json::from_str(&r.body)?;
        assert_eq!(j["code"], "bad_request", "{j}");
        assert_eq!(count(&app, "inspections"), 0);
        Ok(())
    }
);

db_test!(
    a_corrupt_stored_procedure_version_is_an_internal_error_not_an_empty_list,
    |app| {
        setup(&app);
        {
            use diesel::RunQueryDsl;
            let mut conn = app.pool.get()?;
            vanban::with_db!(&mut conn.db(), c => diesel::sql_query(
                "UPDATE procedure_versions SET fees = '[{\"name\": 5' \
                 WHERE procedure_id = (SELECT id FROM procedures WHERE code = '1.001194')"
            )
            .execute(c))?;
        }
        let c = Client::new(&app).await;
        let r = c
            .send(TestRequest::get().uri("/api/v1/procedures/1.001194"))
            .await;
        assert_eq!(r.status, 500, "{}", r.body);
        // The stored text is not shown to the reader.
        assert!(!r.body.contains("[{"), "{}", r.body);
        let r = c
            .send(TestRequest::get().uri("/units/32200/procedures"))
            .await;
        assert_eq!(r.status, 500, "{}", r.body);
        Ok(())
    }
);

db_test!(
    an_unknown_stored_unit_level_of_a_procedure_is_an_internal_error_not_left_out,
    |app| {
        setup(&app);
        let inspector = add_user(&app, "thanhtra", "inspector", &[]);
        let c = Client::new(&app).await;
        let b = Browser::new(&app, &c, inspector);
        let r = b
            .post_json(
                "/api/v1/inspections",
                &json!({"unit": "32200", "date": "2025-12-31", "note": "Kiểm tra",
                    "findings": [{"procedure": "1.001193", "finding": "ok"}]}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let location = r.header("location").unwrap().to_string();
        let r = b.get(&location).await;
        assert_eq!(r.status, 200, "{}", r.body);
        {
            use diesel::RunQueryDsl;
            let mut conn = app.pool.get()?;
            vanban::with_db!(&mut conn.db(), c => diesel::sql_query(
                "UPDATE procedure_versions SET levels = '[\"khong-ro\"]' \
                 WHERE procedure_id = (SELECT id FROM procedures WHERE code = '1.001194')"
            )
            .execute(c))?;
        }
        let r = b.get(&location).await;
        assert_eq!(r.status, 500, "{}", r.body);
        // The stored value is not shown to the reader.
        assert!(!r.body.contains("khong-ro"), "{}", r.body);
        Ok(())
    }
);
