//! The status rules, case by case, each naming the article of law it follows, and the
//! properties every answer keeps.

use super::*;
use proptest::prelude::*;
use EffectKind::{Amend, Repeal, Replace, Suspend};
use Status::{
    ChuaCoHieuLuc as Chua, ConHieuLuc as Con, DuocSuaDoiBoSung as Sua,
    HetHieuLucMotPhan as HetPart, HetHieuLucToanBo as Het, NgungHieuLucMotPhan as NgungPart,
    NgungHieuLucToanBo as Ngung,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn prov(key: &str, containers: &[&str]) -> ProvisionFact {
    ProvisionFact {
        key: key.into(),
        containers: containers.iter().map(|c| (*c).to_string()).collect(),
    }
}

/// A document in force from 2019-01-01 with flat articles.
fn doc(articles: &[&str]) -> DocumentFacts {
    DocumentFacts {
        effective_on: d("2019-01-01"),
        provisions: articles.iter().map(|k| prov(k, &[])).collect(),
        ..Default::default()
    }
}

/// Chương I (Điều 1; Điều 2 with khoản 1, khoản 2 and its điểm a, b), Chương II (Điều 3, 4).
fn structured() -> DocumentFacts {
    let mut x = doc(&[]);
    x.provisions = vec![
        prov("chuong-I", &[]),
        prov("dieu-1", &["chuong-I"]),
        prov("dieu-2", &["chuong-I"]),
        prov("dieu-2/khoan-1", &["chuong-I", "dieu-2"]),
        prov("dieu-2/khoan-2", &["chuong-I", "dieu-2"]),
        prov(
            "dieu-2/khoan-2/diem-a",
            &["chuong-I", "dieu-2", "dieu-2/khoan-2"],
        ),
        prov(
            "dieu-2/khoan-2/diem-b",
            &["chuong-I", "dieu-2", "dieu-2/khoan-2"],
        ),
        prov("chuong-II", &[]),
        prov("dieu-3", &["chuong-II"]),
        prov("dieu-4", &["chuong-II"]),
    ];
    x
}

fn effect(kind: EffectKind, provisions: &[&str], on: &str) -> EffectFact {
    EffectFact::new(
        kind,
        provisions.iter().map(|p| (*p).to_string()).collect(),
        d(on),
        None,
    )
}

fn until(mut e: EffectFact, last: &str) -> EffectFact {
    e.until = Some(d(last));
    e
}

fn inert(mut e: EffectFact) -> EffectFact {
    e.acts = false;
    e
}

fn basis(on: &str, by_replacement: bool) -> Option<BasisEnd> {
    Some(BasisEnd {
        on: d(on),
        by_replacement,
    })
}

/// One case of the legal table: the facts, the date, the document's status and some
/// provisions' statuses.
struct Case {
    name: &'static str,
    law: &'static str,
    facts: DocumentFacts,
    date: &'static str,
    document: Status,
    provisions: &'static [(&'static str, Status)],
}

fn with(mut x: DocumentFacts, effects: Vec<EffectFact>) -> DocumentFacts {
    x.received = effects;
    x
}

fn based(mut x: DocumentFacts, bases: Vec<Option<BasisEnd>>) -> DocumentFacts {
    x.implements = bases;
    x
}

