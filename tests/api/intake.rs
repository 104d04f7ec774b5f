//! `/documents/new`: a new document from its pasted text or signed file, reviewed, previewed
//! and saved through the import's write path; nothing is stored before «Lưu».

use actix_web::test::TestRequest;
use chrono::NaiveDate;

use crate::authkit::{add_user, audit_len, cookie, session, Client, Part, Resp};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

/// A decision of the Đầm Dơi district committee that replaces its 2021 one-stop regulation
/// (`12/2021/QĐ-UBND` of the fixture) from 20 March 2024.
pub const REPLACING: &str = "\
ỦY BAN NHÂN DÂN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN ĐẦM DƠI
Độc lập - Tự do - Hạnh phúc
Số: 05/2024/QĐ-UBND
Đầm Dơi, ngày 10 tháng 3 năm 2024

QUYẾT ĐỊNH
Ban hành Quy chế tổ chức và hoạt động
của bộ phận một cửa huyện Đầm Dơi

ỦY BAN NHÂN DÂN HUYỆN ĐẦM DƠI

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Quy chế tổ chức và hoạt động của bộ phận một cửa huyện Đầm Dơi.
Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực kể từ ngày 20 tháng 3 năm 2024 và thay thế Quyết định số 12/2021/QĐ-UBND ngày 01 tháng 02 năm 2021 của Ủy ban nhân dân huyện Đầm Dơi.
Điều 3. Tổ chức thực hiện
Chánh Văn phòng Ủy ban nhân dân huyện chịu trách nhiệm thi hành Quyết định này./.

Nơi nhận:
- Sở Tư pháp;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
(Đã ký)
Nguyễn Văn An
";

const OLD: &str = "12/2021/QĐ-UBND";

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A multipart body of the upload form: the token, the file, the pasted text.
pub fn multipart(csrf: Option<&str>, file: Option<(&str, &[u8])>, text: &str) -> (String, Vec<u8>) {
    let mut parts = Vec::new();
    parts.extend(csrf.map(|t| Part::Field("csrf_token", t)));
    parts.extend(file.map(|(name, bytes)| Part::File(name, bytes)));
    parts.push(Part::Field("text", text));
    (
        crate::authkit::multipart_type().1,
        crate::authkit::multipart(&parts),
    )
}

struct Officer {
    secret: String,
    csrf: String,
}

fn officer(app: &TestApp, name: &str, role: &str, scope: &[&str]) -> Officer {
    let id = add_user(app, name, role, scope);
    let (secret, csrf) = session(app, id);
    Officer { secret, csrf }
}

async fn upload(client: &Client, o: &Officer, text: &str) -> Resp {
    let (ct, body) = multipart(Some(&o.csrf), None, text);
    client
        .send(
            TestRequest::post()
                .uri("/documents/new")
                .insert_header(cookie(&o.secret))
                .insert_header(("Content-Type", ct))
                .set_payload(body),
        )
        .await
}

/// Every named input of a form page with its value (checked boxes and radios only), as the
/// browser would post it.
fn form_fields(html: &str) -> Vec<(String, String)> {
    let start = html
        .find("<form method=\"post\" action=\"/documents/new/confirm\"")
        .unwrap_or_else(|| panic!("no review form: {html}"));
    let html = &html[start..];
    let html = &html[..html.find("</form>").unwrap_or(html.len())];
    let mut out = Vec::new();
    let unescape = |s: &str| {
        s.replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#x2F;", "/")
            .replace("&amp;", "&")
    };
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = tag[at..].find('"')? + at;
        Some(unescape(&tag[at..end]))
    };
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_default();
            if let Some(n) = attr(tag, "name") {
                let checked = tag.contains(" checked");
                if !matches!(kind.as_str(), "checkbox" | "radio") || checked {
                    out.push((n, attr(tag, "value").unwrap_or_default()));
                }
            }
        } else if tag.starts_with("<textarea") {
            if let Some(n) = attr(tag, "name") {
                let body = &rest[end + 1..];
                let close = body.find("</textarea>").unwrap_or(0);
                out.push((n, unescape(&body[..close])));
            }
        } else if tag.starts_with("<select") {
            if let Some(n) = attr(tag, "name") {
                let body = &rest[end + 1..];
                let close = body.find("</select>").unwrap_or(0);
                let options = &body[..close];
                let value = options
                    .split("<option")
                    .find(|o| o.contains(" selected"))
                    .and_then(|o| {
                        attr(o, "value").or_else(|| {
                            let s = o.find('>')? + 1;
                            let e = o.find("</option>")?;
                            Some(unescape(&o[s..e]))
                        })
                    })
                    .unwrap_or_default();
                out.push((n, value));
            }
        }
        rest = &rest[1..];
    }
    out
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(k, _)| k != name);
    fields.push((name.to_string(), value.to_string()));
}

