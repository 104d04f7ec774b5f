//! The review tracker through its pages: creating a campaign from the form (scope, kind,
//! basis document, reorganised unit), assigning documents to officers, correcting a decided
//! record with a new version, closing a decision with its handling document, the per-officer
//! dashboard and the list filters. Every refused form: its status, its Vietnamese message, and
//! nothing written.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::authkit::{add_user, audit_len, cookie, count, session, Client, Resp};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

/// A second document of the former district, with three articles.
const DISTRICT_DOC: &str = r#"{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"05/2020/QĐ-UBND","title":"Quy định quản lý chợ trên địa bàn huyện","issued_on":"2020-05-04","effective_on":"2020-05-15","text":"Điều 1. Phạm vi\nQuy định quản lý chợ.\nĐiều 2. Phí chợ\nMức phí theo nghị quyết.\nĐiều 3. Tổ chức thực hiện\nPhòng Kinh tế thực hiện."}"#;

/// The commune's decision repealing Articles 1 and 2 of the district's market rules.
const HANDLING: &str = r#"{"kind":"document","authority":"UBND-32200","type":"Quyết định","number":"10/2025/QĐ-UBND","title":"Bãi bỏ Điều 1, Điều 2 Quyết định 05/2020/QĐ-UBND","issued_on":"2025-11-20","effective_on":"2025-12-01","text":"Điều 1. Bãi bỏ\nBãi bỏ Điều 1 và Điều 2 Quyết định số 05/2020/QĐ-UBND."}
{"kind":"effect","acting":{"authority":"UBND-32200","number":"10/2025/QĐ-UBND"},"target":{"authority":"UBND-970","number":"05/2020/QĐ-UBND"},"type":"repeal","provisions":["Điều 1","Điều 2"],"effective_on":"2025-12-01"}"#;

/// The province's committee uses the district's number too (numbers are unique per authority).
const SAME_NUMBER: &str = r#"{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"12/2021/QĐ-UBND","title":"Quy định về lưu trữ","issued_on":"2021-03-01","effective_on":"2021-03-15","text":"Điều 1. Phạm vi\nLưu trữ hồ sơ."}"#;

type Fields = Vec<(&'static str, String)>;

/// A signed-in user's browser: their session cookie and CSRF token.
struct Browser<'a> {
    client: &'a Client,
    secret: String,
    csrf: String,
}

