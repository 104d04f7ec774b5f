use crate::db_test;

#[test]
fn generator_is_deterministic() -> anyhow::Result<()> {
    let mut a = Vec::new();
    let mut b = Vec::new();
    vanban::bench::generate(300, 5, &mut a)?;
    vanban::bench::generate(300, 5, &mut b)?;
    assert_eq!(a, b);
    let mut c = Vec::new();
    vanban::bench::generate(300, 6, &mut c)?;
    assert_ne!(a, c);
    Ok(())
}

db_test!(generated_corpus_imports_without_errors, |app| {
    let mut corpus = Vec::new();
    vanban::bench::generate(400, 1, &mut corpus)?;
    let r = app.import_bytes("corpus.jsonl", &corpus)?;
    assert!(
        r.errors.is_empty(),
        "{:?}",
        &r.errors[..r.errors.len().min(3)]
    );
    assert_eq!(r.documents_created, 400);
    let (_, v) = app.get_json("/api/v1/documents?per_page=1").await;
    assert_eq!(v["total"], 400);
    Ok(())
});
