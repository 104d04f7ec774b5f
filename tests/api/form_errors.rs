//! Every staff form of the pages, sent with bad input — a required field empty, letters in a
//! number or date, a value out of range or too long, a choice not in the list, a garbled body
//! (a field sent twice, `%%%&&==`, a form with a file sent as a plain form) — answers a
//! Vietnamese page in the site's layout: the form again with the reason (400/403/422), or the
//! error page with a link back to the form; never a bare error, and nothing written (no record,
//! no audit entry).

use actix_web::test::TestRequest;

use crate::authkit::{add_user, audit_len, cookie, count, Client, Resp};
use crate::db_test;
use crate::helpers::TestApp;
use crate::inspections::{setup, Browser};

/// The tables a staff form writes to, and the audit trail: what a refused form leaves as it was.
const TABLES: &[&str] = &[
    "documents",
    "effects",
    "withdrawals",
    "corrections",
    "procedure_versions",
    "postings",
    "dossier_counts",
    "unit_contacts",
    "inspections",
    "campaigns",
    "decisions",
    "decision_stages",
    "annual_list_publications",
    "users",
    "user_scopes",
    "api_tokens",
    "document_files",
    "procedure_forms",
    "intake_pending",
];

fn written(app: &TestApp) -> Vec<i64> {
    let mut v: Vec<i64> = TABLES.iter().map(|t| count(app, t)).collect();
    v.push(audit_len(app));
    v
}

/// Who sends the form.
#[derive(Debug, Clone, Copy)]
enum Who {
    Admin,
    Officer,
    Approver,
    Inspector,
}

