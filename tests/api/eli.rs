//! Stable ELI addresses and the schema.org `Legislation` description on document pages.

use actix_web::test::TestRequest;

use crate::authkit::Client;
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

fn id_of(app: &TestApp, authority: &str, key: &str) -> i64 {
    crate::review::document_id(app, authority, key)
}

/// The JSON-LD object of a page (panics when there is none or it does not parse).
fn json_ld(page: &str) -> serde_json::Value {
    let start = page
        .find(r#"<script type="application/ld+json">"#)
        .unwrap_or_else(|| panic!("no JSON-LD in {page}"));
    let rest = &page[start + r#"<script type="application/ld+json">"#.len()..];
    let end = rest.find("</script>").unwrap();
    serde_json::from_str(&rest[..end]).unwrap_or_else(|e| panic!("{e}: {}", &rest[..end]))
}

db_test!(documents_have_stable_addresses, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let client = Client::new(&app).await;
    let get = |path: &str| client.send(TestRequest::get().uri(path));
    let replaced = id_of(&app, "HDND-96", "15/2018/NQ-HDND");

    // The address: authority code, type without diacritics, year, sequence number.
    let eli = "/eli/vn/hdnd-96/nghi-quyet/2018/15";
    let r = get(eli).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Nghị quyết 15/2018/NQ-HĐND"));
    assert!(r
        .body
        .contains(&format!(r#"<link rel="canonical" href="{eli}">"#)));
    // The older addresses lead there permanently, the query kept.
    let r = get(&format!("/documents/{replaced}")).await;
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location").as_deref(), Some(eli));
    let r = get(&format!("/documents/{replaced}/dieu-2?date=2019-06-01")).await;
    assert_eq!(r.status, 301);
    assert_eq!(
        r.header("location").as_deref(),
        Some(format!("{eli}/dieu-2?date=2019-06-01").as_str())
    );
    let r = get("/documents/999999").await;
    assert_eq!(r.status, 404);
    let r = get(&format!("/documents/{replaced}?date=30-02-2019")).await;
    assert_eq!(r.status, 400, "a bad date is refused, not redirected");

    // Its version on a date: in force in 2019, replaced since 15 July 2022.
    let r = get(&format!("{eli}/2019-06-01")).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("01/06/2019"), "the page is as of that day");
    assert_eq!(
        json_ld(&r.body)["legislationLegalForce"],
        "https://schema.org/InForce"
    );
    let r = get(&format!("{eli}/2023-01-01")).await;
    assert_eq!(
        json_ld(&r.body)["legislationLegalForce"],
        "https://schema.org/NotInForce"
    );
    let r = get(&format!("{eli}/2021-01-01")).await;
    assert_eq!(
        json_ld(&r.body)["legislationLegalForce"],
        "https://schema.org/PartiallyInForce",
        "a clause amended: the text as issued is partly in force"
    );

    // Articles as pages (and as fragments of the document page).
    let r = get(&format!("{eli}/dieu-2")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Điều 2"));
    let r = get(&format!("{eli}/2019-06-01/dieu-2")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = get(eli).await;
    assert!(r.body.contains(r#"id="dieu-2""#), "fragment anchors");

    // Written otherwise: a permanent redirect to the canonical address, query kept.
    for other in [
        "/eli/vn/HDND-96/nghi-quyet/2018/15",
        "/eli/vn/hdnd-96/Ngh%E1%BB%8B-quy%E1%BA%BFt/2018/15",
        "/eli/vn/hdnd-96/nghi-quyet/2018/15-2018-nq-hdnd",
    ] {
        let r = get(other).await;
        assert_eq!(r.status, 301, "{other}: {}", r.body);
        assert_eq!(r.header("location").as_deref(), Some(eli), "{other}");
    }
    let r = get("/eli/vn/HDND-96/nghi-quyet/2018/15/dieu-2?date=2019-06-01").await;
    assert_eq!(r.status, 301);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/eli/vn/hdnd-96/nghi-quyet/2018/15/dieu-2?date=2019-06-01")
    );

    // A type corrected after the address was published: the older address leads to the new.
    crate::authkit::sql(
        &app,
        "UPDATE documents SET doc_type = 'Chỉ thị' WHERE number = '12/2021/QĐ-UBND'",
    );
    let r = get("/eli/vn/ubnd-970/quyet-dinh/2021/12/2025-01-01").await;
    assert_eq!(r.status, 301, "{}", r.body);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/eli/vn/ubnd-970/chi-thi/2021/12/2025-01-01")
    );
    let r = get("/eli/vn/ubnd-970/chi-thi/2021/12").await;
    assert_eq!(r.status, 200);

    // Unknown addresses: a 404 page that helps.
    let r = get("/eli/vn/hdnd-96/nghi-quyet/2018/99").await;
    assert_eq!(r.status, 404);
    assert!(
        r.body
            .contains("Các văn bản của cơ quan này ban hành năm 2018"),
        "{}",
        r.body
    );
    assert!(r.body.contains("15/2018/NQ-HĐND"), "{}", r.body);
    let r = get("/eli/vn/khong-co/nghi-quyet/2018/15").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Không có cơ quan ban hành mang mã này"));
    let r = get("/eli/vn/hdnd-96/nghi-quyet/18/15").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("không đúng dạng ELI"), "{}", r.body);
    let r = get(&format!("{eli}/2025-13-01")).await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = get(&format!("{eli}/dieu-99")).await;
    assert_eq!(r.status, 404, "{}", r.body);
    Ok(())
});

db_test!(document_pages_describe_themselves_as_legislation, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let client = Client::new(&app).await;
    let r = client
        .send(
            TestRequest::get()
                .uri("/eli/vn/hdnd-96/nghi-quyet/2022/05?date=2023-01-01")
                .insert_header(("Host", "vanban.camau.gov.vn")),
        )
        .await;
    assert_eq!(r.status, 200);
    let v = json_ld(&r.body);
    assert_eq!(v["@context"], "https://schema.org");
    assert_eq!(v["@type"], "Legislation");
    assert_eq!(
        v["@id"],
        "http://vanban.camau.gov.vn/eli/vn/hdnd-96/nghi-quyet/2022/05"
    );
    assert_eq!(v["legislationIdentifier"], "05/2022/NQ-HĐND");
    assert_eq!(v["legislationType"], "Nghị quyết");
    assert_eq!(v["legislationDate"], "2022-07-01");
    assert_eq!(v["legislationDateOfApplicability"], "2022-07-15");
    assert_eq!(v["legislationLegalForce"], "https://schema.org/InForce");
    assert_eq!(
        v["legislationPassedBy"]["name"],
        "Hội đồng nhân dân tỉnh Cà Mau"
    );
    assert_eq!(v["legislationJurisdiction"]["name"], "Tỉnh Cà Mau");
    // What it changes, by stable address.
    assert_eq!(
        v["legislationChanges"],
        serde_json::json!([{"@id": "http://vanban.camau.gov.vn/eli/vn/hdnd-96/nghi-quyet/2018/15"}])
    );
    // A document that ended: its end date.
    let r = client
        .send(TestRequest::get().uri("/eli/vn/hdnd-95/nghi-quyet/2019/03/2021-06-01"))
        .await;
    let v = json_ld(&r.body);
    assert_eq!(v["expires"], "2020-12-31");
    assert_eq!(v["legislationLegalForce"], "https://schema.org/NotInForce");
    Ok(())
});
