use crate::db_test;

db_test!(migrations_up_down_up, |app| {
    app.import_str("f.jsonl", crate::helpers::FIXTURE)?;
    assert_eq!(app.count_documents()?, 6);
    let reverted = app.pool.revert_all()?;
    assert!(reverted >= 1);
    // The tables are gone: counting fails.
    assert!(app.count_documents().is_err());
    let applied = app.pool.migrate()?;
    assert_eq!(applied, reverted);
    assert_eq!(app.count_documents()?, 0);
    let r = app.import_str("f.jsonl", crate::helpers::FIXTURE)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(app.count_documents()?, 6);
    Ok(())
});

#[test]
fn sqlite_connections_are_durable_and_checked() -> anyhow::Result<()> {
    use diesel::sql_types::{BigInt, Text};
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Flag {
        #[diesel(sql_type = BigInt)]
        v: i64,
    }
    let app = crate::helpers::TestApp::sqlite()?;
    let mut conn = app.pool.get()?;
    let vanban::db::Conn::Sqlite(c) = &mut conn else {
        anyhow::bail!("expected SQLite")
    };
    let mode: Mode = diesel::sql_query("PRAGMA journal_mode").get_result(&mut **c)?;
    assert_eq!(mode.journal_mode, "wal");
    let fk: Flag = diesel::sql_query("SELECT foreign_keys AS v FROM pragma_foreign_keys")
        .get_result(&mut **c)?;
    assert_eq!(fk.v, 1);
    let sync: Flag = diesel::sql_query("SELECT synchronous AS v FROM pragma_synchronous")
        .get_result(&mut **c)?;
    assert_eq!(sync.v, 2, "synchronous=FULL");
    let busy: Flag =
        diesel::sql_query("SELECT timeout AS v FROM pragma_busy_timeout").get_result(&mut **c)?;
    assert!(busy.v >= 5000);
    Ok(())
}

#[test]
fn backend_is_picked_from_the_url() {
    use vanban::db::Backend;
    assert_eq!(
        Backend::from_url("sqlite://vanban.sqlite3").ok(),
        Some(Backend::Sqlite("vanban.sqlite3".into()))
    );
    assert_eq!(
        Backend::from_url("sqlite:///tmp/x.db").ok(),
        Some(Backend::Sqlite("/tmp/x.db".into()))
    );
    assert!(matches!(
        Backend::from_url("postgres://u@h/db"),
        Ok(Backend::Postgres(_))
    ));
    assert!(Backend::from_url("mysql://x").is_err());
    assert!(Backend::from_url("sqlite://").is_err());
}
