//! Registry rows read strictly: a corrupt or unknown stored value (an effect's provision list,
//! an effect's kind, a unit's level) is an internal error naming its row, never a default — an
//! effect whose provisions cannot be read is not "the whole document", an effect of unknown
//! kind is not skipped, a unit of unknown level is not "some other level".

use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

/// Sets `column` of the rows of `table` matching `filter` to `value` on the test's own
/// database, bypassing the CHECK constraints that keep such a value out (as a damaged database
/// or a hand edit would). Returns the id of the (single) row changed.
fn plant(app: &TestApp, table: &str, column: &str, value: &str, filter: &str) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let mut conn = app.pool.get().unwrap();
    let update = format!("UPDATE {table} SET {column} = '{value}' WHERE {filter}");
    let select = format!("SELECT id FROM {table} WHERE {filter}");
    match conn.db() {
        vanban::db::Db::Sqlite(c) => {
            for q in [
                "PRAGMA ignore_check_constraints = ON",
                update.as_str(),
                "PRAGMA ignore_check_constraints = OFF",
            ] {
                diesel::sql_query(q).execute(c).unwrap();
            }
            let ids: Vec<Id> = diesel::sql_query(select).load(c).unwrap();
            assert_eq!(ids.len(), 1);
            ids[0].id
        }
        vanban::db::Db::Pg(c) => {
            let drop =
                format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_check");
            for q in [drop.as_str(), update.as_str()] {
                diesel::sql_query(q).execute(c).unwrap();
            }
            let ids: Vec<Id> = diesel::sql_query(select).load(c).unwrap();
            assert_eq!(ids.len(), 1);
            ids[0].id
        }
    }
}

async fn id_of(app: &TestApp, number: &str) -> i64 {
    let (status, v) = app
        .get_json(&format!(
            "/api/v1/documents?q={}",
            vanban::web::public::urlencode(number)
        ))
        .await;
    assert_eq!(status, 200, "{v}");
    let rows = v["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1, "{number}: {v}");
    rows[0]["id"].as_i64().unwrap_or_default()
}

/// The document page and its API answer 500 without showing the stored value, and the
/// export and the search rebuild stop with an error naming table, row and column.
async fn refused_everywhere(app: &TestApp, doc: i64, shown: &str, names: &str) {
    let (status, _, body) = app.get(&format!("/documents/{doc}")).await;
    assert_eq!(status, 500, "{body}");
    assert!(
        !body.contains(shown),
        "the stored value stays in the log: {body}"
    );
    let (status, v) = app.get_json(&format!("/api/v1/documents/{doc}")).await;
    assert_eq!(status, 500, "{v}");
    assert!(!v.to_string().contains(shown), "{v}");
    let e = app.export().expect_err("the export refuses a corrupt row");
    assert!(e.to_string().contains(names), "{e}");
    let e = app
        .search
        .rebuild(&app.pool)
        .expect_err("the search build refuses a corrupt row");
    assert!(e.to_string().contains(names), "{e}");
}

db_test!(
    a_corrupt_stored_provision_list_is_an_internal_error_never_the_whole_document,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let nq = id_of(&app, "15/2018/NQ-HĐND").await;
        let amending = id_of(&app, "08/2020/NQ-HĐND").await;
        let (status, v) = app.get_json(&format!("/api/v1/documents/{nq}")).await;
        assert_eq!(status, 200, "{v}");
        let row = plant(
            &app,
            "effects",
            "provisions",
            "[\"dieu-2/khoan-1\",",
            &format!("acting_id = {amending}"),
        );
        let names = format!("bảng effects, bản ghi {row}, cột provisions");
        refused_everywhere(&app, nq, "dieu-2/khoan-1\",", &names).await;
        // The acting document's page lists the effect it makes: refused the same way.
        let (status, _, _) = app.get(&format!("/documents/{amending}")).await;
        assert_eq!(status, 500);
        Ok(())
    }
);

db_test!(
    an_unknown_stored_effect_kind_is_an_internal_error_not_a_skipped_effect,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let nq = id_of(&app, "15/2018/NQ-HĐND").await;
        let replacing = id_of(&app, "05/2022/NQ-HĐND").await;
        let (status, v) = app.get_json(&format!("/api/v1/documents/{nq}")).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["status"]["code"], "het-hieu-luc-toan-bo", "{v}");
        let row = plant(
            &app,
            "effects",
            "kind",
            "abrogate",
            &format!("acting_id = {replacing}"),
        );
        let names = format!("bảng effects, bản ghi {row}, cột kind");
        refused_everywhere(&app, nq, "abrogate", &names).await;
        // The lists that filter on status load the whole graph: refused too, not a list
        // in which the replaced resolution is still in force.
        let (status, v) = app
            .get_json("/api/v1/documents?status=het-hieu-luc-toan-bo")
            .await;
        assert_eq!(status, 500, "{v}");
        Ok(())
    }
);

db_test!(
    an_unknown_stored_unit_level_is_an_internal_error_not_another_level,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let qd = id_of(&app, "12/2021/QĐ-UBND").await;
        let (status, _, body) = app.get("/units/970").await;
        assert_eq!(status, 200, "{body}");
        let row = plant(&app, "units", "level", "thon", "code = '970'");
        let names = format!("bảng units, bản ghi {row}, cột level");
        refused_everywhere(&app, qd, "thon", &names).await;
        // Not listed under no level, nor its authority under the central ones.
        for page in ["/units", "/units/970", "/authorities"] {
            let (status, _, body) = app.get(page).await;
            assert_eq!(status, 500, "{page}: {body}");
        }
        Ok(())
    }
);

db_test!(
    an_unknown_stored_authority_kind_is_an_internal_error_not_another_group,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let qd = id_of(&app, "12/2021/QĐ-UBND").await;
        let row = plant(&app, "authorities", "kind", "so_nganh", "code = 'UBND-970'");
        let names = format!("bảng authorities, bản ghi {row}, cột kind");
        refused_everywhere(&app, qd, "so_nganh", &names).await;
        let (status, _, body) = app.get("/authorities").await;
        assert_eq!(status, 500, "{body}");
        let mut conn = app.pool.get()?;
        let e = vanban::registry::check::run(&mut conn.db()).expect_err("the data check too");
        assert!(e.to_string().contains(&names), "{e}");
        Ok(())
    }
);
