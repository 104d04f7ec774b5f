//! The whole country's administrative units (static/data/don-vi-hanh-chinh.jsonl, built by
//! .ci/units/build.py): counts before and after 1 July 2025, known units and successions,
//! codes reused across that day, and the lines the importer refuses.

use chrono::NaiveDate;
use vanban::domain::kinds::UnitLevel;
use vanban::registry::org::{holds, Org};

use crate::db_test;

/// The shipped file, as the site serves it.
const COUNTRY: &str = include_str!("../../static/data/don-vi-hanh-chinh.jsonl");

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// How many units of `level` exist on `on`.
fn count(org: &Org, level: UnitLevel, on: &str) -> usize {
    org.units
        .values()
        .filter(|u| org.unit_level(u.id) == Some(level) && holds(u, day(on)))
        .count()
}

/// The names of the units `code` went to on 1 July 2025 (the holder on 30 June 2025).
fn successors(org: &Org, code: &str) -> Vec<String> {
    let u = org.unit_on(code, day("2025-06-30")).unwrap();
    let mut v: Vec<String> = org
        .unit_successors(u.id)
        .into_iter()
        .map(|(s, on)| {
            assert_eq!(on, day("2025-07-01"));
            format!("{} {}", s.code, s.name)
        })
        .collect();
    v.sort();
    v
}

db_test!(
    country_units_import_with_official_counts_and_successions,
    |app| {
        let first = app.import_str("don-vi-hanh-chinh.jsonl", COUNTRY)?;
        assert!(
            first.errors.is_empty(),
            "{:?}",
            &first.errors[..first.errors.len().min(5)]
        );
        let org = Org::load(&mut app.pool.get()?.db())?;
        assert_eq!(count(&org, UnitLevel::Tinh, "2025-06-30"), 63);
        assert_eq!(count(&org, UnitLevel::Tinh, "2025-07-01"), 34);
        assert_eq!(count(&org, UnitLevel::Huyen, "2025-06-30"), 696);
        assert_eq!(count(&org, UnitLevel::Huyen, "2025-07-01"), 0);
        assert_eq!(count(&org, UnitLevel::Xa, "2025-06-30"), 10051);
        assert_eq!(count(&org, UnitLevel::Xa, "2025-07-01"), 3321);

        // Cà Mau keeps its code and name: one unit across the day, Bạc Liêu merged into it.
        let ca_mau = org.unit_on("96", day("2025-06-30")).unwrap();
        assert_eq!(org.unit_on("96", day("2025-07-01")).unwrap().id, ca_mau.id);
        assert_eq!(successors(&org, "95"), ["96 Tỉnh Cà Mau"]);
        // 91 was Kiên Giang's code and is An Giang's from 1 July 2025: two units.
        assert_eq!(
            org.unit_on("91", day("2025-06-30")).unwrap().name,
            "Tỉnh Kiên Giang"
        );
        assert_eq!(
            org.unit_on("91", day("2025-07-01")).unwrap().name,
            "Tỉnh An Giang"
        );
        assert_eq!(org.unit_by_code("91").unwrap().name, "Tỉnh An Giang");
        assert_eq!(
            org.unit_by_code("91@2020-01-01").unwrap().name,
            "Tỉnh Kiên Giang"
        );
        assert_eq!(successors(&org, "89"), ["91 Tỉnh An Giang"]);
        assert_eq!(successors(&org, "91"), ["91 Tỉnh An Giang"]);
        // A commune of Đầm Dơi to its 2025 successor; the district to every commune it became.
        assert_eq!(successors(&org, "32179"), ["32182 Xã Quách Phẩm"]);
        assert_eq!(successors(&org, "32173"), ["32152 Xã Đầm Dơi"]);
        let dam_doi = successors(&org, "970");
        assert!(
            dam_doi.contains(&"32152 Xã Đầm Dơi".to_string()),
            "{dam_doi:?}"
        );
        assert_eq!(
            org.unit_on("32152", day("2025-06-30")).unwrap().name,
            "Thị trấn Đầm Dơi"
        );
        let new_commune = org.unit_on("32152", day("2025-07-01")).unwrap();
        assert_eq!(new_commune.parent_id, Some(ca_mau.id));

        // A re-import changes nothing.
        let again = app.import_str("don-vi-hanh-chinh.jsonl", COUNTRY)?;
        assert!(
            again.errors.is_empty(),
            "{:?}",
            &again.errors[..again.errors.len().min(5)]
        );
        assert_eq!((again.created, again.updated), (0, 0));
        assert_eq!(again.unchanged, first.created);
        Ok(())
    }
);

