//! Where a document was issued and how it was signed, stored: the `place`, `signing_capacity`
//! and `signing_for` of the JSON Lines record read, checked, exported and compared by an import
//! conflict; the document page's "Nơi ban hành" and signature block as written, and the API's;
//! the new-document form saving what it read; the edit form changing them, a bad capacity
//! refused beside its field with nothing written.

use crate::authkit::{add_user, audit_len, session, Client};
use crate::db_test;
use crate::editing::{form, get, hours, post, stored};
use crate::helpers::{TestApp, FIXTURE};
use crate::review::document_id;

/// A provincial decision signed by a vice-chair for the chair, for the committee.
const SIGNED: &str = r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"30/2023/QĐ-UBND","title":"Quy định quản lý chợ","signer":"Lê Văn Sử","signer_position":"Phó Chủ tịch","issued_on":"2023-05-02","effective_on":"2023-05-15","place":"Cà Mau","signing_for":"TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH","text":"Điều 1. Phạm vi\nQuy định này áp dụng cho các chợ."}"#;

fn signed_id(app: &TestApp) -> i64 {
    document_id(app, "UBND-96", "30/2023/QD-UBND")
}

db_test!(place_and_capacity_are_imported_exported_and_shown, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let r = app.import_str("s.jsonl", SIGNED)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let d = stored(&app, signed_id(&app));
    assert_eq!(d.place.as_deref(), Some("Cà Mau"));
    // The code is the last line's.
    assert_eq!(d.signing_capacity.as_deref(), Some("kt"));
    assert_eq!(
        d.signing_for.as_deref(),
        Some("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH")
    );

    // Exported with the code written out; the export imports back unchanged.
    let out = app.export()?;
    let line = out
        .lines()
        .find(|l| l.contains("30/2023/QĐ-UBND") && l.contains("\"document\""))
        .unwrap();
    assert!(
        line.contains(r#""place":"Cà Mau","signing_capacity":"kt","signing_for":"TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH""#),
        "{line}"
    );
    let again = app.import_str("again.jsonl", line)?;
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert_eq!(again.unchanged, 1);

    // The page: the place and the block as signed.
    let (status, _, page) = app.get(&format!("/documents/{}", signed_id(&app))).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<dt>Nơi ban hành</dt><dd>Cà Mau</dd>"),
        "{page}"
    );
    for l in [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Văn Sử",
    ] {
        assert!(
            page.contains(&format!("<span class=\"signature-line\">{l}</span>")),
            "{l}: {page}"
        );
    }
    // The API.
    let (status, _, body) = app
        .get(&format!("/api/v1/documents/{}", signed_id(&app)))
        .await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body)?;
    assert_eq!(v["doc"]["place"], "Cà Mau");
    assert_eq!(v["doc"]["signing_capacity"], "kt");
    assert_eq!(
        v["doc"]["signature"],
        serde_json::json!([
            "TM. ỦY BAN NHÂN DÂN",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "Lê Văn Sử"
        ])
    );
    // A document without them shows neither.
    let other = document_id(&app, "UBND-970", "12/2021/QD-UBND");
    let (_, _, page) = app.get(&format!("/documents/{other}")).await;
    assert!(!page.contains("Nơi ban hành"));
    assert!(!page.contains("signature-line"));
    Ok(())
});

db_test!(a_differing_place_or_capacity_is_an_import_conflict, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("s.jsonl", SIGNED)?;
    let changed = SIGNED
        .replace(r#""place":"Cà Mau""#, r#""place":"Bạc Liêu""#)
        .replace("KT. CHỦ TỊCH", "Q. CHỦ TỊCH");
    let r = app.import_str("old.jsonl", &changed)?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(
        r.errors[0].message,
        "xung đột với bản đang lưu: place, signing_capacity, signing_for"
    );
    assert_eq!(
        stored(&app, signed_id(&app)).place.as_deref(),
        Some("Cà Mau")
    );
    let r = app.import_update("old.jsonl", &changed)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let d = stored(&app, signed_id(&app));
    assert_eq!(d.place.as_deref(), Some("Bạc Liêu"));
    assert_eq!(d.signing_capacity.as_deref(), Some("q"));
    Ok(())
});

