//! Review (rà soát) rules: what a decision may say, who may approve it, the order of the
//! handling stages and their deadlines, and which documents belong on a year's list of expired
//! documents. Pure functions; the tracker stores and shows what they decide.
//!
//! Grounds: Nghị định 34/2016/NĐ-CP (rà soát, hệ thống hóa văn bản), Điều 139–170, as amended
//! by Nghị định 154/2020/NĐ-CP; Luật Ban hành văn bản quy phạm pháp luật 2015, Điều 154.

use chrono::{Datelike, NaiveDate};

use super::kinds::vocabulary;
use super::status::{status_on, DocumentFacts, Status};

vocabulary! {
    /// Kinds of review campaign (đợt rà soát).
    CampaignKind {
        Ongoing = "ongoing", "Rà soát thường xuyên";
        Systematisation = "systematisation", "Hệ thống hóa định kỳ (5 năm)";
        Thematic = "thematic", "Rà soát theo chuyên đề, lĩnh vực";
        HigherDocument = "higher_document", "Rà soát khi có căn cứ rà soát mới";
        Reorganisation = "reorganisation", "Rà soát khi sắp xếp đơn vị hành chính";
    }
}

vocabulary! {
    /// What a review decides for a document or some of its provisions.
    DecisionKind {
        Keep = "keep", "Giữ nguyên";
        Amend = "amend", "Sửa đổi, bổ sung";
        Replace = "replace", "Thay thế";
        Repeal = "repeal", "Bãi bỏ";
        DeclareExpired = "declare_expired", "Công bố hết hiệu lực";
        Suspend = "suspend", "Ngưng hiệu lực";
    }
}

vocabulary! {
    /// Why a document is declared expired.
    ExpiryGround {
        TermEnded = "term_ended", "Hết thời hạn có hiệu lực đã được quy định";
        BasisLapsed = "basis_lapsed", "Văn bản là căn cứ ban hành đã hết hiệu lực";
        SubjectGone = "subject_gone", "Đối tượng điều chỉnh không còn";
    }
}

vocabulary! {
    /// Where a decision stands.
    DecisionState {
        Proposed = "proposed", "Chờ phê duyệt";
        Returned = "returned", "Bị trả lại";
        Approved = "approved", "Đã phê duyệt";
        Superseded = "superseded", "Đã được thay bằng phiên bản mới";
        Closed = "closed", "Đã xử lý xong";
    }
}

vocabulary! {
    /// Stages of handling an amendment, replacement or repeal, in order.
    Stage {
        Registered = "registered", "Đăng ký xây dựng văn bản";
        Consultation = "consultation", "Lấy ý kiến";
        Appraisal = "appraisal", "Thẩm định";
        Submitted = "submitted", "Trình ban hành";
        Issued = "issued", "Đã ban hành văn bản xử lý";
    }
}

impl DecisionKind {
    /// Amend, replace and repeal need a new document (the handling pipeline); the others take
    /// effect from the decision itself.
    pub fn needs_handling(self) -> bool {
        matches!(
            self,
            DecisionKind::Amend | DecisionKind::Replace | DecisionKind::Repeal
        )
    }

    /// Whether a decision of this kind may name some provisions only.
    pub fn may_be_partial(self) -> bool {
        !matches!(self, DecisionKind::Keep | DecisionKind::Replace)
    }
}

