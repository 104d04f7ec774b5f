//! «Việc của tôi»: each role's desk within its units — an officer's assigned documents and
//! returned proposals, an approver's proposals to approve (never another province's), an
//! inspector's units to inspect, an administrator's accounts and counts — the empty desk, and
//! the header's count. Both backends.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::authkit::{cookie, session, Client, Resp};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::review::{call, campaign_of, document_id, token};

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
    // Started but not assigned: still nothing for the officer.
    assert!(desk(&c, &app, officer_id).await.body.contains(EMPTY));
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
    assert!(desk(&c, &app, officer_id).await.body.contains(EMPTY));
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
