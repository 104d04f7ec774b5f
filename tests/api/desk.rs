//! «Việc của tôi»: each role's desk within its units — an officer's assigned documents and
//! returned proposals, an approver's proposals to approve (never another province's), an
//! inspector's units to inspect, an administrator's accounts and counts; handling stages due,
//! procedures to post at the counter, documents nobody is assigned to, campaigns not started
//! and proposals waiting, each within the user's units, overdue first — the empty desk, and
//! the header's count, kept until something is written. Both backends.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::authkit::{cookie, session, Client, Resp};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::inspections::Browser;
use crate::review::{
    approve, call, campaign, campaign_of, document_id, propose, token, DISTRICT_DOC,
};

const EMPTY: &str = "Không có việc nào đang chờ bạn.";

async fn desk(c: &Client, app: &TestApp, user: i64) -> Resp {
    let (secret, _) = session(app, user);
    let r = c
        .send(
            TestRequest::get()
                .uri("/viec-cua-toi")
                .insert_header(cookie(&secret)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r
}

db_test!(each_role_sees_what_waits_for_it_within_its_units, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (officer_id, officer) = token(&app, "canbo", "officer", &["32200"]);
    let (approver_id, approver) = token(&app, "pheduyet", "approver", &["32200"]);
    // An approver of another province (Bạc Liêu, merged into Cà Mau: not the district).
    let (far_id, far) = token(&app, "pheduyet.bl", "approver", &["95"]);
    let (inspector_id, _) = token(&app, "thanhtra", "inspector", &["32200"]);
    let (admin_id, _) = token(&app, "quantri", "admin", &[]);
    let c = Client::new(&app).await;

    // Nothing yet: every desk says so.
    for id in [officer_id, approver_id, far_id] {
        let r = desk(&c, &app, id).await;
        assert!(r.body.contains(EMPTY), "{}", r.body);
    }
    let cid = campaign_of(&c, &officer, 1).await;
    let doc = document_id(&app, "UBND-970", "12/2021/QD-UBND");
    // Started but not assigned: the officer and the approver of the district's successor are
    // asked to assign it (a count per campaign, the campaign page filtered to them); not the
    // far approver.
    for id in [officer_id, approver_id] {
        let r = desk(&c, &app, id).await;
        assert!(
            r.body
                .contains("Phân công 1 văn bản của đợt «Rà soát sau sắp xếp»"),
            "{}",
            r.body
        );
        assert!(r.body.contains(&format!(
            r#"href="/campaigns/{cid}?officer=none&amp;state=none#van-ban""#
        )));
    }
    assert!(desk(&c, &app, far_id).await.body.contains(EMPTY));
    let r = call(
        &c,
        "POST",
        &format!("/api/v1/campaigns/{cid}/assignments"),
        &officer,
        Some(json!({"documents": [doc], "officer": "canbo"})),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // The officer's assigned document, with the campaign's deadline, past: overdue.
    let r = desk(&c, &app, officer_id).await;
    assert!(!r.body.contains(EMPTY));
    assert!(r
        .body
        .contains("Văn bản được giao, chưa có đề xuất kết quả rà soát"));
    assert!(
        r.body.contains("Rà soát văn bản 12/2021/QĐ-UBND"),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains(&format!(r#"href="/campaigns/{cid}#vb-{doc}""#)));
    assert!(r
        .body
        .contains("Hạn: <time datetime=\"31/12/2025\">31/12/2025</time>"));
    assert!(r
        .body
        .contains(r#"<span class="badge badge-overdue">Quá hạn</span>"#));
    // The header counts it on every page.
    let (s, _) = session(&app, officer_id);
    let page = c
        .send(
            TestRequest::get()
                .uri("/campaigns")
                .insert_header(cookie(&s)),
        )
        .await;
    assert!(
        page.body.contains(
            r#"Việc của tôi <span class="nav-count"><span class="visually-hidden">(</span>1<span"#
        ),
        "{}",
        page.body
    );

    // Proposed: off the officer's desk, onto the approver's in scope — not the far one's.
    let r = call(
        &c,
        "POST",
        &format!("/api/v1/campaigns/{cid}/decisions"),
        &officer,
        Some(json!({"document_id": doc, "kind": "keep", "reason": "Còn phù hợp"})),
        None,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let did = r.json()["id"].as_i64().unwrap();
    // Nothing left to do for the officer, who can follow the proposal while it waits.
    let r = desk(&c, &app, officer_id).await;
    assert!(r.body.contains(EMPTY), "{}", r.body);
    assert!(
        r.body.contains(&format!("Đề xuất số {did} đang chờ duyệt")),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Phân công 1 văn bản"));
    let r = desk(&c, &app, approver_id).await;
    assert!(
        r.body.contains(&format!("Phê duyệt đề xuất số {did}")),
        "{}",
        r.body
    );
    let r = desk(&c, &app, far_id).await;
    assert!(
        r.body.contains(EMPTY),
        "another province's proposal: {}",
        r.body
    );
    assert!(!r.body.contains(&format!("đề xuất số {did}")));
    // …and the far approver cannot approve it either.
    let r = call(
        &c,
        "POST",
        &format!("/api/v1/decisions/{did}/approve"),
        &far,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // The administrator counts it province-wide.
    let r = desk(&c, &app, admin_id).await;
    assert!(r.body.contains(&format!("Phê duyệt đề xuất số {did}")));
    assert!(r.body.contains("Đề xuất chờ phê duyệt"));

    // Returned: back on the officer's desk with the approver's comment.
    let r = call(
        &c,
        "POST",
        &format!("/api/v1/decisions/{did}/return"),
        &approver,
        Some(json!({"comment": "Cần nêu căn cứ"})),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = desk(&c, &app, officer_id).await;
    assert!(
        r.body.contains(&format!("Sửa đề xuất số {did} bị trả lại")),
        "{}",
        r.body
    );
    assert!(r.body.contains("Ý kiến: Cần nêu căn cứ"));
    assert!(desk(&c, &app, approver_id).await.body.contains(EMPTY));

    // The inspector: the commune of their scope, not inspected this year.
    let r = desk(&c, &app, inspector_id).await;
    assert!(
        r.body.contains("Kiểm tra niêm yết tại Xã Đầm Dơi"),
        "{}",
        r.body
    );
    assert!(r.body.contains(r#"href="/units/32200/inspections/new""#));
    Ok(())
});

db_test!(
    the_administrators_desk_lists_accounts_to_change_their_password,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (admin_id, _) = token(&app, "quantri", "admin", &[]);
        let (lan, _) = token(&app, "lan.nguyen", "officer", &["32200"]);
        let c = Client::new(&app).await;
        assert!(desk(&c, &app, admin_id).await.body.contains(EMPTY));
        crate::authkit::sql(
            &app,
            &format!("UPDATE users SET must_change_password = TRUE WHERE id = {lan}"),
        );
        let r = desk(&c, &app, admin_id).await;
        assert!(
            r.body
                .contains("Tài khoản lan.nguyen chưa đổi mật khẩu tạm thời"),
            "{}",
            r.body
        );
        assert!(r.body.contains(&format!(r#"href="/admin/users/{lan}""#)));
        Ok(())
    }
);

/// A client whose today is `day` (the desk's deadlines are read on it).
async fn dated(app: &TestApp, day: &str) -> Client {
    let today = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    let clock: vanban::clock::Clock = std::sync::Arc::new(move || today);
    Client::with_state(app.state().await.with_clock(clock)).await
}

/// Where `needle` is on the page (it must be there).
fn at(body: &str, needle: &str) -> usize {
    body.find(needle)
        .unwrap_or_else(|| panic!("«{needle}» not on the page: {body}"))
}

db_test!(
    handling_stages_due_are_listed_late_first_within_the_units,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        let (officer_id, officer) = token(&app, "canbo", "officer", &["32200"]);
        let (approver_id, approver) = token(&app, "pheduyet", "approver", &["32200"]);
        let (far_officer, _) = token(&app, "canbo.bl", "officer", &["95"]);
        let (far_approver, _) = token(&app, "pheduyet.bl", "approver", &["95"]);
        let (admin_id, _) = token(&app, "quantri", "admin", &[]);
        let c = Client::new(&app).await;
        let cid = campaign(&c, &officer).await;
        let markets = document_id(&app, "UBND-970", "05/2020/QD-UBND");
        let one_stop = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        let repeal = |doc: i64| json!({"document_id": doc, "kind": "repeal", "reason": "Không còn phù hợp sau sắp xếp"});
        let late = propose(&c, &officer, cid, repeal(markets)).await;
        let soon = propose(&c, &officer, cid, repeal(one_stop)).await;
        for d in [late, soon] {
            approve(&c, &approver, d).await;
        }
        // One registered for drafting long ago: its consultation (30 days later) is late. The
        // other was approved today: registration is due within 30 days.
        let r = call(
        &c,
        "POST",
        &format!("/api/v1/decisions/{late}/stages"),
        &officer,
        Some(json!({"stage": "registered", "date": "2025-08-01", "paper": "Công văn số 2170/STP-XDTHPL"})),
        None,
    )
    .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let today = vanban::clock::today();
        let day = |n: u64| {
            (today + chrono::Days::new(n))
                .format("%Y-%m-%d")
                .to_string()
        };

        // Three weeks ahead the registration is not due yet: only the late stage is listed.
        let c3 = dated(&app, &day(21)).await;
        let r = desk(&c3, &app, officer_id).await;
        assert!(
            r.body
                .contains("Giai đoạn xử lý đến hạn hoặc quá hạn <span class=\"count\">(1)</span>"),
            "{}",
            r.body
        );
        assert!(r
            .body
            .contains("Văn bản 05/2020/QĐ-UBND: giai đoạn «Lấy ý kiến»"));
        assert!(r
            .body
            .contains("Hạn: <time datetime=\"31/08/2025\">31/08/2025</time>"));
        assert!(!r.body.contains("Văn bản 12/2021/QĐ-UBND: giai đoạn"));

        // 25 days ahead both are: the late one first, marked, the other with its deadline.
        let c25 = dated(&app, &day(25)).await;
        for who in [officer_id, approver_id] {
            let r = desk(&c25, &app, who).await;
            let first = at(&r.body, "Văn bản 05/2020/QĐ-UBND: giai đoạn «Lấy ý kiến»");
            let second = at(
                &r.body,
                "Văn bản 12/2021/QĐ-UBND: giai đoạn «Đăng ký xây dựng văn bản»",
            );
            assert!(first < second, "late first: {}", r.body);
            assert_eq!(r.body[first..second].matches("Quá hạn").count(), 1);
            assert!(!r.body[second..].contains(">Quá hạn<"), "{}", r.body);
            let due = (today + chrono::Days::new(30))
                .format("%d/%m/%Y")
                .to_string();
            assert!(r.body[second..].contains(&format!("Hạn: <time datetime=\"{due}\">")));
            assert!(r.body.contains(&format!("Kết quả rà soát số {late} «Bãi bỏ» (sau «Đăng ký xây dựng văn bản» ngày 01/08/2025)")));
            assert!(r.body.contains(&format!(
                r#"href="/campaigns/{cid}?stage=registered#vb-{markets}""#
            )));
            assert!(r.body.contains(&format!(
                r#"href="/campaigns/{cid}?stage=waiting#vb-{one_stop}""#
            )));
        }
        // The administrator counts them; another province's officer and approver see none.
        let r = desk(&c25, &app, admin_id).await;
        assert!(
            r.body
                .contains("Giai đoạn xử lý đến hạn hoặc quá hạn <span class=\"count\">(2)</span>"),
            "{}",
            r.body
        );
        for far in [far_officer, far_approver] {
            let r = desk(&c25, &app, far).await;
            assert!(r.body.contains(EMPTY), "{}", r.body);
            assert!(!r.body.contains("05/2020/QĐ-UBND"), "{}", r.body);
            assert!(!r.body.contains("12/2021/QĐ-UBND"), "{}", r.body);
        }
        // The stage recorded: its next one is a month away, off the desk.
        let r = call(
        &c,
        "POST",
        &format!("/api/v1/decisions/{late}/stages"),
        &officer,
        Some(json!({"stage": "consultation", "date": day(25), "paper": "Công văn số 2171/STP-XDTHPL"})),
        None,
    )
    .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = desk(&c25, &app, officer_id).await;
        assert!(
            r.body
                .contains("Giai đoạn xử lý đến hạn hoặc quá hạn <span class=\"count\">(1)</span>"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("Văn bản 05/2020/QĐ-UBND: giai đoạn"));
        Ok(())
    }
);

// Procedures announced for the province, not posted yet at the two communes (see
// `counter::MORE`: 1.001196 announced on 28 November 2025, due 5 December).
db_test!(
    procedures_to_post_at_the_counter_are_listed_per_unit_late_first,
    |app| {
        crate::counter::prepare(&app);
        let officer = crate::authkit::add_user(&app, "motcua", "officer", &["32200"]);
        let other = crate::authkit::add_user(&app, "motcua.tak", "officer", &["32201"]);
        let inspector = crate::authkit::add_user(&app, "kiemtra", "inspector", &["32200"]);
        let approver = crate::authkit::add_user(&app, "pheduyet", "approver", &["32200"]);
        let c = dated(&app, "2025-12-02").await;
        let r = desk(&c, &app, officer).await;
        assert!(
            r.body.contains(
                "Thủ tục chưa niêm yết tại bộ phận một cửa <span class=\"count\">(2)</span>"
            ),
            "{}",
            r.body
        );
        // Kết hôn was due on 8 August: late, first; khai tử is due on 5 December.
        let late = at(&r.body, "Niêm yết thủ tục 1.001194 tại Xã Đầm Dơi");
        let soon = at(&r.body, "Niêm yết thủ tục 1.001196 tại Xã Đầm Dơi");
        assert!(late < soon, "{}", r.body);
        assert_eq!(r.body[late..soon].matches(">Quá hạn<").count(), 1);
        assert!(r.body[late..soon].contains("Hạn: <time datetime=\"08/08/2025\">"));
        assert!(!r.body[soon..].contains(">Quá hạn<"));
        assert!(r.body[soon..].contains("Hạn: <time datetime=\"05/12/2025\">"));
        assert!(
            r.body
                .contains("Đăng ký khai tử — quyết định công bố 120/QĐ-UBND ngày 28/11/2025."),
            "{}",
            r.body
        );
        assert!(r.body.contains(r#"href="/units/32200/niem-yet""#));
        // Posted already (khai sinh) or not the commune's (a provincial one): not listed; nor is
        // the other commune.
        for not in ["1.001193", "1.001195", "1.009999", "Tạ An Khương"] {
            assert!(!r.body.contains(not), "{not}: {}", r.body);
        }
        // The other commune's officer sees its own four, none of Xã Đầm Dơi.
        let r = desk(&c, &app, other).await;
        assert!(
            r.body.contains(
                "Thủ tục chưa niêm yết tại bộ phận một cửa <span class=\"count\">(4)</span>"
            ),
            "{}",
            r.body
        );
        assert!(r.body.contains(r#"href="/units/32201/niem-yet""#));
        assert!(!r.body.contains("Xã Đầm Dơi"), "{}", r.body);
        // The inspector is sent to the completeness page (the checklist is the officers').
        let r = desk(&c, &app, inspector).await;
        assert!(
            r.body.contains("Niêm yết thủ tục 1.001194 tại Xã Đầm Dơi"),
            "{}",
            r.body
        );
        assert!(r.body.contains(r#"href="/units/32200/completeness""#));
        assert!(!r.body.contains("/niem-yet"));
        // Approvers do not post.
        assert!(!desk(&c, &app, approver)
            .await
            .body
            .contains("Niêm yết thủ tục"));

        // Posted from the checklist: off the desk, and the header's count follows at once.
        let b = Browser::new(&app, &c, officer);
        let count_of = |body: &str| {
            let at = body.find(
                "Việc của tôi <span class=\"nav-count\"><span class=\"visually-hidden\">(</span>",
            );
            at.map(|i| {
                let rest = &body[i..];
                let start = rest.find("</span>").unwrap() + "</span>".len();
                rest[start..].split('<').next().unwrap().to_string()
            })
        };
        let r = b.get("/campaigns").await;
        assert_eq!(count_of(&r.body).as_deref(), Some("2"), "{}", r.body);
        let r = b
            .post_form("/units/32200/niem-yet", &[("action", "post_all")])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = b.get("/campaigns").await;
        assert_eq!(
            count_of(&r.body),
            None,
            "no count once nothing waits: {}",
            r.body
        );
        let r = desk(&c, &app, officer).await;
        assert!(r.body.contains(EMPTY), "{}", r.body);
        Ok(())
    }
);

db_test!(the_campaigns_one_made_and_not_started_are_drafts, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (officer_id, officer) = token(&app, "canbo", "officer", &["32200"]);
    let (colleague, _) = token(&app, "canbo2", "officer", &["32200"]);
    let c = Client::new(&app).await;
    let r = call(
        &c,
        "POST",
        "/api/v1/campaigns",
        &officer,
        Some(json!({
            "name": "Rà soát chuyên đề thủy sản", "kind": "reorganisation",
            "predecessor_unit": "970", "deadline": "2026-06-30"
        })),
        None,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let cid = r.json()["id"].as_i64().unwrap();
    let r = desk(&c, &app, officer_id).await;
    assert!(
        r.body
            .contains("Bắt đầu đợt rà soát «Rà soát chuyên đề thủy sản»"),
        "{}",
        r.body
    );
    assert!(r.body.contains(&format!(r#"href="/campaigns/{cid}""#)));
    // Someone else's draft is theirs.
    assert!(desk(&c, &app, colleague).await.body.contains(EMPTY));
    let r = call(
        &c,
        "POST",
        &format!("/api/v1/campaigns/{cid}/start"),
        &officer,
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!desk(&c, &app, officer_id)
        .await
        .body
        .contains("Bắt đầu đợt rà soát"));
    Ok(())
});
