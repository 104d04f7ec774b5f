//! The status rules on both databases: each case imports a small scenario (a base document
//! with chapters, articles, clauses and points, the documents acting on it and their effects)
//! through the importer, then reads `/api/v1/documents/{id}` on a date: the document's status
//! and its provisions'. Each case names the article of law it follows. Cases number their
//! documents apart, so one database holds them all.

use std::collections::HashMap;

use crate::db_test;
use crate::helpers::TestApp;

const HEADER: &str = r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"authority","code":"HDND-96","name":"Hội đồng nhân dân tỉnh Cà Mau","type":"hdnd","unit":"96"}
"#;

/// Chương I (Điều 1; Điều 2 with khoản 1 and khoản 2, its điểm a and b), Chương II (Điều 3, 4).
const BASE_TEXT: &str = "Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\nNội dung Điều 1.\nĐiều 2. Mức hỗ trợ\n1. Khoản một.\n2. Khoản hai:\na) Điểm a;\nb) Điểm b.\nChương II\nTỔ CHỨC THỰC HIỆN\nĐiều 3. Giao nhiệm vụ\nNội dung Điều 3.\nĐiều 4. Hiệu lực\nNội dung Điều 4.";

#[derive(Clone, Copy)]
enum Who {
    Base,
    Act(usize),
}

/// A document acting on the base (or on another acting document): issued, effective dates.
struct Acting {
    issued: &'static str,
    effective: &'static str,
}

struct Eff {
    acting: Who,
    target: Who,
    kind: &'static str,
    provisions: &'static [&'static str],
    on: &'static str,
    until: Option<&'static str>,
}

struct Case {
    name: &'static str,
    law: &'static str,
    base_end: Option<&'static str>,
    acting: &'static [Acting],
    effects: &'static [Eff],
    /// The document whose status is read.
    read: Who,
    date: &'static str,
    document: &'static str,
    provisions: &'static [(&'static str, &'static str)],
}

const fn act(issued: &'static str, effective: &'static str) -> Acting {
    Acting { issued, effective }
}

const fn eff(
    acting: Who,
    target: Who,
    kind: &'static str,
    provisions: &'static [&'static str],
    on: &'static str,
) -> Eff {
    Eff {
        acting,
        target,
        kind,
        provisions,
        on,
        until: None,
    }
}