impl Stage {
    pub fn index(self) -> usize {
        Stage::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn next(self) -> Option<Stage> {
        Stage::ALL.get(self.index() + 1).copied()
    }
}

/// Why a decision or a stage is refused; each maps to a clear message and a status code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("quyết định «{0}» một phần cần nêu điều, khoản được xử lý")]
    PartWithoutProvisions(&'static str),
    #[error("văn bản không có {0}")]
    UnknownProvision(String),
    #[error("quyết định «{0}» áp dụng cho toàn bộ văn bản, không nêu từng điều, khoản")]
    NotPartial(&'static str),
    #[error("quyết định công bố hết hiệu lực cần nêu căn cứ (hết thời hạn, căn cứ hết hiệu lực, đối tượng không còn)")]
    ExpiryWithoutGround,
    #[error("không ai được tự phê duyệt đề xuất của mình")]
    SelfApproval,
    #[error("chỉ phê duyệt hoặc trả lại đề xuất đang chờ phê duyệt (hiện: {0})")]
    NotPending(&'static str),
    #[error("trả lại đề xuất cần có ý kiến")]
    ReturnWithoutComment,
    #[error("giai đoạn «{next}» không thể tiếp sau «{current}»")]
    StageOrder {
        current: &'static str,
        next: &'static str,
    },
    #[error("ngày của giai đoạn ({date}) trước ngày của giai đoạn trước ({previous})")]
    StageDate {
        date: NaiveDate,
        previous: NaiveDate,
    },
    #[error("quyết định này không cần văn bản xử lý")]
    NoHandling,
}

/// Checks what a decision names: a partial decision lists provisions the document has; a
/// whole-document decision lists none; a declared expiry gives its ground.
pub fn check_decision(
    kind: DecisionKind,
    partial: bool,
    provisions: &[String],
    document_provisions: &[String],
    ground: Option<ExpiryGround>,
) -> Result<(), ReviewError> {
    if partial {
        if !kind.may_be_partial() {
            return Err(ReviewError::NotPartial(kind.label()));
        }
        if provisions.is_empty() {
            return Err(ReviewError::PartWithoutProvisions(kind.label()));
        }
        if let Some(p) = provisions.iter().find(|p| !document_provisions.contains(p)) {
            return Err(ReviewError::UnknownProvision(
                super::structure::display_reference(p),
            ));
        }
    } else if !provisions.is_empty() {
        return Err(ReviewError::NotPartial(kind.label()));
    }
    if kind == DecisionKind::DeclareExpired && ground.is_none() {
        return Err(ReviewError::ExpiryWithoutGround);
    }
    Ok(())
}

/// An approver approves a pending proposal made by someone else.
pub fn approve(
    state: DecisionState,
    proposer: i64,
    approver: i64,
) -> Result<DecisionState, ReviewError> {
    if state != DecisionState::Proposed {
        return Err(ReviewError::NotPending(state.label()));
    }
    if proposer == approver {
        return Err(ReviewError::SelfApproval);
    }
    Ok(DecisionState::Approved)
}

/// An approver returns a pending proposal, saying why.
pub fn return_to_officer(
    state: DecisionState,
    proposer: i64,
    approver: i64,
    comment: &str,
) -> Result<DecisionState, ReviewError> {
    if state != DecisionState::Proposed {
        return Err(ReviewError::NotPending(state.label()));
    }
    if proposer == approver {
        return Err(ReviewError::SelfApproval);
    }
    if comment.trim().is_empty() {
        return Err(ReviewError::ReturnWithoutComment);
    }
    Ok(DecisionState::Returned)
}

/// Records the next handling stage: stages follow their order (a stage may be skipped only
/// forwards: consultation is not always required) and no stage is dated before the last one.
pub fn advance(
    kind: DecisionKind,
    last: Option<(Stage, NaiveDate)>,
    next: Stage,
    date: NaiveDate,
) -> Result<(), ReviewError> {
    if !kind.needs_handling() {
        return Err(ReviewError::NoHandling);
    }
    match last {
        None if next != Stage::Registered => Err(ReviewError::StageOrder {
            current: "chưa đăng ký",
            next: next.label(),
        }),
        Some((current, _)) if next.index() <= current.index() => Err(ReviewError::StageOrder {
            current: current.label(),
            next: next.label(),
        }),
        Some((_, previous)) if date < previous => Err(ReviewError::StageDate { date, previous }),
        _ => Ok(()),
    }
}

/// Days allowed for each stage, counted from the day the stage before it ended (defaults
/// from the usual timetable: drafting registered within 30 days of the decision, comments 30,
/// appraisal 15 (Luật 2015, Điều 130.3 for local documents), submission 10, issue 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageDays(pub [u32; 5]);

impl Default for StageDays {
    fn default() -> Self {
        StageDays([30, 30, 15, 10, 15])
    }
}

/// The day by which `stage` must be reached, given when the previous step was done.
pub fn stage_deadline(days: StageDays, stage: Stage, previous_done: NaiveDate) -> NaiveDate {
    let n = days.0.get(stage.index()).copied().unwrap_or(0);
    previous_done
        .checked_add_days(chrono::Days::new(u64::from(n)))
        .unwrap_or(NaiveDate::MAX)
}

/// The next handling step of an approved decision that needs a handling document, and the
/// day it is due by [`stage_deadline`]: registration counted from the day of approval, each
/// later stage from the day the one before it was reached. Once the handling document is
/// issued, what is left is to record it and close the decision, due within the issue stage's
/// days of the issue (as the campaign's progress counts it late).
pub fn next_handling(
    days: StageDays,
    last: Option<(Stage, NaiveDate)>,
    approved_on: NaiveDate,
) -> (Stage, NaiveDate) {
    let (next, from) = match last {
        None => (Stage::Registered, approved_on),
        Some((s, on)) => (s.next().unwrap_or(Stage::Issued), on),
    };
    (next, stage_deadline(days, next, from))
}

/// Days before its deadline from which a handling stage is due (on «Việc của tôi»): a week to
/// prepare the paper of the next stage.
pub const STAGE_DUE_WITHIN_DAYS: u32 = 7;

/// Whether a stage due by `deadline` is due on `today`: late, or its deadline is at most
/// `within` days away.
pub fn stage_due(deadline: NaiveDate, today: NaiveDate, within: u32) -> bool {
    deadline
        .checked_sub_days(chrono::Days::new(u64::from(within)))
        .is_none_or(|from| today >= from)
}

/// Whether the next stage is late on `today`.
pub fn overdue(deadline: NaiveDate, reached_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    match reached_on {
        Some(d) => d > deadline,
        None => today > deadline,
    }
}

/// On a year's list of expired documents: in whole or in part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub enum Extent {
    Whole,
    Part,
}

fn last_day(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

/// Whether a document belongs on the list for `year`, and how: it ceased in whole during the
/// year, or some of it ceased during the year while the rest stayed in force.
pub fn annual_entry(doc: &DocumentFacts, year: i32) -> Option<Extent> {
    let end = last_day(year)?;
    let before = last_day(year - 1)?;
    let at_end = status_on(doc, end).status;
    let at_start = status_on(doc, before).status;
    if at_end == Status::HetHieuLucToanBo {
        return (at_start != Status::HetHieuLucToanBo).then_some(Extent::Whole);
    }
    let part_in_year = doc.received.iter().any(|e| {
        e.acts && e.kind.ends_wording() && !e.provisions.is_empty() && e.effective_on.year() == year
    });
    (part_in_year && at_end != Status::ChuaCoHieuLuc).then_some(Extent::Part)
}

/// The list for `year` is due by 31 January of the next year: a warning once that day has
/// passed and it is not published.
pub fn annual_list_late(year: i32, published: bool, today: NaiveDate) -> bool {
    let due = NaiveDate::from_ymd_opt(year + 1, 1, 31);
    !published && due.is_some_and(|d| today > d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kinds::EffectKind;
    use crate::domain::status::{EffectFact, ProvisionFact};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn doc() -> DocumentFacts {
        DocumentFacts {
            effective_on: d("2018-08-01"),
            provisions: ["dieu-1", "dieu-2", "dieu-3"]
                .iter()
                .map(|k| ProvisionFact {
                    key: k.to_string(),
                    containers: vec![],
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn the_next_handling_step_counts_from_the_last_one_reached() {
        let days = StageDays::default();
        assert_eq!(
            next_handling(days, None, d("2025-10-01")),
            (Stage::Registered, d("2025-10-31"))
        );
        assert_eq!(
            next_handling(
                days,
                Some((Stage::Registered, d("2025-10-20"))),
                d("2025-10-01")
            ),
            (Stage::Consultation, d("2025-11-19")),
            "from the registration, not the approval"
        );
        assert_eq!(
            next_handling(
                days,
                Some((Stage::Consultation, d("2025-11-10"))),
                d("2025-10-01")
            ),
            (Stage::Appraisal, d("2025-11-25"))
        );
        assert_eq!(
            next_handling(
                days,
                Some((Stage::Issued, d("2026-01-05"))),
                d("2025-10-01")
            ),
            (Stage::Issued, d("2026-01-20")),
            "issued: recording and closing is what is left"
        );
    }

    #[test]
    fn a_stage_is_due_a_week_ahead_and_stays_due_when_late() {
        let deadline = d("2026-03-10");
        assert!(!stage_due(deadline, d("2026-03-02"), STAGE_DUE_WITHIN_DAYS));
        assert!(stage_due(deadline, d("2026-03-03"), STAGE_DUE_WITHIN_DAYS));
        assert!(stage_due(deadline, d("2026-03-10"), STAGE_DUE_WITHIN_DAYS));
        assert!(stage_due(deadline, d("2026-04-10"), STAGE_DUE_WITHIN_DAYS));
        assert!(!stage_due(deadline, d("2026-03-09"), 0));
        assert!(
            stage_due(NaiveDate::MIN, NaiveDate::MIN, 30),
            "no day before the first"
        );
    }

    proptest! {
        #[test]
        fn due_exactly_within_the_window(offset in -400i64..400, within in 0u32..60) {
            let today = d("2026-06-15");
            let deadline = today + chrono::Duration::days(offset);
            prop_assert_eq!(stage_due(deadline, today, within), offset <= i64::from(within));
            // Late implies due.
            if overdue(deadline, None, today) {
                prop_assert!(stage_due(deadline, today, within));
            }
        }

        #[test]
        fn the_next_step_is_never_due_before_the_last_one(
            stage in 0usize..5, gap in 0u64..500
        ) {
            let on = d("2025-01-01") + chrono::Days::new(gap);
            let (next, due) = next_handling(StageDays::default(), Some((Stage::ALL[stage], on)), d("2024-12-01"));
            prop_assert!(due >= on);
            prop_assert!(next.index() >= stage);
        }
    }

    fn keys(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_partial_repeal_names_provisions_the_document_has() {
        let has = keys(&["dieu-1", "dieu-2"]);
        assert_eq!(
            check_decision(DecisionKind::Repeal, true, &[], &has, None),
            Err(ReviewError::PartWithoutProvisions("Bãi bỏ"))
        );
        assert!(matches!(
            check_decision(DecisionKind::Repeal, true, &keys(&["dieu-9"]), &has, None),
            Err(ReviewError::UnknownProvision(p)) if p == "Điều 9"
        ));
        assert_eq!(
            check_decision(DecisionKind::Repeal, true, &keys(&["dieu-2"]), &has, None),
            Ok(())
        );
        assert!(check_decision(DecisionKind::Keep, true, &keys(&["dieu-1"]), &has, None).is_err());
        assert!(
            check_decision(DecisionKind::Replace, false, &keys(&["dieu-1"]), &has, None).is_err()
        );
        assert_eq!(
            check_decision(DecisionKind::DeclareExpired, false, &[], &has, None),
            Err(ReviewError::ExpiryWithoutGround)
        );
        assert_eq!(
            check_decision(
                DecisionKind::DeclareExpired,
                false,
                &[],
                &has,
                Some(ExpiryGround::SubjectGone)
            ),
            Ok(())
        );
    }

    #[test]
    fn nobody_approves_their_own_proposal() {
        assert_eq!(
            approve(DecisionState::Proposed, 1, 1),
            Err(ReviewError::SelfApproval)
        );
        assert_eq!(
            approve(DecisionState::Proposed, 1, 2),
            Ok(DecisionState::Approved)
        );
        assert!(
            approve(DecisionState::Approved, 1, 2).is_err(),
            "approved only once"
        );
        assert_eq!(
            return_to_officer(DecisionState::Proposed, 1, 2, "  "),
            Err(ReviewError::ReturnWithoutComment)
        );
        assert_eq!(
            return_to_officer(DecisionState::Proposed, 1, 2, "Thiếu căn cứ"),
            Ok(DecisionState::Returned)
        );
    }

    #[test]
    fn stages_go_forward_in_order_and_in_time() {
        let k = DecisionKind::Repeal;
        assert!(advance(k, None, Stage::Consultation, d("2025-01-01")).is_err());
        assert!(advance(k, None, Stage::Registered, d("2025-01-01")).is_ok());
        let reg = Some((Stage::Registered, d("2025-01-10")));
        assert!(advance(k, reg, Stage::Consultation, d("2025-01-10")).is_ok());
        assert!(
            advance(k, reg, Stage::Appraisal, d("2025-02-01")).is_ok(),
            "consultation skipped"
        );
        assert!(matches!(
            advance(k, reg, Stage::Consultation, d("2025-01-09")),
            Err(ReviewError::StageDate { .. })
        ));
        assert!(advance(k, reg, Stage::Registered, d("2025-01-11")).is_err());
        assert_eq!(
            advance(DecisionKind::Keep, None, Stage::Registered, d("2025-01-01")),
            Err(ReviewError::NoHandling)
        );
        assert_eq!(Stage::Submitted.next(), Some(Stage::Issued));
        assert_eq!(Stage::Issued.next(), None);
    }

    #[test]
    fn deadlines_and_overdue() {
        let due = stage_deadline(StageDays::default(), Stage::Appraisal, d("2025-10-01"));
        assert_eq!(due, d("2025-10-16"));
        assert!(
            !overdue(due, None, d("2025-10-16")),
            "the last day is still on time"
        );
        assert!(overdue(due, None, d("2025-10-17")));
        assert!(!overdue(due, Some(d("2025-10-15")), d("2026-01-01")));
        assert!(overdue(due, Some(d("2025-10-20")), d("2025-10-20")));
    }

    #[test]
    fn the_annual_list_holds_what_ceased_during_the_year() {
        let mut whole = doc();
        whole.received.push(EffectFact {
            kind: EffectKind::Repeal,
            provisions: vec![],
            effective_on: d("2025-07-01"),
            until: None,
            acts: true,
        });
        assert_eq!(annual_entry(&whole, 2025), Some(Extent::Whole));
        assert_eq!(annual_entry(&whole, 2024), None);
        assert_eq!(annual_entry(&whole, 2026), None, "listed once, in its year");

        let mut part = doc();
        part.received.push(EffectFact {
            kind: EffectKind::Repeal,
            provisions: keys(&["dieu-2"]),
            effective_on: d("2025-03-01"),
            until: None,
            acts: true,
        });
        assert_eq!(annual_entry(&part, 2025), Some(Extent::Part));
        assert_eq!(annual_entry(&part, 2026), None);

        let mut term = doc();
        term.end_on = Some(d("2025-12-31"));
        assert_eq!(annual_entry(&term, 2025), None, "in force on its last day");
        assert_eq!(annual_entry(&term, 2026), Some(Extent::Whole));

        // A suspension is not an expiry.
        let mut suspended = doc();
        suspended.received.push(EffectFact {
            kind: EffectKind::Suspend,
            provisions: vec![],
            effective_on: d("2025-03-01"),
            until: None,
            acts: true,
        });
        assert_eq!(annual_entry(&suspended, 2025), None);
    }

    #[test]
    fn the_list_is_late_after_31_january() {
        assert!(!annual_list_late(2025, false, d("2026-01-31")));
        assert!(annual_list_late(2025, false, d("2026-02-01")));
        assert!(!annual_list_late(2025, true, d("2026-06-01")));
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..4000).prop_map(|n| d("2015-01-01") + chrono::Duration::days(n))
    }

    proptest! {
        /// A document that ceases in whole appears as such on exactly one year's list.
        #[test]
        fn ceasing_in_whole_is_listed_in_exactly_one_year(on in any_date(), part in any_date()) {
            let mut f = doc();
            f.received.push(EffectFact { kind: EffectKind::Repeal, provisions: keys(&["dieu-1"]), effective_on: part, until: None, acts: true });
            f.received.push(EffectFact { kind: EffectKind::Replace, provisions: vec![], effective_on: on, until: None, acts: true });
            let years: Vec<i32> = (2014..2030)
                .filter(|y| annual_entry(&f, *y) == Some(Extent::Whole))
                .collect();
            prop_assert_eq!(years.len(), 1);
            prop_assert!(years[0] == on.year() || years[0] == part.year());
        }

        /// Stages recorded through `advance` are strictly ordered and never go back in time.
        #[test]
        fn accepted_stage_sequences_are_ordered(steps in proptest::collection::vec((0usize..5, 0i64..60), 1..8)) {
            let mut last: Option<(Stage, NaiveDate)> = None;
            let start = d("2025-01-01");
            for (s, offset) in steps {
                let stage = Stage::ALL[s];
                let date = start + chrono::Duration::days(offset);
                if advance(DecisionKind::Amend, last, stage, date).is_ok() {
                    if let Some((prev, prev_date)) = last {
                        prop_assert!(stage.index() > prev.index());
                        prop_assert!(date >= prev_date);
                    }
                    last = Some((stage, date));
                }
            }
        }

        /// Approval never succeeds for the proposer.
        #[test]
        fn approval_needs_two_people(p in 0i64..5, a in 0i64..5) {
            let r = approve(DecisionState::Proposed, p, a);
            prop_assert_eq!(r.is_ok(), p != a);
        }
    }
}
