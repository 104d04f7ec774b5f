//! «Việc của tôi»: what waits for the signed-in user, per role and within their units, each
//! item a link to where it is done, overdue and nearest deadlines first.
//!
//! - approver (and administrator): proposals waiting for approval, never one's own;
//! - officer: documents assigned in started campaigns that have no proposal yet, and one's
//!   proposals returned for correction (until corrected);
//! - officer and approver: handling stages due (the next stage of an approved amend, replace
//!   or repeal decision late or due within [`STAGE_DUE_WITHIN_DAYS`]), and the documents of
//!   started campaigns nobody is assigned to, one count per campaign;
//! - officer and inspector with a limited scope: procedures to post at their units' one-stop
//!   counter, with the deadline of `domain::calendar::posting_deadline`;
//! - inspector: the current units of their scope not inspected yet this year;
//! - administrator: accounts that must still change a password an administrator set, and the
//!   province-wide counts;
//! - drafts: the campaigns the user made and has not started (the only unfinished work kept on
//!   the server: a proposal is submitted when saved, and the new-document form keeps its
//!   fields in the browser), and an officer's proposals still waiting for approval, to follow
//!   («Đang chờ duyệt»: someone else's turn, so not in the header's count).
//!
//! Deadlines are the campaign's, the handling stage's (`domain::review::next_handling`) and the
//! posting's; `domain::review::overdue` says when one has passed. A long list shows its first
//! [`MAX_ITEMS`] and says how many more there are.
//!
//! The header's count ([`count`]) is kept per user while the audit trail does not move (every
//! write appends to it, whichever instance writes) and the day, role and units are the same,
//! for at most [`COUNT_TTL`]; a page view then costs one indexed query.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::app::{on_pool, AppState};
use crate::auth::{Principal, Role};
use crate::db::desk::{self as rows, DeskDecision};
use crate::db::{Db, DbError};
use crate::domain::calendar::POSTING_DEADLINE_WORKING_DAYS;
use crate::domain::review::{
    next_handling, overdue, stage_due, DecisionKind, DecisionState, Stage, StageDays,
    STAGE_DUE_WITHIN_DAYS,
};
use crate::domain::text::{date_in_vietnam, date_vn};
use crate::error::AppError;
use crate::procedures::check::{postings_due, CheckError, Settings};
use crate::registry::org::Org;

/// Items a section lists; the rest are counted («và N … khác»).
pub const MAX_ITEMS: usize = 50;

/// How long the header's count is trusted without a write (changes made outside the write
/// path, by hand in the database, show within this time).
pub const COUNT_TTL: Duration = Duration::from_secs(60);

/// One thing to do.
#[derive(Debug, Clone, Serialize)]
pub struct DeskItem {
    pub title: String,
    pub detail: String,
    pub href: String,
    /// The deadline, `dd/mm/yyyy` (Vietnam's calendar day).
    pub due: Option<String>,
    pub overdue: bool,
    #[serde(skip)]
    due_on: Option<NaiveDate>,
    #[serde(skip)]
    since: Option<NaiveDateTime>,
}

impl DeskItem {
    fn new(
        title: String,
        detail: String,
        href: String,
        due: Option<NaiveDate>,
        today: NaiveDate,
    ) -> DeskItem {
        DeskItem {
            title,
            detail,
            href,
            due: due.map(date_vn),
            overdue: due.is_some_and(|d| overdue(d, None, today)),
            due_on: due,
            since: None,
        }
    }

    fn since(mut self, at: NaiveDateTime) -> DeskItem {
        self.since = Some(at);
        self
    }
}

/// Overdue first, then the nearest deadline, then the oldest.
fn sort(items: &mut [DeskItem]) {
    items.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| match (a.due_on, b.due_on) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.since.cmp(&b.since))
    });
}

