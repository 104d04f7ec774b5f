//! Derived validity status (tình trạng hiệu lực). Nobody types a status: it is a pure function
//! of a document's dates, the effects it received and, for a document that details another, of
//! that other document's end. Rules from the Law on Promulgation of Legal Documents
//! (Luật Ban hành văn bản quy phạm pháp luật 80/2015/QH13; the 2025 law keeps them):
//! - Điều 151–152: a document takes effect on the date it states.
//! - Điều 153: an effect date never reaches back (effects count from their own date).
//! - Điều 154.1.a: a document with a term ceases when the term ends; "until 31/12/2020" means in
//!   force on that day and not on the next (`end_on` is the last day in force).
//! - Điều 154.1.b–c: amended, supplemented or replaced by a new document, or repealed: the
//!   provisions concerned cease on the effect's date.
//! - Điều 154.2: a document that details or implements another ceases together with it, unless
//!   a new document keeps it (recorded as an `implements` link to the new document).
//! - Điều 154 (whole/part): when every article has ceased, the document has ceased in whole.
//! - Suspension (ngưng hiệu lực, Điều 153.3 of the 2015 law on supervision) stops provisions for a
//!   period; afterwards they apply again.
//! - Nghị quyết 190/2025/QH15: documents of an abolished or merged unit stay in force until the
//!   successor handles them, so an issuer's end never ends its documents (no input for it here).

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::kinds::EffectKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Status {
    ChuaCoHieuLuc,
    ConHieuLuc,
    HetHieuLucMotPhan,
    HetHieuLucToanBo,
    NgungHieuLucMotPhan,
    NgungHieuLucToanBo,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::ChuaCoHieuLuc,
        Status::ConHieuLuc,
        Status::HetHieuLucMotPhan,
        Status::HetHieuLucToanBo,
        Status::NgungHieuLucMotPhan,
        Status::NgungHieuLucToanBo,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::ChuaCoHieuLuc => "chua-co-hieu-luc",
            Status::ConHieuLuc => "con-hieu-luc",
            Status::HetHieuLucMotPhan => "het-hieu-luc-mot-phan",
            Status::HetHieuLucToanBo => "het-hieu-luc-toan-bo",
            Status::NgungHieuLucMotPhan => "ngung-hieu-luc-mot-phan",
            Status::NgungHieuLucToanBo => "ngung-hieu-luc-toan-bo",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::ChuaCoHieuLuc => "Chưa có hiệu lực",
            Status::ConHieuLuc => "Còn hiệu lực",
            Status::HetHieuLucMotPhan => "Hết hiệu lực một phần",
            Status::HetHieuLucToanBo => "Hết hiệu lực toàn bộ",
            Status::NgungHieuLucMotPhan => "Ngưng hiệu lực một phần",
            Status::NgungHieuLucToanBo => "Ngưng hiệu lực toàn bộ",
        }
    }

    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether at least part of the document applies.
    pub fn applies(self) -> bool {
        matches!(
            self,
            Status::ConHieuLuc | Status::HetHieuLucMotPhan | Status::NgungHieuLucMotPhan
        )
    }
}

/// One effect received by the document, as the status rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectFact {
    pub kind: EffectKind,
    /// Keys of the provisions concerned (`dieu-5`, `dieu-7/khoan-2`, `chuong-II`); empty = whole.
    pub provisions: Vec<String>,
    pub effective_on: NaiveDate,
    /// Suspension only: last day suspended; `None` = until lifted.
    pub until: Option<NaiveDate>,
}

/// An article of the document with the chapter/section keys that contain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFact {
    pub key: String,
    pub containers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocumentFacts {
    pub effective_on: NaiveDate,
    /// Last day in force of a document with a term.
    pub end_on: Option<NaiveDate>,
    pub articles: Vec<ArticleFact>,
    pub received: Vec<EffectFact>,
    /// For each document this one details or implements: the day that document ceased in whole
    /// (`None` while it has not). Resolved by the caller with [`ceased_on`].
    pub implements: Vec<Option<NaiveDate>>,
}

/// Why a document has the status it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Cause {
    NotYetEffective {
        on: NaiveDate,
    },
    TermEnded {
        last_day: NaiveDate,
    },
    /// Index into [`DocumentFacts::received`].
    Effect {
        index: usize,
    },
    AllArticlesCeased {
        on: NaiveDate,
    },
    BasisCeased {
        on: NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    pub status: Status,
    pub cause: Option<Cause>,
}

