use crate::db_test;
use crate::helpers::FIXTURE;

fn doc_line(authority: &str, number: &str, issued: &str, effective: &str, text: &str) -> String {
    serde_json::json!({
        "kind": "document", "authority": authority, "type": "Quyết định", "number": number,
        "title": "Văn bản thử", "issued_on": issued, "effective_on": effective, "text": text,
    })
    .to_string()
}

db_test!(reimport_changes_nothing_and_round_trip_is_exact, |app| {
    let first = app.import_str("f.jsonl", FIXTURE)?;
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    assert_eq!(first.documents_created, 6);
    let before = app.export()?;
    let again = app.import_str("f.jsonl", FIXTURE)?;
    assert_eq!((again.created, again.updated), (0, 0));
    assert_eq!(again.unchanged, first.created);
    assert_eq!(app.export()?, before);

    // Export → import into an empty database → export: the same bytes.
    let other = crate::helpers::TestApp::sqlite()?;
    let r = other.import_str("export.jsonl", &before)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(other.export()?, before);
    Ok(())
});

db_test!(changed_title_updates_in_place, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let changed = FIXTURE.replace(
        "Quy chế bộ phận một cửa huyện Đầm Dơi",
        "Quy chế tổ chức bộ phận một cửa",
    );
    let r = app.import_update("f.jsonl", &changed)?;
    assert_eq!(r.updated, 1);
    assert_eq!(app.count_documents()?, 6);
    assert!(app.export()?.contains("Quy chế tổ chức bộ phận một cửa"));
    Ok(())
});

/// Imports the fixture plus `extra`; checks the report names `line` with `needle` and that the
/// database holds exactly `docs` documents afterwards.
async fn expect_error(
    app: &crate::helpers::TestApp,
    extra: &str,
    needle: &str,
    docs: i64,
) -> anyhow::Result<()> {
    let content = format!("{FIXTURE}{extra}\n");
    let line = FIXTURE.lines().count() + extra.lines().count();
    let r = app.import_str("bad.jsonl", &content)?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    let e = &r.errors[0];
    assert_eq!(e.line, line, "{e}");
    assert!(
        e.message.contains(needle),
        "expected «{needle}» in «{}»",
        e.message
    );
    assert!(e.to_string().starts_with(&format!("bad.jsonl:{line}: ")));
    assert_eq!(app.count_documents()?, docs);
    Ok(())
}

db_test!(malformed_numbers_are_refused, |app| {
    expect_error(
        &app,
        &doc_line("UBND-96", "abc", "2020-01-01", "2020-01-15", "Điều 1. A"),
        "không đúng dạng",
        6,
    )
    .await?;
    expect_error(
        &app,
        &doc_line(
            "UBND-96",
            "15/18/NQ",
            "2020-01-01",
            "2020-01-15",
            "Điều 1. A",
        ),
        "năm «18»",
        6,
    )
    .await?;
    Ok(())
});

db_test!(unknown_authority_is_refused, |app| {
    expect_error(
        &app,
        &doc_line(
            "UBND-99",
            "1/2020/QĐ-UBND",
            "2020-01-01",
            "2020-01-15",
            "Điều 1. A",
        ),
        "không tìm thấy cơ quan ban hành có mã «UBND-99»",
        6,
    )
    .await
});

db_test!(effective_before_issue_is_refused, |app| {
    expect_error(
        &app,
        &doc_line(
            "UBND-96",
            "1/2020/QĐ-UBND",
            "2020-01-10",
            "2020-01-01",
            "Điều 1. A",
        ),
        "trước ngày ban hành",
        6,
    )
    .await
});

db_test!(effect_on_missing_article_is_refused, |app| {
    let e = r#"{"kind":"effect","acting":{"authority":"HDND-96","number":"08/2020/NQ-HĐND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"repeal","provisions":["khoản 5 Điều 2"],"effective_on":"2020-07-20"}"#;
    expect_error(&app, e, "không có Khoản 5 Điều 2", 6).await?;
    let e = r#"{"kind":"effect","acting":{"authority":"HDND-96","number":"08/2020/NQ-HĐND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"repeal","provisions":["Điều 9"],"effective_on":"2020-07-20"}"#;
    expect_error(&app, e, "không có Điều 9", 6).await?;
    // Nothing of those lines was written: the amendment and replacement from the fixture only.
    let (_, v) = app.get_json("/api/v1/documents?q=15/2018/nq-hdnd").await;
    let id = v["rows"][0]["id"].as_i64().unwrap_or_default();
    let (_, page) = app.get_json(&format!("/api/v1/documents/{id}")).await;
    assert_eq!(page["effects_received"].as_array().map(Vec::len), Some(3));
    Ok(())
});