fn termed(mut x: DocumentFacts, last: &str) -> DocumentFacts {
    x.end_on = Some(d(last));
    x
}

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    let s = structured;
    vec![
        Case { name: "before its effective date", law: "Luật 80/2015 Điều 151; Luật 64/2025 Điều 53", facts: s(), date: "2018-12-31", document: Chua, provisions: &[("dieu-1", Chua), ("dieu-2/khoan-1", Chua)] },
        Case { name: "in force from its effective date", law: "Luật 80/2015 Điều 151", facts: s(), date: "2019-01-01", document: Con, provisions: &[("dieu-1", Con), ("chuong-II", Con), ("dieu-2/khoan-2/diem-a", Con)] },
        Case { name: "term: in force on its last day", law: "Luật 80/2015 Điều 154 khoản 1 điểm a", facts: termed(s(), "2020-12-31"), date: "2020-12-31", document: Con, provisions: &[] },
        Case { name: "term: ceased the day after", law: "Luật 80/2015 Điều 154 khoản 1 điểm a; Luật 64/2025 Điều 57 khoản 1 điểm a", facts: termed(s(), "2020-12-31"), date: "2021-01-01", document: Het, provisions: &[("dieu-3", Het)] },
        Case { name: "whole repeal", law: "Luật 80/2015 Điều 154 khoản 1 điểm c", facts: with(s(), vec![effect(Repeal, &[], "2021-03-01")]), date: "2021-03-01", document: Het, provisions: &[("dieu-1", Het), ("dieu-2/khoan-2/diem-b", Het)] },
        Case { name: "whole replacement", law: "Luật 80/2015 Điều 154 khoản 1 điểm b; Luật 64/2025 Điều 57 khoản 1 điểm b", facts: with(s(), vec![effect(Replace, &[], "2021-03-01")]), date: "2021-03-01", document: Het, provisions: &[("chuong-I", Het)] },
        Case { name: "repeal of one point: ceased in part at every level above", law: "Luật 80/2015 Điều 154 khoản 1 điểm c", facts: with(s(), vec![effect(Repeal, &["dieu-2/khoan-2/diem-a"], "2020-01-01")]), date: "2020-01-01", document: HetPart, provisions: &[("dieu-2/khoan-2/diem-a", Het), ("dieu-2/khoan-2/diem-b", Con), ("dieu-2/khoan-2", HetPart), ("dieu-2", HetPart), ("chuong-I", HetPart), ("dieu-2/khoan-1", Con), ("chuong-II", Con)] },
        Case { name: "every point of a clause repealed: the clause ceased", law: "Luật 80/2015 Điều 154 khoản 1 điểm c (from the lowest level up)", facts: with(s(), vec![effect(Repeal, &["dieu-2/khoan-2/diem-a"], "2020-01-01"), effect(Repeal, &["dieu-2/khoan-2/diem-b"], "2020-06-01")]), date: "2020-06-01", document: HetPart, provisions: &[("dieu-2/khoan-2", Het), ("dieu-2", HetPart)] },
        Case { name: "every clause repealed one at a time: the article ceased", law: "Luật 80/2015 Điều 154 khoản 1 điểm c (from the lowest level up)", facts: with(s(), vec![effect(Repeal, &["dieu-2/khoan-1"], "2020-01-01"), effect(Repeal, &["dieu-2/khoan-2"], "2021-01-01")]), date: "2021-01-01", document: HetPart, provisions: &[("dieu-2", Het), ("dieu-2/khoan-2/diem-a", Het), ("chuong-I", HetPart), ("dieu-1", Con)] },
        Case { name: "every clause repealed: not yet the article the day before", law: "Luật 80/2015 Điều 154 khoản 1 điểm c", facts: with(s(), vec![effect(Repeal, &["dieu-2/khoan-1"], "2020-01-01"), effect(Repeal, &["dieu-2/khoan-2"], "2021-01-01")]), date: "2020-12-31", document: HetPart, provisions: &[("dieu-2", HetPart), ("dieu-2/khoan-1", Het), ("dieu-2/khoan-2", Con)] },
        Case { name: "every provision ceased clause by clause: the document ceased in whole", law: "Luật 80/2015 Điều 154; Luật 64/2025 Điều 57", facts: with(s(), vec![effect(Repeal, &["dieu-1", "dieu-2/khoan-1"], "2020-01-01"), effect(Repeal, &["dieu-2/khoan-2/diem-a", "dieu-2/khoan-2/diem-b"], "2020-05-01"), effect(Replace, &["chuong-II"], "2021-01-01")]), date: "2021-01-01", document: Het, provisions: &[("dieu-2", Het), ("chuong-II", Het)] },
        Case { name: "a chapter repealed: its articles ceased, the rest in force", law: "Luật 80/2015 Điều 154 khoản 1 điểm c", facts: with(s(), vec![effect(Repeal, &["chuong-II"], "2020-01-01")]), date: "2020-01-01", document: HetPart, provisions: &[("chuong-II", Het), ("dieu-3", Het), ("dieu-4", Het), ("chuong-I", Con)] },
        Case { name: "both chapters repealed on different days: ceased in whole on the later", law: "Luật 80/2015 Điều 154 khoản 1 điểm c", facts: with(s(), vec![effect(Repeal, &["chuong-II"], "2020-01-01"), effect(Repeal, &["chuong-I"], "2022-01-01")]), date: "2022-01-01", document: Het, provisions: &[] },
        Case { name: "amended clause: in force with its new wording", law: "Luật 80/2015 Điều 154 khoản 1 điểm b; Luật 64/2025 Điều 57 khoản 1 điểm b (the old wording ceased)", facts: with(s(), vec![effect(Amend, &["dieu-2/khoan-1"], "2020-06-01")]), date: "2020-06-01", document: HetPart, provisions: &[("dieu-2/khoan-1", Sua), ("dieu-2", Sua), ("chuong-I", Sua), ("dieu-1", Con), ("dieu-2/khoan-2", Con)] },
        Case { name: "amended article: never ceased", law: "Luật 64/2025 Điều 57 khoản 1 điểm b", facts: with(s(), vec![effect(Amend, &["dieu-1"], "2020-06-01")]), date: "2024-01-01", document: HetPart, provisions: &[("dieu-1", Sua)] },
        Case { name: "every article amended: the document is not ceased in whole", law: "Luật 80/2015 Điều 154 (amendment never counts as ceasing)", facts: with(s(), vec![effect(Amend, &["dieu-1", "dieu-2", "dieu-3", "dieu-4"], "2020-06-01")]), date: "2020-06-01", document: HetPart, provisions: &[("dieu-3", Sua), ("dieu-2/khoan-2/diem-a", Sua)] },
        Case { name: "amended in part and repealed in part: ceased in part only", law: "Luật 80/2015 Điều 154; Luật 64/2025 Điều 57", facts: with(s(), vec![effect(Amend, &["chuong-I"], "2020-06-01"), effect(Repeal, &["chuong-II"], "2020-06-01")]), date: "2021-01-01", document: HetPart, provisions: &[("chuong-I", Sua), ("chuong-II", Het)] },
        Case { name: "amended then repealed: ceased", law: "Luật 80/2015 Điều 154 khoản 1 điểm c", facts: with(s(), vec![effect(Amend, &["dieu-1"], "2020-01-01"), effect(Repeal, &["dieu-1"], "2021-01-01")]), date: "2021-01-01", document: HetPart, provisions: &[("dieu-1", Het)] },
        Case { name: "amendment before its date: nothing yet", law: "Luật 80/2015 Điều 152 (no retroactive effect)", facts: with(s(), vec![effect(Amend, &["dieu-1"], "2020-01-01")]), date: "2019-12-31", document: Con, provisions: &[("dieu-1", Con)] },
        Case { name: "added article (bổ sung Điều 5a): not yet before its date", law: "Luật 80/2015 Điều 154 khoản 1 điểm b", facts: with(s(), vec![effect(Amend, &["dieu-5a"], "2020-01-01")]), date: "2019-12-31", document: Con, provisions: &[("dieu-5a", Chua)] },
        Case { name: "added article (bổ sung Điều 5a): in force from its date", law: "Luật 80/2015 Điều 154 khoản 1 điểm b", facts: with(s(), vec![effect(Amend, &["dieu-5a"], "2020-01-01")]), date: "2020-01-01", document: HetPart, provisions: &[("dieu-5a", Sua), ("dieu-1", Con)] },
        Case { name: "added clause inside an existing article", law: "Luật 80/2015 Điều 154 khoản 1 điểm b", facts: with(s(), vec![effect(Amend, &["dieu-2/khoan-3"], "2020-01-01")]), date: "2020-01-01", document: HetPart, provisions: &[("dieu-2/khoan-3", Sua), ("dieu-2", Sua), ("dieu-2/khoan-1", Con)] },
        Case { name: "every original provision repealed, an added one in force: ceased in part", law: "Luật 80/2015 Điều 154", facts: with(s(), vec![effect(Amend, &["dieu-5a"], "2020-01-01"), effect(Repeal, &["chuong-I", "chuong-II"], "2021-01-01")]), date: "2021-01-01", document: HetPart, provisions: &[("dieu-5a", Sua), ("chuong-I", Het)] },
        Case { name: "replacing a provision ends it", law: "Luật 80/2015 Điều 154 khoản 1 điểm b; Luật 64/2025 Điều 57 khoản 1 điểm b", facts: with(s(), vec![effect(Replace, &["dieu-3"], "2020-01-01")]), date: "2020-01-01", document: HetPart, provisions: &[("dieu-3", Het), ("chuong-II", HetPart)] },
        Case { name: "an acting document not yet in force on the effect's date acts not", law: "Luật 80/2015 Điều 151–152 (an acting document acts only when in force)", facts: with(s(), vec![inert(effect(Repeal, &[], "2020-01-01"))]), date: "2021-01-01", document: Con, provisions: &[("dieu-1", Con)] },
        Case { name: "an acting document that ceased acts not on a provision", law: "Luật 80/2015 Điều 154 (an acting document acts only when in force)", facts: with(s(), vec![inert(effect(Repeal, &["dieu-1"], "2020-01-01")), inert(effect(Amend, &["dieu-5a"], "2020-01-01"))]), date: "2021-01-01", document: Con, provisions: &[("dieu-1", Con)] },
        Case { name: "suspension of a provision in force", law: "Luật 80/2015 Điều 153 (ngưng hiệu lực)", facts: with(s(), vec![until(effect(Suspend, &["dieu-1"], "2020-01-01"), "2020-06-30")]), date: "2020-03-01", document: NgungPart, provisions: &[("dieu-1", Ngung), ("chuong-I", NgungPart), ("dieu-3", Con)] },
        Case { name: "suspension lifted after its last day", law: "Luật 80/2015 Điều 153", facts: with(s(), vec![until(effect(Suspend, &["dieu-1"], "2020-01-01"), "2020-06-30")]), date: "2020-07-01", document: Con, provisions: &[("dieu-1", Con)] },
        Case { name: "suspending a provision already ceased changes nothing", law: "Luật 80/2015 Điều 153 (suspension applies to provisions in force)", facts: with(s(), vec![effect(Repeal, &["dieu-1"], "2020-01-01"), effect(Suspend, &["dieu-1"], "2020-02-01")]), date: "2020-03-01", document: HetPart, provisions: &[("dieu-1", Het), ("chuong-I", HetPart)] },
        Case { name: "every provision still in force suspended: suspended in whole", law: "Luật 80/2015 Điều 153", facts: with(s(), vec![effect(Repeal, &["chuong-I"], "2020-01-01"), effect(Suspend, &["dieu-3", "dieu-4"], "2020-02-01")]), date: "2020-03-01", document: Ngung, provisions: &[("chuong-II", Ngung), ("chuong-I", Het)] },
        Case { name: "whole suspension", law: "Luật 80/2015 Điều 153", facts: with(s(), vec![effect(Suspend, &[], "2020-02-01")]), date: "2020-03-01", document: Ngung, provisions: &[("dieu-1", Ngung)] },
        Case { name: "a suspended clause: the article suspended in part", law: "Luật 80/2015 Điều 153", facts: with(s(), vec![effect(Suspend, &["dieu-2/khoan-1"], "2020-02-01")]), date: "2020-03-01", document: NgungPart, provisions: &[("dieu-2", NgungPart), ("dieu-2/khoan-1", Ngung), ("dieu-2/khoan-2", Con)] },
        Case { name: "suspended, then repealed: ceased", law: "Luật 80/2015 Điều 153–154", facts: with(s(), vec![effect(Suspend, &["dieu-1"], "2020-01-01"), effect(Repeal, &["dieu-1"], "2020-06-01")]), date: "2020-07-01", document: HetPart, provisions: &[("dieu-1", Het)] },
        Case { name: "detailing: base replaced in 2022, ceases with it", law: "Luật 80/2015 Điều 154 khoản 2", facts: based(s(), vec![basis("2022-01-01", true)]), date: "2022-01-01", document: Het, provisions: &[("dieu-1", Het)] },
        Case { name: "detailing: base replaced the day before the 2025 law, ceases with it", law: "Luật 80/2015 Điều 154 khoản 2 (the law in force when the base ceased)", facts: based(s(), vec![basis("2025-03-31", true)]), date: "2025-06-01", document: Het, provisions: &[] },
        Case { name: "detailing: base replaced on 1 April 2025, continues", law: "Luật 64/2025 Điều 57 khoản 2", facts: based(s(), vec![basis("2025-04-01", true)]), date: "2025-06-01", document: Con, provisions: &[("dieu-1", Con)] },
        Case { name: "detailing: base replaced after 1 April 2025 and the detailing one declared expired", law: "Luật 64/2025 Điều 57 khoản 2 (unless declared expired)", facts: based(with(s(), vec![effect(Repeal, &[], "2025-09-01")]), vec![basis("2025-05-01", true)]), date: "2025-09-01", document: Het, provisions: &[] },
        Case { name: "detailing: base repealed after 1 April 2025, ceases with it", law: "Luật 64/2025 Điều 57 khoản 1–2 (khoản 2 covers replacement and amendment only)", facts: based(s(), vec![basis("2025-05-01", false)]), date: "2025-05-01", document: Het, provisions: &[] },
        Case { name: "detailing: base's term ended after 1 April 2025, ceases with it", law: "Luật 64/2025 Điều 57 khoản 1 điểm a, khoản 2", facts: based(s(), vec![basis("2026-01-01", false)]), date: "2026-01-01", document: Het, provisions: &[] },
        Case { name: "detailing: kept by the new document (it details one in force)", law: "Luật 80/2015 Điều 154 khoản 2 (unless the new document keeps it)", facts: based(s(), vec![basis("2022-01-01", true), None]), date: "2023-01-01", document: Con, provisions: &[] },
        Case { name: "correction, citation, consolidation change nothing", law: "Luật 80/2015 Điều 154 (only amendment, replacement, repeal and terms end force)", facts: with(s(), vec![effect(EffectKind::Correct, &[], "2020-01-01"), effect(EffectKind::BasedOn, &["dieu-1"], "2020-01-01"), effect(EffectKind::Consolidates, &[], "2020-01-01")]), date: "2024-01-01", document: Con, provisions: &[("dieu-1", Con)] },
        Case { name: "repealed before taking effect", law: "Luật 80/2015 Điều 154 khoản 1 điểm c", facts: { let mut x = with(s(), vec![effect(Repeal, &[], "2024-06-01")]); x.effective_on = d("2025-01-01"); x }, date: "2024-06-01", document: Het, provisions: &[] },
        Case { name: "amendment of the whole document without naming provisions", law: "Luật 80/2015 Điều 154 khoản 1 điểm b", facts: with(s(), vec![effect(Amend, &[], "2020-01-01")]), date: "2020-01-01", document: HetPart, provisions: &[("dieu-1", Con)] },
        Case { name: "unstructured document: a repealed article is a part", law: "Luật 80/2015 Điều 154 khoản 1 điểm c", facts: with(doc(&[]), vec![effect(Repeal, &["dieu-1"], "2020-01-01")]), date: "2020-01-01", document: HetPart, provisions: &[] },
    ]
}

