//! A campaign's stored kind and filter lists are read through their types: an unknown kind or
//! a corrupt JSON list is an internal error (logged with its row), never read as a default.

use serde_json::json;

use crate::authkit::audit_len;
use crate::authkit::Client;
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};
use crate::review::{call, token};

/// Overwrites a column of campaign `cid` on the test's own connection, past the constraints.
fn plant(app: &TestApp, cid: i64, column: &str, value: &str) {
    use diesel::RunQueryDsl;
    let mut conn = app.pool.get().unwrap();
    let update = format!("UPDATE campaigns SET {column} = '{value}' WHERE id = {cid}");
    match conn.db() {
        vanban::db::Db::Sqlite(c) => {
            for q in [
                "PRAGMA ignore_check_constraints = ON",
                update.as_str(),
                "PRAGMA ignore_check_constraints = OFF",
            ] {
                diesel::sql_query(q).execute(c).unwrap();
            }
        }
        vanban::db::Db::Pg(c) => {
            for q in [
                "ALTER TABLE campaigns DROP CONSTRAINT IF EXISTS campaigns_kind_check",
                update.as_str(),
            ] {
                diesel::sql_query(q).execute(c).unwrap();
            }
        }
    }
}

/// A new campaign (not started) naming no filter; its id.
async fn new_campaign(client: &Client, manager: &str) -> i64 {
    let r = call(
        client,
        "POST",
        "/api/v1/campaigns",
        manager,
        Some(json!({"name": "Rà soát thường xuyên", "kind": "ongoing", "deadline": "2026-12-31"})),
        None,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

db_test!(
    an_unknown_stored_campaign_kind_is_an_internal_error,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, admin) = token(&app, "quantri", "admin", &[]);
        let client = Client::new(&app).await;
        let cid = new_campaign(&client, &admin).await;
        let path = format!("/api/v1/campaigns/{cid}");
        let r = call(&client, "GET", &path, &admin, None, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["campaign"]["kind"], "ongoing", "{}", r.body);

        plant(&app, cid, "kind", "dot_bat_thuong");
        let r = call(&client, "GET", &path, &admin, None, None).await;
        assert_eq!(r.status, 500, "{}", r.body);
        assert!(!r.body.contains("ongoing"), "{}", r.body);
        assert!(
            !r.body.contains("dot_bat_thuong"),
            "the value stays in the log: {}",
            r.body
        );
        // Starting it reads its kind too: refused, nothing frozen and nothing audited.
        let audit = audit_len(&app);
        let r = call(
            &client,
            "POST",
            &format!("{path}/start"),
            &admin,
            None,
            None,
        )
        .await;
        assert_eq!(r.status, 500, "{}", r.body);
        assert_eq!(audit_len(&app), audit);
        Ok(())
    }
);

db_test!(
    corrupt_stored_campaign_authorities_are_an_internal_error,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, admin) = token(&app, "quantri", "admin", &[]);
        let client = Client::new(&app).await;
        let cid = new_campaign(&client, &admin).await;
        plant(&app, cid, "authority_ids", "[1,");
        let path = format!("/api/v1/campaigns/{cid}");
        let r = call(&client, "GET", &path, &admin, None, None).await;
        assert_eq!(r.status, 500, "{}", r.body);
        // Read as "no authority named", it would have started over every authority.
        let audit = audit_len(&app);
        let r = call(
            &client,
            "POST",
            &format!("{path}/start"),
            &admin,
            None,
            None,
        )
        .await;
        assert_eq!(r.status, 500, "{}", r.body);
        assert_eq!(audit_len(&app), audit);
        Ok(())
    }
);