async fn confirm(client: &Client, o: &Officer, fields: &[(String, String)], action: &str) -> Resp {
    let mut fields = fields.to_vec();
    set(&mut fields, "action", action);
    set(&mut fields, "csrf_token", &o.csrf);
    client
        .send(
            TestRequest::post()
                .uri("/documents/new/confirm")
                .insert_header(cookie(&o.secret))
                .set_form(fields),
        )
        .await
}

fn doc_id(app: &TestApp, authority: &str, number: &str) -> Option<i64> {
    let mut conn = app.pool.get().unwrap();
    let r = vanban::exchange::records::DocumentRef {
        authority: authority.into(),
        number: number.into(),
    };
    vanban::exchange::preview::document_id(&mut conn.db(), &r).unwrap()
}

fn status(app: &TestApp, id: i64, on: NaiveDate) -> &'static str {
    let mut conn = app.pool.get().unwrap();
    let g = vanban::registry::status::StatusGraph::load_all(&mut conn.db()).unwrap();
    g.status(id, on).unwrap().status.label()
}

db_test!(pasted_text_is_reviewed_previewed_and_saved, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let o = officer(&app, "canbo", "officer", &["970"]);
    let client = Client::new(&app).await;
    let r = upload(&client, &o, REPLACING).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The fields with their lines, the authority matched, the target resolved.
    let fields = form_fields(&r.body);
    let get = |n: &str| {
        fields
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(get("number"), "05/2024/QĐ-UBND");
    assert_eq!(get("authority"), "UBND-970");
    assert_eq!(get("doc_type"), "Quyết định");
    assert_eq!(get("issued_on"), "2024-03-10");
    assert_eq!(get("effective_on"), "2024-03-20");
    assert_eq!(get("signer"), "Nguyễn Văn An");
    assert!(
        get("title").starts_with("Ban hành Quy chế tổ chức"),
        "{}",
        get("title")
    );
    assert!(r.body.contains("từ dòng 5 của tệp"), "number's line");
    assert_eq!(get("e0.kind"), "replace");
    assert_eq!(get("e0.target_number"), OLD);
    let old = doc_id(&app, "UBND-970", OLD).unwrap();
    assert_eq!(get("e0.target"), old.to_string());
    assert_eq!(doc_id(&app, "UBND-970", "05/2024/QĐ-UBND"), None);

    // The preview: the old document ends in whole from the effective date; nothing is kept.
    let audit = audit_len(&app);
    let p = confirm(&client, &o, &fields, "preview").await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(
        p.body.contains("Xem trước thay đổi tình trạng hiệu lực"),
        "{}",
        p.body
    );
    let row = p
        .body
        .split("<tr>")
        .find(|row| row.contains(OLD) && row.contains("Hết hiệu lực toàn bộ"))
        .unwrap_or_else(|| panic!("{}", p.body));
    assert!(row.contains("20/03/2024"), "{row}");
    assert_eq!(doc_id(&app, "UBND-970", "05/2024/QĐ-UBND"), None);
    assert_eq!(audit_len(&app), audit);

    // Saved: the new document's page, the old one ended from that date and not before.
    let s = confirm(&client, &o, &form_fields(&p.body), "save").await;
    assert_eq!(s.status, 303, "{}", s.body);
    let new = doc_id(&app, "UBND-970", "05/2024/QĐ-UBND").unwrap();
    assert_eq!(
        s.header("location").as_deref(),
        Some(format!("/documents/{new}").as_str())
    );
    assert_eq!(status(&app, old, ymd(2024, 3, 19)), "Còn hiệu lực");
    assert_eq!(status(&app, old, ymd(2024, 3, 20)), "Hết hiệu lực toàn bộ");
    assert_eq!(status(&app, new, ymd(2024, 3, 20)), "Còn hiệu lực");
    // The place and the signing capacity read from the text are stored.
    {
        let mut conn = app.pool.get()?;
        let d = vanban::db::queries::document(&mut conn.db(), new)?.unwrap();
        assert_eq!(d.place.as_deref(), Some("Đầm Dơi"));
        assert_eq!(d.signing_capacity.as_deref(), Some("tm"));
        assert_eq!(d.signing_for.as_deref(), Some("TM. ỦY BAN NHÂN DÂN"));
    }
    let page = client
        .send(TestRequest::get().uri(&format!("/documents/{new}")))
        .await;
    assert!(
        matches!(page.status, 200 | 301 | 302 | 303 | 307 | 308),
        "{}",
        page.status
    );
    let mut conn = app.pool.get()?;
    let log = vanban::audit::history(&mut conn.db(), "document", &new.to_string())?;
    assert_eq!(log[0].actor, "user:canbo");
    Ok(())
});