/// Relation of an effect's provision list to a provision key.
fn coverage(effect: &EffectFact, key: &str, containers: &[String]) -> Coverage {
    if effect.provisions.is_empty() {
        return Coverage::Whole;
    }
    let mut c = Coverage::None;
    for p in &effect.provisions {
        let whole = p == key
            || key
                .strip_prefix(p.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
            || containers.iter().any(|k| k == p);
        if whole {
            return Coverage::Whole;
        }
        if p.strip_prefix(key)
            .is_some_and(|rest| rest.starts_with('/'))
        {
            c = Coverage::Part;
        }
    }
    c
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    None,
    Part,
    Whole,
}

fn suspended_on(e: &EffectFact, date: NaiveDate) -> bool {
    e.kind == EffectKind::Suspend && e.effective_on <= date && e.until.is_none_or(|u| date <= u)
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap_or(d)
}

/// The first day on which the document has ceased in whole, with its cause, counting only
/// effects dated on or before `horizon`. Ceasing is final: nothing revives a ceased document.
pub fn ceased_on(doc: &DocumentFacts, horizon: NaiveDate) -> Option<(NaiveDate, Cause)> {
    let mut best: Option<(NaiveDate, Cause)> = None;
    let mut consider = |d: NaiveDate, c: Cause| {
        if d <= horizon && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    };
    if let Some(last_day) = doc.end_on {
        consider(next_day(last_day), Cause::TermEnded { last_day });
    }
    for (index, e) in doc.received.iter().enumerate() {
        if matches!(e.kind, EffectKind::Replace | EffectKind::Repeal) && e.provisions.is_empty() {
            consider(e.effective_on, Cause::Effect { index });
        }
    }
    if !doc.implements.is_empty() && doc.implements.iter().all(Option::is_some) {
        if let Some(on) = doc.implements.iter().flatten().max() {
            consider(*on, Cause::BasisCeased { on: *on });
        }
    }
    if !doc.articles.is_empty() {
        let mut latest = None;
        let mut all = true;
        for a in &doc.articles {
            let first = doc
                .received
                .iter()
                .filter(|e| e.kind.ceases() && e.effective_on <= horizon)
                .filter(|e| !e.provisions.is_empty())
                .filter(|e| coverage(e, &a.key, &a.containers) == Coverage::Whole)
                .map(|e| e.effective_on)
                .min();
            match first {
                Some(d) => latest = latest.max(Some(d)),
                None => {
                    all = false;
                    break;
                }
            }
        }
        if let (true, Some(on)) = (all, latest) {
            consider(on, Cause::AllArticlesCeased { on });
        }
    }
    best
}

/// Status of the whole document on `date`.
pub fn status_on(doc: &DocumentFacts, date: NaiveDate) -> StatusReport {
    if let Some((_, cause)) = ceased_on(doc, date) {
        return StatusReport {
            status: Status::HetHieuLucToanBo,
            cause: Some(cause),
        };
    }
    if date < doc.effective_on {
        return StatusReport {
            status: Status::ChuaCoHieuLuc,
            cause: Some(Cause::NotYetEffective {
                on: doc.effective_on,
            }),
        };
    }
    let active = |e: &&EffectFact| e.effective_on <= date;
    // Suspension of the whole document, or of every article that still applies.
    let mut partial_suspension = None;
    for (index, e) in doc
        .received
        .iter()
        .enumerate()
        .filter(|(_, e)| suspended_on(e, date))
    {
        if e.provisions.is_empty() {
            return StatusReport {
                status: Status::NgungHieuLucToanBo,
                cause: Some(Cause::Effect { index }),
            };
        }
        partial_suspension.get_or_insert(index);
    }
    if let Some(index) = partial_suspension {
        let all_suspended = !doc.articles.is_empty()
            && doc.articles.iter().all(|a| {
                matches!(
                    article_status(doc, &a.key, &a.containers, date).status,
                    Status::NgungHieuLucToanBo | Status::HetHieuLucToanBo
                )
            });
        let status = if all_suspended {
            Status::NgungHieuLucToanBo
        } else {
            Status::NgungHieuLucMotPhan
        };
        return StatusReport {
            status,
            cause: Some(Cause::Effect { index }),
        };
    }
    if let Some((index, _)) = doc
        .received
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind.ceases())
        .find(|(_, e)| active(e))
    {
        return StatusReport {
            status: Status::HetHieuLucMotPhan,
            cause: Some(Cause::Effect { index }),
        };
    }
    StatusReport {
        status: Status::ConHieuLuc,
        cause: None,
    }
}