db_test!(self_repeal_is_refused, |app| {
    let e = r#"{"kind":"effect","acting":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"target":{"authority":"HDND-96","number":"15/2018/nq-hdnd"},"type":"repeal","effective_on":"2020-07-20"}"#;
    expect_error(&app, e, "không thể tác động đến chính nó", 6).await
});

db_test!(nfd_text_is_stored_as_nfc, |app| {
    use unicode_normalization::UnicodeNormalization;
    let nfd: String = FIXTURE.nfd().collect();
    assert_ne!(nfd, FIXTURE);
    let r = app.import_str("nfd.jsonl", &nfd)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let exported = app.export()?;
    assert!(unicode_normalization::is_nfc(&exported));
    assert!(exported.contains("Hội đồng nhân dân tỉnh Cà Mau"));
    assert!(exported.contains("15/2018/NQ-HĐND"));
    // And the NFC file is then a no-op.
    let again = app.import_str("nfc.jsonl", FIXTURE)?;
    assert_eq!((again.created, again.updated), (0, 0));
    Ok(())
});

db_test!(invalid_utf8_line_is_reported, |app| {
    let mut content = FIXTURE.as_bytes().to_vec();
    content.extend_from_slice(
        b"{\"kind\":\"unit\",\"code\":\"1\",\"name\":\"\xff\xfe\",\"level\":\"xa\"}\n",
    );
    content.extend_from_slice(
        doc_line(
            "UBND-96",
            "2/2020/QĐ-UBND",
            "2020-01-01",
            "2020-01-15",
            "Điều 1. A",
        )
        .as_bytes(),
    );
    let r = app.import_bytes("bad.jsonl", &content)?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].line, FIXTURE.lines().count() + 1);
    assert!(r.errors[0].message.contains("UTF-8"));
    // The line after it still went in.
    assert_eq!(app.count_documents()?, 7);
    Ok(())
});

db_test!(ten_megabyte_line_is_refused, |app| {
    let huge = "Điều 1. A\n".to_string() + &"x".repeat(10 * 1024 * 1024);
    let line = doc_line(
        "UBND-96",
        "3/2020/QĐ-UBND",
        "2020-01-01",
        "2020-01-15",
        &huge,
    );
    assert!(line.len() > 10 * 1024 * 1024);
    let content = format!(
        "{FIXTURE}{line}\n{}\n",
        doc_line(
            "UBND-96",
            "4/2020/QĐ-UBND",
            "2020-01-01",
            "2020-01-15",
            "Điều 1. B"
        )
    );
    let r = app.import_str("big.jsonl", &content)?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].line, FIXTURE.lines().count() + 1);
    assert!(r.errors[0].message.contains("vượt giới hạn"));
    assert_eq!(app.count_documents()?, 7);
    Ok(())
});

db_test!(same_number_twice_in_one_file_is_refused, |app| {
    let a = doc_line(
        "UBND-96",
        "5/2020/QĐ-UBND",
        "2020-01-01",
        "2020-01-15",
        "Điều 1. A",
    );
    let b = doc_line(
        "UBND-96",
        "5/2020/qđ-ubnd",
        "2020-01-01",
        "2020-01-15",
        "Điều 1. Khác hẳn",
    );
    let content = format!("{FIXTURE}{a}\n{b}\n");
    let r = app.import_str("dup.jsonl", &content)?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].line, FIXTURE.lines().count() + 2);
    assert!(r.errors[0]
        .message
        .contains(&format!("dòng {}", FIXTURE.lines().count() + 1)));
    assert_eq!(app.count_documents()?, 7);
    assert!(app.export()?.contains("Điều 1. A"));
    Ok(())
});

db_test!(new_document_reusing_a_number_is_refused, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let reuse = doc_line(
        "UBND-970",
        "12/2021/QĐ-UBND",
        "2021-05-01",
        "2021-05-10",
        "Điều 1. Khác",
    );
    let r = app.import_str("reuse.jsonl", &format!("{reuse}\n"))?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].line, 1);
    assert!(r.errors[0]
        .message
        .contains("đã được dùng cho văn bản khác"));
    assert!(app
        .export()?
        .contains("Quy chế bộ phận một cửa huyện Đầm Dơi"));
    Ok(())
});