db_test!(several_candidates_and_a_target_not_found, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str(
        "more.jsonl",
        r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"07/2020/QĐ-UBND","title":"Quy định A","issued_on":"2020-01-02","effective_on":"2020-01-15","text":"Điều 1. A"}
{"kind":"document","authority":"UBND-32200","type":"Quyết định","number":"07/2020/QĐ-UBND","title":"Quy định B","issued_on":"2020-02-02","effective_on":"2020-02-15","text":"Điều 1. B"}
"#,
    )?;
    // The commune succeeded the district: its scope covers both.
    let o = officer(&app, "canbo", "officer", &["32200"]);
    let client = Client::new(&app).await;
    let text = REPLACING.replace(
        "và thay thế Quyết định số 12/2021/QĐ-UBND ngày 01 tháng 02 năm 2021 của Ủy ban nhân dân huyện Đầm Dơi.",
        "và thay thế Quyết định số 07/2020/QĐ-UBND.\nBãi bỏ Quyết định số 99/2019/QĐ-UBND.",
    );
    let r = upload(&client, &o, &text).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let a = doc_id(&app, "UBND-96", "07/2020/QĐ-UBND").unwrap();
    let b = doc_id(&app, "UBND-32200", "07/2020/QĐ-UBND").unwrap();
    // Two candidates offered, neither chosen.
    assert!(
        r.body
            .contains(&format!("name=\"e0.target\" value=\"{a}\"")),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains(&format!("name=\"e0.target\" value=\"{b}\"")));
    let fields = form_fields(&r.body);
    assert!(!fields.iter().any(|(k, _)| k == "e0.target"));
    // The repealed one is not in the registry.
    assert!(r
        .body
        .to_lowercase()
        .contains("không tìm thấy trong cơ sở dữ liệu"));
    // Saving as is: each effect's error beside its target, nothing stored.
    let docs = app.count_documents()?;
    let s = confirm(&client, &o, &fields, "save").await;
    assert_eq!(s.status, 422, "{}", s.body);
    assert!(s.body.contains("id=\"f-e0.target-error\""), "{}", s.body);
    assert!(s.body.contains("id=\"f-e1.target-error\""));
    assert_eq!(app.count_documents()?, docs);
    // Dropping the unknown one and choosing a candidate out of scope: 403 beside the target.
    let mut fields = fields;
    fields.retain(|(k, _)| k != "e1.include");
    set(&mut fields, "e0.target", &a.to_string());
    let s = confirm(&client, &o, &fields, "save").await;
    assert_eq!(s.status, 403, "{}", s.body);
    assert!(s.body.contains("id=\"f-e0.target-error\""), "{}", s.body);
    assert!(s.body.contains("Ngoài phạm vi"), "{}", s.body);
    assert_eq!(app.count_documents()?, docs);
    // The candidate in scope: saved.
    set(&mut fields, "e0.target", &b.to_string());
    let s = confirm(&client, &o, &fields, "save").await;
    assert_eq!(s.status, 303, "{}", s.body);
    assert_eq!(app.count_documents()?, docs + 1);
    Ok(())
});