#[derive(Debug, Clone, Serialize)]
pub struct DeskSection {
    pub id: &'static str,
    pub title: String,
    /// The first [`MAX_ITEMS`], in order.
    pub items: Vec<DeskItem>,
    /// How many there are in all, how many are not listed, and what they are («văn bản»).
    pub count: usize,
    pub more: usize,
    pub noun: &'static str,
    /// Something the user is to do (counted in the header), not only to follow.
    pub task: bool,
}

/// A province-wide figure (administrators).
#[derive(Debug, Clone, Serialize)]
pub struct DeskCount {
    pub label: &'static str,
    pub count: usize,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Desk {
    pub sections: Vec<DeskSection>,
    pub summary: Vec<DeskCount>,
    /// Items waiting, all sections together (the header's badge).
    pub total: usize,
}

/// Who the desk is for: id, role, and the units their scope covers with predecessors
/// (`None`: every unit).
pub struct DeskUser {
    pub id: i64,
    pub role: Role,
    pub units: Option<HashSet<i64>>,
    /// Units and authorities, as the app keeps them (not read again for each desk).
    pub org: Arc<Org>,
}

impl DeskUser {
    fn covers(&self, unit: Option<i64>) -> bool {
        match (&self.units, unit) {
            (None, _) => true,
            (Some(set), Some(u)) => set.contains(&u),
            (Some(_), None) => false,
        }
    }
}

fn decision_item(d: &DeskDecision, title: String, today: NaiveDate) -> DeskItem {
    DeskItem::new(
        title,
        format!("{} — {} (đợt «{}»)", d.number, d.title, d.campaign_name),
        format!("/campaigns/{}#vb-{}", d.campaign_id, d.document_id),
        Some(d.deadline),
        today,
    )
    .since(d.proposed_at)
}

/// Proposals waiting for `who`'s approval: in scope, not their own.
fn to_approve(db: &mut Db<'_>, who: &DeskUser, today: NaiveDate) -> Result<Vec<DeskItem>, DbError> {
    Ok(
        rows::decisions_in_state(db, DecisionState::Proposed.code())?
            .iter()
            .filter(|d| d.proposed_by != who.id && who.covers(d.unit_id))
            .map(|d| decision_item(d, format!("Phê duyệt đề xuất số {}", d.id), today))
            .collect(),
    )
}

/// Returned decisions not yet corrected; `of`: only those proposed by this user.
fn returned(db: &mut Db<'_>, of: Option<i64>, today: NaiveDate) -> Result<Vec<DeskItem>, DbError> {
    let superseded: HashSet<i64> = rows::superseded_ids(db)?.into_iter().collect();
    Ok(
        rows::decisions_in_state(db, DecisionState::Returned.code())?
            .iter()
            .filter(|d| !superseded.contains(&d.id) && of.is_none_or(|u| d.proposed_by == u))
            .map(|d| {
                let mut item =
                    decision_item(d, format!("Sửa đề xuất số {} bị trả lại", d.id), today);
                if let Some(c) = d.comment.as_deref().filter(|c| !c.trim().is_empty()) {
                    item.detail = format!("{} Ý kiến: {c}", item.detail);
                }
                item
            })
            .collect(),
    )
}

fn assigned(db: &mut Db<'_>, officer: i64, today: NaiveDate) -> Result<Vec<DeskItem>, DbError> {
    Ok(rows::assigned_undecided(db, officer)?
        .into_iter()
        .map(|a| {
            DeskItem::new(
                format!("Rà soát văn bản {}", a.number),
                format!("{} (đợt «{}»)", a.title, a.campaign_name),
                format!("/campaigns/{}#vb-{}", a.campaign_id, a.document_id),
                Some(a.deadline),
                today,
            )
        })
        .collect())
}

/// The current units of the inspector's scope with no inspection this year (none listed for
/// an unlimited scope: the province-wide figure is the scorecard's).
fn to_inspect(db: &mut Db<'_>, who: &DeskUser, today: NaiveDate) -> Result<Vec<DeskItem>, DbError> {
    let Some(units) = &who.units else {
        return Ok(Vec::new());
    };
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let inspected: HashSet<i64> = rows::last_inspections(db)?
        .into_iter()
        .filter(|(_, last)| last.is_some_and(|d| d >= year_start))
        .map(|(u, _)| u)
        .collect();
    let mut items: Vec<DeskItem> = units
        .iter()
        .filter_map(|id| who.org.units.get(id))
        .filter(|u| u.valid_to.is_none_or(|t| t >= today))
        .filter(|u| !inspected.contains(&u.id))
        .map(|u| {
            DeskItem::new(
                format!("Kiểm tra niêm yết tại {}", u.name),
                format!("Chưa có biên bản kiểm tra nào trong năm {}.", today.year()),
                format!("/units/{}/inspections/new", u.code),
                None,
                today,
            )
        })
        .collect();
    items.sort_by(|a, b| a.title.cmp(&b.title));
    Ok(items)
}

fn section(
    id: &'static str,
    title: &str,
    noun: &'static str,
    items: Vec<DeskItem>,
) -> Option<DeskSection> {
    listed(id, title, noun, items, true)
}

fn listed(
    id: &'static str,
    title: &str,
    noun: &'static str,
    mut items: Vec<DeskItem>,
    task: bool,
) -> Option<DeskSection> {
    sort(&mut items);
    let count = items.len();
    items.truncate(MAX_ITEMS);
    (count > 0).then(|| DeskSection {
        id,
        title: title.to_string(),
        more: count.saturating_sub(MAX_ITEMS),
        noun,
        items,
        count,
        task,
    })
}

/// The next handling stage of the approved amend, replace and repeal decisions in `who`'s
/// units that is late or due within [`STAGE_DUE_WITHIN_DAYS`], each linked to its document on
/// the campaign page filtered to the stage it has reached.
fn stages_due(db: &mut Db<'_>, who: &DeskUser, today: NaiveDate) -> Result<Vec<DeskItem>, DbError> {
    let kinds: Vec<&str> = DecisionKind::ALL
        .iter()
        .filter(|k| k.needs_handling())
        .map(|k| k.code())
        .collect();
    let open: Vec<rows::DeskHandling> =
        rows::approved_of_kinds(db, DecisionState::Approved.code(), &kinds)?
            .into_iter()
            .filter(|d| who.covers(d.unit_id))
            .collect();
    let ids: Vec<i64> = open.iter().map(|d| d.id).collect();
    let mut last: HashMap<i64, (Stage, NaiveDate)> = HashMap::new();
    for (decision, code, on) in rows::stages_of_decisions(db, &ids)? {
        let stage = crate::db::stored::code(
            &code,
            crate::db::stored::At::new("decision_stages", &decision, "stage"),
            Stage::parse,
        )?;
        if last
            .get(&decision)
            .is_none_or(|(s, _)| stage.index() > s.index())
        {
            last.insert(decision, (stage, on));
        }
    }
    let mut items = Vec::new();
    for d in open {
        let kind = crate::db::stored::code(
            &d.kind,
            crate::db::stored::At::new("decisions", &d.id, "kind"),
            DecisionKind::parse,
        )?;
        let approved_on = d.decided_at.map_or(today, date_in_vietnam);
        let reached = last.get(&d.id).copied();
        let (next, due) = next_handling(StageDays::default(), reached, approved_on);
        if !stage_due(due, today, STAGE_DUE_WITHIN_DAYS) {
            continue;
        }
        let step = match reached {
            Some((Stage::Issued, _)) => "ghi nhận văn bản xử lý và kết thúc".to_string(),
            _ => format!("giai đoạn «{}»", next.label()),
        };
        let after = match reached {
            Some((s, on)) => format!("sau «{}» ngày {}", s.label(), date_vn(on)),
            None => format!("phê duyệt ngày {}", date_vn(approved_on)),
        };
        let filter = reached.map_or("waiting", |(s, _)| s.code());
        items.push(DeskItem::new(
            format!("Văn bản {}: {step}", d.number),
            format!(
                "Kết quả rà soát số {} «{}» ({after}) — {} (đợt «{}»)",
                d.id,
                kind.label(),
                d.title,
                d.campaign_name
            ),
            format!(
                "/campaigns/{}?stage={filter}#vb-{}",
                d.campaign_id, d.document_id
            ),
            Some(due),
            today,
        ));
    }
    Ok(items)
}

/// Procedures whose current version is not up at the one-stop counter of `who`'s units, with
/// the legal deadline to post them; officers open the unit's checklist, inspectors its
/// completeness page.
fn postings_to_make(
    db: &mut Db<'_>,
    who: &DeskUser,
    today: NaiveDate,
) -> Result<Vec<DeskItem>, DbError> {
    // An unlimited scope lists none: the province-wide figure is the scorecard's.
    let Some(scope) = &who.units else {
        return Ok(Vec::new());
    };
    let mut units: Vec<i64> = scope.iter().copied().collect();
    units.sort_unstable();
    let due = postings_due(
        db,
        &who.org,
        &units,
        today,
        Settings {
            deadline_working_days: POSTING_DEADLINE_WORKING_DAYS,
        },
    )
    .map_err(|e| match e {
        CheckError::Db(e) => e,
        // Units are kept to those that exist today in a province: a refusal means bad data.
        e => DbError::Corrupt(crate::db::stored::Corrupt::new(
            "units", "desk", "id", "", e,
        )),
    })?;
    let page = if who.role == Role::Inspector {
        "completeness"
    } else {
        "niem-yet"
    };
    Ok(due
        .into_iter()
        .map(|p| {
            let mut detail = format!(
                "{} — quyết định công bố {} ngày {}",
                p.name,
                p.decision_number,
                date_vn(p.decision_date)
            );
            if p.older_posted {
                detail.push_str("; đang niêm yết phiên bản cũ");
            } else if p.on_portal {
                detail.push_str("; mới có trên Cổng dịch vụ công");
            }
            detail.push('.');
            DeskItem::new(
                format!("Niêm yết thủ tục {} tại {}", p.code, p.unit_name),
                detail,
                format!("/units/{}/{page}", p.unit_code),
                Some(p.deadline),
                today,
            )
        })
        .collect())
}

/// Per started campaign, the documents in `who`'s units nobody is assigned to and with no
/// proposal: one item each, linked to the campaign page filtered to them.
fn unassigned(db: &mut Db<'_>, who: &DeskUser, today: NaiveDate) -> Result<Vec<DeskItem>, DbError> {
    let mut per_campaign: BTreeMap<i64, i64> = BTreeMap::new();
    for c in rows::unassigned_counts(db)? {
        if who.covers(c.unit_id) {
            *per_campaign.entry(c.campaign_id).or_default() += c.count;
        }
    }
    if per_campaign.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = per_campaign.keys().copied().collect();
    Ok(rows::campaigns_by_ids(db, &ids)?
        .into_iter()
        .filter_map(|c| {
            let n = *per_campaign.get(&c.id)?;
            Some(
                DeskItem::new(
                    format!(
                        "Phân công {} văn bản của đợt «{}»",
                        crate::domain::text::number_vn(n),
                        c.name
                    ),
                    "Chưa giao cho cán bộ nào và chưa có đề xuất kết quả rà soát.".to_string(),
                    format!("/campaigns/{}?officer=none&state=none#van-ban", c.id),
                    Some(c.deadline),
                    today,
                )
                .since(c.created_at),
            )
        })
        .collect())
}

/// The campaigns `who` made and has not started: drafts.
fn unstarted(db: &mut Db<'_>, who: &DeskUser, today: NaiveDate) -> Result<Vec<DeskItem>, DbError> {
    Ok(rows::unstarted_campaigns_of(db, who.id)?
        .into_iter()
        .map(|c| {
            DeskItem::new(
                format!("Bắt đầu đợt rà soát «{}»", c.name),
                format!(
                    "Đã tạo ngày {}, chưa bắt đầu: kiểm tra danh sách văn bản rồi bấm «Bắt đầu».",
                    date_vn(date_in_vietnam(c.created_at))
                ),
                format!("/campaigns/{}", c.id),
                Some(c.deadline),
                today,
            )
            .since(c.created_at)
        })
        .collect())
}

/// The officer's own proposals still waiting for approval, to follow.
fn waiting_mine(
    db: &mut Db<'_>,
    who: &DeskUser,
    today: NaiveDate,
) -> Result<Vec<DeskItem>, DbError> {
    Ok(
        rows::decisions_in_state(db, DecisionState::Proposed.code())?
            .iter()
            .filter(|d| d.proposed_by == who.id)
            .map(|d| decision_item(d, format!("Đề xuất số {} đang chờ duyệt", d.id), today))
            .collect(),
    )
}

const STAGES_TITLE: &str = "Giai đoạn xử lý đến hạn hoặc quá hạn";
const UNSTARTED_TITLE: &str = "Đợt rà soát bạn tạo, chưa bắt đầu";

/// The administrator's desk: accounts, proposals and stages, and the province-wide counts.
fn admin(
    db: &mut Db<'_>,
    who: &DeskUser,
    today: NaiveDate,
    sections: &mut Vec<DeskSection>,
    summary: &mut Vec<DeskCount>,
) -> Result<(), DbError> {
    let accounts: Vec<DeskItem> = crate::db::users::all(db)?
        .into_iter()
        .filter(|u| u.must_change_password && !u.disabled)
        .map(|u| {
            DeskItem::new(
                format!("Tài khoản {} chưa đổi mật khẩu tạm thời", u.username),
                u.display_name,
                format!("/admin/users/{}", u.id),
                None,
                today,
            )
        })
        .collect();
    sections.extend(section(
        "tai-khoan",
        "Tài khoản phải đổi mật khẩu",
        "tài khoản",
        accounts,
    ));
    let approve = to_approve(db, who, today)?;
    let stages = stages_due(db, who, today)?;
    summary.push(DeskCount {
        label: "Đề xuất chờ phê duyệt",
        count: approve.len(),
        href: "/campaigns".into(),
    });
    summary.push(DeskCount {
        label: "Đề xuất bị trả lại chờ sửa",
        count: returned(db, None, today)?.len(),
        href: "/campaigns".into(),
    });
    summary.push(DeskCount {
        label: "Trong đó quá hạn",
        count: approve.iter().filter(|i| i.overdue).count(),
        href: "/campaigns".into(),
    });
    summary.push(DeskCount {
        label: STAGES_TITLE,
        count: stages.len(),
        href: "#giai-doan".into(),
    });
    sections.extend(section(
        "phe-duyet",
        "Đề xuất chờ phê duyệt",
        "đề xuất",
        approve,
    ));
    sections.extend(section("giai-doan", STAGES_TITLE, "quyết định", stages));
    sections.extend(Part::Unstarted.section(db, who, today)?);
    Ok(())
}

/// One list a desk may hold: its anchor, title, what it counts, and where its items come from.
#[derive(Debug, Clone, Copy)]
enum Part {
    ToApprove,
    Returned,
    Assigned,
    StagesDue,
    Postings,
    Unassigned,
    Unstarted,
    WaitingMine,
    ToInspect,
}

/// The lists of each role, in the order the desk shows them (the administrator's is `admin`).
const APPROVER: &[Part] = &[
    Part::ToApprove,
    Part::StagesDue,
    Part::Unassigned,
    Part::Unstarted,
];
const OFFICER: &[Part] = &[
    Part::Returned,
    Part::Assigned,
    Part::StagesDue,
    Part::Postings,
    Part::Unassigned,
    Part::Unstarted,
    Part::WaitingMine,
];
const INSPECTOR: &[Part] = &[Part::ToInspect, Part::Postings];

impl Part {
    /// Anchor, title, the noun its count is of, and whether its items are the user's tasks
    /// (counted in the header) or only shown to follow.
    fn heading(self) -> (&'static str, &'static str, &'static str, bool) {
        match self {
            Part::ToApprove => ("phe-duyet", "Đề xuất chờ bạn phê duyệt", "đề xuất", true),
            Part::Returned => (
                "bi-tra-lai",
                "Đề xuất bị trả lại, chờ bạn sửa",
                "đề xuất",
                true,
            ),
            Part::Assigned => (
                "duoc-giao",
                "Văn bản được giao, chưa có đề xuất kết quả rà soát",
                "văn bản",
                true,
            ),
            Part::StagesDue => ("giai-doan", STAGES_TITLE, "quyết định", true),
            Part::Postings => (
                "niem-yet",
                "Thủ tục chưa niêm yết tại bộ phận một cửa",
                "thủ tục",
                true,
            ),
            Part::Unassigned => (
                "chua-phan-cong",
                "Văn bản chưa phân công trong các đợt rà soát đang chạy",
                "đợt",
                true,
            ),
            Part::Unstarted => ("ban-nhap", UNSTARTED_TITLE, "đợt", true),
            Part::WaitingMine => (
                "cho-duyet",
                "Đề xuất của bạn đang chờ duyệt",
                "đề xuất",
                false,
            ),
            Part::ToInspect => (
                "kiem-tra",
                "Đơn vị chưa được kiểm tra niêm yết năm nay",
                "đơn vị",
                true,
            ),
        }
    }

