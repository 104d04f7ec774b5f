//! The units pages: links to a unit name it alone (`code@day` where the code was reused), the
//! map of one province before or from 1 July 2025 with a search by name, and the country's
//! file served as open data.

use actix_web::test::TestRequest;

use crate::authkit::Client;
use crate::db_test;

/// 32152 was Thị trấn Đầm Dơi until 30 June 2025 and is Xã Đầm Dơi from 1 July 2025.
const REUSED: &str = r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"unit","code":"970","name":"Huyện Đầm Dơi","level":"huyen","parent":"96","valid_to":"2025-06-30"}
{"kind":"unit","code":"32152","name":"Thị trấn Đầm Dơi","level":"xa","parent":"970","valid_to":"2025-06-30"}
{"kind":"unit","code":"32152","name":"Xã Đầm Dơi","level":"xa","parent":"96","valid_from":"2025-07-01"}
{"kind":"succession","predecessor":"32152","successor":"32152","on":"2025-07-01"}
{"kind":"succession","predecessor":"970","successor":"32152","on":"2025-07-01"}
{"kind":"authority","code":"UBND-TT-DAMDOI","name":"Ủy ban nhân dân thị trấn Đầm Dơi","type":"ubnd","unit":"32152@2025-06-30"}
{"kind":"authority","code":"UBND-96","name":"Ủy ban nhân dân tỉnh Cà Mau","type":"ubnd","unit":"96"}
"#;

