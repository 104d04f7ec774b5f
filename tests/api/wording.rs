//! The new wording of amended provisions (issue 15, item 6): stated in the effect record
//! (`"wording"`), stored, exported as given; read from the amending document's quoted text
//! when the record states none; bad wordings refused by the import with their line.

use std::collections::HashMap;

use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

const BASE: &str = r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"authority","code":"UBND-96","name":"Ủy ban nhân dân tỉnh Cà Mau","type":"ubnd","unit":"96"}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"12/2018/QĐ-UBND","title":"Quy định quản lý chợ","issued_on":"2018-03-05","effective_on":"2018-03-20","text":"Điều 5. Ban quản lý chợ\n1. Ban quản lý chợ do Ủy ban nhân dân cấp huyện thành lập.\n2. Ban quản lý chợ có trưởng ban và hai phó trưởng ban.\nĐiều 7. Phí chợ\nMức thu phí chợ theo quy định."}
"#;

/// An amending decision whose text quotes the new wording of khoản 2 Điều 5 and repeals Điều 7.
const AMENDING: &str = r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"30/2020/QĐ-UBND","title":"Sửa đổi, bổ sung Quyết định số 12/2018/QĐ-UBND","issued_on":"2020-06-01","effective_on":"2020-06-15","text":"Điều 1. Sửa đổi, bổ sung một số điều của Quyết định số 12/2018/QĐ-UBND ngày 05 tháng 3 năm 2018 như sau:\n1. Sửa đổi, bổ sung khoản 2 Điều 5 như sau:\n“2. Ban quản lý chợ có trưởng ban và một phó trưởng ban kiêm nhiệm.”\n2. Bãi bỏ Điều 7.\nĐiều 2. Hiệu lực thi hành\nQuyết định này có hiệu lực kể từ ngày 15 tháng 6 năm 2020."}
"#;

