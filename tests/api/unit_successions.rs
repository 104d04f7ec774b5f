//! Units after the 2025 reorganisation: the notice on an abolished unit's pages (1→1, n→1,
//! 1→n) with links to its successors, the successor's "taken over from" line, namesakes told
//! apart and ordered in lists, the search by former names, and the home page's «Thủ tục tại
//! xã, phường của bạn».

use actix_web::test::TestRequest;

use crate::authkit::Client;
use crate::db_test;

/// Bạc Liêu merged into Cà Mau (1→1); Đầm Dơi district shared out among two new communes
/// (1→n); Xã Tân Thuận and Xã Tân Đức merged into a new Xã Tân Thuận (n→1); another Xã Tân
/// Thuận, of Cái Nước district, dissolved.
const MERGERS: &str = r#"{"kind":"unit","code":"95","name":"Tỉnh Bạc Liêu","level":"tinh","valid_to":"2025-06-30"}
{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"unit","code":"970","name":"Huyện Đầm Dơi","level":"huyen","parent":"96","valid_to":"2025-06-30"}
{"kind":"unit","code":"971","name":"Huyện Cái Nước","level":"huyen","parent":"96","valid_to":"2025-06-30"}
{"kind":"unit","code":"32164","name":"Xã Tân Đức","level":"xa","parent":"970","valid_to":"2025-06-30"}
{"kind":"unit","code":"32167","name":"Xã Tân Thuận","level":"xa","parent":"970","valid_to":"2025-06-30"}
{"kind":"unit","code":"32161","name":"Xã Trần Phán","level":"xa","parent":"970","valid_to":"2025-06-30"}
{"kind":"unit","code":"32230","name":"Xã Tân Thuận","level":"xa","parent":"971","valid_to":"2025-06-30"}
{"kind":"unit","code":"32167","name":"Xã Tân Thuận","level":"xa","parent":"96","valid_from":"2025-07-01"}
{"kind":"unit","code":"32161","name":"Xã Trần Phán","level":"xa","parent":"96","valid_from":"2025-07-01"}
{"kind":"succession","predecessor":"95","successor":"96","on":"2025-07-01"}
{"kind":"succession","predecessor":"970","successor":"32167","on":"2025-07-01"}
{"kind":"succession","predecessor":"970","successor":"32161","on":"2025-07-01"}
{"kind":"succession","predecessor":"32164","successor":"32167","on":"2025-07-01"}
{"kind":"succession","predecessor":"32167","successor":"32167","on":"2025-07-01"}
{"kind":"succession","predecessor":"32161","successor":"32161","on":"2025-07-01"}
"#;

fn load(app: &crate::helpers::TestApp) -> anyhow::Result<()> {
    let r = app.import_str("u.jsonl", MERGERS)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    Ok(())
}