db_test!(bad_fields_come_back_beside_their_fields, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let o = officer(&app, "canbo", "officer", &["970"]);
    let client = Client::new(&app).await;
    let r = upload(&client, &o, REPLACING).await;
    let fields = form_fields(&r.body);
    let docs = app.count_documents()?;
    let audit = audit_len(&app);
    let try_with = |name: &'static str, value: &'static str| {
        let mut f = fields.clone();
        set(&mut f, name, value);
        f
    };
    for (name, value, field) in [
        ("title", "", "title"),
        ("issued_on", "2024-13-45", "issued_on"),
        ("effective_on", "hôm qua", "effective_on"),
        // The number of another document of the same authority.
        ("number", OLD, "number"),
        ("number", "không có số", "number"),
    ] {
        let s = confirm(&client, &o, &try_with(name, value), "save").await;
        assert_eq!(s.status, 422, "{name}: {}", s.body);
        assert!(
            s.body.contains(&format!("id=\"f-{field}-error\"")),
            "{name}: {}",
            s.body
        );
        assert!(
            s.body
                .contains(&format!("aria-describedby=\"f-{field}-error"))
                || s.body.contains(&format!(" f-{field}-error\"")),
            "{name}"
        );
    }
    // An effect on a provision the target does not have: beside the provisions.
    let s = confirm(&client, &o, &try_with("e0.provisions", "Điều 9"), "save").await;
    assert_eq!(s.status, 422, "{}", s.body);
    assert!(
        s.body.contains("id=\"f-e0.provisions-error\""),
        "{}",
        s.body
    );
    // An authority outside the officer's units is not offered, and refused if posted.
    assert!(!r.body.contains("value=\"HDND-96\""));
    let s = confirm(&client, &o, &try_with("authority", "HDND-96"), "save").await;
    assert_eq!(s.status, 422, "{}", s.body);
    assert!(s.body.contains("id=\"f-authority-error\""));
    assert_eq!(app.count_documents()?, docs);
    assert_eq!(audit_len(&app), audit);
    Ok(())
});

db_test!(bad_files_are_refused_beside_the_file_field, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let o = officer(&app, "canbo", "officer", &["970"]);
    let client = Client::new(&app).await;
    let send = |file: (&'static str, Vec<u8>), text: &'static str| {
        let (ct, body) = multipart(Some(&o.csrf), Some((file.0, &file.1)), text);
        client.send(
            TestRequest::post()
                .uri("/documents/new")
                .insert_header(cookie(&o.secret))
                .insert_header(("Content-Type", ct))
                .set_payload(body),
        )
    };
    let r = send(
        (
            "a.doc",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0],
        ),
        "",
    )
    .await;
    assert_eq!(r.status, 415, "{}", r.body);
    assert!(r.body.contains("id=\"f-file-error\"") && r.body.contains("DOCX hoặc PDF"));
    let r = send(("a.docx", b"plain text pretending".to_vec()), "").await;
    assert_eq!(r.status, 415, "{}", r.body);
    let r = send(("a.docx", b"PK\x03\x04broken".to_vec()), "").await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = send(("a.pdf", vanban::originals::samples::pdf("x", true, 0)), "").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"f-file-error\""));
    // A PDF without a text layer (a scan): the note, and pasting works; the file is kept as
    // the signed copy.
    let pdf = vanban::originals::samples::pdf("", false, 0);
    let r = send(("a.pdf", pdf.clone()), "").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("không có lớp văn bản"), "{}", r.body);
    let r = send(("quyet-dinh.pdf", pdf.clone()), REPLACING).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(crate::authkit::count(&app, "document_files"), 0);
    let s = confirm(&client, &o, &form_fields(&r.body), "save").await;
    assert_eq!(s.status, 303, "{}", s.body);
    let new = doc_id(&app, "UBND-970", "05/2024/QĐ-UBND").unwrap();
    let mut conn = app.pool.get()?;
    let files = vanban::originals::list(&mut conn.db(), new)?;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "quyet-dinh.pdf");
    assert_eq!(files[0].role, vanban::originals::FileRole::Signed);
    assert_eq!(crate::authkit::count(&app, "intake_pending"), 0);
    // A PDF with a text layer is read into the review form.
    let r = send(
        (
            "a.pdf",
            vanban::originals::samples::pdf("Quyet dinh so 77", false, 0),
        ),
        "",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Quyet dinh so 77"), "{}", r.body);
    // Nothing sent at all.
    let r = upload(&client, &o, "").await;
    assert_eq!(r.status, 400, "{}", r.body);
    Ok(())
});

