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

/// The corpus of a seed is the same bytes from build to build (BENCHMARKS.md's figures were
/// measured on it): the fingerprint of `vanban-bench generate --documents 300 --seed 5`.
#[test]
fn the_corpus_of_a_seed_keeps_its_bytes_across_builds() -> anyhow::Result<()> {
    use sha2::Digest;
    let mut corpus = Vec::new();
    vanban::bench::generate(300, 5, &mut corpus)?;
    assert_eq!(corpus.len(), 1_611_786);
    assert_eq!(
        hex::encode(sha2::Sha256::digest(&corpus)),
        "15ffa40a8fbb93cc87dd7228fca4381d5a8e5b15fa4dc7c9ba8d8a4bc0281606"
    );
    Ok(())
}

// The national shape: central bodies and communes beside the provinces, every document
// imported, communes issuing only from 1 July 2025 and districts only until 30 June 2025.
db_test!(national_corpus_has_every_level_and_imports, |app| {
    let mut corpus = Vec::new();
    vanban::bench::generate_shaped(600, 2, &[], vanban::bench::Shape::National, &mut corpus)?;
    let text = String::from_utf8(corpus.clone())?;
    assert!(text.contains(r#""code":"CP""#), "no central body");
    assert_eq!(text.matches(r#""level":"xa""#).count(), 34 * 98);
    let r = app.import_bytes("national.jsonl", &corpus)?;
    assert!(
        r.errors.is_empty(),
        "{:?}",
        &r.errors[..r.errors.len().min(3)]
    );
    assert_eq!(r.documents_created, 600);
    let mut central = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        if v["kind"] != "document" {
            continue;
        }
        let authority = v["authority"].as_str().unwrap_or_default();
        let issued = v["issued_on"].as_str().unwrap_or_default();
        match authority.split_once('-').map(|(_, unit)| unit) {
            None => central += 1,
            Some(unit) if unit.contains('X') => {
                assert!(issued >= "2025-07-01", "{authority} {issued}")
            }
            Some(unit) if unit.contains('D') => {
                assert!(issued <= "2025-06-30", "{authority} {issued}")
            }
            Some(_) => {}
        }
    }
    assert!(central > 0 && central < 60, "central documents: {central}");
    // The provinces' shape keeps its bytes (no central bodies, no communes).
    let mut plain = Vec::new();
    vanban::bench::generate_shaped(300, 5, &[], vanban::bench::Shape::Provinces, &mut plain)?;
    let mut legacy = Vec::new();
    vanban::bench::generate(300, 5, &mut legacy)?;
    assert_eq!(plain, legacy);
    Ok(())
});