/// The text of the notice on a page (between its `<strong>` tags).
fn notice(page: &str) -> Option<String> {
    let at = page
        .split(r#"class="notice-box notice-warning succession-notice""#)
        .nth(1)?;
    let text = at.split("<strong>").nth(1)?.split("</strong>").next()?;
    Some(text.to_string())
}

db_test!(notice_one_into_one_links_the_successor, |app| {
    load(&app)?;
    let (status, _, page) = app.get("/units/95").await;
    assert_eq!(status, 200);
    assert_eq!(
        notice(&page).as_deref(),
        Some("Tỉnh Bạc Liêu đã sáp nhập vào Tỉnh Cà Mau từ ngày 01/07/2025."),
        "{page}"
    );
    // Its page, documents and procedures.
    assert!(page.contains(r#"<a href="/units/96">Tỉnh Cà Mau</a>: <a href="/units/96#van-ban">văn bản</a> · <a href="/units/96/procedures">thủ tục hành chính</a>"#), "{page}");
    // The successor lists what it took over; an existing unit has no notice.
    let (_, _, page) = app.get("/units/96").await;
    assert_eq!(notice(&page), None);
    assert!(
        page.contains("Tiếp nhận từ: Tỉnh Bạc Liêu, từ ngày 01/07/2025."),
        "{page}"
    );
    // Read on a day it still existed, the unit has no notice.
    let (_, _, page) = app.get("/units/95?date=2025-06-30").await;
    assert_eq!(notice(&page), None, "{page}");
    Ok(())
});

db_test!(notice_several_into_one_names_the_others, |app| {
    load(&app)?;
    let (status, _, page) = app.get("/units/32167@2025-06-30").await;
    assert_eq!(status, 200);
    assert_eq!(
        notice(&page).as_deref(),
        Some(
            "Xã Tân Thuận đã sáp nhập cùng xã Tân Đức thành Xã Tân Thuận (mới) từ ngày 01/07/2025."
        ),
        "{page}"
    );
    assert!(page.contains(r#"<a href="/units/32167@2025-07-01/procedures">thủ tục hành chính</a>"#));
    let (_, _, page) = app.get("/units/32164").await;
    assert_eq!(
        notice(&page).as_deref(),
        Some("Xã Tân Đức đã sáp nhập cùng xã Tân Thuận thành Xã Tân Thuận từ ngày 01/07/2025.")
    );
    // The new commune names the communes it took over (not the district shared out).
    let (_, _, page) = app.get("/units/32167@2025-07-01").await;
    assert!(
        page.contains("Tiếp nhận từ: Xã Tân Đức, Xã Tân Thuận (cũ), từ ngày 01/07/2025."),
        "{page}"
    );
    Ok(())
});

db_test!(notice_one_into_several_lists_each_successor, |app| {
    load(&app)?;
    let (_, _, page) = app.get("/units/970").await;
    assert_eq!(
        notice(&page).as_deref(),
        Some(
            "Huyện Đầm Dơi đã được chia, nhập vào Xã Tân Thuận và Xã Trần Phán từ ngày 01/07/2025."
        ),
        "{page}"
    );
    for r in ["32167@2025-07-01", "32161@2025-07-01"] {
        assert!(
            page.contains(&format!(r#"<a href="/units/{r}/procedures">"#)),
            "{r}"
        );
    }
    // Without a successor: dissolved.
    let (_, _, page) = app.get("/units/32230").await;
    assert_eq!(
        notice(&page).as_deref(),
        Some("Xã Tân Thuận đã giải thể từ ngày 01/07/2025.")
    );
    // The procedures page of a unit split among several points at each one's procedures.
    let (status, _, page) = app.get("/units/970/procedures").await;
    assert_eq!(status, 200);
    assert!(notice(&page).is_some(), "{page}");
    assert!(page.contains(r#"href="/units/32161@2025-07-01/procedures""#));
    assert!(
        page.contains("xem thủ tục tại các đơn vị kế thừa"),
        "{page}"
    );
    Ok(())
});

db_test!(unknown_unit_code_is_404, |app| {
    load(&app)?;
    for path in [
        "/units/99999",
        "/units/99999/procedures",
        "/units/99999@2025-07-01",
    ] {
        let (status, _, page) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            page.contains("Không có đơn vị hành chính mã"),
            "{path}: {page}"
        );
    }
    Ok(())
});

/// Where `needle` first appears in `page`.
fn at(page: &str, needle: &str) -> usize {
    page.find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {page}"))
}

db_test!(namesakes_are_labelled_and_current_ones_come_first, |app| {
    load(&app)?;
    let (status, _, page) = app.get("/units?q=T%C3%A2n%20Thu%E1%BA%ADn").await;
    assert_eq!(status, 200);
    let new = at(
        &page,
        r#"<a href="/units/32167@2025-07-01">Xã Tân Thuận</a> <span class="unit-context">(huyện Đầm Dơi cũ, tỉnh Cà Mau)</span>"#,
    );
    let old = at(
        &page,
        r#"<a href="/units/32167@2025-06-30">Xã Tân Thuận</a> <span class="unit-context">(huyện Đầm Dơi cũ, tỉnh Cà Mau)</span>"#,
    );
    let other = at(
        &page,
        r#"<a href="/units/32230">Xã Tân Thuận</a> <span class="unit-context">(huyện Cái Nước cũ, tỉnh Cà Mau)</span>"#,
    );
    // Current first; the abolished ones after, Cái Nước before Đầm Dơi.
    assert!(new < other && other < old, "{new} {other} {old}");
    let badge = r#"<span class="badge badge-defunct">đã sáp nhập</span>"#;
    assert!(page[old..].contains(badge), "{page}");
    assert!(page[other..].contains(r#"<span class="badge badge-defunct">đã giải thể</span>"#));
    assert!(
        !page[new..other].contains("badge-defunct"),
        "the current one has no badge"
    );
    // The map of before 1 July 2025 lists them under their districts, labelled too.
    let (_, _, page) = app.get("/units?era=truoc&tinh=96").await;
    assert!(page.contains(r#"<a href="/units/32230">Xã Tân Thuận</a> <span class="unit-context">(huyện Cái Nước cũ, tỉnh Cà Mau)</span>"#), "{page}");
    Ok(())
});

db_test!(a_former_name_finds_the_unit_that_took_it_over, |app| {
    load(&app)?;
    for q in ["T%C3%A2n%20%C4%90%E1%BB%A9c", "tan%20duc", "TAN%20DUC"] {
        let (status, _, page) = app.get(&format!("/units?q={q}")).await;
        assert_eq!(status, 200);
        let new = at(
            &page,
            r#"<a href="/units/32167@2025-07-01">Xã Tân Thuận</a> <span class="unit-context">(huyện Đầm Dơi cũ, tỉnh Cà Mau)</span> <span class="muted">trước đây: xã Tân Đức</span>"#,
        );
        let old = at(&page, r#"<a href="/units/32164">Xã Tân Đức</a>"#);
        assert!(new < old, "{q}: the current unit first");
    }
    // The district's name is not a former name of its communes.
    let (_, _, page) = app.get("/units?q=dam%20doi").await;
    assert!(!page.contains("trước đây: huyện"), "{page}");
    // An overlong query is bounded, not an error.
    let long = "a".repeat(5000);
    let (status, _, page) = app.get(&format!("/units?q={long}")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("«{}»", "a".repeat(100))));
    assert!(!page.contains(&"a".repeat(101)));
    Ok(())
});

db_test!(units_matching_returns_the_matched_former_name, |app| {
    load(&app)?;
    let state = app.state().await;
    let found = vanban::app::units::units_matching(&state, "tan duc").await?;
    let names: Vec<(String, bool, Option<String>)> = found
        .iter()
        .map(|m| (m.reference.clone(), m.current, m.former_name.clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            (
                "32167@2025-07-01".to_string(),
                true,
                Some("xã Tân Đức".to_string())
            ),
            ("32164".to_string(), false, None),
        ]
    );
    assert!(vanban::app::units::units_matching(&state, "  ")
        .await?
        .is_empty());
    Ok(())
});

db_test!(home_entry_leads_to_the_current_commune_procedures, |app| {
    load(&app)?;
    let (status, _, home) = app.get("/").await;
    assert_eq!(status, 200);
    assert!(home.contains(r#"<form class="commune-form" action="/thu-tuc-tai-xa" method="get""#));
    assert!(home.contains(r#"<label for="xa-phuong">"#), "{home}");
    assert!(
        home.contains(r#"<option value="Xã Tân Đức">"#),
        "former names suggested"
    );
    let client = Client::new(&app).await;
    // An old name, without diacritics, leads to the commune that took it over.
    for q in [
        "tan%20duc",
        "T%C3%A2n%20Thu%E1%BA%ADn",
        "X%C3%A3%20Tr%E1%BA%A7n%20Ph%C3%A1n",
    ] {
        let r = client
            .send(TestRequest::get().uri(&format!("/thu-tuc-tai-xa?ten={q}")))
            .await;
        assert_eq!(r.status, 303, "{q}: {}", r.body);
        let to = r.header("location").unwrap_or_default();
        assert!(
            to == "/units/32167@2025-07-01/procedures"
                || to == "/units/32161@2025-07-01/procedures",
            "{q}: {to}"
        );
    }
    // The abolished unit's procedure page lists the successor's.
    let (status, _, page) = app.get("/units/32164/procedures").await;
    assert_eq!(status, 200);
    assert!(notice(&page).is_some(), "{page}");
    assert!(
        page.contains(r#"<a href="/units/32167@2025-07-01/procedures">Xã Tân Thuận</a>"#),
        "{page}"
    );
    Ok(())
});

db_test!(home_entry_refuses_unknown_empty_and_overlong_names, |app| {
    load(&app)?;
    let client = Client::new(&app).await;
    let r = client
        .send(
            TestRequest::get()
                .uri("/thu-tuc-tai-xa?ten=Ph%C6%B0%E1%BB%9Dng%20Kh%C3%B4ng%20C%C3%B3"),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains(r#"<p class="field-error" id="xa-phuong-error">Không tìm thấy xã, phường nào có tên hoặc tên trước đây là «Phường Không Có»."#), "{}", r.body);
    assert!(
        r.body.contains(r#"value="Phường Không Có""#),
        "the form again with the name"
    );
    for uri in [
        "/thu-tuc-tai-xa?ten=",
        "/thu-tuc-tai-xa?ten=%20%20",
        "/thu-tuc-tai-xa",
    ] {
        let r = client.send(TestRequest::get().uri(uri)).await;
        assert_eq!(r.status, 200, "{uri}");
        assert!(
            r.body.contains("Nhập tên xã, phường của bạn."),
            "{uri}: {}",
            r.body
        );
        assert!(r.body.contains(r#"aria-invalid="true""#));
    }
    let long = "x".repeat(101);
    let r = client
        .send(TestRequest::get().uri(&format!("/thu-tuc-tai-xa?ten={long}")))
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.body.contains("Tên quá dài: nhập tối đa 100 ký tự."),
        "{}",
        r.body
    );
    Ok(())
});

// The sample (`serve --demo`): an abolished commune's procedure page lists what its successor
// posts, not "0 thủ tục".
db_test!(
    demo_abolished_commune_lists_its_successor_procedures,
    |app| {
        let r = vanban::exchange::load_sample(&app.pool)?.unwrap();
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let (_, _, own) = app.get("/units/32155@2025-07-01/procedures").await;
        let count = |page: &str| -> String {
            page.split(r#"class="result-summary">"#)
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .unwrap_or_default()
                .to_string()
        };
        let n = count(&own);
        assert_ne!(n, "0", "{own}");
        // Tạ An Khương Đông merged into the new Tạ An Khương.
        let (status, _, page) = app.get("/units/32158/procedures").await;
        assert_eq!(status, 200);
        assert_eq!(count(&page), n, "{page}");
        assert!(
            notice(&page).is_some_and(|t| t.starts_with("Xã Tạ An Khương Đông đã sáp nhập cùng")),
            "{page}"
        );
        Ok(())
    }
);