db_test!(units_round_trip_through_export_with_reused_codes, |app| {
    let lines = r#"{"kind":"unit","code":"89","name":"Tỉnh An Giang","level":"tinh","valid_to":"2025-06-30"}
{"kind":"unit","code":"91","name":"Tỉnh Kiên Giang","level":"tinh","valid_to":"2025-06-30"}
{"kind":"unit","code":"91","name":"Tỉnh An Giang","level":"tinh","valid_from":"2025-07-01"}
{"kind":"unit","code":"899","name":"Thành phố Rạch Giá","level":"huyen","parent":"91","valid_to":"2025-06-30"}
{"kind":"succession","predecessor":"89","successor":"91","on":"2025-07-01"}
{"kind":"succession","predecessor":"91","successor":"91","on":"2025-07-01"}
{"kind":"authority","code":"UBND-91-KG","name":"Ủy ban nhân dân tỉnh Kiên Giang","type":"ubnd","unit":"91@2024-01-01"}
{"kind":"authority","code":"UBND-91","name":"Ủy ban nhân dân tỉnh An Giang","type":"ubnd","unit":"91@2025-07-01"}
"#;
    let r = app.import_str("u.jsonl", lines)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.created, 8);
    let org = Org::load(&mut app.pool.get()?.db())?;
    let rach_gia = org.unit_by_code("899").unwrap();
    let kien_giang = org.unit_on("91", day("2025-06-30")).unwrap();
    assert_eq!(rach_gia.parent_id, Some(kien_giang.id));
    // A bare code in an address names its latest holder; code@day the holder on that day.
    let (status, _, page) = app.get("/units/91").await;
    assert_eq!(status, 200);
    assert!(page.contains("Tỉnh An Giang"), "{page}");
    let (status, _, page) = app.get("/units/91@2020-01-01").await;
    assert_eq!(status, 200);
    assert!(page.contains("Tỉnh Kiên Giang"), "{page}");
    let exported = app.export()?;
    assert!(
        exported.contains(r#""unit":"91@2025-06-30""#)
            || exported.contains(r#""unit":"91@2025-07-01""#),
        "{exported}"
    );
    let other = crate::helpers::TestApp::sqlite()?;
    let r = other.import_str("export.jsonl", &exported)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(other.export()?, exported);
    Ok(())
});

/// Imports `good` then `bad`; the one error names line `line` of the bad file with `needle`.
fn refused(app: &crate::helpers::TestApp, good: &str, bad: &str, line: usize, needle: &str) {
    let r = app.import_str("good.jsonl", good).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let r = app.import_str("bad.jsonl", bad).unwrap();
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    let e = &r.errors[0];
    assert_eq!(e.line, line, "{e}");
    assert!(
        e.message.contains(needle),
        "expected «{needle}» in «{}»",
        e.message
    );
}

const BASE: &str = r#"{"kind":"unit","code":"95","name":"Tỉnh Bạc Liêu","level":"tinh","valid_to":"2025-06-30"}
{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"unit","code":"91","name":"Tỉnh Kiên Giang","level":"tinh","valid_to":"2025-06-30"}
{"kind":"unit","code":"91","name":"Tỉnh An Giang","level":"tinh","valid_from":"2025-07-01"}
"#;

db_test!(unit_with_unknown_parent_is_refused, |app| {
    let bad = "# đơn vị\n{\"kind\":\"unit\",\"code\":\"970\",\"name\":\"Huyện Đầm Dơi\",\"level\":\"huyen\",\"parent\":\"97\"}\n";
    refused(&app, BASE, bad, 2, "không tìm thấy đơn vị cấp trên «97»");
    Ok(())
});

db_test!(reused_code_with_overlapping_dates_is_refused, |app| {
    let bad = r#"{"kind":"unit","code":"95","name":"Tỉnh Bạc Liêu","level":"tinh","valid_to":"2025-06-30"}
{"kind":"unit","code":"95","name":"Tỉnh Mới","level":"tinh","valid_from":"2025-06-01"}
"#;
    refused(&app, BASE, bad, 2, "mã «95» đã dùng cho «Tỉnh Bạc Liêu»");
    Ok(())
});

db_test!(succession_whose_dates_do_not_meet_is_refused, |app| {
    // Bạc Liêu ended on 30 June 2025: it cannot be succeeded on 1 January 2026.
    let bad = r#"{"kind":"succession","predecessor":"95","successor":"96","on":"2026-01-01"}
"#;
    refused(
        &app,
        BASE,
        bad,
        1,
        "không có đơn vị trước mã «95» vào ngày 31/12/2025",
    );
    // A successor that did not exist yet on the day.
    let bad = r#"{"kind":"succession","predecessor":"95","successor":"91@2025-07-01","on":"2025-06-01"}
"#;
    refused(
        &app,
        BASE,
        bad,
        1,
        "không tồn tại vào ngày kế thừa 01/06/2025",
    );
    Ok(())
});

db_test!(
    bare_reused_code_without_a_day_is_refused_as_ambiguous,
    |app| {
        let bad = r#"{"kind":"authority","code":"UBND-91","name":"Ủy ban nhân dân tỉnh","type":"ubnd","unit":"91"}
"#;
        refused(&app, BASE, bad, 1, "mã «91» thuộc nhiều đơn vị");
        let bad = r#"{"kind":"authority","code":"UBND-91","name":"Ủy ban nhân dân tỉnh","type":"ubnd","unit":"91@1990-13-01"}
"#;
        refused(&app, BASE, bad, 1, "phải có dạng YYYY-MM-DD");
        Ok(())
    }
);

db_test!(
    the_sample_sits_on_the_country_units_in_either_order,
    |app| {
        // `serve --demo`: the sample, then the country's units around it.
        let sample = vanban::exchange::load_sample(&app.pool)?.unwrap();
        assert!(sample.errors.is_empty(), "{:?}", sample.errors);
        let country = vanban::exchange::load_country_units(&app.pool)?;
        assert!(
            country.errors.is_empty(),
            "{:?}",
            &country.errors[..country.errors.len().min(5)]
        );
        assert_eq!(country.updated, 0);
        let sample_units = vanban::exchange::SAMPLE
            .lines()
            .filter(|l| {
                l.starts_with(r#"{"kind":"unit""#) || l.starts_with(r#"{"kind":"succession""#)
            })
            .count();
        assert_eq!(country.unchanged, sample_units);
        // The other order: the country first, then the sample, with no error.
        let other = crate::helpers::TestApp::sqlite()?;
        let country = vanban::exchange::load_country_units(&other.pool)?;
        assert!(country.errors.is_empty());
        let units_of = |export: String| -> Vec<String> {
            export
                .lines()
                .filter(|l| {
                    l.starts_with(r#"{"kind":"unit""#) || l.starts_with(r#"{"kind":"succession""#)
                })
                .map(str::to_string)
                .collect()
        };
        let before = units_of(other.export()?);
        let second = vanban::exchange::load_sample(&other.pool)?.unwrap();
        assert!(second.errors.is_empty(), "{:?}", second.errors);
        // The sample's unit lines change none of the country's units.
        assert_eq!(units_of(other.export()?), before);
        Ok(())
    }
);

// The organisation is held between loads while nothing changed, and any change to units,
// successions or authorities — even by SQL that bypasses the application — is seen by the
// next load (the triggers move the stamp).
db_test!(the_held_organisation_follows_every_change, |app| {
    app.import_str("f.jsonl", crate::helpers::FIXTURE)?;
    let load =
        || -> anyhow::Result<std::sync::Arc<Org>> { Ok(Org::load(&mut app.pool.get()?.db())?) };
    let first = load()?;
    let (&unit_id, unit) = first.units.iter().next().expect("a unit");
    let (&authority_id, _) = first.authorities.iter().next().expect("an authority");
    let before = unit.name.clone();
    crate::authkit::sql(
        &app,
        &format!("UPDATE units SET name = 'Đổi tên' WHERE id = {unit_id}"),
    );
    assert_eq!(load()?.units[&unit_id].name, "Đổi tên");
    crate::authkit::sql(
        &app,
        &format!("UPDATE authorities SET name = 'Cơ quan đổi tên' WHERE id = {authority_id}"),
    );
    assert_eq!(load()?.authorities[&authority_id].name, "Cơ quan đổi tên");
    crate::authkit::sql(
        &app,
        &format!("UPDATE units SET name = '{before}' WHERE id = {unit_id}"),
    );
    assert_eq!(load()?.units[&unit_id].name, before);
    let units = load()?.units.len();
    crate::authkit::sql(
        &app,
        "INSERT INTO units (code, name, level) VALUES ('ZZ9', 'Xã Thêm', 'xa')",
    );
    assert_eq!(load()?.units.len(), units + 1);
    Ok(())
});