fn authority_id(page: &str, name: &str) -> String {
    let at = page
        .find(name)
        .unwrap_or_else(|| panic!("{name} not listed"));
    let before = &page[..at];
    let start = before.rfind("/authorities/").unwrap() + "/authorities/".len();
    before[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

db_test!(links_name_a_unit_whose_code_was_reused, |app| {
    let r = app.import_str("u.jsonl", REUSED)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // The old commune's page is reachable by code@day; the bare code is the 2025 holder.
    let (status, _, page) = app.get("/units/32152@2025-06-30").await;
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Thị trấn Đầm Dơi"), "{page}");
    assert!(
        page.contains(r#"href="/units/32152@2025-07-01""#),
        "its successor: {page}"
    );
    let (_, _, page) = app.get("/units/32152").await;
    assert!(page.contains("<h1>Xã Đầm Dơi"), "{page}");
    assert!(
        page.contains(r#"href="/units/32152@2025-06-30""#),
        "its predecessor"
    );
    // The authorities list and the authority's page link to the old commune, not the new one.
    let (_, _, list) = app.get("/authorities").await;
    assert!(
        list.contains(r#"<a href="/units/32152@2025-06-30">Thị trấn Đầm Dơi</a>"#),
        "{list}"
    );
    let id = authority_id(&list, "Ủy ban nhân dân thị trấn Đầm Dơi");
    let (_, _, page) = app.get(&format!("/authorities/{id}")).await;
    assert!(page.contains(r#"href="/units/32152@2025-06-30""#), "{page}");
    assert!(!page.contains(r#"href="/units/32152""#), "{page}");
    // A code never reused stays bare.
    assert!(page.contains("/units/96") || list.contains(r#"href="/units/96""#));
    // The map before 1 July 2025 links the old commune under its district.
    let (status, _, page) = app.get("/units?era=truoc&tinh=96").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"<a href="/units/32152@2025-06-30">Thị trấn Đầm Dơi</a>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<a href="/units/970">Huyện Đầm Dơi</a>"#),
        "{page}"
    );
    Ok(())
});

/// Loads the country's units and the sample on top (`serve --demo`).
fn demo(app: &crate::helpers::TestApp) -> anyhow::Result<()> {
    let r = vanban::exchange::load_country_units(&app.pool)?;
    assert!(
        r.errors.is_empty(),
        "{:?}",
        &r.errors[..r.errors.len().min(3)]
    );
    let r = vanban::exchange::load_sample(&app.pool)?.unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    Ok(())
}

fn options(page: &str) -> Vec<String> {
    let select = page
        .split(r#"<select id="f-tinh" name="tinh">"#)
        .nth(1)
        .unwrap();
    let select = select.split("</select>").next().unwrap();
    select
        .split(r#"<option value=""#)
        .skip(1)
        .map(|o| o.split('"').next().unwrap().to_string())
        .collect()
}

db_test!(units_page_shows_one_province_at_a_time, |app| {
    demo(&app)?;
    // Default: the map from 1 July 2025, the province holding the registry's authorities.
    let (status, _, page) = app.get("/units").await;
    assert_eq!(status, 200);
    assert_eq!(options(&page).len(), 34);
    assert!(
        page.contains(r#"<option value="96" selected>Tỉnh Cà Mau</option>"#),
        "{page}"
    );
    assert!(page.contains(r#"<a href="/units/32152@2025-07-01">Xã Đầm Dơi</a>"#));
    assert!(
        !page.contains("Thị trấn Đầm Dơi"),
        "the 2025 map has no old commune"
    );
    assert!(
        !page.contains("Thành phố Hà Nội</a>"),
        "one province at a time"
    );
    // Before 1 July 2025: 63 provinces, the districts with their communes, each one's fate.
    let (_, _, page) = app.get("/units?era=truoc").await;
    assert_eq!(options(&page).len(), 63);
    assert!(page.contains("Huyện Đầm Dơi</a>"), "{page}");
    assert!(page.contains(r#"<a href="/units/32152@2025-06-30">Thị trấn Đầm Dơi</a>"#));
    assert!(page.contains("Đã sáp nhập (đến 30/06/2025) vào"), "{page}");
    assert!(
        page.contains("Đã giải thể (đến 30/06/2025), địa bàn thuộc"),
        "a district"
    );
    // Bạc Liêu, merged into Cà Mau: picked on the old map, shown as Cà Mau on the new one.
    let (_, _, page) = app.get("/units?era=truoc&tinh=95").await;
    assert!(page.contains(r#"<option value="95" selected>Tỉnh Bạc Liêu</option>"#));
    assert!(
        page.contains(r#"href="/units?era=tu&amp;tinh=96""#),
        "{page}"
    );
    let (status, _, page) = app.get("/units?era=tu&tinh=95").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"<option value="96" selected>Tỉnh Cà Mau</option>"#));
    // Every province on both maps fits in 300 KB.
    for era in ["tu", "truoc"] {
        let (_, _, page) = app.get(&format!("/units?era={era}")).await;
        for p in options(&page) {
            let (status, _, page) = app.get(&format!("/units?era={era}&tinh={p}")).await;
            assert_eq!(status, 200, "{era} {p}");
            assert!(page.len() < 300_000, "{era} {p}: {} bytes", page.len());
        }
    }
    // Unknown province, unknown map.
    assert_eq!(app.get("/units?tinh=999").await.0, 404);
    assert_eq!(app.get("/units?era=mai").await.0, 400);
    Ok(())
});

db_test!(units_search_ignores_diacritics, |app| {
    demo(&app)?;
    let (status, _, page) = app.get("/units?tinh=96&q=dam%20doi").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"<a href="/units/32152@2025-07-01">Xã Đầm Dơi</a>"#),
        "{page}"
    );
    assert!(!page.contains("Xã Tân Thuận</a>"), "{page}");
    let (_, _, page) = app.get("/units?era=truoc&tinh=96&q=%C4%90%E1%BA%A6M").await;
    assert!(page.contains("Thị trấn Đầm Dơi</a>"), "{page}");
    assert!(
        page.contains(r#"<span class="unit-context">(huyện Đầm Dơi cũ, tỉnh Cà Mau)</span>"#),
        "names its district and province: {page}"
    );
    let (_, _, page) = app.get("/units?tinh=96&q=khong-co-ten-nay").await;
    assert!(
        page.contains("Không có đơn vị nào của Tỉnh Cà Mau"),
        "{page}"
    );
    Ok(())
});

db_test!(open_data_country_file_is_served, |app| {
    let client = Client::new(&app).await;
    let path = "/open-data/don-vi-hanh-chinh.jsonl";
    let r = client.send(TestRequest::get().uri(path)).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/x-ndjson; charset=utf-8")
    );
    assert_eq!(r.body, vanban::exchange::COUNTRY_UNITS);
    assert_eq!(
        r.header("cache-control").as_deref(),
        Some("public, max-age=86400")
    );
    let tag = r.header("etag").unwrap();
    let r = client
        .send(
            TestRequest::get()
                .uri(path)
                .insert_header(("If-None-Match", tag.as_str())),
        )
        .await;
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    // The file imports as it is served, and the units page links to it.
    let report = app.import_str("don-vi-hanh-chinh.jsonl", vanban::exchange::COUNTRY_UNITS)?;
    assert!(report.errors.is_empty());
    let (_, _, page) = app.get("/units").await;
    assert!(
        page.contains(r#"href="/open-data/don-vi-hanh-chinh.jsonl""#),
        "{page}"
    );
    Ok(())
});

db_test!(feeds_of_an_old_unit_name_it_by_code_and_day, |app| {
    let r = app.import_str("u.jsonl", REUSED)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let (_, _, page) = app.get("/units/32152@2025-06-30").await;
    assert!(
        page.contains("/feeds/documents.atom?unit=32152@2025-06-30"),
        "{page}"
    );
    let (status, _, feed) = app.get("/feeds/documents.atom?unit=32152@2025-06-30").await;
    assert_eq!(status, 200);
    assert!(feed.contains("Thị trấn Đầm Dơi"), "{feed}");
    Ok(())
});
