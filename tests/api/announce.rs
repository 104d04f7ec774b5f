//! An announcing decision entered in the browser (`/procedures/cong-bo/moi`): procedures typed
//! in the form's rows or read from the annex the national database exports (XLSX with a title
//! row and level sections, CSV), the preview that writes nothing, the save that lists the
//! decision, the effective date the completeness check follows, every bad input refused with
//! nothing written, and who may announce for which authority.

use actix_web::test::TestRequest;
use rust_xlsxwriter::Workbook;

use crate::authkit::{add_user, audit_len, cookie, count, Client, Resp};
use crate::db_test;
use crate::helpers::TestApp;
use crate::inspections::{setup, Browser};

/// The day the tests run on: after the decisions they enter are signed.
const TODAY: &str = "2026-03-20";

async fn client(app: &TestApp) -> Client {
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let clock: vanban::clock::Clock = std::sync::Arc::new(move || today);
    Client::with_state(app.state().await.with_clock(clock)).await
}

/// Versions and audit entries: what a refused form must leave as it was.
fn written(app: &TestApp) -> (i64, i64) {
    (count(app, "procedure_versions"), audit_len(app))
}

/// A file part of the form: its name, bytes and content type.
type FilePart<'a> = (&'a str, &'a [u8], &'a str);

/// A refused form: what it is, its fields and file, the status and words of the answer.
type Case<'a> = (
    &'a str,
    Vec<(&'a str, &'a str)>,
    Option<FilePart<'a>>,
    u16,
    &'a str,
);

/// Posts the decision form (multipart) with `fields` and, when given, a file.
async fn send_form(
    c: &Client,
    auth: Option<(&str, &str)>,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<FilePart<'_>>,
) -> Resp {
    let boundary = "----vanbanannounce";
    let mut body = Vec::new();
    let mut part = |name: &str, value: &str| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    };
    if let Some((_, csrf)) = auth {
        part("csrf_token", csrf);
    }
    for (k, v) in fields {
        part(k, v);
    }
    if let Some((name, bytes, kind)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {kind}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let mut req = TestRequest::post().uri(path).insert_header((
        "Content-Type",
        format!("multipart/form-data; boundary={boundary}"),
    ));
    if let Some((secret, _)) = auth {
        req = req.insert_header(cookie(secret));
    }
    c.send(req.set_payload(body)).await
}

async fn preview(b: &Browser<'_>, fields: &[(&str, &str)], file: Option<FilePart<'_>>) -> Resp {
    send_form(
        b.client,
        Some((&b.secret, &b.csrf)),
        "/procedures/cong-bo/moi",
        fields,
        file,
    )
    .await
}

