//! `vanban check` on the new wordings of amendments: an instruction whose wording cannot be
//! read, and a stated wording for a provision the target does not have (warnings, citing the
//! articles on amendment).

use vanban::registry::check::{Finding, Severity};

use crate::db_test;
use crate::helpers::TestApp;

const BASE: &str = r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"authority","code":"UBND-96","name":"Ủy ban nhân dân tỉnh Cà Mau","type":"ubnd","unit":"96"}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"12/2018/QĐ-UBND","title":"Quy định quản lý chợ","issued_on":"2018-03-05","effective_on":"2018-03-20","text":"Điều 5. Ban quản lý chợ\n1. Ban quản lý chợ do Ủy ban nhân dân cấp huyện thành lập.\n2. Ban quản lý chợ có trưởng ban và hai phó trưởng ban.\nĐiều 7. Phí chợ\nMức thu phí chợ theo quy định."}
"#;

fn amending(text: &str) -> String {
    format!(
        r#"{{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"30/2020/QĐ-UBND","title":"Sửa đổi Quyết định số 12/2018/QĐ-UBND","issued_on":"2020-06-01","effective_on":"2020-06-15","text":{}}}
{{"kind":"effect","acting":{{"authority":"UBND-96","number":"30/2020/QĐ-UBND"}},"target":{{"authority":"UBND-96","number":"12/2018/QĐ-UBND"}},"type":"amend","provisions":["khoản 2 Điều 5"],"effective_on":"2020-06-15"}}
"#,
        serde_json::Value::String(text.into())
    )
}

fn wording_findings(app: &TestApp) -> Vec<Finding> {
    let mut conn = app.pool.get().unwrap();
    vanban::registry::check::run(&mut conn.db())
        .unwrap()
        .into_iter()
        .filter(|f| f.code.code().starts_with("wording-"))
        .collect()
}

db_test!(
    an_amendment_whose_wording_is_not_quoted_is_a_warning_naming_the_line,
    |app| {
        let text = "Điều 1. Sửa đổi Quyết định số 12/2018/QĐ-UBND như sau:\n1. Sửa đổi khoản 2 Điều 5 như sau:\n2. Ban quản lý chợ có trưởng ban.\nĐiều 2. Hiệu lực thi hành";
        app.import_str("b.jsonl", &format!("{BASE}{}", amending(text)))?;
        let f = wording_findings(&app);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].code, "wording-unreadable");
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(f[0].message.contains("dòng 2"), "{}", f[0].message);
        assert!(f[0].message.contains("Khoản 2 Điều 5"), "{}", f[0].message);
        assert!(f[0].article.contains("Điều 154") && f[0].article.contains("Điều 57"));
        Ok(())
    }
);

db_test!(a_quoted_wording_or_no_instruction_is_no_finding, |app| {
    let quoted = "Sửa đổi khoản 2 Điều 5 như sau:\n“2. Ban quản lý chợ có trưởng ban.”";
    app.import_str("b.jsonl", &format!("{BASE}{}", amending(quoted)))?;
    assert!(wording_findings(&app).is_empty());
    let silent = "Điều 1. Nội dung sửa đổi theo phụ lục đính kèm.";
    app.import_str("c.jsonl", &amending(silent))?;
    assert!(wording_findings(&app).is_empty());
    Ok(())
});

db_test!(
    a_stated_wording_for_a_provision_the_target_lacks_is_a_warning,
    |app| {
        app.import_str(
            "b.jsonl",
            &format!("{BASE}{}", amending("Điều 1. Sửa đổi.")),
        )?;
        let mut conn = app.pool.get()?;
        let mut db = conn.db();
        let e = vanban::db::queries::all_effects(&mut db)?[0].id;
        let row = |key: &str| vanban::db::wording::WordingRow {
            effect_id: e,
            provision: key.into(),
            position: 0,
            wording: "1. Mới.".into(),
        };
        // Added inside an article it has: an addition, no finding.
        vanban::db::wording::replace_wordings(&mut db, e, &[row("dieu-5/khoan-3")])?;
        drop(conn);
        assert!(wording_findings(&app).is_empty());
        let mut conn = app.pool.get()?;
        vanban::db::wording::replace_wordings(&mut conn.db(), e, &[row("dieu-9/khoan-1")])?;
        drop(conn);
        let f = wording_findings(&app);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].code, "wording-missing-provision");
        assert!(f[0].message.contains("Khoản 1 Điều 9"), "{}", f[0].message);
        Ok(())
    }
);
