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