fn own_dates(mut x: DocumentFacts, dates: &[(&str, &str)]) -> DocumentFacts {
    x.provisions_from = dates
        .iter()
        .map(|(k, on)| ((*k).to_string(), d(on)))
        .collect();
    x
}

fn class_ended(mut x: DocumentFacts, on: &str) -> DocumentFacts {
    x.class_end = Some(ClassEndFact { rule: 0, on: d(on) });
    x
}

/// The finer law of issue 15 item 4: provisions' own dates, kept provisions of a detailing
/// document, class-wide ends.
fn finer_cases() -> Vec<Case> {
    let s = structured;
    let keep = EffectKind::Keep;
    vec![
        Case { name: "an article with its own later date: not yet in force, the rest is", law: "Luật 80/2015 Điều 151 khoản 1; Luật 64/2025 Điều 53 khoản 1 (a provision may take effect on its own date)", facts: own_dates(s(), &[("dieu-3", "2020-01-01")]), date: "2019-06-01", document: Con, provisions: &[("dieu-3", Chua), ("dieu-4", Con), ("chuong-II", Con), ("dieu-1", Con)] },
        Case { name: "an article with its own later date: in force from it", law: "Luật 80/2015 Điều 151 khoản 1", facts: own_dates(s(), &[("dieu-3", "2020-01-01")]), date: "2020-01-01", document: Con, provisions: &[("dieu-3", Con)] },
        Case { name: "a chapter with its own date: its articles and clauses wait too", law: "Luật 64/2025 Điều 53 khoản 1", facts: own_dates(s(), &[("chuong-I", "2020-01-01")]), date: "2019-06-01", document: Con, provisions: &[("chuong-I", Chua), ("dieu-2/khoan-2/diem-a", Chua), ("dieu-3", Con)] },
        Case { name: "every provision with a later date: the document is not in force yet", law: "Luật 80/2015 Điều 151 (in force as long as any provision is)", facts: own_dates(s(), &[("chuong-I", "2020-01-01"), ("chuong-II", "2020-06-01")]), date: "2019-06-01", document: Chua, provisions: &[("dieu-1", Chua)] },
        Case { name: "an article not yet in force, the others repealed: not ceased in whole", law: "Luật 80/2015 Điều 154 khoản 1 điểm c", facts: own_dates(with(s(), vec![effect(Repeal, &["chuong-I", "dieu-4"], "2019-06-01")]), &[("dieu-3", "2020-01-01")]), date: "2019-07-01", document: HetPart, provisions: &[("dieu-3", Chua), ("dieu-4", Het)] },
        Case { name: "detailing: base ended in 2022, the new document keeps Điều 1", law: "Luật 80/2015 Điều 154 khoản 2 (trừ trường hợp được giữ lại)", facts: based(with(s(), vec![effect(keep, &["dieu-1"], "2022-01-01")]), vec![basis("2022-01-01", true)]), date: "2022-01-01", document: HetPart, provisions: &[("dieu-1", Con), ("dieu-2", Het), ("chuong-I", HetPart), ("chuong-II", Het), ("dieu-3", Het)] },
        Case { name: "detailing: a kept clause keeps its article in part", law: "Luật 80/2015 Điều 154 khoản 2", facts: based(with(s(), vec![effect(keep, &["dieu-2/khoan-2"], "2022-01-01")]), vec![basis("2022-01-01", true)]), date: "2023-01-01", document: HetPart, provisions: &[("dieu-2/khoan-2", Con), ("dieu-2/khoan-2/diem-a", Con), ("dieu-2/khoan-1", Het), ("dieu-2", HetPart), ("dieu-1", Het)] },
        Case { name: "detailing: kept in whole by a keep without provisions", law: "Luật 80/2015 Điều 154 khoản 2", facts: based(with(s(), vec![effect(keep, &[], "2022-01-01")]), vec![basis("2022-01-01", true)]), date: "2023-01-01", document: Con, provisions: &[("dieu-3", Con)] },
        Case { name: "detailing: a keep dated after the base ended comes too late", law: "Luật 80/2015 Điều 154 khoản 2 (it ceased with its base)", facts: based(with(s(), vec![effect(keep, &["dieu-1"], "2022-02-01")]), vec![basis("2022-01-01", true)]), date: "2022-03-01", document: Het, provisions: &[("dieu-1", Het)] },
        Case { name: "detailing: before the base ends a keep changes nothing", law: "Luật 80/2015 Điều 154 khoản 2", facts: based(with(s(), vec![effect(keep, &["dieu-1"], "2022-01-01")]), vec![None]), date: "2023-01-01", document: Con, provisions: &[("dieu-3", Con)] },
        Case { name: "class end: in force the day before", law: "Luật 64/2025 Điều 72 (a transitional provision ends a class of documents)", facts: class_ended(s(), "2027-03-01"), date: "2027-02-28", document: Con, provisions: &[("dieu-1", Con)] },
        Case { name: "class end: ceased in whole from its day", law: "Luật 64/2025 Điều 72; Nghị quyết 190/2025/QH15", facts: class_ended(s(), "2027-03-01"), date: "2027-03-01", document: Het, provisions: &[("dieu-1", Het)] },
        Case { name: "class end after a whole repeal: the repeal came first", law: "Luật 80/2015 Điều 154 khoản 1 điểm c", facts: class_ended(with(s(), vec![effect(Repeal, &[], "2026-01-01")]), "2027-03-01"), date: "2027-06-01", document: Het, provisions: &[] },
    ]
}

