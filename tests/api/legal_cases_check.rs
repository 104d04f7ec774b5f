//! Legal test suite, `vanban check` half (issue 15, item 8): each case imports a small JSON
//! Lines scenario into a fresh database and expects exactly the named finding codes, on
//! SQLite and PostgreSQL. Each case names the article of law it implements.

use crate::db_test;
use crate::helpers::TestApp;

/// Units and authorities every case starts from: Cà Mau (province), Đầm Dơi (a district that
/// ended on 30/6/2025), Tân Duyệt (a commune of that district) and Đầm Dơi (a commune from
/// 1/7/2025).
const BASE: &str = r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh","valid_from":"1997-01-01"}
{"kind":"unit","code":"970","name":"Huyện Đầm Dơi","level":"huyen","parent":"96","valid_from":"1997-01-01","valid_to":"2025-06-30"}
{"kind":"unit","code":"32167","name":"Xã Tân Duyệt","level":"xa","parent":"970","valid_from":"1997-01-01","valid_to":"2025-06-30"}
{"kind":"unit","code":"32153","name":"Xã Đầm Dơi","level":"xa","parent":"96","valid_from":"2025-07-01"}
{"kind":"authority","code":"QH","name":"Quốc hội","type":"central"}
{"kind":"authority","code":"HDND-96","name":"Hội đồng nhân dân tỉnh Cà Mau","type":"hdnd","unit":"96"}
{"kind":"authority","code":"UBND-96","name":"Ủy ban nhân dân tỉnh Cà Mau","type":"ubnd","unit":"96"}
{"kind":"authority","code":"CTUBND-96","name":"Chủ tịch Ủy ban nhân dân tỉnh Cà Mau","type":"chu_tich_ubnd","unit":"96"}
{"kind":"authority","code":"UBND-970","name":"Ủy ban nhân dân huyện Đầm Dơi","type":"ubnd","unit":"970"}
{"kind":"authority","code":"UBND-32167","name":"Ủy ban nhân dân xã Tân Duyệt","type":"ubnd","unit":"32167"}
{"kind":"authority","code":"HDND-32153","name":"Hội đồng nhân dân xã Đầm Dơi","type":"hdnd","unit":"32153"}
{"kind":"authority","code":"UBND-32153","name":"Ủy ban nhân dân xã Đầm Dơi","type":"ubnd","unit":"32153"}
"#;

const TEXT: &str = "Điều 1. Phạm vi\\nNội dung.\\nĐiều 2. Mức hỗ trợ\\n1. Mức một.\\n2. Mức hai.\\nĐiều 3. Hiệu lực\\nThi hành.";

/// A document line; `extra` adds fields (`"normative":true`, `"end_on":"…"`).
fn doc(
    authority: &str,
    ty: &str,
    number: &str,
    issued: &str,
    effective: &str,
    extra: &str,
) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(",{extra}")
    };
    format!(
        r#"{{"kind":"document","authority":"{authority}","type":"{ty}","number":"{number}","title":"Văn bản {number}","issued_on":"{issued}","effective_on":"{effective}"{extra},"text":"{TEXT}"}}"#
    )
}

/// An effect line: `acting` and `target` as (authority, number).
fn effect(
    acting: (&str, &str),
    target: (&str, &str),
    ty: &str,
    provisions: &[&str],
    on: &str,
) -> String {
    let provisions: Vec<String> = provisions.iter().map(|p| format!("\"{p}\"")).collect();
    format!(
        r#"{{"kind":"effect","acting":{{"authority":"{}","number":"{}"}},"target":{{"authority":"{}","number":"{}"}},"type":"{ty}","provisions":[{}],"effective_on":"{on}"}}"#,
        acting.0,
        acting.1,
        target.0,
        target.1,
        provisions.join(",")
    )
}

/// The provincial resolution most cases act on: signed 1/7/2019, in force 15/7/2019.
const A: (&str, &str) = ("HDND-96", "01/2019/NQ-HĐND");

fn a() -> String {
    doc(A.0, "Nghị quyết", A.1, "2019-07-01", "2019-07-15", "")
}

struct Case {
    article: &'static str,
    /// JSON Lines imported one after the other (each without error).
    steps: Vec<String>,
    expect: &'static [&'static str],
}