const fn on_base(kind: &'static str, provisions: &'static [&'static str], on: &'static str) -> Eff {
    eff(Who::Act(0), Who::Base, kind, provisions, on)
}

const A2020: &[Acting] = &[act("2019-12-01", "2020-01-01")];
const BASE: Who = Who::Base;

const CHUA: &str = "chua-co-hieu-luc";
const CON: &str = "con-hieu-luc";
const SUA: &str = "duoc-sua-doi-bo-sung";
const HET: &str = "het-hieu-luc-toan-bo";
const HET_PART: &str = "het-hieu-luc-mot-phan";
const NGUNG: &str = "ngung-hieu-luc-toan-bo";
const NGUNG_PART: &str = "ngung-hieu-luc-mot-phan";

const CASES: &[Case] = &[
    Case {
        name: "before its effective date",
        law: "Luật 80/2015 Điều 151",
        base_end: None,
        acting: &[],
        effects: &[],
        read: BASE,
        date: "2018-12-31",
        document: CHUA,
        provisions: &[("dieu-1", CHUA), ("dieu-2/khoan-2/diem-a", CHUA)],
    },
    Case {
        name: "term: ceased the day after its last day",
        law: "Luật 80/2015 Điều 154 khoản 1 điểm a",
        base_end: Some("2020-12-31"),
        acting: &[],
        effects: &[],
        read: BASE,
        date: "2021-01-01",
        document: HET,
        provisions: &[("dieu-3", HET)],
    },
    Case {
        name: "whole replacement",
        law: "Luật 80/2015 Điều 154 khoản 1 điểm b",
        base_end: None,
        acting: A2020,
        effects: &[on_base("replace", &[], "2020-01-01")],
        read: BASE,
        date: "2020-01-01",
        document: HET,
        provisions: &[("chuong-I", HET), ("dieu-2/khoan-1", HET)],
    },
    Case {
        name: "one point repealed: ceased in part above it",
        law: "Luật 80/2015 Điều 154 khoản 1 điểm c",
        base_end: None,
        acting: A2020,
        effects: &[on_base("repeal", &["điểm a khoản 2 Điều 2"], "2020-01-01")],
        read: BASE,
        date: "2020-01-01",
        document: HET_PART,
        provisions: &[
            ("dieu-2/khoan-2/diem-a", HET),
            ("dieu-2/khoan-2/diem-b", CON),
            ("dieu-2/khoan-2", HET_PART),
            ("dieu-2", HET_PART),
            ("chuong-I", HET_PART),
            ("dieu-1", CON),
            ("chuong-II", CON),
        ],
    },
    Case {
        name: "every clause repealed one at a time: the article ceased",
        law: "Luật 80/2015 Điều 154 khoản 1 điểm c (from the lowest level up)",
        base_end: None,
        acting: &[
            act("2019-12-01", "2020-01-01"),
            act("2020-11-01", "2021-01-01"),
        ],
        effects: &[
            on_base("repeal", &["khoản 1 Điều 2"], "2020-01-01"),
            eff(
                Who::Act(1),
                BASE,
                "repeal",
                &["khoản 2 Điều 2"],
                "2021-01-01",
            ),
        ],
        read: BASE,
        date: "2021-01-01",
        document: HET_PART,
        provisions: &[
            ("dieu-2", HET),
            ("dieu-2/khoan-2/diem-b", HET),
            ("dieu-1", CON),
        ],
    },
    Case {
        name: "every provision ceased part by part: ceased in whole",
        law: "Luật 80/2015 Điều 154; Luật 64/2025 Điều 57",
        base_end: None,
        acting: &[
            act("2019-12-01", "2020-01-01"),
            act("2020-11-01", "2021-01-01"),
        ],
        effects: &[
            on_base(
                "repeal",
                &["Điều 1", "khoản 1 Điều 2", "khoản 2 Điều 2"],
                "2020-01-01",
            ),
            eff(Who::Act(1), BASE, "replace", &["Chương II"], "2021-01-01"),
        ],
        read: BASE,
        date: "2021-01-01",
        document: HET,
        provisions: &[("dieu-4", HET)],
    },
    Case {
        name: "amended clause: in force with its new wording",
        law: "Luật 80/2015 Điều 154 khoản 1 điểm b; Luật 64/2025 Điều 57 khoản 1 điểm b",
        base_end: None,
        acting: A2020,
        effects: &[on_base("amend", &["khoản 1 Điều 2"], "2020-01-01")],
        read: BASE,
        date: "2020-06-01",
        document: HET_PART,
        provisions: &[
            ("dieu-2/khoan-1", SUA),
            ("dieu-2", SUA),
            ("dieu-2/khoan-2", CON),
            ("dieu-1", CON),
        ],
    },
    Case {
        name: "every article amended: not ceased in whole",
        law: "Luật 80/2015 Điều 154 (amendment never counts as ceasing)",
        base_end: None,
        acting: A2020,
        effects: &[on_base(
            "amend",
            &["Điều 1", "Điều 2", "Điều 3", "Điều 4"],
            "2020-01-01",
        )],
        read: BASE,
        date: "2020-06-01",
        document: HET_PART,
        provisions: &[("dieu-1", SUA), ("dieu-4", SUA)],
    },
    Case {
        name: "amended in part and repealed in part: ceased in part",
        law: "Luật 80/2015 Điều 154; Luật 64/2025 Điều 57",
        base_end: None,
        acting: A2020,
        effects: &[
            on_base("amend", &["Chương I"], "2020-01-01"),
            on_base("repeal", &["Chương II"], "2020-01-01"),
        ],
        read: BASE,
        date: "2020-06-01",
        document: HET_PART,
        provisions: &[("dieu-1", SUA), ("dieu-3", HET), ("chuong-II", HET)],
    },
    Case {
        name: "added article (bổ sung Điều 5a): not yet before its date",
        law: "Luật 80/2015 Điều 154 khoản 1 điểm b",
        base_end: None,
        acting: A2020,
        effects: &[on_base("amend", &["Điều 5a"], "2020-01-01")],
        read: BASE,
        date: "2019-12-31",
        document: CON,
        provisions: &[("dieu-5a", CHUA), ("dieu-1", CON)],
    },
    Case {
        name: "added article (bổ sung Điều 5a): in force from its date",
        law: "Luật 80/2015 Điều 154 khoản 1 điểm b",
        base_end: None,
        acting: A2020,
        effects: &[on_base("amend", &["Điều 5a"], "2020-01-01")],
        read: BASE,
        date: "2020-01-01",
        document: HET_PART,
        provisions: &[("dieu-5a", SUA), ("dieu-1", CON)],
    },
    Case {
        name: "added clause in an existing article",
        law: "Luật 80/2015 Điều 154 khoản 1 điểm b",
        base_end: None,
        acting: A2020,
        effects: &[on_base("amend", &["khoản 3 Điều 2"], "2020-01-01")],
        read: BASE,
        date: "2020-01-01",
        document: HET_PART,
        provisions: &[
            ("dieu-2/khoan-3", SUA),
            ("dieu-2", SUA),
            ("dieu-2/khoan-1", CON),
        ],
    },
    Case {
        name: "replacing a provision ends it",
        law: "Luật 80/2015 Điều 154 khoản 1 điểm b",
        base_end: None,
        acting: A2020,
        effects: &[on_base("replace", &["Điều 3"], "2020-01-01")],
        read: BASE,
        date: "2020-01-01",
        document: HET_PART,
        provisions: &[("dieu-3", HET), ("chuong-II", HET_PART), ("dieu-4", CON)],
    },
    Case {
        name: "an acting document not yet in force on the effect's date acts not",
        law: "Luật 80/2015 Điều 151–152 (an acting document acts only when in force)",
        base_end: None,
        acting: &[act("2019-12-01", "2020-03-01")],
        effects: &[on_base("repeal", &[], "2020-01-01")],
        read: BASE,
        date: "2020-06-01",
        document: CON,
        provisions: &[("dieu-1", CON)],
    },
    Case {
        name: "an acting document repealed before it took effect acts not",
        law: "Luật 80/2015 Điều 154 (an acting document acts only when in force)",
        base_end: None,
        acting: &[
            act("2019-12-01", "2020-03-01"),
            act("2020-01-01", "2020-02-01"),
        ],
        effects: &[
            on_base("replace", &[], "2020-03-01"),
            eff(Who::Act(1), Who::Act(0), "repeal", &[], "2020-02-01"),
        ],
        read: BASE,
        date: "2020-06-01",
        document: CON,
        provisions: &[("chuong-II", CON)],
    },
    Case {
        name: "suspension of a provision in force",
        law: "Luật 80/2015 Điều 153",
        base_end: None,
        acting: A2020,
        effects: &[Eff {
            until: Some("2020-06-30"),
            ..on_base("suspend", &["Điều 1"], "2020-01-01")
        }],
        read: BASE,
        date: "2020-03-01",
        document: NGUNG_PART,
        provisions: &[("dieu-1", NGUNG), ("chuong-I", NGUNG_PART), ("dieu-3", CON)],
    },
    Case {
        name: "suspension lifted after its last day",
        law: "Luật 80/2015 Điều 153",
        base_end: None,
        acting: A2020,
        effects: &[Eff {
            until: Some("2020-06-30"),
            ..on_base("suspend", &["Điều 1"], "2020-01-01")
        }],
        read: BASE,
        date: "2020-07-01",
        document: CON,
        provisions: &[("dieu-1", CON)],
    },
    Case {
        name: "suspending a provision already ceased changes nothing",
        law: "Luật 80/2015 Điều 153 (suspension applies to provisions in force)",
        base_end: None,
        acting: &[
            act("2019-12-01", "2020-01-01"),
            act("2020-01-15", "2020-02-01"),
        ],
        effects: &[
            on_base("repeal", &["Điều 1"], "2020-01-01"),
            eff(Who::Act(1), BASE, "suspend", &["Điều 1"], "2020-02-01"),
        ],
        read: BASE,
        date: "2020-03-01",
        document: HET_PART,
        provisions: &[("dieu-1", HET), ("chuong-I", HET_PART)],
    },
    Case {
        name: "every provision in force suspended: suspended in whole",
        law: "Luật 80/2015 Điều 153",
        base_end: None,
        acting: &[
            act("2019-12-01", "2020-01-01"),
            act("2020-01-15", "2020-02-01"),
        ],
        effects: &[
            on_base("repeal", &["Chương I"], "2020-01-01"),
            eff(
                Who::Act(1),
                BASE,
                "suspend",
                &["Điều 3", "Điều 4"],
                "2020-02-01",
            ),
        ],
        read: BASE,
        date: "2020-03-01",
        document: NGUNG,
        provisions: &[("chuong-II", NGUNG), ("chuong-I", HET)],
    },
    Case {
        name: "detailing: base replaced in 2022, ceases with it",
        law: "Luật 80/2015 Điều 154 khoản 2",
        base_end: None,
        acting: &[
            act("2019-02-01", "2019-03-01"),
            act("2021-12-01", "2022-01-01"),
        ],
        effects: &[
            eff(Who::Act(0), BASE, "implements", &[], "2019-03-01"),
            eff(Who::Act(1), BASE, "replace", &[], "2022-01-01"),
        ],
        read: Who::Act(0),
        date: "2022-01-01",
        document: HET,
        provisions: &[],
    },
    Case {
        name: "detailing: base replaced after 1 April 2025, continues",
        law: "Luật 64/2025 Điều 57 khoản 2",
        base_end: None,
        acting: &[
            act("2019-02-01", "2019-03-01"),
            act("2025-04-10", "2025-05-01"),
        ],
        effects: &[
            eff(Who::Act(0), BASE, "implements", &[], "2019-03-01"),
            eff(Who::Act(1), BASE, "replace", &[], "2025-05-01"),
        ],
        read: Who::Act(0),
        date: "2025-06-01",
        document: CON,
        provisions: &[],
    },
    Case {
        name: "detailing: base repealed after 1 April 2025, ceases with it",
        law: "Luật 64/2025 Điều 57 khoản 1–2",
        base_end: None,
        acting: &[
            act("2019-02-01", "2019-03-01"),
            act("2025-04-10", "2025-05-01"),
        ],
        effects: &[
            eff(Who::Act(0), BASE, "implements", &[], "2019-03-01"),
            eff(Who::Act(1), BASE, "repeal", &[], "2025-05-01"),
        ],
        read: Who::Act(0),
        date: "2025-06-01",
        document: HET,
        provisions: &[],
    },
    Case {
        name: "an acting document that ceased before the effect's date acts not",
        law: "Luật 80/2015 Điều 154 (an acting document acts only when in force)",
        base_end: None,
        acting: &[
            act("2019-12-01", "2020-01-01"),
            act("2020-05-01", "2020-06-01"),
        ],
        effects: &[
            on_base("repeal", &["Điều 1"], "2020-09-01"),
            eff(Who::Act(1), Who::Act(0), "repeal", &[], "2020-06-01"),
        ],
        read: BASE,
        date: "2021-01-01",
        document: CON,
        provisions: &[("dieu-1", CON)],
    },
    Case {
        name: "two documents repealing each other on one day: the loop ends",
        law: "Luật 80/2015 Điều 154 (a cycle is a data error that vanban check reports)",
        base_end: None,
        acting: &[act("2019-12-01", "2020-01-01")],
        effects: &[
            on_base("repeal", &[], "2020-06-01"),
            eff(BASE, Who::Act(0), "repeal", &[], "2020-06-01"),
        ],
        read: BASE,
        date: "2021-01-01",
        document: CON,
        provisions: &[],
    },
];

fn number(case: usize, who: Who) -> String {
    match who {
        Who::Base => format!("{}/2018/NQ-HĐND", 100 + case),
        Who::Act(k) => format!("{}/{{year}}/NQ-HĐND", 500 + case * 5 + k),
    }
}

fn doc_line(number: &str, issued: &str, effective: &str, end: Option<&str>, text: &str) -> String {
    let mut v = serde_json::json!({
        "kind": "document", "authority": "HDND-96", "type": "Nghị quyết", "number": number,
        "title": format!("Nghị quyết {number}"), "issued_on": issued, "effective_on": effective,
        "text": text,
    });
    if let Some(end) = end {
        v["end_on"] = end.into();
    }
    v.to_string()
}

/// The JSON Lines of one case, and the numbers of its documents.
fn scenario(i: usize, c: &Case) -> (String, HashMap<String, String>) {
    let mut numbers = HashMap::new();
    let base = number(i, Who::Base);
    let mut lines = vec![doc_line(
        &base,
        "2018-12-10",
        "2019-01-01",
        c.base_end,
        BASE_TEXT,
    )];
    numbers.insert("base".to_string(), base);
    for (k, a) in c.acting.iter().enumerate() {
        let n = number(i, Who::Act(k)).replace("{year}", &a.issued[..4]);
        lines.push(doc_line(
            &n,
            a.issued,
            a.effective,
            None,
            "Điều 1. Nội dung\nNội dung.",
        ));
        numbers.insert(format!("act{k}"), n);
    }
    let name = |w: Who| match w {
        Who::Base => numbers["base"].clone(),
        Who::Act(k) => numbers[&format!("act{k}")].clone(),
    };
    for e in c.effects {
        let mut v = serde_json::json!({
            "kind": "effect", "type": e.kind, "effective_on": e.on,
            "acting": {"authority": "HDND-96", "number": name(e.acting)},
            "target": {"authority": "HDND-96", "number": name(e.target)},
        });
        if !e.provisions.is_empty() {
            v["provisions"] = e.provisions.into();
        }
        if let Some(u) = e.until {
            v["until"] = u.into();
        }
        lines.push(v.to_string());
    }
    (lines.join("\n") + "\n", numbers)
}

pub(crate) async fn id_of(app: &TestApp, number: &str) -> i64 {
    let path = format!(
        "/api/v1/documents?q={}",
        vanban::web::public::urlencode(number)
    );
    let (status, v) = app.get_json(&path).await;
    assert_eq!(status, 200, "{v}");
    let rows = v["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1, "{number}: {v}");
    rows[0]["id"].as_i64().unwrap_or_default()
}

/// Each provision's status: the one shown, or else its container's (the document's for a
/// top-level provision), as the page leaves it out where it is the same.
pub(crate) fn provision_statuses(page: &serde_json::Value) -> HashMap<String, String> {
    let doc = page["status"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut out: HashMap<String, String> = HashMap::new();
    for n in page["nodes"].as_array().cloned().unwrap_or_default() {
        let key = n["key"].as_str().unwrap_or_default().to_string();
        let own = n["status"]["code"].as_str().map(str::to_string);
        let inherited = key
            .rsplit_once('/')
            .and_then(|(parent, _)| out.get(parent).cloned())
            .unwrap_or_else(|| doc.clone());
        out.insert(key, own.unwrap_or(inherited));
    }
    out
}

db_test!(legal_cases_on_both_databases, |app| {
    assert!(CASES.len() >= 20);
    app.import_str("header.jsonl", HEADER)?;
    for (i, c) in CASES.iter().enumerate() {
        assert!(!c.law.is_empty());
        let (jsonl, numbers) = scenario(i, c);
        let report = app.import_str(&format!("case-{i}.jsonl"), &jsonl);
        assert!(report.is_ok(), "{}: {report:?}\n{jsonl}", c.name);
        let read = match c.read {
            Who::Base => numbers["base"].clone(),
            Who::Act(k) => numbers[&format!("act{k}")].clone(),
        };
        let id = id_of(&app, &read).await;
        let (status, page) = app
            .get_json(&format!("/api/v1/documents/{id}?date={}", c.date))
            .await;
        assert_eq!(status, 200, "{}: {page}", c.name);
        assert_eq!(page["status"]["code"], c.document, "{} ({})", c.name, c.law);
        // The list (one pass over the whole graph) agrees with the page.
        let q = vanban::web::public::urlencode(&read);
        let (_, list) = app
            .get_json(&format!("/api/v1/documents?q={q}&date={}", c.date))
            .await;
        assert_eq!(
            list["rows"][0]["status"]["code"], c.document,
            "{}: list",
            c.name
        );
        let provisions = provision_statuses(&page);
        for (key, want) in c.provisions {
            assert_eq!(
                provisions.get(*key).map(String::as_str),
                Some(*want),
                "{} ({}): {key} in {provisions:?}",
                c.name,
                c.law
            );
        }
    }
    Ok(())
});

db_test!(an_amended_provision_names_its_amendment, |app| {
    app.import_str("header.jsonl", HEADER)?;
    let c = &CASES[6];
    let (jsonl, numbers) = scenario(6, c);
    app.import_str("case.jsonl", &jsonl)?;
    let id = id_of(&app, &numbers["base"]).await;
    let (_, page) = app
        .get_json(&format!("/api/v1/documents/{id}?date=2020-06-01"))
        .await;
    let nodes = page["nodes"].as_array().cloned().unwrap_or_default();
    let clause = nodes
        .iter()
        .find(|n| n["key"] == "dieu-2/khoan-1")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        clause["amended_by"]["document"]["number"],
        numbers["act0"].as_str(),
        "{clause}"
    );
    assert_eq!(clause["amended_by"]["effective_on_iso"], "2020-01-01");
    assert_eq!(clause["amended_by"]["provisions"], "Khoản 1 Điều 2");
    let (_, html) = (
        0,
        app.get(&format!("/documents/{id}?date=2020-06-01")).await.2,
    );
    assert!(html.contains("Được sửa đổi, bổ sung"), "{html}");
    // An added clause is listed inside its article, after the clauses it has.
    let (jsonl, numbers) = scenario(11, &CASES[11]);
    app.import_str("case.jsonl", &jsonl)?;
    let id = id_of(&app, &numbers["base"]).await;
    let (_, page) = app
        .get_json(&format!("/api/v1/documents/{id}?date=2020-06-01"))
        .await;
    let keys: Vec<&str> = page["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["key"].as_str())
        .collect();
    let at = |k: &str| keys.iter().position(|x| *x == k);
    assert!(
        at("dieu-2/khoan-2/diem-b") < at("dieu-2/khoan-3"),
        "{keys:?}"
    );
    assert!(at("dieu-2/khoan-3") < at("chuong-II"), "{keys:?}");
    // The list filters documents by their own statuses only.
    let (status, _) = app
        .get_json("/api/v1/documents?status=duoc-sua-doi-bo-sung")
        .await;
    assert_eq!(status, 400);
    Ok(())
});

db_test!(articles_carry_their_own_status_in_search, |app| {
    app.import_str("header.jsonl", HEADER)?;
    // Khoản 1 Điều 2 amended, Chương II repealed (case 8 of the table).
    let (jsonl, _) = scenario(8, &CASES[8]);
    app.import_str("case.jsonl", &jsonl)?;
    let (status, v) = app
        .get_json("/api/v1/search?q=n%E1%BB%99i%20dung&scope=articles&status=duoc-sua-doi-bo-sung")
        .await;
    assert_eq!(status, 200, "{v}");
    let keys: Vec<&str> = v["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["article"]["key"].as_str())
        .collect();
    assert_eq!(keys, ["dieu-1"], "{v}");
    let (_, v) = app
        .get_json("/api/v1/search?q=n%E1%BB%99i%20dung&scope=articles&status=het-hieu-luc-toan-bo")
        .await;
    let mut keys: Vec<&str> = v["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["article"]["key"].as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["dieu-3", "dieu-4"], "{v}");
    let facets = v["facets"]["status"].to_string();
    assert!(facets.contains("het-hieu-luc-toan-bo"), "{facets}");
    let (status, _) = app.get_json("/api/v1/search?q=x&status=khong-co").await;
    assert_eq!(status, 400);
    Ok(())
});

db_test!(
    the_reason_cites_the_law_in_force_when_the_base_ended,
    |app| {
        app.import_str("header.jsonl", HEADER)?;
        for (i, want) in [
            (
                19,
                "khoản 2 Điều 154 Luật Ban hành văn bản quy phạm pháp luật năm 2015",
            ),
            (
                21,
                "Điều 57 Luật Ban hành văn bản quy phạm pháp luật năm 2025",
            ),
        ] {
            let c = &CASES[i];
            assert_eq!(c.document, HET, "{}", c.name);
            let (jsonl, numbers) = scenario(i, c);
            app.import_str("case.jsonl", &jsonl)?;
            let id = id_of(&app, &numbers["act0"]).await;
            let (_, v) = app
                .get_json(&format!("/api/v1/documents/{id}/status?date={}", c.date))
                .await;
            let reason = v["reason"].as_str().unwrap_or_default();
            assert!(reason.contains(want), "{}: {reason}", c.name);
        }
        Ok(())
    }
);

db_test!(the_status_feed_follows_the_status_rules, |app| {
    app.import_str("header.jsonl", HEADER)?;
    // Case 3: a point repealed; case 13: a repeal by a document not yet in force.
    let mut numbers = Vec::new();
    for i in [3, 13] {
        let (jsonl, n) = scenario(i, &CASES[i]);
        app.import_str("case.jsonl", &jsonl)?;
        numbers.push(n);
    }
    let (status, _, body) = app.get("/feeds/status.atom").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Tình trạng từ ngày đó: Hết hiệu lực một phần."),
        "{body}"
    );
    // The effect that did not act is no status change; the acting document's own coming into
    // force still is.
    let acting = &numbers[1]["act0"];
    let lines: Vec<&str> = body.lines().filter(|l| l.contains("<title>")).collect();
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("bãi bỏ") && l.contains(acting.as_str())),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains(acting.as_str())),
        "{lines:?}"
    );
    Ok(())
});