db_test!(
    the_forms_are_for_officers_and_administrators_with_their_token,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let o = officer(&app, "canbo", "officer", &["970"]);
        let inspector = officer(&app, "thanhtra", "inspector", &["970"]);
        let admin = officer(&app, "quantri", "admin", &[]);
        let client = Client::new(&app).await;
        let r = client.send(TestRequest::get().uri("/documents/new")).await;
        assert!(
            matches!(r.status, 302 | 303 | 401),
            "anonymous: {}",
            r.status
        );
        let r = client
            .send(
                TestRequest::get()
                    .uri("/documents/new")
                    .insert_header(cookie(&inspector.secret)),
            )
            .await;
        assert_eq!(r.status, 403);
        let r = upload(&client, &inspector, REPLACING).await;
        assert_eq!(r.status, 403);
        for who in [&o, &admin] {
            let r = client
                .send(
                    TestRequest::get()
                        .uri("/documents/new")
                        .insert_header(cookie(&who.secret)),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
            assert!(r.body.contains("name=\"csrf_token\""));
        }
        // Without the token: refused, nothing stored.
        let (ct, body) = multipart(None, None, REPLACING);
        let r = client
            .send(
                TestRequest::post()
                    .uri("/documents/new")
                    .insert_header(cookie(&o.secret))
                    .insert_header(("Content-Type", ct))
                    .set_payload(body),
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        let fields = form_fields(&upload(&client, &o, REPLACING).await.body);
        let docs = app.count_documents()?;
        let without: Vec<(String, String)> = fields
            .iter()
            .filter(|(k, _)| k != "csrf_token")
            .cloned()
            .chain([("action".to_string(), "save".to_string())])
            .collect();
        let r = client
            .send(
                TestRequest::post()
                    .uri("/documents/new/confirm")
                    .insert_header(cookie(&o.secret))
                    .set_form(without),
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(app.count_documents()?, docs);
        // An administrator may save for any authority.
        let fields = form_fields(&upload(&client, &admin, REPLACING).await.body);
        let r = confirm(&client, &admin, &fields, "save").await;
        assert_eq!(r.status, 303, "{}", r.body);
        Ok(())
    }
);

async fn effect_post(client: &Client, o: &Officer, acting: i64, fields: &[(&str, String)]) -> Resp {
    let mut f: Vec<(String, String)> = vec![("csrf_token".into(), o.csrf.clone())];
    f.extend(fields.iter().map(|(k, v)| (k.to_string(), v.clone())));
    client
        .send(
            TestRequest::post()
                .uri(&format!("/documents/{acting}/tac-dong/moi"))
                .insert_header(cookie(&o.secret))
                .set_form(f),
        )
        .await
}

db_test!(
    an_effect_is_entered_by_hand_on_an_existing_document,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str(
        "acting.jsonl",
        r#"{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"02/2023/QĐ-UBND","title":"Bãi bỏ một phần Quy chế bộ phận một cửa","issued_on":"2023-05-02","effective_on":"2023-05-15","text":"Điều 1. Bãi bỏ Điều 2 của Quy chế.\nĐiều 2. Hiệu lực\nCó hiệu lực từ ngày 15/5/2023."}"#,
    )?;
        let o = officer(&app, "canbo", "officer", &["32200"]);
        let client = Client::new(&app).await;
        let acting = doc_id(&app, "UBND-970", "02/2023/QĐ-UBND").unwrap();
        let target = doc_id(&app, "UBND-970", OLD).unwrap();
        let province = doc_id(&app, "HDND-96", "15/2018/NQ-HĐND").unwrap();
        // The acting document's page leads its officer to the form; the public sees no link.
        let first = client
            .send(TestRequest::get().uri(&format!("/documents/{acting}")))
            .await;
        let page = match first.status {
            301 | 302 | 303 | 307 | 308 => first.header("location").unwrap_or_default(),
            _ => format!("/documents/{acting}"),
        };
        let staff = client
            .send(
                TestRequest::get()
                    .uri(&page)
                    .insert_header(cookie(&o.secret)),
            )
            .await;
        assert_eq!(staff.status, 200, "{page}: {}", staff.body);
        let link = format!("href=\"/documents/{acting}/tac-dong/moi\"");
        assert!(staff.body.contains(&link), "{}", staff.body);
        let public = client.send(TestRequest::get().uri(&page)).await;
        assert_eq!(public.status, 200, "{page}: {}", public.body);
        assert!(!public.body.contains(&link), "{}", public.body);
        // The search lists candidates; choosing one shows its provisions as boxes.
        let url = format!("/documents/{acting}/tac-dong/moi?q=12%2F2021");
        let r = client
            .send(
                TestRequest::get()
                    .uri(&url)
                    .insert_header(cookie(&o.secret)),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains(&format!("target={target}")), "{}", r.body);
        let url = format!("{url}&target={target}");
        let r = client
            .send(
                TestRequest::get()
                    .uri(&url)
                    .insert_header(cookie(&o.secret)),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body.contains("name=\"provision\" value=\"dieu-2\""),
            "{}",
            r.body
        );
        assert!(r.body.contains("<fieldset class=\"provision-tree\""));
        let base = |t: i64| {
            vec![
                ("target", t.to_string()),
                ("kind", "repeal".to_string()),
                ("provision", "dieu-2".to_string()),
                ("effective_on", "2023-05-15".to_string()),
            ]
        };
        // Preview: Điều 2 ends from 15/5/2023, the document partly; nothing kept.
        let audit = audit_len(&app);
        let mut f = base(target);
        f.push(("action", "preview".into()));
        let p = effect_post(&client, &o, acting, &f).await;
        assert_eq!(p.status, 200, "{}", p.body);
        assert!(
            p.body.contains("Hết hiệu lực một phần") && p.body.contains("15/05/2023"),
            "{}",
            p.body
        );
        assert_eq!(audit_len(&app), audit);
        // A bad date and a provision the target lacks: beside their fields.
        let mut f = base(target);
        f.retain(|(k, _)| *k != "effective_on" && *k != "provision");
        f.extend([
            ("effective_on", "x".to_string()),
            ("provision", "dieu-9".to_string()),
            ("action", "save".into()),
        ]);
        let s = effect_post(&client, &o, acting, &f).await;
        assert_eq!(s.status, 422, "{}", s.body);
        assert!(s.body.contains("id=\"f-effective_on-error\""), "{}", s.body);
        // A target outside the officer's units: 403 beside the target, nothing stored.
        let mut f = base(province);
        f.retain(|(k, _)| *k != "provision");
        f.push(("action", "save".into()));
        let s = effect_post(&client, &o, acting, &f).await;
        assert_eq!(s.status, 403, "{}", s.body);
        assert!(s.body.contains("id=\"f-target-error\""), "{}", s.body);
        assert_eq!(audit_len(&app), audit);
        // Saved: the acting document's page; the target partly ended from that date.
        let mut f = base(target);
        f.push(("action", "save".into()));
        let s = effect_post(&client, &o, acting, &f).await;
        assert_eq!(s.status, 303, "{}", s.body);
        assert_eq!(
            s.header("location").as_deref(),
            Some(format!("/documents/{acting}").as_str())
        );
        assert_eq!(status(&app, target, ymd(2023, 5, 14)), "Còn hiệu lực");
        assert_eq!(
            status(&app, target, ymd(2023, 5, 15)),
            "Hết hiệu lực một phần"
        );
        // An officer of another province may not open the form of this document.
        let out = officer(&app, "baclieu", "officer", &["95"]);
        let r = client
            .send(
                TestRequest::get()
                    .uri(&format!("/documents/{acting}/tac-dong/moi"))
                    .insert_header(cookie(&out.secret)),
            )
            .await;
        assert_eq!(r.status, 403);
        let r = effect_post(&client, &out, acting, &f).await;
        assert_eq!(r.status, 403);
        Ok(())
    }
);

db_test!(a_docx_is_read_prefilled_and_kept_as_the_original, |app| {
    use sha2::Digest;
    app.import_str("f.jsonl", FIXTURE)?;
    let o = officer(&app, "canbo", "officer", &["970"]);
    let client = Client::new(&app).await;
    let docx = vanban::originals::samples::docx(REPLACING)?;
    let (ct, body) = multipart(Some(&o.csrf), Some(("quyet-dinh-05.docx", &docx)), "");
    let r = client
        .send(
            TestRequest::post()
                .uri("/documents/new")
                .insert_header(cookie(&o.secret))
                .insert_header(("Content-Type", ct))
                .set_payload(body),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let fields = form_fields(&r.body);
    let get = |n: &str| {
        fields
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(get("number"), "05/2024/QĐ-UBND");
    assert_eq!(get("effective_on"), "2024-03-20");
    assert_eq!(get("upload").len(), 64);
    // Held on the server, not on the document yet.
    assert_eq!(crate::authkit::count(&app, "intake_pending"), 1);
    assert_eq!(crate::authkit::count(&app, "document_files"), 0);
    // Another user cannot save with this hold: the save fails, nothing stored.
    let other = officer(&app, "canbo2", "officer", &["970"]);
    let s = confirm(&client, &other, &fields, "save").await;
    assert_eq!(s.status, 422, "{}", s.body);
    assert!(s.body.contains("hết hạn"), "{}", s.body);
    assert_eq!(doc_id(&app, "UBND-970", "05/2024/QĐ-UBND"), None);
    let s = confirm(&client, &o, &fields, "save").await;
    assert_eq!(s.status, 303, "{}", s.body);
    let new = doc_id(&app, "UBND-970", "05/2024/QĐ-UBND").unwrap();
    let mut conn = app.pool.get()?;
    let files = vanban::originals::list(&mut conn.db(), new)?;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].sha256, hex::encode(sha2::Sha256::digest(&docx)));
    assert_eq!(crate::authkit::count(&app, "intake_pending"), 0);
    Ok(())
});

// A decision repealing Điều 2 of fifty decisions: the preview lists each, from its date. The
// statuses of the fifty are read in one pass; the time is printed (`--nocapture`) beside the
// time of reading them one document at a time as the preview used to, not asserted.
db_test!(
    the_preview_of_a_decision_touching_fifty_documents_lists_each,
    |app| {
        let mut registry = String::from(
            r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"authority","code":"UBND-96","name":"Ủy ban nhân dân tỉnh Cà Mau","type":"ubnd","unit":"96"}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"90/2024/QĐ-UBND","title":"Bãi bỏ một số quyết định","issued_on":"2024-05-10","effective_on":"2024-06-01","text":"Điều 1. Bãi bỏ Điều 2 của các quyết định."}
"#,
        );
        let mut effects = String::new();
        for i in 1..=50 {
            registry.push_str(&format!(
                r#"{{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"{i}/2019/QĐ-UBND","title":"Quy định số {i}","issued_on":"2019-03-01","effective_on":"2019-03-15","text":"Điều 1. Phạm vi\nNội dung.\nĐiều 2. Mức thu\nNội dung."}}
"#
            ));
            effects.push_str(&format!(
                r#"{{"kind":"effect","acting":{{"authority":"UBND-96","number":"90/2024/QĐ-UBND"}},"target":{{"authority":"UBND-96","number":"{i}/2019/QĐ-UBND"}},"type":"repeal","provisions":["Điều 2"],"effective_on":"2024-06-01"}}
"#
            ));
        }
        let r = app.import_str("r.jsonl", &registry)?;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let w = vanban::exchange::write::Writer {
            actor: "user:quantri".into(),
            units: None,
            organisation: true,
            update: false,
            reason: None,
        };
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let mut runs = Vec::new();
        let mut p = None;
        for _ in 0..3 {
            let t = std::time::Instant::now();
            p = Some(vanban::exchange::preview::preview_records(
                &app.pool,
                &w,
                "tac-dong",
                effects.as_bytes(),
                today,
            )?);
            runs.push(t.elapsed());
        }
        let p = p.unwrap();
        let mut targets: Vec<i64> = p
            .changes
            .iter()
            .filter(|c| c.provision.as_deref() == Some("Điều 2"))
            .map(|c| c.document_id)
            .collect();
        targets.sort_unstable();
        targets.dedup();
        assert_eq!(targets.len(), 50, "{:#?}", p.changes);
        assert!(p
            .changes
            .iter()
            .all(|c| c.from == NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()));
        // Nothing kept.
        assert!(app
            .export()?
            .lines()
            .all(|l| !l.contains(r#""kind":"effect""#)));
        // The old way, for the printout: one walk per document, before and after.
        let ids: Vec<i64> = (1..=50)
            .map(|i| doc_id(&app, "UBND-96", &format!("{i}/2019/QĐ-UBND")).unwrap())
            .collect();
        let mut conn = app.pool.get()?;
        let t = std::time::Instant::now();
        for _ in 0..2 {
            for id in &ids {
                vanban::registry::status::StatusGraph::load_around(&mut conn.db(), *id)?;
            }
        }
        let one_by_one = t.elapsed();
        let t = std::time::Instant::now();
        for _ in 0..2 {
            vanban::registry::status::StatusGraph::load_around_all(&mut conn.db(), &ids)?;
        }
        let one_pass = t.elapsed();
        runs.sort();
        eprintln!(
            "preview of 50 effects: {:?} (median of 3); statuses read twice: one walk per document {:?}, one pass {:?}",
            runs[1], one_by_one, one_pass
        );
        Ok(())
    }
);

db_test!(
    a_docx_with_an_annex_lists_it_and_saves_it_as_a_node,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let o = officer(&app, "canbo", "officer", &["970"]);
        let client = Client::new(&app).await;
        let text = format!(
        "{REPLACING}PHỤ LỤC I\nDANH MỤC GIẤY TỜ TIẾP NHẬN TẠI BỘ PHẬN MỘT CỬA\n(Kèm theo Quyết định số 05/2024/QĐ-UBND ngày 10 tháng 3 năm 2024 của Ủy ban nhân dân huyện Đầm Dơi)\n1. Giấy đề nghị cấp phép xây dựng nhà ở riêng lẻ\n2. Bản sao giấy tờ về quyền sử dụng đất\n"
    );
        let docx = vanban::originals::samples::docx(&text)?;
        let (ct, body) = multipart(Some(&o.csrf), Some(("quyet-dinh-05.docx", &docx)), "");
        let r = client
            .send(
                TestRequest::post()
                    .uri("/documents/new")
                    .insert_header(cookie(&o.secret))
                    .insert_header(("Content-Type", ct))
                    .set_payload(body),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        // The review form lists the annex with the line it starts on (of the text read from
        // the DOCX, which has no empty paragraphs); the document's own fields and its one
        // effect are read as without it.
        assert!(r.body.contains("Phụ lục (1)"), "{}", r.body);
        assert!(
        r.body.contains(
            "<strong>Phụ lục I</strong>: DANH MỤC GIẤY TỜ TIẾP NHẬN TẠI BỘ PHẬN MỘT CỬA <span class=\"field-hint\">— từ dòng 25</span>"
        ),
        "{}",
        r.body
    );
        let fields = form_fields(&r.body);
        let get = |n: &str| {
            fields
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(get("signer"), "Nguyễn Văn An");
        assert_eq!(get("e0.kind"), "replace");
        assert_eq!(get("e1.kind"), "", "no effect read in the annex");
        assert!(get("text").contains("PHỤ LỤC I"));
        let s = confirm(&client, &o, &fields, "save").await;
        assert_eq!(s.status, 303, "{}", s.body);
        let new = doc_id(&app, "UBND-970", "05/2024/QĐ-UBND").unwrap();
        // Saved with the annex as a node of its own, shown on the document's page after the
        // articles and at its own address.
        let (status, _, page) = app.get(&format!("/documents/{new}")).await;
        assert_eq!(status, 200, "{page}");
        let annex = page
            .find(r#"id="phu-luc-I""#)
            .unwrap_or_else(|| panic!("{page}"));
        assert!(page.find(r#"id="dieu-3""#).is_some_and(|a| a < annex));
        assert!(page[annex..].contains("DANH MỤC GIẤY TỜ TIẾP NHẬN TẠI BỘ PHẬN MỘT CỬA"));
        assert!(page[annex..].contains("2. Bản sao giấy tờ về quyền sử dụng đất"));
        let (status, _, page) = app.get(&format!("/documents/{new}/phu-luc-I")).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("1. Giấy đề nghị cấp phép xây dựng nhà ở riêng lẻ"));
        Ok(())
    }
);
