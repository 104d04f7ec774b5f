//! The reform scorecard on the small fixture of `inspections::PROCEDURES`, every figure
//! computed by hand: numerators, denominators, percentages and verdicts of Xã Đầm Dơi and of
//! the province for 2025, the records behind them, the review figures from a campaign, the
//! targets from the configuration, and the CSV exports.

use serde_json::{json, Value};

use crate::authkit::{add_user, Client};
use crate::db_test;
use crate::helpers::TestApp;
use crate::inspections::{setup, Browser};

/// A reorganisation campaign of the former district (deadline 31/12/2025) with its one
/// document (12/2021/QĐ-UBND) proposed for repeal and approved, not yet handled.
fn campaign(app: &TestApp) {
    let officer = add_user(app, "canbo", "officer", &[]);
    let approver = add_user(app, "pheduyet", "approver", &[]);
    let now = vanban::clock::now();
    let person = |id: i64, name: &str| vanban::review::decisions::Person {
        id,
        actor: format!("user:{name}"),
        units: None,
    };
    let mut conn = app.pool.get().unwrap();
    conn.write(|db| -> anyhow::Result<()> {
        let input: vanban::review::campaigns::CampaignInput = serde_json::from_value(json!({
            "name": "Rà soát văn bản của huyện Đầm Dơi sau sắp xếp",
            "kind": "reorganisation", "predecessor_unit": "970", "deadline": "2025-12-31"
        }))?;
        let cid = vanban::review::campaigns::create(db, "user:canbo", officer, &input, now)?;
        vanban::review::campaigns::start(
            db,
            "user:canbo",
            cid,
            chrono::NaiveDate::from_ymd_opt(2025, 7, 2).unwrap(),
        )?;
        let docs = vanban::review::campaigns::documents(db, cid)?;
        assert_eq!(docs.len(), 1);
        let p: vanban::review::decisions::Proposal = serde_json::from_value(json!({
            "document_id": docs[0], "kind": "repeal", "reason": "Không còn phù hợp sau sắp xếp"
        }))?;
        let did = vanban::review::decisions::propose(db, &person(officer, "canbo"), cid, &p, now)?;
        vanban::review::decisions::approve(db, &person(approver, "pheduyet"), did, None, now)?;
        Ok(())
    })
    .unwrap();
}

fn figure<'a>(card: &'a Value, code: &str) -> &'a Value {
    card["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no figure {code}"))
}

/// (numerator, denominator, percent, verdict)
fn nd(f: &Value) -> (u64, u64, Option<f64>, String) {
    (
        f["numerator"].as_u64().unwrap(),
        f["denominator"].as_u64().unwrap(),
        f["percent"].as_f64(),
        f["verdict"].as_str().unwrap().to_string(),
    )
}

fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

db_test!(the_scorecard_of_a_commune_computed_by_hand, |app| {
    setup(&app);
    campaign(&app);
    let reader = add_user(&app, "thanhtra", "inspector", &[]);
    let c = Client::new(&app).await;
    let b = Browser::new(&app, &c, reader);

    let r = b.get("/api/v1/units/32200/scorecard?year=2025").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = r.json();
    assert_eq!(s["as_of"], "2025-12-31");
    let m = "met".to_string();
    let n = "not_met".to_string();
    // 1.001193 complete; 1.001194 missing; 1.001195 late.
    assert_eq!(nd(figure(&s, "posted")), (1, 3, Some(33.3), n.clone()));
    // New: 3 → 2 days is a 33% cut (met), 10 → 9 is 10% (not): 1 of 2.
    assert_eq!(
        nd(figure(&s, "time_cut_new")),
        (1, 2, Some(50.0), n.clone())
    );
    assert_eq!(figure(&s, "time_cut_new")["cut_target"], 20);
    // Amended: 10 → 9 is 10%, the target for amended ones: 1 of 1.
    assert_eq!(
        nd(figure(&s, "time_cut_amended")),
        (1, 1, Some(100.0), m.clone())
    );
    // Online: full and partial of 3 = 66.7% ≥ 50% (commune); full of those 2 = 50% ≥ 20%.
    assert_eq!(
        nd(figure(&s, "online_level3")),
        (2, 3, Some(66.7), m.clone())
    );
    assert_eq!(figure(&s, "online_level3")["target"], 50);
    assert_eq!(
        nd(figure(&s, "online_level4")),
        (1, 2, Some(50.0), m.clone())
    );
    // The former district's decision: reviewed (1/1), to repeal and not yet handled (0/1).
    assert_eq!(nd(figure(&s, "reviewed")), (1, 1, Some(100.0), m.clone()));
    assert_eq!(nd(figure(&s, "handled")), (0, 1, Some(0.0), n.clone()));
    // Dossiers of 2025: 25 received, 4 online (16%), 23 on time (92%, no target).
    assert_eq!(
        nd(figure(&s, "filed_online")),
        (4, 25, Some(16.0), n.clone())
    );
    assert_eq!(
        nd(figure(&s, "on_time")),
        (23, 25, Some(92.0), "no_target".to_string())
    );
    // The records behind the figures.
    let rec = &s["records"];
    assert_eq!(rec["posted"].as_array().unwrap().len(), 2);
    assert_eq!(rec["time_cut_new"][0]["code"], "1.001194", "not met first");
    assert_eq!(rec["time_cut_new"][0]["met"], false);
    assert_eq!(rec["time_cut_new"][0]["cut_percent"], 10.0);
    assert_eq!(rec["online"][0]["code"], "1.001195", "below level 3 first");
    assert_eq!(rec["campaigns"][0]["counts"]["needing_handling"], 1);
    assert_eq!(rec["dossiers"].as_array().unwrap().len(), 2);
    assert_eq!(rec["dossiers"][0]["code"], "1.001194");
    assert_eq!(rec["dossiers"][1]["received"], 20);

    // The page: every figure with numerator and denominator, links to the records, a chart.
    let r = b.get("/units/32200/scorecard?year=2025").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Số liệu tính đến ngày 31/12/2025"));
    assert!(
        r.body.contains(
            "<td class=\"num\">4<span class=\"cell-note\">hồ sơ nộp trực tuyến</span></td>"
        ),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains("<td class=\"num\">25<span class=\"cell-note\">hồ sơ tiếp nhận</span></td>"));
    assert!(r.body.contains("href=\"#chi-tiet-time_cut_new\""));
    assert!(r.body.contains("id=\"chi-tiet-time_cut_new\""));
    assert!(r
        .body
        .contains("href=\"/units/32200/completeness?date=2025-12-31\""));
    assert!(r.body.contains("href=\"/campaigns/"));
    assert!(r.body.contains("<svg") && !r.body.contains("<script"));
    assert!(r.body.contains("100% thủ tục cắt giảm ≥ 20%"));

    // CSV: one row per figure, with the same counts.
    let r = b.get("/units/32200/scorecard?year=2025&format=csv").await;
    assert_eq!(r.status, 200);
    let rows = csv_rows(&r.body);
    assert_eq!(rows.len(), 9);
    let posted = rows.iter().find(|r| r[4] == "posted").unwrap();
    assert_eq!(
        (posted[6].as_str(), posted[8].as_str(), posted[10].as_str()),
        ("1", "3", "33.3")
    );
    assert_eq!(posted[13], "Chưa đạt");

    // Bad years; the public has no access.
    assert_eq!(
        b.get("/api/v1/units/32200/scorecard?year=1990")
            .await
            .status,
        400
    );
    assert_eq!(b.get("/units/32200/scorecard?year=abc").await.status, 400);
    let r = c
        .send(actix_web::test::TestRequest::get().uri("/api/v1/units/32200/scorecard"))
        .await;
    assert_eq!(r.status, 401);
    Ok(())
});

