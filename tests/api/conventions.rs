//! Vietnamese conventions on pages: Vietnam time (UTC+7) for stored UTC timestamps, a dash for
//! the share of an empty set, citations smallest unit first.

use actix_web::test::TestRequest;

use crate::authkit::{add_user, cookie, session, sql, Client};
use crate::db_test;
use crate::helpers::FIXTURE;

db_test!(an_evening_utc_timestamp_shows_the_next_day, |app| {
    let admin = add_user(&app, "quantri01", "admin", &[]);
    let officer = add_user(&app, "canbo01", "officer", &[]);
    sql(
        &app,
        &format!("UPDATE users SET created_at = '2026-12-01 20:00:00' WHERE id = {officer}"),
    );
    let (secret, _) = session(&app, admin);
    let c = Client::new(&app).await;
    let page = c
        .send(
            TestRequest::get()
                .uri(&format!("/admin/users/{officer}"))
                .insert_header(cookie(&secret)),
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("02/12/2026 03:00"), "{}", page.body);
    assert!(!page.body.contains("2026-12-01 20:00"), "{}", page.body);
    Ok(())
});

db_test!(a_share_of_nothing_is_a_dash, |app| {
    let r = app.import_str("fixture.jsonl", FIXTURE)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let c = Client::new(&app).await;
    // No procedure is to be posted in the commune: neither 0% nor 100% but "—".
    let page = c
        .send(TestRequest::get().uri("/units/32200/completeness?date=2025-12-10"))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(
            r#"<span class="stat-number">—</span> <span class="stat-label">niêm yết đầy đủ"#
        ),
        "{}",
        page.body
    );
    assert!(!page.body.contains("100.0%") && !page.body.contains("100,0%"));
    Ok(())
});
