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

#[test]
fn corpus_can_draw_real_sentences_deterministically() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let laws = dir.path().join("laws.json");
    std::fs::write(
        &laws,
        serde_json::json!([{"id": "x", "articles": [{"id": "1", "text": "Phạm vi\n\n1. Luật này quy định về quyền và nghĩa vụ của công dân trong lĩnh vực an ninh mạng.\n2. Cơ quan, tổ chức, cá nhân có trách nhiệm phối hợp bảo vệ an ninh mạng quốc gia."}]}]).to_string(),
    )?;
    let pool = vanban::bench::sentences_from_laws(&laws)?;
    assert_eq!(pool.len(), 2, "{pool:?}");
    let mut a = Vec::new();
    let mut b = Vec::new();
    vanban::bench::generate_with(50, 3, &pool, &mut a)?;
    vanban::bench::generate_with(50, 3, &pool, &mut b)?;
    assert_eq!(a, b);
    assert!(String::from_utf8(a)?.contains("an ninh mạng"));
    Ok(())
}