db_test!(the_province_overview_and_configured_targets, |app| {
    setup(&app);
    let reader = add_user(&app, "lanhdao", "approver", &[]);
    let c = Client::new(&app).await;
    let b = Browser::new(&app, &c, reader);
    let r = b.get("/api/v1/scorecard?province=96&year=2025").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    let units = j["units"].as_array().unwrap();
    // The province, then the commune (the district ended on 30/06/2025).
    let codes: Vec<&str> = units
        .iter()
        .map(|u| u["unit"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["96", "32200"]);
    // The province must post 1.009999 and does not: 0 of 1. District-level online targets.
    assert_eq!(
        nd(figure(&units[0], "posted")),
        (0, 1, Some(0.0), "not_met".to_string())
    );
    assert_eq!(figure(&units[0], "online_level3")["target"], 65);
    assert_eq!(
        nd(figure(&units[0], "online_level4")),
        (1, 1, Some(100.0), "met".to_string())
    );
    // No campaign: nothing to count.
    assert_eq!(figure(&units[0], "reviewed")["verdict"], "no_data");

    let r = b.get("/scorecard?province=96&year=2025").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("/units/32200/scorecard?year=2025"));
    assert!(r.body.contains("verdict-cell-not_met"));
    assert!(r.body.contains("<svg"));
    let r = b.get("/scorecard?province=96&year=2025&format=csv").await;
    assert_eq!(r.status, 200);
    let rows = csv_rows(&r.body);
    assert_eq!(rows.len(), 18, "9 figures × 2 units");
    assert!(b.get("/scorecard?province=12345&year=2025").await.status == 404);

    // The district ended on 30/06/2025: its 2025 figures are read on that day.
    let d = b.get("/api/v1/units/970/scorecard?year=2025").await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.json()["as_of"], "2025-06-30");
    assert_eq!(figure(&d.json(), "posted")["verdict"], "no_data");
    assert_eq!(
        b.get("/api/v1/units/970/scorecard?year=2026").await.status,
        422
    );

    // Targets from the configuration: 10% online filing is enough there.
    let mut state = app.state().await;
    state.scorecard_targets.filed_online = 10;
    state.scorecard_targets.on_time = Some(95);
    let c2 = Client::with_state(state).await;
    let b2 = Browser::new(&app, &c2, reader);
    let s = b2
        .get("/api/v1/units/32200/scorecard?year=2025")
        .await
        .json();
    assert_eq!(
        nd(figure(&s, "filed_online")),
        (4, 25, Some(16.0), "met".to_string())
    );
    assert_eq!(
        nd(figure(&s, "on_time")),
        (23, 25, Some(92.0), "not_met".to_string())
    );
    assert_eq!(figure(&s, "on_time")["target"], 95);
    Ok(())
});