#[test]
fn the_finer_law() {
    for c in finer_cases() {
        let e = evaluate(&c.facts, d(c.date));
        assert_eq!(
            e.document.status, c.document,
            "{} ({}): document",
            c.name, c.law
        );
        for (key, want) in c.provisions {
            let got = e.provision(key).map(|r| r.status);
            assert_eq!(got, Some(*want), "{} ({}): {key}", c.name, c.law);
        }
    }
}

#[test]
fn causes_of_the_finer_law() {
    let x = class_ended(structured(), "2027-03-01");
    assert_eq!(
        status_on(&x, d("2027-03-01")).cause,
        Some(Cause::ClassEnded {
            rule: 0,
            on: d("2027-03-01")
        })
    );
    let y = own_dates(structured(), &[("dieu-3", "2020-01-01")]);
    let e = evaluate(&y, d("2019-06-01"));
    assert_eq!(
        e.provision("dieu-3").and_then(|r| r.cause),
        Some(Cause::NotYetEffective {
            on: d("2020-01-01")
        })
    );
    // A provision not listed but inside one with its own date waits too.
    let r = article_status(
        &y,
        "dieu-3/khoan-9",
        &["chuong-II".into(), "dieu-3".into()],
        d("2019-06-01"),
    );
    assert_eq!(r.status, Chua);
    let z = based(
        with(
            structured(),
            vec![effect(EffectKind::Keep, &["dieu-1"], "2022-01-01")],
        ),
        vec![basis("2022-01-01", true)],
    );
    let e = evaluate(&z, d("2022-01-01"));
    assert_eq!(
        e.document.cause,
        Some(Cause::BasisCeased {
            on: d("2022-01-01")
        })
    );
    assert_eq!(
        e.provision("dieu-3").and_then(|r| r.cause),
        Some(Cause::BasisCeased {
            on: d("2022-01-01")
        })
    );
    assert_eq!(ceased_on(&z, d("2030-01-01")), None);
}

