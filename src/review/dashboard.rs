//! A campaign's progress, per authority and per assigned officer: in scope, reviewed, decided,
//! needing handling, handled, overdue; coverage against the targets (100% reviewed, 100% of
//! unsuitable documents handled); and decided documents over time.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::decisions::Decision;
use crate::db::{queries, Db, DbError};
use crate::domain::review::{
    next_handling, overdue, DecisionKind, DecisionState, Stage, StageDays,
};

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Counts {
    pub in_scope: usize,
    pub reviewed: usize,
    pub decided: usize,
    pub needing_handling: usize,
    pub handled: usize,
    pub overdue: usize,
}

impl Counts {
    /// Share reviewed, in percent (100 when nothing is in scope).
    pub fn reviewed_pct(&self) -> f64 {
        pct(self.reviewed, self.in_scope)
    }

    /// Share of the documents needing handling that are handled.
    pub fn handled_pct(&self) -> f64 {
        pct(self.handled, self.needing_handling)
    }
}

fn pct(n: usize, of: usize) -> f64 {
    if of == 0 {
        100.0
    } else {
        (n as f64 * 1000.0 / of as f64).round() / 10.0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthorityRow {
    pub authority_id: i64,
    pub authority: String,
    pub counts: Counts,
    pub reviewed_pct: f64,
    pub handled_pct: f64,
}

/// One officer's share of the campaign (`officer_id` `None`: documents not assigned yet).
#[derive(Debug, Clone, Serialize)]
pub struct OfficerRow {
    pub officer_id: Option<i64>,
    pub officer: String,
    pub counts: Counts,
    pub reviewed_pct: f64,
    pub handled_pct: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub total: Counts,
    pub reviewed_pct: f64,
    pub handled_pct: f64,
    pub authorities: Vec<AuthorityRow>,
    /// Assigned officers by name, then the unassigned documents.
    pub officers: Vec<OfficerRow>,
    /// (day, documents decided by then), one point per day something was decided.
    pub progress: Vec<(NaiveDate, usize)>,
}

/// Where one document of the campaign stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Standing {
    reviewed: bool,
    decided: bool,
    needs_handling: bool,
    handled: bool,
    overdue: bool,
}

fn standing(
    d: Option<&Decision>,
    last_stage: Option<(Stage, NaiveDate)>,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Standing {
    let state = d.map(|d| d.state);
    let kind = d.map(|d| d.kind);
    let reviewed = matches!(
        state,
        Some(DecisionState::Proposed | DecisionState::Approved | DecisionState::Closed)
    );
    let decided = matches!(state, Some(DecisionState::Approved | DecisionState::Closed));
    let needs_handling = decided && kind.is_some_and(DecisionKind::needs_handling);
    let handled = needs_handling && state == Some(DecisionState::Closed);
    let late_review = !decided && overdue(deadline, None, today);
    // The next handling stage is late when its time, counted from the last step, is past.
    let late_handling = needs_handling && !handled && {
        let approved_on = d
            .and_then(|d| d.decided_at)
            .map_or(today, crate::domain::text::date_in_vietnam);
        let (_, due) = next_handling(StageDays::default(), last_stage, approved_on);
        overdue(due, None, today)
    };
    Standing {
        reviewed,
        decided,
        needs_handling,
        handled,
        overdue: late_review || late_handling,
    }
}

fn add(c: &mut Counts, s: Standing) {
    c.in_scope += 1;
    c.reviewed += usize::from(s.reviewed);
    c.decided += usize::from(s.decided);
    c.needing_handling += usize::from(s.needs_handling);
    c.handled += usize::from(s.handled);
    c.overdue += usize::from(s.overdue);
}

pub fn dashboard(
    db: &mut Db<'_>,
    campaign: i64,
    today: NaiveDate,
) -> Result<Option<Dashboard>, DbError> {
    let Some(c) = super::campaigns::get(db, campaign)? else {
        return Ok(None);
    };
    let docs = crate::db::review::campaign_documents_with_authority(db, campaign)?;
    let all = super::decisions::of_campaign(db, campaign)?;
    let last = last_stages(db, campaign)?;
    let now = super::decisions::current(all);
    let names: HashMap<i64, String> = queries::all_authorities(db)?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let mut total = Counts::default();
    let mut by_authority: BTreeMap<i64, Counts> = BTreeMap::new();
    let mut by_officer: BTreeMap<Option<i64>, Counts> = BTreeMap::new();
    for (doc, authority, officer) in docs {
        let d = now.get(&doc);
        let s = standing(
            d,
            d.and_then(|d| last.get(&d.id).copied()),
            c.deadline,
            today,
        );
        add(&mut total, s);
        add(by_authority.entry(authority).or_default(), s);
        add(by_officer.entry(officer).or_default(), s);
    }
    let mut days: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for d in now.values() {
        if let (true, Some(at)) = (
            matches!(d.state, DecisionState::Approved | DecisionState::Closed),
            d.decided_at,
        ) {
            *days
                .entry(crate::domain::text::date_in_vietnam(at))
                .or_default() += 1;
        }
    }
    let mut running = 0;
    let progress = days
        .into_iter()
        .map(|(day, n)| {
            running += n;
            (day, running)
        })
        .collect();
    let mut authorities: Vec<AuthorityRow> = by_authority
        .into_iter()
        .map(|(a, counts)| AuthorityRow {
            authority_id: a,
            authority: names.get(&a).cloned().unwrap_or_default(),
            reviewed_pct: counts.reviewed_pct(),
            handled_pct: counts.handled_pct(),
            counts,
        })
        .collect();
    authorities.sort_by(|a, b| a.authority.cmp(&b.authority));
    let people: HashMap<i64, String> = if by_officer.keys().any(Option::is_some) {
        crate::db::review::user_names(db)?.into_iter().collect()
    } else {
        HashMap::new()
    };
    let mut officers: Vec<OfficerRow> = by_officer
        .into_iter()
        .map(|(o, counts)| OfficerRow {
            officer_id: o,
            officer: match o {
                Some(o) => people.get(&o).cloned().unwrap_or_else(|| format!("#{o}")),
                None => "Chưa phân công".to_string(),
            },
            reviewed_pct: counts.reviewed_pct(),
            handled_pct: counts.handled_pct(),
            counts,
        })
        .collect();
    officers.sort_by(|a, b| {
        (a.officer_id.is_none(), &a.officer).cmp(&(b.officer_id.is_none(), &b.officer))
    });
    Ok(Some(Dashboard {
        reviewed_pct: total.reviewed_pct(),
        handled_pct: total.handled_pct(),
        total,
        authorities,
        officers,
        progress,
    }))
}

/// The last handling stage recorded for each decision of the campaign (by decision id).
pub fn last_stages(
    db: &mut Db<'_>,
    campaign: i64,
) -> Result<HashMap<i64, (Stage, NaiveDate)>, DbError> {
    let mut last: HashMap<i64, (Stage, NaiveDate)> = HashMap::new();
    for row in crate::db::review::stages_of_campaign(db, campaign)? {
        let s = row.stage()?;
        let d = row.decision_id;
        if last.get(&d).is_none_or(|(l, _)| s.index() > l.index()) {
            last.insert(d, (s, row.done_on));
        }
    }
    Ok(last)
}

/// The progress as an SVG line chart (no script, no external resources), `w`×`h` pixels.
pub fn progress_svg(progress: &[(NaiveDate, usize)], in_scope: usize, w: u32, h: u32) -> String {
    let (left, bottom, top, right) = (44.0, 28.0, 12.0, 12.0);
    let (wf, hf) = (f64::from(w), f64::from(h));
    let plot_w = wf - left - right;
    let plot_h = hf - top - bottom;
    let max = in_scope.max(1) as f64;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="Số văn bản đã có quyết định theo thời gian" class="chart">"#
    );
    // Axes and the 100% line.
    s.push_str(&format!(
        r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{y0}" stroke="#5b6470"/><line x1="{left}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#5b6470"/><line x1="{left}" y1="{top}" x2="{x1}" y2="{top}" stroke="#2e7d43" stroke-dasharray="4 3"/><text x="{tx}" y="{ty}" font-size="11" text-anchor="end" fill="#2e7d43">{in_scope}</text><text x="{tx}" y="{y0}" font-size="11" text-anchor="end" fill="#5b6470">0</text>"##,
        y0 = top + plot_h,
        x1 = left + plot_w,
        tx = left - 6.0,
        ty = top + 4.0,
    ));
    if let (Some(first), Some(last)) = (progress.first(), progress.last()) {
        let span = (last.0 - first.0).num_days().max(1) as f64;
        let point = |(d, n): &(NaiveDate, usize)| {
            let x = left + plot_w * ((*d - first.0).num_days() as f64 / span);
            let y = top + plot_h * (1.0 - *n as f64 / max);
            format!("{x:.1},{y:.1}")
        };
        let points: Vec<String> = std::iter::once(format!("{left:.1},{:.1}", top + plot_h))
            .chain(progress.iter().map(point))
            .collect();
        s.push_str(&format!(
            r##"<polyline fill="none" stroke="#1f4e8c" stroke-width="2" points="{}"/>"##,
            points.join(" ")
        ));
        s.push_str(&format!(
            r##"<text x="{left}" y="{yl}" font-size="11" fill="#5b6470">{}</text><text x="{x1}" y="{yl}" font-size="11" text-anchor="end" fill="#5b6470">{}</text>"##,
            first.0.format("%d/%m/%Y"),
            last.0.format("%d/%m/%Y"),
            yl = hf - 8.0,
            x1 = left + plot_w,
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn percentages_round_to_a_tenth_and_empty_is_complete() {
        assert_eq!(pct(1, 3), 33.3);
        assert_eq!(pct(0, 0), 100.0);
        assert_eq!(pct(2, 2), 100.0);
    }

    #[test]
    fn the_chart_is_self_contained_svg() {
        let svg = progress_svg(&[(d("2025-01-01"), 1), (d("2025-02-01"), 5)], 10, 600, 200);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("polyline") && svg.contains("01/02/2025"));
        assert!(!svg.contains("http://") || svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(!svg.contains("<script"));
        // Nothing decided yet: axes only.
        assert!(!progress_svg(&[], 10, 600, 200).contains("polyline"));
    }

    #[test]
    fn standing_follows_the_decision() {
        let today = d("2025-10-01");
        let none = standing(None, None, d("2025-12-31"), today);
        assert!(!none.reviewed && !none.overdue);
        let late = standing(None, None, d("2025-09-30"), today);
        assert!(late.overdue, "not reviewed after the deadline");
    }
}
