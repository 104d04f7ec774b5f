//! The counter as JSON (`/api/v1/units/{code}/postings`, `/api/v1/units/{code}/dossier-counts`):
//! the same checklist and counts as the pages, written through the same write path; every bad
//! body refused with the field named and a stable code, nothing written; the access of each
//! route (anonymous, inspector, officer of another unit refused; the unit's officer and an
//! administrator served). Also the counts checked against what applies at the unit, in the
//! CSV file and the form.

use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::authkit::{add_user, audit_len, count, Resp};
use crate::counter::{client, prepare};
use crate::counter_counts::upload;
use crate::db_test;
use crate::helpers::TestApp;
use crate::inspections::Browser;

fn written(app: &TestApp) -> (i64, i64, i64) {
    (
        count(app, "postings"),
        count(app, "dossier_counts"),
        audit_len(app),
    )
}

fn row<'a>(list: &'a Value, key: &str, code: &str) -> &'a Value {
    list[key]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {list}"))
}

/// The one refusal of a 422 answer: (problem code, field, item code).
fn refusal(r: &Resp) -> (String, String, String) {
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    let p: Value = r.json();
    let e = &p["errors"][0];
    (
        p["code"].as_str().unwrap_or_default().to_string(),
        e["field"].as_str().unwrap_or_default().to_string(),
        e["code"].as_str().unwrap_or_default().to_string(),
    )
}