#[test]
fn ceased_in_part_names_the_latest_cause() {
    let x = with(
        structured(),
        vec![
            effect(Repeal, &["dieu-1"], "2020-01-01"),
            effect(Amend, &["dieu-3"], "2021-01-01"),
        ],
    );
    assert_eq!(
        status_on(&x, d("2021-06-01")).cause,
        Some(Cause::Effect { index: 1 })
    );
    assert_eq!(
        status_on(&x, d("2020-06-01")).cause,
        Some(Cause::Effect { index: 0 })
    );
}

#[test]
fn a_document_suspended_in_whole_does_not_act() {
    // Luật 80/2015 Điều 153: a suspended document does not apply during the suspension.
    let x = with(
        structured(),
        vec![until(effect(Suspend, &[], "2020-01-01"), "2020-06-30")],
    );
    assert!(in_force_on(&x, d("2020-03-01")));
    assert!(!acts_on(&x, d("2020-03-01")));
    assert!(acts_on(&x, d("2020-07-01")));
    assert!(acts_on(&x, d("2019-12-31")));
    // Suspended in part only: it still acts.
    let y = with(
        structured(),
        vec![effect(Suspend, &["dieu-1"], "2020-01-01")],
    );
    assert!(acts_on(&y, d("2020-03-01")));
}

