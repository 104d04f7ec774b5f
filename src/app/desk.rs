//! «Việc của tôi»: what waits for the signed-in user, per role and within their units, each
//! item a link to where it is done, overdue and nearest deadlines first.
//!
//! - approver (and administrator): proposals waiting for approval, never one's own;
//! - officer: documents assigned in started campaigns that have no proposal yet, and one's
//!   proposals returned for correction (until corrected);
//! - inspector: the current units of their scope not inspected yet this year;
//! - administrator: accounts that must still change a password an administrator set, and the
//!   province-wide counts.
//!
//! Deadlines are the campaign's (`domain::review::overdue` says when one has passed).

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::app::{on_pool, AppState};
use crate::auth::{Principal, Role};
use crate::db::desk::{self as rows, DeskDecision};
use crate::db::{Db, DbError};
use crate::domain::review::{overdue, DecisionState};
use crate::domain::text::date_vn;
use crate::error::AppError;

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
    pub items: Vec<DeskItem>,
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
    let mut items: Vec<DeskItem> = crate::db::queries::all_units(db)?
        .into_iter()
        .filter(|u| units.contains(&u.id) && u.valid_to.is_none_or(|t| t >= today))
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

fn section(id: &'static str, title: &str, mut items: Vec<DeskItem>) -> Option<DeskSection> {
    sort(&mut items);
    (!items.is_empty()).then(|| DeskSection {
        id,
        title: title.to_string(),
        items,
    })
}

/// The desk of `who` on `today`.
pub fn load(db: &mut Db<'_>, who: &DeskUser, today: NaiveDate) -> Result<Desk, DbError> {
    let mut sections = Vec::new();
    let mut summary = Vec::new();
    match who.role {
        Role::Approver => {
            sections.extend(section(
                "phe-duyet",
                "Đề xuất chờ bạn phê duyệt",
                to_approve(db, who, today)?,
            ));
        }
        Role::Officer => {
            sections.extend(section(
                "bi-tra-lai",
                "Đề xuất bị trả lại, chờ bạn sửa",
                returned(db, Some(who.id), today)?,
            ));
            sections.extend(section(
                "duoc-giao",
                "Văn bản được giao, chưa có đề xuất kết quả rà soát",
                assigned(db, who.id, today)?,
            ));
        }
        Role::Inspector => {
            sections.extend(section(
                "kiem-tra",
                "Đơn vị chưa được kiểm tra niêm yết năm nay",
                to_inspect(db, who, today)?,
            ));
        }
        Role::Admin => {
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
                accounts,
            ));
            let approve = to_approve(db, who, today)?;
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
            sections.extend(section("phe-duyet", "Đề xuất chờ phê duyệt", approve));
        }
    }
    let total = sections.iter().map(|s| s.items.len()).sum();
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
    })
}

/// The signed-in user's desk today.
pub async fn desk(state: &AppState, p: &Principal) -> Result<Desk, AppError> {
    let who = user_of(state, p)?;
    let today = crate::clock::today();
    on_pool(state, move |db| Ok(load(db, &who, today)?)).await
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
}