/// Status of one provision (article, clause or point) on `date`: `HetHieuLucToanBo` means the
/// provision itself has ceased, `HetHieuLucMotPhan` that some of its clauses have.
pub fn article_status(
    doc: &DocumentFacts,
    key: &str,
    containers: &[String],
    date: NaiveDate,
) -> StatusReport {
    if let Some((_, cause)) = ceased_on(doc, date) {
        return StatusReport {
            status: Status::HetHieuLucToanBo,
            cause: Some(cause),
        };
    }
    if date < doc.effective_on {
        return StatusReport {
            status: Status::ChuaCoHieuLuc,
            cause: Some(Cause::NotYetEffective {
                on: doc.effective_on,
            }),
        };
    }
    let mut part: Option<(Status, usize)> = None;
    for (index, e) in doc
        .received
        .iter()
        .enumerate()
        .filter(|(_, e)| e.effective_on <= date)
    {
        let cov = coverage(e, key, containers);
        if e.kind.ceases() && !e.provisions.is_empty() && cov == Coverage::Whole {
            return StatusReport {
                status: Status::HetHieuLucToanBo,
                cause: Some(Cause::Effect { index }),
            };
        }
        if e.kind.ceases() && cov == Coverage::Part && part.is_none() {
            part = Some((Status::HetHieuLucMotPhan, index));
        }
    }
    for (index, e) in doc
        .received
        .iter()
        .enumerate()
        .filter(|(_, e)| suspended_on(e, date))
    {
        match coverage(e, key, containers) {
            Coverage::Whole => {
                return StatusReport {
                    status: Status::NgungHieuLucToanBo,
                    cause: Some(Cause::Effect { index }),
                }
            }
            Coverage::Part => part = Some((Status::NgungHieuLucMotPhan, index)),
            Coverage::None => {}
        }
    }
    match part {
        Some((status, index)) => StatusReport {
            status,
            cause: Some(Cause::Effect { index }),
        },
        None => StatusReport {
            status: Status::ConHieuLuc,
            cause: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn doc(articles: &[&str]) -> DocumentFacts {
        DocumentFacts {
            effective_on: d("2019-01-01"),
            articles: articles
                .iter()
                .map(|k| ArticleFact {
                    key: (*k).into(),
                    containers: vec![],
                })
                .collect(),
            ..Default::default()
        }
    }

    fn effect(kind: EffectKind, provisions: &[&str], on: &str) -> EffectFact {
        EffectFact {
            kind,
            provisions: provisions.iter().map(|p| (*p).to_string()).collect(),
            effective_on: d(on),
            until: None,
        }
    }

    #[test]
    fn not_yet_then_in_force() {
        let x = doc(&["dieu-1"]);
        assert_eq!(status_on(&x, d("2018-12-31")).status, Status::ChuaCoHieuLuc);
        assert_eq!(status_on(&x, d("2019-01-01")).status, Status::ConHieuLuc);
    }

    #[test]
    fn term_ends_after_its_last_day() {
        let mut x = doc(&["dieu-1"]);
        x.end_on = Some(d("2020-12-31"));
        assert_eq!(status_on(&x, d("2020-12-31")).status, Status::ConHieuLuc);
        let r = status_on(&x, d("2021-01-01"));
        assert_eq!(r.status, Status::HetHieuLucToanBo);
        assert_eq!(
            r.cause,
            Some(Cause::TermEnded {
                last_day: d("2020-12-31")
            })
        );
    }

    #[test]
    fn whole_replace_and_repeal_end_the_document_on_their_date() {
        for kind in [EffectKind::Replace, EffectKind::Repeal] {
            let mut x = doc(&["dieu-1"]);
            x.received.push(effect(kind, &[], "2021-03-01"));
            assert_eq!(status_on(&x, d("2021-02-28")).status, Status::ConHieuLuc);
            let r = status_on(&x, d("2021-03-01"));
            assert_eq!(r.status, Status::HetHieuLucToanBo);
            assert_eq!(r.cause, Some(Cause::Effect { index: 0 }));
        }
    }

    #[test]
    fn amending_a_clause_is_partial_expiry() {
        let mut x = doc(&["dieu-1", "dieu-2"]);
        x.received
            .push(effect(EffectKind::Amend, &["dieu-2/khoan-1"], "2020-06-01"));
        assert_eq!(
            status_on(&x, d("2020-06-01")).status,
            Status::HetHieuLucMotPhan
        );
        assert_eq!(
            article_status(&x, "dieu-1", &[], d("2020-06-01")).status,
            Status::ConHieuLuc
        );
        assert_eq!(
            article_status(&x, "dieu-2", &[], d("2020-06-01")).status,
            Status::HetHieuLucMotPhan
        );
        assert_eq!(
            article_status(&x, "dieu-2/khoan-1", &[], d("2020-06-01")).status,
            Status::HetHieuLucToanBo
        );
        assert_eq!(
            article_status(&x, "dieu-2/khoan-1/diem-a", &[], d("2020-06-01")).status,
            Status::HetHieuLucToanBo
        );
        assert_eq!(
            article_status(&x, "dieu-2", &[], d("2020-05-31")).status,
            Status::ConHieuLuc
        );
    }

    #[test]
    fn repealing_every_article_ends_the_whole_document() {
        let mut x = doc(&["dieu-1", "dieu-2"]);
        x.received
            .push(effect(EffectKind::Repeal, &["dieu-1"], "2020-01-01"));
        x.received
            .push(effect(EffectKind::Repeal, &["dieu-2"], "2021-01-01"));
        assert_eq!(
            status_on(&x, d("2020-06-01")).status,
            Status::HetHieuLucMotPhan
        );
        let r = status_on(&x, d("2021-01-01"));
        assert_eq!(r.status, Status::HetHieuLucToanBo);
        assert_eq!(
            r.cause,
            Some(Cause::AllArticlesCeased {
                on: d("2021-01-01")
            })
        );
    }

    #[test]
    fn a_chapter_reference_covers_its_articles() {
        let mut x = doc(&[]);
        x.articles = vec![
            ArticleFact {
                key: "dieu-1".into(),
                containers: vec!["chuong-I".into()],
            },
            ArticleFact {
                key: "dieu-2".into(),
                containers: vec!["chuong-II".into()],
            },
        ];
        x.received
            .push(effect(EffectKind::Repeal, &["chuong-II"], "2020-01-01"));
        assert_eq!(
            article_status(&x, "dieu-2", &["chuong-II".into()], d("2020-01-01")).status,
            Status::HetHieuLucToanBo
        );
        assert_eq!(
            status_on(&x, d("2020-01-01")).status,
            Status::HetHieuLucMotPhan
        );
    }

    #[test]
    fn suspension_stops_then_lifts() {
        let mut x = doc(&["dieu-1", "dieu-2"]);
        let mut s = effect(EffectKind::Suspend, &["dieu-1"], "2020-01-01");
        s.until = Some(d("2020-06-30"));
        x.received.push(s);
        assert_eq!(
            status_on(&x, d("2020-03-01")).status,
            Status::NgungHieuLucMotPhan
        );
        assert_eq!(
            article_status(&x, "dieu-1", &[], d("2020-03-01")).status,
            Status::NgungHieuLucToanBo
        );
        assert_eq!(
            status_on(&x, d("2020-06-30")).status,
            Status::NgungHieuLucMotPhan
        );
        assert_eq!(status_on(&x, d("2020-07-01")).status, Status::ConHieuLuc);
        let mut whole = effect(EffectKind::Suspend, &[], "2021-01-01");
        whole.until = None;
        x.received.push(whole);
        assert_eq!(
            status_on(&x, d("2022-01-01")).status,
            Status::NgungHieuLucToanBo
        );
    }

    #[test]
    fn suspending_every_remaining_article_is_whole_suspension() {
        let mut x = doc(&["dieu-1", "dieu-2"]);
        x.received
            .push(effect(EffectKind::Repeal, &["dieu-1"], "2020-01-01"));
        x.received
            .push(effect(EffectKind::Suspend, &["dieu-2"], "2020-02-01"));
        assert_eq!(
            status_on(&x, d("2020-03-01")).status,
            Status::NgungHieuLucToanBo
        );
    }

    #[test]
    fn implementing_document_ends_with_its_basis() {
        let mut x = doc(&["dieu-1"]);
        x.implements = vec![Some(d("2022-01-01"))];
        assert_eq!(status_on(&x, d("2021-12-31")).status, Status::ConHieuLuc);
        let r = status_on(&x, d("2022-01-01"));
        assert_eq!(r.status, Status::HetHieuLucToanBo);
        assert_eq!(
            r.cause,
            Some(Cause::BasisCeased {
                on: d("2022-01-01")
            })
        );
        // Kept by the new document: it also implements one still in force.
        x.implements.push(None);
        assert_eq!(status_on(&x, d("2023-01-01")).status, Status::ConHieuLuc);
    }

    #[test]
    fn correcting_citing_and_consolidating_change_nothing() {
        let mut x = doc(&["dieu-1"]);
        for k in [
            EffectKind::Correct,
            EffectKind::BasedOn,
            EffectKind::Implements,
            EffectKind::Consolidates,
        ] {
            x.received.push(effect(k, &[], "2020-01-01"));
        }
        assert_eq!(status_on(&x, d("2024-01-01")).status, Status::ConHieuLuc);
    }

    #[test]
    fn repealed_before_taking_effect() {
        let mut x = doc(&["dieu-1"]);
        x.effective_on = d("2025-01-01");
        x.received
            .push(effect(EffectKind::Repeal, &[], "2024-06-01"));
        assert_eq!(status_on(&x, d("2024-05-31")).status, Status::ChuaCoHieuLuc);
        assert_eq!(
            status_on(&x, d("2024-06-01")).status,
            Status::HetHieuLucToanBo
        );
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
        (kinds, provs, 0i64..4000, prop::option::of(0i64..400)).prop_map(
            |(kind, provs, off, until)| {
                let on = d("2015-01-01") + chrono::Duration::days(off);
                EffectFact {
                    kind,
                    provisions: provs.into_iter().map(String::from).collect(),
                    effective_on: on,
                    until: until.map(|u| on + chrono::Duration::days(u)),
                }
            },
        )
    }

    fn arb_doc() -> impl Strategy<Value = DocumentFacts> {
        (
            0i64..3000,
            prop::option::of(0i64..3000),
            prop::collection::vec(arb_effect(), 0..6),
            prop::collection::vec(prop::option::of(0i64..4000), 0..2),
        )
            .prop_map(|(eff, end, received, implements)| {
                let effective_on = d("2015-01-01") + chrono::Duration::days(eff);
                DocumentFacts {
                    effective_on,
                    end_on: end.map(|e| effective_on + chrono::Duration::days(e)),
                    articles: vec![
                        ArticleFact {
                            key: "dieu-1".into(),
                            containers: vec!["chuong-I".into()],
                        },
                        ArticleFact {
                            key: "dieu-2".into(),
                            containers: vec!["chuong-I".into()],
                        },
                        ArticleFact {
                            key: "dieu-3".into(),
                            containers: vec![],
                        },
                    ],
                    received,
                    implements: implements
                        .into_iter()
                        .map(|o| o.map(|x| d("2015-01-01") + chrono::Duration::days(x)))
                        .collect(),
                }
            })
    }

    proptest! {
        #[test]
        fn never_in_force_after_a_whole_repeal(x in arb_doc(), off in 0i64..5000) {
            let date = d("2015-01-01") + chrono::Duration::days(off);
            let repealed = x.received.iter().any(|e| {
                matches!(e.kind, EffectKind::Repeal | EffectKind::Replace)
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
            prop_assert_eq!(status_on(&x, date).status, status_on(&earlier, date).status);
            for a in &x.articles {
                prop_assert_eq!(
                    article_status(&x, &a.key, &a.containers, date).status,
                    article_status(&earlier, &a.key, &a.containers, date).status
                );
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
        }

        #[test]
        fn whole_status_agrees_with_articles(x in arb_doc(), off in 0i64..5000) {
            let date = d("2015-01-01") + chrono::Duration::days(off);
            let s = status_on(&x, date).status;
            let arts: Vec<Status> = x.articles.iter()
                .map(|a| article_status(&x, &a.key, &a.containers, date).status).collect();
            if s == Status::ConHieuLuc {
                prop_assert!(arts.iter().all(|a| *a == Status::ConHieuLuc));
            }
            if arts.iter().all(|a| *a == Status::HetHieuLucToanBo) {
                prop_assert_eq!(s, Status::HetHieuLucToanBo);
            }
        }
    }
}