db_test!(a_bad_signing_capacity_is_refused_by_the_import, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let before = app.count_documents()?;
    for (bad, why) in [
        (
            SIGNED.replace(r#""place""#, r#""signing_capacity":"xx","place""#),
            "không hợp lệ",
        ),
        (
            SIGNED.replace(r#""place""#, r#""signing_capacity":"tm","place""#),
            "khác dòng cuối",
        ),
        (
            SIGNED.replace("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH", "CHỦ TỊCH"),
            "không bắt đầu bằng",
        ),
    ] {
        let r = app.import_str("bad.jsonl", &bad)?;
        assert_eq!(r.errors.len(), 1, "{bad}");
        assert!(
            r.errors[0].message.contains("thẩm quyền ký") && r.errors[0].message.contains(why),
            "{}",
            r.errors[0].message
        );
        assert_eq!(app.count_documents()?, before);
    }
    // The code alone is enough, and agrees with itself.
    let only = SIGNED
        .replace(r#","signing_for":"TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH""#, "")
        .replace(r#""place""#, r#""signing_capacity":"TL","place""#);
    let r = app.import_str("only.jsonl", &only)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let d = stored(&app, signed_id(&app));
    assert_eq!(d.signing_capacity.as_deref(), Some("tl"));
    assert_eq!(d.signing_for, None);
    Ok(())
});

db_test!(the_edit_form_changes_place_and_capacity, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let officer = add_user(&app, "canbo", "officer", &["32200"]);
    let s = session(&app, officer);
    let c = Client::new(&app).await;
    let id = hours(&app);
    let r = get(&c, Some(&s.0), &format!("/documents/{id}/sua")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for label in [
        r#"<label for="e-place">"#,
        r#"<label for="e-signing_capacity">"#,
        r#"<label for="e-signing_for">"#,
    ] {
        assert!(r.body.contains(label), "{label}");
    }
    let d = stored(&app, id);
    let path = format!("/documents/{id}/sua");
    let reason = (
        "reason",
        "Bổ sung nơi ban hành và thẩm quyền ký theo bản gốc",
    );

    // A line without its prefix, and a code that disagrees with the lines: refused beside
    // their fields, nothing written.
    let audit = audit_len(&app);
    for (changes, field) in [
        (
            vec![("signing_for", "CHỦ TỊCH"), reason],
            "e-signing_for-error",
        ),
        (
            vec![
                ("signing_for", "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"),
                ("signing_capacity", "tm"),
                reason,
            ],
            "e-signing_capacity-error",
        ),
    ] {
        let r = post(&c, &s, &path, form(&d, &changes)).await;
        assert_eq!(r.status, 422, "{changes:?}: {}", r.body);
        assert!(r.body.contains(&format!("id=\"{field}\"")), "{}", r.body);
        assert!(r.body.contains("Thẩm quyền ký"), "{}", r.body);
        assert_eq!(audit_len(&app), audit);
        assert_eq!(stored(&app, id).place, None);
    }

    let r = post(
        &c,
        &s,
        &path,
        form(
            &d,
            &[
                ("place", "Đầm Dơi"),
                ("signing_for", "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"),
                ("signing_capacity", "kt"),
                reason,
            ],
        ),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let after = stored(&app, id);
    assert_eq!(after.place.as_deref(), Some("Đầm Dơi"));
    assert_eq!(after.signing_capacity.as_deref(), Some("kt"));
    assert_eq!(
        after.signing_for.as_deref(),
        Some("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH")
    );
    // Audited with before and after.
    let mut conn = app.pool.get()?;
    let log = vanban::audit::history(&mut conn.db(), "document", &id.to_string())?;
    let last = log.iter().rev().find(|e| e.action == "update").unwrap();
    let a: serde_json::Value = serde_json::from_str(last.after.as_deref().unwrap())?;
    assert_eq!(a["place"], "Đầm Dơi");
    assert_eq!(a["signing_capacity"], "kt");
    drop(conn);
    // The form shows what is stored.
    let r = get(&c, Some(&s.0), &path).await;
    assert!(
        r.body.contains(r#"name="place" value="Đầm Dơi""#),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(r#"<option value="kt" selected>"#),
        "{}",
        r.body
    );
    Ok(())
});
