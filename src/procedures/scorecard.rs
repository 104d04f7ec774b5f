//! The reform scorecard of a unit for a plan year, and of every unit of a province: the counts
//! behind each figure of `domain::scorecard`, gathered from the completeness check, the
//! current procedure versions, the review campaigns and the monthly dossier counts, with the
//! records behind each count.
//!
//! The year is read on its last day, or today for the current year, or the last day of a unit
//! that ended during the year: the procedures counted are
//! those the unit must post on that day (the required set of the completeness check), each
//! judged by its current version; the review figures count the campaigns whose deadline falls
//! in the year (started ones), documents of the unit's authorities and those it took over; the
//! dossier figures add up the months of the year entered so far.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::check::{self, CheckError, Completeness, Settings};
use crate::db::procedures as pq;
use crate::db::stored::{self, At};
use crate::db::{Db, DbError};
use crate::domain::kinds::UnitLevel;
use crate::domain::procedure::{time_cut_percent, Announcement};
use crate::domain::scorecard::{figure, meets_time_cut, Figure, Indicator, Ratio, Targets};
use crate::registry::org::Org;
use crate::review::dashboard::Counts;

#[derive(Debug, thiserror::Error)]
pub enum ScorecardError {
    #[error("năm kế hoạch {year} không hợp lệ: từ 2000 đến {max}")]
    Year { year: i32, max: i32 },
    #[error(transparent)]
    Check(#[from] CheckError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The day a plan year is read on: its last day, or `today` in the current year.
pub fn as_of(year: i32, today: NaiveDate) -> Result<NaiveDate, ScorecardError> {
    let max = today.year();
    if !(2000..=max).contains(&year) {
        return Err(ScorecardError::Year { year, max });
    }
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(ScorecardError::Year { year, max })?;
    Ok(end.min(today))
}

/// A required procedure with a gap on the day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GapRecord {
    pub code: String,
    pub name: String,
    pub gaps: Vec<String>,
}

/// A procedure judged on its processing time.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CutRecord {
    pub code: String,
    pub name: String,
    pub announcement: String,
    pub decision_number: String,
    pub statutory_days: i32,
    pub local_days: i32,
    /// Cut in percent, one decimal (negative: longer locally).
    pub cut_percent: Option<f64>,
    pub met: bool,
}

/// A procedure and its online level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OnlineRecord {
    pub code: String,
    pub name: String,
    pub level: String,
    pub level_label: String,
    pub level3_or_more: bool,
    pub level4: bool,
}

/// A review campaign's part in the review figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignRecord {
    pub id: i64,
    pub name: String,
    pub deadline: NaiveDate,
    /// The deadline as people write it (`31/12/2025`).
    pub deadline_vn: String,
    pub counts: Counts,
}