db_test!(file_stopping_half_way_keeps_earlier_batches, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let mut content = String::new();
    let n = vanban::exchange::import::BATCH + 500;
    for i in 1..=n {
        content.push_str(&doc_line(
            "UBND-96",
            &format!("{i}/2023/QĐ-UBND"),
            "2023-01-02",
            "2023-01-20",
            "Điều 1. A\n1. Khoản một.",
        ));
        content.push('\n');
    }
    let cut = doc_line(
        "UBND-96",
        "9999/2023/QĐ-UBND",
        "2023-01-02",
        "2023-01-20",
        "Điều 1. A",
    );
    content.push_str(&cut[..cut.len() / 2]);
    let r = app.import_str("cut.jsonl", &content)?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].line, n + 1);
    assert!(r.errors[0].message.contains("bị cắt ngang"));
    assert_eq!(app.count_documents()?, 6 + n as i64);
    Ok(())
});

db_test!(alqac_laws_load_as_documents_with_articles, |app| {
    let dir = app.dir.path();
    std::fs::write(
        dir.join("law-metadata.csv"),
        "corpus_id,number,type,issuer,issued_on,effective_on,title\n24/2018/QH14,24/2018/QH14,Luật,Quốc hội,2018-06-12,2019-01-01,Luật An ninh mạng\n01/VBHN-VPQH,01/VBHN-VPQH,Văn bản hợp nhất,Văn phòng Quốc hội,2017-07-10,,Bộ luật Hình sự (văn bản hợp nhất)\n",
    )?;
    let laws = serde_json::json!([
        {"id": "24/2018/QH14", "articles": [
            {"id": "1", "text": "Phạm vi điều chỉnh\n\nLuật này quy định về hoạt động bảo vệ an ninh quốc gia."},
            {"id": "2", "text": "Giải thích từ ngữ\n\n1. An ninh mạng là sự bảo đảm.\n\n2. Bảo vệ an ninh mạng là phòng ngừa."}
        ]},
        {"id": "01/VBHN-VPQH", "articles": [{"id": "1", "text": "Nhiệm vụ của Bộ luật Hình sự\n\nBộ luật Hình sự có nhiệm vụ bảo vệ chủ quyền quốc gia."}]},
        {"id": "unknown law", "articles": []}
    ]);
    let path = dir.join("laws.json");
    std::fs::write(&path, laws.to_string())?;
    let r = vanban::exchange::import::import_path(&app.pool, &path, false)?;
    assert_eq!(r.documents_created, 2);
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].line, 3);
    assert!(r.errors[0].message.contains("law-metadata.csv"));
    let (_, v) = app.get_json("/api/v1/documents?q=24/2018/QH14").await;
    let id = v["rows"][0]["id"].as_i64().unwrap_or_default();
    let (status, page) = app
        .get_json(&format!("/api/v1/documents/{id}?date=2020-01-01"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["doc"]["authority_name"], "Quốc hội");
    let keys: Vec<&str> = page["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        ["dieu-1", "dieu-2", "dieu-2/khoan-1", "dieu-2/khoan-2"]
    );
    assert_eq!(page["status"]["code"], "con-hieu-luc");
    Ok(())
});

db_test!(cli_import_reports_line_numbers_and_exits_1, |app| {
    let path = app.dir.path().join("bad.jsonl");
    std::fs::write(
        &path,
        format!(
            "{FIXTURE}{}\n",
            doc_line("UBND-96", "abc", "2020-01-01", "2020-01-15", "Điều 1. A")
        ),
    )?;
    let out = app.cli(&["import", path.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("bad.jsonl:{}: ", FIXTURE.lines().count() + 1)),
        "{stderr}"
    );
    assert_eq!(app.count_documents()?, 6);
    let ok = app.cli(&["import", path.to_str().unwrap_or_default()]);
    assert!(String::from_utf8_lossy(&ok.stdout).contains("0 created, 0 updated"));
    let csv = app.cli(&["export", "--format", "csv", "--date", "2021-01-01"]);
    assert_eq!(csv.status.code(), Some(0));
    let csv = String::from_utf8_lossy(&csv.stdout);
    assert_eq!(csv.lines().count(), 7);
    assert!(csv.contains("03/2019/NQ-HĐND,Quy định phí tham quan di tích,,2019-05-02,2019-05-15,2020-12-31,Hết hiệu lực toàn bộ,2021-01-01"), "{csv}");
    Ok(())
});