/// How the body is sent (the CSRF token always goes first, as the pages send it).
#[derive(Debug, Clone)]
enum Body {
    /// URL-encoded fields.
    Fields(Vec<(&'static str, String)>),
    /// A raw URL-encoded body after `csrf_token=…&`.
    Raw(&'static str),
}

/// One bad form: what it is, who sends it where, the statuses accepted, and words the page
/// must say.
struct Probe {
    what: &'static str,
    who: Who,
    path: String,
    body: Body,
    status: &'static [u16],
    says: &'static str,
    /// The page the form is on, sent as the browser sends it (`Referer`), for forms posted
    /// to an address that is no page.
    from: Option<String>,
}

impl Probe {
    fn from(mut self, page: impl Into<String>) -> Probe {
        self.from = Some(page.into());
        self
    }
}

fn probe(
    what: &'static str,
    who: Who,
    path: impl Into<String>,
    body: Body,
    status: &'static [u16],
    says: &'static str,
) -> Probe {
    Probe {
        what,
        who,
        path: path.into(),
        body,
        status,
        says,
        from: None,
    }
}

fn fields(pairs: &[(&'static str, &str)]) -> Body {
    Body::Fields(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn send(b: &Browser<'_>, p: &Probe) -> Resp {
    let body = match &p.body {
        Body::Fields(f) => {
            let mut s = format!("csrf_token={}", encode(&b.csrf));
            for (k, v) in f {
                s.push('&');
                s.push_str(k);
                s.push('=');
                s.push_str(&encode(v));
            }
            s
        }
        Body::Raw(raw) => format!("csrf_token={}&{raw}", encode(&b.csrf)),
    };
    let mut req = TestRequest::post().uri(&p.path);
    if let Some(page) = &p.from {
        req = req.insert_header(("Referer", format!("http://localhost:8080{page}")));
    }
    b.client
        .send(
            req.insert_header(cookie(&b.secret))
                .insert_header(("X-CSRF-Token", b.csrf.as_str()))
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload(body),
        )
        .await
}

/// The page is the site's: its layout, in Vietnamese, not a bare refusal.
fn check_page(p: &Probe, r: &Resp) -> Result<(), String> {
    let mut why = Vec::new();
    if !p.status.contains(&r.status) {
        why.push(format!("status {} not in {:?}", r.status, p.status));
    }
    let ct = r.header("content-type").unwrap_or_default();
    if !ct.starts_with("text/html") {
        why.push(format!("content type {ct}"));
    }
    if !r.body.contains("<header class=\"site-header\">") || !r.body.contains("<main") {
        why.push("not the site's layout".to_string());
    }
    if !r.body.contains(p.says) {
        why.push(format!("does not say «{}»", p.says));
    }
    for bare in [
        "deserialize",
        "Parse error",
        "Content type error",
        "payload",
        "Multipart",
        "boundary",
    ] {
        if r.body.contains(bare) {
            why.push(format!("says «{bare}»"));
        }
    }
    // The error page (not the form again) leads back to the form.
    if r.body.contains("class=\"error-page\"") && !r.body.contains("Quay lại biểu mẫu") {
        why.push("error page without a link back to the form".to_string());
    }
    if why.is_empty() {
        Ok(())
    } else {
        let shown = messages(&r.body).join(" | ");
        Err(format!(
            "{} ({}): {}\n{shown}",
            p.what,
            p.path,
            why.join("; ")
        ))
    }
}

/// The texts of the page's refusals: beside fields, above the form, on the error page.
fn messages(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for marker in [
        "class=\"field-error\"",
        "class=\"form-error\"",
        "class=\"error-message\"",
        "role=\"alert\"",
    ] {
        let mut rest = body;
        while let Some(at) = rest.find(marker) {
            rest = &rest[at + marker.len()..];
            let Some(open) = rest.find('>') else { break };
            let text = &rest[open + 1..];
            let end = text
                .find("</p>")
                .or_else(|| text.find("</div>"))
                .unwrap_or(text.len().min(400));
            let mut plain = String::new();
            let mut tag = false;
            for ch in text[..end].chars() {
                match ch {
                    '<' => tag = true,
                    '>' => tag = false,
                    c if !tag => plain.push(c),
                    _ => {}
                }
            }
            let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
            if !plain.is_empty() && !out.contains(&plain) {
                out.push(plain);
            }
        }
    }
    out
}

/// A started review campaign over the former district (its documents in it), and a decision
/// proposed in it by `officer`: (campaign, decision).
fn campaign_with_decision(app: &TestApp, officer: i64) -> (i64, i64) {
    let mut conn = app.pool.get().unwrap();
    conn.write(|db| -> anyhow::Result<(i64, i64)> {
        let input: vanban::review::campaigns::CampaignInput =
            serde_json::from_value(serde_json::json!({
                "name": "Rà soát sau sắp xếp", "kind": "reorganisation",
                "predecessor_unit": "970", "deadline": "2030-12-31"
            }))?;
        let now = vanban::clock::now();
        let cid = vanban::review::campaigns::create(db, "user:canbo", officer, &input, now)?;
        vanban::review::campaigns::start(
            db,
            "user:canbo",
            cid,
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )?;
        let authority = vanban::db::queries::authority_by_code(db, "UBND-970")?
            .map(|a| a.id)
            .unwrap_or_default();
        let doc = vanban::db::queries::document_id_by_key(db, authority, "12/2021/QD-UBND")?
            .unwrap_or_default();
        let p: vanban::review::decisions::Proposal = serde_json::from_value(serde_json::json!({
            "document_id": doc, "kind": "keep", "reason": "Còn phù hợp"
        }))?;
        let who = vanban::review::decisions::Person {
            id: officer,
            actor: "user:canbo".into(),
            units: None,
        };
        let did = vanban::review::decisions::propose(db, &who, cid, &p, now)?;
        Ok((cid, did))
    })
    .unwrap()
}

/// The first document of the fixture, its first effect and a second user's id.
fn ids(app: &TestApp) -> (i64, i64) {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    use diesel::RunQueryDsl;
    let mut conn = app.pool.get().unwrap();
    let mut first = |q: &str| -> i64 {
        let v: Id =
            vanban::with_db!(&mut conn.db(), c => diesel::sql_query(q).get_result(c)).unwrap();
        v.id
    };
    let doc = first("SELECT MIN(id) AS id FROM documents");
    let effect = first("SELECT MIN(id) AS id FROM effects");
    (doc, effect)
}

const GARBLED: Body = Body::Raw("%%%&&==&=&%ZZ");

fn twice(field: &'static str) -> Body {
    Body::Raw(match field {
        "reason" => "reason=a&reason=b",
        "name" => "name=a&name=b",
        "password" => "password=a&password=b",
        "display_name" => "display_name=a&display_name=b",
        "draft" => "draft=a&draft=b",
        "date" => "date=2026-01-01&date=2026-01-02",
        "address" => "address=a&address=b",
        "authority" => "authority=a&authority=b",
        "comment" => "comment=a&comment=b",
        "stage" => "stage=a&stage=b",
        "current" => "current=a&current=b",
        "q" => "effective_on=a&effective_on=b",
        _ => "x=1",
    })
}

const FORM_OR_400: &[u16] = &[400, 422];
const BAD: &[u16] = &[400];
const REFUSED: &[u16] = &[400, 422];

db_test!(
    every_staff_form_answers_bad_input_with_a_vietnamese_page,
    |app| {
        setup(&app);
        let c = Client::new(&app).await;
        let admin = add_user(&app, "quantri", "admin", &[]);
        let officer = add_user(&app, "canbo", "officer", &["96"]);
        let approver = add_user(&app, "pheduyet", "approver", &[]);
        let inspector = add_user(&app, "thanhtra", "inspector", &["96"]);
        let (cid, did) = campaign_with_decision(&app, officer);
        let (doc, effect) = ids(&app);
        let browsers = [
            Browser::new(&app, &c, admin),
            Browser::new(&app, &c, officer),
            Browser::new(&app, &c, approver),
            Browser::new(&app, &c, inspector),
        ];
        let long = "x".repeat(5000);
        let long: &'static str = Box::leak(long.into_boxed_str());
        let d = |s: &str| format!("/documents/{doc}{s}");
        use Who::*;
        let probes = vec![
            // Documents: a new one from its file, its confirmation; an effect entered by hand.
            probe(
                "intake sent as a plain form",
                Admin,
                "/documents/new",
                GARBLED,
                BAD,
                "Không đọc được biểu mẫu gửi lên",
            ),
            probe(
                "intake confirm garbled",
                Admin,
                "/documents/new/confirm",
                GARBLED,
                FORM_OR_400,
                "trường «%%%» không thuộc biểu mẫu",
            ),
            probe(
                "intake confirm twice",
                Admin,
                "/documents/new/confirm",
                twice("authority"),
                FORM_OR_400,
                "Chọn cơ quan ban hành",
            ),
            probe(
                "effect: empty",
                Admin,
                d("/tac-dong/moi"),
                fields(&[]),
                REFUSED,
                "Chưa lưu được.",
            ),
            probe(
                "effect: target letters",
                Admin,
                d("/tac-dong/moi"),
                fields(&[("action", "save"), ("target", "abc"), ("kind", "amend")]),
                REFUSED,
                "Chưa lưu được.",
            ),
            probe(
                "effect: unknown kind",
                Admin,
                d("/tac-dong/moi"),
                fields(&[("action", "save"), ("target", "2"), ("kind", "superuser")]),
                REFUSED,
                "Chọn loại tác động.",
            ),
            probe(
                "effect: twice",
                Admin,
                d("/tac-dong/moi"),
                twice("q"),
                FORM_OR_400,
                "Chưa lưu được.",
            ),
            // Edit, withdraw a document; edit, withdraw an effect.
            probe(
                "edit: empty",
                Admin,
                d("/sua"),
                fields(&[]),
                REFUSED,
                "Cần nêu lý do.",
            ),
            probe(
                "edit: date letters",
                Admin,
                d("/sua"),
                fields(&[("effective_on", "abc"), ("reason", "Sửa lỗi")]),
                REFUSED,
                "Ngày không hợp lệ",
            ),
            probe(
                "edit: twice",
                Admin,
                d("/sua"),
                twice("reason"),
                FORM_OR_400,
                "ô «reason» được gửi nhiều lần",
            ),
            probe(
                "withdraw: empty",
                Admin,
                d("/rut"),
                fields(&[]),
                REFUSED,
                "Đánh dấu ô xác nhận để rút văn bản.",
            ),
            probe(
                "withdraw: too long",
                Admin,
                d("/rut"),
                fields(&[("reason", long), ("confirm", "true")]),
                REFUSED,
                "Lý do dài quá 2000 ký tự.",
            ),
            probe(
                "withdraw: confirm not a yes",
                Admin,
                d("/rut"),
                fields(&[("reason", "Nhập nhầm"), ("confirm", "có")]),
                REFUSED,
                "Không đọc được biểu mẫu gửi lên",
            ),
            probe(
                "withdraw: twice",
                Admin,
                d("/rut"),
                twice("reason"),
                FORM_OR_400,
                "ô «reason» được gửi nhiều lần",
            ),
            probe(
                "effect edit: empty",
                Admin,
                format!("/effects/{effect}/sua"),
                fields(&[]),
                REFUSED,
                "Cần nêu lý do.",
            ),
            probe(
                "effect edit: date letters",
                Admin,
                format!("/effects/{effect}/sua"),
                fields(&[("effective_on", "abc"), ("reason", "Sửa")]),
                REFUSED,
                "Ngày không hợp lệ",
            ),
            probe(
                "effect edit: twice",
                Admin,
                format!("/effects/{effect}/sua"),
                twice("reason"),
                FORM_OR_400,
                "ô «reason» được gửi nhiều lần",
            ),
            probe(
                "effect withdraw: empty",
                Admin,
                format!("/effects/{effect}/rut"),
                fields(&[]),
                REFUSED,
                "Cần nêu lý do.",
            )
            .from(format!("/effects/{effect}/sua")),
            probe(
                "effect withdraw: twice",
                Admin,
                format!("/effects/{effect}/rut"),
                twice("reason"),
                FORM_OR_400,
                "ô «reason» được gửi nhiều lần",
            )
            .from(format!("/effects/{effect}/sua")),
            // Files.
            probe(
                "attach sent as a plain form",
                Admin,
                d("/tep/moi"),
                GARBLED,
                REFUSED,
                "Không đọc được biểu mẫu gửi lên",
            ),
            probe(
                "procedure form sent as a plain form",
                Admin,
                "/procedures/1.001193/mau-don/moi",
                GARBLED,
                REFUSED,
                "Không đọc được biểu mẫu gửi lên",
            ),
            probe(
                "file withdraw: twice",
                Admin,
                "/admin/files/1/withdraw",
                twice("reason"),
                FORM_OR_400,
                "ô «reason» được gửi nhiều lần",
            ),
            // Procedures: the announcing decision.
            probe(
                "announce sent as a plain form",
                Admin,
                "/procedures/cong-bo/moi",
                GARBLED,
                BAD,
                "Không đọc được biểu mẫu gửi lên",
            ),
            probe(
                "announce save: no draft",
                Admin,
                "/procedures/cong-bo/moi/luu",
                GARBLED,
                FORM_OR_400,
                "thiếu ô «draft»",
            ),
            probe(
                "announce save: draft twice",
                Admin,
                "/procedures/cong-bo/moi/luu",
                twice("draft"),
                FORM_OR_400,
                "ô «draft» được gửi nhiều lần",
            ),
            probe(
                "announce save: garbled draft",
                Admin,
                "/procedures/cong-bo/moi/luu",
                fields(&[("draft", "{{{")]),
                FORM_OR_400,
                "Bản xem trước gửi lại không đọc được",
            ),
            // The counter: postings, contacts, dossier counts.
            probe(
                "postings: garbled",
                Admin,
                "/units/32200/niem-yet",
                GARBLED,
                BAD,
                "thiếu ô «action»",
            ),
            probe(
                "postings: unknown action",
                Admin,
                "/units/32200/niem-yet",
                fields(&[("action", "delete"), ("pick", "1.001194")]),
                BAD,
                "việc cần làm «delete» không hợp lệ",
            ),
            probe(
                "postings: unknown place",
                Admin,
                "/units/32200/niem-yet",
                fields(&[("action", "post"), ("point", "wall"), ("pick", "1.001194")]),
                BAD,
                "nơi niêm yết «wall» không hợp lệ",
            ),
            probe(
                "postings: unknown procedure",
                Admin,
                "/units/32200/niem-yet",
                fields(&[("action", "post"), ("pick", "9.999999")]),
                REFUSED,
                "9.999999",
            ),
            probe(
                "postings: date letters",
                Admin,
                "/units/32200/niem-yet",
                fields(&[("action", "post"), ("pick", "1.001194"), ("date", "abc")]),
                REFUSED,
                "abc",
            ),
            probe(
                "contact: bad email",
                Admin,
                "/units/32200/lien-he",
                fields(&[("email", "abc")]),
                REFUSED,
                "Thư điện tử không đúng dạng",
            ),
            probe(
                "contact: address too long",
                Admin,
                "/units/32200/lien-he",
                fields(&[("address", long)]),
                REFUSED,
                "Dài quá 300 ký tự",
            ),
            probe(
                "contact: feedback address not the web",
                Admin,
                "/units/32200/lien-he",
                fields(&[("feedback_url", "ftp://x.vn")]),
                REFUSED,
                "Chỉ nhận địa chỉ trang web bắt đầu bằng http:// hoặc https://",
            ),
            probe(
                "contact: twice",
                Admin,
                "/units/32200/lien-he",
                twice("address"),
                FORM_OR_400,
                "ô «address» được gửi nhiều lần",
            ),
            probe(
                "counts: month letters",
                Admin,
                "/units/32200/ho-so",
                fields(&[("month", "abc")]),
                REFUSED,
                "tháng «abc» không hợp lệ",
            ),
            probe(
                "counts: letters",
                Admin,
                "/units/32200/ho-so",
                fields(&[("month", "2025-11"), ("received:1.001193", "mười")]),
                REFUSED,
                "mười",
            ),
            probe(
                "counts: negative",
                Admin,
                "/units/32200/ho-so",
                fields(&[("month", "2025-11"), ("received:1.001193", "-3")]),
                REFUSED,
                "-3",
            ),
            probe(
                "counts: garbled",
                Admin,
                "/units/32200/ho-so",
                GARBLED,
                REFUSED,
                "Chưa ghi được.",
            ),
            probe(
                "counts file sent as a plain form",
                Admin,
                "/units/32200/ho-so/tep",
                GARBLED,
                BAD,
                "Không đọc được biểu mẫu gửi lên",
            ),
            // Inspections.
            probe(
                "inspection: empty",
                Inspector,
                "/inspections",
                fields(&[]),
                REFUSED,
                "Không có đơn vị hành chính mã «»",
            )
            .from("/units/32200/inspections/new"),
            probe(
                "inspection: date letters",
                Inspector,
                "/inspections",
                fields(&[("unit", "32200"), ("date", "abc")]),
                REFUSED,
                "Ngày kiểm tra «abc» không hợp lệ",
            )
            .from("/units/32200/inspections/new"),
            probe(
                "inspection: unknown unit",
                Inspector,
                "/inspections",
                fields(&[("unit", "99999"), ("date", "2025-12-01")]),
                REFUSED,
                "Không có đơn vị hành chính mã «99999»",
            )
            .from("/units/32200/inspections/new"),
            probe(
                "inspection: twice",
                Inspector,
                "/inspections",
                twice("date"),
                FORM_OR_400,
                "Không có đơn vị hành chính mã «»",
            )
            .from("/units/32200/inspections/new"),
            // Review: campaigns, decisions, stages, close, the register.
            probe(
                "campaign: empty",
                Officer,
                "/campaigns",
                fields(&[]),
                REFUSED,
                "Cần nhập thời hạn của đợt rà soát",
            ),
            probe(
                "campaign: deadline letters",
                Officer,
                "/campaigns",
                fields(&[("name", "Đợt"), ("kind", "ongoing"), ("deadline", "abc")]),
                REFUSED,
                "Ngày «abc» không hợp lệ",
            ),
            probe(
                "campaign: unknown kind",
                Officer,
                "/campaigns",
                fields(&[
                    ("name", "Đợt"),
                    ("kind", "superuser"),
                    ("deadline", "2030-01-01"),
                ]),
                REFUSED,
                "Loại đợt rà soát «superuser» không hợp lệ",
            ),
            probe(
                "campaign: name too long",
                Officer,
                "/campaigns",
                fields(&[
                    ("name", long),
                    ("kind", "ongoing"),
                    ("deadline", "2030-01-01"),
                ]),
                REFUSED,
                "Tên đợt rà soát cần từ 1 đến 300 ký tự",
            ),
            probe(
                "campaign: twice",
                Officer,
                "/campaigns",
                twice("name"),
                FORM_OR_400,
                "Chưa tạo được đợt rà soát",
            ),
            probe(
                "register sent as a plain form",
                Officer,
                format!("/campaigns/{cid}/register"),
                GARBLED,
                BAD,
                "Không đọc được biểu mẫu gửi lên",
            ),
            probe(
                "start: garbled",
                Admin,
                format!("/campaigns/{cid}/start"),
                GARBLED,
                REFUSED,
                "đợt rà soát đã bắt đầu",
            ),
            probe(
                "propose: empty",
                Officer,
                format!("/campaigns/{cid}/decisions"),
                fields(&[]),
                REFUSED,
                "Cần chọn văn bản.",
            )
            .from(format!("/campaigns/{cid}")),
            probe(
                "propose: document letters",
                Officer,
                format!("/campaigns/{cid}/decisions"),
                fields(&[("document_id", "abc"), ("kind", "keep")]),
                REFUSED,
                "Cần chọn văn bản.",
            )
            .from(format!("/campaigns/{cid}")),
            probe(
                "propose: unknown kind",
                Officer,
                format!("/campaigns/{cid}/decisions"),
                fields(&[("document_id", "1"), ("kind", "superuser")]),
                REFUSED,
                "Loại quyết định «superuser» không hợp lệ",
            )
            .from(format!("/campaigns/{cid}")),
            probe(
                "propose: twice",
                Officer,
                format!("/campaigns/{cid}/decisions"),
                twice("reason"),
                FORM_OR_400,
                "ô «reason» được gửi nhiều lần",
            )
            .from(format!("/campaigns/{cid}")),
            probe(
                "assign: officer letters",
                Officer,
                format!("/campaigns/{cid}/assignments"),
                fields(&[("documents", "1"), ("officer", "abc")]),
                REFUSED,
                "Cán bộ «abc» không hợp lệ.",
            )
            .from(format!("/campaigns/{cid}")),
            probe(
                "approve: version letters",
                Approver,
                format!("/decisions/{did}/approve"),
                fields(&[("version", "abc"), ("confirm", "1")]),
                REFUSED,
                "Phiên bản của quyết định gửi kèm biểu mẫu không hợp lệ",
            )
            .from(format!("/campaigns/{cid}")),
            probe(
                "approve: twice",
                Approver,
                format!("/decisions/{did}/approve"),
                twice("comment"),
                FORM_OR_400,
                "ô «comment» được gửi nhiều lần",
            )
            .from(format!("/campaigns/{cid}")),
            probe(
                "return: empty comment",
                Approver,
                format!("/decisions/{did}/return"),
                fields(&[("version", "1"), ("confirm", "1")]),
                REFUSED,
                "Cần ghi ý kiến khi trả lại",
            )
            .from(format!("/campaigns/{cid}")),
            probe(
                "stage: unknown",
                Officer,
                format!("/decisions/{did}/stages"),
                fields(&[
                    ("version", "1"),
                    ("stage", "superuser"),
                    ("date", "2026-01-01"),
                ]),
                &[400, 409, 422],
                "Giai đoạn «superuser» không hợp lệ.",
            )
            .from(format!("/campaigns/{cid}")),
            probe(
                "stage: date letters",
                Officer,
                format!("/decisions/{did}/stages"),
                fields(&[("version", "1"), ("stage", "drafted"), ("date", "abc")]),
                &[400, 409, 422],
                "Ngày «abc» không hợp lệ",
            )
            .from(format!("/campaigns/{cid}")),
            probe(
                "stage: twice",
                Officer,
                format!("/decisions/{did}/stages"),
                twice("stage"),
                FORM_OR_400,
                "ô «stage» được gửi nhiều lần",
            )
            .from(format!("/campaigns/{cid}")),
            probe(
                "close: empty",
                Officer,
                format!("/decisions/{did}/close"),
                fields(&[("confirm", "1")]),
                &[400, 409, 422],
                "Biểu mẫu thiếu phiên bản của quyết định",
            )
            .from(format!("/campaigns/{cid}")),
            // The annual list.
            probe(
                "publish: unknown authority",
                Approver,
                "/annual-lists/2025/publish",
                fields(&[("authority", "XYZ"), ("confirm", "1")]),
                REFUSED,
                "Cần chọn cơ quan ban hành của danh mục.",
            ),
            probe(
                "publish: twice",
                Approver,
                "/annual-lists/2025/publish",
                twice("authority"),
                FORM_OR_400,
                "ô «authority» được gửi nhiều lần",
            ),
            // My account.
            probe(
                "password: empty",
                Officer,
                "/account/password",
                fields(&[]),
                REFUSED,
                "Mật khẩu quá ngắn",
            ),
            probe(
                "password: short",
                Officer,
                "/account/password",
                fields(&[
                    ("current", crate::authkit::PASSWORD),
                    ("new_password", "ngắn"),
                    ("confirm", "ngắn"),
                ]),
                REFUSED,
                "Mật khẩu quá ngắn: cần ít nhất 12 ký tự (đang có 4).",
            ),
            probe(
                "password: twice",
                Officer,
                "/account/password",
                twice("current"),
                FORM_OR_400,
                "ô «current» được gửi nhiều lần",
            ),
            probe(
                "token: empty",
                Officer,
                "/account/tokens",
                fields(&[]),
                REFUSED,
                "Tên mã truy cập cần 1–100 ký tự",
            ),
            probe(
                "token: name too long",
                Officer,
                "/account/tokens",
                fields(&[("name", long), ("password", crate::authkit::PASSWORD)]),
                REFUSED,
                "Tên mã truy cập cần 1–100 ký tự",
            ),
            probe(
                "token: twice",
                Officer,
                "/account/tokens",
                twice("name"),
                FORM_OR_400,
                "ô «name» được gửi nhiều lần",
            ),
            probe(
                "revoke: garbled",
                Officer,
                "/account/tokens/1/revoke",
                twice("name"),
                &[400, 404, 422],
                "Bạn không có mã truy cập còn hiệu lực nào với mã số này.",
            ),
            // Accounts.
            probe(
                "user: empty",
                Admin,
                "/admin/users",
                fields(&[]),
                REFUSED,
                "Tên đăng nhập «» không hợp lệ",
            ),
            probe(
                "user: role superuser",
                Admin,
                "/admin/users",
                fields(&[
                    ("username", "moi"),
                    ("role", "superuser"),
                    ("password", "pw1234567890ab"),
                ]),
                REFUSED,
                "Vai trò «superuser» không hợp lệ",
            ),
            probe(
                "user: unknown unit",
                Admin,
                "/admin/users",
                fields(&[
                    ("username", "moi"),
                    ("role", "officer"),
                    ("scope", "99999"),
                    ("password", "pw1234567890ab"),
                ]),
                REFUSED,
                "Không có đơn vị hành chính mã «99999».",
            ),
            probe(
                "user: scope letters",
                Admin,
                "/admin/users",
                fields(&[
                    ("username", "moi"),
                    ("role", "officer"),
                    ("scope", "abc"),
                    ("password", "pw1234567890ab"),
                ]),
                REFUSED,
                "Không có đơn vị hành chính mã «abc».",
            ),
            probe(
                "user: short password",
                Admin,
                "/admin/users",
                fields(&[
                    ("username", "moi"),
                    ("role", "officer"),
                    ("password", "ngắn"),
                ]),
                REFUSED,
                "Mật khẩu quá ngắn",
            ),
            probe(
                "user: name too long",
                Admin,
                "/admin/users",
                fields(&[
                    ("username", long),
                    ("role", "officer"),
                    ("password", "pw1234567890ab"),
                ]),
                REFUSED,
                "Tên đăng nhập dài quá 64 ký tự (đang có 5000)",
            ),
            probe(
                "user: twice",
                Admin,
                "/admin/users",
                twice("password"),
                FORM_OR_400,
                "Tên đăng nhập «» không hợp lệ",
            ),
            probe(
                "user update: role superuser",
                Admin,
                format!("/admin/users/{officer}"),
                fields(&[("display_name", "Cán bộ"), ("role", "superuser")]),
                REFUSED,
                "Vai trò «superuser» không hợp lệ",
            ),
            probe(
                "user update: unknown unit",
                Admin,
                format!("/admin/users/{officer}"),
                fields(&[
                    ("display_name", "Cán bộ"),
                    ("role", "officer"),
                    ("scope", "99999"),
                ]),
                REFUSED,
                "Không có đơn vị hành chính mã «99999».",
            ),
            probe(
                "user update: twice",
                Admin,
                format!("/admin/users/{officer}"),
                twice("display_name"),
                FORM_OR_400,
                "Chọn vai trò cho tài khoản",
            ),
            probe(
                "reset password: short",
                Admin,
                format!("/admin/users/{officer}/password"),
                fields(&[("password", "ngắn")]),
                REFUSED,
                "Mật khẩu quá ngắn",
            ),
            probe(
                "reset password: twice",
                Admin,
                format!("/admin/users/{officer}/password"),
                twice("password"),
                FORM_OR_400,
                "ô «password» được gửi nhiều lần",
            ),
        ];
        let before = written(&app);
        let mut failures = Vec::new();
        for p in &probes {
            let b = &browsers[p.who as usize];
            let r = send(b, p).await;
            if std::env::var_os("FORM_ERRORS_SHOW").is_some() {
                eprintln!(
                    "SHOW {} => {} {}",
                    p.what,
                    r.status,
                    messages(&r.body).join(" | ")
                );
            }
            if let Err(e) = check_page(p, &r) {
                failures.push(e);
            }
            let now = written(&app);
            if now != before {
                failures.push(format!(
                    "{} ({}): wrote {:?} → {:?}",
                    p.what, p.path, before, now
                ));
                break;
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} forms:\n\n{}",
            failures.len(),
            probes.len(),
            failures.join("\n\n----\n\n")
        );
        Ok(())
    }
);