#[test]
fn the_legal_table() {
    let all = cases();
    assert!(all.len() >= 35, "{} cases", all.len());
    for c in all {
        assert!(!c.law.is_empty());
        let e = evaluate(&c.facts, d(c.date));
        assert_eq!(
            e.document.status, c.document,
            "{} ({}): document",
            c.name, c.law
        );
        assert_eq!(
            status_on(&c.facts, d(c.date)).status,
            c.document,
            "{}",
            c.name
        );
        for (key, want) in c.provisions {
            let got = e.provision(key).map(|r| r.status);
            assert_eq!(got, Some(*want), "{} ({}): {key}", c.name, c.law);
        }
    }
}

#[test]
fn an_amended_provision_names_its_amendment() {
    let x = with(
        structured(),
        vec![effect(Amend, &["dieu-2/khoan-1"], "2020-06-01")],
    );
    let e = evaluate(&x, d("2020-06-01"));
    assert_eq!(
        e.provision("dieu-2/khoan-1").and_then(|r| r.cause),
        Some(Cause::Effect { index: 0 })
    );
    assert_eq!(e.document.cause, Some(Cause::Effect { index: 0 }));
    assert_eq!(e.added, vec![]);
    let y = with(
        structured(),
        vec![effect(Amend, &["dieu-5a"], "2020-06-01")],
    );
    assert_eq!(
        evaluate(&y, d("2020-01-01")).added,
        vec![("dieu-5a".to_string(), d("2020-06-01"))]
    );
}

#[test]
fn replacing_every_provision_is_an_end_by_replacement() {
    // From 1 April 2025 the documents detailing it continue (Luật 64/2025 Điều 57 khoản 2).
    let x = with(
        structured(),
        vec![effect(Replace, &["chuong-I", "chuong-II"], "2025-05-01")],
    );
    assert_eq!(ending(&x, d("2025-06-01")), basis("2025-05-01", true));
    let y = with(
        structured(),
        vec![
            effect(Replace, &["chuong-I"], "2025-05-01"),
            effect(Repeal, &["chuong-II"], "2025-05-01"),
        ],
    );
    assert_eq!(ending(&y, d("2025-06-01")), basis("2025-05-01", false));
    let z = termed(structured(), "2025-12-31");
    assert_eq!(ending(&z, d("2026-06-01")), basis("2026-01-01", false));
}

#[test]
fn an_acting_document_is_in_force_from_its_date_until_it_ceases() {
    let mut x = with(structured(), vec![effect(Repeal, &[], "2020-01-01")]);
    assert!(!in_force_on(&x, d("2018-12-31")));
    assert!(in_force_on(&x, d("2019-01-01")));
    assert!(!in_force_on(&x, d("2020-01-01")));
    // Repealed before it ever took effect: it never acts.
    x.effective_on = d("2021-01-01");
    assert!(!in_force_on(&x, d("2021-01-01")));
}

#[test]
fn a_loose_key_reads_the_effects_naming_it() {
    let x = with(
        doc(&["dieu-1", "dieu-2"]),
        vec![effect(Amend, &["dieu-2/khoan-1"], "2020-06-01")],
    );
    let on = d("2020-06-01");
    assert_eq!(
        article_status(&x, "dieu-2/khoan-1/diem-a", &[], on).status,
        Sua
    );
    assert_eq!(article_status(&x, "dieu-9", &[], on).status, Con);
    let y = with(
        doc(&[]),
        vec![effect(Repeal, &["dieu-2/khoan-1"], "2020-06-01")],
    );
    assert_eq!(article_status(&y, "dieu-2", &[], on).status, HetPart);
    assert_eq!(article_status(&y, "dieu-2/khoan-1", &[], on).status, Het);
}