fn effect_line(kind: &str, provisions: &str, wording: Option<&str>) -> String {
    let wording = wording
        .map(|w| format!(r#","wording":{w}"#))
        .unwrap_or_default();
    format!(
        r#"{{"kind":"effect","acting":{{"authority":"UBND-96","number":"30/2020/QĐ-UBND"}},"target":{{"authority":"UBND-96","number":"12/2018/QĐ-UBND"}},"type":"{kind}","provisions":{provisions},"effective_on":"2020-06-15"{wording}}}"#
    )
}

fn wordings(app: &TestApp) -> HashMap<(i64, String), String> {
    let mut conn = app.pool.get().unwrap();
    let mut db = conn.db();
    let ids: Vec<i64> = vanban::db::queries::all_effects(&mut db)
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    vanban::registry::wording::wordings(&mut db, &ids).unwrap()
}

fn by_key(app: &TestApp) -> HashMap<String, String> {
    wordings(app)
        .into_iter()
        .map(|((_, k), w)| (k, w))
        .collect()
}

db_test!(a_stated_wording_is_stored_and_read_by_key, |app| {
    app.import_str("b.jsonl", &format!("{BASE}{AMENDING}"))?;
    let line = effect_line(
        "amend",
        r#"["khoản 2 Điều 5","Điều 5a"]"#,
        Some(r#"{"khoản 2 Điều 5":"2. Nội dung mới\nhai dòng.","dieu-5a":"Điều 5a. Điều mới"}"#),
    );
    let r = app.import_str("e.jsonl", &line)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let w = by_key(&app);
    assert_eq!(w.len(), 2, "{w:?}");
    assert_eq!(w["dieu-5/khoan-2"], "2. Nội dung mới\nhai dòng.");
    assert_eq!(w["dieu-5a"], "Điều 5a. Điều mới");
    // The same line again changes nothing; another wording updates the effect.
    let r = app.import_str("e.jsonl", &line)?;
    assert_eq!((r.unchanged, r.updated), (1, 0));
    let changed = effect_line(
        "amend",
        r#"["khoản 2 Điều 5","Điều 5a"]"#,
        Some(r#"{"khoản 2 Điều 5":"2. Khác."}"#),
    );
    let r = app.import_str("e.jsonl", &changed)?;
    assert_eq!(r.updated, 1, "{r:?}");
    let w = by_key(&app);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w["dieu-5/khoan-2"], "2. Khác.");
    Ok(())
});

db_test!(
    the_export_writes_the_wording_and_the_round_trip_is_byte_identical,
    |app| {
        app.import_str("b.jsonl", &format!("{BASE}{AMENDING}"))?;
        let line = effect_line(
            "amend",
            r#"["Điều 5a","khoản 2 Điều 5"]"#,
            Some(r#"{"Điều 5a":"Điều 5a. “Chợ đầu mối” là chợ …","khoản 2 Điều 5":"2. Mới."}"#),
        );
        app.import_str("e.jsonl", &line)?;
        let first = app.export()?;
        let effect = first
            .lines()
            .find(|l| l.contains(r#""kind":"effect""#))
            .unwrap();
        assert!(
        effect.ends_with(
            r#""wording":{"Điều 5a":"Điều 5a. “Chợ đầu mối” là chợ …","Khoản 2 Điều 5":"2. Mới."}}"#
        ),
        "{effect}"
    );
        let again = TestApp::sqlite()?;
        let r = again.import_str("x.jsonl", &first)?;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(again.export()?, first);
        Ok(())
    }
);

db_test!(
    without_a_stated_wording_it_is_read_from_the_amending_text,
    |app| {
        app.import_str("b.jsonl", &format!("{BASE}{AMENDING}"))?;
        app.import_str(
            "e.jsonl",
            &effect_line("amend", r#"["khoản 2 Điều 5"]"#, None),
        )?;
        app.import_str("r.jsonl", &effect_line("repeal", r#"["Điều 7"]"#, None))?;
        let w = by_key(&app);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(
            w["dieu-5/khoan-2"],
            "2. Ban quản lý chợ có trưởng ban và một phó trưởng ban kiêm nhiệm."
        );
        Ok(())
    }
);

db_test!(
    the_text_of_an_amendment_naming_another_document_gives_nothing,
    |app| {
        // 08/2020/NQ-HĐND amends 15/2018/NQ-HĐND, but its text quotes no wording: nothing.
        app.import_str("f.jsonl", FIXTURE)?;
        assert!(wordings(&app).is_empty());
        let other = AMENDING.replace("12/2018/QĐ-UBND ngày", "99/2018/QĐ-UBND ngày");
        app.import_str("b.jsonl", &format!("{BASE}{other}"))?;
        app.import_str(
            "e.jsonl",
            &effect_line("amend", r#"["khoản 2 Điều 5"]"#, None),
        )?;
        assert!(by_key(&app).is_empty());
        Ok(())
    }
);

db_test!(
    a_bad_wording_is_refused_with_its_line_and_nothing_is_written,
    |app| {
        app.import_str("b.jsonl", &format!("{BASE}{AMENDING}"))?;
        let long = "x".repeat(100_001);
        let cases = [
            (
                effect_line("repeal", r#"["Điều 7"]"#, Some(r#"{"Điều 7":"Điều 7. X"}"#)),
                "chỉ dùng cho tác động sửa đổi, bổ sung",
            ),
            (
                effect_line("amend", r#"["Điều 5"]"#, Some(r#"{"phần hai":"X"}"#)),
                "không hiểu địa chỉ quy định",
            ),
            (
                effect_line(
                    "amend",
                    r#"["khoản 2 Điều 5"]"#,
                    Some(r#"{"khoản 1 Điều 5":"1. X"}"#),
                ),
                "không thuộc các quy định của tác động",
            ),
            (
                effect_line(
                    "amend",
                    r#"["khoản 2 Điều 5"]"#,
                    Some(r#"{"khoản 2 Điều 5":"  "}"#),
                ),
                "trống",
            ),
            (
                effect_line(
                    "amend",
                    r#"["khoản 2 Điều 5"]"#,
                    Some(&format!(r#"{{"khoản 2 Điều 5":"{long}"}}"#)),
                ),
                "vượt giới hạn 100000 ký tự",
            ),
        ];
        for (line, why) in cases {
            let body = format!("\n{line}\n");
            let r = app.import_str("bad.jsonl", &body)?;
            assert_eq!(r.errors.len(), 1, "{line}: {r:?}");
            assert_eq!(r.errors[0].line, 2, "{r:?}");
            assert!(r.errors[0].message.contains(why), "{}", r.errors[0].message);
            let mut conn = app.pool.get()?;
            assert!(vanban::db::queries::all_effects(&mut conn.db())?.is_empty());
            assert!(vanban::db::wording::all_wordings(&mut conn.db())?.is_empty());
        }
        Ok(())
    }
);

// The sample's amending texts quote their new wordings: every amended provision of the demo
// has one, read from the text, and `check` finds nothing to say about them.
db_test!(the_sample_amendments_give_their_wordings, |app| {
    vanban::exchange::load_sample(&app.pool).unwrap().unwrap();
    let mut conn = app.pool.get()?;
    let mut db = conn.db();
    let effects = vanban::db::queries::all_effects(&mut db)?;
    let ids: Vec<i64> = effects.iter().map(|e| e.id).collect();
    let w = vanban::registry::wording::wordings(&mut db, &ids)?;
    let mut missing = Vec::new();
    for e in &effects {
        if e.kind != "amend" {
            continue;
        }
        for k in e.provisions_stored()? {
            if !w.contains_key(&(e.id, k.clone())) {
                missing.push((e.id, k));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:?}");
    let findings = vanban::registry::check::run(&mut db)?;
    assert!(
        findings
            .iter()
            .all(|f| !f.code.code().starts_with("wording-")),
        "{findings:?}"
    );
    Ok(())
});