db_test!(the_postings_api_reads_and_marks_the_checklist, |app| {
    prepare(&app);
    let c = client(&app).await;
    let officer = add_user(&app, "motcua", "officer", &["32200"]);
    let b = Browser::new(&app, &c, officer);

    let r = b.get("/api/v1/units/32200/postings").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list: Value = r.json();
    assert_eq!(list["unit"]["code"], "32200");
    assert_eq!(list["date"], "2025-12-10");
    assert_eq!(list["required"], 4);
    assert_eq!(list["complete"], 1);
    let posted = row(&list, "procedures", "1.001193");
    assert_eq!(posted["state"], "posted");
    assert_eq!(posted["posted"][0]["point"], "reception");
    assert_eq!(posted["posted"][0]["since"], "2025-08-04");
    assert!(posted["decision"]["number"].is_string(), "{posted}");
    assert_eq!(row(&list, "procedures", "1.001196")["state"], "not_posted");
    assert!(!r.body.contains("1.009999"));

    // Two procedures at once, on the portal.
    let before = written(&app);
    let r = b
        .post_json(
            "/api/v1/units/32200/postings",
            &json!({"action": "post", "date": "2025-12-03", "point": "portal", "procedures": ["1.001196", "1.001194"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let w: Value = r.json();
    assert_eq!(w["written"], 2);
    let now = row(&w["checklist"], "procedures", "1.001196");
    assert_eq!(now["state"], "posted");
    assert_eq!(now["posted"][0]["point"], "portal");
    assert_eq!(now["posted"][0]["since"], "2025-12-03");
    let after = written(&app);
    assert_eq!((after.0, after.1), (before.0 + 2, before.1));
    assert!(after.2 > before.2, "audited");

    // Removed on 8 December: its last day up is the 7th.
    let r = b
        .post_json(
            "/api/v1/units/32200/postings",
            &json!({"action": "remove", "date": "2025-12-08", "point": "portal", "procedures": ["1.001194"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let w: Value = r.json();
    let gone = row(&w["checklist"], "procedures", "1.001194");
    assert_eq!(gone["state"], "removed", "{gone}");
    assert_eq!(gone["removed_on"], "2025-12-08");

    // Everything not posted, today, at the one-stop office.
    let r = b
        .post_json(
            "/api/v1/units/32200/postings",
            &json!({"action": "post_all"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let w: Value = r.json();
    assert!(w["written"].as_u64().unwrap() >= 1, "{w}");
    for p in w["checklist"]["procedures"].as_array().unwrap() {
        assert_eq!(p["state"], "posted", "{p}");
    }
    Ok(())
});

db_test!(bad_postings_are_refused_with_their_field_and_code, |app| {
    prepare(&app);
    let c = client(&app).await;
    let officer = add_user(&app, "motcua", "officer", &["32200"]);
    let b = Browser::new(&app, &c, officer);
    let before = written(&app);
    for (body, field, code) in [
        (
            json!({"action": "post", "date": "2025-12-11", "procedures": ["1.001196"]}),
            "date",
            "future_date",
        ),
        (
            json!({"action": "post", "date": "10/12/2025", "procedures": ["1.001196"]}),
            "date",
            "invalid_date",
        ),
        (json!({"action": "post"}), "procedures", "no_procedures"),
        (
            json!({"action": "post", "procedures": ["1.009999"]}),
            "procedures",
            "not_in_checklist",
        ),
        (
            json!({"action": "post", "procedures": ["1.001193"]}),
            "procedures",
            "already_posted",
        ),
        (
            json!({"action": "remove", "procedures": ["1.001196"]}),
            "procedures",
            "not_posted",
        ),
        (
            json!({"action": "post", "date": "2025-11-01", "procedures": ["1.001196"]}),
            "date",
            "before_decision",
        ),
    ] {
        let r = b.post_json("/api/v1/units/32200/postings", &body).await;
        let (problem, f, c) = refusal(&r);
        assert_eq!(
            (f.as_str(), c.as_str()),
            (field, code),
            "{body}: {}",
            r.body
        );
        assert_eq!(problem, code, "{body}");
        assert_eq!(written(&app), before, "{body}");
    }
    // Bodies that are not the described ones: 400 problems.
    for body in [
        json!({"action": "delete", "procedures": ["1.001196"]}),
        json!({"action": "post", "point": "wall", "procedures": ["1.001196"]}),
        json!({"action": "post", "procedures": "1.001196"}),
        json!({"action": "post", "procedures": ["1.001196"], "extra": 1}),
    ] {
        let r = b.post_json("/api/v1/units/32200/postings", &body).await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(r.json()["code"], "bad_request");
    }
    assert_eq!(written(&app), before);
    // An unknown unit.
    let admin = add_user(&app, "quantri", "admin", &[]);
    let a = Browser::new(&app, &c, admin);
    let r = a.get("/api/v1/units/99999/postings").await;
    assert_eq!(r.status, 404, "{}", r.body);
    Ok(())
});

db_test!(the_counts_api_reads_and_writes_a_month, |app| {
    prepare(&app);
    let c = client(&app).await;
    let officer = add_user(&app, "motcua", "officer", &["32200"]);
    let b = Browser::new(&app, &c, officer);

    let r = b
        .get("/api/v1/units/32200/dossier-counts?month=2025-10")
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s: Value = r.json();
    assert_eq!(s["month"], "2025-10");
    let one = row(&s, "procedures", "1.001193");
    assert_eq!(
        (&one["received"], &one["on_time"], &one["online"]),
        (&json!(10), &json!(10), &json!(1))
    );
    assert_eq!(one["applies"], true);
    assert_eq!(row(&s, "procedures", "1.001195")["received"], Value::Null);
    // This month by default; a month to come or not a month is a 400.
    let r = b.get("/api/v1/units/32200/dossier-counts").await;
    assert_eq!(r.json()["month"], "2025-12");
    for m in ["2026-01", "13-2025"] {
        let r = b
            .get(&format!("/api/v1/units/32200/dossier-counts?month={m}"))
            .await;
        assert_eq!(r.status, 400, "{m}: {}", r.body);
    }

    let before = written(&app);
    let r = b
        .post_json(
            "/api/v1/units/32200/dossier-counts",
            &json!({"month": "2025-11", "counts": [
                {"procedure": "1.001195", "received": 20, "on_time": 18, "online": 6},
                {"procedure": "1.001194", "received": 3}
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let w: Value = r.json();
    assert_eq!(w["written"], 2);
    let five = row(&w["sheet"], "procedures", "1.001195");
    assert_eq!(
        (&five["received"], &five["on_time"], &five["online"]),
        (&json!(20), &json!(18), &json!(6))
    );
    let four = row(&w["sheet"], "procedures", "1.001194");
    assert_eq!((&four["on_time"], &four["online"]), (&json!(0), &json!(0)));
    let after = written(&app);
    assert_eq!((after.0, after.1), (before.0, before.1 + 2));
    assert!(after.2 > before.2, "audited");
    // The page shows what the API wrote.
    let page = b.get("/units/32200/ho-so?thang=2025-11").await;
    assert!(page.body.contains(r#"name="online:1.001195" value="6""#));
    Ok(())
});

db_test!(bad_counts_are_refused_with_their_field_and_code, |app| {
    prepare(&app);
    let c = client(&app).await;
    let officer = add_user(&app, "motcua", "officer", &["32200"]);
    let b = Browser::new(&app, &c, officer);
    let good = json!({"procedure": "1.001193", "received": 5, "on_time": 5, "online": 1});
    let before = written(&app);
    for (body, field, code) in [
        (
            json!({"month": "2025-11", "counts": [good, {"procedure": "1.009999", "received": 5}]}),
            "counts[1].procedure",
            "procedure_not_applicable",
        ),
        (
            json!({"month": "2025-11", "counts": [{"procedure": "9.999999", "received": 5}]}),
            "counts[0].procedure",
            "unknown_procedure",
        ),
        (
            json!({"month": "2025-11", "counts": [{"procedure": "1.001194", "received": 5, "online": 7}]}),
            "counts[0].online",
            "online_exceeds_received",
        ),
        (
            json!({"month": "2025-11", "counts": [{"procedure": "1.001194", "received": 5, "on_time": 6}]}),
            "counts[0].on_time",
            "on_time_exceeds_received",
        ),
        (
            json!({"month": "2026-01", "counts": [good]}),
            "month",
            "future_month",
        ),
        (
            json!({"month": "tháng 11", "counts": [good]}),
            "month",
            "invalid_month",
        ),
        (
            json!({"month": "2025-11", "counts": [{"procedure": "1.001194", "received": -1}]}),
            "counts[0].received",
            "negative_count",
        ),
        (
            json!({"month": "2025-11", "counts": [{"procedure": "1.001194", "received": 4, "online": -2}]}),
            "counts[0].online",
            "negative_count",
        ),
        (
            json!({"month": "2025-11", "counts": [{"procedure": "1.001194", "received": 3000000000i64}]}),
            "counts[0].received",
            "count_too_large",
        ),
        (
            json!({"month": "2025-11", "counts": [good, good]}),
            "counts[1].procedure",
            "duplicate_procedure",
        ),
    ] {
        let r = b
            .post_json("/api/v1/units/32200/dossier-counts", &body)
            .await;
        let (problem, f, c) = refusal(&r);
        assert_eq!(
            (f.as_str(), c.as_str()),
            (field, code),
            "{body}: {}",
            r.body
        );
        assert_eq!(problem, code, "{body}");
        assert_eq!(written(&app), before, "{body}");
    }
    let r = b
        .post_json(
            "/api/v1/units/32200/dossier-counts",
            &json!({"month": "2025-11", "counts": []}),
        )
        .await;
    assert_eq!(refusal(&r).2, "no_counts");
    // Several refusals: each named, the problem's own code the general one.
    let r = b
        .post_json(
            "/api/v1/units/32200/dossier-counts",
            &json!({"month": "2025-11", "counts": [{"procedure": "1.001194", "received": 5, "on_time": 6, "online": 7}]}),
        )
        .await;
    assert_eq!(r.status, 422);
    let p: Value = r.json();
    assert_eq!(p["code"], "invalid_dossier_counts");
    assert_eq!(p["errors"].as_array().unwrap().len(), 2);
    // Not the described body: 400.
    for body in [
        json!({"month": "2025-11", "counts": [{"procedure": "1.001194", "received": "5"}]}),
        json!({"month": "2025-11"}),
        json!({"month": "2025-11", "counts": [{"procedure": "1.001194", "received": 5.5}]}),
    ] {
        let r = b
            .post_json("/api/v1/units/32200/dossier-counts", &body)
            .await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
    }
    assert_eq!(written(&app), before);
    Ok(())
});

db_test!(
    a_count_of_a_procedure_that_does_not_apply_is_refused_by_line,
    |app| {
        prepare(&app);
        let c = client(&app).await;
        let officer = add_user(&app, "motcua", "officer", &["32200"]);
        let b = Browser::new(&app, &c, officer);
        let before = written(&app);
        // 1.009999 is the province's; 1.001196 was announced on 28 November 2025, so it does not
        // apply in October.
        let r = upload(
        &b,
        "ma_thu_tuc,thang,tiep_nhan,dung_han,truc_tuyen\n1.001193,2025-11,5,5,0\n1.009999,2025-11,5,5,0\n1.001196,2025-10,2,2,0\n1.001196,2025-12,2,2,0\n",
    )
    .await;
        assert_eq!(r.status, 400, "{}", r.body);
        for (line, month) in [(3, "11/2025"), (4, "10/2025")] {
            let at = r
                .body
                .find(&format!("<tr><td class=\"num\">{line}</td><td>"))
                .unwrap_or_else(|| panic!("line {line}: {}", r.body));
            let end = r.body[at..].find("</tr>").unwrap() + at;
            assert!(
                r.body[at..end].contains(&format!("không áp dụng tại đơn vị trong tháng {month}")),
                "{}",
                &r.body[at..end]
            );
        }
        assert!(!r.body.contains("<tr><td class=\"num\">5</td>"));
        assert_eq!(written(&app), before);
        // The API and the form refuse it alike.
        let r = b
            .post_json(
                "/api/v1/units/32200/dossier-counts",
                &json!({"month": "2025-10", "counts": [{"procedure": "1.001196", "received": 2}]}),
            )
            .await;
        assert_eq!(refusal(&r).2, "procedure_not_applicable");
        let r = b
            .post_form(
                "/units/32200/ho-so",
                &[("month", "2025-10"), ("received:1.001196", "2")],
            )
            .await;
        assert_eq!(r.status, 400);
        assert!(r
            .body
            .contains("không áp dụng tại đơn vị trong tháng 10/2025"));
        assert_eq!(written(&app), before);
        Ok(())
    }
);

db_test!(
    the_counter_api_is_for_the_units_officers_and_administrators,
    |app| {
        prepare(&app);
        let c = client(&app).await;
        let inspector = add_user(&app, "thanhtra", "inspector", &["32200"]);
        let other = add_user(&app, "motcua.khac", "officer", &["32201"]);
        let admin = add_user(&app, "quantri", "admin", &[]);
        let posting = json!({"action": "post", "date": "2025-12-03", "procedures": ["1.001196"]});
        let counts =
            json!({"month": "2025-11", "counts": [{"procedure": "1.001193", "received": 5}]});
        let paths = [
            ("/api/v1/units/32200/postings", &posting),
            ("/api/v1/units/32200/dossier-counts", &counts),
        ];
        let before = written(&app);
        for (path, body) in paths {
            // Anonymous.
            let r = c.send(TestRequest::get().uri(path)).await;
            assert_eq!(r.status, 401, "{path}");
            assert_eq!(r.json()["code"], "unauthenticated");
            let r = c
                .send(
                    TestRequest::post()
                        .uri(path)
                        .insert_header(("Content-Type", "application/json"))
                        .set_payload(body.to_string()),
                )
                .await;
            assert!(matches!(r.status, 401 | 403), "{path}: {}", r.status);
            // An inspector of the unit, an officer of another unit.
            for user in [inspector, other] {
                let b = Browser::new(&app, &c, user);
                let r = b.get(path).await;
                assert_eq!(r.status, 403, "{path}");
                assert_eq!(r.json()["code"], "forbidden");
                assert_eq!(b.post_json(path, body).await.status, 403, "{path}");
            }
        }
        assert_eq!(written(&app), before);
        // An administrator may.
        let a = Browser::new(&app, &c, admin);
        for (path, body) in paths {
            assert_eq!(a.get(path).await.status, 200, "{path}");
            let r = a.post_json(path, body).await;
            assert_eq!(r.status, 200, "{path}: {}", r.body);
        }
        let after = written(&app);
        assert_eq!((after.0, after.1), (before.0 + 1, before.1 + 1));
        Ok(())
    }
);