#[test]
fn codes_and_levels() {
    for s in Status::EVERY {
        assert_eq!(Status::parse(s.code()), Some(s));
    }
    assert!(!Status::ALL.contains(&Sua));
    assert!(Sua.applies() && !Sua.of_documents());
    assert_eq!(Sua.code(), "duoc-sua-doi-bo-sung");
    assert_eq!(Sua.label(), "Được sửa đổi, bổ sung");
}

fn arb_effect() -> impl Strategy<Value = EffectFact> {
    let kinds = prop::sample::select(EffectKind::ALL.to_vec());
    let provs = prop::collection::vec(
        prop::sample::select(vec![
            "dieu-1",
            "dieu-2",
            "dieu-3",
            "dieu-2/khoan-1",
            "chuong-I",
        ]),
        0..3,
    );
    (
        kinds,
        provs,
        0i64..4000,
        prop::option::of(0i64..400),
        prop::bool::weighted(0.9),
    )
        .prop_map(|(kind, provs, off, until, acts)| {
            let on = d("2015-01-01") + chrono::Duration::days(off);
            EffectFact {
                kind,
                provisions: provs.into_iter().map(String::from).collect(),
                effective_on: on,
                until: until.map(|u| on + chrono::Duration::days(u)),
                acts,
            }
        })
}

fn arb_doc() -> impl Strategy<Value = DocumentFacts> {
    (
        0i64..3000,
        prop::option::of(0i64..3000),
        prop::collection::vec(arb_effect(), 0..6),
        prop::collection::vec(prop::option::of((0i64..4000, any::<bool>())), 0..2),
    )
        .prop_map(|(eff, end, received, implements)| {
            let effective_on = d("2015-01-01") + chrono::Duration::days(eff);
            DocumentFacts {
                effective_on,
                end_on: end.map(|e| effective_on + chrono::Duration::days(e)),
                provisions: vec![
                    prov("chuong-I", &[]),
                    prov("dieu-1", &["chuong-I"]),
                    prov("dieu-2", &["chuong-I"]),
                    prov("dieu-2/khoan-1", &["chuong-I", "dieu-2"]),
                    prov("dieu-3", &[]),
                ],
                received,
                implements: implements
                    .into_iter()
                    .map(|o| {
                        o.map(|(x, by_replacement)| BasisEnd {
                            on: d("2015-01-01") + chrono::Duration::days(x),
                            by_replacement,
                        })
                    })
                    .collect(),
                ..Default::default()
            }
        })
}

/// The leaves of `arb_doc`, and whether some acting replacement or repeal named each (or a
/// provision containing it) by `date`.
fn leaves_ceased(x: &DocumentFacts, date: NaiveDate) -> bool {
    let leaves = [
        ("dieu-1", vec!["chuong-I"]),
        ("dieu-2/khoan-1", vec!["chuong-I", "dieu-2"]),
        ("dieu-3", vec![]),
    ];
    leaves.iter().all(|(key, containers)| {
        let containers: Vec<String> = containers.iter().map(|c| (*c).to_string()).collect();
        let by_effect = x.received.iter().any(|e| {
            e.acts
                && e.kind.ceases()
                && e.effective_on <= date
                && e.provisions.iter().any(|p| covers(p, key, &containers))
        });
        // Ceased with its base, not kept by a new document (Luật 80/2015 Điều 154 khoản 2).
        let with_base = basis_day(x).filter(|on| *on <= date).is_some_and(|on| {
            let keeps = keeps(x, on);
            !keeps.is_empty()
                && !keeps.iter().any(|e| e.provisions.is_empty())
                && !keeps
                    .iter()
                    .flat_map(|e| e.provisions.iter())
                    .any(|k| covers(k, key, &containers) || k.starts_with(&format!("{key}/")))
        });
        by_effect || with_base
    })
}

/// The day every base it details ended in a way that carries it.
fn basis_day(x: &DocumentFacts) -> Option<NaiveDate> {
    if x.implements.is_empty() || !x.implements.iter().all(|b| b.is_some_and(|b| b.carries())) {
        return None;
    }
    x.implements.iter().flatten().map(|b| b.on).max()
}

/// The acting `keep` effects dated by `on`.
fn keeps(x: &DocumentFacts, on: NaiveDate) -> Vec<&EffectFact> {
    x.received
        .iter()
        .filter(|e| e.acts && e.kind == EffectKind::Keep && e.effective_on <= on)
        .collect()
}

fn whole_cause(x: &DocumentFacts, date: NaiveDate) -> bool {
    let term = x.end_on.is_some_and(|e| date > e);
    let whole = x
        .received
        .iter()
        .any(|e| e.acts && e.kind.ceases() && e.provisions.is_empty() && e.effective_on <= date);
    let basis = basis_day(x).is_some_and(|on| on <= date && keeps(x, on).is_empty());
    term || whole || basis
}