/// Dossiers of one procedure over the months counted.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DossierRecord {
    pub code: String,
    pub name: String,
    pub months: usize,
    pub received: u64,
    pub online: u64,
    pub on_time: u64,
    pub online_percent: Option<f64>,
    pub on_time_percent: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Records {
    pub posted: Vec<GapRecord>,
    pub time_cut_new: Vec<CutRecord>,
    pub time_cut_amended: Vec<CutRecord>,
    pub online: Vec<OnlineRecord>,
    pub campaigns: Vec<CampaignRecord>,
    pub dossiers: Vec<DossierRecord>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Scorecard {
    pub unit: check::UnitView,
    pub level_label: String,
    pub year: i32,
    pub as_of: NaiveDate,
    pub targets: Targets,
    pub figures: Vec<Figure>,
    pub records: Records,
}

impl Scorecard {
    pub fn figure(&self, i: Indicator) -> Option<&Figure> {
        self.figures.iter().find(|f| f.indicator == i)
    }
}

/// Campaigns of the year with each one's counts per authority.
struct Reviews {
    campaigns: Vec<(crate::review::campaigns::Campaign, Vec<(i64, Counts)>)>,
}

fn reviews(db: &mut Db<'_>, year: i32, as_of: NaiveDate) -> Result<Reviews, DbError> {
    let mut campaigns = Vec::new();
    for c in crate::review::campaigns::list(db)? {
        if c.deadline.year() != year || c.started_on.is_none() {
            continue;
        }
        let Some(d) = crate::review::dashboard::dashboard(db, c.id, as_of)? else {
            continue;
        };
        let by_authority = d
            .authorities
            .into_iter()
            .map(|a| (a.authority_id, a.counts))
            .collect();
        campaigns.push((c, by_authority));
    }
    Ok(Reviews { campaigns })
}

fn add_counts(into: &mut Counts, c: &Counts) {
    into.in_scope += c.in_scope;
    into.reviewed += c.reviewed;
    into.decided += c.decided;
    into.needing_handling += c.needing_handling;
    into.handled += c.handled;
    into.overdue += c.overdue;
}

/// The scorecard of one unit.
pub fn unit_scorecard(
    db: &mut Db<'_>,
    code: &str,
    year: i32,
    today: NaiveDate,
    targets: Targets,
    settings: Settings,
) -> Result<Scorecard, ScorecardError> {
    let mut as_of = as_of(year, today)?;
    // A unit that ended during the year is read on its last day.
    let code = crate::domain::text::nfc(code.trim());
    if let Some(end) = crate::db::queries::unit_by_code(db, &code)?.and_then(|u| u.valid_to) {
        if end < as_of && end.year() == year {
            as_of = end;
        }
    }
    let c = check::check_unit(db, &code, as_of, settings)?;
    let org = Org::load(db)?;
    let reviews = reviews(db, year, as_of)?;
    build(db, &org, &reviews, c, year, targets)
}

/// The scorecards of a province and every unit in it on the day the year is read on.
pub fn province_scorecards(
    db: &mut Db<'_>,
    code: &str,
    year: i32,
    today: NaiveDate,
    targets: Targets,
    settings: Settings,
) -> Result<Vec<Scorecard>, ScorecardError> {
    let as_of = as_of(year, today)?;
    let all = check::check_province(db, code, as_of, settings)?;
    let org = Org::load(db)?;
    let reviews = reviews(db, year, as_of)?;
    let mut out = Vec::new();
    for c in all {
        out.push(build(db, &org, &reviews, c, year, targets)?);
    }
    Ok(out)
}

fn build(
    db: &mut Db<'_>,
    org: &Org,
    reviews: &Reviews,
    c: Completeness,
    year: i32,
    targets: Targets,
) -> Result<Scorecard, ScorecardError> {
    let at = At::new("units", &c.unit.id, "level");
    let level = stored::code(&c.unit.level, at, UnitLevel::parse).map_err(DbError::from)?;
    let mut records = Records::default();
    let mut fig = Vec::new();

    // Posted completely, current and on time.
    fig.push(figure(
        Indicator::Posted,
        Ratio::new(c.complete as u64, c.required as u64),
        &targets,
        level,
    ));
    records.posted = c
        .items
        .iter()
        .filter(|i| !i.gaps.is_empty())
        .map(|i| GapRecord {
            code: i.code.clone(),
            name: i.name.clone(),
            gaps: i.gaps.iter().map(|g| g.label.clone()).collect(),
        })
        .collect();

    let (cut_new, cut_amended, level3, level4) = version_ratios(db, &c, &targets, &mut records)?;
    fig.push(figure(Indicator::TimeCutNew, cut_new, &targets, level));
    fig.push(figure(
        Indicator::TimeCutAmended,
        cut_amended,
        &targets,
        level,
    ));
    fig.push(figure(Indicator::OnlineLevel3, level3, &targets, level));
    fig.push(figure(Indicator::OnlineLevel4, level4, &targets, level));

    let total = review_totals(org, reviews, &c, &mut records);
    fig.push(figure(
        Indicator::Reviewed,
        Ratio::new(total.reviewed as u64, total.in_scope as u64),
        &targets,
        level,
    ));
    fig.push(figure(
        Indicator::Handled,
        Ratio::new(total.handled as u64, total.needing_handling as u64),
        &targets,
        level,
    ));

    let (online, on_time) = dossier_ratios(db, &c, year, &mut records)?;
    fig.push(figure(Indicator::FiledOnline, online, &targets, level));
    fig.push(figure(Indicator::OnTime, on_time, &targets, level));

    Ok(Scorecard {
        level_label: level.label().to_string(),
        unit: c.unit,
        year,
        as_of: c.date,
        targets,
        figures: fig,
        records,
    })
}

/// Processing time cut (new; amended) and online level (3 or more; 4) of the current
/// versions, with their records.
fn version_ratios(
    db: &mut Db<'_>,
    c: &Completeness,
    targets: &Targets,
    records: &mut Records,
) -> Result<(Ratio, Ratio, Ratio, Ratio), ScorecardError> {
    let ids: Vec<i64> = c.items.iter().map(|i| i.version_id).collect();
    let versions: HashMap<i64, pq::ProcedureVersion> = pq::versions_by_ids(db, &ids)?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let (mut cut_new, mut cut_amended) = (Ratio::default(), Ratio::default());
    let (mut level3, mut level4) = (Ratio::default(), Ratio::default());
    for item in &c.items {
        let Some(v) = versions.get(&item.version_id) else {
            continue;
        };
        if let (Some(a), Some(target)) = (
            v.announcement_kind(),
            v.announcement_kind().and_then(|a| targets.time_cut(a)),
        ) {
            let s = u32::try_from(v.statutory_days).unwrap_or(0);
            let l = u32::try_from(v.local_days).unwrap_or(0);
            if let Some(met) = meets_time_cut(target, s, l) {
                let rec = CutRecord {
                    code: item.code.clone(),
                    name: item.name.clone(),
                    announcement: a.label().to_string(),
                    decision_number: v.decision_number.clone(),
                    statutory_days: v.statutory_days,
                    local_days: v.local_days,
                    cut_percent: time_cut_percent(s, l).map(|p| (p * 10.0).round() / 10.0),
                    met,
                };
                let (ratio, list) = if a == Announcement::New {
                    (&mut cut_new, &mut records.time_cut_new)
                } else {
                    (&mut cut_amended, &mut records.time_cut_amended)
                };
                ratio.denominator += 1;
                ratio.numerator += u64::from(met);
                list.push(rec);
            }
        }
        let online = v.online_stored().map_err(DbError::from)?;
        level3.denominator += 1;
        level3.numerator += u64::from(online.level3_or_more());
        if online.level3_or_more() {
            level4.denominator += 1;
            level4.numerator += u64::from(online.level4());
        }
        records.online.push(OnlineRecord {
            code: item.code.clone(),
            name: item.name.clone(),
            level: online.code().to_string(),
            level_label: online.label().to_string(),
            level3_or_more: online.level3_or_more(),
            level4: online.level4(),
        });
    }
    // Those missing the target first.
    records.time_cut_new.sort_by_key(|r| r.met);
    records.time_cut_amended.sort_by_key(|r| r.met);
    records.online.sort_by_key(|r| (r.level3_or_more, r.level4));
    Ok((cut_new, cut_amended, level3, level4))
}

/// Review campaigns: documents of the unit's authorities and of those it took over.
fn review_totals(org: &Org, reviews: &Reviews, c: &Completeness, records: &mut Records) -> Counts {
    let mut units: HashSet<i64> = org.all_unit_predecessors(c.unit.id).into_iter().collect();
    units.insert(c.unit.id);
    let authorities: HashSet<i64> = org
        .authorities
        .values()
        .filter(|a| a.unit_id.is_some_and(|u| units.contains(&u)))
        .map(|a| a.id)
        .collect();
    let mut total = Counts::default();
    for (campaign, by_authority) in &reviews.campaigns {
        let mut counts = Counts::default();
        for (a, n) in by_authority {
            if authorities.contains(a) {
                add_counts(&mut counts, n);
            }
        }
        if counts.in_scope > 0 {
            add_counts(&mut total, &counts);
            records.campaigns.push(CampaignRecord {
                id: campaign.id,
                name: campaign.name.clone(),
                deadline: campaign.deadline,
                deadline_vn: crate::domain::text::date_vn(campaign.deadline),
                counts,
            });
        }
    }
    total
}

/// Dossiers filed online and settled on time, over the months of the year up to the day read.
fn dossier_ratios(
    db: &mut Db<'_>,
    c: &Completeness,
    year: i32,
    records: &mut Records,
) -> Result<(Ratio, Ratio), ScorecardError> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(c.date);
    let counts = pq::dossier_counts_of(db, &[c.unit.id], from, c.date)?;
    let mut by_procedure: BTreeMap<i64, (usize, u64, u64, u64)> = BTreeMap::new();
    for d in &counts {
        let e = by_procedure.entry(d.procedure_id).or_default();
        e.0 += 1;
        e.1 += u64::try_from(d.received).unwrap_or(0);
        e.2 += u64::try_from(d.online).unwrap_or(0);
        e.3 += u64::try_from(d.on_time).unwrap_or(0);
    }
    let names: HashMap<i64, (&str, &str)> = c
        .items
        .iter()
        .map(|i| (i.procedure_id, (i.code.as_str(), i.name.as_str())))
        .collect();
    let missing: Vec<i64> = by_procedure
        .keys()
        .filter(|p| !names.contains_key(p))
        .copied()
        .collect();
    let other_codes: HashMap<i64, String> = pq::procedures_by_ids(db, &missing)?
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect();
    let (mut online, mut on_time) = (Ratio::default(), Ratio::default());
    for (pid, (months, received, on, ot)) in by_procedure {
        online = online.plus(Ratio::new(on, received));
        on_time = on_time.plus(Ratio::new(ot, received));
        let (code, name) = match names.get(&pid) {
            Some((c, n)) => (c.to_string(), n.to_string()),
            None => (
                other_codes.get(&pid).cloned().unwrap_or_default(),
                String::new(),
            ),
        };
        records.dossiers.push(DossierRecord {
            code,
            name,
            months,
            received,
            online: on,
            on_time: ot,
            online_percent: Ratio::new(on, received).percent(),
            on_time_percent: Ratio::new(ot, received).percent(),
        });
    }
    records.dossiers.sort_by(|a, b| {
        a.online_percent
            .partial_cmp(&b.online_percent)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.code.cmp(&b.code))
    });
    Ok((online, on_time))
}