fn case(article: &'static str, lines: &[String], expect: &'static [&'static str]) -> Case {
    Case {
        article,
        steps: vec![lines.join("\n")],
        expect,
    }
}

fn issuer_cases() -> Vec<Case> {
    vec![
        case("Luật 80/2015 Điều 151.1: a provincial resolution 10 days after signing", &[a()], &[]),
        case(
            "Luật 80/2015 Điều 151.1: a provincial decision 9 days after signing",
            &[doc("UBND-96", "Quyết định", "05/2019/QĐ-UBND", "2019-03-01", "2019-03-10", "")],
            &["effective-too-soon"],
        ),
        case(
            "Luật 80/2015 Điều 151.1: a district decision 7 days after signing",
            &[doc("UBND-970", "Quyết định", "03/2019/QĐ-UBND", "2019-03-18", "2019-03-25", "")],
            &[],
        ),
        case(
            "Luật 80/2015 Điều 151.1: a commune decision 7 days after signing, before 1/4/2025",
            &[doc("UBND-32167", "Quyết định", "04/2024/QĐ-UBND", "2024-12-20", "2024-12-27", "")],
            &[],
        ),
        case(
            "Luật 64/2025 Điều 53.1 and Điều 4: a district decision 7 days after signing on 2/4/2025",
            &[doc("UBND-970", "Quyết định", "02/2025/QĐ-UBND", "2025-04-02", "2025-04-09", "")],
            &["effective-too-soon", "issuer-cannot-issue"],
        ),
        case(
            "Luật 87/2025 Điều 1: a commune decision after 1/7/2025, 12 days after signing",
            &[doc("UBND-32153", "Quyết định", "02/2025/QĐ-UBND", "2025-09-10", "2025-09-22", "")],
            &[],
        ),
        case(
            "Luật 64/2025 Điều 53.1: a commune decision 5 days after signing in 2025",
            &[doc("UBND-32153", "Quyết định", "03/2025/QĐ-UBND", "2025-09-10", "2025-09-15", "")],
            &["effective-too-soon"],
        ),
        case(
            "Luật 87/2025 Điều 1: a commune resolution after 1/7/2025",
            &[doc("HDND-32153", "Nghị quyết", "01/2025/NQ-HĐND", "2025-08-01", "2025-08-15", "")],
            &[],
        ),
        case(
            "Luật 80/2015 Điều 4: the provincial chairman issues no legal normative decision in 2024",
            &[doc("CTUBND-96", "Quyết định", "07/2024/QĐ-UBND", "2024-06-01", "2024-06-15", "")],
            &["issuer-cannot-issue"],
        ),
        case(
            "Luật 87/2025 Điều 1: the provincial chairman's decision from 1/7/2025",
            &[doc("CTUBND-96", "Quyết định", "09/2025/QĐ-UBND", "2025-07-15", "2025-07-28", "")],
            &[],
        ),
        case(
            "Luật 64/2025 Điều 4: a commune decision between 1/4 and 30/6/2025",
            &[doc("UBND-32167", "Quyết định", "01/2025/QĐ-UBND", "2025-05-15", "2025-05-30", "")],
            &["issuer-cannot-issue"],
        ),
        case(
            "Luật 80/2015 Điều 4: a Chỉ thị from 1/7/2016 is not normative by default",
            &[doc("UBND-96", "Chỉ thị", "05/2018/CT-UBND", "2018-01-22", "2018-01-24", "")],
            &[],
        ),
        case(
            "Luật 80/2015 Điều 4: a Chỉ thị filed as normative in 2018",
            &[doc("UBND-96", "Chỉ thị", "06/2018/CT-UBND", "2018-01-22", "2018-02-05", r#""normative":true"#)],
            &["issuer-cannot-issue"],
        ),
        case(
            "Luật 31/2004 Điều 1: a Chỉ thị of the provincial committee before 1/7/2016",
            &[doc("UBND-96", "Chỉ thị", "05/2015/CT-UBND", "2015-04-01", "2015-04-15", "")],
            &[],
        ),
        case(
            "Luật 80/2015 Điều 8: an individual decision (no year) is outside the law's rules",
            &[doc("CTUBND-96", "Quyết định", "1825/QĐ-UBND", "2019-09-05", "2019-09-07", "")],
            &[],
        ),
        case(
            "Luật 80/2015 Điều 8: a document stated non-normative is outside the gap rule",
            &[doc("UBND-96", "Quyết định", "11/2019/QĐ-UBND", "2019-03-01", "2019-03-02", r#""normative":false"#)],
            &[],
        ),
        case(
            "Luật 80/2015 Điều 8: an NQ-HĐND number filed as a Quyết định",
            &[doc("UBND-96", "Quyết định", "12/2019/NQ-HĐND", "2019-03-01", "2019-03-15", "")],
            &["symbol-contradicts-type"],
        ),
        case(
            "Luật 72/2025: signed by the district committee after its unit ended on 30/6/2025",
            &[doc("UBND-970", "Quyết định", "500/QĐ-UBND", "2025-08-01", "2025-08-01", "")],
            &["signed-after-unit-ended"],
        ),
    ]
}

fn effect_cases() -> Vec<Case> {
    let b = ("HDND-96", "02/2020/NQ-HĐND");
    let b_doc = doc(b.0, "Nghị quyết", b.1, "2020-07-10", "2020-07-20", "");
    let c = ("HDND-96", "03/2021/NQ-HĐND");
    let c_doc = doc(c.0, "Nghị quyết", c.1, "2021-07-10", "2021-07-20", "");
    vec![
        case(
            "Luật 80/2015 Điều 152.3: a repeal dated before the repealing resolution takes effect",
            &[a(), b_doc.clone(), effect(b, A, "repeal", &["Điều 2"], "2020-07-15")],
            &["retroactive-effect"],
        ),
        case(
            "Luật 64/2025 Điều 54: an amendment dated before the 2026 resolution takes effect",
            &[
                a(),
                doc("HDND-96", "Nghị quyết", "20/2025/NQ-HĐND", "2025-12-12", "2026-01-01", ""),
                effect(("HDND-96", "20/2025/NQ-HĐND"), A, "amend", &["khoản 1 Điều 2"], "2025-12-20"),
            ],
            &["retroactive-effect"],
        ),
        case(
            "Luật 80/2015 Điều 151: an effect dated before its acting document was signed (error only)",
            &[a(), b_doc.clone(), effect(b, A, "repeal", &["Điều 2"], "2020-07-01")],
            &["effect-before-acting-issued"],
        ),
        case(
            "Luật 80/2015 Điều 154.1: amending a provision already repealed",
            &[
                a(),
                b_doc.clone(),
                c_doc.clone(),
                effect(b, A, "repeal", &["Điều 2"], "2020-07-20"),
                effect(c, A, "amend", &["khoản 1 Điều 2"], "2021-07-20"),
            ],
            &["effect-on-ceased-provision"],
        ),
        case(
            "Luật 80/2015 Điều 154.1.a: repealing a resolution whose term had ended",
            &[
                doc(A.0, "Nghị quyết", A.1, "2019-07-01", "2019-07-15", r#""end_on":"2020-12-31""#),
                c_doc.clone(),
                effect(c, A, "repeal", &[], "2021-07-20"),
            ],
            &["effect-on-ceased-provision"],
        ),
        case(
            "Luật 80/2015 Điều 154.1: suspending a provision already replaced",
            &[
                a(),
                b_doc.clone(),
                c_doc.clone(),
                effect(b, A, "replace", &["Điều 3"], "2020-07-20"),
                effect(c, A, "suspend", &["Điều 3"], "2021-07-20"),
            ],
            &["effect-on-ceased-provision"],
        ),
        case(
            "Luật 64/2025 Điều 57.1: an amendment ends the old wording, not the provision; a later repeal is lawful",
            &[
                a(),
                b_doc.clone(),
                c_doc.clone(),
                effect(b, A, "amend", &["Điều 2"], "2020-07-20"),
                effect(c, A, "repeal", &["Điều 2"], "2021-07-20"),
            ],
            &[],
        ),
        case(
            "Luật 80/2015 Điều 151: amending a resolution before it takes effect",
            &[
                doc(A.0, "Nghị quyết", A.1, "2020-12-10", "2021-01-01", ""),
                b_doc.clone(),
                effect(b, A, "amend", &["Điều 1"], "2020-07-20"),
            ],
            &["effect-on-target-not-in-force"],
        ),
        case(
            "Luật 80/2015 Điều 154.1.b: two resolutions amending each other",
            &[
                a(),
                b_doc.clone(),
                effect(b, A, "amend", &["Điều 1"], "2020-07-20"),
                effect(A, b, "amend", &["Điều 1"], "2020-07-20"),
            ],
            &["effect-cycle"],
        ),
    ]
}

/// Ceasing through a container or a declared expiry, and a central acting document.
fn containment_cases() -> Vec<Case> {
    let b = ("HDND-96", "02/2020/NQ-HĐND");
    let b_doc = doc(b.0, "Nghị quyết", b.1, "2020-07-10", "2020-07-20", "");
    let c = ("HDND-96", "03/2021/NQ-HĐND");
    let c_doc = doc(c.0, "Nghị quyết", c.1, "2021-07-10", "2021-07-20", "");
    vec![
        case(
            "Luật 80/2015 Điều 154.1: amending an article of a chapter already repealed",
            &[
                a().replace(TEXT, CHAPTERED),
                b_doc.clone(),
                c_doc.clone(),
                effect(b, A, "repeal", &["Chương I"], "2020-07-20"),
                effect(c, A, "amend", &["Điều 2"], "2021-07-20"),
            ],
            &["effect-on-ceased-provision"],
        ),
        case(
            "Luật 64/2025 Điều 57: amending an article declared expired",
            &[
                a(),
                doc("HDND-96", "Nghị quyết", "05/2026/NQ-HĐND", "2026-04-17", "2026-05-01", ""),
                r#"{"kind":"declared_expiry","document":{"authority":"HDND-96","number":"01/2019/NQ-HĐND"},"provisions":["Điều 3"],"effective_on":"2026-01-01","decision":7}"#.into(),
                effect(("HDND-96", "05/2026/NQ-HĐND"), A, "amend", &["Điều 3"], "2026-05-01"),
            ],
            &["effect-on-ceased-provision"],
        ),
        case(
            "Luật 80/2015 Điều 152.3: retroactivity is a rule for local documents, not central ones",
            &[
                a(),
                doc("QH", "Luật", "90/2020/QH14", "2020-06-17", "2021-01-01", ""),
                effect(("QH", "90/2020/QH14"), A, "repeal", &["Điều 2"], "2020-07-01"),
            ],
            &[],
        ),
    ]
}

/// A's text in two chapters: Điều 1–2 in Chương I, Điều 3 in Chương II.
const CHAPTERED: &str = "Chương I\\nQUY ĐỊNH CHUNG\\nĐiều 1. Phạm vi\\nNội dung.\\nĐiều 2. Mức hỗ trợ\\nMức.\\nChương II\\nTHI HÀNH\\nĐiều 3. Hiệu lực\\nThi hành.";

/// References that import refuses, made by damage from outside vanban (a step `SQL: …`):
/// an effect and a declared expiry naming an article the resolution does not have.
fn missing_cases() -> Vec<Case> {
    let b = ("HDND-96", "02/2020/NQ-HĐND");
    let b_doc = doc(b.0, "Nghị quyết", b.1, "2020-07-10", "2020-07-20", "");
    let expiry = r#"{"kind":"declared_expiry","document":{"authority":"HDND-96","number":"01/2019/NQ-HĐND"},"provisions":["Điều 3"],"effective_on":"2026-01-01","decision":7}"#;
    vec![
        Case {
            article: "Luật 80/2015 Điều 154.1: a repeal naming an article the resolution does not have",
            steps: vec![
                [a(), b_doc, effect(b, A, "repeal", &["Điều 3"], "2020-07-20")].join("\n"),
                r#"SQL: UPDATE effects SET provisions = '["dieu-9"]'"#.into(),
            ],
            expect: &["missing-provision"],
        },
        Case {
            article: "Luật 64/2025 Điều 57.2: a declared expiry naming an article the resolution does not have",
            steps: vec![
                [a(), expiry.to_string()].join("\n"),
                r#"SQL: UPDATE declared_expiries SET provisions = '["dieu-9"]'"#.into(),
            ],
            expect: &["expiry-missing-provision"],
        },
    ]
}

/// The finer law: provisions with their own dates, kept provisions.
fn finer_cases() -> Vec<Case> {
    let b = ("HDND-96", "02/2020/NQ-HĐND");
    let b_doc = doc(b.0, "Nghị quyết", b.1, "2020-07-10", "2020-07-20", "");
    let own = doc(
        A.0,
        "Nghị quyết",
        A.1,
        "2019-07-01",
        "2019-07-15",
        r#""provisions_effective":[{"provisions":["Điều 2"],"effective_on":"2021-01-01"}]"#,
    );
    let detail = ("UBND-96", "05/2019/QĐ-UBND");
    let detail_doc = doc(
        detail.0,
        "Quyết định",
        detail.1,
        "2019-08-01",
        "2019-08-15",
        "",
    );
    vec![
        case(
            "Luật 80/2015 Điều 151: an amendment of an article before the article takes effect on its own date",
            &[own.clone(), b_doc.clone(), effect(b, A, "amend", &["khoản 1 Điều 2"], "2020-07-20")],
            &["effect-on-target-not-in-force"],
        ),
        case(
            "Luật 80/2015 Điều 151: an amendment of another article, in force, is no finding",
            &[own, b_doc.clone(), effect(b, A, "amend", &["Điều 1"], "2020-07-20")],
            &[],
        ),
        case(
            "Luật 64/2025 Điều 53: a class end before its basis takes effect",
            &[
                a(),
                doc("QH", "Luật", "64/2025/QH15", "2025-02-19", "2025-04-01", ""),
                r#"{"kind":"class_end","basis":{"authority":"QH","number":"64/2025/QH15"},"provision":"Điều 3","ceases_on":"2025-01-01"}"#.into(),
            ],
            &["class-end-before-basis"],
        ),
        case(
            "Luật 64/2025 Điều 53: a class end after its basis takes effect is no finding",
            &[
                a(),
                doc("QH", "Luật", "64/2025/QH15", "2025-02-19", "2025-04-01", ""),
                r#"{"kind":"class_end","basis":{"authority":"QH","number":"64/2025/QH15"},"provision":"Điều 3","ceases_on":"2027-03-01"}"#.into(),
            ],
            &[],
        ),
        case(
            "Luật 80/2015 Điều 154.2: keeping provisions of a document that details nothing",
            &[a(), b_doc.clone(), detail_doc.clone(), effect(b, detail, "keep", &["Điều 1"], "2020-07-20")],
            &["keep-without-basis"],
        ),
        case(
            "Luật 80/2015 Điều 154.2: keeping provisions of a detailing document is no finding",
            &[
                a(),
                b_doc,
                detail_doc,
                effect(detail, A, "implements", &[], "2019-08-15"),
                effect(b, A, "replace", &[], "2020-07-20"),
                effect(b, detail, "keep", &["Điều 1"], "2020-07-20"),
            ],
            &[],
        ),
    ]
}

fn sql(app: &TestApp, q: &str) -> anyhow::Result<()> {
    use diesel::RunQueryDsl;
    let mut conn = app.pool.get()?;
    match &mut conn {
        vanban::db::Conn::Sqlite(c) => diesel::sql_query(q).execute(&mut **c)?,
        vanban::db::Conn::Pg(c) => diesel::sql_query(q).execute(&mut **c)?,
    };
    Ok(())
}

async fn fresh(like: &TestApp) -> anyhow::Result<TestApp> {
    if like.url.starts_with("postgres") {
        TestApp::postgres()?.ok_or_else(|| anyhow::anyhow!("no PostgreSQL"))
    } else {
        TestApp::sqlite()
    }
}

db_test!(each_legal_case_gives_exactly_its_findings, |app| {
    let mut cases = issuer_cases();
    cases.extend(effect_cases());
    cases.extend(containment_cases());
    cases.extend(missing_cases());
    cases.extend(finer_cases());
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let db = fresh(&app).await?;
        let r = db.import_str("base.jsonl", BASE)?;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        for step in &c.steps {
            if let Some(q) = step.strip_prefix("SQL: ") {
                sql(&db, q)?;
                continue;
            }
            let r = db.import_str("case.jsonl", step)?;
            assert!(r.errors.is_empty(), "{}: {:?}", c.article, r.errors);
        }
        let mut conn = db.pool.get()?;
        let findings = vanban::registry::check::run(&mut conn.db())?;
        let mut got: Vec<&str> = findings.iter().map(|f| f.code.code()).collect();
        got.sort_unstable();
        let mut want = c.expect.to_vec();
        want.sort_unstable();
        if got != want {
            failures.push(format!(
                "{}: expected {want:?}, got {findings:#?}",
                c.article
            ));
        }
        for f in &findings {
            assert!(
                !f.article.is_empty() && f.message.contains(f.article),
                "{f:?}"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    Ok(())
});