/// The draft the preview carries to «Lưu», as the browser sends it back.
fn draft_of(page: &str) -> String {
    let at = page.find("name=\"draft\" value=\"").unwrap() + "name=\"draft\" value=\"".len();
    let end = at + page[at..].find('"').unwrap();
    page[at..end]
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The codes required at Xã Đầm Dơi on `date`.
async fn required(c: &Client, date: &str) -> Vec<String> {
    let r = c
        .send(TestRequest::get().uri(&format!("/api/v1/units/32200/completeness?date={date}")))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let mut codes: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

/// The decision of the form path: a new commune procedure and the abolition of 1.001194
/// given by its code only, signed on 1 March, effective on 15 March 2026.
const DECISION: &[(&str, &str)] = &[
    ("authority", "UBND-96"),
    ("number", "250/QĐ-UBND"),
    ("signed", "2026-03-01"),
    ("effective", "2026-03-15"),
    ("r1_code", "1.002000"),
    ("r1_kind", "new"),
    ("r1_name", "Cấp giấy xác nhận tình trạng hôn nhân"),
    ("r1_field", "Hộ tịch"),
    ("r1_level", "xa"),
    ("r1_statutory", "05 ngày làm việc"),
    ("r1_local", "3"),
    ("r1_agency", "Ủy ban nhân dân cấp xã"),
    ("r2_code", "1.001194"),
    ("r2_kind", "abolished"),
];

db_test!(
    a_decision_typed_in_the_form_is_previewed_without_writing_then_saved,
    |app| {
        setup(&app);
        let c = client(&app).await;
        let officer = add_user(&app, "phapche.tinh", "officer", &["96"]);
        let b = Browser::new(&app, &c, officer);

        // The catalogue offers the form to officers, not to the public.
        let r = b.get("/procedures").await;
        assert!(
            r.body.contains("href=\"/procedures/cong-bo/moi\""),
            "{}",
            r.body
        );
        let r = c.send(TestRequest::get().uri("/procedures")).await;
        assert!(!r.body.contains("/procedures/cong-bo/moi"));

        let r = b.get("/procedures/cong-bo/moi").await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("value=\"UBND-96\""));
        // The commune's UBND is not the province officer's.
        assert!(!r.body.contains("value=\"UBND-32200\""));
        assert!(r
            .body
            .contains("<label for=\"a-effective\">Ngày có hiệu lực</label>"));

        // The preview writes nothing.
        let before = written(&app);
        let r = preview(&b, DECISION, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(written(&app), before, "the preview wrote something");
        assert!(
            r.body.contains("có hiệu lực từ ngày 15/03/2026"),
            "{}",
            r.body
        );
        assert!(r.body.contains("Thủ tục hành chính mới ban hành (1)"));
        assert!(r.body.contains("Thủ tục hành chính bị bãi bỏ (1)"));
        // The abolished procedure: its name from the current version, and what it supersedes.
        assert!(r.body.contains("Đăng ký kết hôn"));
        assert!(r.body.contains("lấy từ phiên bản đang áp dụng"));
        assert!(r.body.contains("Quyết định 100/QĐ-UBND ngày 01/08/2025"));
        // The commune's checklist gains one and loses one from the effective date.
        assert!(
            r.body
                .contains("1 đơn vị thêm thủ tục phải niêm yết, 1 đơn vị bớt thủ tục."),
            "{}",
            r.body
        );
        assert!(r.body.contains("Xã Đầm Dơi"));

        // Saved: the decision's page lists its procedures.
        let draft = draft_of(&r.body);
        let r = b
            .post_form("/procedures/cong-bo/moi/luu", &[("draft", &draft)])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let to = r.header("location").unwrap();
        assert!(
            to.starts_with("/procedures/cong-bo?co_quan=UBND-96&so=250"),
            "{to}"
        );
        assert_eq!(written(&app).0, before.0 + 2);
        assert!(written(&app).1 > before.1, "no audit entry");
        let r = c.send(TestRequest::get().uri(&to)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("Đã lưu quyết định công bố và 2 thủ tục."));
        assert!(r.body.contains("1.002000") && r.body.contains("1.001194"));
        assert!(r.body.contains("có hiệu lực từ ngày 15/03/2026"));

        // The completeness check follows the effective date, not the signing.
        let on_10 = required(&c, "2026-03-10").await;
        assert!(on_10.contains(&"1.001194".to_string()), "{on_10:?}");
        assert!(!on_10.contains(&"1.002000".to_string()), "{on_10:?}");
        let on_15 = required(&c, "2026-03-15").await;
        assert!(!on_15.contains(&"1.001194".to_string()), "{on_15:?}");
        assert!(on_15.contains(&"1.002000".to_string()), "{on_15:?}");
        // The procedure page names the effective date.
        let r = c.send(TestRequest::get().uri("/procedures/1.002000")).await;
        assert!(
            r.body.contains("có hiệu lực từ ngày 15/03/2026"),
            "{}",
            r.body
        );

        // The same draft again changes nothing; the same number with other content is refused.
        let r = b
            .post_form("/procedures/cong-bo/moi/luu", &[("draft", &draft)])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(written(&app).0, before.0 + 2);
        Ok(())
    }
);

/// An annex as the national database exports it: a title row, the header, level sections.
fn annex_xlsx() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let rows: &[&[&str]] = &[
        &["DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC PHẠM VI QUẢN LÝ CỦA TỈNH CÀ MAU"],
        &[],
        &[
            "STT",
            "Mã TTHC",
            "Tên TTHC",
            "Lĩnh vực",
            "Thời hạn giải quyết",
            "Cơ quan thực hiện",
            "Hình thức công bố",
        ],
        &["A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH"],
        &[
            "1",
            "2.000100",
            "Cấp giấy phép hoạt động dịch vụ thú y",
            "Thú y",
            "10 ngày làm việc",
            "Sở Nông nghiệp và Môi trường",
            "Mới ban hành",
        ],
        &["B. THỦ TỤC HÀNH CHÍNH CẤP XÃ"],
        &[
            "1",
            "1.001195",
            "Chứng thực bản sao từ bản chính",
            "Chứng thực",
            "02 ngày làm việc",
            "Ủy ban nhân dân cấp xã",
            "Sửa đổi, bổ sung",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

db_test!(
    an_annex_spreadsheet_with_a_title_row_and_level_sections_is_read,
    |app| {
        setup(&app);
        let c = client(&app).await;
        let admin = add_user(&app, "quantri", "admin", &[]);
        let b = Browser::new(&app, &c, admin);
        let fields = [
            ("authority", "UBND-96"),
            ("number", "300/QĐ-UBND"),
            ("signed", "2026-03-02"),
        ];
        let xlsx = annex_xlsx();
        let before = written(&app);
        let r = preview(&b, &fields, Some(("danh-muc.xlsx", &xlsx, XLSX))).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(written(&app), before);
        assert!(r.body.contains("Dòng 5 của tệp"), "{}", r.body);
        assert!(r
            .body
            .contains("Thủ tục hành chính được sửa đổi, bổ sung (1)"));
        let draft = draft_of(&r.body);
        let r = b
            .post_form("/procedures/cong-bo/moi/luu", &[("draft", &draft)])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(written(&app).0, before.0 + 2);
        let r = c
            .send(TestRequest::get().uri(&r.header("location").unwrap()))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        // The level came from the section rows.
        let row = |code: &str| {
            let at = r.body.find(&format!(">{code}</a>")).unwrap();
            r.body[at..at + r.body[at..].find("</tr>").unwrap()].to_string()
        };
        assert!(row("2.000100").contains("Cấp tỉnh"), "{}", row("2.000100"));
        assert!(row("1.001195").contains("Cấp xã"), "{}", row("1.001195"));
        assert!(row("1.001195").contains("2 → 2"), "{}", row("1.001195"));
        // The amended version is the commune's current one at once (no effective date: signed).
        let r = c
            .send(TestRequest::get().uri("/api/v1/units/32200/completeness?date=2026-03-02"))
            .await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let item = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == "1.001195")
            .unwrap()
            .clone();
        assert_eq!(item["decision_number"], "300/QĐ-UBND");
        Ok(())
    }
);

db_test!(every_bad_input_is_refused_with_nothing_written, |app| {
    setup(&app);
    let c = client(&app).await;
    let officer = add_user(&app, "phapche.tinh", "officer", &["96"]);
    let b = Browser::new(&app, &c, officer);
    let decision = |number: &'static str| {
        vec![
            ("authority", "UBND-96"),
            ("number", number),
            ("signed", "2026-03-01"),
        ]
    };
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut v = decision("260/QĐ-UBND");
        v.extend_from_slice(extra);
        v
    };
    let new_row = [
        ("r1_code", "1.002001"),
        ("r1_kind", "new"),
        ("r1_name", "Thủ tục thử"),
        ("r1_level", "xa"),
        ("r1_statutory", "5"),
    ];
    let before = written(&app);
    let csv = |s: &'static str| s.as_bytes();
    // (what, fields, file, status, words the answer must contain)
    let cases: Vec<Case> = vec![
        (
            "missing header",
            decision("260/QĐ-UBND"),
            Some(("a.csv", csv("STT,Tên TTHC,Lĩnh vực\n1,Thủ tục A,Hộ tịch\n"), "text/csv")),
            422,
            "thiếu cột bắt buộc «Mã TTHC»",
        ),
        (
            "unknown kind word",
            decision("260/QĐ-UBND"),
            Some((
                "a.csv",
                csv("Mã TTHC,Tên TTHC,Cấp thực hiện,Thời hạn giải quyết,Hình thức công bố\n1.002001,Thủ tục A,Cấp xã,5,Đình chỉ\n"),
                "text/csv",
            )),
            422,
            "Dòng 2 của tệp: hình thức công bố «Đình chỉ» không hợp lệ",
        ),
        (
            "bad code",
            with(&[("r1_code", "1234"), ("r1_kind", "new"), ("r1_name", "A"), ("r1_level", "xa"), ("r1_statutory", "5")]),
            None,
            422,
            "Dòng 1 của biểu mẫu: mã thủ tục không hợp lệ",
        ),
        (
            "days not a number",
            decision("260/QĐ-UBND"),
            Some((
                "a.csv",
                csv("Mã TTHC,Tên TTHC,Cấp thực hiện,Thời hạn giải quyết,Hình thức công bố\n1.002001,Thủ tục A,Cấp xã,năm ngày,Mới ban hành\n"),
                "text/csv",
            )),
            422,
            "Dòng 2 của tệp: thời hạn giải quyết «năm ngày» không phải là số ngày làm việc",
        ),
        (
            "duplicate code",
            with(&[
                ("r1_code", "1.002001"), ("r1_kind", "new"), ("r1_name", "A"), ("r1_level", "xa"), ("r1_statutory", "5"),
                ("r2_code", "1.002001"), ("r2_kind", "new"), ("r2_name", "B"), ("r2_level", "xa"), ("r2_statutory", "5"),
            ]),
            None,
            422,
            "mã thủ tục 1.002001 trùng với dòng 1 của biểu mẫu",
        ),
        (
            "amended code with no current version",
            with(&[("r1_code", "1.777777"), ("r1_kind", "amended")]),
            None,
            422,
            "thủ tục 1.777777 chưa có phiên bản đang áp dụng tại tỉnh",
        ),
        (
            "abolished code with no current version",
            with(&[("r1_code", "1.777777"), ("r1_kind", "abolished")]),
            None,
            422,
            "không thể bãi bỏ",
        ),
        (
            "new code already current",
            with(&[("r1_code", "1.001193"), ("r1_kind", "new"), ("r1_name", "A"), ("r1_level", "xa"), ("r1_statutory", "5")]),
            None,
            422,
            "chọn «Sửa đổi, bổ sung»",
        ),
        (
            "number used by the authority for another decision",
            {
                let mut v = decision("100/QĐ-UBND");
                v.extend_from_slice(&new_row);
                v
            },
            None,
            422,
            "Số 100/QĐ-UBND đã dùng cho quyết định công bố ngày 01/08/2025",
        ),
        (
            "effective before signed",
            {
                let mut v = with(&new_row);
                v.push(("effective", "2026-02-01"));
                v
            },
            None,
            422,
            "trước ngày ký",
        ),
        (
            "empty file",
            decision("260/QĐ-UBND"),
            Some(("a.csv", b"", "text/csv")),
            422,
            "Tệp trống",
        ),
        (
            "not a spreadsheet",
            decision("260/QĐ-UBND"),
            Some(("a.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", XLSX)),
            415,
            "Tệp không phải bảng tính",
        ),
        (
            "online address not https (form)",
            {
                let mut v = with(&new_row);
                v.push(("r1_online", "http://dichvucong.camau.gov.vn/tthc"));
                v
            },
            None,
            422,
            "Dòng 1 của biểu mẫu: «Địa chỉ nộp trực tuyến» không hợp lệ: Địa chỉ nộp trực tuyến phải bắt đầu bằng https://",
        ),
        (
            "online address not an address (file)",
            decision("260/QĐ-UBND"),
            Some((
                "a.csv",
                csv("Mã TTHC,Tên TTHC,Cấp thực hiện,Thời hạn giải quyết,Hình thức công bố,Địa chỉ nộp trực tuyến\n1.002001,Thủ tục A,Cấp xã,5,Mới ban hành,dichvucong camau\n"),
                "text/csv",
            )),
            422,
            "Dòng 2 của tệp: «Địa chỉ nộp trực tuyến» không hợp lệ",
        ),
        (
            "online address of an abolished procedure",
            with(&[("r1_code", "1.001194"), ("r1_kind", "abolished"), ("r1_online", "https://dichvucong.camau.gov.vn/ket-hon")]),
            None,
            422,
            "Dòng 1 của biểu mẫu: thủ tục bị bãi bỏ không nhận hồ sơ trực tuyến",
        ),
        (
            "no procedure at all",
            decision("260/QĐ-UBND"),
            None,
            422,
            "chưa có thủ tục nào",
        ),
    ];
    for (what, fields, file, status, words) in cases {
        let r = preview(&b, &fields, file).await;
        assert_eq!(r.status, status, "{what}: {}", r.body);
        assert!(r.body.contains(words), "{what}: {}", r.body);
        assert_eq!(written(&app), before, "{what}: something was written");
    }

    // Over the spreadsheet bounds: more columns than a register may have.
    let wide = format!(
        "{}\n{}\n",
        (0..70)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(","),
        (0..70).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
    );
    let r = preview(
        &b,
        &decision("260/QĐ-UBND"),
        Some(("a.csv", wide.as_bytes(), "text/csv")),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("số cột của trang tính"), "{}", r.body);
    // Over the size limit.
    let big = vec![b'a'; vanban::app::announce::ANNEX_LIMIT + 1];
    let r = preview(
        &b,
        &decision("260/QĐ-UBND"),
        Some(("a.csv", &big, "text/csv")),
    )
    .await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(written(&app), before);
    // A draft tampered with on its way back is checked again in full.
    let r = b
        .post_form(
            "/procedures/cong-bo/moi/luu",
            &[(
                "draft",
                r#"{"authority":"UBND-96","number":"261/QĐ-UBND","signed":"2026-03-01","effective":"","rows":[{"place":"Dòng 1 của biểu mẫu","line":1,"from_file":false,"code":"1.001193","name":"A","field":"","levels":["xa"],"agency":"","statutory_days":5,"local_days":5,"kind":"new"}]}"#,
            )],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("chọn «Sửa đổi, bổ sung»"), "{}", r.body);
    assert_eq!(written(&app), before);
    Ok(())
});

db_test!(
    only_officers_of_the_authoritys_unit_and_administrators_announce,
    |app| {
        setup(&app);
        let c = client(&app).await;
        let commune = add_user(&app, "motcua.xa", "officer", &["32200"]);
        let inspector = add_user(&app, "thanhtra", "inspector", &["96"]);
        let before = written(&app);

        // The public: no form, no preview, no save.
        let r = c
            .send(TestRequest::get().uri("/procedures/cong-bo/moi"))
            .await;
        assert!(matches!(r.status, 302 | 303 | 401), "{}", r.status);
        let r = send_form(&c, None, "/procedures/cong-bo/moi", DECISION, None).await;
        assert!(matches!(r.status, 302 | 303 | 401 | 403), "{}", r.status);
        assert_eq!(written(&app), before);

        // An officer of a commune is offered the commune's UBND only, and is refused the
        // province's — in the preview and in the save.
        let b = Browser::new(&app, &c, commune);
        let r = b.get("/procedures/cong-bo/moi").await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("value=\"UBND-32200\""));
        assert!(!r.body.contains("value=\"UBND-96\""));
        let r = preview(&b, DECISION, None).await;
        assert_eq!(r.status, 403, "{}", r.body);
        let draft = r#"{"authority":"UBND-96","number":"250/QĐ-UBND","signed":"2026-03-01","effective":"","rows":[{"place":"Dòng 1 của biểu mẫu","line":1,"from_file":false,"code":"1.002000","name":"A","field":"","levels":["xa"],"agency":"","statutory_days":5,"local_days":5,"kind":"new"}]}"#;
        let r = b
            .post_form("/procedures/cong-bo/moi/luu", &[("draft", draft)])
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(written(&app), before);

        // An inspector may not announce at all.
        let b = Browser::new(&app, &c, inspector);
        assert_eq!(b.get("/procedures/cong-bo/moi").await.status, 403);
        assert_eq!(preview(&b, DECISION, None).await.status, 403);
        let r = b
            .post_form("/procedures/cong-bo/moi/luu", &[("draft", draft)])
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(written(&app), before);

        // The commune's officer announces for the commune's own UBND.
        let b = Browser::new(&app, &c, commune);
        let mut mine: Vec<(&str, &str)> = DECISION.to_vec();
        mine[0] = ("authority", "UBND-32200");
        mine.truncate(12);
        let r = preview(&b, &mine, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(written(&app), before);
        Ok(())
    }
);

db_test!(
    the_online_address_of_a_row_or_a_column_reaches_the_procedure_page,
    |app| {
        setup(&app);
        let c = client(&app).await;
        let officer = add_user(&app, "phapche.tinh", "officer", &["96"]);
        let b = Browser::new(&app, &c, officer);
        let r = b.get("/procedures/cong-bo/moi").await;
        assert!(
            r.body
                .contains("<label for=\"r1-online\">Địa chỉ nộp trực tuyến</label>"),
            "{}",
            r.body
        );
        // A row typed in the form, and a row of the annex with the column.
        let mut fields: Vec<(&str, &str)> = DECISION[..12].to_vec();
        fields.push(("r1_online", "https://dichvucong.camau.gov.vn/tthc/1.002000"));
        let annex = "Mã TTHC,Tên TTHC,Cấp thực hiện,Thời hạn giải quyết,Hình thức công bố,Địa chỉ nộp trực tuyến\n1.002003,Cấp bản sao trích lục hộ tịch,Cấp xã,3,Mới ban hành,https://dichvucong.camau.gov.vn/tthc/1.002003\n";
        let before = written(&app);
        let r = preview(&b, &fields, Some(("a.csv", annex.as_bytes(), "text/csv"))).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(written(&app), before, "the preview wrote something");
        for url in [
            "Nộp trực tuyến: https://dichvucong.camau.gov.vn/tthc/1.002000",
            "Nộp trực tuyến: https://dichvucong.camau.gov.vn/tthc/1.002003",
        ] {
            assert!(r.body.contains(url), "{url}: {}", r.body);
        }
        let draft = draft_of(&r.body);
        let r = b
            .post_form("/procedures/cong-bo/moi/luu", &[("draft", &draft)])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        for code in ["1.002000", "1.002003"] {
            let r = c
                .send(TestRequest::get().uri(&format!("/procedures/{code}")))
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
            assert!(
                r.body.contains(&format!(
                    "href=\"https:&#x2F;&#x2F;dichvucong.camau.gov.vn&#x2F;tthc&#x2F;{code}\""
                )) || r.body.contains(&format!(
                    "href=\"https://dichvucong.camau.gov.vn/tthc/{code}\""
                )),
                "{code}: {}",
                r.body
            );
            assert!(r.body.contains(">Nộp trực tuyến</a>"), "{code}");
        }
        Ok(())
    }
);