proptest! {
    #[test]
    fn never_in_force_after_a_whole_repeal(x in arb_doc(), off in 0i64..5000) {
        let date = d("2015-01-01") + chrono::Duration::days(off);
        let repealed = x.received.iter().any(|e| {
            e.acts
                && matches!(e.kind, EffectKind::Repeal | EffectKind::Replace)
                && e.provisions.is_empty()
                && e.effective_on <= date
        });
        if repealed {
            prop_assert_eq!(status_on(&x, date).status, Status::HetHieuLucToanBo);
        }
    }

    #[test]
    fn later_effects_do_not_change_earlier_status(x in arb_doc(), off in 0i64..5000) {
        let date = d("2015-01-01") + chrono::Duration::days(off);
        let mut earlier = x.clone();
        earlier.received.retain(|e| e.effective_on <= date);
        let now = evaluate(&x, date);
        let then = evaluate(&earlier, date);
        prop_assert_eq!(now.document.status, then.document.status);
        for (key, r) in &then.provisions {
            prop_assert_eq!(now.provision(key).map(|r| r.status), Some(r.status));
        }
    }

    #[test]
    fn ceasing_is_final(x in arb_doc(), off in 0i64..5000, later in 0i64..2000) {
        let date = d("2015-01-01") + chrono::Duration::days(off);
        if status_on(&x, date).status == Status::HetHieuLucToanBo {
            let after = date + chrono::Duration::days(later);
            prop_assert_eq!(status_on(&x, after).status, Status::HetHieuLucToanBo);
        }
    }

    #[test]
    fn never_in_force_past_its_term_or_before_its_start(x in arb_doc(), off in 0i64..5000) {
        let date = d("2015-01-01") + chrono::Duration::days(off);
        let s = status_on(&x, date).status;
        if x.end_on.is_some_and(|e| date > e) {
            prop_assert_eq!(s, Status::HetHieuLucToanBo);
        }
        if s.applies() || s == Status::NgungHieuLucToanBo {
            prop_assert!(date >= x.effective_on);
        }
        prop_assert!(s.of_documents());
    }

    #[test]
    fn whole_status_agrees_with_provisions(x in arb_doc(), off in 0i64..5000) {
        let date = d("2015-01-01") + chrono::Duration::days(off);
        let e = evaluate(&x, date);
        let s = e.document.status;
        if s == Status::ConHieuLuc {
            prop_assert!(e.provisions.iter().all(|(_, r)| r.status == Status::ConHieuLuc));
        }
        if e.provisions.iter().all(|(_, r)| r.status == Status::HetHieuLucToanBo) {
            prop_assert_eq!(s, Status::HetHieuLucToanBo);
        }
    }

    /// Ceased in whole iff every leaf provision has ceased, or a whole-document cause applies
    /// (term, whole repeal or replacement, the end of every base it details).
    #[test]
    fn ceased_in_whole_iff_every_leaf_ceased(x in arb_doc(), off in 0i64..5000) {
        let date = d("2015-01-01") + chrono::Duration::days(off);
        let s = status_on(&x, date).status;
        let expected = leaves_ceased(&x, date) || whole_cause(&x, date);
        prop_assert_eq!(s == Status::HetHieuLucToanBo, expected);
    }
}

/// Điều 1, Điều 2 and two annexes (phụ lục): top-level provisions of their own.
fn with_annexes() -> DocumentFacts {
    doc(&["dieu-1", "dieu-2", "phu-luc-I", "phu-luc-II"])
}

#[test]
fn an_annex_follows_the_document_unless_an_effect_targets_it() {
    // Luật 80/2015 Điều 154 khoản 1 điểm c: "bãi bỏ Phụ lục II" ends that annex only; the
    // document ceases in part, the other annex and the articles stay in force.
    let x = with(
        with_annexes(),
        vec![effect(Repeal, &["phu-luc-II"], "2020-01-01")],
    );
    let e = evaluate(&x, d("2020-01-01"));
    assert_eq!(e.document.status, HetPart);
    assert_eq!(e.provision("phu-luc-II").map(|r| r.status), Some(Het));
    assert_eq!(e.provision("phu-luc-I").map(|r| r.status), Some(Con));
    assert_eq!(e.provision("dieu-1").map(|r| r.status), Some(Con));
    // The day before, and with no effect at all, the annex follows the document.
    let before = evaluate(&x, d("2019-12-31"));
    assert_eq!(before.provision("phu-luc-II").map(|r| r.status), Some(Con));
    let plain = evaluate(&with_annexes(), d("2018-06-01"));
    assert_eq!(plain.provision("phu-luc-I").map(|r| r.status), Some(Chua));
    // "sửa đổi Phụ lục I": amended, in force with its new wording.
    let amended = with(
        with_annexes(),
        vec![effect(Amend, &["phu-luc-I"], "2020-01-01")],
    );
    let e = evaluate(&amended, d("2020-01-01"));
    assert_eq!(e.provision("phu-luc-I").map(|r| r.status), Some(Sua));
    assert_eq!(e.provision("phu-luc-II").map(|r| r.status), Some(Con));
    // The whole document repealed: its annexes with it.
    let repealed = with(with_annexes(), vec![effect(Repeal, &[], "2021-01-01")]);
    let e = evaluate(&repealed, d("2021-01-01"));
    assert_eq!(e.provision("phu-luc-I").map(|r| r.status), Some(Het));
    // Every article and annex repealed one by one: the document ceased in whole.
    let all = with(
        with_annexes(),
        vec![
            effect(Repeal, &["dieu-1", "dieu-2"], "2020-01-01"),
            effect(Repeal, &["phu-luc-I", "phu-luc-II"], "2021-01-01"),
        ],
    );
    assert_eq!(evaluate(&all, d("2020-06-01")).document.status, HetPart);
    assert_eq!(evaluate(&all, d("2021-01-01")).document.status, Het);
}