impl<'a> Browser<'a> {
    fn new(app: &TestApp, client: &'a Client, user: i64) -> Browser<'a> {
        let (secret, csrf) = session(app, user);
        Browser {
            client,
            secret,
            csrf,
        }
    }

    async fn get(&self, path: &str) -> Resp {
        self.client
            .send(
                TestRequest::get()
                    .uri(path)
                    .insert_header(cookie(&self.secret)),
            )
            .await
    }

    /// Posts a form with its CSRF token; fields may repeat (multi-selects, checkboxes).
    async fn post(&self, path: &str, fields: Fields) -> Resp {
        let mut form: Vec<(&str, String)> = vec![("csrf_token", self.csrf.clone())];
        form.extend(fields);
        self.client
            .send(
                TestRequest::post()
                    .uri(path)
                    .insert_header(cookie(&self.secret))
                    .set_form(form),
            )
            .await
    }
}

fn document_id(app: &TestApp, authority: &str, key: &str) -> i64 {
    let mut conn = app.pool.get().unwrap();
    let a = authority_id(app, authority);
    vanban::db::queries::document_id_by_key(&mut conn.db(), a, key)
        .unwrap()
        .unwrap()
}

fn authority_id(app: &TestApp, code: &str) -> i64 {
    let mut conn = app.pool.get().unwrap();
    vanban::db::queries::authority_by_code(&mut conn.db(), code)
        .unwrap()
        .unwrap()
        .id
}

fn campaign(app: &TestApp, id: i64) -> vanban::review::campaigns::Campaign {
    let mut conn = app.pool.get().unwrap();
    vanban::review::campaigns::get(&mut conn.db(), id)
        .unwrap()
        .unwrap()
}

fn decision(app: &TestApp, id: i64) -> vanban::review::decisions::Decision {
    let mut conn = app.pool.get().unwrap();
    vanban::review::decisions::get(&mut conn.db(), id)
        .unwrap()
        .unwrap()
}

fn decisions_of(app: &TestApp, cid: i64) -> Vec<vanban::review::decisions::Decision> {
    let mut conn = app.pool.get().unwrap();
    vanban::review::decisions::of_campaign(&mut conn.db(), cid).unwrap()
}

fn assignments(app: &TestApp, cid: i64) -> Vec<(i64, Option<i64>)> {
    let mut conn = app.pool.get().unwrap();
    let mut v = vanban::review::campaigns::assignments(&mut conn.db(), cid).unwrap();
    v.sort();
    v
}

fn person(id: i64, name: &str) -> vanban::review::decisions::Person {
    vanban::review::decisions::Person {
        id,
        actor: format!("user:{name}"),
        units: None,
    }
}

/// The campaign id in a `/campaigns/{id}` redirect.
fn created(r: &Resp) -> i64 {
    assert_eq!(r.status, 303, "{}", r.body);
    r.header("location")
        .and_then(|l| l.rsplit('/').next().map(String::from))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no campaign in {:?}", r.header("location")))
}

/// A started reorganisation campaign over the former district (two documents when
/// `DISTRICT_DOC` is imported), created by `officer`.
fn started_campaign(app: &TestApp, officer: i64) -> i64 {
    let mut conn = app.pool.get().unwrap();
    conn.write(|db| -> anyhow::Result<i64> {
        let input: vanban::review::campaigns::CampaignInput = serde_json::from_value(json!({
            "name": "Rà soát sau sắp xếp", "kind": "reorganisation", "predecessor_unit": "970",
            "deadline": "2030-12-31"
        }))?;
        let cid = vanban::review::campaigns::create(
            db,
            "user:canbo",
            officer,
            &input,
            vanban::clock::now(),
        )?;
        vanban::review::campaigns::start(
            db,
            "user:canbo",
            cid,
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )?;
        Ok(cid)
    })
    .unwrap()
}

/// Proposes (as `officer`) and approves (as `approver`) a decision directly.
fn decided(
    app: &TestApp,
    cid: i64,
    (officer, approver): (i64, i64),
    proposal: serde_json::Value,
) -> i64 {
    let mut conn = app.pool.get().unwrap();
    conn.write(|db| -> anyhow::Result<i64> {
        let p: vanban::review::decisions::Proposal = serde_json::from_value(proposal)?;
        let now = vanban::clock::now();
        let did = vanban::review::decisions::propose(db, &person(officer, "canbo"), cid, &p, now)?;
        vanban::review::decisions::approve(db, &person(approver, "pheduyet"), did, None, now)?;
        Ok(did)
    })
    .unwrap()
}

db_test!(
    the_campaign_form_offers_the_registry_and_stores_the_scope,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("s.jsonl", SAME_NUMBER)?;
        let officer = add_user(&app, "canbo", "officer", &[]);
        let inspector = add_user(&app, "thanhtra", "inspector", &[]);
        let client = Client::new(&app).await;
        let b = Browser::new(&app, &client, officer);

        let page = b.get("/campaigns").await;
        assert_eq!(page.status, 200, "{}", page.body);
        for offered in [
            "Ủy ban nhân dân huyện Đầm Dơi",
            "Huyện Đầm Dơi (tỉnh Cà Mau), mã 970, đến 30/06/2025",
            "value=\"Nghị quyết\"",
            "Thủy sản",
            "Rà soát khi có căn cứ rà soát mới",
            "Rà soát khi sắp xếp đơn vị hành chính",
            "name=\"issued_from\"",
            "name=\"csrf_token\"",
        ] {
            assert!(page.body.contains(offered), "{offered}: {}", page.body);
        }
        // Scope fields are labelled: the authorities are a fieldset of checkboxes.
        assert!(page.body.contains("<legend>Cơ quan ban hành</legend>"));
        assert!(!page.body.contains("<select id=\"c-authorities\""));
        // An inspector sees the campaigns but not the form.
        let other = Browser::new(&app, &client, inspector)
            .get("/campaigns")
            .await;
        assert_eq!(other.status, 200);
        assert!(!other.body.contains("action=\"/campaigns\""));

        // A thematic campaign over two authorities, one type, one field, an issue-date range.
        let (hdnd, ubnd) = (authority_id(&app, "HDND-96"), authority_id(&app, "UBND-96"));
        let before = audit_len(&app);
        let r = b
            .post(
                "/campaigns",
                vec![
                    ("name", "Rà soát chuyên đề thủy sản".into()),
                    ("kind", "thematic".into()),
                    ("authorities", hdnd.to_string()),
                    ("authorities", ubnd.to_string()),
                    ("types", "Nghị quyết".into()),
                    ("fields", "Thủy sản".into()),
                    ("issued_from", "2018-01-01".into()),
                    ("issued_to", "31/12/2019".into()),
                    ("deadline", "2030-06-30".into()),
                ],
            )
            .await;
        let cid = created(&r);
        let c = campaign(&app, cid);
        assert_eq!(c.kind, "thematic");
        let authorities: Vec<i64> = serde_json::from_str(&c.authority_ids)?;
        assert_eq!(authorities, vec![hdnd, ubnd]);
        assert_eq!(c.doc_types, r#"["Nghị quyết"]"#);
        assert_eq!(c.fields, r#"["Thủy sản"]"#);
        assert_eq!(
            c.issued_from.map(|d| d.to_string()).as_deref(),
            Some("2018-01-01")
        );
        assert_eq!(
            c.issued_to.map(|d| d.to_string()).as_deref(),
            Some("2019-12-31")
        );
        assert_eq!(c.deadline.to_string(), "2030-06-30");
        assert_eq!(audit_len(&app), before + 1, "the creation is audited");

        // Triggered by a higher-level document picked by its number, typed loosely.
        let r = b
            .post(
                "/campaigns",
                vec![
                    ("name", "Rà soát theo căn cứ mới".into()),
                    ("kind", "higher_document".into()),
                    ("basis_number", "15/2018/nq-hdnd".into()),
                    ("deadline", "2030-06-30".into()),
                ],
            )
            .await;
        let cid = created(&r);
        assert_eq!(
            campaign(&app, cid).basis_document_id,
            Some(document_id(&app, "HDND-96", "15/2018/NQ-HDND"))
        );
        // A number two authorities use: picked with its authority.
        let r = b
            .post(
                "/campaigns",
                vec![
                    ("name", "Căn cứ dùng chung số".into()),
                    ("kind", "higher_document".into()),
                    ("basis_number", "12/2021/QĐ-UBND".into()),
                    ("basis_authority", authority_id(&app, "UBND-96").to_string()),
                    ("deadline", "2030-06-30".into()),
                ],
            )
            .await;
        let cid = created(&r);
        assert_eq!(
            campaign(&app, cid).basis_document_id,
            Some(document_id(&app, "UBND-96", "12/2021/QD-UBND"))
        );
        // The reorganisation of a unit, chosen from the registry's ended units.
        let r = b
            .post(
                "/campaigns",
                vec![
                    ("name", "Rà soát sau sắp xếp".into()),
                    ("kind", "reorganisation".into()),
                    ("predecessor_unit", "970".into()),
                    ("deadline", "2030-06-30".into()),
                ],
            )
            .await;
        let cid = created(&r);
        assert!(campaign(&app, cid).predecessor_unit_id.is_some());
        let r = b.post(&format!("/campaigns/{cid}/start"), vec![]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = b.get(&format!("/campaigns/{cid}")).await;
        assert!(page.body.contains("12/2021/QĐ-UBND"), "{}", page.body);
        Ok(())
    }
);

db_test!(
    a_refused_campaign_form_is_shown_again_and_nothing_is_written,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("s.jsonl", SAME_NUMBER)?;
        let officer = add_user(&app, "canbo", "officer", &[]);
        let client = Client::new(&app).await;
        let b = Browser::new(&app, &client, officer);
        let base = |kind: &str| -> Fields {
            vec![
                ("name", "Đợt thử nghiệm".into()),
                ("kind", kind.into()),
                ("deadline", "2030-06-30".into()),
            ]
        };
        let with = |mut f: Fields, extra: Fields| -> Fields {
            for (k, v) in extra {
                match f.iter_mut().find(|(x, _)| *x == k) {
                    Some(slot) => slot.1 = v,
                    None => f.push((k, v)),
                }
            }
            f
        };
        let cases: Vec<(&str, Fields, &str)> =
            vec![
        (
            "unknown kind",
            base("weekly"),
            "Loại đợt rà soát «weekly» không hợp lệ",
        ),
        (
            "no name",
            with(base("ongoing"), vec![("name", "  ".into())]),
            "Tên đợt rà soát cần từ 1 đến 300 ký tự",
        ),
        (
            "a control character in the name",
            with(base("ongoing"), vec![("name", "Đợt\u{0}thử".into())]),
            "«tên đợt rà soát (name)» chứa ký tự điều khiển U+0000 (NUL) ở vị trí 4",
        ),
        (
            "reorganisation without its unit",
            base("reorganisation"),
            "cần đơn vị đã sắp xếp",
        ),
        (
            "unknown unit",
            with(base("reorganisation"), vec![("predecessor_unit", "99999".into())]),
            "Không có đơn vị hành chính mã «99999»",
        ),
        (
            "triggered without its basis",
            base("higher_document"),
            "cần văn bản căn cứ",
        ),
        (
            "basis not in the registry",
            with(
                base("higher_document"),
                vec![("basis_number", "99/2024/NQ-HĐND".into())],
            ),
            "Văn bản căn cứ rà soát: không có văn bản số 99/2024/NQ-HĐND trong cơ sở dữ liệu",
        ),
        (
            "basis number of the wrong shape",
            with(
                base("higher_document"),
                vec![("basis_number", "nghị quyết mười lăm".into())],
            ),
            "không đúng dạng",
        ),
        (
            "basis number two authorities use",
            with(
                base("higher_document"),
                vec![("basis_number", "12/2021/QĐ-UBND".into())],
            ),
            "có 2 văn bản cùng số 12/2021/QĐ-UBND",
        ),
        (
            "no deadline",
            with(base("ongoing"), vec![("deadline", "".into())]),
            "Cần nhập thời hạn của đợt rà soát",
        ),
        (
            "impossible deadline",
            with(base("ongoing"), vec![("deadline", "31/02/2030".into())]),
            "Ngày «31/02/2030» không hợp lệ",
        ),
        (
            "range ending before it starts",
            with(
                base("ongoing"),
                vec![
                    ("issued_from", "2020-01-01".into()),
                    ("issued_to", "2019-01-01".into()),
                ],
            ),
            "ngày cuối trước ngày đầu",
        ),
        (
            "unknown authority",
            with(base("ongoing"), vec![("authorities", "999999".into())]),
            "Không có cơ quan ban hành số 999999",
        ),
        (
            "authority that is not a number",
            with(base("ongoing"), vec![("authorities", "UBND".into())]),
            "Cơ quan ban hành «UBND» không hợp lệ",
        ),
        (
            "unknown document type",
            with(base("ongoing"), vec![("types", "Công văn".into())]),
            "Loại văn bản «Công văn» không hợp lệ",
        ),
    ];
        let audit = audit_len(&app);
        for (what, fields, message) in cases {
            let r = b.post("/campaigns", fields).await;
            assert_eq!(r.status, 422, "{what}: {}", r.body);
            assert!(
                r.body.contains(message),
                "{what}: «{message}» in {}",
                r.body
            );
            assert!(
                r.body.contains("Chưa tạo được đợt rà soát") && r.body.contains("role=\"alert\""),
                "{what}: the error is announced"
            );
            assert!(
                r.body.contains("action=\"/campaigns\""),
                "{what}: the form is shown again"
            );
            assert_eq!(count(&app, "campaigns"), 0, "{what}: nothing written");
            assert_eq!(audit_len(&app), audit, "{what}: nothing audited");
        }
        // The form keeps what was typed.
        let r = b
            .post(
                "/campaigns",
                vec![
                    ("name", "Rà soát đất đai".into()),
                    ("kind", "higher_document".into()),
                    ("basis_number", "99/2024/NQ-HĐND".into()),
                    ("types", "Quyết định".into()),
                    ("deadline", "2030-06-30".into()),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("value=\"Rà soát đất đai\""), "{}", r.body);
        assert!(r.body.contains("value=\"99/2024/NQ-HĐND\""));
        assert!(r.body.contains("value=\"Quyết định\" checked"));
        assert!(r.body.contains("value=\"higher_document\" selected"));
        assert!(r.body.contains("value=\"2030-06-30\""));
        // Without the CSRF token: refused before anything is read.
        let r = client
            .send(
                TestRequest::post()
                    .uri("/campaigns")
                    .insert_header(cookie(&b.secret))
                    .set_form(base("ongoing")),
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(count(&app, "campaigns"), 0);
        Ok(())
    }
);

db_test!(
    documents_are_assigned_to_officers_from_the_campaign_page,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        let officer = add_user(&app, "canbo", "officer", &["32200"]);
        let officer2 = add_user(&app, "canbo2", "officer", &["32200"]);
        let approver = add_user(&app, "pheduyet", "approver", &[]);
        let inspector = add_user(&app, "thanhtra", "inspector", &[]);
        let cid = started_campaign(&app, officer);
        let markets = document_id(&app, "UBND-970", "05/2020/QD-UBND");
        let one_stop = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        let province = document_id(&app, "HDND-96", "15/2018/NQ-HDND");
        let client = Client::new(&app).await;
        // The approver manages campaigns too.
        let b = Browser::new(&app, &client, approver);
        let at = format!("/campaigns/{cid}");
        let to = format!("{at}/assignments");

        let page = b.get(&at).await;
        assert!(page.body.contains("id=\"assign-form\""), "{}", page.body);
        assert!(page.body.contains(&format!(
            "form=\"assign-form\" name=\"documents\" value=\"{markets}\""
        )));
        assert!(page.body.contains(&format!(
            "<option value=\"{officer}\">canbo (canbo)</option>"
        )));
        assert!(
            !page.body.contains("pheduyet (pheduyet)</option>"),
            "approvers are not offered"
        );

        // Refused: each with its message, nothing written.
        let audit = audit_len(&app);
        let outside = format!("Văn bản số {province} không thuộc danh sách của đợt rà soát");
        let cases: Vec<(&str, Fields, &str)> = vec![
            (
                "an approver is not an officer",
                vec![
                    ("documents", markets.to_string()),
                    ("officer", approver.to_string()),
                ],
                "không phải cán bộ pháp chế",
            ),
            (
                "a document outside the campaign",
                vec![
                    ("documents", markets.to_string()),
                    ("documents", province.to_string()),
                    ("officer", officer.to_string()),
                ],
                &outside,
            ),
            (
                "no document checked",
                vec![("officer", officer.to_string())],
                "Cần ít nhất một văn bản để phân công",
            ),
            (
                "no officer chosen",
                vec![("documents", markets.to_string()), ("officer", "".into())],
                "Cần chọn cán bộ được phân công",
            ),
            (
                "an officer that is not a number",
                vec![
                    ("documents", markets.to_string()),
                    ("officer", "canbo".into()),
                ],
                "Cán bộ «canbo» không hợp lệ",
            ),
        ];
        for (what, fields, message) in cases {
            let r = b.post(&to, fields).await;
            assert_eq!(r.status, 422, "{what}: {}", r.body);
            assert!(
                r.body.contains(message),
                "{what}: «{message}» in {}",
                r.body
            );
            assert!(
                r.body.contains("role=\"alert\"") && r.body.contains("văn bản trong phạm vi"),
                "{what}: the campaign page again, with the reason"
            );
            assert_eq!(audit_len(&app), audit, "{what}: nothing audited");
            assert!(
                assignments(&app, cid).iter().all(|(_, o)| o.is_none()),
                "{what}: nothing assigned"
            );
        }
        // An inspector may not assign.
        let r = Browser::new(&app, &client, inspector)
            .post(
                &to,
                vec![
                    ("documents", markets.to_string()),
                    ("officer", officer.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(audit_len(&app), audit);
        // No such campaign.
        let r = b
            .post(
                "/campaigns/999999/assignments",
                vec![
                    ("documents", markets.to_string()),
                    ("officer", officer.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 404, "{}", r.body);

        // Both documents to one officer, then one of them to another, then unassigned.
        let r = b
            .post(
                &to,
                vec![
                    ("documents", markets.to_string()),
                    ("documents", one_stop.to_string()),
                    ("officer", officer.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(audit_len(&app), audit + 1, "audited");
        let mut want = vec![(markets, Some(officer)), (one_stop, Some(officer))];
        want.sort();
        assert_eq!(assignments(&app, cid), want);
        let r = b
            .post(
                &to,
                vec![
                    ("documents", one_stop.to_string()),
                    ("officer", officer2.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = b.get(&format!("{at}?officer={officer2}")).await;
        assert!(page.body.contains("12/2021/QĐ-UBND") && !page.body.contains("05/2020/QĐ-UBND"));
        assert!(page.body.contains("Cán bộ được phân công: canbo2"));
        let r = b
            .post(
                &to,
                vec![
                    ("documents", one_stop.to_string()),
                    ("officer", "none".into()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = b.get(&format!("{at}?officer=none")).await;
        assert!(page.body.contains("12/2021/QĐ-UBND") && !page.body.contains("05/2020/QĐ-UBND"));
        assert!(page.body.contains("Chưa phân công"));
        Ok(())
    }
);

db_test!(
    a_correction_supersedes_the_decided_record_and_both_stay_visible,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        let officer = add_user(&app, "canbo", "officer", &["32200"]);
        let approver = add_user(&app, "pheduyet", "approver", &[]);
        let cid = started_campaign(&app, officer);
        let markets = document_id(&app, "UBND-970", "05/2020/QD-UBND");
        let one_stop = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        let kept = decided(
            &app,
            cid,
            (officer, approver),
            json!({"document_id": markets, "kind": "keep", "reason": "Còn phù hợp"}),
        );
        let other = decided(
            &app,
            cid,
            (officer, approver),
            json!({"document_id": one_stop, "kind": "keep", "reason": "Còn phù hợp"}),
        );
        let original = decision(&app, kept);
        let client = Client::new(&app).await;
        let o = Browser::new(&app, &client, officer);
        let a = Browser::new(&app, &client, approver);
        let at = format!("/campaigns/{cid}");
        let to = format!("{at}/decisions");

        let page = o.get(&at).await;
        assert!(
            page.body.contains("Đính chính / đề xuất lại"),
            "{}",
            page.body
        );
        assert!(page
            .body
            .contains(&format!("name=\"supersedes_id\" value=\"{kept}\"")));

        let correction = |supersedes: String| -> Fields {
            vec![
                ("document_id", markets.to_string()),
                ("supersedes_id", supersedes),
                ("kind", "repeal".into()),
                ("provisions", "Điều 1, Điều 2".into()),
                ("reason", "Thẩm quyền quản lý chợ chuyển về xã".into()),
            ]
        };
        // Refused corrections: of another document's decision, of something that is not a
        // number, of a decision that does not exist; nothing written.
        let audit = audit_len(&app);
        for (what, supersedes, status, message) in [
            (
                "another document's decision",
                other.to_string(),
                422,
                "Chỉ thay thế được một quyết định đã phê duyệt về cùng văn bản trong cùng đợt",
            ),
            (
                "not a number",
                "số 3".to_string(),
                422,
                "Phiên bản được đính chính «số 3» không hợp lệ",
            ),
            (
                "no such decision",
                "999999".to_string(),
                404,
                "không có quyết định số 999999",
            ),
        ] {
            let r = o.post(&to, correction(supersedes)).await;
            assert_eq!(r.status, status, "{what}: {}", r.body);
            assert!(
                r.body.contains(message),
                "{what}: «{message}» in {}",
                r.body
            );
            assert_eq!(decisions_of(&app, cid).len(), 2, "{what}: nothing written");
            assert_eq!(audit_len(&app), audit, "{what}: nothing audited");
        }

        // The correction: a new version; the decided record is untouched while it waits.
        let r = o.post(&to, correction(kept.to_string())).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let all = decisions_of(&app, cid);
        let new = all
            .iter()
            .find(|d| d.supersedes_id == Some(kept))
            .unwrap()
            .id;
        assert_eq!(
            decision(&app, kept),
            original,
            "the decided record is never edited"
        );
        // A correction still waiting cannot itself be corrected.
        let r = o.post(&to, correction(new.to_string())).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("đã phê duyệt"), "{}", r.body);
        let page = a.get(&at).await;
        assert!(
            page.body.contains(&format!("đính chính số {kept}")),
            "{}",
            page.body
        );
        assert!(page.body.contains("Chờ phê duyệt") && page.body.contains("Các phiên bản khác"));

        // Approved: the old record is marked superseded, struck through, and still shown.
        let r = a
            .post(
                &format!("/decisions/{new}/approve"),
                vec![("version", "1".into()), ("confirm", "1".into())],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let old = decision(&app, kept);
        assert_eq!(old.state.code(), "superseded");
        assert_eq!(
            (old.kind.code(), old.reason.as_str(), old.decided_by),
            ("keep", "Còn phù hợp", original.decided_by),
            "only its state changed"
        );
        let page = a.get(&at).await;
        let history = page
            .body
            .split("decision-history")
            .nth(1)
            .unwrap_or_default();
        assert!(
            history.contains(&format!("<del>Số {kept}: Giữ nguyên")),
            "{}",
            page.body
        );
        assert!(history.contains("Đã được thay bằng phiên bản mới"));
        assert!(page.body.contains("Bãi bỏ</strong> (Điều 1, Điều 2)"));
        let mut conn = app.pool.get()?;
        assert!(vanban::audit::verify(&mut conn.db())?.broken.is_none());
        Ok(())
    }
);

db_test!(
    a_decision_is_closed_from_the_page_with_its_handling_document,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        let officer = add_user(&app, "canbo", "officer", &["32200"]);
        let elsewhere = add_user(&app, "canbo.baclieu", "officer", &["95"]);
        let approver = add_user(&app, "pheduyet", "approver", &[]);
        let cid = started_campaign(&app, officer);
        let markets = document_id(&app, "UBND-970", "05/2020/QD-UBND");
        let repeal = decided(
            &app,
            cid,
            (officer, approver),
            json!({"document_id": markets, "kind": "repeal", "provisions": ["Điều 1", "Điều 2"],
               "reason": "Thẩm quyền quản lý chợ chuyển về xã"}),
        );
        let client = Client::new(&app).await;
        let o = Browser::new(&app, &client, officer);
        let at = format!("/campaigns/{cid}");
        let to = format!("/decisions/{repeal}/close");
        let page = o.get(&at).await;
        assert!(
            page.body.contains("Đóng bằng văn bản xử lý"),
            "{}",
            page.body
        );
        assert!(page.body.contains(&format!("action=\"{to}\"")));

        let audit = audit_len(&app);
        let before = decision(&app, repeal);
        let cases: Vec<(&str, Fields, u16, &str)> = vec![
            (
                "a document with no effect on the target",
                vec![
                    ("number", "12/2021/QĐ-UBND".into()),
                    ("version", "2".into()),
                ],
                422,
                "không có tác động «Bãi bỏ» đến văn bản được rà soát",
            ),
            (
                "a number not in the registry",
                vec![
                    ("number", "10/2025/QĐ-UBND".into()),
                    ("version", "2".into()),
                ],
                422,
                "Văn bản xử lý: không có văn bản số 10/2025/QĐ-UBND trong cơ sở dữ liệu",
            ),
            (
                "no number",
                vec![("number", " ".into()), ("version", "2".into())],
                422,
                "Cần số ký hiệu của văn bản xử lý",
            ),
            (
                "a number of the wrong shape",
                vec![("number", "QĐ mười".into()), ("version", "2".into())],
                422,
                "không đúng dạng",
            ),
            (
                "a stale version",
                vec![
                    ("number", "12/2021/QĐ-UBND".into()),
                    ("version", "1".into()),
                ],
                412,
                "Phiên bản 1 không còn là phiên bản hiện tại (2)",
            ),
        ];
        for (what, fields, status, message) in cases {
            let r = o.post(&to, fields).await;
            assert_eq!(r.status, status, "{what}: {}", r.body);
            assert!(
                r.body.contains(message),
                "{what}: «{message}» in {}",
                r.body
            );
            assert!(r.body.contains("role=\"alert\""), "{what}: announced");
            assert_eq!(decision(&app, repeal), before, "{what}: nothing written");
            assert_eq!(audit_len(&app), audit, "{what}: nothing audited");
        }
        // An officer whose units do not cover the document; an approver (role).
        app.import_str("h.jsonl", HANDLING)?;
        // The import is audited too: count from here.
        let audit = audit_len(&app);
        let good: Fields = vec![
            ("number", "10/2025/qđ-ubnd".into()),
            ("version", "2".into()),
        ];
        let r = Browser::new(&app, &client, elsewhere)
            .post(&to, good.clone())
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(r.body.contains("Không có quyền"));
        let r = Browser::new(&app, &client, approver)
            .post(&to, good.clone())
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(decision(&app, repeal), before);
        assert_eq!(audit_len(&app), audit);

        // With the handling document entered with its effect: a confirmation first (nothing
        // written), then closed, shown, audited.
        let r = o.post(&to, good.clone()).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("Xác nhận đóng quyết định"), "{}", r.body);
        assert_eq!(decision(&app, repeal), before);
        assert_eq!(audit_len(&app), audit);
        let mut good = good;
        good.push(("confirm", "1".into()));
        let r = o.post(&to, good).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("location").as_deref(), Some(at.as_str()));
        let d = decision(&app, repeal);
        assert_eq!(d.state.code(), "closed");
        assert_eq!(
            d.handling_document_id,
            Some(document_id(&app, "UBND-32200", "10/2025/QD-UBND"))
        );
        assert_eq!(audit_len(&app), audit + 1);
        let page = o.get(&at).await;
        assert!(
            page.body
                .contains("Văn bản xử lý: Quyết định 10/2025/QĐ-UBND"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Đã xử lý xong"));
        let closed = o.get(&format!("{at}?stage=closed")).await;
        assert!(closed.body.contains("05/2020/QĐ-UBND"), "{}", closed.body);
        let waiting = o.get(&format!("{at}?stage=waiting")).await;
        assert!(!waiting.body.contains("05/2020/QĐ-UBND"));
        Ok(())
    }
);

db_test!(
    the_campaign_page_counts_per_officer_and_filters_by_stage,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        let officer = add_user(&app, "canbo", "officer", &["32200"]);
        let approver = add_user(&app, "pheduyet", "approver", &[]);
        let cid = started_campaign(&app, officer);
        let markets = document_id(&app, "UBND-970", "05/2020/QD-UBND");
        let one_stop = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        {
            let mut conn = app.pool.get()?;
            conn.write(|db| {
                vanban::review::campaigns::assign(
                    db,
                    "user:pheduyet",
                    cid,
                    &[markets],
                    Some(officer),
                )
            })?;
        }
        let repeal = decided(
            &app,
            cid,
            (officer, approver),
            json!({"document_id": markets, "kind": "repeal", "provisions": ["Điều 2"],
               "reason": "Không còn phù hợp"}),
        );
        decided(
            &app,
            cid,
            (officer, approver),
            json!({"document_id": one_stop, "kind": "keep", "reason": "Còn phù hợp"}),
        );

        // The dashboard's rows per officer: the officer's one document, then the unassigned one.
        let dash = {
            let mut conn = app.pool.get()?;
            vanban::review::dashboard::dashboard(&mut conn.db(), cid, vanban::clock::today())?
                .unwrap()
        };
        // (officer, name, [in scope, decided, needing handling, handled])
        let rows: Vec<_> = dash
            .officers
            .iter()
            .map(|r| {
                (
                    r.officer_id,
                    r.officer.as_str(),
                    [
                        r.counts.in_scope,
                        r.counts.decided,
                        r.counts.needing_handling,
                        r.counts.handled,
                    ],
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (Some(officer), "canbo", [1, 1, 1, 0]),
                (None, "Chưa phân công", [1, 1, 0, 0])
            ]
        );

        let client = Client::new(&app).await;
        let o = Browser::new(&app, &client, officer);
        let at = format!("/campaigns/{cid}");
        let page = o.get(&at).await;
        assert!(
            page.body.contains("Theo cán bộ được phân công"),
            "{}",
            page.body
        );
        assert!(
        page.body.contains(&format!(
            "<a href=\"/campaigns/{cid}?officer={officer}\">canbo</a></th><td class=\"num\">1</td><td class=\"num\">1 ("
        )),
        "{}",
        page.body
    );
        assert!(page.body.contains("id=\"f-stage\""));

        // By handling stage: waiting for registration, then registered.
        let listed = |r: &Resp| {
            (
                r.body.contains("05/2020/QĐ-UBND"),
                r.body.contains("12/2021/QĐ-UBND"),
            )
        };
        let r = o.get(&format!("{at}?stage=waiting")).await;
        assert_eq!(r.status, 200);
        assert_eq!(listed(&r), (true, false), "{}", r.body);
        let r = o
            .post(
                &format!("/decisions/{repeal}/stages"),
                vec![
                    ("stage", "registered".into()),
                    ("date", "2026-02-01".into()),
                    ("version", "2".into()),
                    (
                        "paper",
                        "Công văn số 2170/STP-XDTHPL ngày 02/10/2025".into(),
                    ),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            listed(&o.get(&format!("{at}?stage=waiting")).await),
            (false, false)
        );
        assert_eq!(
            listed(&o.get(&format!("{at}?stage=registered")).await),
            (true, false)
        );
        assert_eq!(
            listed(&o.get(&format!("{at}?stage=appraisal")).await),
            (false, false)
        );
        // Filters combine: the officer's documents that are approved.
        let r = o
            .get(&format!(
                "{at}?officer={officer}&state=approved&stage=registered"
            ))
            .await;
        assert_eq!(listed(&r), (true, false));
        assert!(r.body.contains("value=\"registered\" selected"));
        let r = o.get(&format!("{at}?officer=none&state=approved")).await;
        assert_eq!(listed(&r), (false, true));
        Ok(())
    }
);

db_test!(
    a_decision_form_without_a_usable_version_is_refused_and_shown_again,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        app.import_str("h.jsonl", HANDLING)?;
        let officer = add_user(&app, "canbo", "officer", &["32200"]);
        let approver = add_user(&app, "pheduyet", "approver", &[]);
        let cid = started_campaign(&app, officer);
        let markets = document_id(&app, "UBND-970", "05/2020/QD-UBND");
        let one_stop = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        // Decided (version 2): stages and closing. Pending (version 1): approval and return.
        let repeal = decided(
            &app,
            cid,
            (officer, approver),
            json!({"document_id": markets, "kind": "repeal", "provisions": ["Điều 1", "Điều 2"],
               "reason": "Thẩm quyền quản lý chợ chuyển về xã"}),
        );
        let propose = || {
            let mut conn = app.pool.get().unwrap();
            conn.write(|db| -> anyhow::Result<i64> {
                let p: vanban::review::decisions::Proposal = serde_json::from_value(
                    json!({"document_id": one_stop, "kind": "keep", "reason": "Còn phù hợp"}),
                )?;
                Ok(vanban::review::decisions::propose(
                    db,
                    &person(officer, "canbo"),
                    cid,
                    &p,
                    vanban::clock::now(),
                )?)
            })
            .unwrap()
        };
        let pending = propose();
        let client = Client::new(&app).await;
        let o = Browser::new(&app, &client, officer);
        let a = Browser::new(&app, &client, approver);

        // Each form that carries a version: who sends it, where, its other fields, the
        // decision, the current version and the stale answer of today.
        let forms: Vec<(&str, &Browser, String, Fields, i64, &str, u16)> = vec![
            (
                "approve",
                &a,
                format!("/decisions/{pending}/approve"),
                vec![],
                pending,
                "1",
                412,
            ),
            (
                "return",
                &a,
                format!("/decisions/{pending}/return"),
                vec![("comment", "Chưa nêu rõ căn cứ.".into())],
                pending,
                "1",
                412,
            ),
            (
                "stage",
                &o,
                format!("/decisions/{repeal}/stages"),
                vec![
                    ("stage", "registered".into()),
                    ("date", "2026-02-01".into()),
                    ("paper", "Công văn số 2170/STP-XDTHPL".into()),
                ],
                repeal,
                "2",
                412,
            ),
            (
                "close",
                &o,
                format!("/decisions/{repeal}/close"),
                vec![("number", "10/2025/QĐ-UBND".into())],
                repeal,
                "2",
                412,
            ),
        ];
        let missing = "Biểu mẫu thiếu phiên bản của quyết định";
        let garbled = "Phiên bản của quyết định gửi kèm biểu mẫu không hợp lệ (phải là một số)";
        for (form, who, to, fields, id, current, stale_status) in &forms {
            let page = who.get(&format!("/campaigns/{cid}")).await;
            assert!(
                page.body.contains(&format!("action=\"{to}\""))
                    && page
                        .body
                        .contains(&format!("name=\"version\" value=\"{current}\"")),
                "{form}: the page's form sends the version: {}",
                page.body
            );
            let before = decision(&app, *id);
            let audit = audit_len(&app);
            for (what, version, message) in [
                ("no version", None, missing),
                ("an empty version", Some(""), missing),
                ("blanks", Some("  "), missing),
                ("letters", Some("abc"), garbled),
                ("a fraction", Some("1.5"), garbled),
                ("too large", Some("99999999999"), garbled),
            ] {
                let mut sent = fields.clone();
                if let Some(v) = version {
                    sent.push(("version", v.to_string()));
                }
                let r = who.post(to, sent).await;
                assert_eq!(r.status, 400, "{form}, {what}: {}", r.body);
                assert!(r.body.contains(message), "{form}, {what}: {}", r.body);
                assert!(
                    r.body.contains("id=\"page-error\"") && r.body.contains("role=\"alert\""),
                    "{form}, {what}: shown in the page's error area: {}",
                    r.body
                );
                assert!(
                    r.body.contains("Rà soát sau sắp xếp"),
                    "{form}, {what}: the campaign page again: {}",
                    r.body
                );
                assert_eq!(
                    decision(&app, *id),
                    before,
                    "{form}, {what}: nothing written"
                );
                assert_eq!(audit_len(&app), audit, "{form}, {what}: nothing audited");
            }
            // A stale version answers as it did (the error page; the campaign page for closing).
            let mut sent = fields.clone();
            sent.push(("version", "0".into()));
            let r = who.post(to, sent).await;
            assert_eq!(r.status, *stale_status, "{form}, stale: {}", r.body);
            assert!(
                r.body.contains(&format!(
                    "hiên bản 0 không còn là phiên bản hiện tại ({current})"
                )),
                "{form}, stale: {}",
                r.body
            );
            assert_eq!(
                decision(&app, *id),
                before,
                "{form}, stale: nothing written"
            );
            assert_eq!(audit_len(&app), audit, "{form}, stale: nothing audited");
        }
        // A decision that does not exist is still a 404, with or without a version.
        let r = a.post("/decisions/999999/approve", vec![]).await;
        assert_eq!(r.status, 404, "{}", r.body);

        // The current version: each form works as before.
        let audit = audit_len(&app);
        let r = a
            .post(
                &format!("/decisions/{pending}/return"),
                vec![
                    ("comment", "Chưa nêu rõ căn cứ.".into()),
                    ("version", "1".into()),
                    ("confirm", "1".into()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(decision(&app, pending).state.code(), "returned");
        let again = propose();
        let r = a
            .post(
                &format!("/decisions/{again}/approve"),
                vec![("version", " 1 ".into()), ("confirm", "1".into())],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(decision(&app, again).state.code(), "approved");
        let r = o
            .post(
                &format!("/decisions/{repeal}/stages"),
                vec![
                    ("stage", "registered".into()),
                    ("date", "2026-02-01".into()),
                    ("paper", "Công văn số 2170/STP-XDTHPL".into()),
                    ("version", "2".into()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(decision(&app, repeal).version, 3);
        let r = o
            .post(
                &format!("/decisions/{repeal}/close"),
                vec![
                    ("number", "10/2025/QĐ-UBND".into()),
                    ("version", "3".into()),
                    ("confirm", "1".into()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(decision(&app, repeal).state.code(), "closed");
        assert!(audit_len(&app) > audit, "the accepted forms are audited");
        Ok(())
    }
);

db_test!(
    non_numeric_ids_in_the_review_pages_answer_404_and_a_garbled_page_shows_the_first,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        let officer = add_user(&app, "canbo", "officer", &["32200"]);
        let approver = add_user(&app, "pheduyet", "approver", &[]);
        let cid = started_campaign(&app, officer);
        let client = Client::new(&app).await;
        let o = Browser::new(&app, &client, officer);
        let a = Browser::new(&app, &client, approver);
        let audit = audit_len(&app);
        for (who, path) in [
            (&a, "/decisions/abc/approve"),
            (&a, "/decisions/1x/return"),
            (&o, "/decisions/x/stages"),
            (&o, "/decisions/x/close"),
            (&o, "/campaigns/abc/decisions"),
            (&o, "/campaigns/abc/assignments"),
        ] {
            let r = who.post(path, vec![("version", "1".into())]).await;
            assert_eq!(r.status, 404, "{path}: {}", r.body);
            assert!(r.body.contains("mã số «"), "{path}: {}", r.body);
        }
        let r = o.get("/campaigns/abc/register.csv").await;
        assert_eq!(r.status, 404, "{}", r.body);
        assert!(
            r.body.contains("Không có đợt rà soát mã số «abc»."),
            "{}",
            r.body
        );
        let r = o.get(&format!("/campaigns/{cid}/register.pdf")).await;
        assert_eq!(r.status, 404, "{}", r.body);
        // A page number that is not one shows the first page, as before.
        let r = o.get(&format!("/campaigns/{cid}?page=abc")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(audit_len(&app), audit, "nothing written");
        Ok(())
    }
);

db_test!(
    a_corrupt_stored_field_list_fails_the_campaign_form_instead_of_hiding_the_field,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let officer = add_user(&app, "canbo", "officer", &[]);
        let client = Client::new(&app).await;
        let b = Browser::new(&app, &client, officer);
        let page = b.get("/campaigns").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Thủy sản"), "{}", page.body);
        {
            use diesel::RunQueryDsl;
            let mut conn = app.pool.get()?;
            vanban::with_db!(&mut conn.db(), c => diesel::sql_query(
                "UPDATE documents SET fields = '[\"Thủy sản\",' WHERE fields LIKE '%Thủy sản%'"
            )
            .execute(c))?;
        }
        let page = b.get("/campaigns").await;
        assert_eq!(page.status, 500, "{}", page.body);
        // The stored text is not shown to the reader.
        assert!(!page.body.contains("[\""), "{}", page.body);
        Ok(())
    }
);

db_test!(
    approve_return_and_close_ask_for_confirmation_and_refusals_stay_beside_the_form,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str("d.jsonl", DISTRICT_DOC)?;
        app.import_str("h.jsonl", HANDLING)?;
        let officer = add_user(&app, "canbo", "officer", &["32200"]);
        let approver = add_user(&app, "pheduyet", "approver", &[]);
        let cid = started_campaign(&app, officer);
        let markets = document_id(&app, "UBND-970", "05/2020/QD-UBND");
        let one_stop = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        let repeal = decided(
            &app,
            cid,
            (officer, approver),
            json!({"document_id": markets, "kind": "repeal", "provisions": ["Điều 1", "Điều 2"],
               "reason": "Thẩm quyền quản lý chợ chuyển về xã"}),
        );
        let propose = || {
            let mut conn = app.pool.get().unwrap();
            conn.write(|db| -> anyhow::Result<i64> {
                let p: vanban::review::decisions::Proposal = serde_json::from_value(
                    json!({"document_id": one_stop, "kind": "keep", "reason": "Còn phù hợp"}),
                )?;
                Ok(vanban::review::decisions::propose(
                    db,
                    &person(officer, "canbo"),
                    cid,
                    &p,
                    vanban::clock::now(),
                )?)
            })
            .unwrap()
        };
        let pending = propose();
        let client = Client::new(&app).await;
        let o = Browser::new(&app, &client, officer);
        let a = Browser::new(&app, &client, approver);

        // The page: the comment is a textarea; "Trả lại" looks unlike "Phê duyệt".
        let page = a.get(&format!("/campaigns/{cid}")).await;
        assert!(
            page.body
                .contains(&format!("<textarea id=\"cm-{pending}\" name=\"comment\"")),
            "{}",
            page.body
        );
        assert!(page
            .body
            .contains("<button type=\"submit\" class=\"button-danger\">Trả lại</button>"));

        // Returned without a comment (blank or none): the campaign page again, the message
        // beside the comment field, nothing written, whether confirmed or not.
        let before = decision(&app, pending);
        let audit = audit_len(&app);
        for fields in [
            vec![("version", "1".to_string()), ("comment", "  ".to_string())],
            vec![("version", "1".to_string()), ("confirm", "1".to_string())],
        ] {
            let r = a
                .post(&format!("/decisions/{pending}/return"), fields)
                .await;
            assert_eq!(r.status, 422, "{}", r.body);
            assert!(!r.body.contains("Lỗi 422"), "{}", r.body);
            assert!(r.body.contains("Rà soát sau sắp xếp"), "{}", r.body);
            let beside = format!(
                "<p class=\"field-error\" id=\"cm-err-{pending}\">Cần ghi ý kiến khi trả lại"
            );
            assert!(r.body.contains(&beside), "{}", r.body);
            assert_eq!(decision(&app, pending), before);
            assert_eq!(audit_len(&app), audit);
        }

        // Returned with a comment: first the confirmation, which names it and writes nothing.
        let comment = "Chưa nêu rõ căn cứ <pháp lý>.";
        let r = a
            .post(
                &format!("/decisions/{pending}/return"),
                vec![("version", "1".into()), ("comment", comment.into())],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("<h1>Xác nhận trả lại</h1>"), "{}", r.body);
        assert!(r.body.contains("Chưa nêu rõ căn cứ &lt;pháp lý&gt;."));
        assert!(r.body.contains("name=\"confirm\" value=\"1\""));
        assert!(r.body.contains(">Xác nhận</button>") && r.body.contains(">Quay lại</a>"));
        assert!(r.body.contains(&format!("href=\"/campaigns/{cid}\"")));
        assert_eq!(
            decision(&app, pending),
            before,
            "not written before confirming"
        );
        assert_eq!(audit_len(&app), audit);
        // A stale version is refused at once, beside the form, before any confirmation.
        let r = a
            .post(
                &format!("/decisions/{pending}/return"),
                vec![("version", "0".into()), ("comment", comment.into())],
            )
            .await;
        assert_eq!(r.status, 412, "{}", r.body);
        assert!(r.body.contains(&format!("id=\"cm-err-{pending}\"")));
        assert!(r
            .body
            .contains("Chưa nêu rõ căn cứ &lt;pháp lý&gt;.</textarea>"));
        // Confirmed: returned.
        let r = a
            .post(
                &format!("/decisions/{pending}/return"),
                vec![
                    ("version", "1".into()),
                    ("comment", comment.into()),
                    ("confirm", "1".into()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(decision(&app, pending).state.code(), "returned");
        assert_eq!(decision(&app, pending).comment.as_deref(), Some(comment));

        // Approval: confirmation first, then approved.
        let again = propose();
        let before = decision(&app, again);
        let audit = audit_len(&app);
        let to = format!("/decisions/{again}/approve");
        let r = a.post(&to, vec![("version", "1".into())]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("<h1>Xác nhận phê duyệt</h1>"), "{}", r.body);
        assert!(r.body.contains(&format!("action=\"{to}\"")));
        assert_eq!(decision(&app, again), before);
        assert_eq!(audit_len(&app), audit);
        // The proposer cannot approve their own (the rule), refused before confirming.
        let r = Browser::new(&app, &client, officer)
            .post(&to, vec![("version", "1".into())])
            .await;
        assert_eq!(
            r.status, 403,
            "guard: an officer does not approve: {}",
            r.body
        );
        let r = a
            .post(&to, vec![("version", "1".into()), ("confirm", "1".into())])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(decision(&app, again).state.code(), "approved");

        // Closing: a number not in the registry is refused beside the field, what was typed
        // kept; the right one asks first, then closes.
        let to = format!("/decisions/{repeal}/close");
        let before = decision(&app, repeal);
        let audit = audit_len(&app);
        let r = o
            .post(
                &to,
                vec![
                    ("version", "2".into()),
                    ("number", "99/2025/QĐ-UBND".into()),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains(&format!("id=\"ch-err-{repeal}\"")),
            "{}",
            r.body
        );
        assert!(r.body.contains("value=\"99/2025/QĐ-UBND\""), "{}", r.body);
        let r = o
            .post(
                &to,
                vec![
                    ("version", "2".into()),
                    ("number", "10/2025/QĐ-UBND".into()),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("<h1>Xác nhận đóng quyết định</h1>"));
        assert!(r.body.contains("văn bản xử lý số 10/2025/QĐ-UBND"));
        assert_eq!(decision(&app, repeal), before);
        assert_eq!(audit_len(&app), audit);
        let r = o
            .post(
                &to,
                vec![
                    ("version", "2".into()),
                    ("number", "10/2025/QĐ-UBND".into()),
                    ("confirm", "1".into()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(decision(&app, repeal).state.code(), "closed");

        // A refused proposal: the reason typed is kept in its textarea, the message beside it.
        let r = o
            .post(
                &format!("/campaigns/{cid}/decisions"),
                vec![
                    ("document_id", one_stop.to_string()),
                    ("kind", "no-such-kind".into()),
                    ("reason", "Lý do đã gõ".into()),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Lý do đã gõ</textarea>"), "{}", r.body);
        assert!(
            r.body.contains(&format!("id=\"r-err-{one_stop}\"")),
            "{}",
            r.body
        );
        Ok(())
    }
);