/// The figures as CSV (UTF-8 with BOM): one row per unit and figure.
pub fn write_csv(cards: &[Scorecard], out: &mut impl std::io::Write) -> std::io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = crate::spreadsheet::cells::CsvWriter::new(out);
    w.write_record([
        "Mã đơn vị",
        "Đơn vị",
        "Năm kế hoạch",
        "Số liệu tính đến ngày",
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Tử số",
        "Nội dung tử số",
        "Mẫu số",
        "Nội dung mẫu số",
        "Tỷ lệ (%)",
        "Chỉ tiêu (%)",
        "Mức cắt giảm tối thiểu (%)",
        "Kết quả",
    ])?;
    for s in cards {
        let year = s.year.to_string();
        let date = s.as_of.format("%d/%m/%Y").to_string();
        for f in &s.figures {
            w.write_record([
                s.unit.code.as_str(),
                s.unit.name.as_str(),
                year.as_str(),
                date.as_str(),
                f.code,
                f.label,
                &f.numerator.to_string(),
                f.numerator_label,
                &f.denominator.to_string(),
                f.denominator_label,
                &f.percent.map(|p| format!("{p:.1}")).unwrap_or_default(),
                &f.target.map(|t| t.to_string()).unwrap_or_default(),
                &f.cut_target.map(|t| t.to_string()).unwrap_or_default(),
                f.verdict_label,
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_year_is_read_on_its_last_day_or_today() {
        let today = d("2026-05-10");
        assert_eq!(as_of(2025, today).unwrap(), d("2025-12-31"));
        assert_eq!(as_of(2026, today).unwrap(), today);
        assert!(as_of(2027, today).is_err());
        assert!(as_of(1999, today).is_err());
    }
}