    fn items(
        self,
        db: &mut Db<'_>,
        who: &DeskUser,
        today: NaiveDate,
    ) -> Result<Vec<DeskItem>, DbError> {
        match self {
            Part::ToApprove => to_approve(db, who, today),
            Part::Returned => returned(db, Some(who.id), today),
            Part::Assigned => assigned(db, who.id, today),
            Part::StagesDue => stages_due(db, who, today),
            Part::Postings => postings_to_make(db, who, today),
            Part::Unassigned => unassigned(db, who, today),
            Part::Unstarted => unstarted(db, who, today),
            Part::WaitingMine => waiting_mine(db, who, today),
            Part::ToInspect => to_inspect(db, who, today),
        }
    }

    fn section(
        self,
        db: &mut Db<'_>,
        who: &DeskUser,
        today: NaiveDate,
    ) -> Result<Option<DeskSection>, DbError> {
        let (id, title, noun, task) = self.heading();
        Ok(listed(id, title, noun, self.items(db, who, today)?, task))
    }
}

/// The desk of `who` on `today`.
pub fn load(db: &mut Db<'_>, who: &DeskUser, today: NaiveDate) -> Result<Desk, DbError> {
    let mut sections = Vec::new();
    let mut summary = Vec::new();
    let parts = match who.role {
        Role::Approver => APPROVER,
        Role::Officer => OFFICER,
        Role::Inspector => INSPECTOR,
        Role::Admin => {
            admin(db, who, today, &mut sections, &mut summary)?;
            &[]
        }
    };
    for part in parts {
        sections.extend(part.section(db, who, today)?);
    }
    let total = sections.iter().filter(|s| s.task).map(|s| s.count).sum();
    Ok(Desk {
        sections,
        summary,
        total,
    })
}

/// The desk user of a principal, their scope expanded with the units it took over.
pub fn user_of(state: &AppState, p: &Principal) -> Result<DeskUser, AppError> {
    let org = state.org_cache.get(&state.pool)?;
    Ok(DeskUser {
        id: p.user_id,
        role: p.role,
        units: p.scope.expanded(|u| org.all_unit_predecessors(u)),
        org,
    })
}

/// The signed-in user's desk today.
pub async fn desk(state: &AppState, p: &Principal) -> Result<Desk, AppError> {
    let who = user_of(state, p)?;
    let today = state.today();
    on_pool(state, move |db| Ok(load(db, &who, today)?)).await
}

/// What a cached count was made for: the same user sees the same desk while these hold.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CountKey {
    audit_head: i64,
    today: NaiveDate,
    role: Role,
    units: Option<Vec<i64>>,
}

/// The header's counts, per user (see the module).
#[derive(Default)]
pub struct CountCache {
    held: Mutex<HashMap<i64, (CountKey, Instant, usize)>>,
}

impl CountCache {
    /// Users kept at most; beyond them the cache starts again.
    const MAX_USERS: usize = 10_000;

    fn get(&self, user: i64, key: &CountKey) -> Option<usize> {
        let held = self.held.lock().ok()?;
        held.get(&user)
            .filter(|(k, at, _)| k == key && at.elapsed() < COUNT_TTL)
            .map(|(_, _, n)| *n)
    }

    fn put(&self, user: i64, key: CountKey, n: usize) {
        if let Ok(mut held) = self.held.lock() {
            if held.len() >= Self::MAX_USERS {
                held.clear();
            }
            held.insert(user, (key, Instant::now(), n));
        }
    }
}

/// How many things wait on the signed-in user's desk today (the header's badge): the cached
/// count while nothing was written, else the desk loaded again.
pub async fn count(state: &AppState, p: &Principal) -> Result<usize, AppError> {
    let who = user_of(state, p)?;
    let today = state.today();
    let cache = state.desk_counts.clone();
    on_pool(state, move |db| {
        let mut units: Option<Vec<i64>> = who.units.as_ref().map(|u| u.iter().copied().collect());
        if let Some(u) = units.as_mut() {
            u.sort_unstable();
        }
        let key = CountKey {
            audit_head: rows::audit_head(db)?,
            today,
            role: who.role,
            units,
        };
        if let Some(n) = cache.get(who.id, &key) {
            return Ok(n);
        }
        let n = load(db, &who, today)?.total;
        cache.put(who.id, key, n);
        Ok(n)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn overdue_first_then_nearest_deadline_then_oldest() {
        let today = d("2026-03-01");
        let item = |t: &str, due: Option<&str>| {
            DeskItem::new(t.into(), String::new(), String::new(), due.map(d), today)
        };
        let at = |s: &str| d(s).and_hms_opt(0, 0, 0).unwrap();
        let mut v = vec![
            item("không hạn", None),
            item("hạn xa", Some("2026-06-30")),
            item("hạn gần, mới", Some("2026-03-10")).since(at("2026-02-20")),
            item("hạn gần, cũ", Some("2026-03-10")).since(at("2026-01-05")),
            item("quá hạn", Some("2026-02-28")),
            item("hạn hôm nay", Some("2026-03-01")),
        ];
        sort(&mut v);
        let titles: Vec<&str> = v.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "quá hạn",
                "hạn hôm nay",
                "hạn gần, cũ",
                "hạn gần, mới",
                "hạn xa",
                "không hạn"
            ]
        );
        assert!(
            v[0].overdue && !v[1].overdue,
            "a deadline is met on its day"
        );
        assert_eq!(v[0].due.as_deref(), Some("28/02/2026"));
    }

    #[test]
    fn a_long_list_shows_its_first_items_and_counts_the_rest() {
        let today = d("2026-03-01");
        let items: Vec<DeskItem> = (0..(MAX_ITEMS + 3))
            .map(|i| {
                let due = today + chrono::Days::new(i as u64);
                DeskItem::new(
                    format!("{i}"),
                    String::new(),
                    String::new(),
                    Some(due),
                    today,
                )
            })
            .rev()
            .collect();
        let s = section("x", "X", "thủ tục", items).unwrap();
        assert_eq!(
            (s.items.len(), s.count, s.more),
            (MAX_ITEMS, MAX_ITEMS + 3, 3)
        );
        assert_eq!(
            s.items[0].title, "0",
            "the nearest deadline first, before the cut"
        );
        assert!(s.task);
        assert!(section("x", "X", "thủ tục", Vec::new()).is_none());
        let follow = listed(
            "y",
            "Y",
            "đề xuất",
            vec![DeskItem::new(
                "a".into(),
                String::new(),
                String::new(),
                None,
                today,
            )],
            false,
        )
        .unwrap();
        assert!(!follow.task && follow.more == 0);
    }
}
